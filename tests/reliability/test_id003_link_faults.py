"""Exhaustive single-fault injection on the ID-003 serial line, with the books checked.

A cash top-up runs over the real driver, the cash router (with its standby that settles stack
intents) and the journal, against the simulator on a pseudo-terminal. One ¥50 note goes in and
exactly one frame of its story is dropped, corrupted (one byte flipped: its CRC fails) or
delayed past the driver's timeout (the line stalls: what follows waits behind it) — every frame,
in each direction, from the poll that first finds the note in escrow to the unit resting again:

- STACK:  escrow → STACK-1 → stacking → vend valid (→ the host's ACK) → stacked → idle;
- RETURN: escrow → RETURN (the top-up's cap is below the note) → returning → idle.

Positions count from that first escrow poll (drivers.id003.link_faults); `CLEAN_*` below is
the fault-free story, checked by its own test, so the matrix provably covers every frame of it.

After each case the books must balance: the journal's cash box (credited and vouchered notes)
equals the notes in the simulator's box, the note is in the box or back with the customer
(never lost in between), what the top-up credited is in the box, and no stack intent is left
open. The driver runs with short timeouts (poll 5 ms, timeout 50 ms), so the whole matrix fits
in `make test`; KIOSK_SOAK=1 adds longer delays and a second note after each fault.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from drivers.id003.codec import Command, Frame, FrameReader, Status
from drivers.id003.driver import Id003BillAcceptor
from drivers.id003.link_faults import Direction, LinkAction, LinkFault
from drivers.id003.simulator import DEFAULT_CODES_FEN, Id003Simulator
from kiosk.cash_router import CashRouter
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.errors import JournalError
from kiosk.flows.cash_intake import StackIntents
from kiosk.flows.topup import TopUpContext, TopUpFlow, TopUpLimits
from kiosk.journal import Journal
from tests.kiosk.fakes import RecordingPrinter
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)

SOAK = os.environ.get("KIOSK_SOAK") == "1"
POLL_S, TIMEOUT_S = 0.005, 0.05
DELAYS_S = (3 * TIMEOUT_S, 12 * TIMEOUT_S) if SOAK else (3 * TIMEOUT_S,)
NOTE_FEN, NOTE_CODE = 5000, 0x65
ESCROW = Frame(Status.ESCROW, bytes((NOTE_CODE,)))
POLL = Frame(Command.STATUS_REQUEST)
ACK = Frame(Command.ACK)

# The fault-free story of one note, frame by frame from the first escrow poll (a new escrow is
# acted on when two polls agree; the end of a returned note likewise).
CLEAN_STACK = {
    Direction.TO_UNIT: [POLL, POLL, Frame(Command.STACK_1), POLL, POLL, ACK, POLL, POLL],
    Direction.TO_HOST: [ESCROW, ESCROW, ACK, Frame(Status.STACKING), Frame(Status.VEND_VALID),
                        Frame(Status.STACKED), Frame(Status.IDLING)],
}  # fmt: skip
CLEAN_RETURN = {
    Direction.TO_UNIT: [POLL, POLL, Frame(Command.RETURN), POLL, POLL, POLL],
    Direction.TO_HOST: [ESCROW, ESCROW, ACK, Frame(Status.RETURNING), Frame(Status.IDLING),
                        Frame(Status.IDLING)],
}  # fmt: skip
STORIES = {"stack": CLEAN_STACK, "return": CLEAN_RETURN}


@dataclass(frozen=True)
class Case:
    story: str
    fault: LinkFault
    delay_s: float = DELAYS_S[0]

    @property
    def id(self) -> str:
        f = self.fault
        what = CLEAN_STACK if self.story == "stack" else CLEAN_RETURN
        frame = what[f.direction][f.position]
        is_status = f.direction is Direction.TO_HOST and frame.command != Command.ACK
        name = Status(frame.command).name if is_status else Command(frame.command).name
        delay = f"-{self.delay_s:g}s" if f.action is LinkAction.DELAY else ""
        return f"{self.story}-{f.direction.value}-{f.position}-{name}-{f.action.value}{delay}"


def _cases() -> list[Case]:
    cases = []
    for story, clean in STORIES.items():
        for direction, frames in clean.items():
            for position in range(len(frames)):
                for action in LinkAction:
                    delays = DELAYS_S if action is LinkAction.DELAY else DELAYS_S[:1]
                    for delay in delays:
                        cases.append(Case(story, LinkFault(direction, position, action), delay))
    return cases


CASES = _cases()


class Kiosk:
    """A cash top-up over the real driver on the simulator's pty, with the journal."""

    def __init__(self, folder: Path, sim: Id003Simulator, story: str) -> None:
        self.sim = sim
        self.journal = Journal(folder / "kiosk.db")
        self.storage_failures: list[JournalError] = []
        self.acceptor = Id003BillAcceptor(sim.url, codes_fen=DEFAULT_CODES_FEN,
                                          poll_interval_s=POLL_S, timeout_s=TIMEOUT_S,
                                          max_silent_polls=3)  # fmt: skip
        self.router = CashRouter(standby=StackIntents(self.journal, self.storage_failures.append))
        cap = 20000 if story == "stack" else NOTE_FEN - 100  # RETURN: the note is over the cap
        context = TopUpContext(
            kiosk_id="K1", kiosk_name="测试", journal=self.journal, acceptor=self.acceptor,
            printer=RecordingPrinter(), limits=TopUpLimits(cap, NOTE_DENOMINATIONS_FEN),
            wait_delivered=lambda _k, _t: None, receipt_wait_s=0,
            on_storage_failure=self.storage_failures.append, is_online=lambda: False,
            clock=lambda: datetime(2026, 11, 22).astimezone(),
        )  # fmt: skip
        self.flow = TopUpFlow(context, lambda _snap: None)
        self.router.attach(self.flow)
        self.acceptor.start(self.router.on_event, self.router.escrow_policy)

    def cash_box_fen(self) -> list[int]:
        return sorted(d for d, n in self.journal.cashbox().items() for _ in range(n))

    def settled(self) -> bool:
        """The unit rests with nothing queued, the driver follows no note, the line is quiet."""
        sim = self.sim
        return (
            sim.state is Status.IDLING
            and not sim._queue
            and self.acceptor._note is None
            and self.flow._in_escrow == 0
        )

    def close(self) -> None:
        self.acceptor.close()
        self.journal.close()


