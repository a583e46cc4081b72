"""`kiosk run` shows the attract screen while the core is still starting (kiosk/core_start.py):
the screen says so and lets no one in — no customer session, no maintenance corner — until the
start has ended; a failed start leaves it closed. The core here is a gate the test opens."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.app import KioskApp
from kiosk.core_start import CoreStart
from kiosk.errors import JournalError
from tests.ui.conftest import save_screen
from tests.ui.helpers import text_of
from ui.frontend import UiSession, open_ui
from ui.touch import click, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)


class GatedCore:
    """A core whose start() ends when the test says (with `error`, if set)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.error: BaseException | None = None

    def start(self) -> None:
        assert self.gate.wait(30)
        if self.error is not None:
            raise self.error


@pytest.fixture
def starting_ui(qapp: object, kiosk_app: KioskApp) -> Iterator[tuple[UiSession, GatedCore]]:
    core = GatedCore()
    starting = CoreStart(core)
    starting.begin()
    session = open_ui(kiosk_app, windowed=True, starting=starting)
    try:
        yield session, core
    finally:
        core.gate.set()
        starting.done.wait(10)
        session.close()


def test_the_attract_screen_lets_no_one_in_until_the_core_has_started(
    starting_ui: tuple[UiSession, GatedCore], kiosk_app: KioskApp
) -> None:
    """GIVEN the UI open while the core is still starting THEN the attract screen says
    "starting", a touch starts no session and the maintenance corners take no tap; WHEN the
    start ends THEN it says touch to start, and a touch opens the menu."""
    ui, core = starting_ui
    assert ui.vm.screen == "attract"
    assert not ui.vm.ready
    ui.vm.setLanguage("en")
    QCoreApplication.processEvents()
    assert text_of(ui, "attract.prompt") == "Starting up, one moment"
    save_screen(ui, "attract-starting-en")
    for name in ("attract.start", "maint.corner.top_left"):
        assert find_item(ui.window, name).property("enabled") is False
        click(ui.window, find_item(ui.window, name))
    ui.vm.start()  # even called directly: nothing
    ui.features["maintenance"].corner("top_left")
    assert ui.vm.screen == "attract"
    assert kiosk_app.desk is not None
    assert kiosk_app.desk.session is None
    core.gate.set()
    assert wait_until(lambda: ui.vm.ready, 10)
    assert text_of(ui, "attract.prompt") == "Touch the screen to start"
    tap(ui.window, "attract.start")
    assert wait_until(lambda: ui.vm.screen == "menu", 10)
    assert kiosk_app.desk.session is not None
    ui.vm.home()


def test_the_starting_prompt_is_in_chinese_by_default(
    starting_ui: tuple[UiSession, GatedCore],
) -> None:
    ui, _core = starting_ui
    ui.vm.setLanguage("zh_CN")
    QCoreApplication.processEvents()
    assert text_of(ui, "attract.prompt") == "正在启动，请稍候"
    save_screen(ui, "attract-starting-zh_CN")


def test_a_failed_start_leaves_the_kiosk_closed(
    starting_ui: tuple[UiSession, GatedCore], kiosk_app: KioskApp
) -> None:
    """GIVEN the core's start fails (say the data folder is unusable) THEN the UI never lets a
    customer in (kiosk run then exits with the start's error, kiosk/cli.py)."""
    ui, core = starting_ui
    core.error = JournalError("cannot create data folder")
    core.gate.set()
    assert wait_until(lambda: False, 0.5) is False  # the failure's post reaches the GUI
    assert not ui.vm.ready
    ui.vm.start()
    assert ui.vm.screen == "attract"
    assert kiosk_app.desk is not None
    assert kiosk_app.desk.session is None
