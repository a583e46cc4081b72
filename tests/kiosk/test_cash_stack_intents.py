"""A note in flight when the kiosk dies: the flows journal a stack intent before STACK goes to
the ID-003 acceptor, and on the next boot the cash router's standby (StackIntents) settles an
intent left open from what the acceptor then says — stacked (vend valid for a note the new
driver never escrowed): in the journal's cash box, vouchered to the customer's transaction;
still in escrow (STACK never went out): returned, and the intent closed as returned.

The kiosk's death is a BaseException raised on the acceptor's thread at the exact point (its
driver never runs again); the restart is a new journal connection, recovery, a new driver and
router on the same pseudo-terminal — the simulator, like the hardware, outlives the kiosk."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.id003.codec import Status
from drivers.id003.driver import Id003BillAcceptor
from drivers.id003.simulator import Id003Simulator
from drivers.interfaces import BillEvent, NoteCredited, PowerUpWithNote
from kiosk.cash_router import CashRouter
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.flows.cash_intake import StackIntents
from kiosk.flows.topup import TopUpContext, TopUpFlow, TopUpLimits
from kiosk.journal import Entry, Journal
from kiosk.recovery import recover
from tests.kiosk.fakes import RecordingPrinter
from tests.support import holds_for, wait_until
from tests.support.id003 import fast_acceptor

pytestmark = [
    pytest.mark.timeout(60),
    # the first life's acceptor thread dies by design
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]
MSISDN = "13800138000"


class _Died(BaseException):
    """The kiosk process ends here: the acceptor thread never runs another line."""


def _driver(sim: Id003Simulator) -> Id003BillAcceptor:
    return fast_acceptor(sim.url)  # type: ignore[no-any-return]


class FirstLife:
    """A cash top-up over the real driver, dying at the point `dies_at` chooses."""

    def __init__(self, folder: Path, sim: Id003Simulator) -> None:
        self.journal = Journal(folder / "kiosk.db")
        self.acceptor = _driver(sim)
        self.router = CashRouter()
        self.dead = threading.Event()
        context = TopUpContext(
            kiosk_id="K1", kiosk_name="测试", journal=self.journal, acceptor=self.acceptor,
            printer=RecordingPrinter(), limits=TopUpLimits(20000, NOTE_DENOMINATIONS_FEN),
            wait_delivered=lambda _k, _t: None, receipt_wait_s=0,
            on_storage_failure=lambda _e: None, is_online=lambda: False,
            clock=lambda: datetime(2026, 11, 22).astimezone(),
        )  # fmt: skip
        self.flow = TopUpFlow(context, lambda _snap: None)
        self.router.attach(self.flow)

    def die_on_event(self, kind: type) -> None:
        """Die as the acceptor thread hands this event over (before anything journals it)."""
        real = self.router.on_event

        def on_event(event: BillEvent) -> None:
            if isinstance(event, kind):
                self.dead.set()
                raise _Died
            real(event)

        self.acceptor.start(on_event, self.router.escrow_policy)

    def die_after_journalling(self, kind: str) -> None:
        """Die right after an event of this kind is durable (the harness's stop_at)."""
        real = self.journal.record

        def record(entry: Entry) -> int:
            seq = real(entry)
            if entry.kind == kind:
                self.dead.set()
                raise _Died
            return seq

        self.journal.record = record  # type: ignore[method-assign]
        self.acceptor.start(self.router.on_event, self.router.escrow_policy)

    def close(self) -> None:
        """What the dead process held (its thread is gone)."""
        self.acceptor.close()
        self.journal.close()


def _reboot(folder: Path, sim: Id003Simulator) -> tuple[Journal, Id003BillAcceptor, list[Any]]:
    """The next boot, as KioskApp.start does it: journal, recovery, then the acceptor with the
    router's standby in place before its first poll."""
    sim.reset_line()
    journal = Journal(folder / "kiosk.db")
    recover(journal)
    failures: list[Any] = []
    router = CashRouter(standby=StackIntents(journal, failures.append))
    acceptor = _driver(sim)
    acceptor.start(router.on_event, router.escrow_policy)
    return journal, acceptor, failures


def _cash_box(journal: Journal) -> list[int]:
    return sorted(d for d, n in journal.cashbox().items() for _ in range(n))


def test_a_note_stacking_when_the_kiosk_dies_is_vouchered_on_the_next_boot(
    tmp_path: Path, id003_sim: Id003Simulator
) -> None:
    """GIVEN a top-up whose first note the acceptor is stacking (STACK sent, the intent
    journalled) WHEN the kiosk dies before vend valid is journalled and boots again THEN the
    note is in the journal's cash box, vouchered to the customer's transaction, once."""
    sim = id003_sim
    life = FirstLife(tmp_path, sim)
    life.die_on_event(NoteCredited)
    life.flow.submit_number(MSISDN)
    sim.insert_note(5000)
    wait_until(life.dead.is_set)
    txn = life.flow.snapshot.txn_id
    assert [k for _, _, k, _ in life.journal.events(txn)] == ["topup.started", "cash.stack_intent"]
    assert sim.state is Status.VEND_VALID  # waiting for an ACK that never comes
    life.close()
    journal, acceptor, failures = _reboot(tmp_path, sim)
    try:
        wait_until(lambda: sim.state in (Status.IDLING, Status.DISABLED))
        expected = ["topup.started", "cash.stack_intent", "topup.cancelled", "cash.voucher"]
        wait_until(
            lambda: [k for _, _, k, _ in journal.events(txn)] == expected, what="the voucher"
        )
        # A few more polls: nothing more may happen.
        holds_for(lambda: len(journal.events(txn)) == len(expected), 0.1, "no more events")
        [voucher] = [p for _, _, k, p in journal.events(txn) if k == "cash.voucher"]
        assert voucher["amount_fen"] == 5000
        assert _cash_box(journal) == sim.stacked_fen == [5000]
        assert failures == []
    finally:
        acceptor.close()
        journal.close()


def test_a_note_in_escrow_when_the_kiosk_dies_goes_back_and_the_intent_is_closed(
    tmp_path: Path, id003_sim: Id003Simulator
) -> None:
    """GIVEN the intent to stack a note journalled WHEN the kiosk dies before STACK goes out
    (the note waits in escrow) and boots again THEN the note is returned (no customer), nothing
    enters the cash box and the intent is closed as returned."""
    sim = id003_sim
    life = FirstLife(tmp_path, sim)
    life.die_after_journalling("cash.stack_intent")
    life.flow.submit_number(MSISDN)
    sim.insert_note(5000)
    wait_until(life.dead.is_set)
    txn = life.flow.snapshot.txn_id
    assert sim.state is Status.ESCROW
    life.close()
    journal, acceptor, _failures = _reboot(tmp_path, sim)
    try:
        wait_until(lambda: bool(sim.returned))
        wait_until(lambda: "cash.stack_returned" in [k for _, _, k, _ in journal.events(txn)])
        assert sim.stacked_fen == []
        assert _cash_box(journal) == []
        assert StackIntents(journal, lambda _e: None).open_intent() is None
    finally:
        acceptor.close()
        journal.close()


def test_a_note_credited_before_the_crash_is_not_counted_again(tmp_path: Path) -> None:
    """GIVEN a note credited (its intent closed) whose ACK was lost in the crash WHEN the new
    driver reports the repeated vend valid as a note in the stacker THEN nothing is added."""
    journal = Journal(tmp_path / "kiosk.db")
    try:
        for kind, cash in (("cash.stack_intent", ()), ("cash.note_credited", (2000,))):
            journal.record(Entry("t1", kind, {"denomination_fen": 2000}, "topup.cash", "cash",
                                 {}, cash_in_fen=cash))  # fmt: skip
        standby = StackIntents(journal, lambda _e: None)
        assert standby.open_intent() is None
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        assert [k for _, _, k, _ in journal.events()][-1] == "cash.note_credited"
        assert journal.cashbox() == {2000: 1}
        # An open intent is settled once, however often the evidence repeats.
        journal.record(Entry("t2", "cash.stack_intent", {"denomination_fen": 1000}))
        assert standby.open_intent() is not None
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        assert [k for _, _, k, _ in journal.events("t2")] == ["cash.stack_intent", "cash.voucher"]
        assert journal.cashbox() == {2000: 1, 1000: 1}
    finally:
        journal.close()
