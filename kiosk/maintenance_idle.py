"""The maintenance session's idle clock: a technician who walked away must not leave the kiosk
open. Every technician action (and every tap the UI reports with `touch`) starts the clock
again; an action still running (a self-test waiting for a card, a cash collection) never
expires; after `timeout_s` without either, `on_expire` runs once on the clock's own thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0  # the clock looks at least this often (a countdown needs no more)


class IdleClock:
    def __init__(
        self,
        timeout_s: float,
        on_expire: Callable[[], None],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        check_every_s: float = CHECK_EVERY_S,
    ) -> None:
        self.timeout_s = timeout_s
        self._on_expire = on_expire
        self._monotonic = monotonic
        self._check_every_s = check_every_s
        self._lock = threading.Lock()
        self._last = monotonic()
        self._busy = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="maintenance-idle", daemon=True)
        self._thread.start()

    def touch(self) -> None:
        """Activity now: the clock starts again."""
        with self._lock:
            self._last = self._monotonic()

    @contextmanager
    def active(self) -> Iterator[None]:
        """An action runs: no expiry until it ends; the clock starts again at both ends."""
        with self._lock:
            self._busy += 1
            self._last = self._monotonic()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                self._last = self._monotonic()

    def remaining_s(self) -> float:
        """Seconds until expiry (the full timeout while an action runs; 0 once stopped)."""
        if self._stopped.is_set():
            return 0.0
        with self._lock:
            if self._busy:
                return self.timeout_s
            return max(self.timeout_s - (self._monotonic() - self._last), 0.0)

    def expire_if_idle(self) -> bool:
        """Run `on_expire` (once) if the time is up; True if it ran now."""
        if self._stopped.is_set() or self.remaining_s() > 0:
            return False
        self._stopped.set()
        try:
            self._on_expire()
        except Exception:
            log.exception("maintenance idle expiry failed")
        return True

    def stop(self) -> None:
        """The session ended another way: the clock stops (never expires afterwards)."""
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(min(self.remaining_s(), self._check_every_s)):
            if self.expire_if_idle():
                return
