"""kiosk.core_start: the core starts on a thread of its own while the UI loads (`kiosk run`,
`kiosk demo`); whoever waits learns when it is done and how it failed (CoreStart)."""

from __future__ import annotations

import threading
from typing import cast

import pytest

from kiosk.app import KioskApp
from kiosk.core_start import CoreStart
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
    """GIVEN a core whose start waits for the work (the UI's loading) WHEN the start is begun
    and the work runs here THEN both finish — one after the other would wait forever — the
    start on a thread of its own."""
    imported = threading.Event()
    core = FakeCore(waits_for=imported)
    starting = CoreStart(cast(KioskApp, core))
    starting.begin()
    assert core.started.wait(10)
    imported.set()
    starting.wait()
    assert core.finished
    assert core.thread is not threading.current_thread()


def test_a_failing_start_is_raised_by_wait() -> None:
    """GIVEN a core whose start fails (an unusable data folder) WHEN the work here completes
    and then waits THEN the start's own error is raised here."""
    done: list[str] = []
    starting = CoreStart(cast(KioskApp, FakeCore(fails=JournalError("cannot create data folder"))))
    starting.begin()
    done.append("imported")
    with pytest.raises(JournalError, match="data folder"):
        starting.wait()
    assert done == ["imported"]


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
