"""The cash top-up through every layer, driven by touch: QML → view-model → flow → journal +
outbox → sync → reference central, and the receipt on the simulated ESC/POS printer."""

from __future__ import annotations

import pytest

from kiosk.app import KioskApp
from kiosk.central_ops import recorded_topups
from tests.ui.conftest import save_screen
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(90)

NUMBER = "13800138000"


def test_cash_topup_by_touch_reaches_central_once(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the kiosk on its attract screen WHEN a customer taps through a top-up of
    ¥50 + ¥100 to 138 0013 8000 THEN central records it exactly once and the receipt
    bytes carry the amount."""
    window, vm = ui_session.window, ui_session.vm
    topup = ui_session.features["topup"]
    assert vm.screen == "attract"
    save_screen(ui_session, "01-attract")
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    save_screen(ui_session, "02-menu")
    tap(window, "menu.topup.cash")
    assert wait_until(lambda: vm.screen == "topup.number")
    with pytest.raises(TouchError):
        tap(window, "number.next")  # disabled until the number is valid
    for digit in NUMBER[:-1] + "9":
        tap(window, f"key.{digit}")
    tap(window, "key.back")
    tap(window, f"key.{NUMBER[-1]}")
    assert find_item(window, "number.display").property("text") == "138 0013 8000"
    save_screen(ui_session, "03-number")
    tap(window, "number.next")
    assert wait_until(lambda: vm.screen == "topup.cash")
    with pytest.raises(TouchError):
        tap(window, "cash.confirm")  # nothing inserted yet
    save_screen(ui_session, "04-cash-empty")
    tap(window, "sim.note.5000")
    assert wait_until(lambda: topup.creditedFen == 5000)
    tap(window, "sim.note.10000")
    assert wait_until(lambda: topup.creditedFen == 15000)
    assert find_item(window, "cash.total").property("text") == "¥150.00"
    with pytest.raises(TouchError):
        tap(window, "nav.cancel")  # money is in: cancel is not offered
    save_screen(ui_session, "05-cash-inserted")
    tap(window, "cash.confirm")
    assert wait_until(lambda: vm.screen == "topup.result", 30)
    save_screen(ui_session, "06-result")
    assert topup.receiptPrinted is True

    embedded = kiosk_app.config.central.embedded
    assert embedded is not None
    assert wait_until(
        lambda: len(recorded_topups(kiosk_app.central_url, embedded.ops_token, NUMBER)) > 0, 20
    )
    records = recorded_topups(kiosk_app.central_url, embedded.ops_token, NUMBER)
    assert [(r["msisdn"], r["amount_fen"], r["method"]) for r in records] == [
        (NUMBER, 15000, "cash")
    ]
    assert records[0]["txn_id"] == topup.txnRef

    printer = kiosk_app.simulators["printer"].handle
    jobs = printer.jobs  # type: ignore[attr-defined]
    assert len(jobs) == 1
    assert b"150.00" in jobs[0]
    assert "￥150.00".encode("gb18030") in jobs[0]  # full-width: GBK printers have no ¥
    assert "138****8000" in kiosk_app.simulated_receipt_texts()[0]

    tap(window, "nav.cancel")  # "Finish" on the result screen
    assert wait_until(lambda: vm.screen == "attract")
    assert topup.txnRef == ""
    assert topup.digits == ""
    assert ui_session.warnings == []
