"""nexo terminal simulator on 127.0.0.1: the terminal's side of the same messages, TCP or HTTP.

Scenarios, switchable at any time (a payment keeps the one it started with):
- approve, decline, cancel (the customer pressed cancel), busy;
- timeout: takes the payment and never answers it; an abort ends it quietly, unless
  `ignore_abort` makes the terminal hang for good;
- lost_after_approval: approves, remembers, drops the reply;
- approve_after_abort: waits at "authorising" for an abort, then approves anyway;
- malformed: approves, answers garbage;
- pan_leak: approves, answers with the full PAN as MaskedPan;
- reject: refuses the payment request unprocessed with an EventNotification `Reject` and a
  reason, as Adyen's terminals do (nothing is remembered: a status request finds nothing).

Answers carry what a real terminal's do (Adyen's published responses, docs/drivers-nexo.md):
the sale transaction's id and timestamp echoed, the terminal's own POI transaction id and
timestamp (also on failures and reversals), the payment instrument type. Switches beside the
scenario: `next_poi_transaction_id`, `lose_reversal_answer`, `ignore_abort`, `abort_wait_s`.

The terminal remembers every transaction while it runs: TransactionStatus repeats the original
answer (also of a reversal), and a payment can be reversed once
(docs/protocols.md#bank-card-terminal-nexo). The scenario shapes the payment only; status and
reversal answers are always honest. Payments keep going when the kiosk disconnects, as a real
terminal's do.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import socket
import socketserver
import ssl
import threading

from drivers.cardterminal.framing import MAX_FRAME, FrameDecoder, frame
from drivers.cardterminal.security import SharedKey
from drivers.cardterminal.sim_engine import (
    GARBAGE,
    MASKED_PAN,
    TEST_PAN,
    Scenario,
    SimTransaction,
    TerminalEngine,
)
from drivers.errors import ProtocolError

__all__ = [
    "GARBAGE",
    "MASKED_PAN",
    "TEST_PAN",
    "Scenario",
    "SimTransaction",
    "TerminalEngine",
    "TerminalSimulator",
]
log = logging.getLogger(__name__)


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
