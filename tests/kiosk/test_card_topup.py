"""Top-up by bank card: the flow against the nexo driver and the terminal simulator over
loopback TCP, and against the reference central through the outbox. Approved, declined,
cancelled, answer lost, an approval that cannot be recorded (reversed), and a kiosk killed with
SIGKILL while the customer was at the terminal (recovered exactly once on the next boot)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import Scenario, TerminalSimulator
from drivers.interfaces import CardApproved, CardCancelled, CardDeclined, CardInDoubt
from kiosk.errors import FlowError, JournalError
from kiosk.flows.card_topup import (
    CardTopUpContext,
    CardTopUpFlow,
    settle_open_payments,
)
from kiosk.flows.topup import outbox_key
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.conftest import KIOSKS, Central
from tests.conftest import REPO
from tests.kiosk.fakes import RecordingPrinter
from tests.support import wait_until

pytestmark = pytest.mark.timeout(90)
NOW = datetime(2026, 11, 22, 10, 30).astimezone()
MSISDN = "13800138000"


@dataclass
class Rig:
    simulator: TerminalSimulator
    terminal: NexoCardTerminal
    journal: Journal
    printer: RecordingPrinter
    context: CardTopUpContext
    failures: list[JournalError]


@pytest.fixture
def rig(tmp_path: Path, nexo_terminal: tuple[TerminalSimulator, NexoCardTerminal]) -> Iterator[Rig]:
    simulator, terminal = nexo_terminal
    journal = Journal(tmp_path / "kiosk.db")
    printer = RecordingPrinter()
    failures: list[JournalError] = []
    context = CardTopUpContext(
        kiosk_id="K1", kiosk_name="测试终端", journal=journal, terminal=terminal,
        printer=printer, metrics=ServiceMetrics(tmp_path / "m.json"), min_fen=100,
        max_fen=100_000, is_online=lambda: True, on_storage_failure=failures.append,
        clock=lambda: NOW,
    )  # fmt: skip
    yield Rig(simulator, terminal, journal, printer, context, failures)
    journal.close()


def _outbox_bodies(journal: Journal) -> list[dict[str, Any]]:
    store = OutboxStore(journal.path)
    try:
        keys = [p["outbox_key"] for _, _, k, p in journal.events() if k == "card.approved"]
        return [item.body for key in keys if (item := store.get(key)) is not None]
    finally:
        store.close()


def test_approved_is_credited_once_with_a_masked_receipt(
    rig: Rig,
    central: Central,
) -> None:
    result = CardTopUpFlow(rig.context).pay(MSISDN, 5000)
    assert result.approved
    assert result.credited_fen == 5000
    [body] = _outbox_bodies(rig.journal)
    assert body["method"] == "card"
    assert body["amount_fen"] == 5000
    text = rig.printer.last_text()
    assert "138****8000" in text
    assert isinstance(result.outcome, CardApproved)
    assert result.outcome.masked_pan in text
    assert "*" in result.outcome.masked_pan
    kinds = [k for _, _, k, _ in rig.journal.events(result.txn_id)]
    assert kinds == ["card.requested", "card.approved", "receipt.printed"]
    store = OutboxStore(rig.journal.path)
    try:
        SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
        item = store.get(outbox_key(result.txn_id))
        assert item is not None
        assert item.state == "acked"
    finally:
        store.close()
    topups = central.topups(msisdn=MSISDN)
    assert [t["amount_fen"] for t in topups] == [5000]


@pytest.mark.parametrize(
    ("scenario", "kind", "outcome"),
    [
        (Scenario.DECLINE, "card.declined", CardDeclined),
        (Scenario.CANCEL, "card.cancelled", CardCancelled),
    ],
)
def test_declined_or_cancelled_moves_no_money(
    rig: Rig, scenario: Scenario, kind: str, outcome: type
) -> None:
    rig.simulator.scenario = scenario
    result = CardTopUpFlow(rig.context).pay(MSISDN, 5000)
    assert isinstance(result.outcome, outcome)
    assert result.credited_fen == 0
    assert [k for _, _, k, _ in rig.journal.events(result.txn_id)][-1] == kind
    assert _outbox_bodies(rig.journal) == []
    assert rig.journal.open_transactions() == []


def test_lost_answer_is_recovered_from_the_terminal(rig: Rig) -> None:
    """The terminal approves and the answer is lost: the driver asks for the status and the
    original approval is credited once."""
    rig.simulator.scenario = Scenario.LOST_AFTER_APPROVAL
    result = CardTopUpFlow(rig.context).pay(MSISDN, 2000)
    assert result.approved
    assert [b["amount_fen"] for b in _outbox_bodies(rig.journal)] == [2000]


def test_an_approval_that_cannot_be_recorded_is_reversed(rig: Rig) -> None:
    """GIVEN the disk fails just as the approval is to be journalled WHEN the terminal approved
    THEN the payment is reversed at the terminal and the kiosk goes out of service."""
    real = rig.journal.record

    def failing(entry: Any) -> int:
        if entry.kind == "card.approved":
            raise JournalError("journal write failed: disk I/O error")
        return real(entry)

    rig.journal.record = failing  # type: ignore[method-assign]
    flow = CardTopUpFlow(rig.context)
    with pytest.raises(JournalError):
        flow.pay(MSISDN, 3000)
    [approved] = rig.simulator.engine.approvals()
    assert approved.reversed
    assert rig.failures


def test_amount_and_number_are_checked_first(rig: Rig) -> None:
    flow = CardTopUpFlow(rig.context)
    with pytest.raises(FlowError) as low:
        flow.pay(MSISDN, 50)
    assert low.value.message_key == "topup.amount_out_of_range"
    with pytest.raises(FlowError) as number:
        flow.pay("12345", 5000)
    assert number.value.message_key == "topup.invalid_number"
    assert rig.journal.events() == []


def test_in_doubt_stays_open_until_the_terminal_answers(rig: Rig) -> None:
    """The terminal takes the payment and never answers: the payment stays open (never
    dropped); once the terminal knows, `settle_open_payments` settles it."""
    rig.simulator.scenario = Scenario.TIMEOUT
    rig.simulator.engine.ignore_abort = True
    result = CardTopUpFlow(rig.context).pay(MSISDN, 1000)
    assert isinstance(result.outcome, CardInDoubt)
    [open_txn] = rig.journal.open_transactions()
    assert open_txn.state == "in_doubt"
    assert recover(rig.journal, NOW)[0].action == "ask_terminal"
    assert rig.journal.open_transactions() != []


_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    from drivers.cardterminal.driver import NexoCardTerminal
    from drivers.cardterminal.transport import transport_for_url
    from kiosk.flows.card_topup import CardTopUpContext, CardTopUpFlow
    from kiosk.journal import Journal
    from kiosk.metrics import ServiceMetrics

    folder, url = Path(sys.argv[1]), sys.argv[2]
    journal = Journal(folder / "kiosk.db")
    terminal = NexoCardTerminal(transport_for_url(url, width=4), sale_id="K1", poi_id="SIMPOI01",
                                payment_timeout_s=60)
    context = CardTopUpContext(
        kiosk_id="K1", kiosk_name="K", journal=journal, terminal=terminal, printer=None,
        metrics=ServiceMetrics(folder / "m.json"), min_fen=100, max_fen=100000,
        is_online=lambda: True, on_storage_failure=lambda exc: None)
    real = journal.record
    def announcing(entry):
        seq = real(entry)
        print("journalled", entry.kind, flush=True)
        return seq
    journal.record = announcing
    CardTopUpFlow(context).pay("13800138000", 8800)
    print("finished", flush=True)
    """
)


