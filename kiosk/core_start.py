"""Starting the core beside the user interface: `KioskApp.start()` on a thread of its own.

The start waits mostly on other things — the bill acceptor initialising after its reset (on a
real JCM unit, seconds), central's first answer, fsync — while loading the UI is work for the
CPU. So `kiosk run` shows its first screen while the core starts, and the UI lets no one in
(customer or technician) until `done` is set: recovery on boot still ends before the first
customer. A failed start is handed to whoever waits (`failure`), never lost on the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Startable(Protocol):
    def start(self) -> None: ...


class CoreStart:
    """One start of the core on the thread "core-start"; `begin()` once, then `wait()`."""

    def __init__(self, app: Startable) -> None:
        self._app = app
        self._thread = threading.Thread(target=self._run, name="core-start", daemon=True)
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[BaseException | None], None]] = []
        self.done = threading.Event()
        self.failure: BaseException | None = None

    def begin(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._app.start()
        except BaseException as exc:  # handed to the waiting thread: see `failure`
            self.failure = exc
        with self._lock:
            self.done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            self._call(callback)

    def _call(self, callback: Callable[[BaseException | None], None]) -> None:
        try:
            callback(self.failure)
        except Exception:  # one listener's bug must not hide the start's outcome from others
            log.exception("a listener of the core's start failed")

    def when_done(self, callback: Callable[[BaseException | None], None]) -> None:
        """Call `callback(failure or None)` once the start ended: at once (on this thread) if
        it has, else on the start's thread."""
        with self._lock:
            if not self.done.is_set():
                self._callbacks.append(callback)
                return
        self._call(callback)

    def wait(self) -> None:
        """Until the start has ended; then raise its failure, if any."""
        self._thread.join()
        if self.failure is not None:
            raise self.failure
