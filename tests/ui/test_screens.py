"""Every screen loads without a QML warning, in both languages, with Chinese glyphs present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from kiosk.app import KioskApp
from tests.ui.conftest import save_screen
from tests.ui.helpers import running_kiosk
from ui.frontend import CJK_FONT, UiSession
from ui.touch import find_item, tap, wait_until

pytestmark = pytest.mark.timeout(60)


def test_cjk_font_renders_chinese(qapp: object) -> None:
    assert CJK_FONT in QFontDatabase.families()
    metrics = QFontMetrics(QFont(CJK_FONT))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "话费充值请触摸屏幕开始已到账")


def test_language_switch_retranslates(ui_session: UiSession) -> None:
    window, vm = ui_session.window, ui_session.vm
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    assert find_item(window, "menu.topup.cash").property("label") == "话费充值"
    tap(window, "lang.toggle")
    assert wait_until(lambda: vm.language == "en")
    assert find_item(window, "menu.topup.cash").property("label") == "Top up"
    assert (
        find_item(window, "menu.topup.cash").property("sublabel") == "Pay cash to any mobile number"
    )
    save_screen(ui_session, "menu-english")
    tap(window, "nav.back")  # back from the menu: home, language reset for the next customer
    assert wait_until(lambda: vm.screen == "attract")
    assert vm.language == "zh_CN"
    assert ui_session.warnings == []


def test_wrong_number_says_so(ui_session: UiSession) -> None:
    window, vm = ui_session.window, ui_session.vm
    tap(window, "attract.start")
    tap(window, "menu.topup.cash")
    assert wait_until(lambda: vm.screen == "topup.number")
    ui_session.features[
        "topup"
    ].submitNumber()  # even if called without a valid number, nothing is journalled
    assert vm.messageKey == "topup.invalid_number"
    assert "手机号码有误" in find_item(window, "number.prompt").property("text")
    save_screen(ui_session, "number-invalid")
    assert ui_session.warnings == []


def test_out_of_service_screen(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    kiosk_app.out_of_service_reason = "disk I/O error"
    window, vm = ui_session.window, ui_session.vm
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "out_of_service")
    save_screen(ui_session, "out-of-service")
    assert ui_session.warnings == []


@pytest.fixture
def short_idle_ui(qapp: object, tmp_path: Path) -> Iterator[UiSession]:
    """A kiosk whose customer session ends after 10 s without a touch (warning for the last 5)."""
    from ui.frontend import open_ui

    idle = {"kiosk.idle_timeout_s": 10, "kiosk.idle_warning_s": 5}
    with running_kiosk(tmp_path, **idle) as app:
        session = open_ui(app, windowed=True)
        yield session
        session.close()


def test_idle_countdown_warns_and_a_tap_continues(short_idle_ui: UiSession) -> None:
    """GIVEN a customer who typed half a number and stopped touching WHEN 5 s are left THEN a
    countdown asks whether they are still there; Continue restarts the clock; at zero the
    session ends, the attract screen is back and no view-model holds anything of theirs."""
    ui_session = short_idle_ui
    window, vm = ui_session.window, ui_session.vm
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    tap(window, "menu.topup.cash")
    assert wait_until(lambda: vm.screen == "topup.number")
    for digit in "138001":
        tap(window, f"key.{digit}")
    assert ui_session.features["topup"].digits == "138001"
    assert vm.idleSecondsLeft == 0
    assert wait_until(lambda: find_item(window, "idle.warning").isVisible(), 10)
    assert vm.idleSecondsLeft in range(1, 6)
    save_screen(ui_session, "idle-warning")
    tap(window, "idle.continue")
    assert vm.idleSecondsLeft == 0
    assert vm.screen == "topup.number"
    assert wait_until(lambda: vm.screen == "attract", 15)
    assert ui_session.app.desk is not None
    desk = ui_session.app.desk
    assert wait_until(lambda: desk.session is None)  # logged out off the GUI thread
    for name, feature in ui_session.features.items():
        held = {k: v for k, v in feature.customer_data().items() if v}
        assert held == {}, f"{name} still holds {held}"
    assert vm.customerDisplay == ""
    assert ui_session.warnings == []


def test_menu_follows_device_health(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN the printer runs out of paper THEN top-up stays open with a no-receipt warning
    (printer not required); GIVEN the acceptor jams THEN top-up is greyed out with the reason."""
    window, vm = ui_session.window, ui_session.vm
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    printer_sim = kiosk_app.simulators["printer"].handle
    printer_sim.faults.paper_out = True  # type: ignore[attr-defined]
    kiosk_app.refresh_health()
    assert wait_until(
        lambda: (vm.service_row("topup.cash") or {}).get("warning") == "service.no_receipt", 5
    )
    assert wait_until(lambda: find_item(window, "menu.topup.cash.warning").isVisible(), 15)
    save_screen(ui_session, "menu-no-receipt")
    acceptor_sim = kiosk_app.simulators["bill_acceptor"].handle
    acceptor_sim.faults.acceptor_jam = True  # type: ignore[attr-defined]
    assert wait_until(lambda: kiosk_app.refresh_health()["bill_acceptor"].code == "acceptor_jam", 5)
    assert wait_until(lambda: not vm.service_row("topup.cash")["available"], 5)
    assert vm.service_row("topup.cash")["reason"] == "service.acceptor_down"
    assert wait_until(lambda: not find_item(window, "menu.topup.cash").isEnabled(), 15)
    assert "暂时无法收取现金" in find_item(window, "menu.topup.cash").property("sublabel")
    save_screen(ui_session, "menu-acceptor-down")
    acceptor_sim.faults.acceptor_jam = False  # type: ignore[attr-defined]
    assert wait_until(lambda: kiosk_app.refresh_health()["bill_acceptor"].usable, 5)
    assert wait_until(lambda: vm.service_row("topup.cash")["available"], 5)
    assert ui_session.warnings == []
