"""Issue 19's wording defects on the customer and maintenance screens, each as it was seen: grey
Back/Cancel on the cash screens with no word why, 投币 on a notes-only machine, a card payment in
doubt with no next step, result screens that never said to take the SIM card or the ID card,
number screens without a title, a top-up shown complete and pending at once, a part payment on
a suspended line, roaming "free" without its charges abroad, and maintenance screens showing
driver codes, central's validation errors and JSON log lines."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kiosk.flows.topup import State, TopUpSnapshot
from tests.ui.test_every_screen import show
from ui.features.change_preview import PREVIEW_BALANCE
from ui.features.payment_state import TOPUP_CARD
from ui.frontend import UiSession
from ui.touch import find_item, screenshot, tap, wait_until

pytestmark = pytest.mark.timeout(120)


def text(ui: UiSession, name: str) -> str:
    return str(find_item(ui.window, name).property("text"))


def shown(ui: UiSession, name: str) -> bool:
    return bool(find_item(ui.window, name).isVisible())


@pytest.mark.parametrize("screen", ["payment.cash", "sim.pay", "topup.cash"])
def test_cash_screens_say_why_back_and_cancel_are_off(ui_session: UiSession, screen: str) -> None:
    """GIVEN a note is in WHEN Back and Cancel go grey THEN a sentence says why (notes are not
    given back) and what becomes of the money if the customer leaves."""
    show(ui_session, screen, "en", "normal")
    if screen == "sim.pay":
        ui_session.features["sim"].state.card_paid_fen = 5000  # type: ignore[attr-defined]
        ui_session.features["sim"].changed.emit()
    elif screen == "topup.cash":
        topup = ui_session.features["topup"]
        topup._snap = TopUpSnapshot(State.CASH, "t1", "13800138000", 5000, (5000,), 100_000)  # type: ignore[attr-defined]
        topup.changed.emit()
    screenshot(ui_session.window)
    name = "sim.pay.locked" if screen == "sim.pay" else "cash.locked"
    assert shown(ui_session, name)
    sentence = text(ui_session, name)
    assert "cannot be given back" in sentence
    assert "if you leave" in sentence
    if screen != "sim.pay":  # its fake payment (a card's paid_fen) holds no cash to lock
        assert not find_item(ui_session.window, "nav.cancel").isEnabled()


def test_a_note_accepted_speaks_of_notes_not_coins(ui_session: UiSession) -> None:
    """GIVEN a notes-only acceptor WHEN a note is taken THEN the Chinese says 纸币, not 投币."""
    show(ui_session, "topup.cash", "zh_CN", "normal")
    ui_session.vm.show_message("topup.note_accepted")
    screenshot(ui_session.window)
    said = text(ui_session, "cash.message")
    assert "纸币" in said
    assert "投币" not in said


def test_a_card_payment_in_doubt_says_what_happens_next(ui_session: UiSession) -> None:
    """GIVEN the bank's answer never came WHEN the result shows THEN besides 请勿重复支付 it says
    the kiosk asks again, where the money goes if taken, and whom to ask with the reference."""
    show(ui_session, "payment.result", "zh_CN", "normal")
    payment = ui_session.features["payment"]
    payment.state.result = {**payment.state.result, "kind": "in_doubt"}  # type: ignore[attr-defined]
    payment.changed.emit()
    screenshot(ui_session.window)
    assert shown(ui_session, "result.next")
    said = text(ui_session, "result.next")
    assert "请勿重复支付" in said
    assert "10086" in said
    assert "营业厅" in said


@pytest.mark.parametrize(
    ("screen", "things"),
    [
        ("sim.result", {"sim", "idcard", "receipt"}),
        ("payment.result", {"bankcard", "receipt"}),
    ],
)
def test_result_screens_end_with_what_to_take(
    ui_session: UiSession, screen: str, things: set[str]
) -> None:
    """GIVEN a journey that used a SIM card, an ID card, a bank card or printed a receipt WHEN its
    result shows THEN its last lines list each of them to take."""
    show(ui_session, screen, "en", "normal")
    if screen == "payment.result":
        payment = ui_session.features["payment"]
        payment.state.service = TOPUP_CARD  # type: ignore[attr-defined]
        payment.changed.emit()
    screenshot(ui_session.window)
    assert shown(ui_session, "take.things")
    for thing in things:
        assert shown(ui_session, f"take.{thing}"), thing


@pytest.mark.parametrize(
    ("screen", "name", "words"),
    [
        ("topup.number", "number.title", "现金充值"),
        ("payment.number", "number.title", "缴话费"),
        ("auth.number", "auth.number.title", "登录"),
        ("payment.amount", "amount.for", "137 0013 7000"),
    ],
)
def test_number_screens_say_what_they_are_for(
    ui_session: UiSession, screen: str, name: str, words: str
) -> None:
    """GIVEN the number screens that looked alike WHEN shown THEN each has a title saying which
    service and whose number; the amount screen names the number."""
    show(ui_session, screen, "zh_CN", "normal")
    screenshot(ui_session.window)
    assert shown(ui_session, name)
    assert words in text(ui_session, name)


def test_a_top_up_on_its_way_is_not_shown_as_complete(ui_session: UiSession) -> None:
    """GIVEN cash taken but central not reached yet WHEN the result shows THEN one message says
    it is on its way — not 充值成功 beside 稍后到账."""
    show(ui_session, "topup.result", "zh_CN", "normal")
    topup = ui_session.features["topup"]
    snap = TopUpSnapshot(State.DONE, "t1", "13800138000", 5000, (5000,), 100_000,
                         "topup.done", credited_online=False, receipt_printed=True)  # fmt: skip
    topup._snap = snap  # type: ignore[attr-defined]
    ui_session.vm.show_message("topup.done")
    topup.changed.emit()
    screenshot(ui_session.window)
    assert "成功" not in text(ui_session, "result.message")
    assert "稍后到账" in text(ui_session, "result.message")
    topup._snap = replace(snap, credited_online=True)  # type: ignore[attr-defined]
    topup.changed.emit()
    screenshot(ui_session.window)
    assert "成功" in text(ui_session, "result.message")
    assert "稍后" not in text(ui_session, "result.message") + text(ui_session, "result.status")


def test_a_part_payment_on_a_suspended_line_says_it_stays_suspended(ui_session: UiSession) -> None:
    show(ui_session, "payment.cash", "en", "normal")  # the preview's line is suspended
    screenshot(ui_session.window)
    assert shown(ui_session, "cash.suspended")
    assert "stays suspended" in text(ui_session, "cash.suspended")


def test_roaming_says_what_it_costs_abroad(ui_session: UiSession) -> None:
    show(ui_session, "change.services", "en", "normal")
    screenshot(ui_session.window)
    rows = [
        str(t.property("text")) for t in _texts(ui_session) if "abroad" in str(t.property("text"))
    ]
    assert rows
    assert "roaming rates" in rows[0]


def test_maintenance_screens_speak_in_sentences(ui_session: UiSession) -> None:
    """GIVEN a printer low on paper, a dead letter central refused for a missing field and JSON
    log lines WHEN the technician looks THEN sentences and local times, no codes or JSON."""
    show(ui_session, "maintenance.devices", "en", "normal")
    screenshot(ui_session.window)
    status = text(ui_session, "maintenance.device.printer.status")
    assert "paper_near_end" not in status
    assert "fit a new roll" in status
    show(ui_session, "maintenance.queue", "en", "normal")
    screenshot(ui_session.window)
    error = text(ui_session, "maintenance.dead.topup-5f2c.error")
    assert "Field required" not in error
    assert "amount_fen is missing" in error
    show(ui_session, "maintenance.logs", "en", "normal")
    screenshot(ui_session.window)
    lines = [str(t.property("text")) for t in _texts(ui_session)
             if "paper near end" in str(t.property("text"))]  # fmt: skip
    assert lines
    assert "{" not in lines[0]
    assert re.search(r"2026-11-30 \d\d:\d\d:\d\d", lines[0])


def _texts(ui: UiSession) -> list[object]:
    from tests.ui.geometry import _all  # the visual tree, Loader items included

    return [i for i in _all(ui.window.contentItem()) if i.inherits("QQuickText") and i.isVisible()]


@pytest.mark.parametrize("screen", ["change.plans", "change.services"])
def test_a_suspended_line_cannot_change_and_is_offered_the_bill(
    ui_session: UiSession, screen: str
) -> None:
    """GIVEN a suspended line WHEN its plans or services show THEN no change can be chosen, a
    sentence says why, and Pay the bill leads to the bill payment."""
    show(ui_session, screen, "en", "normal")
    change = ui_session.features["change"]
    change._balance = PREVIEW_BALANCE.model_copy(update={"status": "suspended"})  # type: ignore[attr-defined]
    change.changed.emit()
    screenshot(ui_session.window)
    assert shown(ui_session, "change.suspended")
    prefix = "change.plan." if screen == "change.plans" else "change.service."
    buttons = [i for i in _items(ui_session) if i.objectName().startswith(prefix)]
    assert buttons
    assert not any(b.isEnabled() for b in buttons)
    tap(ui_session.window, "change.payBill")
    assert wait_until(lambda: ui_session.vm.screen == "payment.number")


def _items(ui: UiSession) -> list[object]:
    from tests.ui.geometry import _all

    return [i for i in _all(ui.window.contentItem()) if i.isVisible()]