def test_kill_9_while_the_customer_is_at_the_terminal(
    rig: Rig,
    tmp_path: Path,
    central: Central,
) -> None:
    """GIVEN a kiosk process that journalled the card request and is waiting for the terminal
    WHEN it is killed with SIGKILL, and the terminal then approves THEN on restart recovery
    leaves the payment open, the terminal is asked, the approval is credited exactly once —
    and asking again changes nothing."""
    rig.simulator.engine.stage_s = 0.5  # the customer is slow: time to kill the kiosk
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tmp_path), rig.simulator.url, str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().split() == ["journalled", "card.requested"]
    assert rig.simulator.engine.wait_for_payment(10) is not None
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL
    child.stdout.close()
    # The terminal goes on without the kiosk (docs/protocols.md#bank-card-terminal-nexo): the
    # customer's card is approved.
    wait_until(rig.simulator.engine.approvals, what="the terminal's approval")
    # Restart: a new journal on the same file, recovery, then the terminal is asked.
    rig.journal.close()
    journal = Journal(tmp_path / "kiosk.db")
    context = CardTopUpContext(**{**rig.context.__dict__, "journal": journal})
    assert [a.action for a in recover(journal, NOW)] == ["ask_terminal"]
    [(txn_id, what)] = settle_open_payments(context)
    assert what == "approved"
    assert settle_open_payments(context) == []  # nothing open any more
    assert journal.open_transactions() == []
    [body] = _outbox_bodies(journal)
    assert body["amount_fen"] == 8800
    kinds = [k for _, _, k, _ in journal.events(txn_id)]
    assert kinds == ["card.requested", "card.approved", "receipt.failed"]
    store = OutboxStore(journal.path)
    try:
        SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
    finally:
        store.close()
    assert [t["amount_fen"] for t in central.topups(msisdn=MSISDN)] == [8800]
    journal.close()
    rig.journal = Journal(tmp_path / "kiosk.db")  # for the fixture's teardown


