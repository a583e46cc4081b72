"""Bill payment against the reference central: what a number owes, paid in cash through the
simulated acceptor or by card through the nexo terminal simulator, posted once through the
outbox; part payment, cancel, offline (amount entered, caps, "pending"), unknown number, card
declined and in doubt, and recovery after a power cut."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from drivers.interfaces import CardDeclined, CardInDoubt
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.central_api import CentralApi
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.errors import CentralRefused, FlowError, JournalError
from kiosk.flows import bill_payment
from kiosk.flows.bill_payment import BillPaymentContext, BillPaymentFlow
from kiosk.flows.card_topup import TOPUP, CardTopUpContext, settle_open_payments
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from offline_queue import OutboxStore
from tests.central.conftest import KIOSKS, Central
from tests.kiosk.fakes import RecordingPrinter
from tests.support.builders import deliver_outbox, feed_notes, simulated_cash

pytestmark = pytest.mark.timeout(90)
NOW = datetime(2026, 11, 22, 10, 30).astimezone()
OWING = "13700137000"  # 王五: suspended, every bill unpaid


@dataclass
class Rig:
    context: BillPaymentContext
    journal: Journal
    acceptor: SimulatedBillAcceptor
    printer: RecordingPrinter
    simulator: TerminalSimulator
    central: Central
    metrics: ServiceMetrics

    def flow(self) -> BillPaymentFlow:
        return BillPaymentFlow(self.context)

    def deliver(self) -> None:
        deliver_outbox(self.journal, self.central.url)

    def bodies(self) -> list[dict[str, Any]]:
        store = OutboxStore(self.journal.path)
        try:
            keys = [p["outbox_key"] for _, _, _, p in self.journal.events() if "outbox_key" in p]
            return [item.body for key in keys if (item := store.get(key)) is not None]
        finally:
            store.close()


@pytest.fixture
def rig(
    api: CentralApi,
    central: Central,
    tmp_path: Path,
    nexo_terminal: tuple[TerminalSimulator, NexoCardTerminal],
) -> Iterator[Rig]:
    journal = Journal(tmp_path / "kiosk.db")
    acceptor, router = simulated_cash()
    printer = RecordingPrinter()
    simulator, terminal = nexo_terminal
    metrics = ServiceMetrics(tmp_path / "m.json")
    failures: list[JournalError] = []
    card = CardTopUpContext(
        kiosk_id="K1", kiosk_name="测试终端", journal=journal, terminal=terminal,
        printer=printer, metrics=metrics, min_fen=100, max_fen=100_000,
        is_online=lambda: True, on_storage_failure=failures.append, clock=lambda: NOW,
    )  # fmt: skip
    context = BillPaymentContext(
        kiosk_id="K1", kiosk_name="测试终端", api=api, journal=journal, metrics=metrics,
        printer=printer, min_fen=100, max_fen=100_000, offline_max_fen=20_000,
        denominations_fen=NOTE_DENOMINATIONS_FEN, is_online=lambda: True,
        on_storage_failure=failures.append, wait_delivered=lambda _k, _s: None,
        acceptor=acceptor, attach_cash=router.attach, card=card, clock=lambda: NOW,
    )  # fmt: skip
    yield Rig(context, journal, acceptor, printer, simulator, central, metrics)
    acceptor.close()
    journal.close()


def _insert(rig: Rig, flow: BillPaymentFlow, notes: list[int]) -> None:
    feed_notes(rig.acceptor, notes, lambda: int(flow._data["paid_fen"]))


def _notes_for(amount_fen: int) -> list[int]:
    return [10000] * (-(-amount_fen // 10000))


def test_cash_pays_the_whole_bill_once_and_the_line_comes_back(rig: Rig, api: CentralApi) -> None:
    flow = rig.flow()
    due = flow.look_up(OWING)
    assert due is not None
    assert due.due_fen > 0
    assert due.owner_name_masked == "王*"
    intake = flow.start_cash()
    notes = _notes_for(due.due_fen)
    _insert(rig, flow, notes)
    assert intake.complete
    result = flow.finish_cash()
    assert result.paid_fen == sum(notes) >= due.due_fen  # the last note overshoots
    kinds = [k for _, _, k, _ in rig.journal.events(flow.txn_id)]
    stacked = ["cash.stack_intent", "cash.note_credited"]  # the intent before STACK
    assert kinds == ["bill.started", *stacked * len(notes), "bill.committed",
                     "receipt.printed"]  # fmt: skip
    [body] = rig.bodies()
    assert body["method"] == "cash"
    assert body["amount_fen"] == sum(notes)
    assert body["months"] == [m.month for m in due.months]
    text = rig.printer.last_text()
    assert "137****7000" in text
    assert "Bill payment" in text
    rig.deliver()
    rig.deliver()  # a second round sends nothing again
    after = api.bill_due(OWING)
    assert (after.due_fen, after.status) == (0, "active")
    assert sum(rig.journal.cashbox().values()) == len(notes)
    assert rig.metrics.today()["bill.cash"]["completed"] == 1
    assert rig.metrics.amounts_today()["cash"] == sum(notes)
    assert rig.journal.open_transactions() == []


def test_cancel_with_notes_in_pays_what_was_paid(rig: Rig, api: CentralApi) -> None:
    flow = rig.flow()
    due = flow.look_up(OWING)
    assert due is not None
    flow.start_cash()
    _insert(rig, flow, [100])
    result = flow.cancel()
    assert result is not None
    assert result.paid_fen == 100
    rig.deliver()
    assert api.bill_due(OWING).due_fen == due.due_fen  # too little for a month: to the balance


def test_cancel_before_any_note_moves_nothing(rig: Rig) -> None:
    flow = rig.flow()
    flow.look_up(OWING)
    flow.start_cash()
    assert flow.cancel() is None
    assert [k for _, _, k, _ in rig.journal.events(flow.txn_id)][-1] == "bill.cancelled"
    assert rig.bodies() == []
    assert rig.journal.open_transactions() == []
    with pytest.raises(FlowError):
        flow.finish_cash()


def test_a_number_that_owes_nothing_or_is_unknown(rig: Rig) -> None:
    flow = rig.flow()
    due = flow.look_up("13800138000")
    assert due is not None
    assert due.due_fen == 0
    with pytest.raises(FlowError) as nothing:
        flow.start_cash()
    assert nothing.value.message_key == "bill.nothing_due"
    with pytest.raises(CentralRefused) as unknown:
        rig.flow().look_up("13312345678")
    assert unknown.value.message_key == "bill.unknown_number"
    with pytest.raises(FlowError) as bad:
        rig.flow().look_up("12345")
    assert bad.value.message_key == "bill.invalid_number"


def test_offline_the_customer_enters_the_amount_within_the_caps(rig: Rig, tmp_path: Path) -> None:
    dead = CentralApi("http://127.0.0.1:9", "K1", KIOSKS["K1"], timeout_s=0.5)
    context = replace(rig.context, api=dead, is_online=lambda: False,
                      offline_headroom_fen=lambda: 6_000)  # fmt: skip
    flow = BillPaymentFlow(context)
    assert flow.look_up(OWING) is None
    with pytest.raises(FlowError) as unknown:
        flow.start_cash()
    assert unknown.value.message_key == "bill.enter_amount"
    with pytest.raises(FlowError) as over:
        flow.start_cash(8_000)  # within offline_max_fen, beyond what the total cap leaves
    assert over.value.message_key == "bill.over_offline_limit"
    intake = flow.start_cash(5000)
    rig.acceptor.insert_note(10000)  # would take the payment past the cap: returned
    _insert(rig, flow, [5000])
    assert intake.paid_fen == 5000
    result = flow.finish_cash()
    assert not result.credited_online
    [body] = rig.bodies()
    assert (body["offline"], body["months"], body["amount_fen"]) == (True, [], 5000)
    assert "pending" in rig.printer.last_text()
    dead.close()


def test_card_pays_the_bill_once_with_a_masked_receipt(rig: Rig, api: CentralApi) -> None:
    flow = rig.flow()
    due = flow.look_up(OWING)
    assert due is not None
    result = flow.pay_card()
    assert result.paid_fen == due.due_fen
    kinds = [k for _, _, k, _ in rig.journal.events(flow.txn_id)]
    assert kinds == ["card.requested", "card.approved", "receipt.printed"]
    [body] = rig.bodies()
    assert (body["method"], body["amount_fen"]) == ("card", due.due_fen)
    text = rig.printer.last_text()
    assert "Bill payment" in text
    assert "Approval" in text
    rig.deliver()
    assert api.bill_due(OWING).due_fen == 0
    assert rig.metrics.today()["bill.card"]["completed"] == 1


def test_card_declined_moves_no_money(rig: Rig) -> None:
    rig.simulator.scenario = Scenario.DECLINE
    flow = rig.flow()
    flow.look_up(OWING)
    result = flow.pay_card()
    assert isinstance(result.outcome, CardDeclined)
    assert result.paid_fen == 0
    assert rig.bodies() == []
    assert rig.journal.open_transactions() == []


def test_card_in_doubt_is_settled_through_the_terminal_later(rig: Rig) -> None:
    rig.simulator.scenario = Scenario.TIMEOUT
    rig.simulator.engine.ignore_abort = True
    flow = rig.flow()
    flow.look_up(OWING)
    result = flow.pay_card(5000)
    assert isinstance(result.outcome, CardInDoubt)
    [open_txn] = rig.journal.open_transactions()
    assert (open_txn.flow, open_txn.state) == ("bill.card", "in_doubt")
    assert [a.action for a in recover(rig.journal, NOW)] == ["ask_terminal"]
    assert rig.context.card is not None
    # the top-up's settling alone does not touch a bill's payment; with its purpose it does
    assert settle_open_payments(rig.context.card) == []
    settled = settle_open_payments(rig.context.card, (TOPUP, bill_payment.CARD_PURPOSE))
    assert settled == [(flow.txn_id, "still_open")]


def test_power_cut_after_a_note_then_recovery_pays_it(rig: Rig, api: CentralApi) -> None:
    flow = rig.flow()
    due = flow.look_up(OWING)
    assert due is not None
    flow.start_cash()
    _insert(rig, flow, [100])  # … and the power goes: the flow never runs again
    [action] = recover(rig.journal, NOW)
    assert action.action == "committed"
    assert recover(rig.journal, NOW) == []
    [body] = rig.bodies()
    assert (body["amount_fen"], body["offline"]) == (100, True)
    rig.deliver()
    assert rig.journal.open_transactions() == []
