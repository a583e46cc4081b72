"""SIM replacement with a fee (config `sim.replacement_fee_fen`), against the reference central:
paid in cash through the simulated acceptor (journalled with the cash box, the excess credited
to the line) or by card through the nexo terminal simulator; a declined card; a failure after
payment (card captured, the card payment reversed, cash vouchered); cancelling part-paid;
recovery at every journalled state of a paid replacement and a card payment left open."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import Account, AccountEvent
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator
from drivers.errors import DriverError
from drivers.interfaces import CardApproved, CardDeclined, CardInDoubt
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.central_api import CentralApi
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.customer_desk import CustomerDesk, DeskParts
from kiosk.customer_session import CustomerSession, EndReason
from kiosk.errors import FlowError, JournalError, KioskError
from kiosk.flows import sim_replacement, sim_sale
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed
from kiosk.flows.sim_replacement import SimReplacementContext, SimReplacementFlow, State
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from tests.central.business_client import Biz
from tests.central.conftest import Central
from tests.kiosk.fakes import RecordingPrinter, crash_after
from tests.kiosk.test_sim_replacement import ADM, NOW, FakeSimWriter, zhang_san
from tests.support.builders import deliver_outbox, feed_notes, simulated_cash

pytestmark = pytest.mark.timeout(90)
FEE = 2000  # ¥20.00
MSISDN = "13800138000"


@dataclass
class Rig:
    flow: SimReplacementFlow
    context: SimReplacementContext
    journal: Journal
    acceptor: SimulatedBillAcceptor
    writer: FakeSimWriter
    mechanism: DispenserSimulator
    printer: RecordingPrinter
    session: CustomerSession
    simulator: TerminalSimulator


@pytest.fixture
def rig(
    api: CentralApi, tmp_path: Path, nexo_terminal: tuple[TerminalSimulator, NexoCardTerminal]
) -> Iterator[Rig]:
    journal = Journal(tmp_path / "kiosk.db")
    acceptor, router = simulated_cash()
    simulator, terminal = nexo_terminal
    writer = FakeSimWriter()
    mechanism = DispenserSimulator(stock=10)
    printer = RecordingPrinter()
    failures: list[JournalError] = []
    context = SimReplacementContext(
        "K1", api, journal, SimDevices(writer, DispenserDriver(mechanism), ADM),
        ServiceMetrics(tmp_path / "m.json"), failures.append, clock=lambda: NOW, fee_fen=FEE,
        kiosk_name="测试终端", printer=printer, acceptor=acceptor,
        denominations_fen=NOTE_DENOMINATIONS_FEN, attach_cash=router.attach, terminal=terminal,
    )  # fmt: skip
    session = CustomerSession(api, idle_timeout_s=90)
    session.login_id_card(MSISDN, zhang_san(), date(2026, 11, 22))
    flow = SimReplacementFlow(context, session)
    yield Rig(flow, context, journal, acceptor, writer, mechanism, printer, session, simulator)
    acceptor.close()
    journal.close()


def _pay_cash(rig: Rig, notes: tuple[int, ...]) -> int:
    intake = rig.flow.start_cash()
    return feed_notes(rig.acceptor, notes, lambda: intake.paid_fen)


def _replace_paying_cash(rig: Rig, notes: tuple[int, ...]) -> None:
    rig.flow.prepare()
    _pay_cash(rig, notes)
    rig.flow.finish_payment()
    rig.flow.run()


def _kinds(rig: Rig) -> list[str]:
    return [kind for _, _, kind, _ in rig.journal.events(rig.flow.txn_id)]


def _deliver(journal: Journal, central: Central) -> list[Any]:
    return deliver_outbox(journal, central.url)


def _line(central: Central) -> tuple[int, str | None, list[dict[str, Any]]]:
    """Balance, card and replacement events of the customer's line at central."""
    with central.storage.sessions() as session:
        account = session.get(Account, MSISDN)
        assert account is not None
        events = [
            json.loads(e.detail_json)
            for e in session.scalars(
                select(AccountEvent).where(AccountEvent.kind == "sim_replacement")
            )
        ]
        return account.balance_fen, account.iccid, events


