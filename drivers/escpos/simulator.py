"""ESC/POS printer simulator, the other end of the wire: loopback TCP (or a pseudo-terminal).

It parses the byte stream incrementally, answers `DLE EOT n` from its fault switches through the
shared status table, and collects each job — from `ESC @` to the cut — for tests and the demo,
like OctoPrint's virtual printer does for 3D printers. Bytes it cannot parse are counted in
`protocol_errors` and skipped, never a crash. It reads text as a Chinese-firmware printer does
(drivers/escpos/decode.py): sizes per kind of character, and garbage (U+FFFD) for a character
its font (`font_charset`, GB2312 by default, as most such printers) does not hold.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.errors import ProtocolError
from drivers.escpos.charset import DEFAULT_FONT_CHARSET, FontCharset
from drivers.escpos.decode import (
    Barcode,
    Cut,
    DecodedJob,
    Event,
    Image,
    Newline,
    QrData,
    StatusQuery,
    StreamDecoder,
    Text,
    decode_stream,
    receipt_text,
)
from drivers.escpos.preview import render_png
from drivers.escpos.status import encode_status
from drivers.pty_device import PtyDevice

log = logging.getLogger(__name__)

CONTENT = (Text, Newline, QrData, Barcode, Image)
GARBLED_STATUS = 0xFF  # bits 0 and 7 set: violates the fixed bits


@dataclass
class PrinterFaults:
    """Fault switches, changeable at any time from any thread."""

    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    offline: bool = False  # offline without a named cause
    cutter_error: bool = False
    unrecoverable_error: bool = False
    silent: bool = False  # never answers a status query
    garbled_status: bool = False  # answers 0xFF: the fixed bits are wrong
    status_delay_s: float = 0.0  # a slow printer: each status answer comes this late
    drop_connection_after_bytes: int | None = None  # per TCP connection ("power cut")
    paper_out_after_bytes: int | None = None  # paper runs out once this much print data came

    @property
    def stopped(self) -> bool:
        """The printer cannot print now."""
        return (
            self.paper_out
            or self.cover_open
            or self.offline
            or self.cutter_error
            or self.unrecoverable_error
        )


def status_flags(n: int, faults: PrinterFaults) -> set[str]:
    """What the printer reports for DLE EOT n: any stop makes it offline (n=1), n=2 says why."""
    candidates = {
        1: {"offline": faults.stopped},
        2: {
            "cover_open": faults.cover_open,
            "stopped_paper_end": faults.paper_out,
            "error": faults.cutter_error or faults.unrecoverable_error,
        },
        3: {
            "cutter_error": faults.cutter_error,
            "unrecoverable_error": faults.unrecoverable_error,
        },
        4: {
            "paper_near_end": faults.paper_near_end or faults.paper_out,
            "paper_end": faults.paper_out,
        },
    }[n]
    return {name for name, on in candidates.items() if on}


def status_byte(n: int, faults: PrinterFaults) -> int:
    """The reply to DLE EOT n for these faults (ignores `garbled_status` and `silent`)."""
    return encode_status(n, status_flags(n, faults))


class PrinterEngine:
    """The printer itself, without a transport: bytes in, status answers out, jobs collected.

    A job goes to `jobs` when it ends (cut, or ESC @ after content) and the printer was able to
    print all of it; to `spoiled_jobs` when the printer was stopped while its content arrived,
    or when the connection ended before the job did.
    """

    def __init__(
        self,
        faults: PrinterFaults,
        wait: Callable[[float], object] = time.sleep,
        font_charset: FontCharset = DEFAULT_FONT_CHARSET,
    ) -> None:
        self.faults = faults
        self._wait = wait
        self.font_charset: FontCharset = font_charset
        self.lock = threading.Lock()
        self._decoder = StreamDecoder(font_charset)
        self.jobs: list[bytes] = []
        self.spoiled_jobs: list[bytes] = []
        self.protocol_errors = 0  # garbage bytes skipped
        self.status_queries = 0
        self.print_bytes = 0  # every byte that is not a status query
        self._job = bytearray()
        self._job_has_content = False
        self._job_spoiled = False

    def connection_started(self) -> None:
        """A new host connection: an unfinished command or job of the last one is lost."""
        self._end_job(complete=False)
        self._decoder.reset()

    def receive(self, data: bytes, send: Callable[[bytes], None]) -> None:
        """Consume bytes as they arrive; `send` carries status answers back to the host."""
        self._decoder.push(data)
        while True:
            try:
                item = self._decoder.pop()
            except ProtocolError as exc:
                garbage = self._decoder.skip(1)
                with self.lock:
                    self.protocol_errors += len(garbage)
                    self.print_bytes += len(garbage)
                log.warning("printer simulator: skipped garbage %r: %s", garbage, exc)
                continue
            if item is None:
                return
            event, raw = item
            if isinstance(event, StatusQuery):
                self._answer(event.n, send)
            else:
                self._print(event, raw)

    def _print(self, event: Event | None, raw: bytes) -> None:
        if raw == b"\x1b@" and self._job_has_content:
            self._end_job(complete=True)
        if isinstance(event, CONTENT):
            self._job_has_content = True
            self._job_spoiled = self._job_spoiled or self.faults.stopped
        self._job += raw
        with self.lock:
            self.print_bytes += len(raw)
            limit = self.faults.paper_out_after_bytes
            if limit is not None and self.print_bytes >= limit:
                self.faults.paper_out = True
        if isinstance(event, Cut):
            self._end_job(complete=True)

    def _end_job(self, *, complete: bool) -> None:
        job, spoiled = bytes(self._job), self._job_spoiled or not complete
        if job and (self._job_has_content or complete):
            with self.lock:
                (self.spoiled_jobs if spoiled else self.jobs).append(job)
        self._job = bytearray()
        self._job_has_content = self._job_spoiled = False

    def _answer(self, n: int, send: Callable[[bytes], None]) -> None:
        faults = self.faults
        with self.lock:
            self.status_queries += 1
        if faults.silent:
            return
        if faults.status_delay_s > 0:
            self._wait(faults.status_delay_s)
        send(bytes((GARBLED_STATUS if faults.garbled_status else status_byte(n, faults),)))


class _SimulatorApi:
    """What tests and the demo read from either simulator."""

    engine: PrinterEngine

    @property
    def faults(self) -> PrinterFaults:
        return self.engine.faults

    @property
    def jobs(self) -> list[bytes]:
        """Jobs printed completely (the live list; copy it before iterating elsewhere)."""
        return self.engine.jobs

    @property
    def spoiled_jobs(self) -> list[bytes]:
        return self.engine.spoiled_jobs

    @property
    def protocol_errors(self) -> int:
        return self.engine.protocol_errors

    @property
    def status_queries(self) -> int:
        return self.engine.status_queries

    @property
    def print_bytes(self) -> int:
        return self.engine.print_bytes

    def _jobs_copy(self) -> list[bytes]:
        with self.engine.lock:
            return list(self.engine.jobs)

    def job_texts(self) -> list[str]:
        """The text of each printed job (QR codes as `[QR data]`, lines printed as pictures as
        `[IMAGE widthxheight]`, characters outside the printer's font as U+FFFD)."""
        charset = self.engine.font_charset
        return [receipt_text(job, charset) for job in self._jobs_copy()]

    def decoded_jobs(self) -> list[DecodedJob]:
        """Each printed job with line styles, pictures, QR payloads and whether it was cut."""
        charset = self.engine.font_charset
        return [decoded for job in self._jobs_copy() for decoded in decode_stream(job, charset)]

    def save_png(self, index: int, path: Path) -> Path:
        """A picture of job `index` as the customer would see it."""
        parts = decode_stream(self._jobs_copy()[index], self.engine.font_charset)
        lines = tuple(line for part in parts for line in part.lines)
        images = tuple(image for part in parts for image in part.images)
        return render_png(DecodedJob(lines, cut=any(p.cut for p in parts), images=images), path)

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while True:
            if len(self._jobs_copy()) >= count:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)


