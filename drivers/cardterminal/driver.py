"""nexo card terminal driver: `CardTerminal` over a transport, with in-doubt recovery.

A lost answer is never guessed (docs/protocols.md#bank-card-terminal-nexo: "A lost answer is
resolved with a TransactionStatus request naming the original MessageReference"). When a
payment's answer does not come — connection dropped, garbled, or too late (then an abort goes
out first) — `pay` asks for the transaction status until a final answer or `recovery_s` passes,
and only then returns `CardInDoubt`. A reversal whose answer is lost is asked after in the same way.

Nothing beyond a masked PAN is kept: the codec's PCI guard strips card data from every answer
and reports which fields it took; the driver logs the fields (never values) and, when a full
PAN, track data or a security code came, marks the terminal unhealthy — but the answer itself
is always used: refusing it would lose an approval the customer has paid.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import parse_qsl

from drivers.cardterminal import pci
from drivers.cardterminal.codec import decode_terminal, encode
from drivers.cardterminal.messages import (
    DISPLAY_STAGES,
    AbortRequest,
    Category,
    DisplayRequest,
    EventNotification,
    MessageHeader,
    MessageReference,
    PaymentRequest,
    PaymentResponse,
    Result,
    ReversalRequest,
    ReversalResponse,
    SaleMessage,
    ServiceIds,
    TerminalMessage,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.money import MAX_FEN
from drivers.cardterminal.security import SecurityError, SharedKey, protect, unprotect
from drivers.cardterminal.transport import Conversation, NoAnswerInTime, Transport
from drivers.errors import AnswerLost, DeviceUnavailable, ProtocolError
from drivers.interfaces import (
    HEALTH_OK,
    CardApproved,
    CardCancelled,
    CardDeclined,
    CardFailed,
    CardInDoubt,
    CardOutcome,
    DeviceHealth,
    HealthLevel,
    PaymentStage,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T", PaymentResponse, TransactionStatusResponse, ReversalResponse)

# nexo ErrorCondition values and what they mean for the customer's money.
CANCELLED = frozenset({"Cancel", "Aborted"})
DECLINED = frozenset({"Refusal", "WrongPIN", "InvalidCard", "PaymentRestriction"})
IN_PROGRESS = "InProgress"
NOT_FOUND = "NotFound"

PCI_HEALTH = DeviceHealth(
    HealthLevel.ERROR, "pci_violation", "card_terminal.pci_violation", "sent card data"
)
UNREACHABLE = DeviceHealth(HealthLevel.ERROR, "unreachable", "card_terminal.unreachable")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class RequestRejected(ProtocolError):
    """The terminal refused a request unprocessed (an EventNotification `Reject`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the terminal rejected the request: {reason}")
        self.reason = reason


def rejection_reason(event: EventNotification) -> str:
    """The reason in a Reject's EventDetails (Adyen: "message=Some+words"), digit runs
    starred: it is logged and journalled, and may quote what it rejected."""
    details = event.details or ""
    pairs = dict(parse_qsl(details, keep_blank_values=True)) if "=" in details else {}
    return pci.redact(pairs.get("message", details))[:256] or event.event


class NexoCardTerminal:
    """The kiosk's side of a nexo terminal. Thread-safe: `abort` may come from another thread."""

    def __init__(
        self,
        transport: Transport,
        *,
        sale_id: str,
        poi_id: str,
        currency: str = "CNY",
        payment_timeout_s: float = 120.0,
        request_timeout_s: float = 10.0,
        recovery_s: float = 30.0,
        status_interval_s: float = 1.0,
        clock: Callable[[], str] = _now,
        security: SharedKey | None = None,
    ) -> None:
        """`security`: the key shared with the terminal; every message is then protected
        (security.py) and an answer that is not, or fails its check, is not an answer."""
        self.transport = transport
        self._security = security
        self.sale_id, self.poi_id, self.currency = sale_id, poi_id, currency
        self.payment_timeout_s = payment_timeout_s
        self.request_timeout_s = request_timeout_s
        self.recovery_s = recovery_s
        self.status_interval_s = status_interval_s
        self._clock = clock
        self._ids = ServiceIds()
        self._lock = threading.Lock()
        self._active: dict[str, Conversation] = {}
        # POI timestamps of the approvals this driver saw, for reversals not given one.
        self._poi_timestamps: dict[str, str] = {}
        self._pci_violation = False
        self._closed = threading.Event()

    # --- CardTerminal ----------------------------------------------------------------------

    def new_service_id(self) -> str:
        return self._ids.new()

    def pay(
        self,
        amount_fen: int,
        sale_transaction_id: str,
        service_id: str,
        on_progress: Callable[[PaymentStage], None] | None = None,
    ) -> CardOutcome:
        self._check_open()
        _check_amount(amount_fen)
        if not sale_transaction_id or len(sale_transaction_id) > 64:
            raise ValueError("sale transaction id must be 1..64 characters")
        self._ids.spend(service_id)  # ValueError if this driver sent it before
        request = PaymentRequest(
            self._header(Category.PAYMENT, service_id),
            sale_transaction_id,
            self._clock(),
            amount_fen,
            self.currency,
        )
        log.info("card payment %s: %d fen for %s", service_id, amount_fen, sale_transaction_id)
        try:
            conversation = self.transport.open(self._wire(request))
        except AnswerLost as exc:
            log.warning("card payment %s: sending failed midway (%s)", service_id, exc)
            return self._recover(service_id)
        except DeviceUnavailable as exc:
            log.warning("card payment %s: terminal unreachable, nothing sent (%s)", service_id, exc)
            return CardFailed("unreachable")
        with self._lock:
            self._active[service_id] = conversation
        if self._closed.is_set():  # close() came while it was being sent: it missed this one
            conversation.close()
        try:
            return self._await_payment(conversation, service_id, on_progress)
        except RequestRejected as exc:
            # Refused before it was processed: no money moved, the reason is the terminal's.
            log.warning("card payment %s: %s", service_id, exc)
            return CardFailed("Rejected", exc.reason)
        except NoAnswerInTime:
            log.warning(
                "card payment %s: no answer in %.0f s, aborting", service_id, self.payment_timeout_s
            )
            self._send_abort(service_id, via=conversation)
        except (AnswerLost, ProtocolError) as exc:
            log.warning("card payment %s: answer lost (%s); asking for its status", service_id, exc)
        finally:
            with self._lock:
                self._active.pop(service_id, None)
            conversation.close()
        return self._recover(service_id)

    def abort(self, service_id: str) -> None:
        with self._lock:
            conversation = self._active.get(service_id)
        self._send_abort(service_id, via=conversation)

    def status(self, service_id: str) -> CardOutcome | None:
        self._check_open()
        response = self._ask_status(Category.PAYMENT, service_id)
        repeated = response.repeated
        if response.response.result is Result.SUCCESS and isinstance(repeated, PaymentResponse):
            if repeated.header.service_id != service_id:
                raise ProtocolError("TransactionStatus repeated another payment")
            return self._outcome(repeated)
        condition = response.response.error_condition
        if condition == IN_PROGRESS:
            return CardInDoubt(service_id)
        if condition == NOT_FOUND:
            return None
        raise AnswerLost(f"the terminal gave no status for {service_id}: {condition}")

    def reverse(
        self, poi_transaction_id: str, amount_fen: int, poi_timestamp: str | None = None
    ) -> bool:
        self._check_open()
        _check_amount(amount_fen)
        if not poi_transaction_id or len(poi_transaction_id) > 256:
            raise ValueError("POI transaction id must be 1..256 characters")
        with self._lock:
            poi_timestamp = poi_timestamp or self._poi_timestamps.get(poi_transaction_id)
        if poi_timestamp is None:
            # nexo makes it mandatory; we never had it (an approval journalled by an older
            # kiosk, or a terminal that sent none): sent without, the terminal decides.
            log.warning("reversal of %s: the approval's timestamp is unknown", poi_transaction_id)
        service_id = self._ids.new()
        request = ReversalRequest(
            self._header(Category.REVERSAL, service_id),
            poi_transaction_id,
            "MerchantCancel",
            amount_fen,
            poi_timestamp,
        )
        try:
            response = self._exchange(request, ReversalResponse)
        except RequestRejected as exc:
            log.warning("reversal of %s: %s", poi_transaction_id, exc)
            return False  # refused unprocessed: nothing was reversed
        except (AnswerLost, ProtocolError) as exc:
            log.warning("reversal %s: answer lost (%s); asking for its status", service_id, exc)
            response = self._recover_reversal(service_id)
        reversed_ = response.response.result is Result.SUCCESS
        log.info(
            "reversal of %s: %s %s",
            poi_transaction_id,
            "done" if reversed_ else "refused",
            response.response.error_condition or "",
        )
        return reversed_

    def health(self) -> DeviceHealth:
        if self._pci_violation:
            return PCI_HEALTH
        if self._closed.is_set():
            return DeviceHealth(HealthLevel.UNKNOWN, "closed", "device.closed")
        return HEALTH_OK if self.transport.probe() else UNREACHABLE

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            conversations = list(self._active.values())
        for conversation in conversations:
            conversation.close()  # a pay() waiting on it ends in recovery, then in doubt

    # --- internals -------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise DeviceUnavailable("the card terminal driver is closed")

    def _header(self, category: Category, service_id: str) -> MessageHeader:
        return MessageHeader(category, "Request", service_id, self.sale_id, self.poi_id)

    def _wire(self, message: SaleMessage) -> bytes:
        payload = encode(message)
        return payload if self._security is None else protect(payload, self._security)

    def _decode(self, data: bytes) -> TerminalMessage:
        if self._security is not None:
            try:
                data = unprotect(data, self._security)
            except SecurityError as exc:
                # Not from the terminal we share the key with (or not protected): never an
                # answer — trusting a forged Reject or approval would move money wrongly.
                log.error("card terminal message refused: %s", exc)
                raise
        message, report = decode_terminal(data)
        if report.violation:
            # Taken out before anything kept it; the answer stands, the terminal is flagged.
            self._pci_violation = True
            log.error(
                "card terminal sent card data; stripped, not kept: %s", ", ".join(report.stripped)
            )
        elif report:
            log.debug("card terminal answer: not kept: %s", ", ".join(report.stripped))
        return message

    def _check_answer(self, message: TerminalMessage, service_id: str, category: Category) -> None:
        header = message.header
        if header.message_category is not category or header.service_id != service_id:
            raise ProtocolError(
                f"answer to another request ({header.message_category} {header.service_id})"
            )
        if header.sale_id != self.sale_id or header.poi_id != self.poi_id:
            raise ProtocolError("answer names another SaleID or POIID")

    def _await_payment(
        self,
        conversation: Conversation,
        service_id: str,
        on_progress: Callable[[PaymentStage], None] | None,
    ) -> CardOutcome:
        deadline = time.monotonic() + self.payment_timeout_s
        shown = PaymentStage.WAITING_FOR_CARD
        _progress(on_progress, shown)  # the terminal has the request (all HTTP can tell)
        while True:
            message = self._decode(conversation.receive(deadline))
            if isinstance(message, EventNotification):
                _check_event(message, service_id)
                continue
            if isinstance(message, DisplayRequest):
                stage = DISPLAY_STAGES.get(message.reference_id)
                if stage is not None and PaymentStage(stage) is not shown:
                    shown = PaymentStage(stage)
                    _progress(on_progress, shown)
                continue
            self._check_answer(message, service_id, Category.PAYMENT)
            assert isinstance(message, PaymentResponse)  # category Payment, type Response
            return self._outcome(message)

    def _outcome(self, response: PaymentResponse) -> CardOutcome:
        status = response.response
        service_id = response.header.service_id
        if status.result is Result.FAILURE:
            condition = status.error_condition or "unknown"
            log.info("card payment %s: %s", service_id, condition)
            if condition in CANCELLED:
                return CardCancelled()
            if condition in DECLINED:
                return CardDeclined(condition)
            return CardFailed(condition)
        card, poi_id = response.card, response.poi_transaction_id
        if card is None or poi_id is None:
            raise ProtocolError("approval without PaymentResult or POITransactionID")
        if card.approval_code is None:
            # Money moved all the same (Adyen's published approvals often carry none): an
            # approval is never turned into a lost answer for want of a receipt detail.
            log.warning("card payment %s: approval without ApprovalCode", service_id)
        if card.currency != self.currency:
            raise ProtocolError(f"approval in {card.currency}, not {self.currency}")
        log.info(
            "card payment %s: approved %d fen, %s %s, POI %s at %s",
            service_id, card.authorized_amount_fen, card.brand, card.masked_pan, poi_id,
            response.poi_timestamp,
        )  # fmt: skip
        if response.poi_timestamp is not None:
            with self._lock:
                self._poi_timestamps[poi_id] = response.poi_timestamp
        # Partial approval: the authorised amount is what was taken; the flow compares it with
        # what it asked for and reverses what it cannot use.
        return CardApproved(
            card.authorized_amount_fen, card.masked_pan, card.brand, card.approval_code or "",
            poi_id, response.poi_timestamp,
        )  # fmt: skip

    def _exchange(self, request: SaleMessage, kind: type[_T]) -> _T:
        """Send one request and return its answer (progress messages skipped)."""
        conversation = self.transport.open(self._wire(request))
        try:
            deadline = time.monotonic() + self.request_timeout_s
            while True:
                message = self._decode(conversation.receive(deadline))
                if isinstance(message, EventNotification):
                    _check_event(message, request.header.service_id)
                    continue
                if isinstance(message, DisplayRequest):
                    continue
                self._check_answer(
                    message, request.header.service_id, request.header.message_category
                )
                if not isinstance(message, kind):
                    raise ProtocolError(f"expected {kind.__name__}")
                return message
        finally:
            conversation.close()

    def _ask_status(self, category: Category, service_id: str) -> TransactionStatusResponse:
        own_id = self._ids.new()
        self._ids.spend(own_id)
        reference = MessageReference(category, service_id, self.sale_id)
        request = TransactionStatusRequest(
            self._header(Category.TRANSACTION_STATUS, own_id), reference
        )
        return self._exchange(request, TransactionStatusResponse)

    def _recover(self, service_id: str) -> CardOutcome:
        """Ask for a payment's status until it is final or `recovery_s` passed."""
        deadline = time.monotonic() + self.recovery_s
        while True:
            try:
                outcome = self.status(service_id)
            except (DeviceUnavailable, ProtocolError) as exc:
                log.warning("card payment %s: status not available (%s)", service_id, exc)
                outcome = CardInDoubt(service_id)
            if outcome is None:
                # The terminal has no record: the request never reached it, no money moved.
                log.info("card payment %s: the terminal never received it", service_id)
                return CardFailed("not_received")
            if not isinstance(outcome, CardInDoubt):
                log.info("card payment %s: recovered %s", service_id, type(outcome).__name__)
                return outcome
            if time.monotonic() + self.status_interval_s > deadline or self._closed.is_set():
                log.error("card payment %s: still in doubt; journal it and ask later", service_id)
                return outcome
            time.sleep(self.status_interval_s)

    def _recover_reversal(self, service_id: str) -> ReversalResponse:
        deadline = time.monotonic() + self.recovery_s
        while True:
            try:
                response = self._ask_status(Category.REVERSAL, service_id)
            except (DeviceUnavailable, ProtocolError) as exc:
                log.warning("reversal %s: status not available (%s)", service_id, exc)
            else:
                repeated = response.repeated
                if isinstance(repeated, ReversalResponse):
                    return repeated
                if response.response.error_condition == NOT_FOUND:
                    # Never arrived: nothing was reversed, the caller may simply try again.
                    return ReversalResponse(response.header, response.response)
            if time.monotonic() + self.status_interval_s > deadline:
                raise AnswerLost(f"reversal {service_id}: outcome unknown, try again later")
            time.sleep(self.status_interval_s)

    def _send_abort(self, service_id: str, via: Conversation | None) -> None:
        """Best effort: a lost abort changes nothing, the payment's answer tells how it ended."""
        own_id = self._ids.new()
        self._ids.spend(own_id)
        reference = MessageReference(Category.PAYMENT, service_id, self.sale_id)
        payload = self._wire(AbortRequest(self._header(Category.ABORT, own_id), reference))
        try:
            if via is not None and via.can_send_more:
                via.send_more(payload)  # on the payment's own connection (TCP stream)
            else:
                self.transport.notify(payload)
        except DeviceUnavailable as exc:
            log.warning("abort of card payment %s not sent: %s", service_id, exc)


def _check_event(event: EventNotification, service_id: str) -> None:
    """An event on a request's connection: a Reject of that request ends it (RequestRejected);
    any other event (maintenance, wake-up, ...) is noted and the answer still awaited."""
    own = event.header.service_id in ("", service_id)
    if event.rejects and own:
        raise RequestRejected(rejection_reason(event))
    log.info(
        "card terminal event %s%s: %s",
        event.event,
        "" if own else f" about {event.header.service_id}",
        rejection_reason(event),
    )


def _check_amount(amount_fen: int) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise ValueError("amount must be integer fen")
    if not 0 < amount_fen <= MAX_FEN:
        raise ValueError(f"amount {amount_fen} fen is out of range")


def _progress(listener: Callable[[PaymentStage], None] | None, stage: PaymentStage) -> None:
    if listener is None:
        return
    try:
        listener(stage)
    except Exception:  # a display problem must never lose a payment's answer
        log.exception("progress listener failed on %s", stage)