def test_fee_paid_in_cash_the_excess_credited_to_the_line(rig: Rig, central: Central) -> None:
    """GIVEN a ¥20 fee WHEN the owner pays ¥10 + ¥50 in cash THEN the card is written and
    dispensed, the cash box holds the notes, the receipt says paid and credited with the
    number masked, and central moves the line, charges the fee once and credits ¥40."""
    balance_before, old_iccid, _ = _line(central)
    rig.flow.prepare()
    assert rig.flow.fee_fen == FEE
    assert rig.mechanism.dispensed == 0
    paid = _pay_cash(rig, (1000, 5000))
    assert rig.flow.finish_payment() == paid == 6000
    result = rig.flow.run()
    assert rig.mechanism.dispensed == 1
    assert rig.writer.written[0].iccid == result.iccid
    assert _kinds(rig) == [
        "sim_replacement.started", "sim.data_received", "sim_replacement.paying",
        "cash.stack_intent", "cash.note_credited", "cash.stack_intent", "cash.note_credited",
        "sim_replacement.paid", "sim.card_to_reader", "sim.writing", "sim.dispensing",
        "sim_replacement.done",
    ]  # each note's stack intent journalled before STACK  # fmt: skip
    assert rig.journal.cashbox() == {1000: 1, 5000: 1}
    receipt = rig.printer.last_text()
    assert "138****8000" in receipt
    assert MSISDN not in receipt
    assert "60.00" in receipt
    assert "40.00" in receipt  # credited to the line
    [item] = _deliver(rig.journal, central)
    assert item.kind == "sim_replacement.v1"
    assert (item.body["fee_fen"], item.body["paid_fen"], item.body["method"]) == (FEE, 6000, "cash")
    balance, iccid, [event] = _line(central)
    assert iccid == result.iccid != old_iccid
    assert balance == balance_before + 6000 - FEE
    assert event["amount_fen"] == FEE
    assert rig.context.metrics.amounts_today() == {"cash": 6000}
    assert rig.journal.open_transactions() == []


def test_fee_paid_by_card(rig: Rig, central: Central) -> None:
    balance_before, _, _ = _line(central)
    rig.flow.prepare()
    outcome = rig.flow.pay_card()
    assert isinstance(outcome, CardApproved)
    result = rig.flow.run()
    assert _kinds(rig)[2:] == [
        "card.requested", "card.approved", "sim.card_to_reader", "sim.writing",
        "sim.dispensing", "sim_replacement.done",
    ]  # fmt: skip
    [approval] = rig.simulator.engine.approvals()
    assert approval.request.amount_fen == FEE
    assert not approval.reversed
    [item] = _deliver(rig.journal, central)
    assert (item.body["fee_fen"], item.body["paid_fen"], item.body["method"]) == (FEE, FEE, "card")
    balance, iccid, _ = _line(central)
    assert (balance, iccid) == (balance_before, result.iccid)
    assert rig.journal.cashbox() == {}
    assert rig.context.paying == set()
    assert "*" in outcome.masked_pan


def test_declined_card_then_cash(rig: Rig) -> None:
    rig.flow.prepare()
    rig.simulator.scenario = Scenario.DECLINE
    assert isinstance(rig.flow.pay_card(), CardDeclined)
    assert rig.mechanism.dispensed == 0
    with pytest.raises(FlowError) as unpaid:
        rig.flow.run()
    assert unpaid.value.message_key == "sim.fee_due"
    _pay_cash(rig, (2000,))
    rig.flow.finish_payment()
    rig.flow.run()
    assert rig.mechanism.dispensed == 1
    assert "card.declined" in _kinds(rig)
    assert rig.simulator.engine.approvals() == []


def test_run_with_the_fee_unpaid_does_nothing(rig: Rig) -> None:
    with pytest.raises(FlowError) as unpaid:
        rig.flow.run()
    assert unpaid.value.message_key == "sim.fee_due"
    assert rig.journal.events() == []
    assert rig.mechanism.dispensed == 0


