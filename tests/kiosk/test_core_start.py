"""kiosk.core_start: the core starts on a thread of its own while the UI loads (`kiosk run`);
whoever waits learns when it is done and how it failed (CoreStart), and start_beside (the
scripted demo) hands back only when both are done, with any failure."""

from __future__ import annotations

import threading
from typing import cast

import pytest

from kiosk.app import KioskApp
from kiosk.core_start import CoreStart, start_beside
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


def test_when_done_is_told_once_on_the_start_thread_or_at_once_after() -> None:
    """GIVEN a start under way WHEN a listener subscribes THEN it is called once, on the start's
    thread, with no failure; one subscribing after the end is called at once, here."""
    gate = threading.Event()
    core = FakeCore(waits_for=gate)
    starting = CoreStart(cast(KioskApp, core))
    starting.begin()
    assert core.started.wait(10)
    heard: list[tuple[BaseException | None, str]] = []
    starting.when_done(lambda failure: heard.append((failure, threading.current_thread().name)))
    assert heard == []
    gate.set()
    starting.wait()
    assert heard == [(None, "core-start")]
    starting.when_done(lambda failure: heard.append((failure, threading.current_thread().name)))
    assert heard[1] == (None, threading.current_thread().name)


def test_a_failed_start_is_told_to_every_listener_and_raised_by_wait() -> None:
    """GIVEN two listeners, the first of them broken WHEN the start fails THEN the second still
    hears the failure, and wait() raises it."""
    error = JournalError("cannot create data folder")
    gate = threading.Event()
    starting = CoreStart(cast(KioskApp, FakeCore(waits_for=gate, fails=error)))
    starting.begin()
    heard: list[BaseException | None] = []

    def broken(_failure: BaseException | None) -> None:
        raise RuntimeError("a listener bug")

    starting.when_done(broken)
    starting.when_done(heard.append)
    gate.set()
    with pytest.raises(JournalError, match="data folder"):
        starting.wait()
    assert heard == [error]
    assert starting.done.is_set()
    assert starting.failure is error
