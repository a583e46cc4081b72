"""Lockdown: the customer cannot leave the kiosk app. Keyboard shortcuts that close or switch
windows are eaten, a request to close the window is refused, and the mouse cursor is hidden in
production. The only ways out are maintenance mode (restart, out of service) and the service
manager (SIGTERM), which lift the lock first."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent, QWindow

log = logging.getLogger(__name__)

# Any key with one of these held is a shortcut, never customer input (Alt+F4, Ctrl+Q, Ctrl+W,
# Alt+Tab, Super+…, Ctrl+Alt+Backspace on X).
_SHORTCUT_MODIFIERS = (
    Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.MetaModifier
)
_EATEN_KEYS = frozenset({
    Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R, Qt.Key.Key_Meta, Qt.Key.Key_Menu, Qt.Key.Key_Close, Qt.Key.Key_Back,
    Qt.Key.Key_Exit, Qt.Key.Key_Cancel, Qt.Key.Key_PowerOff, Qt.Key.Key_Sleep,
    Qt.Key.Key_Suspend, Qt.Key.Key_Hibernate, Qt.Key.Key_LogOff,
    *(Qt.Key(Qt.Key.Key_F1.value + n) for n in range(35)),
})  # fmt: skip
_KEY_EVENTS = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
)


def is_escape_key(event: QKeyEvent) -> bool:
    """A key that could close, switch or leave the app."""
    return bool(event.modifiers() & _SHORTCUT_MODIFIERS) or Qt.Key(event.key()) in _EATEN_KEYS


class Lockdown(QObject):
    """Installed on the application: filters every key event and the window's close event."""

    def __init__(
        self, window: QWindow, *, hide_cursor: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._window = window
        self.active = True
        self.eaten = 0  # key events eaten (diagnostics and tests)
        self.refused_closes = 0
        self._cursor_hidden = hide_cursor
        app = QGuiApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        if hide_cursor:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self.active:
            return False
        kind = event.type()
        if kind in _KEY_EVENTS and isinstance(event, QKeyEvent) and is_escape_key(event):
            if kind == QEvent.Type.KeyPress:
                self.eaten += 1
                log.info("lockdown: key %s with %s eaten", event.key(), event.modifiers())
            event.accept()
            return True
        if kind == QEvent.Type.Close and watched is self._window:
            self.refused_closes += 1
            log.warning("lockdown: a request to close the kiosk window was refused")
            event.ignore()
            return True
        return False

    def release(self) -> None:
        """Lift the lock (the app is shutting down): the window may close, the cursor shows."""
        if not self.active:
            return
        self.active = False
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
            self._cursor_hidden = False
