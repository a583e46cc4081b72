"""The login screens alone, with their preview data, in both languages and orientations and in
the large-text and high-contrast modes: no QML warning, a PNG of each under
test-artifacts/screens/auth/ (the shared every-screen test covers them too, among all others)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from tests.ui.conftest import ARTIFACTS
from tests.ui.helpers import SIZES, show_preview
from ui.frontend import UiSession
from ui.touch import find_item, screenshot

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_auth_screens_load_without_warnings(ui_session: UiSession, language: str) -> None:
    """GIVEN the UI WHEN each login screen is shown with preview data, in `language`, both
    orientations, plain and in large-text + high-contrast mode THEN no QML warning, every
    screen's root item is there and a screenshot is saved."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    folder = ARTIFACTS / "auth"
    folder.mkdir(parents=True, exist_ok=True)
    assert set(auth.screens) == {"auth.method", "auth.number", "auth.password", "auth.sms",
                                 "auth.idcard"}  # fmt: skip
    for orientation, (width, height) in SIZES.items():
        window.resize(width, height)
        for screen in auth.screens:
            for modes in ("plain", "large-contrast"):
                show_preview(ui_session, screen)
                vm.setLanguage(language)
                if modes != "plain":
                    vm.toggleLargeText()
                    vm.toggleHighContrast()
                QCoreApplication.processEvents()
                assert find_item(window, f"screen.{screen}").isVisible()
                image = screenshot(window)
                assert image.width() == width
                name = f"{screen}-{language}-{orientation}-{modes}.png"
                assert image.save(str(folder / name))
                assert ui_session.warnings == [], f"{screen} ({language}, {orientation}, {modes})"
    vm.home()
    assert all(not value for value in auth.customer_data().values())
