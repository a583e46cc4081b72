"""Disk faults during a cash top-up: the disk fills up, or fsync fails with EIO, while a
customer is at the screen. The kiosk (a child process, tests/reliability/journeys.py) must go
out of service, take no more money (the acceptor disabled, the next customer refused), corrupt
nothing, and once the disk is fixed and the kiosk restarted, every note it stacked before the
fault must be credited (or vouchered).

- Disk full: the data folder is a real tmpfs of 16 MiB, filled to the last byte by a file the
  test writes while the kiosk waits between two journal events.
- EIO on commit: the data folder is on tests/reliability/lazy_fs.py, told to fail every fsync.
  What became of the data that did not sync is the disk's business: it is either lost (the
  machine is then power-cycled: lazy_fs drops it) or written back later (lazy_fs writes it
  out) — both are run.
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.id003.codec import Status
from tests.central.conftest import Central, central, shared_central  # noqa: F401
from tests.reliability.journeys import Books, Life, Rig
from tests.reliability.lazy_fs import LazyMount, unavailable

pytestmark = pytest.mark.timeout(180)

NOTES_FEN = 5000 + 2000 + 1000  # crash_child's cash top-up
# crash_child's cash top-up credits three notes, then commits: the disk breaks after the 3rd
# cash.note_credited (the next write is the commit) or after the 1st (the next is a note's).
NOTE_CREDITED = "cash.note_credited"
AFTER_LAST_NOTE = 3
AFTER_FIRST_NOTE = 1
PROBE_NOTE_FEN = 1000
FIRST_NOTE_FEN, SECOND_NOTE_FEN = 5000, 2000  # crash_child's top-up, in the order inserted


def _mount_tmpfs(where: Path, size: str) -> str | None:
    """Mount a tmpfs on `where`; why not, if it cannot be."""
    if os.geteuid() != 0:
        return "not root: cannot mount a small tmpfs as the data folder"
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return None if done.returncode == 0 else f"mount -t tmpfs failed: {done.stderr.strip()}"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "data"
    why = _mount_tmpfs(data, "16m")
    if why is not None:
        pytest.skip(why)
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


@pytest.fixture
def lazy(tmp_path: Path) -> Iterator[LazyMount]:
    why = unavailable()
    if why is not None:
        pytest.skip(f"no lazy file system: {why}")
    with LazyMount(tmp_path / "disk", tmp_path / "data") as mount:
        yield mount


def _fill(folder: Path) -> Path:
    """Write a file until the file system has not one byte left."""
    filler = folder / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as stream:
        while True:
            try:
                stream.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
        for size in (4096, 512, 1):
            try:
                while True:
                    stream.write(chunk[:size])
            except OSError:
                pass
    return filler


class Probe:
    """What customers meet while the kiosk is out of service (the child still runs): one puts
    a note in at the moment it goes out of service, one a second later.

    Made before the life starts, it counts what the acceptor gave back over the whole life:
    the kiosk says it is out of service as soon as a journal write fails, which can be before
    the customer's note in escrow (its stack intent was that write) has reached the acceptor's
    RETURN. That note is the customer's, given back; the probe's two notes must be too."""

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        acceptor = rig.acceptor
        self._stacked_at_start = len(acceptor.stacked)
        self._returned_at_start = len(acceptor.returned)
        self._rejected_at_start = len(acceptor.rejected)
        self.acceptor_state: Status | None = None
        self.stacked_while_out: list[int] = []
        self.given_back: list[int] = []  # during the life: returned, rejected or never drawn in
        self.customer_unstacked: list[int] = []  # the customer's notes not in the cash box
        self.still_queued: list[int] = []  # never drawn in

    def __call__(self) -> None:
        acceptor = self.rig.acceptor
        before = len(acceptor.stacked_fen)
        acceptor.insert_note(PROBE_NOTE_FEN)  # at once: the inhibit may still be on its way
        time.sleep(1.0)  # the scenario: the next customer comes a second (fifty polls) later
        self.acceptor_state = acceptor.state
        acceptor.insert_note(PROBE_NOTE_FEN)  # a second later: the acceptor must be shut
        time.sleep(0.5)  # the scenario: time for a shut acceptor to (wrongly) take the note
        queued = acceptor.withdraw_queued()
        self.still_queued = queued
        stacked = acceptor.stacked_fen
        self.stacked_while_out = stacked[before:]
        codes = (
            acceptor.returned[self._returned_at_start :]
            + acceptor.rejected[self._rejected_at_start :]
        )
        self.given_back = [acceptor.codes_fen.get(c, 0) for c in codes] + queued
        life = self.rig.lives[-1]  # this one: its lines up to `halted`
        inserted = Counter(
            int(line.split()[1]) for line in life.lines if line.startswith("insert ")
        )
        in_box = Counter(stacked[self._stacked_at_start :])
        self.customer_unstacked = sorted((inserted - in_box).elements())


def _faulted_life(rig: Rig, stop_at: int, fault: Callable[[], object]) -> tuple[Life, Probe]:
    """A cash top-up that waits after its `stop_at`-th journal event while `fault()` breaks the
    disk, then goes on; probed once it is out of service, then killed. `stop_at` counts the
    notes credited."""
    probe = Probe(rig)

    def hold() -> None:
        fault()

    life = rig.life(
        ["topup_cash"], stop_at=stop_at, hold=hold, hold_kind=NOTE_CREDITED, halted=probe
    )
    return life, probe


def _assert_out_of_service(life: Life, probe: Probe) -> None:
    said = [line.split()[0] for line in life.lines]
    assert "out_of_service" in said, life.lines[-8:]
    assert "refused error.out_of_service" in life.lines  # the next customer cannot start
    assert probe.acceptor_state is Status.DISABLED  # the acceptor takes no note
    assert probe.stacked_while_out == []  # no money taken
    # Both probe notes back in the customers' hands, and every note of the customer's that is
    # not in the cash box (a note whose stack intent failed: returned, never stacked).
    expected = Counter([PROBE_NOTE_FEN] * 2 + probe.customer_unstacked)
    assert Counter(probe.given_back) == expected, (probe.given_back, probe.customer_unstacked)
    assert probe.still_queued  # the later one never drawn in: the acceptor is shut
    assert life.killed


def _assert_books(books: Books) -> None:
    assert books.problems() == [], "\n".join(books.problems())
    assert books.integrity == {"kiosk.db": "ok"}
    assert books.chain_ok
    [journey] = books.per_journey
    assert sum(journey.journey.stacked_fen) == NOTES_FEN
    assert journey.credited_fen + journey.vouchered_fen == NOTES_FEN


def test_disk_full_at_the_commit_puts_the_kiosk_out_of_service(
    tmp_path: Path,
    small_disk: Path,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a cash top-up whose three notes are credited WHEN the data folder (a 16 MiB
    tmpfs) fills up before the top-up commits THEN the kiosk goes out of service, its
    acceptor takes no further note and the next customer is refused; once space is freed and
    the kiosk restarts, the three notes are credited at central exactly once and the journal
    and its database are intact."""
    filled: list[Path] = []
    with Rig(tmp_path, central) as rig:
        life, probe = _faulted_life(rig, AFTER_LAST_NOTE, lambda: filled.append(_fill(small_disk)))
        reason = next(line for line in life.lines if line.startswith("out_of_service"))
        filled[0].unlink()  # the technician frees space
        rig.life([])  # the restart: recovery commits the top-up
        books = rig.books()
    print(f"\ndisk full: {reason}")
    _assert_out_of_service(life, probe)
    assert "full" in reason.lower()
    _assert_books(books)


