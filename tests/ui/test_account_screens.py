"""The account screens alone, with their preview data, in both languages and orientations: no
QML warning, and the figures the view-model formats are the ones on screen. (The every-screen
test covers all features; this one keeps the account screens checked while others' screens are
being built.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from tests.ui.conftest import ARTIFACTS
from tests.ui.helpers import SIZES, show_preview
from ui.features.account import AccountViewModel
from ui.frontend import UiSession
from ui.touch import find_item, screenshot

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_account_screens_load_without_warnings(ui_session: UiSession, language: str) -> None:
    """GIVEN the UI WHEN each account screen is shown with its preview data in `language`, in
    both orientations THEN no QML warning is logged and a screenshot is saved."""
    vm, window = ui_session.vm, ui_session.window
    folder = ARTIFACTS / "account"
    folder.mkdir(parents=True, exist_ok=True)
    for orientation, (width, height) in SIZES.items():
        window.resize(width, height)
        for screen in AccountViewModel.screens:
            show_preview(ui_session, screen)
            vm.setLanguage(language)
            QCoreApplication.processEvents()
            image = screenshot(window)
            assert image.width() == width
            assert image.save(str(folder / f"{screen}-{language}-{orientation}.png"))
            assert ui_session.warnings == [], f"{screen} ({language}, {orientation})"
    vm.home()
    assert all(not value for value in ui_session.features["account"].customer_data().values())


def test_account_screens_in_large_text_and_high_contrast(ui_session: UiSession) -> None:
    """GIVEN large text and high contrast switched on WHEN each account screen is shown THEN
    no QML warning is logged (screenshots kept to check nothing overlaps)."""
    vm, window = ui_session.vm, ui_session.window
    folder = ARTIFACTS / "account"
    folder.mkdir(parents=True, exist_ok=True)
    for screen in AccountViewModel.screens:
        show_preview(ui_session, screen)
        vm.toggleLargeText()
        vm.toggleHighContrast()
        QCoreApplication.processEvents()
        assert screenshot(window).save(str(folder / f"{screen}-large-contrast.png"))
        assert ui_session.warnings == [], screen


def test_preview_figures_are_on_screen(ui_session: UiSession) -> None:
    """GIVEN the preview data WHEN the records screen shows page 2 of 7 THEN the pager, the
    rows and the masked numbers are what the view-model holds."""
    window = ui_session.window
    show_preview(ui_session, "account.records")
    assert find_item(window, "account.page.label").property("text") == "第 2 页，共 7 页"
    assert find_item(window, "account.record.0.3").property("text") == "139****0000"
    assert find_item(window, "account.record.0.5").property("text") == "¥0.00"
    show_preview(ui_session, "account.overview")
    assert find_item(window, "account.balance").property("text") == "¥50.00"
    assert ui_session.warnings == []
