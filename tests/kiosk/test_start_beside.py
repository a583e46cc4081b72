"""kiosk.cli.start_beside: `kiosk run` starts the core on a thread of its own while the UI's
imports run on the main thread, and hands back only when both are done, with any failure."""

from __future__ import annotations

import threading
from typing import cast

import pytest

from kiosk.app import KioskApp
from kiosk.cli import start_beside
from kiosk.errors import JournalError

pytestmark = pytest.mark.timeout(30)


class FakeCore:
    def __init__(self, *, waits_for: threading.Event | None = None,
                 fails: BaseException | None = None) -> None:  # fmt: skip
        self.waits_for = waits_for
        self.fails = fails
        self.started = threading.Event()
        self.thread: threading.Thread | None = None
        self.finished = False

    def start(self) -> None:
        self.thread = threading.current_thread()
        self.started.set()
        if self.waits_for is not None:
            assert self.waits_for.wait(10), "the work did not run beside the start"
        if self.fails is not None:
            raise self.fails
        self.finished = True


def test_the_work_runs_while_the_core_starts() -> None:
    """GIVEN a core whose start waits for the work (the UI's imports) WHEN started beside it
    THEN both finish — one after the other would wait forever — on different threads."""
    imported = threading.Event()
    core = FakeCore(waits_for=imported)

    def work() -> None:
        assert core.started.wait(10)
        imported.set()

    start_beside(cast(KioskApp, core), work)
    assert core.finished
    assert core.thread is not threading.current_thread()


def test_a_failing_start_is_raised_after_the_work() -> None:
    """GIVEN a core whose start fails (an unusable data folder) WHEN started beside the work
    THEN the work still completes and then the start's own error is raised here."""
    done: list[str] = []
    core = FakeCore(fails=JournalError("cannot create data folder"))
    with pytest.raises(JournalError, match="data folder"):
        start_beside(cast(KioskApp, core), lambda: done.append("imported"))
    assert done == ["imported"]


def test_a_failing_work_waits_for_the_start_then_is_raised() -> None:
    """GIVEN UI imports that fail WHEN started beside a core THEN the core's start is waited
    for (never left running unowned) and the import error is raised."""
    core = FakeCore()

    def work() -> None:
        raise ImportError("no Qt")

    with pytest.raises(ImportError, match="no Qt"):
        start_beside(cast(KioskApp, core), work)
    assert core.finished