@pytest.mark.parametrize("unsynced", ["lost", "written_back"])
def test_eio_on_commit_puts_the_kiosk_out_of_service(
    unsynced: str,
    tmp_path: Path,
    lazy: LazyMount,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a cash top-up whose three notes are credited WHEN every fsync of the data folder
    fails with EIO from then on THEN the kiosk goes out of service at the top-up's commit, takes
    no further note and refuses the next customer; once the disk is healed (the unsynced data
    lost at a power cycle, or written back) and the kiosk restarts, the three notes are
    credited at central exactly once and nothing is corrupted."""
    with Rig(tmp_path, central) as rig:
        life, probe = _faulted_life(
            rig, AFTER_LAST_NOTE, lambda: lazy.command("fail", "fsync", "EIO")
        )
        failed = lazy.stats()["failed"]
        lazy.command("heal")
        if unsynced == "lost":
            lazy.power_cut_and_reboot()
        else:
            lazy.command("sync")
        rig.life([])
        books = rig.books()
    reason = next(line for line in life.lines if line.startswith("out_of_service"))
    print(f"\nEIO on commit ({unsynced}): {failed} fsyncs failed; {reason}")
    assert failed >= 1
    _assert_out_of_service(life, probe)
    _assert_books(books)


@pytest.mark.parametrize("fault", ["disk_full", "eio_lost"])
def test_a_note_stacked_as_the_disk_fails_is_credited_or_vouchered(
    fault: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    central: Central,  # noqa: F811
) -> None:
    """GIVEN a cash top-up with its first note credited WHEN the disk fails (full, or EIO with
    the unsynced data lost at a power cycle) and the customer's second note arrives THEN the
    kiosk goes out of service and, after the restart, every note the acceptor stacked is
    credited or vouchered (or the second note was given back)."""
    filled: list[Path] = []
    if fault == "disk_full":
        data: Path = request.getfixturevalue("small_disk")

        def break_disk() -> None:
            filled.append(_fill(data))

    else:
        lazy: LazyMount = request.getfixturevalue("lazy")

        def break_disk() -> None:
            lazy.command("fail", "fsync", "EIO")

    with Rig(tmp_path, central) as rig:
        life, probe = _faulted_life(rig, AFTER_FIRST_NOTE, break_disk)
        if filled:
            filled[0].unlink()
        else:
            lazy.command("heal")
            lazy.power_cut_and_reboot()
        rig.life([])
        books = rig.books()
    [journey] = books.per_journey
    print(
        f"\nnote at the fault ({fault}): stacked {journey.journey.stacked_fen}, "
        f"credited {journey.credited_fen}, vouchered {journey.vouchered_fen}; given back "
        f"{probe.given_back} (the customer's {probe.customer_unstacked}, the probe's 2 × "
        f"{PROBE_NOTE_FEN})"
    )
    _assert_out_of_service(life, probe)
    assert books.problems() == [], "\n".join(books.problems())
    if fault == "eio_lost":
        # Every fsync fails from the fault on: the second note's stack intent cannot have been
        # made durable, so STACK must never have gone out for it — it came back.
        assert journey.journey.stacked_fen == [FIRST_NOTE_FEN]
        assert probe.customer_unstacked == [SECOND_NOTE_FEN]
