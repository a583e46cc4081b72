"""The geometry check itself (tests/ui/geometry.py) catches what it is for: a screen broken on
purpose in every way it looks for is reported for each defect, by name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl

from tests.ui.geometry import scan
from tests.ui.helpers import show_preview
from ui.frontend import UiSession
from ui.touch import find_item, screenshot, wait_until

BROKEN = Path(__file__).parent / "qml" / "BrokenScreen.qml"


def test_a_broken_screen_is_caught(ui_session: UiSession) -> None:
    """GIVEN a screen with its title over the header, a tile under the footer, two texts over
    each other, an elided label, words wider than their pill, a tiny button, a list that
    scrolls without a hint, two overlapping buttons and words cut off at the side of a page that
    scrolls only up and down WHEN the check scans it THEN each of
    them is reported."""
    window = ui_session.window
    window.resize(1920, 1080)
    show_preview(ui_session, "menu")  # the header and footer showing
    assert scan(window).problems == []  # the real menu passes
    find_item(window, "screenLoader").setProperty("source", QUrl.fromLocalFile(str(BROKEN)))
    assert wait_until(lambda: _named(ui_session, "screen.broken"))
    QCoreApplication.processEvents()
    screenshot(window)
    problems = "\n".join(scan(window).problems)
    expected = {
        "text broken.title lies outside its area",
        "control broken.underFooter lies outside its area",
        "text broken.first overlaps text broken.second",
        "text broken.elided is elided or cut off",
        "text broken.pill runs out of its box",
        "tap target broken.small is 40×40 px, under 15 mm",
        "broken.list scrolls with no scroll hint showing",
        "control broken.a overlaps control broken.b",
        "text broken.wide is cut off at the side of a scroll view",
    }
    missed = [e for e in expected if e not in problems]
    assert missed == [], problems


def _named(ui_session: UiSession, name: str) -> bool:
    try:
        find_item(ui_session.window, name)
    except AssertionError:
        return False
    return True