def test_write_failure_after_cash_payment_gives_a_voucher(rig: Rig, central: Central) -> None:
    """GIVEN the fee paid in cash WHEN no card can be written THEN both cards are captured,
    a voucher for every fen is printed and journalled, and nothing reaches central."""
    rig.flow.prepare()
    _pay_cash(rig, (5000,))
    rig.flow.finish_payment()
    rig.writer.failures.extend(DriverError("bad", message_key="sim.write_error") for _ in "ab")
    with pytest.raises(SimIssueFailed) as failed:
        rig.flow.run()
    assert failed.value.captured
    assert rig.mechanism.rejected == 2
    assert rig.flow.voucher_fen == 5000
    events = rig.journal.events(rig.flow.txn_id)
    kind, payload = events[-1][2], events[-1][3]
    assert kind == "sim_replacement.voucher"
    assert (payload["amount_fen"], payload["captured"]) == (5000, True)
    assert "VOUCHER" in str(rig.printer.printed[-1].qr_data)
    assert "50.00" in rig.printer.last_text()
    assert rig.journal.open_transactions() == []
    assert _deliver(rig.journal, central) == []
    assert rig.journal.cashbox() == {5000: 1}


def test_write_failure_after_card_payment_reverses_it(rig: Rig) -> None:
    rig.flow.prepare()
    rig.flow.pay_card()
    rig.writer.failures.extend(DriverError("bad", message_key="sim.write_error") for _ in "ab")
    with pytest.raises(SimIssueFailed):
        rig.flow.run()
    [approval] = rig.simulator.engine.approvals()
    assert approval.reversed
    assert rig.flow.voucher_fen == 0
    assert _kinds(rig)[-1] == "sim_replacement.refunded"
    assert rig.printer.printed == []
    assert rig.journal.open_transactions() == []


def test_cancel_part_paid_gives_a_voucher(rig: Rig) -> None:
    rig.flow.prepare()
    _pay_cash(rig, (1000,))
    with pytest.raises(FlowError) as short:
        rig.flow.finish_payment()
    assert short.value.message_key == "sim.not_paid"
    rig.flow.cancel()
    assert rig.flow.voucher_fen == 1000
    assert _kinds(rig)[-1] == "sim_replacement.voucher"
    assert rig.mechanism.dispensed == 0
    rig.flow.cancel()  # twice: nothing more
    assert _kinds(rig).count("sim_replacement.voucher") == 1


def test_cancel_before_paying_and_after_card_approval(rig: Rig, api: CentralApi) -> None:
    rig.flow.prepare()
    rig.flow.cancel()
    assert _kinds(rig)[-1] == "sim_replacement.cancelled"
    with pytest.raises(FlowError):
        rig.flow.pay_card()
    second = SimReplacementFlow(rig.context, rig.session)
    second.prepare()
    second.pay_card()
    second.cancel()
    assert rig.simulator.engine.approvals()[0].reversed
    assert [k for _, _, k, _ in rig.journal.events(second.txn_id)][-1] == "sim_replacement.refunded"


def test_a_free_replacement_has_no_payment_step(rig: Rig, central: Central) -> None:
    context = replace(rig.context, fee_fen=0)
    flow = SimReplacementFlow(context, rig.session)
    with pytest.raises(FlowError):
        flow.pay_card()
    result = flow.run()
    [item] = _deliver(rig.journal, central)
    assert (item.body["fee_fen"], item.body["method"]) == (0, "none")
    assert "paid_fen" not in item.body
    assert result.msisdn == MSISDN
    assert rig.printer.printed == []


# (a death right after a note is journalled: test_recovery_while_paying_vouchers_the_notes
# below, and the kill -9 tests of tests/kiosk/test_flow_kill9.py)
PAID_CASH = [
    "sim_replacement.started", "sim.data_received", "sim_replacement.paying",
    "sim_replacement.paid", "sim.card_to_reader", "sim.writing",
    "sim.dispensing",
]  # fmt: skip
EXPECTED_ACTION = {
    "sim_replacement.started": "cancelled",
    "sim.data_received": "cancelled",
    "sim_replacement.paying": "cancelled",
    "sim_replacement.paid": "voucher",
    "sim.card_to_reader": "voucher_capture_card",
    "sim.writing": "voucher_capture_card",
    "sim.dispensing": "completed",
}