class EscposPrinterSimulator(_SimulatorApi):
    """A network receipt printer on loopback TCP (`socket://127.0.0.1:<port>`), one host
    connection at a time; a new one is accepted after a disconnect."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        font_charset: FontCharset = DEFAULT_FONT_CHARSET,
    ) -> None:
        self._host, self._port = host, port
        self._stopping = threading.Event()
        self.engine = PrinterEngine(
            PrinterFaults(), wait=self._stopping.wait, font_charset=font_charset
        )
        self._server: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.connections = 0

    @property
    def url(self) -> str:
        return f"socket://{self._host}:{self._port}"

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self._host, self._port))
        server.listen(1)
        server.settimeout(0.1)
        self._port = server.getsockname()[1]
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="escpos-sim", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the port and the host's connection, as a power cut does."""
        self._stopping.set()
        for sock in (self._conn, self._server):
            if sock is not None:
                with contextlib.suppress(OSError):  # wakes a blocked accept or recv at once
                    sock.shutdown(socket.SHUT_RDWR)
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

    def _serve(self) -> None:
        server = self._server
        assert server is not None
        while not self._stopping.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._conn = conn
            with conn:
                conn.settimeout(0.1)
                self.engine.connection_started()
                self._session(conn)
            self._conn = None
            self.engine.connection_started()  # what was unfinished is lost with the line

    def _session(self, conn: socket.socket) -> None:
        received = 0

        def send(reply: bytes) -> None:
            try:
                conn.sendall(reply)
            except OSError:
                log.debug("printer simulator: host went away")

        while not self._stopping.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            limit = self.engine.faults.drop_connection_after_bytes
            if limit is not None and received + len(data) >= limit:
                self.engine.receive(data[: max(limit - received, 0)], send)
                log.info("printer simulator: dropping the connection after %d bytes", limit)
                return  # the printer "loses power": the connection just ends
            received += len(data)
            self.engine.receive(data, send)


class EscposPtySimulator(_SimulatorApi, PtyDevice):
    """The same printer on a serial line (a pseudo-terminal): `url` is the slave's path, for
    `serial_for_url` directly or through `spy://`. `drop_connection_after_bytes` does not apply."""

    thread_name = "escpos-pty-sim"

    def __init__(self, font_charset: FontCharset = DEFAULT_FONT_CHARSET) -> None:
        PtyDevice.__init__(self)
        self.engine = PrinterEngine(
            PrinterFaults(), wait=self._stopping.wait, font_charset=font_charset
        )

    def received(self, data: bytes) -> None:
        self.engine.receive(data, self.send)
