"""Cash top-up flow: credit only on vend valid, commit with outbox atomically, receipt last."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.cash_router import CashRouter
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.errors import FlowError, JournalError
from kiosk.flows.topup import (
    State,
    TopUpContext,
    TopUpFlow,
    TopUpLimits,
    TopUpSnapshot,
    outbox_key,
)
from kiosk.journal import Journal
from tests.kiosk.fakes import RecordingPrinter

pytestmark = pytest.mark.timeout(30)


@dataclass
class Harness:
    flow: TopUpFlow
    journal: Journal
    acceptor: SimulatedBillAcceptor
    printer: RecordingPrinter
    snapshots: list[TopUpSnapshot]
    changed: threading.Condition
    storage_failures: list[JournalError]

    def latest(self) -> TopUpSnapshot | None:
        # Read under `changed` only: taking the flow's lock here could deadlock with the
        # acceptor thread, which publishes while holding it.
        return self.snapshots[-1] if self.snapshots else None

    def insert(self, note: int, expect_credited: int) -> None:
        self.acceptor.insert_note(note)
        with self.changed:
            assert self.changed.wait_for(
                lambda: (
                    (snap := self.latest()) is not None
                    and snap.credited_fen == expect_credited
                    and snap.message_key == "topup.note_accepted"
                ),
                timeout=5,
            ), self.latest()

    def wait_message(self, key: str) -> None:
        with self.changed:
            assert self.changed.wait_for(
                lambda: (snap := self.latest()) is not None and snap.message_key == key, 5
            ), self.latest()


def make_harness(
    tmp_path: Path,
    *,
    delivered: dict[str, Any] | None = None,
    max_fen: int = 20000,
    offline_max_fen: int | None = None,
    headroom: list[int] | None = None,
) -> Harness:
    journal = Journal(tmp_path / "kiosk.db")
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    printer = RecordingPrinter()
    snapshots: list[TopUpSnapshot] = []
    changed = threading.Condition()
    failures: list[JournalError] = []

    def listener(snap: TopUpSnapshot) -> None:
        with changed:
            snapshots.append(snap)
            changed.notify_all()

    context = TopUpContext(
        kiosk_id="K1",
        kiosk_name="测试终端",
        journal=journal,
        acceptor=acceptor,
        printer=printer,
        limits=TopUpLimits(max_fen, NOTE_DENOMINATIONS_FEN, offline_max_fen),
        wait_delivered=lambda _key, _timeout: delivered,
        receipt_wait_s=0,
        on_storage_failure=failures.append,
        is_online=lambda: delivered is not None,
        clock=lambda: datetime(2026, 11, 22, 10, 0, 0).astimezone(),
        offline_headroom_fen=(lambda: headroom[0]) if headroom is not None else None,
    )
    flow = TopUpFlow(context, listener)
    router.attach(flow)
    return Harness(flow, journal, acceptor, printer, snapshots, changed, failures)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    made = make_harness(tmp_path, delivered={"status": "credited"})
    yield made
    made.acceptor.close()
    made.journal.close()


def test_happy_path_commits_once_and_prints(harness: Harness) -> None:
    """GIVEN a valid number WHEN ¥50 + ¥100 go in and the customer confirms
    THEN the journal, cash box and outbox agree and the receipt shows ¥150.00."""
    harness.flow.submit_number("13800138000")
    harness.insert(5000, 5000)
    harness.insert(10000, 15000)
    final = harness.flow.confirm()
    assert final.state is State.DONE
    assert final.receipt_printed is True
    assert final.credited_online is True
    assert harness.journal.cashbox() == {5000: 1, 10000: 1}
    kinds = [e[2] for e in harness.journal.events(final.txn_id)]
    assert kinds == [
        "topup.started",
        "cash.stack_intent",  # journalled before STACK goes to the acceptor
        "cash.note_credited",
        "cash.stack_intent",
        "cash.note_credited",
        "topup.committed",
        "receipt.printed",
    ]
    committed = harness.journal.events(final.txn_id)[5][3]
    assert committed == {"amount_fen": 15000, "outbox_key": outbox_key(final.txn_id)}
    text = harness.printer.printed[0].plain_text()
    assert "¥150.00" in text
    assert "138****8000" in text
    assert "13800138000" not in text
    assert "已到账" in text


def test_invalid_number_is_refused(harness: Harness) -> None:
    with pytest.raises(FlowError) as caught:
        harness.flow.submit_number("12345")
    assert caught.value.message_key == "topup.invalid_number"
    assert harness.flow.snapshot.state is State.NUMBER
    assert harness.journal.events() == []


def test_note_over_limit_is_returned_not_credited(tmp_path: Path) -> None:
    made = make_harness(tmp_path, max_fen=10000, delivered=None)
    try:
        made.flow.submit_number("13900139000")
        made.insert(5000, 5000)
        made.acceptor.insert_note(10000)
        made.wait_message("topup.note_over_limit")
        assert made.flow.snapshot.credited_fen == 5000
        assert made.journal.cashbox() == {5000: 1}
        assert made.acceptor.stacked_fen == [5000]
    finally:
        made.acceptor.close()
        made.journal.close()


def test_cancel_is_refused_once_money_is_in(harness: Harness) -> None:
    harness.flow.submit_number("13800138000")
    harness.insert(1000, 1000)
    with pytest.raises(FlowError) as caught:
        harness.flow.cancel()
    assert caught.value.message_key == "topup.cannot_cancel_with_money"
    assert harness.flow.snapshot.state is State.CASH


def test_cancel_without_money_journals_cancelled(harness: Harness) -> None:
    harness.flow.submit_number("13800138000")
    harness.flow.cancel()
    txn = harness.journal.transaction(harness.flow.snapshot.txn_id)
    assert txn is not None
    assert txn.state == "cancelled"
    harness.acceptor.insert_note(1000)  # acceptor is disabled again: the note is refused
    harness.wait_message("topup.note_rejected")
    assert harness.journal.cashbox() == {}


def test_confirm_without_money_is_refused(harness: Harness) -> None:
    harness.flow.submit_number("13800138000")
    with pytest.raises(FlowError):
        harness.flow.confirm()


def test_printer_failure_still_completes_and_says_so(tmp_path: Path) -> None:
    made = make_harness(tmp_path, delivered=None)
    made.printer.fail = True
    try:
        made.flow.submit_number("13800138000")
        made.insert(2000, 2000)
        final = made.flow.confirm()
        assert final.state is State.DONE
        assert final.receipt_printed is False
        assert final.credited_online is False
        assert final.message_key == "topup.done_no_receipt"
        assert made.journal.events(final.txn_id)[-1][2:] == (
            "receipt.failed",
            {"error": "printer.paper_out"},
        )
    finally:
        made.acceptor.close()
        made.journal.close()


def test_journal_failure_puts_flow_in_failed_state(harness: Harness) -> None:
    harness.flow.submit_number("13800138000")
    harness.journal.close()  # every further write fails like a dead disk
    with pytest.raises(JournalError):
        harness.flow.cancel()
    assert harness.flow.snapshot.state is State.FAILED
    assert len(harness.storage_failures) == 1


def test_transition_table_rejects_out_of_order_actions(harness: Harness) -> None:
    with pytest.raises(FlowError):
        harness.flow.confirm()
    harness.flow.submit_number("13800138000")
    with pytest.raises(FlowError):
        harness.flow.submit_number("13800138000")


def test_offline_cap_per_transaction(tmp_path: Path) -> None:
    """GIVEN central unreachable and an offline cap of ¥100 per top-up (¥200 online)
    WHEN ¥50 then ¥100 go in THEN the ¥100 note goes back with the offline reason."""
    made = make_harness(tmp_path, max_fen=20000, offline_max_fen=10000, delivered=None)
    try:
        made.flow.submit_number("13900139000")
        made.insert(5000, 5000)
        made.acceptor.insert_note(10000)
        made.wait_message("topup.note_over_offline_limit")
        assert made.flow.snapshot.credited_fen == 5000
        made.insert(5000, 10000)  # up to the cap is fine
        assert made.journal.cashbox() == {5000: 2}
    finally:
        made.acceptor.close()
        made.journal.close()


def test_offline_cap_in_total_over_unconfirmed_topups(tmp_path: Path) -> None:
    """GIVEN ¥20 of headroom left under the total offline cap WHEN ¥50 goes in THEN it is
    returned; WHEN central's confirmations free headroom THEN the same note is taken."""
    headroom = [2000]
    made = make_harness(
        tmp_path, max_fen=20000, offline_max_fen=10000, delivered=None, headroom=headroom
    )
    try:
        made.flow.submit_number("13900139000")
        made.acceptor.insert_note(5000)
        made.wait_message("topup.note_over_offline_limit")
        made.insert(1000, 1000)
        headroom[0] = 50000
        made.insert(5000, 6000)
    finally:
        made.acceptor.close()
        made.journal.close()


def test_online_ignores_the_offline_cap(tmp_path: Path) -> None:
    made = make_harness(
        tmp_path, max_fen=20000, offline_max_fen=1000, delivered={"status": "credited"},
        headroom=[0],
    )  # fmt: skip
    try:
        made.flow.submit_number("13900139000")
        made.insert(10000, 10000)
    finally:
        made.acceptor.close()
        made.journal.close()
