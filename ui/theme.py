"""The display theme (`theme` in QML): colours and text scale, switched by the customer's
large-text and high-contrast modes. Every screen takes its colours and font sizes from here, so
one tap changes the whole interface."""

from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal

NORMAL = {
    "background": "#F2F5FA",
    "surface": "#FFFFFF",
    "text": "#1B2A3A",
    "muted": "#5A6B80",
    "primary": "#0B5CAD",
    "primaryDark": "#063A70",
    "onPrimary": "#FFFFFF",
    "bar": "#E3E9F2",
    "border": "#8A97A8",
    "disabled": "#C9CFD8",
    "onDisabled": "#4A5566",
    "success": "#1E8E3E",
    "warning": "#9A6700",
    "error": "#B3261E",
}
# High contrast: black and white with saturated accents (WCAG AAA against their background).
HIGH_CONTRAST = {
    "background": "#000000",
    "surface": "#000000",
    "text": "#FFFFFF",
    "muted": "#FFFFFF",
    "primary": "#FFD400",
    "primaryDark": "#000000",
    "onPrimary": "#000000",
    "bar": "#1A1A1A",
    "border": "#FFFFFF",
    "disabled": "#3A3A3A",
    "onDisabled": "#CFCFCF",
    "success": "#5CFF7A",
    "warning": "#FFD400",
    "error": "#FF6B6B",
}
LARGE_TEXT_SCALE = 1.5  # issue 19: every screen is laid out for 1.5× text


class Theme(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._large = False
        self._contrast = False

    def set_modes(self, *, large_text: bool, high_contrast: bool) -> None:
        if (large_text, high_contrast) != (self._large, self._contrast):
            self._large, self._contrast = large_text, high_contrast
            self.changed.emit()

    def _palette(self) -> dict[str, str]:
        return HIGH_CONTRAST if self._contrast else NORMAL

    def _get_text_scale(self) -> float:
        return LARGE_TEXT_SCALE if self._large else 1.0

    textScale = Property(float, _get_text_scale, notify=changed)  # noqa: N815
    background = Property(str, lambda self: self._palette()["background"], notify=changed)
    surface = Property(str, lambda self: self._palette()["surface"], notify=changed)
    text = Property(str, lambda self: self._palette()["text"], notify=changed)
    muted = Property(str, lambda self: self._palette()["muted"], notify=changed)
    primary = Property(str, lambda self: self._palette()["primary"], notify=changed)
    primaryDark = Property(str, lambda self: self._palette()["primaryDark"], notify=changed)  # noqa: N815
    onPrimary = Property(str, lambda self: self._palette()["onPrimary"], notify=changed)  # noqa: N815
    bar = Property(str, lambda self: self._palette()["bar"], notify=changed)
    border = Property(str, lambda self: self._palette()["border"], notify=changed)
    disabled = Property(str, lambda self: self._palette()["disabled"], notify=changed)
    onDisabled = Property(str, lambda self: self._palette()["onDisabled"], notify=changed)  # noqa: N815
    success = Property(str, lambda self: self._palette()["success"], notify=changed)
    warning = Property(str, lambda self: self._palette()["warning"], notify=changed)
    error = Property(str, lambda self: self._palette()["error"], notify=changed)
