"""Bill payment (缴话费) driven by touch: the number (or the logged-in customer) → what central
says is due → cash through the simulated acceptor or a card through the nexo terminal
simulator → central settles the months (over-payment to the balance) → the receipt."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from kiosk.app import KioskApp
from kiosk.money import format_cny
from tests.ui.conftest import save_screen
from tests.ui.helpers import (
    assert_all_dropped,
    central_rows,
    log_in,
    printer_jobs,
    running_kiosk,
    text_of,
    type_digits,
)
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)

OWING = "13700137000"  # 王五: suspended, every month unpaid (central/seed.py)
OWING_PASSWORD = "112233"
PAID_UP = "13800138000"  # 张三: nothing due
UNKNOWN = "13612345678"
OFFERED = ["topup.cash", "topup.card", "bill.cash", "bill.card"]


@pytest.fixture
def kiosk_app(tmp_path: Path) -> Iterator[KioskApp]:
    """The shared fixture's kiosk, offering bill payment (config.yaml does not yet)."""
    with running_kiosk(tmp_path, **{"services.offered": OFFERED}) as app:
        yield app


def _due_fen(app: KioskApp, number: str) -> int:
    assert app.api is not None
    return app.api.bill_due(number).due_fen


def _central_payments(app: KioskApp, number: str) -> list[tuple[str, int, str, str]]:
    """(txn_id, amount_fen, method, status) of the bill payments central recorded."""
    sql = "SELECT txn_id, amount_fen, method, status FROM bill_payments WHERE msisdn = ?"
    return [tuple(row) for row in central_rows(app, sql, number)]


def _balance_fen(app: KioskApp, number: str) -> int:
    ((balance,),) = central_rows(app, "SELECT balance_fen FROM accounts WHERE msisdn = ?", number)
    return int(balance)


def _open(ui: UiSession, key: str) -> None:
    window, vm = ui.window, ui.vm
    if vm.screen == "attract":
        tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu", 20)
    assert wait_until(lambda: find_item(window, f"menu.{key}").isEnabled(), 15)
    tap(window, f"menu.{key}")


def _type_number(ui: UiSession, number: str) -> None:
    tap(ui.window, "key.clear")
    type_digits(ui, number)
    tap(ui.window, "number.next")


def test_bill_paid_in_cash_over_payment_goes_to_the_balance(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN 王五's line, suspended with every month unpaid WHEN a customer types an unknown
    number (told so), a paid-up one (nothing due, no Pay button), then 王五's, and pays the bill
    in ¥100 notes THEN the last note overshoots, the payment completes by itself, the screen
    says what went to the balance, and central records one cash payment: nothing due any
    more, the line active again, the excess on the balance; one receipt."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    due = _due_fen(kiosk_app, OWING)
    assert due > 0
    balance_before = _balance_fen(kiosk_app, OWING)
    _open(ui_session, "bill.cash")
    assert wait_until(lambda: vm.screen == "payment.number")
    assert vm.messageKey == "bill.enter_number"

    _type_number(ui_session, UNKNOWN)
    assert wait_until(lambda: vm.messageKey == "bill.unknown_number", 15)
    assert vm.screen == "payment.number"
    save_screen(ui_session, "bill-01-unknown-number")

    _type_number(ui_session, PAID_UP)
    assert wait_until(lambda: vm.screen == "payment.bill", 15)
    assert vm.messageKey == "bill.nothing_due"
    assert wait_until(lambda: not find_item(window, "bill.pay").isVisible(), 15)
    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "payment.number")

    _type_number(ui_session, OWING)
    assert wait_until(lambda: vm.screen == "payment.bill", 15)
    assert vm.messageKey == "bill.check_and_pay"
    assert text_of(ui_session, "bill.due") == format_cny(due)
    assert text_of(ui_session, "bill.owner") == "机主：王*"  # masked by central
    assert wait_until(lambda: find_item(window, "bill.suspended").isVisible(), 15)
    assert wait_until(lambda: find_item(window, "bill.change_note").isVisible(), 15)
    save_screen(ui_session, "bill-02-due")
    tap(window, "bill.pay")
    assert wait_until(lambda: vm.screen == "payment.cash", 15)
    save_screen(ui_session, "bill-03-cash-empty")
    with pytest.raises(TouchError):
        tap(window, "cash.finish")  # nothing in yet

    notes = math.ceil(due / 10000)
    for count in range(1, notes):
        tap(window, "sim.note.10000")
        assert wait_until(lambda c=count: payment.paidFen == c * 10000, 15)
        assert text_of(ui_session, "cash.owed") == format_cny(due - count * 10000)
        with pytest.raises(TouchError):
            tap(window, "nav.cancel")  # money is in: not offered
    if notes > 1:
        save_screen(ui_session, "bill-04-cash-part")
    tap(window, "sim.note.10000")  # the last one reaches (or passes) the amount
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    save_screen(ui_session, "bill-05-paid")
    over = notes * 10000 - due
    assert vm.messageKey == "bill.paid"
    assert payment.resultKind == "paid"
    assert payment.receiptPrinted is True
    assert find_item(window, "result.over").isVisible() == (over > 0)
    if over:
        assert format_cny(over) in text_of(ui_session, "result.over")

    assert wait_until(lambda: len(_central_payments(kiosk_app, OWING)) > 0, 20)
    assert _central_payments(kiosk_app, OWING) == [(payment.txnRef, notes * 10000, "cash", "paid")]
    assert _due_fen(kiosk_app, OWING) == 0
    assert kiosk_app.api is not None
    assert kiosk_app.api.bill_due(OWING).status == "active"
    assert _balance_fen(kiosk_app, OWING) == balance_before + over
    assert kiosk_app.journal is not None
    assert sum(f * n for f, n in kiosk_app.journal.cashbox().items()) == notes * 10000
    jobs = printer_jobs(kiosk_app)
    assert len(jobs) == 1
    assert "137****7000" in kiosk_app.simulated_receipt_texts()[0]

    tap(window, "nav.cancel")  # "Finish"
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")


