"""The device end of a serial line on a pseudo-terminal, for protocol simulators.

A thread hands every chunk the host writes to `received`; the subclass answers with `send`.
The host opens `url` (the pty's slave path) with `serial_for_url`, exactly as real hardware.
"""

from __future__ import annotations

import logging
import os
import select
import termios
import threading
import tty
from typing import Any, Self

log = logging.getLogger(__name__)


class PtyDevice:
    thread_name = "pty-device"

    def __init__(self) -> None:
        self._master: int | None = None
        self._slave: int | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.port_path = ""
        self._fresh_line: list[Any] = []

    @property
    def url(self) -> str:
        return self.port_path

    def start(self) -> None:
        master, slave = os.openpty()
        tty.setraw(master)
        self._master, self._slave = master, slave
        self._fresh_line = termios.tcgetattr(slave)
        self.port_path = os.ttyname(slave)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def reset_line(self) -> None:
        """Put the line settings back as a just-plugged port has them, for a host that opens
        the port again after it died (a process killed with SIGKILL). Linux ptys refuse a
        second `tcsetattr` that only asks for parity (EINVAL) — real UARTs do not."""
        if self._slave is not None and self._fresh_line:
            termios.tcsetattr(self._slave, termios.TCSANOW, self._fresh_line)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def received(self, data: bytes) -> None:
        """Bytes the host wrote; answer with `send`."""
        raise NotImplementedError

    def send(self, data: bytes) -> None:
        if self._master is None or not data:
            return
        try:
            os.write(self._master, data)
        except OSError:
            log.debug("%s: host went away", self.thread_name)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            master = self._master
            if master is None:
                return
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            self.received(data)
