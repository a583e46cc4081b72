"""Lockdown: no keyboard shortcut leaves the kiosk, the window refuses to close, and the mouse
cursor is hidden in production (fullscreen) mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from tests.ui.helpers import running_kiosk
from ui.frontend import UiSession, open_ui
from ui.touch import wait_until

pytestmark = pytest.mark.timeout(60)

SHORTCUTS = [
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Backspace, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Super_L, Qt.KeyboardModifier.MetaModifier),
]


class KeyProbe(QObject):
    """Counts the key presses that reach the window (after the application's filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            self.presses += 1
        return False


def test_shortcuts_are_eaten_and_the_window_stays(ui_session: UiSession) -> None:
    """GIVEN the kiosk UI WHEN a keyboard is plugged in and Alt+F4, Ctrl+Q, Alt+Tab, Escape…
    are pressed, or the window is asked to close THEN none reaches the window, it stays open
    and the customer is still where they were."""
    window, vm = ui_session.window, ui_session.vm
    lockdown = ui_session.lockdown
    assert lockdown is not None
    probe = KeyProbe()
    window.installEventFilter(probe)
    for key, modifiers in SHORTCUTS:
        QTest.keyClick(window, key, modifiers)
    assert lockdown.eaten >= len(SHORTCUTS)  # the modifier presses themselves count too
    assert probe.presses == 0
    QTest.keyClick(window, Qt.Key.Key_5)  # an ordinary key is not a shortcut: it goes through
    assert probe.presses == 1
    window.close()
    QGuiApplication.processEvents()
    assert window.isVisible()
    assert lockdown.refused_closes == 1
    assert vm.screen == "attract"
    window.removeEventFilter(probe)


@pytest.fixture
def production_ui(qapp: object, tmp_path: Path) -> Iterator[UiSession]:
    with running_kiosk(tmp_path, **{"ui.fullscreen": True}) as app:
        session = open_ui(app, windowed=False)
        yield session
        session.close()


def test_production_mode_is_fullscreen_without_cursor(production_ui: UiSession) -> None:
    """GIVEN ui.fullscreen and no --windowed WHEN the UI opens THEN it is fullscreen with the
    cursor hidden; closing the session (shutdown) lifts the lock and shows the cursor."""
    window = production_ui.window
    assert wait_until(lambda: window.visibility() == window.Visibility.FullScreen, 5)
    cursor = QGuiApplication.overrideCursor()
    assert cursor is not None
    assert cursor.shape() == Qt.CursorShape.BlankCursor
    assert production_ui.lockdown is not None
    production_ui.lockdown.release()
    assert QGuiApplication.overrideCursor() is None
    window.close()
    QGuiApplication.processEvents()
    assert not window.isVisible()
