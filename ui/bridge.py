"""Moves work between threads: core calls run on one core thread, results come back to the GUI.

The GUI thread never blocks on I/O (journal fsync, printing, network): it submits to the core
thread; listeners called on device or core threads post back through a queued Qt signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class GuiBridge(QObject):
    """`post(fn)` from any thread runs `fn` on the thread that owns this object (the GUI)."""

    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self._core = ThreadPoolExecutor(max_workers=1, thread_name_prefix="core")

    def post(self, fn: Callable[[], None]) -> None:
        self._posted.emit(fn)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:
            log.exception("GUI callback failed")

    def submit(
        self,
        work: Callable[[], Any],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run `work` on the core thread; an exception is handed to `on_error` on the GUI."""
        future = self._core.submit(work)

        def done(f: Future[Any]) -> None:
            error = f.exception()
            if error is not None:
                if on_error is not None:
                    self.post(lambda: on_error(error))
                else:
                    log.error("core call failed: %s", error)

        future.add_done_callback(done)
        return future

    def shutdown(self) -> None:
        self._core.shutdown(wait=True, cancel_futures=False)
