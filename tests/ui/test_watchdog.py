"""The GUI event loop pings systemd's watchdog and announces READY=1 at the first frame (and,
under `kiosk run`, once the core has started too)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from PySide6.QtCore import QObject, QTimer
from PySide6.QtQuick import QQuickWindow
from pytestqt.qtbot import QtBot

from kiosk.core_start import CoreStart
from kiosk.errors import JournalError
from ui.bridge import GuiBridge
from ui.frontend import announce_ready, start_watchdog


class Received:
    """Datagrams the fake service manager got so far (read without blocking)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lines: list[str] = []

    def poll(self) -> list[str]:
        while True:
            try:
                self.lines.extend(self.sock.recv(4096).decode().split("\n"))
            except BlockingIOError:
                return self.lines


@pytest.fixture
def notify_socket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Received]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        name = f"kiosk-watchdog-test-{os.getpid()}"
        sock.bind("\0" + name)
        sock.setblocking(False)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        yield Received(sock)


def test_timer_pings_at_half_the_watchdog_interval(
    qtbot: QtBot, notify_socket: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # 0.2 s: pings every 100 ms
    owner = QObject()
    timer = start_watchdog(owner)
    assert isinstance(timer, QTimer)
    assert timer.interval() == 100
    assert notify_socket.poll() == ["WATCHDOG=1"]  # the first ping at once
    qtbot.waitUntil(lambda: notify_socket.poll().count("WATCHDOG=1") >= 4, timeout=3000)
    timer.stop()


def test_a_blocked_event_loop_sends_no_pings(
    qtbot: QtBot, notify_socket: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("WATCHDOG_USEC", "100000")
    owner = QObject()
    timer = start_watchdog(owner)
    assert timer is not None
    notify_socket.poll().clear()
    time.sleep(0.3)  # the GUI thread is "frozen": no event loop runs the timer
    assert notify_socket.poll() == []
    qtbot.waitUntil(lambda: "WATCHDOG=1" in notify_socket.poll(), timeout=2000)
    timer.stop()


def test_no_watchdog_no_timer(notify_socket: Received, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert start_watchdog() is None
    assert notify_socket.poll() == []


def test_ready_once_the_window_shows_its_first_frame(qtbot: QtBot, notify_socket: Received) -> None:
    window = QQuickWindow()
    window.resize(200, 100)
    announce_ready(window, "serving: kiosk K-1")
    assert notify_socket.poll() == []  # nothing before the window is on screen
    window.show()
    qtbot.waitUntil(lambda: "READY=1" in notify_socket.poll(), timeout=5000)
    assert notify_socket.poll() == ["READY=1", "STATUS=serving: kiosk K-1"]
    window.update()  # later frames do not announce again
    qtbot.wait(200)
    assert notify_socket.poll().count("READY=1") == 1
    window.close()


class _GatedCore:
    def __init__(self, fails: bool = False) -> None:
        self.gate = threading.Event()
        self.fails = fails

    def start(self) -> None:
        assert self.gate.wait(10)
        if self.fails:
            raise JournalError("cannot create data folder")


@pytest.mark.parametrize("fails", [False, True], ids=["started", "start_failed"])
def test_ready_waits_for_the_core_to_start_too(
    qtbot: QtBot, notify_socket: Received, fails: bool
) -> None:
    """GIVEN `kiosk run` (the core starting beside the UI) WHEN the first frame is on screen
    THEN no READY=1 until the core has started — never, if its start fails (systemd's start
    timeout, or the exit with the start's error, takes over)."""
    core = _GatedCore(fails)
    starting = CoreStart(core)
    starting.begin()
    bridge = GuiBridge()
    window = QQuickWindow()
    window.resize(200, 100)
    announce_ready(window, "serving: kiosk K-1", starting, bridge)
    window.show()
    qtbot.wait(300)  # frames are swapped meanwhile
    assert notify_socket.poll() == []
    core.gate.set()
    starting.done.wait(10)
    if fails:
        qtbot.wait(300)
        assert notify_socket.poll() == []
    else:
        qtbot.waitUntil(lambda: "READY=1" in notify_socket.poll(), timeout=5000)
        assert notify_socket.poll() == ["READY=1", "STATUS=serving: kiosk K-1"]
    window.close()
    bridge.shutdown()


def test_sigterm_quits_the_event_loop_and_is_restored(qtbot: QtBot) -> None:
    import signal

    from PySide6.QtCore import QEventLoop

    from ui.frontend import quit_on_sigterm

    before = signal.getsignal(signal.SIGTERM)
    loop = QEventLoop()
    restore = quit_on_sigterm(loop.quit, loop)
    try:
        QTimer.singleShot(50, lambda: os.kill(os.getpid(), signal.SIGTERM))
        QTimer.singleShot(5000, lambda: loop.exit(1))  # the signal was not handled
        assert loop.exec() == 0
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) is before