@pytest.mark.parametrize("stop_after", PAID_CASH)
def test_recovery_of_a_paid_replacement_at_each_state(
    rig: Rig, central: Central, stop_after: str
) -> None:
    """GIVEN the kiosk died right after journalling `stop_after` of a replacement paid in
    cash WHEN it boots THEN the notes taken are either delivered with the card (the line
    moved, the fee charged once) or vouchered — never lost."""
    balance_before, _, _ = _line(central)
    with crash_after(rig.journal, stop_after), pytest.raises(SystemExit):
        _replace_paying_cash(rig, (5000,))
    [action] = recover(rig.journal, NOW)
    assert action.action == EXPECTED_ACTION[stop_after]
    assert rig.journal.open_transactions() == []
    assert recover(rig.journal, NOW) == []
    delivered = _deliver(rig.journal, central)
    events = rig.journal.events(rig.flow.txn_id)
    vouchered = sum(p["amount_fen"] for _, _, k, p in events if k == "sim_replacement.voucher")
    credited = sum(p["denomination_fen"] for _, _, k, p in events if k == "cash.note_credited")
    balance, _, moved = _line(central)
    if action.action == "completed":
        [item] = delivered
        assert item.body["paid_fen"] == 5000
        assert [e["amount_fen"] for e in moved] == [FEE]
        assert balance == balance_before + 5000 - FEE
        assert vouchered == 0
    else:
        assert delivered == []
        assert moved == []
        assert vouchered == credited


def test_recovery_while_paying_vouchers_the_notes(rig: Rig) -> None:
    """GIVEN the kiosk died with ¥10 of the ¥20 fee in the cash box WHEN it boots THEN the
    ¥10 is a voucher on the record and the cash box still counts the note."""
    rig.flow.prepare()
    _pay_cash(rig, (1000,))
    [action] = recover(rig.journal, NOW)  # as if the process had died here
    assert action.action == "voucher"
    [(_, _, kind, payload)] = rig.journal.events(rig.flow.txn_id)[-1:]
    assert (kind, payload["amount_fen"]) == ("sim_replacement.voucher", 1000)
    assert rig.journal.cashbox() == {1000: 1}


def test_card_fee_left_open_is_settled_with_the_terminal(rig: Rig) -> None:
    """GIVEN a card payment of the fee whose answer never came WHEN the customer leaves and
    the terminal later says it was approved THEN the kiosk reverses it (in the SIM sale's
    settling round, which the app runs); asking again changes nothing."""
    rig.flow.prepare()
    rig.simulator.scenario = Scenario.TIMEOUT
    rig.simulator.engine.ignore_abort = True
    assert isinstance(rig.flow.pay_card(), CardInDoubt)
    terminal = rig.context.terminal
    assert terminal is not None
    assert sim_sale.settle_open_card_payments(rig.journal, terminal,
                                              paying=rig.context.paying) == []  # fmt: skip
    rig.flow.cancel()
    assert [a.action for a in recover(rig.journal, NOW)] == ["ask_terminal"]
    engine = rig.simulator.engine
    tx = engine.wait_for_payment(1)
    assert tx is not None
    with engine.lock:
        tx.response = engine._approval(tx.request, Scenario.APPROVE)
        assert tx.response.poi_transaction_id is not None
        engine._by_poi[tx.response.poi_transaction_id] = tx
    settled = sim_sale.settle_open_card_payments(rig.journal, terminal)
    assert settled == [(rig.flow.txn_id, "refunded")]
    assert sim_replacement.settle_open_card_payments(rig.journal, terminal) == []
    assert all(a.reversed for a in engine.approvals())
    assert rig.journal.open_transactions() == []
    assert rig.mechanism.dispensed == 0


