"""Each maintenance screen (and the attract and out-of-service screens that carry the hidden
corner hotspots) loads with its preview data in both languages and both orientations without
a QML warning; a PNG of each is kept under test-artifacts/screens/maintenance/.

tests/ui/test_every_screen.py does this for every registered screen; this one runs on its own
so that the maintenance screens are checked even while another feature's screen is broken."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from tests.ui.conftest import ARTIFACTS
from tests.ui.helpers import SIZES
from ui.features.maintenance import MaintenanceViewModel
from ui.frontend import UiSession
from ui.touch import find_item, screenshot, wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_maintenance_screens_load_without_warnings(ui_session: UiSession, language: str) -> None:
    """GIVEN the UI WHEN each maintenance screen is shown with its preview data in `language`,
    in both orientations THEN no QML warning is logged and a screenshot is saved."""
    vm, window = ui_session.vm, ui_session.window
    maintenance = ui_session.features["maintenance"]
    folder = ARTIFACTS / "maintenance"
    folder.mkdir(parents=True, exist_ok=True)
    screens = ["attract", "out_of_service", *MaintenanceViewModel.screens]
    for orientation, (width, height) in SIZES.items():
        window.resize(width, height)
        for screen in screens:
            vm.home()
            maintenance.preview(screen)
            vm.go(screen)
            vm.setLanguage(language)
            assert wait_until(lambda s=screen: vm.screen == s, 5)
            for _ in range(3):
                QCoreApplication.processEvents()
            image = screenshot(window)
            assert image.width() == width
            assert image.save(str(folder / f"{screen}-{language}-{orientation}.png"))
            assert ui_session.warnings == [], f"{screen} ({language}, {orientation})"
    vm.home()


def test_corner_hotspots_are_invisible_and_inside_the_screen(ui_session: UiSession) -> None:
    """GIVEN the attract screen THEN each corner hotspot lies in its corner of the screen, at
    least 15 mm wide, and draws nothing."""
    window = ui_session.window
    screen = find_item(window, "screen.attract")
    for corner in ("top_left", "top_right", "bottom_left", "bottom_right"):
        item = find_item(window, f"maint.corner.{corner}")
        assert item.width() >= 100
        assert item.height() >= 100
        assert item.childItems() == []  # a bare MouseArea: nothing visible
        x = 0 if corner.endswith("left") else screen.width() - item.width()
        y = 0 if corner.startswith("top") else screen.height() - item.height()
        assert (item.x(), item.y()) == (x, y)
