"""A serial port opened on first use through `serial_for_url` and dropped on any error, so the
next call reopens it: devices vanish and come back (power cycles, USB re-enumeration)."""

from __future__ import annotations

import logging
import termios
from collections.abc import Callable
from typing import Any

import serial

from drivers.errors import DeviceUnavailable

log = logging.getLogger(__name__)


class LazyPort:
    def __init__(
        self, url: str, *, what: str, opener: Callable[[], Any] | None = None, **settings: Any
    ) -> None:
        """`settings` go to serial_for_url (baudrate, parity, timeout, ...); `opener` replaces
        it for transports it cannot reach (USB)."""
        self.url = url
        self._what = what
        self._opener = opener or (lambda: serial.serial_for_url(url, **settings))
        self._port: Any = None

    def get(self) -> Any:
        if self._port is None:
            try:
                self._port = self._opener()
            # termios.error is no OSError: a port that refuses its line settings (a USB
            # adapter gone half away) must read as unavailable, not kill the poll loop.
            except (serial.SerialException, OSError, ValueError, termios.error) as exc:
                raise DeviceUnavailable(f"cannot open {self._what} {self.url}: {exc}") from exc
        return self._port

    def drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                log.debug("closing a broken %s port failed", self._what, exc_info=True)
