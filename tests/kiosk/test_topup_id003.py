"""The cash top-up over the real ID-003 driver and its pseudo-terminal simulator: the journal's
cash box always equals what the simulator stacked, power cut included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from drivers.id003.codec import Command, Frame
from drivers.id003.link_faults import corrupted
from drivers.id003.simulator import Id003Simulator
from kiosk.cash_router import CashRouter
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.flows.topup import State, TopUpContext, TopUpFlow, TopUpLimits, TopUpSnapshot
from kiosk.journal import Journal
from tests.kiosk.fakes import RecordingPrinter
from tests.support import wait_until
from tests.support.id003 import fast_acceptor

pytestmark = pytest.mark.timeout(60)


class Rig:
    def __init__(self, tmp_path: Path, sim: Id003Simulator) -> None:
        self.sim = sim
        self.journal = Journal(tmp_path / "kiosk.db")
        self.acceptor = fast_acceptor(sim.url)
        self.router = CashRouter()
        self.acceptor.start(self.router.on_event, self.router.escrow_policy)
        self.snapshots: list[TopUpSnapshot] = []
        context = TopUpContext(
            kiosk_id="K1", kiosk_name="测试", journal=self.journal, acceptor=self.acceptor,
            printer=RecordingPrinter(), limits=TopUpLimits(20000, NOTE_DENOMINATIONS_FEN),
            wait_delivered=lambda _k, _t: None, receipt_wait_s=0,
            on_storage_failure=lambda _e: None, is_online=lambda: False,
            clock=lambda: datetime(2026, 11, 22).astimezone(),
        )  # fmt: skip
        self.flow = TopUpFlow(context, self.snapshots.append)
        self.router.attach(self.flow)

    def wait_credited(self, fen: int) -> None:
        wait_until(lambda: self.flow.snapshot.credited_fen == fen, what=f"{fen} fen credited")

    def cash_box_fen(self) -> list[int]:
        return sorted(d for d, n in self.journal.cashbox().items() for _ in range(n))

    def close(self) -> None:
        self.acceptor.close()
        self.journal.close()


@pytest.fixture
def rig(tmp_path: Path, id003_sim: Id003Simulator) -> Iterator[Rig]:
    made = Rig(tmp_path, id003_sim)
    yield made
    made.close()


def test_topup_over_id003(rig: Rig) -> None:
    rig.flow.submit_number("13800138000")
    rig.sim.insert_note(5000)
    rig.wait_credited(5000)
    rig.sim.insert_note(10000)
    rig.wait_credited(15000)
    rig.sim.insert_note(10000)  # would exceed ¥200: the flow returns it in escrow
    wait_until(lambda: rig.sim.returned == [0x66], what="the ¥100 note returned from escrow")
    final = rig.flow.confirm()
    assert final.state is State.DONE
    assert final.credited_fen == 15000
    assert rig.cash_box_fen() == sorted(rig.sim.stacked_fen) == [5000, 10000]


def test_power_cut_while_stacking_still_credits_the_customer(rig: Rig) -> None:
    """GIVEN the acceptor loses power after the stack command WHEN it reports a bill in the
    stacker THEN the customer's note is journalled as credited (flagged power_up)."""
    rig.flow.submit_number("13800138000")
    rig.sim.faults.power_cut_during_stacking = True
    rig.sim.insert_note(2000)
    rig.wait_credited(2000)
    events = rig.journal.events(rig.flow.snapshot.txn_id)
    assert events[-1][2:] == ("cash.note_credited", {"denomination_fen": 2000, "power_up": True})
    assert rig.cash_box_fen() == rig.sim.stacked_fen == [2000]
    assert rig.flow.confirm().credited_fen == 2000


@pytest.mark.parametrize("fault", ["corrupt", "drop"])
def test_a_lost_ack_to_stack_1_still_credits_the_stacked_note(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """GIVEN a cash top-up WHEN only the acceptor's ACK to STACK-1 is corrupted or lost (the
    unit did stack the note) THEN the note in the cash box is credited to the customer — not
    reported returned and then found in the stacker with no credit and no voucher."""
    real = rig.sim._command
    lost: list[Frame] = []

    def command(frame: Frame) -> bytes | None:
        reply = real(frame)
        if frame.command == Command.STACK_1 and not lost and reply is not None:
            lost.append(frame)
            return corrupted(reply) if fault == "corrupt" else None
        return reply

    monkeypatch.setattr(rig.sim, "_command", command)
    rig.flow.submit_number("13800138000")
    rig.sim.insert_note(5000)
    rig.wait_credited(5000)
    assert lost
    assert rig.cash_box_fen() == rig.sim.stacked_fen == [5000]
    events = [kind for _, _, kind, _ in rig.journal.events(rig.flow.snapshot.txn_id)]
    assert "cash.stack_returned" not in events
    assert rig.flow.confirm().credited_fen == 5000