def test_a_sale_id_never_looks_like_a_card_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal echoes the sale id and refuses any answer holding a Luhn-valid 13-19 digit
    run: ids that look like one are drawn again."""
    import uuid

    from drivers.cardterminal.simulator import TEST_PAN
    from drivers.interfaces.payment import looks_like_card_number
    from kiosk.flows import card_topup

    pan_like = uuid.UUID("aaaa" + TEST_PAN + "bbbbbbbbbbbb")
    assert looks_like_card_number(pan_like.hex)
    draws = iter([pan_like, uuid.UUID(int=0xABCDEF)])
    monkeypatch.setattr(card_topup.uuid, "uuid4", lambda: next(draws))
    assert card_topup.new_sale_id() == uuid.UUID(int=0xABCDEF).hex


def test_a_terminal_leaking_card_data_still_credits_the_approval(rig: Rig) -> None:
    """GIVEN a terminal that approves and answers with a full card number WHEN a customer pays
    THEN the approval stands (the driver strips the number and keeps the masked one) and is
    credited once, the journal holds no card number, and the card service goes out of service
    (issue 18: refusing that answer lost money the customer had paid)."""
    rig.simulator.scenario = Scenario.PAN_LEAK
    result = CardTopUpFlow(rig.context).pay(MSISDN, 4000)
    assert isinstance(result.outcome, CardApproved)
    assert result.credited_fen == 4000
    assert [b["amount_fen"] for b in _outbox_bodies(rig.journal)] == [4000]
    from drivers.cardterminal.simulator import MASKED_PAN, TEST_PAN

    assert result.outcome.masked_pan == MASKED_PAN
    assert TEST_PAN not in repr(rig.journal.events())
    assert not rig.terminal.health().usable
    assert rig.journal.open_transactions() == []


def test_the_periodic_settling_leaves_a_running_payment_to_its_flow(rig: Rig) -> None:
    """GIVEN a customer still at the terminal WHEN the kiosk's periodic check of open card
    payments runs THEN it does not touch that payment (asking and settling it beside its own
    flow could journal the approval twice); the flow then settles it, once."""
    import threading

    rig.simulator.engine.stage_s = 0.3
    flow = CardTopUpFlow(rig.context)
    results: list[Any] = []
    paying = threading.Thread(target=lambda: results.append(flow.pay(MSISDN, 1200)))
    paying.start()
    assert rig.simulator.engine.wait_for_payment(10) is not None
    assert [t.txn_id for t in rig.journal.open_transactions()] == [flow.txn_id]
    assert settle_open_payments(rig.context) == []
    paying.join(30)
    [result] = results
    assert result.approved
    kinds = [k for _, _, k, _ in rig.journal.events(flow.txn_id)]
    assert kinds == ["card.requested", "card.approved", "receipt.printed"]
    assert rig.context.paying == set()


class _Killed(BaseException):
    """The process dies right here (nothing after this line of the flow runs)."""


@pytest.mark.parametrize("purpose_name", ["topup", "bill"])
def test_a_kill_after_the_approval_is_finished_from_the_journal(
    rig: Rig, purpose_name: str
) -> None:
    """GIVEN a card payment whose approval (and its posting) is journalled WHEN the kiosk dies
    before the receipt and boots again THEN recovery and the settling of open payments close
    it from the journal alone: the approval is not recorded a second time (its outbox key is
    taken), not reversed at the terminal, and the boot raises nothing; settling again and a
    late answer from the terminal change nothing."""
    from kiosk.flows import bill_payment
    from kiosk.flows.card_topup import TOPUP, settle

    purpose = TOPUP if purpose_name == "topup" else bill_payment.CARD_PURPOSE
    real = rig.journal.record

    def dying(entry: Any) -> int:
        seq = real(entry)
        if entry.kind == "card.approved":
            raise _Killed
        return seq

    rig.journal.record = dying  # type: ignore[method-assign]
    flow = CardTopUpFlow(rig.context, purpose)
    with pytest.raises(_Killed):
        flow.pay(MSISDN, 2500, extra={"months": []} if purpose_name == "bill" else None)
    rig.journal.record = real  # type: ignore[method-assign]
    [left] = rig.journal.open_transactions()
    assert left.state == "approved"
    assert [a.action for a in recover(rig.journal, NOW)] == ["ask_terminal"]
    purposes = (TOPUP, bill_payment.CARD_PURPOSE)
    assert settle_open_payments(rig.context, purposes) == [(flow.txn_id, "approved")]
    assert settle_open_payments(rig.context, purposes) == []
    # The terminal's answer arriving late (a flow or a settler that asked before): a no-op.
    [approval] = rig.simulator.engine.approvals()
    outcome = rig.terminal.status(flow.service_id)
    assert isinstance(outcome, CardApproved)
    again = settle(rig.context, left, outcome, recovered=True, purpose=purpose)
    assert again.approved
    assert again.credited_fen == 2500
    kinds = [k for _, _, k, _ in rig.journal.events(flow.txn_id)]
    assert kinds == ["card.requested", "card.approved", "receipt.failed"]
    assert rig.journal.open_transactions() == []
    assert not approval.reversed
    assert rig.failures == []
    store = OutboxStore(rig.journal.path)
    try:
        item = store.get(purpose.outbox_key(flow.txn_id))
        assert item is not None
        assert item.body["amount_fen"] == 2500
        assert store.stats().pending == 1  # one posting, queued once
    finally:
        store.close()
