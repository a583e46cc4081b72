"""kiosk.flows.sim_payment on its own: the steps both SIM flows share once money is involved
(the flows' journals, vouchers and slips are proven end to end in test_sim_sale*.py,
test_sim_replacement*.py and test_vouchers.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest

from drivers.errors import DriverError
from drivers.interfaces import (
    CardApproved,
    CardDeclined,
    CardInDoubt,
    CardOutcome,
    CardTerminal,
    PaymentStage,
)
from kiosk.errors import JournalError
from kiosk.flows import card_step, sim_payment
from kiosk.flows.card_step import CardStep
from kiosk.metrics import ServiceMetrics
from tests.kiosk.fakes import RecordingPrinter

AT = datetime(2024, 5, 1, 10, 30)
APPROVED = CardApproved(500, "622848******1234", "UnionPay", "A1", "POI-1")


@dataclass
class Terminal:
    """A card terminal that answers what it is told to (and records reversals)."""

    answer: CardOutcome | None = APPROVED
    status_fails: bool = False
    reverses: bool = True
    reversed: list[tuple[str, int]] = field(default_factory=list)

    def new_service_id(self) -> str:
        return "S1"

    def pay(
        self, amount_fen: int, sale_id: str, service_id: str,
        on_progress: Any = None,
    ) -> CardOutcome:  # fmt: skip
        assert self.answer is not None
        return self.answer

    def status(self, service_id: str) -> CardOutcome | None:
        if self.status_fails:
            raise DriverError("no answer", message_key="card.no_answer")
        return self.answer

    def reverse(self, poi_transaction_id: str, amount_fen: int) -> bool:
        self.reversed.append((poi_transaction_id, amount_fen))
        return self.reverses


@dataclass
class Recorded:
    events: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, kind: str, payload: dict[str, Any], state: str) -> None:
        if self.fail:
            raise JournalError("disk full")
        self.events.append((kind, payload, state))


def _step(terminal: Terminal, record: Recorded, data: dict[str, Any]) -> CardStep:
    return CardStep(cast(CardTerminal, terminal), record, data, paid_state="paid",
                    unpaid_state="agreed")  # fmt: skip


def test_an_approved_card_payment_leaves_paying() -> None:
    paying: set[str] = set()
    record = Recorded()
    stages: list[PaymentStage] = []
    outcome = sim_payment.pay_card(_step(Terminal(), record, {}), paying, "T1", 500,
                                   stages.append)  # fmt: skip
    assert outcome == APPROVED
    assert paying == set()
    assert [kind for kind, _p, _s in record.events] == ["card.requested", "card.approved"]


def test_a_payment_in_doubt_stays_in_paying_until_the_terminal_answers() -> None:
    paying: set[str] = set()
    terminal = Terminal(answer=CardInDoubt("S1"))
    data: dict[str, Any] = {}
    record = Recorded()
    assert isinstance(sim_payment.pay_card(_step(terminal, record, data), paying, "T1", 500,
                                           None), CardInDoubt)  # fmt: skip
    assert paying == {"T1"}
    assert isinstance(sim_payment.ask_card(_step(terminal, record, data), paying, "T1"),
                      CardInDoubt)  # fmt: skip
    assert paying == {"T1"}
    terminal.answer = CardDeclined("insufficient_funds")
    assert sim_payment.ask_card(_step(terminal, record, data), paying, "T1") == terminal.answer
    assert paying == set()


def test_a_payment_that_cannot_be_journalled_leaves_paying() -> None:
    paying: set[str] = set()
    with pytest.raises(JournalError):
        sim_payment.pay_card(_step(Terminal(), Recorded(fail=True), {}), paying, "T1", 500, None)
    assert paying == set()


def test_an_open_payment_the_terminal_cannot_be_asked_about_stays_open() -> None:
    record = Recorded()
    step = _step(Terminal(status_fails=True), record, {"service_id": "S1"})
    assert sim_payment.settle_open(step, "T1", card_step.AUTHORISING) is None
    assert record.events == []


def test_an_open_payment_still_in_doubt_is_journalled_in_doubt_once() -> None:
    record = Recorded()
    terminal = Terminal(answer=CardInDoubt("S1"))
    step = _step(terminal, record, {"service_id": "S1"})
    assert sim_payment.settle_open(step, "T1", card_step.AUTHORISING) is None
    assert record.events == [("card.in_doubt", {"recovered": True}, card_step.IN_DOUBT)]
    assert sim_payment.settle_open(step, "T1", card_step.IN_DOUBT) is None
    assert len(record.events) == 1  # already in doubt: nothing new to say


def test_an_open_payment_the_terminal_never_received_is_settled_as_failed() -> None:
    record = Recorded()
    step = _step(Terminal(answer=None), record, {"service_id": "S1"})
    settled = sim_payment.settle_open(step, "T1", card_step.IN_DOUBT)
    assert settled is not None
    assert not isinstance(settled, CardApproved)
    assert record.events == [("card.failed", {"reason": "never_received", "recovered": True},
                              "agreed")]  # fmt: skip


def test_an_open_payment_approved_meanwhile_is_settled_paid() -> None:
    record = Recorded()
    data: dict[str, Any] = {"service_id": "S1"}
    assert sim_payment.settle_open(_step(Terminal(), record, data), "T1", "x") == APPROVED
    assert record.events[-1][0] == "card.approved"
    assert record.events[-1][2] == "paid"
    assert data["paid_fen"] == 500
    assert data["method"] == "card"


class Closes:
    def __init__(self) -> None:
        self.refunded: list[dict[str, Any]] = []
        self.vouchered: list[dict[str, Any]] = []


def _close(terminal: Terminal | None, data: dict[str, Any], closes: Closes) -> int:
    return sim_payment.close_paid(
        cast(CardTerminal | None, terminal), data, reason="sim.write_failed",
        extra={"captured": True}, refunded=closes.refunded.append,
        voucher=closes.vouchered.append,
    )  # fmt: skip


def test_a_card_payment_is_reversed_rather_than_vouchered() -> None:
    terminal, closes = Terminal(), Closes()
    data = {"paid_fen": 500, "method": "card", "poi_transaction_id": "POI-1"}
    assert _close(terminal, data, closes) == 0
    assert terminal.reversed == [("POI-1", 500)]
    assert closes.refunded == [{"amount_fen": 500, "reason": "sim.write_failed",
                                "captured": True}]  # fmt: skip
    assert closes.vouchered == []


@pytest.mark.parametrize(
    ("terminal", "method"),
    [(Terminal(reverses=False), "card"), (None, "card"), (Terminal(), "cash")],
    ids=["reversal refused", "no terminal", "cash"],
)
def test_money_that_cannot_be_reversed_is_vouchered(terminal: Terminal | None, method: str) -> None:
    closes = Closes()
    data = {"paid_fen": 700, "method": method, "poi_transaction_id": "POI-1"}
    assert _close(terminal, data, closes) == 700
    assert closes.refunded == []
    assert closes.vouchered == [{"amount_fen": 700, "reason": "sim.write_failed",
                                 "captured": True}]  # fmt: skip
    if method == "cash" and terminal is not None:
        assert terminal.reversed == []  # cash is never "reversed" at the card terminal


def _paid_flow(tmp_path: Path, printer: RecordingPrinter | None) -> sim_payment.PaidFlow:
    return sim_payment.PaidFlow("sim.sale", "T1", "K1", "Kiosk One",
                                ServiceMetrics(tmp_path / "m.json"), printer,
                                lambda: AT)  # fmt: skip


def test_a_voucher_ends_failed_with_the_slip(tmp_path: Path) -> None:
    printer = RecordingPrinter()
    paid_flow = _paid_flow(tmp_path, printer)
    data = {"msisdn": "13800138000"}
    sim_payment.failed_after_payment(paid_flow, data, 700, reason="sim.write_failed")
    assert paid_flow.metrics.today()["sim.sale"]["failed"] == 1
    text = printer.last_text()
    assert "VT1" in text  # the voucher's number, as central knows it
    assert "138****8000" in text
    assert "13800138000" not in text
    assert "sim.write_failed" in text


def test_a_reversal_ends_failed_without_a_slip(tmp_path: Path) -> None:
    printer = RecordingPrinter()
    paid_flow = _paid_flow(tmp_path, printer)
    sim_payment.failed_after_payment(paid_flow, {}, 0, reason="sim.write_failed")
    assert paid_flow.metrics.today()["sim.sale"]["failed"] == 1
    assert printer.printed == []


def test_a_printer_fault_or_none_does_not_stop_the_failure(tmp_path: Path) -> None:
    for printer in (RecordingPrinter(fail=True), None):
        paid_flow = _paid_flow(tmp_path, printer)
        sim_payment.failed_after_payment(paid_flow, {}, 700, reason="sim.write_failed")
    assert paid_flow.metrics.today()["sim.sale"]["failed"] == 2
