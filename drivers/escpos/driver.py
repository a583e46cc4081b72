"""ESC/POS receipt printer driver over any `serial_for_url` transport.

`/dev/ttyUSB0`, `socket://10.0.0.5:9100`, `spy://...` or `loop://` — config alone decides. The
port is opened lazily and reopened after any error, because printers vanish on a power cycle
(protocols.md, "Known field problems").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import serial

from drivers.errors import DeviceUnavailable, PrinterError, ProtocolError
from drivers.escpos.render import render_receipt
from drivers.escpos.status import (
    QUERIES,
    StatusBytes,
    check_reply_byte,
    combine,
    health_from_status,
    status_query,
)
from drivers.interfaces import DeviceHealth, HealthLevel, PrinterStatus, ReceiptDocument
from drivers.serial_port import LazyPort

log = logging.getLogger(__name__)


class EscposPrinter:
    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 2.0,
        profile: str = "TM-T88V",
        chinese: bool = True,
        opener: Callable[[], Any] | None = None,
    ) -> None:
        """`url` for serial_for_url, or `opener` returning a port-like transport (USB)."""
        self.url = url
        self._timeout = timeout_s
        self._profile = profile
        self._chinese = chinese
        self._port = LazyPort(
            url, what="printer", opener=opener, timeout=timeout_s, write_timeout=timeout_s
        )
        self._lock = threading.Lock()

    # --- transport --------------------------------------------------------------------------

    def _read_status(self) -> StatusBytes:
        port = self._port.get()
        try:
            port.reset_input_buffer()
            replies: list[int | None] = []
            for n in QUERIES:
                port.write(status_query(n))
                port.flush()
                reply = port.read(1)
                replies.append(check_reply_byte(reply[0]) if reply else None)
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise DeviceUnavailable(f"printer {self.url}: {exc}") from exc
        return StatusBytes(*replies)

    # --- ReceiptPrinter ---------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Real-time status; fields are None where the printer did not answer."""
        with self._lock:
            return combine(self._read_status())

    def health(self) -> DeviceHealth:
        try:
            return health_from_status(self.status())
        except DeviceUnavailable as exc:
            return DeviceHealth(HealthLevel.ERROR, "unavailable", "printer.unavailable", str(exc))
        except ProtocolError as exc:
            return DeviceHealth(HealthLevel.ERROR, "garbled", "printer.error", str(exc))

    def _require_ready(self) -> None:
        try:
            health = health_from_status(combine(self._read_status()))
        except ProtocolError as exc:
            self._port.drop()
            raise PrinterError(f"garbled status: {exc}", message_key="printer.error") from exc
        except DeviceUnavailable as exc:
            raise PrinterError(str(exc), message_key="printer.unavailable") from exc
        if not health.usable:
            raise PrinterError(f"printer not ready: {health.code}", message_key=health.message_key)

    def print_receipt(self, document: ReceiptDocument) -> None:
        """Check, print, check again: paper running out mid-job is an error, not a success."""
        data = render_receipt(document, profile=self._profile, chinese=self._chinese)
        with self._lock:
            self._require_ready()
            try:
                port = self._port.get()
                port.write(data)
                port.flush()
            except (serial.SerialException, OSError, DeviceUnavailable) as exc:
                self._port.drop()
                raise PrinterError(
                    f"print failed: {exc}", message_key="printer.unavailable"
                ) from exc
            self._require_ready()

    def close(self) -> None:
        with self._lock:
            self._port.drop()
