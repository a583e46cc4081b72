"""Crash: whole customer journeys in a child kiosk, SIGKILLed at random points, then restarted.

Each injection is one kiosk life (tests/reliability/journeys.py): boot (recovery, sync), a batch
of journeys (cash top-up with several notes, card top-up, bill payment in cash and by card),
SIGKILL at a random moment after boot or right after a random journal event. The next life is
the restart. After the last injection a clean boot settles everything and the books are
checked from the acceptor's and the card terminal's own logs against the journal and central.

100 injections in CI; KIOSK_SOAK=1 runs 1,000 (`make soak`).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from drivers.id003.codec import Status
from kiosk.journal import Journal
from tests.central.conftest import Central, central, shared_central  # noqa: F401
from tests.reliability.journeys import Rig

SOAK = os.environ.get("KIOSK_SOAK") == "1"
INJECTIONS = 1000 if SOAK else 100
KINDS = ["topup_cash", "bill_cash", "topup_card", "bill_card"]

pytestmark = pytest.mark.timeout(3600 if SOAK else 300)


def test_random_sigkill_during_customer_journeys_keeps_the_books(
    tmp_path: Path,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a kiosk running batches of whole customer journeys against the simulators and the
    reference central WHEN it is SIGKILLed at a random point, INJECTIONS times, each time
    rebooted (recovery, sync) THEN for every journey money in (acceptor's cash box, terminal's
    approvals) = credited at central + vouchered, each posting once, the journal's cash box =
    the acceptor's, the hash chain and every database intact, nothing left open."""
    rng = random.Random(int(os.environ.get("KIOSK_CRASH_SEED", "11")))
    started = time.monotonic()
    with Rig(tmp_path, central) as rig:
        for _ in range(INJECTIONS):
            batch = [rng.choice(KINDS) for _ in range(2)]
            if rng.random() < 0.5:
                rig.life(batch, delay_s=rng.uniform(0.0, 0.8))
            else:
                rig.life(batch, stop_at=rng.randint(1, 8))
        rig.life([])  # the last restart: recovery and sync, no customer
        books = rig.books()
    elapsed = time.monotonic() - started
    killed = sum(life.killed for life in rig.lives)
    problems = books.problems()
    journal = Journal(rig.data / "kiosk.db")
    try:
        kinds = Counter(kind for _, _, kind, _ in journal.events())
    finally:
        journal.close()
    print(
        f"\ncrash harness: {INJECTIONS} injections ({killed} SIGKILLs landed), "
        f"{len(rig.journeys)} journeys, {elapsed:.1f}s; book differences: {len(problems)}; "
        f"notes stacked across a kill (vouchered): {kinds['cash.voucher']}, "
        f"returned after a kill: {kinds['cash.stack_returned']}"
    )
    assert killed >= INJECTIONS * 0.9  # the kills really landed mid-run
    assert len({j.kind for j in rig.journeys}) == len(KINDS)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("kind", ["topup_card", "bill_card"])
def test_kill_after_card_approval_then_reboot(
    kind: str,
    tmp_path: Path,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a card payment whose approval is journalled (event 2: card.approved, with its
    outbox row) WHEN the kiosk is SIGKILLed right then and boots again THEN it boots, the
    approval stands (not reversed) and central is credited exactly once."""
    with Rig(tmp_path, central) as rig:
        life = rig.life([kind], stop_at=2)
        assert life.killed
        assert life.lines[-1].endswith("card.approved")
        rig.life([])  # the reboot
        books = rig.books()
    assert books.problems() == []
    assert [tx.reversed for tx in rig.terminal.engine.approvals()] == [False]


def test_note_stacked_across_a_crash_is_journalled(
    tmp_path: Path,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a cash top-up WHEN the kiosk is SIGKILLed while its first note is stacking (after
    the STACK command, before vend valid is journalled) and boots again THEN the note is in the
    journal's cash box and credited to the customer or vouchered."""
    with Rig(tmp_path, central) as rig:
        life = rig.life(["topup_cash"], kill_when_acceptor=Status.STACKING)
        assert life.killed
        rig.life([])
        books = rig.books()
    assert books.acceptor_cashbox == {5000: 1}
    assert books.problems() == []
