"""A note whose stack intent could not be journalled goes back to the customer, never into the
stacker (issue 11), and the kiosk goes out of service.

`cash.stack_intent` is journalled before STACK goes to the acceptor (StackIntents settles one a
crash left open). If that write fails in any way — the journal's COMMIT failing with a disk I/O
error (what an fsync failing with EIO gives), or an error escaping the journal unwrapped
(sqlite3's own, a KioskError that is not a JournalError, a bug) — the intent is not durable,
or not known to be: the escrowed note must be RETURNed, the kiosk put out of service, and no
later note may retry the journal. Checked over the real ID-003 driver and simulator for the cash
top-up (the acceptor's own log says returned, not stacked), and on CashIntake, which the bill
payment and SIM flows take notes through."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.id003.codec import Status
from drivers.id003.simulator import DEFAULT_CODES_FEN, Id003Simulator
from drivers.interfaces import EscrowDecision
from kiosk.cash_router import CashRouter
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.errors import JournalError, KioskError
from kiosk.flows.cash_intake import STACK_INTENT, CashIntake
from kiosk.flows.topup import State, TopUpContext, TopUpFlow, TopUpLimits
from kiosk.journal import Entry, Journal
from tests.kiosk import test_sim_replacement_fee as fee
from tests.kiosk import test_sim_sale as sale
from tests.kiosk.fakes import RecordingPrinter
from tests.support import wait_until
from tests.support.id003 import fast_acceptor

pytestmark = pytest.mark.timeout(60)

rig_sale = sale.rig  # the SIM flows' rigs, with the reference central
rig_fee = fee.rig
MSISDN = "13800138000"
NOTE_FEN = 5000
CODE = next(code for code, fen in DEFAULT_CODES_FEN.items() if fen == NOTE_FEN)

# How the intent's write fails. "disk_io": the real journal's COMMIT fails as it does when the
# WAL's fsync returns EIO (SQLite rolls the transaction back; the journal raises JournalError).
# The others escape the journal as they are.
FAILURES: dict[str, Exception] = {
    "disk_io": sqlite3.OperationalError("disk I/O error"),
    "sqlite_unwrapped": sqlite3.OperationalError("disk I/O error"),
    "kiosk_error": KioskError("journal write failed: disk I/O error"),
    "bug": ValueError("a journal bug"),
}


class _CommitFails:
    """The journal's connection, whose COMMIT fails while `failing` (SQLite rolls back)."""

    def __init__(self, conn: sqlite3.Connection, error: Exception) -> None:
        self._conn = conn
        self._error = error
        self.failing = False

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if self.failing and sql == "COMMIT":
            raise self._error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _failing_intents(journal: Journal, how: str) -> list[str]:
    """Make every `cash.stack_intent` write fail as `how` says; the kinds attempted, in order."""
    attempted: list[str] = []
    real = journal.record
    commit = _CommitFails(journal._conn, FAILURES[how])
    journal._conn = commit  # type: ignore[assignment]

    def record(entry: Entry) -> int:
        attempted.append(entry.kind)
        if entry.kind != STACK_INTENT:
            return real(entry)
        if how != "disk_io":
            raise FAILURES[how]
        commit.failing = True
        try:
            return real(entry)
        finally:
            commit.failing = False

    journal.record = record  # type: ignore[method-assign]
    return attempted


@pytest.mark.parametrize("how", list(FAILURES))
def test_a_topup_note_whose_intent_fails_is_returned_and_the_kiosk_goes_out_of_service(
    how: str, id003_sim: Id003Simulator, tmp_path: Path
) -> None:
    """GIVEN a cash top-up over the ID-003 driver WHEN journalling a note's stack intent fails
    (`how`) THEN the acceptor returns the note and stacks nothing, the flow fails and the kiosk
    goes out of service (its acceptor disabled), and a later note is returned without another
    journal write."""
    sim = id003_sim
    journal = Journal(tmp_path / "kiosk.db")
    attempted = _failing_intents(journal, how)
    acceptor = fast_acceptor(sim.url)
    failures: list[JournalError] = []

    def out_of_service(error: JournalError) -> None:
        failures.append(error)
        acceptor.disable()  # as KioskApp does

    context = TopUpContext(
        kiosk_id="K1", kiosk_name="测试", journal=journal, acceptor=acceptor,
        printer=RecordingPrinter(), limits=TopUpLimits(20000, NOTE_DENOMINATIONS_FEN),
        wait_delivered=lambda _k, _t: None, receipt_wait_s=0,
        on_storage_failure=out_of_service, is_online=lambda: False,
        clock=lambda: datetime(2026, 11, 22).astimezone(),
    )  # fmt: skip
    flow = TopUpFlow(context, lambda _snap: None)
    router = CashRouter()
    router.attach(flow)
    acceptor.start(router.on_event, router.escrow_policy)
    try:
        flow.submit_number(MSISDN)
        sim.insert_note(NOTE_FEN)
        wait_until(
            lambda: bool(sim.returned or sim.stacked), what="the acceptor to return or stack"
        )
        assert sim.stacked == []  # STACK never went out
        assert sim.returned == [CODE]  # the customer has the note back
        assert flow.snapshot.state is State.FAILED
        assert failures
        assert all(isinstance(f, JournalError) for f in failures)
        wait_until(lambda: sim.state is Status.DISABLED, what="the acceptor to be disabled")
        assert flow.escrow_policy(NOTE_FEN) is EscrowDecision.RETURN  # a note still in the path
        assert attempted == ["topup.started", STACK_INTENT]  # no blind retry of the journal
        kinds = [kind for _, _, kind, _ in journal.events()]
        assert kinds == ["topup.started"]
        assert journal.cashbox() == {}
    finally:
        acceptor.close()
        journal.close()