def test_a_session_that_ends_part_paid_leaves_a_voucher(rig: Rig, api: CentralApi) -> None:
    """GIVEN a replacement opened at the desk, part of its fee in WHEN the session ends (the
    customer walked away) THEN the desk closes it: the notes taken are on a voucher."""
    ctx = rig.context
    parts = DeskParts(
        api=api, journal=rig.journal, printer=rig.printer, metrics=ctx.metrics,
        kiosk_name="测试终端", idle_timeout_s=90, idle_warning_s=20,
        on_storage_failure=ctx.on_storage_failure, kiosk_id="K1", sim_devices=ctx.devices,
        sim_replacement_fee_fen=FEE, acceptor=rig.acceptor,
        denominations_fen=NOTE_DENOMINATIONS_FEN, attach_cash=ctx.attach_cash,
        terminal=ctx.terminal,
    )  # fmt: skip
    desk = CustomerDesk(parts)
    session = desk.start_session()
    session.login_id_card(MSISDN, zhang_san(), date(2026, 11, 22))
    flow = desk.sim_replacement()
    assert (flow.fee_fen, flow.accepts_cash, flow.accepts_card) == (FEE, True, True)
    flow.prepare()
    rig.flow = flow
    _pay_cash(rig, (1000,))
    desk.end_session(EndReason.IDLE_TIMEOUT)
    assert flow.voucher_fen == 1000
    assert rig.journal.open_transactions() == []
    assert "10.00" in rig.printer.last_text()


# --- the state the screens poll -------------------------------------------------------------


def test_state_follows_a_paid_replacement_and_is_safe_to_poll(rig: Rig) -> None:
    """The screens poll `state` from the GUI thread while the flow runs on another: it moves
    NEW → CHECKING → PAYING → PAID → WRITING → DISPENSING → DONE, never backwards."""
    seen: list[State] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            state = rig.flow.state
            if not seen or seen[-1] is not state:
                seen.append(state)
            time.sleep(0.0005)  # the scenario: a watcher sampling the state as a screen would

    during_write: list[State] = []
    real_write = rig.writer.write_blank

    def write(data: Any, adm_key: bytes) -> None:
        during_write.append(rig.flow.state)
        time.sleep(0.05)  # the scenario: a slow write (the watcher samples it meanwhile)
        real_write(data, adm_key)

    rig.writer.write_blank = write  # type: ignore[method-assign]
    assert rig.flow.state is State.NEW
    poller = threading.Thread(target=poll)
    poller.start()
    try:
        rig.flow.prepare()
        assert rig.flow.state is State.PAYING
        _pay_cash(rig, (2000,))
        assert rig.flow.state is State.PAYING
        rig.flow.finish_payment()
        assert rig.flow.state is State.PAID
        rig.flow.run()
    finally:
        stop.set()
        poller.join()
    assert during_write == [State.WRITING]
    assert rig.flow.state is State.DONE
    order = list(State)
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
    assert {State.NEW, State.PAYING, State.WRITING, State.DONE} <= set(seen)  # PAID is brief


def test_state_of_a_free_replacement_and_of_its_failures(rig: Rig, central: Central) -> None:
    free = replace(rig.context, fee_fen=0)
    flow = SimReplacementFlow(free, rig.session)
    flow.prepare()
    assert flow.state is State.CHECKING  # no fee: straight on to the card
    flow.run()
    assert flow.state is State.DONE
    # the card cannot be written: FAILED (nothing paid)
    rig.writer.failures.extend(DriverError("bad", message_key="sim.write_error") for _ in "ab")
    failing = SimReplacementFlow(free, rig.session)
    with pytest.raises(SimIssueFailed):
        failing.run()
    assert failing.state is State.FAILED
    # central refuses: FAILED
    Biz(central).ok("POST", "/v1/customer/logout", session=rig.session.token())
    refused = SimReplacementFlow(free, rig.session)
    with pytest.raises(KioskError):
        refused.run()
    assert refused.state is State.FAILED


def test_state_after_payment_failure_and_cancel(rig: Rig) -> None:
    rig.flow.prepare()
    rig.flow.pay_card()
    rig.writer.failures.extend(DriverError("bad", message_key="sim.write_error") for _ in "ab")
    with pytest.raises(SimIssueFailed):
        rig.flow.run()
    assert rig.flow.state is State.FAILED  # refunded at the terminal, still no card
    cancelled = SimReplacementFlow(rig.context, rig.session)
    cancelled.prepare()
    _pay_cash(replace(rig, flow=cancelled), (1000,))
    cancelled.cancel()
    assert cancelled.state is State.CANCELLED
    assert cancelled.voucher_fen == 1000
