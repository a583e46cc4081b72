"""Top-up by bank card through every layer, driven by touch: QML → payment view-model →
CardTopUpFlow → nexo terminal simulator (its scenarios as fault switches) → journal + outbox →
reference central, and the receipt on the simulated ESC/POS printer."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from kiosk.app import KioskApp
from kiosk.central_ops import recorded_topups
from tests.ui.conftest import save_screen
from tests.ui.helpers import assert_all_dropped, printer_jobs, text_of, type_digits
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)

NUMBER = "13800138000"


def _terminal(app: KioskApp) -> TerminalSimulator:
    handle = app.simulators["card_terminal"].handle
    assert isinstance(handle, TerminalSimulator)
    return handle


def _topups(app: KioskApp, number: str = NUMBER) -> list[dict[str, Any]]:
    embedded = app.config.central.embedded
    assert embedded is not None
    return recorded_topups(app.central_url, embedded.ops_token, number)


def _to_amount(ui: UiSession, number: str = NUMBER) -> None:
    """Attract → menu → Top up by card → the number typed → the amount screen."""
    window, vm = ui.window, ui.vm
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu", 20)
    assert wait_until(lambda: find_item(window, "menu.topup.card").isEnabled(), 15)
    tap(window, "menu.topup.card")
    assert wait_until(lambda: vm.screen == "payment.number")
    assert vm.messageKey == "payment.enter_number"
    type_digits(ui, number)
    assert text_of(ui, "number.display") == f"{number[:3]} {number[3:7]} {number[7:]}"
    tap(window, "number.next")
    assert wait_until(lambda: vm.screen == "payment.amount")


def test_card_topup_approved_reaches_central_once(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the terminal approves WHEN a customer taps through a ¥50 card top-up to
    138 0013 8000, following the terminal's steps on screen THEN central records one card
    top-up of ¥50 under the screen's reference and one receipt is printed."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = _terminal(kiosk_app)
    terminal.engine.stage_s = 0.6  # time at each step, so that the screen can show it
    _to_amount(ui_session)
    with pytest.raises(TouchError):
        tap(window, "amount.pay")  # nothing chosen yet
    tap(window, "amount.preset.5000")
    assert text_of(ui_session, "amount.custom") != "¥50"  # a preset, not typed
    save_screen(ui_session, "payment-01-amount")
    tap(window, "amount.pay")
    assert wait_until(lambda: vm.screen == "payment.card")
    assert wait_until(lambda: payment.stage == "pin_entry", 10)
    assert vm.messageKey == "payment.card_pin"
    assert text_of(ui_session, "card.amount").endswith("¥50.00")
    # the customer may stop it
    assert wait_until(lambda: find_item(window, "nav.cancel").isEnabled(), 15)
    assert wait_until(lambda: not find_item(window, "nav.back").isEnabled(), 15)
    save_screen(ui_session, "payment-02-card-pin")
    assert wait_until(lambda: payment.stage == "authorising", 10)
    assert wait_until(lambda: vm.screen == "payment.result", 20)
    save_screen(ui_session, "payment-03-approved")
    assert vm.messageKey == "payment.card_approved"
    assert payment.receiptPrinted is True
    assert "******" in text_of(ui_session, "result.card")  # masked by the terminal, never more

    assert wait_until(lambda: len(_topups(kiosk_app)) > 0, 20)
    records = _topups(kiosk_app)
    assert [(r["msisdn"], r["amount_fen"], r["method"]) for r in records] == [
        (NUMBER, 5000, "card")
    ]
    assert records[0]["txn_id"] == payment.txnRef
    assert len(terminal.engine.approvals()) == 1
    jobs = printer_jobs(kiosk_app)
    assert len(jobs) == 1
    assert b"50.00" in jobs[0]
    assert "138****8000" in kiosk_app.simulated_receipt_texts()[0]

    tap(window, "nav.cancel")  # "Finish"
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")


def test_card_declined_takes_nothing_then_retry_with_a_typed_amount(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the terminal declines WHEN the customer pays a typed ¥123 THEN the screen says the
    card was declined and no money was taken (central has nothing, nothing printed, the
    journal says cancelled); WHEN they try again and the card is approved THEN central has
    exactly one top-up of ¥123, under a new reference."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = _terminal(kiosk_app)
    _to_amount(ui_session)
    for digit in "2000":
        tap(window, f"key.{digit}")
    assert text_of(ui_session, "amount.custom") == "¥2000"
    with pytest.raises(TouchError):
        tap(window, "amount.pay")  # over the ¥1000 limit
    tap(window, "key.clear")
    for digit in "123":
        tap(window, f"key.{digit}")
    assert payment.amountFen == 12300
    terminal.scenario = Scenario.DECLINE
    tap(window, "amount.pay")
    assert wait_until(lambda: payment.stage == "declined", 20)
    assert vm.screen == "payment.card"
    assert vm.messageKey == "payment.card_declined"
    assert text_of(ui_session, "card.message") == "银行卡被拒绝，未扣款。"  # Chinese first
    assert wait_until(lambda: find_item(window, "card.retry").isVisible(), 15)
    # another amount, if they like
    assert wait_until(lambda: find_item(window, "nav.back").isEnabled(), 15)
    save_screen(ui_session, "payment-04-declined")
    declined_txn = payment.customer_data()["card_flow"].txn_id  # type: ignore[union-attr]
    record = kiosk_app.journal.transaction(declined_txn)  # type: ignore[union-attr]
    assert record is not None
    assert record.state == "cancelled"
    assert printer_jobs(kiosk_app) == []
    assert terminal.engine.approvals() == []

    terminal.scenario = Scenario.APPROVE
    tap(window, "card.retry")
    assert wait_until(lambda: vm.screen == "payment.result", 20)
    assert payment.txnRef != declined_txn
    assert wait_until(lambda: len(_topups(kiosk_app)) > 0, 20)
    records = _topups(kiosk_app)
    assert [(r["amount_fen"], r["txn_id"]) for r in records] == [(12300, payment.txnRef)]
    assert len(printer_jobs(kiosk_app)) == 1
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")


def test_cancel_at_the_terminal_screen_aborts_and_takes_nothing(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the customer is at the terminal's PIN step WHEN they tap Cancel on our screen
    THEN the terminal is told to stop, no money is taken, and the kiosk goes home."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = _terminal(kiosk_app)
    terminal.engine.stage_s = 2.0
    _to_amount(ui_session)
    tap(window, "amount.preset.3000")
    tap(window, "amount.pay")
    assert wait_until(lambda: payment.stage in ("waiting_for_card", "pin_entry"), 10)
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract", 20)
    payments = list(terminal.engine.payments.values())
    assert len(payments) == 1
    assert payments[0].aborted.is_set()
    assert terminal.engine.approvals() == []
    assert kiosk_app.journal is not None
    assert kiosk_app.journal.open_transactions() == []
    assert _topups(kiosk_app) == []
    assert printer_jobs(kiosk_app) == []
    assert_all_dropped(ui_session, "payment")


DOUBTFUL = {
    "devices.card_terminal.settings.payment_timeout_s": 1.0,
    "devices.card_terminal.settings.recovery_s": 1.0,
    "devices.card_terminal.settings.status_interval_s": 0.2,
}


@pytest.mark.parametrize("kiosk_app", [DOUBTFUL], indirect=True)
def test_no_answer_leaves_the_payment_in_doubt_and_the_core_settles_it(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN a terminal that takes the payment and never answers (nor stops on abort) WHEN
    the customer pays THEN the screen says the answer has not arrived and not to pay again
    (never "failed"), the journal holds the payment in doubt, central has nothing; WHEN the
    terminal later reports it aborted THEN the core settles it as not approved: no money."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = _terminal(kiosk_app)
    terminal.scenario = Scenario.TIMEOUT
    terminal.engine.ignore_abort = True
    _to_amount(ui_session)
    tap(window, "amount.preset.10000")
    tap(window, "amount.pay")
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    assert vm.messageKey == "payment.card_in_doubt"
    assert payment.resultKind == "in_doubt"
    assert text_of(ui_session, "result.icon") == "!"
    assert "请勿重复支付" in text_of(ui_session, "result.message")  # "do not pay again"
    save_screen(ui_session, "payment-05-in-doubt")
    txn = payment.txnRef
    journal = kiosk_app.journal
    assert journal is not None
    record = journal.transaction(txn)
    assert record is not None
    assert record.state == "in_doubt"
    assert _topups(kiosk_app) == []
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")

    terminal.engine.ignore_abort = False  # the terminal gives up on it: no money moved

    def settled() -> bool:
        kiosk_app.settle_card_payments()
        record = journal.transaction(txn)
        return record is not None and record.state == "cancelled"

    assert wait_until(settled, 20)
    assert [kind for _s, _t, kind, _p in journal.events(txn)][-2:] == [
        "card.in_doubt",
        "card.cancelled",
    ]
    assert terminal.engine.approvals() == []
    assert _topups(kiosk_app) == []
    assert printer_jobs(kiosk_app) == []


def test_answer_lost_after_approval_is_recovered_and_credited_once(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN a terminal that approves and loses its reply WHEN the customer pays ¥30 THEN the
    kiosk asks the terminal, shows the approval, and central records the top-up once."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = _terminal(kiosk_app)
    terminal.scenario = Scenario.LOST_AFTER_APPROVAL
    _to_amount(ui_session)
    tap(window, "amount.preset.3000")
    tap(window, "amount.pay")
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    assert payment.resultKind == "approved"
    assert wait_until(lambda: len(_topups(kiosk_app)) > 0, 20)
    assert [(r["amount_fen"], r["txn_id"]) for r in _topups(kiosk_app)] == [(3000, payment.txnRef)]
    assert len(terminal.engine.approvals()) == 1
    assert len(printer_jobs(kiosk_app)) == 1
    assert ui_session.warnings == []
