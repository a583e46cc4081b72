"""nexo terminal simulator on 127.0.0.1: the terminal's side of the same messages, TCP or HTTP.

Scenarios, switchable at any time (a payment keeps the one it started with):
- approve, decline, cancel (the customer pressed cancel), busy;
- timeout: takes the payment and never answers it; an abort ends it quietly, unless
  `ignore_abort` makes the terminal hang for good;
- lost_after_approval: approves, remembers, drops the reply;
- approve_after_abort: waits at "authorising" for an abort, then approves anyway;
- malformed: approves, answers garbage;
- pan_leak: approves, answers with the full PAN as MaskedPan.

The terminal remembers every transaction while it runs: TransactionStatus repeats the original
answer (also of a reversal), and a payment can be reversed once (protocols.md). The scenario
shapes the payment only; status and reversal answers are always honest. Payments keep going
when the kiosk disconnects, as a real terminal's do.
"""

from __future__ import annotations

import contextlib
import enum
import http.server
import itertools
import logging
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from drivers.cardterminal.codec import decode_from_sale, encode
from drivers.cardterminal.framing import MAX_FRAME, FrameDecoder, frame
from drivers.cardterminal.messages import (
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
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
        return PaymentResponse(
            self._header(request.header),
            ResponseStatus(Result.FAILURE, condition),
            request.sale_transaction_id,
        )

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
            poi_timestamp=request.timestamp,
            card=CardResult(
                pan, "UnionPay", request.amount_fen, request.currency, f"A{number:05d}"
            ),
        )

    def _pay(self, request: PaymentRequest, send: Send) -> bool:
        key = (request.header.sale_id, request.header.service_id)
        scenario = self.scenario
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
                    header, ResponseStatus(Result.SUCCESS), request.poi_transaction_id
                )
            self.reversals[(request.header.sale_id, request.header.service_id)] = answer
            return answer


def _send(send: Send, payload: bytes) -> None:
    try:
        send(payload)
    except OSError:  # the kiosk went away; the terminal carries on regardless
        log.info("terminal simulator: the kiosk is gone, answer not delivered")


class _TcpHandler(socketserver.BaseRequestHandler):
    server: _TcpServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        server = self.server
        decoder = FrameDecoder(server.width)
        send_lock = threading.Lock()

        def send(payload: bytes) -> None:
            with send_lock:
                sock.sendall(frame(payload, server.width))

        def serve(payload: bytes) -> None:
            if not server.engine.handle(payload, send):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # say nothing more: the answer is "lost"

        with server.connections_lock:
            server.connections.add(sock)
        try:
            while True:
                try:
                    data = sock.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                decoder.push(data)
                while True:
                    try:
                        payload = decoder.pop()
                    except ProtocolError as exc:
                        log.warning("terminal simulator: bad frame (%s), closing", exc)
                        with server.engine.lock:
                            server.engine.protocol_errors += 1
                        return
                    if payload is None:
                        break
                    # Each message on its own thread: an abort must get through while the
                    # payment it aborts is still running on this connection.
                    threading.Thread(target=serve, args=(payload,), daemon=True).start()
        finally:
            with server.connections_lock:
                server.connections.discard(sock)


class _TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], engine: TerminalEngine, width: int) -> None:
        self.engine = engine
        self.width = width
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _TcpHandler)


class _HttpHandler(http.server.BaseHTTPRequestHandler):
    server: _HttpServer

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_FRAME:
            self.send_error(400, "bad Content-Length")
            return
        answers: list[bytes] = []
        if not self.server.engine.handle(self.rfile.read(length), answers.append):
            self.close_connection = True  # drop: no status line at all
            return
        if not answers:
            self.send_response(204)
            self.end_headers()
            return
        body = answers[-1]  # HTTP has room for the final answer only; progress is dropped
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("terminal simulator http: " + format, *args)


class _HttpServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], engine: TerminalEngine) -> None:
        self.engine = engine
        super().__init__(address, _HttpHandler)


class TerminalSimulator:
    """The engine behind a loopback TCP (length-prefixed) or HTTP server."""

    def __init__(
        self,
        transport: str = "tcp",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        poi_id: str = "SIMPOI01",
        width: int = 4,
        scenario: Scenario = Scenario.APPROVE,
        stage_s: float = 0.05,
        tls: ssl.SSLContext | None = None,
        security: SharedKey | None = None,
    ) -> None:
        """`tls` (http only): a server context, making the endpoint https://. `security`: the
        key shared with the kiosk (message protection, security.py)."""
        if transport not in ("tcp", "http"):
            raise ValueError(f"transport is tcp or http, not {transport!r}")
        if tls is not None and transport != "http":
            raise ValueError("the simulator speaks TLS over http only")
        self.engine = TerminalEngine(poi_id, scenario, stage_s, security)
        self.transport = transport
        self._server: _TcpServer | _HttpServer = (
            _TcpServer((host, port), self.engine, width)
            if transport == "tcp"
            else _HttpServer((host, port), self.engine)
        )
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        address = self._server.server_address
        self.host, self.port = str(address[0]), int(address[1])
        self.url = (
            f"tcp://{self.host}:{self.port}"
            if transport == "tcp"
            else f"{'https' if tls else 'http'}://{self.host}:{self.port}/nexo"
        )
        self._thread: threading.Thread | None = None

    @property
    def scenario(self) -> Scenario:
        return self.engine.scenario

    @scenario.setter
    def scenario(self, value: Scenario | str) -> None:
        self.engine.scenario = Scenario(value)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="nexo-terminal-sim", daemon=True
        )
        self._thread.start()
        log.info("nexo terminal simulator on %s", self.url)

    def stop(self) -> None:
        self.engine.stopping.set()  # releases payments held by the timeout scenario
        self._server.shutdown()
        self._server.server_close()
        if isinstance(self._server, _TcpServer):
            with self._server.connections_lock:
                for sock in list(self._server.connections):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