def test_bill_cash_part_payment_with_pay_now(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN 王五's bill WHEN the customer inserts ¥10 and taps "Pay now" THEN ¥10 is paid
    (too little for a month: central keeps the months unpaid and credits the balance) and
    the result says what is still due."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    due = _due_fen(kiosk_app, OWING)
    assert due > 1000
    balance_before = _balance_fen(kiosk_app, OWING)
    _open(ui_session, "bill.cash")
    assert wait_until(lambda: vm.screen == "payment.number")
    _type_number(ui_session, OWING)
    assert wait_until(lambda: vm.screen == "payment.bill", 15)
    tap(window, "bill.pay")
    assert wait_until(lambda: vm.screen == "payment.cash", 15)
    tap(window, "sim.note.1000")
    assert wait_until(lambda: payment.paidFen == 1000, 15)
    with pytest.raises(TouchError):
        tap(window, "nav.cancel")  # the money is in: it pays the bill, never kept
    tap(window, "cash.finish")
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    assert payment.resultShort
    assert format_cny(due - 1000) in text_of(ui_session, "result.short")
    assert wait_until(lambda: len(_central_payments(kiosk_app, OWING)) > 0, 20)
    assert _central_payments(kiosk_app, OWING) == [(payment.txnRef, 1000, "cash", "partial")]
    assert _due_fen(kiosk_app, OWING) == due
    assert _balance_fen(kiosk_app, OWING) == balance_before + 1000
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")


def test_logged_in_customer_pays_their_bill_by_card(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN 王五 logged in WHEN they choose "Pay bill by card" THEN their bill shows at once
    (no number to type); the first card is declined (nothing paid, nothing printed), the
    second approved: central records one card payment of exactly the amount due."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    terminal = kiosk_app.simulators["card_terminal"].handle
    assert isinstance(terminal, TerminalSimulator)
    due = _due_fen(kiosk_app, OWING)
    log_in(ui_session, OWING, OWING_PASSWORD)
    _open(ui_session, "bill.card")
    assert wait_until(lambda: vm.screen == "payment.bill", 15)
    assert payment.digits == OWING
    assert text_of(ui_session, "bill.due") == format_cny(due)
    # a card pays it exactly
    assert wait_until(lambda: not find_item(window, "bill.change_note").isVisible(), 15)

    terminal.scenario = Scenario.DECLINE
    tap(window, "bill.pay")
    assert wait_until(lambda: payment.stage == "declined", 20)
    assert vm.messageKey == "payment.card_declined"
    assert printer_jobs(kiosk_app) == []
    save_screen(ui_session, "bill-06-card-declined")

    terminal.scenario = Scenario.APPROVE
    tap(window, "card.retry")
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    save_screen(ui_session, "bill-07-card-paid")
    assert vm.messageKey == "bill.paid"
    assert payment.resultKind == "approved"
    assert not payment.resultOver
    assert not payment.resultShort
    assert wait_until(lambda: len(_central_payments(kiosk_app, OWING)) > 0, 20)
    assert _central_payments(kiosk_app, OWING) == [(payment.txnRef, due, "card", "paid")]
    assert _due_fen(kiosk_app, OWING) == 0
    assert len(terminal.engine.approvals()) == 1
    assert len(printer_jobs(kiosk_app)) == 1
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")


def test_offline_the_customer_chooses_the_amount_and_the_payment_is_pending(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN central cannot be reached WHEN a customer pays 王五's bill in cash THEN the kiosk
    says the bill cannot be looked up and offers amounts within the offline limit; ¥50 paid is
    journalled and waits in the outbox for central, and the result says it is not yet
    received (never "paid" at central)."""
    window, vm = ui_session.window, ui_session.vm
    payment = ui_session.features["payment"]
    assert kiosk_app.central is not None
    kiosk_app.central.stop()
    _open(ui_session, "bill.cash")
    assert wait_until(lambda: vm.screen == "payment.number")
    _type_number(ui_session, OWING)
    assert wait_until(lambda: vm.screen == "payment.amount", 20)
    assert vm.messageKey == "bill.enter_amount"
    offline_max = kiosk_app.config.topup.offline_max_fen
    assert [p["fen"] for p in payment.presets] == [
        fen for fen in (3000, 5000, 10000, 20000, 30000) if fen <= offline_max
    ]
    save_screen(ui_session, "bill-08-offline-amount")
    tap(window, "amount.preset.5000")
    assert find_item(window, "amount.pay").property("label") == "现金缴费 ¥50.00"
    tap(window, "amount.pay")
    assert wait_until(lambda: vm.screen == "payment.cash", 15)
    tap(window, "sim.note.5000")
    assert wait_until(lambda: vm.screen == "payment.result", 30)
    assert payment.resultKind == "paid"
    assert payment.creditedOnline is False
    assert wait_until(lambda: find_item(window, "result.status").isVisible(), 15)
    save_screen(ui_session, "bill-09-offline-pending")
    journal, store = kiosk_app.journal, kiosk_app.store
    assert journal is not None
    assert store is not None
    record = journal.transaction(payment.txnRef)
    assert record is not None
    assert (record.flow, record.state) == ("bill.cash", "done")
    assert store.pending_total("bill_payment.v1", "amount_fen") == 5000
    assert len(printer_jobs(kiosk_app)) == 1
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_all_dropped(ui_session, "payment")
