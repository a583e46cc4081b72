"""The nexo terminal simulator's terminal, without a transport: one message in, answers out.

Scenarios and switches are described in simulator.py, which serves this engine over TCP or
HTTP on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote_plus

from drivers.cardterminal.codec import decode_from_sale, encode
from drivers.cardterminal.messages import (
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
    EventNotification,
    MessageHeader,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    Result,
    ReversalRequest,
    ReversalResponse,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.pci import luhn_ok
from drivers.cardterminal.security import SecurityError, SharedKey, protect, unprotect
from drivers.errors import ProtocolError

log = logging.getLogger(__name__)

# A UnionPay-style test PAN that passes Luhn: only the pan_leak scenario ever sends it whole.
TEST_PAN = next(f"622848000000123{d}" for d in "0123456789" if luhn_ok(f"622848000000123{d}"))
MASKED_PAN = TEST_PAN[:6] + "*" * (len(TEST_PAN) - 10) + TEST_PAN[-4:]
GARBAGE = b'{"SaleToPOIResponse": {"MessageHeader": {"MessageCl'


class Scenario(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"
    TIMEOUT = "timeout"
    BUSY = "busy"
    LOST_AFTER_APPROVAL = "lost_after_approval"
    APPROVE_AFTER_ABORT = "approve_after_abort"
    MALFORMED = "malformed"
    PAN_LEAK = "pan_leak"
    REJECT = "reject"


APPROVING = frozenset(
    {
        Scenario.APPROVE,
        Scenario.LOST_AFTER_APPROVAL,
        Scenario.APPROVE_AFTER_ABORT,
        Scenario.MALFORMED,
        Scenario.PAN_LEAK,
    }
)
Send = Callable[[bytes], None]


@dataclass
class SimTransaction:
    request: PaymentRequest
    response: PaymentResponse | None = None  # None while the customer is at it
    aborted: threading.Event = field(default_factory=threading.Event)
    reversed: bool = False


class TerminalEngine:
    """The terminal without a transport: one message in, zero or more messages out."""

    def __init__(
        self,
        poi_id: str = "SIMPOI01",
        scenario: Scenario = Scenario.APPROVE,
        stage_s: float = 0.05,
        security: SharedKey | None = None,
    ) -> None:
        self.poi_id = poi_id
        # The shared key: every message in must be protected with it, every message out is.
        self.security = security
        self.scenario = scenario
        self.stage_s = stage_s  # time the customer spends at each step
        self.abort_wait_s = 10.0  # approve_after_abort: how long it waits for the abort
        self.lose_reversal_answer = False  # process the next reversal, drop its reply
        self.ignore_abort = False  # timeout: a hung terminal that does not even stop on abort
        # The POI transaction id of the next approval (e.g. a real terminal's tender reference
        # with a Luhn-valid digit run); None: the simulator's own SIMnnnnnX<POIID>.
        self.next_poi_transaction_id: str | None = None
        self.lock = threading.Condition()
        self.payments: dict[tuple[str, str], SimTransaction] = {}
        self.reversals: dict[tuple[str, str], ReversalResponse] = {}
        self.received: list[Category] = []  # every request, in order
        self.protocol_errors = 0
        self.stopping = threading.Event()
        self._by_poi: dict[str, SimTransaction] = {}
        self._running: SimTransaction | None = None
        self._numbers = itertools.count(1)
        self._failures = itertools.count(1)

    # --- for tests and demos -----------------------------------------------------------------

    def wait_for_payment(self, timeout_s: float) -> SimTransaction | None:
        """The latest payment, once one has arrived (None if none came in time)."""
        with self.lock:
            self.lock.wait_for(lambda: bool(self.payments), timeout_s)
            return list(self.payments.values())[-1] if self.payments else None

    def wait_until_done(self, tx: SimTransaction, timeout_s: float) -> bool:
        with self.lock:
            return self.lock.wait_for(lambda: tx.response is not None, timeout_s)

    def approvals(self) -> list[SimTransaction]:
        with self.lock:
            return [
                tx
                for tx in self.payments.values()
                if tx.response is not None and tx.response.response.result is Result.SUCCESS
            ]

    # --- the protocol ------------------------------------------------------------------------

    def handle(self, data: bytes, send: Send) -> bool:
        """Answer one message through `send`; False means: drop the connection, say nothing."""
        if self.security is not None:
            try:
                data = unprotect(data, self.security)
            except SecurityError as exc:
                with self.lock:
                    self.protocol_errors += 1
                log.warning("terminal simulator: refused an unprotected message: %s", exc)
                return False
            send = self._protecting(send, self.security)
        try:
            message = decode_from_sale(data)
        except ProtocolError as exc:
            with self.lock:
                self.protocol_errors += 1
            log.warning("terminal simulator: refused a message: %s", exc)
            return False
        with self.lock:
            self.received.append(message.header.message_category)
        match message:
            case PaymentRequest():
                return self._pay(message, send)
            case AbortRequest():
                ref = message.reference
                with self.lock:
                    tx = self.payments.get((ref.sale_id, ref.service_id))
                if tx is not None:
                    tx.aborted.set()
                return True  # nexo has no AbortResponse
            case TransactionStatusRequest():
                _send(send, encode(self._status(message)))
            case ReversalRequest():
                answer = self._reverse(message)
                with self.lock:
                    lose, self.lose_reversal_answer = self.lose_reversal_answer, False
                if lose:
                    return False
                _send(send, encode(answer))
        return True

    @staticmethod
    def _protecting(send: Send, key: SharedKey) -> Send:
        def protected(payload: bytes) -> None:
            with contextlib.suppress(ValueError):  # the malformed scenario's garbage: as it is
                payload = protect(payload, key)
            send(payload)

        return protected

    def _header(self, request: MessageHeader) -> MessageHeader:
        return MessageHeader(
            request.message_category, "Response", request.service_id, request.sale_id, self.poi_id
        )

    def _failure(self, request: PaymentRequest, condition: str) -> PaymentResponse:
        # A real terminal names its own transaction on a failure too (Adyen's cancellation).
        return PaymentResponse(
            self._header(request.header),
            ResponseStatus(Result.FAILURE, condition),
            request.sale_transaction_id,
            poi_transaction_id=f"SIMF{next(self._failures):05d}X{self.poi_id}",
            poi_timestamp=_now(),
            sale_timestamp=request.timestamp,
            instrument_type="Card",
        )

    def _rejection(self, request: MessageHeader, reason: str) -> EventNotification:
        header = MessageHeader(
            Category.EVENT, "Notification", request.service_id, request.sale_id, self.poi_id,
            message_class="Event",
        )  # fmt: skip
        return EventNotification(header, "Reject", f"message={quote_plus(reason)}", _now())

    def _approval(self, request: PaymentRequest, scenario: Scenario) -> PaymentResponse:
        number = next(self._numbers)
        pan = TEST_PAN if scenario is Scenario.PAN_LEAK else MASKED_PAN
        with self.lock:
            poi_tx, self.next_poi_transaction_id = self.next_poi_transaction_id, None
        return PaymentResponse(
            self._header(request.header),
            ResponseStatus(Result.SUCCESS),
            request.sale_transaction_id,
            poi_transaction_id=poi_tx or f"SIM{number:05d}X{self.poi_id}",
            poi_timestamp=_now(),  # the terminal's clock, not the kiosk's
            card=CardResult(
                pan, "UnionPay", request.amount_fen, request.currency, f"A{number:05d}"
            ),
            sale_timestamp=request.timestamp,
            instrument_type="Card",
        )

    def _pay(self, request: PaymentRequest, send: Send) -> bool:
        key = (request.header.sale_id, request.header.service_id)
        scenario = self.scenario
        if scenario is Scenario.REJECT:
            rejection = self._rejection(request.header, "Simulated rejection: payment refused")
            _send(send, encode(rejection))
            return True
        with self.lock:
            if key in self.payments:  # nexo: a ServiceID is unique per request
                _send(send, encode(self._failure(request, "MessageFormat")))
                return True
            tx = SimTransaction(request)
            self.payments[key] = tx
            busy = scenario is Scenario.BUSY or self._running is not None
            if busy:
                tx.response = self._failure(request, "Busy")
            else:
                self._running = tx
            self.lock.notify_all()
        if busy:
            _send(send, encode(tx.response))  # type: ignore[arg-type]
            return True
        try:
            response = self._run(tx, scenario, send)
        finally:
            with self.lock:
                self._running = None
        if response is None:  # timeout: never answers, stays in progress
            return False
        with self.lock:
            tx.response = response
            if response.poi_transaction_id is not None:
                self._by_poi[response.poi_transaction_id] = tx
            self.lock.notify_all()
        if scenario in (Scenario.LOST_AFTER_APPROVAL, Scenario.TIMEOUT):
            return False
        _send(send, GARBAGE if scenario is Scenario.MALFORMED else encode(response))
        return True

    def _run(self, tx: SimTransaction, scenario: Scenario, send: Send) -> PaymentResponse | None:
        request = tx.request
        for reference in ("WaitingForCard", "PINEntry", "Authorising"):
            header = MessageHeader(
                Category.DISPLAY, "Request", request.header.service_id,
                request.header.sale_id, self.poi_id, message_class="Device",
            )  # fmt: skip
            _send(send, encode(DisplayRequest(header, reference)))
            if scenario is Scenario.TIMEOUT:
                continue
            if tx.aborted.wait(self.stage_s) and scenario is not Scenario.APPROVE_AFTER_ABORT:
                return self._failure(request, "Aborted")
        if scenario is Scenario.TIMEOUT:
            while not self.stopping.is_set():  # silent; an abort ends it (unless ignored)
                if tx.aborted.wait(0.05) and not self.ignore_abort:
                    return self._failure(request, "Aborted")
            return None
        if scenario is Scenario.APPROVE_AFTER_ABORT:
            tx.aborted.wait(self.abort_wait_s)  # the authorisation is already with the bank
        if scenario in APPROVING:
            return self._approval(request, scenario)
        return self._failure(request, "Refusal" if scenario is Scenario.DECLINE else "Cancel")

    def _status(self, request: TransactionStatusRequest) -> TransactionStatusResponse:
        ref = request.reference
        key = (ref.sale_id, ref.service_id)
        repeated: PaymentResponse | ReversalResponse | None = None
        with self.lock:
            if ref.category is Category.PAYMENT and key in self.payments:
                repeated = self.payments[key].response
                if repeated is None:
                    return self._status_failure(request, "InProgress")
            elif ref.category is Category.REVERSAL:
                repeated = self.reversals.get(key)
        if repeated is None:
            return self._status_failure(request, "NotFound")
        return TransactionStatusResponse(
            self._header(request.header), ResponseStatus(Result.SUCCESS), repeated
        )

    def _status_failure(
        self, request: TransactionStatusRequest, condition: str
    ) -> TransactionStatusResponse:
        return TransactionStatusResponse(
            self._header(request.header), ResponseStatus(Result.FAILURE, condition)
        )

    def _reverse(self, request: ReversalRequest) -> ReversalResponse:
        header = self._header(request.header)
        with self.lock:
            tx = self._by_poi.get(request.poi_transaction_id)
            refusal: str | None = None
            if tx is None or tx.response is None:
                condition, refusal = "NotFound", "unknown transaction"
            elif tx.response.response.result is not Result.SUCCESS:
                condition, refusal = "NotAllowed", "not approved"
            elif tx.reversed:
                condition, refusal = "NotAllowed", "already reversed"
            elif request.amount_fen not in (None, tx.request.amount_fen):
                condition, refusal = "NotAllowed", "amount differs"
            if refusal is not None:
                answer = ReversalResponse(
                    header, ResponseStatus(Result.FAILURE, condition, refusal)
                )
            else:
                assert tx is not None
                tx.reversed = True
                answer = ReversalResponse(
                    header, ResponseStatus(Result.SUCCESS), request.poi_transaction_id, _now()
                )
            self.reversals[(request.header.sale_id, request.header.service_id)] = answer
            return answer


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _send(send: Send, payload: bytes) -> None:
    try:
        send(payload)
    except OSError:  # the kiosk went away; the terminal carries on regardless
        log.info("terminal simulator: the kiosk is gone, answer not delivered")
