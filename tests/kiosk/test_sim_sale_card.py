"""SIM sale paid by bank card, through the nexo terminal simulator and the reference central:
approved and sold; declined (pay again, or in cash); failure after payment (card captured, the
payment reversed at the terminal, the number released); an answer in doubt settled later."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from central.business_db import Account, PoolNumber
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from drivers.errors import DriverError
from drivers.interfaces import CardApproved, CardDeclined, CardInDoubt
from kiosk.flows import sim_sale
from kiosk.flows.sim_issue import SimIssueFailed
from kiosk.flows.sim_sale import SimSaleFlow, State
from kiosk.recovery import recover
from tests.central.conftest import Central
from tests.kiosk.test_sim_sale import NOW, Rig, _deliver, _pay, _to_payment, rig  # noqa: F401

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def card_rig(
    rig: Rig,  # noqa: F811
    nexo_terminal: tuple[TerminalSimulator, NexoCardTerminal],
) -> tuple[Rig, TerminalSimulator]:
    terminal = nexo_terminal
    context = replace(rig.context, terminal=terminal[1])
    rig.context = context
    rig.flow = SimSaleFlow(context)
    return rig, terminal[0]


def _approve_late(simulator: TerminalSimulator) -> None:
    """The hung terminal finally approves the payment it was working on (the bank said yes)."""
    engine = simulator.engine
    tx = engine.wait_for_payment(1)
    assert tx is not None
    with engine.lock:
        tx.response = engine._approval(tx.request, Scenario.APPROVE)
        assert tx.response.poi_transaction_id is not None
        engine._by_poi[tx.response.poi_transaction_id] = tx


def test_paid_by_card_the_line_opens_once(
    card_rig: tuple[Rig, TerminalSimulator], central: Central
) -> None:
    sale, simulator = card_rig
    price = _to_payment(sale)
    outcome = sale.flow.pay_card()
    assert isinstance(outcome, CardApproved)
    assert sale.flow.state is State.PAID
    iccid = sale.flow.issue()
    kinds = [k for _, _, k, _ in sale.journal.events(sale.flow.txn_id)]
    assert kinds[2:] == [
        "card.requested",
        "card.approved",
        "sim.data_received",
        "sim.card_to_reader",
        "sim.writing",
        "sim.dispensing",
        "sim_sale.done",
    ]
    [item] = _deliver(sale.journal, central)
    assert (item.kind, item.body["method"], item.body["paid_fen"]) == ("sim_sale.v1", "card", price)
    assert item.result["iccid"] == iccid
    with central.storage.sessions() as session:
        account = session.get(Account, sale.flow._data["msisdn"])
        assert account is not None
        assert account.balance_fen == 0  # the card paid the fee exactly
    assert sale.journal.cashbox() == {}
    assert sale.context.metrics.amounts_today() == {"card": price}
    assert sale.context.paying == set()
    assert "*" in outcome.masked_pan
    assert simulator.engine.approvals()[0].request.amount_fen == price


def test_accepts_card_says_whether_the_sale_has_a_terminal(
    card_rig: tuple[Rig, TerminalSimulator],
) -> None:
    sale, _ = card_rig
    assert sale.flow.accepts_card
    assert not SimSaleFlow(replace(sale.context, terminal=None)).accepts_card


def test_declined_the_customer_can_pay_in_cash_instead(
    card_rig: tuple[Rig, TerminalSimulator],
) -> None:
    sale, simulator = card_rig
    price = _to_payment(sale)
    simulator.scenario = Scenario.DECLINE
    assert isinstance(sale.flow.pay_card(), CardDeclined)
    assert sale.flow.state is State.AGREED
    _pay(sale, price)
    assert sale.flow.finish_payment() >= price
    sale.flow.issue()
    assert sale.flow.state is State.DONE


def test_write_failure_after_card_payment_reverses_it(
    card_rig: tuple[Rig, TerminalSimulator], central: Central
) -> None:
    """GIVEN a sale paid by card WHEN no card can be written THEN the card goes to the reject
    bin, the payment is reversed at the terminal (no voucher needed) and the number is
    released at central."""
    sale, simulator = card_rig
    _to_payment(sale)
    sale.flow.pay_card()
    sale.writer.failures.extend(DriverError("bad", message_key="sim.write_error") for _ in "ab")
    with pytest.raises(SimIssueFailed):
        sale.flow.issue()
    assert sale.mechanism.rejected == 2
    [approval] = simulator.engine.approvals()
    assert approval.reversed
    assert sale.flow.voucher_fen == 0
    kinds = [k for _, _, k, _ in sale.journal.events(sale.flow.txn_id)]
    assert kinds[-1] == "sim_sale.refunded"
    assert sale.journal.open_transactions() == []
    [item] = _deliver(sale.journal, central)
    assert (item.kind, item.result["status"]) == ("sim_release.v1", "released")


def test_cancel_after_card_payment_refunds_it(card_rig: tuple[Rig, TerminalSimulator]) -> None:
    sale, simulator = card_rig
    _to_payment(sale)
    sale.flow.pay_card()
    sale.flow.cancel()
    assert simulator.engine.approvals()[0].reversed
    assert sale.flow.state is State.DONE


def test_in_doubt_is_settled_with_the_terminal_after_the_customer_left(
    card_rig: tuple[Rig, TerminalSimulator], central: Central
) -> None:
    """GIVEN a card payment whose answer never came WHEN the customer walks away and the
    terminal later says it was approved THEN the kiosk reverses it and releases the number;
    asking again changes nothing."""
    sale, simulator = card_rig
    _to_payment(sale)
    simulator.scenario = Scenario.TIMEOUT
    simulator.engine.ignore_abort = True
    assert isinstance(sale.flow.pay_card(), CardInDoubt)
    assert sale.flow.state is State.CARD_IN_DOUBT
    assert sale.context.paying == {sale.flow.txn_id}
    terminal = sale.context.terminal
    assert terminal is not None
    # the customer is still there: the periodic settling leaves the payment to the flow
    assert sim_sale.settle_open_card_payments(sale.journal, terminal,
                                              paying=sale.context.paying) == []  # fmt: skip
    sale.flow.cancel()
    assert sale.context.paying == set()
    assert [a.action for a in recover(sale.journal, NOW)] == ["ask_terminal"]
    _approve_late(simulator)
    settled = sim_sale.settle_open_card_payments(sale.journal, terminal)
    assert settled == [(sale.flow.txn_id, "refunded")]
    assert sim_sale.settle_open_card_payments(sale.journal, terminal) == []
    assert all(a.reversed for a in simulator.engine.approvals())
    [item] = _deliver(sale.journal, central)
    assert item.kind == "sim_release.v1"
    with central.storage.sessions() as session:
        assert list(session.scalars(select(PoolNumber).where(PoolNumber.sold))) == []
