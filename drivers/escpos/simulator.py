"""ESC/POS printer simulator on loopback TCP: the other end of the wire, with fault switches.

Answers `DLE EOT n` from its switches (paper out, near end, cover open, offline, silent, garbled)
and collects each job — from `ESC @` to the cut — for tests and the demo, like OctoPrint's
virtual printer does for 3D printers.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import ProtocolError
from drivers.escpos.decode import Command, Cut, StatusQuery, StreamDecoder, receipt_text
from drivers.escpos.preview import render_png

log = logging.getLogger(__name__)


@dataclass
class PrinterFaults:
    """Switches, changeable at any time."""

    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    offline: bool = False
    cutter_error: bool = False
    silent: bool = False  # never answers a status query
    garbled_status: bool = False  # answers with bytes that break the fixed bits
    drop_connection_after_bytes: int | None = None


def status_byte(n: int, faults: PrinterFaults) -> int:
    """The reply to DLE EOT n; bits 1 and 4 always set (protocols.md)."""
    value = 0x12
    stopped = faults.paper_out or faults.cover_open or faults.cutter_error
    if n == 1 and (faults.offline or stopped):
        value |= 0x08
    elif n == 2:
        value |= (0x04 if faults.cover_open else 0) | (0x20 if faults.paper_out else 0)
        value |= 0x40 if faults.offline or faults.cutter_error else 0
    elif n == 3:
        value |= 0x08 if faults.cutter_error else 0
    elif n == 4:
        value |= 0x0C if faults.paper_near_end or faults.paper_out else 0
        value |= 0x60 if faults.paper_out else 0
    return value


class EscposPrinterSimulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.faults = PrinterFaults()
        self.jobs: list[bytes] = []
        self.protocol_errors = 0
        self._host, self._port = host, port
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._received = 0

    @property
    def url(self) -> str:
        return f"socket://{self._host}:{self._port}"

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self._host, self._port))
        server.listen(1)
        server.settimeout(0.2)
        self._port = server.getsockname()[1]
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="escpos-sim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> EscposPrinterSimulator:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def job_texts(self) -> list[str]:
        with self._lock:
            jobs = list(self.jobs)
        return [receipt_text(job) for job in jobs]

    def save_png(self, index: int, path: Path) -> Path:
        """A picture of job `index` as the customer would see it."""
        return render_png(self.job_texts()[index], path)

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= count:
                    return True
            time.sleep(0.01)
        return False

    def _serve(self) -> None:
        assert self._server is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(0.2)
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        decoder = StreamDecoder()
        job = bytearray()
        while not self._stopping.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            self._received += len(data)
            limit = self.faults.drop_connection_after_bytes
            if limit is not None and self._received >= limit:
                return  # the printer "loses power": the connection just ends
            try:
                events = decoder.feed_raw(data)
            except ProtocolError as exc:
                self.protocol_errors += 1
                log.warning("printer simulator: garbage: %s", exc)
                decoder.reset()
                continue
            for event, raw in events:
                if isinstance(event, StatusQuery):
                    self._answer(conn, event.n)
                    continue
                if isinstance(event, Command) and raw == b"\x1b@":
                    job = bytearray()  # ESC @ starts a fresh job
                job += raw
                if isinstance(event, Cut):
                    with self._lock:
                        self.jobs.append(bytes(job))
                    job = bytearray()

    def _answer(self, conn: socket.socket, n: int) -> None:
        faults = self.faults
        if faults.silent:
            return
        reply = 0xFF if faults.garbled_status else status_byte(n, faults)
        try:
            conn.sendall(bytes((reply,)))
        except OSError:
            log.debug("printer simulator: client went away")