@pytest.fixture
def make_kiosk(tmp_path: Path) -> Iterator[Callable[[str], Kiosk]]:
    made: list[tuple[Kiosk, Id003Simulator]] = []

    def make(story: str) -> Kiosk:
        sim = Id003Simulator(power_off_polls=0)
        sim.start()
        kiosk = Kiosk(tmp_path, sim, story)
        made.append((kiosk, sim))
        kiosk.flow.submit_number("13800138000")  # enables the acceptor
        wait_until(lambda: sim.state is Status.IDLING, what="the acceptor enabled")
        return kiosk

    yield make
    for kiosk, sim in made:
        kiosk.close()
        sim.stop()


def _run_note(kiosk: Kiosk, faults: tuple[LinkFault, ...], delay_s: float) -> None:
    sim = kiosk.sim
    sim.link.arm(*faults, delay_s=delay_s)
    sim.insert_note(NOTE_FEN)
    wait_until(lambda: sim.link.anchored, what="the note in escrow")
    wait_until(kiosk.settled, what="the note settled")
    # The driver confirms a resting unit over two polls; a stalled line may hold one more.
    wait_until(
        lambda: kiosk.acceptor.last_status is Status.IDLING, what="the driver seeing the rest"
    )


def _assert_books_balance(kiosk: Kiosk, notes_in: int) -> None:
    sim = kiosk.sim
    credited = kiosk.flow.snapshot.credited_fen
    assert kiosk.cash_box_fen() == sorted(sim.stacked_fen), "journal cash box ≠ the unit's box"
    assert len(sim.stacked) + len(sim.returned) == notes_in, "a note is neither in nor back"
    assert credited <= sum(sim.stacked_fen), "credited more than is in the box"
    assert StackIntents(kiosk.journal, lambda _e: None).open_intent() is None
    assert kiosk.storage_failures == []


def _decoded(raw: bytes) -> Frame | None:
    frames = FrameReader().feed(raw)
    return frames[0] if frames else None


@pytest.mark.parametrize("story", list(STORIES))
def test_the_clean_story_is_what_the_matrix_walks(make_kiosk: Callable[[str], Kiosk],
                                                   story: str) -> None:  # fmt: skip
    """Without a fault, the frames from the first escrow poll are exactly `STORIES[story]`
    (then idle polls): the matrix below breaks each of them in turn."""
    kiosk = make_kiosk(story)
    _run_note(kiosk, (), 0.0)
    clean = STORIES[story]
    for direction, expected in clean.items():
        seen = [_decoded(raw) for d, raw, _ in kiosk.sim.link.trace if d is direction]
        assert seen[: len(expected)] == expected, direction
    if story == "stack":
        assert kiosk.flow.snapshot.credited_fen == NOTE_FEN
        assert kiosk.sim.stacked_fen == [NOTE_FEN]
    else:
        assert kiosk.flow.snapshot.credited_fen == 0
        assert kiosk.sim.returned == [NOTE_CODE]
    _assert_books_balance(kiosk, 1)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_broken_frame_never_unbalances_the_books(
    make_kiosk: Callable[[str], Kiosk], case: Case
) -> None:
    kiosk = make_kiosk(case.story)
    _run_note(kiosk, (case.fault,), case.delay_s)
    assert kiosk.sim.link.applied == [case.fault], "the fault never hit its frame"
    _assert_books_balance(kiosk, 1)
    if case.story == "stack":  # a lost frame is retried: the customer's note still counts
        assert kiosk.flow.snapshot.credited_fen == NOTE_FEN
    else:
        assert kiosk.flow.snapshot.credited_fen == 0
        assert kiosk.sim.returned == [NOTE_CODE]
    if SOAK:  # and the acceptor goes on: a second note, no fault
        kiosk.sim.link.disarm()
        kiosk.sim.insert_note(1000)
        wait_until(
            lambda: len(kiosk.sim.stacked) + len(kiosk.sim.returned) == 2, what="second note"
        )
        wait_until(kiosk.settled, what="the second note settled")
        _assert_books_balance(kiosk, 2)


def test_the_matrix_is_exhaustive() -> None:
    """Every frame of both stories, both directions, every action: the count README reports."""
    per_delay = len(DELAYS_S)
    frames = sum(len(f) for story in STORIES.values() for f in story.values())
    assert len(CASES) == frames * (2 + per_delay)
    assert len({c.id for c in CASES}) == len(CASES)
