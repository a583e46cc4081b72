"""ESC/POS receipt printer driver over any `serial_for_url` transport (or a USB opener).

`/dev/ttyUSB0`, `socket://10.0.0.5:9100`, `spy://...` or `loop://` — config alone decides. The
port is opened lazily and reopened after any error, because printers vanish on a power cycle
(docs/protocols.md#known-field-problems).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import serial

from drivers.errors import DeviceUnavailable, DriverError, PrinterError, ProtocolError
from drivers.escpos.charset import DEFAULT_FONT_CHARSET, FONT_CHARSETS, FontCharset
from drivers.escpos.render import render_receipt
from drivers.escpos.status import (
    QUERIES,
    StatusReply,
    combine,
    health_from_status,
    parse_status,
    status_query,
)
from drivers.interfaces import DeviceHealth, HealthLevel, PrinterStatus, ReceiptDocument
from drivers.serial_port import LazyPort

log = logging.getLogger(__name__)

# Each write call gets the whole write timeout; small chunks keep a long receipt on a slow
# serial line (9600 baud is about 1 kB/s) from timing out as one big write would.
WRITE_CHUNK = 256


class EscposPrinter:
    """A ReceiptPrinter. Thread-safe: one lock around all I/O."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 2.0,
        profile: str = "TM-T88V",
        chinese: bool = True,
        opener: Callable[[], Any] | None = None,
        font_charset: FontCharset = DEFAULT_FONT_CHARSET,
        paper_dots: int | None = None,
    ) -> None:
        """`url` for serial_for_url, or `opener` returning a port-like transport (USB).
        `font_charset`: the characters the printer's font holds (other lines print as
        pictures); `paper_dots`: its printable width (default: the profile's, else 576)."""
        if font_charset not in FONT_CHARSETS:
            raise ValueError(f"font_charset {font_charset!r}: one of {', '.join(FONT_CHARSETS)}")
        if paper_dots is not None and paper_dots < 8:
            raise ValueError(f"paper_dots {paper_dots}: at least 8")
        self.url = url
        self._profile = profile
        self._chinese = chinese
        self._font_charset: FontCharset = font_charset
        self._paper_dots = paper_dots
        self._port = LazyPort(
            url, what="printer", opener=opener, timeout=timeout_s, write_timeout=timeout_s
        )
        self._lock = threading.Lock()

    # --- transport --------------------------------------------------------------------------

    def _read_status(self) -> list[StatusReply]:
        """Ask n = 1..4 one at a time, one byte each. The first unanswered query ends the round:
        a late answer must not be taken for the reply to the next n (the next round drains it)."""
        port = self._port.get()
        replies: list[StatusReply] = []
        try:
            port.reset_input_buffer()
            for n in QUERIES:
                port.write(status_query(n))
                port.flush()
                reply = parse_status(n, port.read(1))
                replies.append(reply)
                if not reply.answered:
                    break
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise DeviceUnavailable(f"printer {self.url}: {exc}") from exc
        return replies

    def _send(self, data: bytes) -> None:
        try:
            port = self._port.get()
            for start in range(0, len(data), WRITE_CHUNK):
                port.write(data[start : start + WRITE_CHUNK])
            port.flush()
        except DeviceUnavailable as exc:
            raise PrinterError(str(exc), message_key="printer.unavailable") from exc
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise PrinterError(
                f"printer {self.url}: sending the job failed: {exc}",
                message_key="printer.unavailable",
            ) from exc

    def _require_ready(self, when: str) -> None:
        try:
            status = combine(self._read_status())
        except ProtocolError as exc:
            raise PrinterError(
                f"{when}: garbled status: {exc}", message_key="printer.error"
            ) from exc
        except DeviceUnavailable as exc:
            raise PrinterError(f"{when}: {exc}", message_key="printer.unavailable") from exc
        health = health_from_status(status)
        if not health.usable:
            raise PrinterError(
                f"{when}: printer not ready: {health.code} ({health.detail})",
                message_key=health.message_key,
            )

    # --- ReceiptPrinter ---------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Real-time status; fields are None where the printer did not answer. Raises
        DeviceUnavailable (cannot open, I/O failed) or ProtocolError (garbled answer)."""
        with self._lock:
            return combine(self._read_status())

    def health(self) -> DeviceHealth:
        """Never raises: a printer that cannot be reached is an ERROR, not an exception."""
        try:
            return health_from_status(self.status())
        except DeviceUnavailable as exc:
            return DeviceHealth(HealthLevel.ERROR, "unavailable", "printer.unavailable", str(exc))
        except ProtocolError as exc:
            return DeviceHealth(HealthLevel.ERROR, "garbled", "printer.error", str(exc))
        except (DriverError, ValueError, serial.SerialException, OSError) as exc:
            log.exception("printer health check failed")
            return DeviceHealth(HealthLevel.ERROR, "error", "printer.error", str(exc))

    def print_receipt(self, document: ReceiptDocument) -> None:
        """Check, print, check again. Nothing is sent unless the printer reports itself ready
        (no answer is not ready); paper running out during the job is an error, not a
        success. Raises PrinterError with the message key of the cause."""
        data = render_receipt(
            document,
            profile=self._profile,
            chinese=self._chinese,
            font_charset=self._font_charset,
            paper_dots=self._paper_dots,
        )
        with self._lock:
            self._require_ready("before printing")
            self._send(data)
            self._require_ready("after sending the job")

    def close(self) -> None:
        with self._lock:
            self._port.drop()