class _Acceptor:
    """Only what CashIntake asks of an acceptor."""

    def __init__(self) -> None:
        self.enabled = False

    def enable(self, denominations_fen: frozenset[int]) -> None:
        self.enabled = True

    def disable(self) -> None:
        self.enabled = False


@pytest.mark.parametrize(
    "error",
    [
        JournalError("journal write failed: disk I/O error"),
        sqlite3.OperationalError("disk I/O error"),
        KioskError("journal write failed: disk I/O error"),
        ValueError("a journal bug"),
    ],
    ids=["journal_error", "sqlite_unwrapped", "kiosk_error", "bug"],
)
def test_cash_intake_returns_a_note_whose_intent_fails_and_takes_no_more(
    error: Exception,
) -> None:
    """GIVEN a CashIntake (bill payment, SIM sale and replacement) WHEN its flow's intent
    write raises `error` THEN the note goes back, the acceptor is disabled, the kiosk is put out
    of service (by the intake unless the flow reported a JournalError itself), and a later note
    goes back without another write."""
    acceptor = _Acceptor()
    intents: list[str] = []
    reported: list[JournalError] = []

    def record_intent(kind: str, _payload: dict[str, Any]) -> None:
        intents.append(kind)
        raise error

    intake = CashIntake(
        acceptor,  # type: ignore[arg-type]
        due_fen=10000, denominations_fen=NOTE_DENOMINATIONS_FEN, record_note=lambda _f, _p: None,
        record_intent=record_intent, on_storage_failure=reported.append,
    )  # fmt: skip
    intake.start()
    assert intake.escrow_policy(NOTE_FEN) is EscrowDecision.RETURN
    assert not acceptor.enabled
    if isinstance(error, JournalError):
        assert reported == []  # the flow's record_intent has put the kiosk out of service
    else:
        [failure] = reported
        assert isinstance(failure, JournalError)
    assert intake.escrow_policy(NOTE_FEN) is EscrowDecision.RETURN
    assert intents == [STACK_INTENT]
    assert intake.paid_fen == 0
    assert intake.stop() == 0  # nothing left in escrow to wait for


@pytest.mark.parametrize("flow_kind", ["sim_sale", "sim_replacement"])
def test_a_sim_flow_whose_intent_fails_unwrapped_puts_the_kiosk_out_of_service(
    flow_kind: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN a SIM sale, or a SIM replacement with a fee, paying cash WHEN the note's stack
    intent fails with an error the journal did not wrap (a bug, sqlite3's own) THEN the note
    goes back (nothing stacked, nothing paid) and the flow's context is told the storage failed,
    so the kiosk goes out of service — as it is for a JournalError."""
    rig: Any = request.getfixturevalue("rig_sale" if flow_kind == "sim_sale" else "rig_fee")
    reported: list[JournalError] = rig.context.on_storage_failure.__self__
    if flow_kind == "sim_sale":
        sale._to_payment(rig)
    else:
        rig.flow.prepare()
    _failing_intents(rig.journal, "bug")
    intake = rig.flow.start_cash()
    rig.acceptor.insert_note(NOTE_FEN)
    wait_until(lambda: bool(reported), what="the storage failure to be reported")
    [failure] = reported
    assert isinstance(failure, JournalError)
    assert rig.acceptor.stacked_fen == []
    assert intake.paid_fen == 0
    assert fee.FEE > 0  # the replacement rig charges a fee: it takes cash
