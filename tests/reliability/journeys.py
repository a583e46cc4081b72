"""The crash harness: whole customer journeys in a child kiosk, SIGKILLed at random points.

The parent (a test) owns what outlives a crash of the kiosk software: the reference central,
the ID-003 acceptor simulator on a pseudo-terminal, the nexo card terminal simulator on a
loopback port, and the customer who puts the notes in. The child (tests/reliability/
crash_child.py) is the kiosk core, booted from a config.yaml that points at them, as
`kiosk run` boots. Each child life is one injection: it boots (KioskApp.start — recovery, then
the outbox sync), runs journeys, and is killed at a random moment or right after a random
journal event. The next child is the restart.

The books are then checked from the outside, per journey:

- money in: the notes the acceptor simulator put in its cash box while that journey was the
  customer's (its own log, not the kiosk's) plus the card payments the terminal simulator
  approved for the journey's transaction and did not reverse;
- = money credited at central (its database: top-ups, bill payments, SIM sales by txn_id,
  each exactly once) + money vouchered in the journal;
- the journal's cash box = the acceptor's cash box; the hash chain verifies; every SQLite
  database passes `PRAGMA integrity_check`; no transaction is left open.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from central.business_db import AccountEvent, BillPayment
from central.db import Topup, Voucher
from drivers.cardterminal.simulator import TerminalSimulator
from drivers.id003.codec import Status
from drivers.id003.simulator import Id003Simulator
from kiosk.journal import FINAL_STATES, Journal
from tests.central.conftest import KIOSKS, Central
from tests.conftest import REPO, write_config
from tests.support import wait_until

CARD_JOURNEYS = frozenset({"topup_card", "bill_card"})
CASH_JOURNEYS = frozenset({"topup_cash", "bill_cash", "sim_cash"})


@dataclass
class Journey:
    number: int  # across the whole run
    kind: str
    life: int  # which child ran it
    txn_ids: list[str] = field(default_factory=list)
    stacked_fen: list[int] = field(default_factory=list)  # the acceptor's log, in its window
    outcome: str | None = None  # None: the kiosk died during it


@dataclass
class Life:
    """One child process: one injection (or the final clean boot)."""

    number: int
    stop_at: int
    delay_s: float | None
    killed: bool = False
    events: int = 0
    ready_s: float | None = None  # boot (imports, recovery, sync) took this long
    lines: list[str] = field(default_factory=list)

    @property
    def announced(self) -> list[tuple[int, str, str]]:
        """(seq, txn_id, kind) of every journal event the child said was durable."""
        return [
            (int(words[1]), words[2], words[3])
            for words in (line.split() for line in self.lines)
            if words[0] == "journalled"
        ]


class Rig:
    """Central, devices and customer outside the kiosk; children booted on one data folder."""

    def __init__(self, folder: Path, central: Central, *, pcsc: bool = False) -> None:
        self.folder = folder
        self.central = central
        self.acceptor = Id003Simulator()
        self.terminal = TerminalSimulator("tcp", stage_s=0.01)
        self.journeys: list[Journey] = []
        self.lives: list[Life] = []
        self._window: Journey | None = None  # whose notes the acceptor is stacking now
        self._stacked_seen = 0
        self.pcsc = pcsc
        self._zygote: subprocess.Popen[str] | None = None

    def __enter__(self) -> Rig:
        self._zygote = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.crash_child", "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
        )  # fmt: skip
        assert self._zygote.stdout is not None
        assert self._zygote.stdout.readline().strip() == "serving"
        self.acceptor.start()
        self.terminal.start()
        overrides: dict[str, Any] = {
            "kiosk.id": "K1",
            "central.url": self.central.url,
            "central.token": KIOSKS["K1"],
            "central.embedded": None,
            "sync.idle_poll_s": 0.2,
            "sync.backoff_base_s": 0.05,
            "sync.backoff_max_s": 0.2,
            "sync.receipt_wait_s": 2,
            "devices.bill_acceptor.simulate": False,
            "devices.bill_acceptor.settings.url": self.acceptor.url,
            "devices.bill_acceptor.settings.poll_interval_s": 0.02,
            "devices.card_terminal.simulate": False,
            "devices.card_terminal.settings.port": self.terminal.port,
            "devices.card_terminal.settings.sale_id": "K1",
            "devices.id_card_reader": None,
            "devices.printer.required": False,
        }
        if not self.pcsc:
            overrides["devices.sim_reader"] = None
        self.config = write_config(self.folder, **overrides)
        self.data = self.folder / "data"
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._zygote is not None:
            self._zygote.kill()
            self._zygote.wait(10)
            for stream in (self._zygote.stdin, self._zygote.stdout):
                if stream is not None:
                    stream.close()
        self.terminal.stop()
        self.acceptor.stop()

    # --- the acceptor's own log, attributed to journeys ---------------------------------------

    def _attribute_stacked(self) -> None:
        stacked = self.acceptor.stacked_fen
        new, self._stacked_seen = stacked[self._stacked_seen :], len(stacked)
        if new:
            if self._window is None:
                raise AssertionError(f"notes stacked with no customer: {new}")
            self._window.stacked_fen.extend(new)

    # --- one child life -----------------------------------------------------------------------

    def life(
        self,
        journeys: list[str],
        *,
        stop_at: int = 0,
        delay_s: float | None = None,
        sync_off: bool = False,
        kill_when_acceptor: Status | None = None,
        timeout_s: float = 60.0,
        hold: Callable[[], None] | None = None,
        hold_kind: str | None = None,
        halted: Callable[[], None] | None = None,
    ) -> Life:
        """Boot a kiosk, run `journeys`, kill it after `delay_s` from `ready` or when it froze
        after its `stop_at`-th journal event (neither: let it finish). With `hold`, the child
        waits after its `stop_at`-th event while `hold()` runs (it breaks the disk, say), then
        goes on (`hold_kind`: `stop_at` counts only the events of that kind); it is killed
        once it says `halted` (out of service: `halted()` runs first, while it is still alive)
        or it finishes."""
        life = Life(len(self.lives), stop_at, delay_s)
        self.lives.append(life)
        out = self.folder / f"life-{life.number}.out"
        go = self.folder / f"life-{life.number}.go"
        started = time.monotonic()
        holding = [f"hold={go}", f"hold_kind={hold_kind or ''}"] if hold is not None else []
        pid = self._fork(out, journeys, stop_at, ",".join(["sync_off"] * sync_off + holding))
        lines = _Tail(out)
        kill_at: float | None = None
        current: Journey | None = None
        ended = False
        try:
            while not ended:
                now = time.monotonic()
                if now - started > timeout_s:
                    raise AssertionError(f"child {life.number} hung: {life.lines[-5:]}")
                if kill_at is not None and now >= kill_at:
                    break
                if kill_when_acceptor is not None and self.acceptor.state is kill_when_acceptor:
                    break
                alive = _alive(pid)
                fresh = lines.read()
                if not fresh:
                    ended = not alive  # everything it wrote has been read
                    time.sleep(0.002)  # the read loop's poll: this loop has its own deadline
                for line in fresh:
                    life.lines.append(line)
                    if line == "ready" and delay_s is not None:
                        kill_at = time.monotonic() + delay_s
                    current = self._on_line(life, line.split(), current, started)
                    if _waits_for_kill(life, line, (hold, hold_kind), go, halted):
                        ended = True
                        break
        finally:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
                life.killed = True
                _wait_gone(pid)
        # After every life, not only a killed one: a pty refuses a second parity-only line
        # setting, so the next child could not open the port after a clean finish either.
        self.acceptor.reset_line()
        if not life.killed:
            assert life.lines[-1:] == ["finished"], Path(f"{out}.err").read_text()
        else:
            # The customer still holding notes walks away: none is fed in after the crash.
            self.acceptor.withdraw_queued()
            self._claim_unannounced(current)
        return life

    def _fork(self, out: Path, journeys: list[str], stop_at: int, options: str) -> int:
        zygote = self._zygote
        assert zygote is not None
        assert zygote.stdin is not None
        assert zygote.stdout is not None
        request = [str(out), str(self.config), ",".join(journeys) or ",", str(stop_at)]
        zygote.stdin.write(" ".join([*request, options]) + "\n")
        zygote.stdin.flush()
        return int(zygote.stdout.readline())

    def _on_line(
        self, life: Life, words: list[str], current: Journey | None, started: float
    ) -> Journey | None:
        """What one line of the child means; the journey running after it."""
        if words[0] == "ready":
            life.ready_s = time.monotonic() - started
            self._attribute_stacked()  # boot resolved what the last customer left in
        elif words[0] == "journey":
            self._attribute_stacked()
            current = Journey(len(self.journeys), words[2], life.number)
            self.journeys.append(current)
            self._window = current
        elif words[0] == "insert":
            self.acceptor.insert_note(int(words[1]))
        elif words[0] == "journalled":
            life.events += 1
            txn = words[2]
            # A transaction belongs to the journey that journalled it first: a boot's recovery
            # may finish an earlier journey's transaction (a note's fate settles when the
            # acceptor reports after its power-up) while the next journey is already running.
            if (
                current is not None
                and not txn.startswith("orphan-")
                and all(txn not in journey.txn_ids for journey in self.journeys)
            ):
                current.txn_ids.append(txn)
        elif words[0] == "done" and current is not None:
            current.outcome = words[2]
        return current

    def _claim_unannounced(self, current: Journey | None) -> None:
        """A kill between a journal commit and its `journalled` line: the transaction is in
        the journal but was not announced; it can only be the journey that was running."""
        if current is None:
            return
        known = {t for j in self.journeys for t in j.txn_ids}
        with sqlite3.connect(f"file:{self.data / 'kiosk.db'}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT txn_id FROM txn ORDER BY created_at").fetchall()
        conn.close()
        for (txn,) in rows:
            if txn not in known and not txn.startswith("orphan-"):
                current.txn_ids.append(txn)

    # --- the books --------------------------------------------------------------------------

    def books(self) -> Books:
        """After a clean last boot (recovery and sync done, no child running)."""
        self._attribute_stacked()
        self._window = None
        path = self.data / "kiosk.db"
        integrity = {p.name: _integrity(p) for p in sorted(self.data.glob("*.db"))}
        journal = Journal(path)
        try:
            events = journal.events()
            chain_ok = journal.verify_chain()
            open_txns = [t.txn_id for t in journal.open_transactions()]
            cashbox = Counter({fen: n for fen, n in journal.cashbox().items() if n})
            with sqlite3.connect(path) as conn:
                states = dict(conn.execute("SELECT txn_id, state FROM txn").fetchall())
                pending = conn.execute(
                    "SELECT count(*) FROM outbox WHERE state != 'acked'"
                ).fetchone()[0]
            conn.close()
        finally:
            journal.close()
        return Books(self, events, chain_ok=chain_ok, open_txns=open_txns, cashbox=cashbox,
                     states=states, integrity=integrity, pending=pending)  # fmt: skip


class _Tail:
    """The complete lines a child appended to its output file since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def read(self) -> list[str]:
        try:
            with self.path.open("rb") as stream:
                stream.seek(self._offset)
                chunk = stream.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        return [line.decode().strip() for line in complete if line.strip()]


def _waits_for_kill(
    life: Life,
    line: str,
    hold_at: tuple[Callable[[], None] | None, str | None],
    go: Path,
    halted: Callable[[], None] | None,
) -> bool:
    """Whether the child now waits for its kill: out of service (`halted`; `halted()` runs
    first), or frozen right after its stop_at-th journal event. With `hold`, that event runs
    hold() and the child goes on once `go` exists."""
    if line == "halted":
        if halted is not None:
            halted()
        return True
    hold, kind = hold_at
    if hold is None:
        return bool(life.stop_at) and life.events == life.stop_at
    words = line.split()
    if words[0] != "journalled" or kind not in (None, words[3]):
        return False
    if sum(kind in (None, k) for _, _, k in life.announced) != life.stop_at:
        return False
    hold()
    go.touch()
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, timeout_s: float = 10.0) -> None:
    wait_until(
        lambda: not _alive(pid), timeout_s, f"child {pid} gone after SIGKILL", interval=0.002
    )


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        [result] = conn.execute("PRAGMA integrity_check").fetchone()
    conn.close()
    return str(result)


@dataclass
class JourneyBooks:
    journey: Journey
    money_in_fen: int
    credited_fen: int  # at central, for the journey's transactions
    postings: int  # rows at central for them
    vouchered_fen: int
    notes_journalled_fen: int
    central_vouchered_fen: int = 0  # the vouchers central recorded for them (voucher.v1)

    @property
    def balanced(self) -> bool:
        return self.money_in_fen == self.credited_fen + self.vouchered_fen


class Books:
    def __init__(
        self,
        rig: Rig,
        events: list[tuple[int, str, str, dict[str, Any]]],
        *,
        chain_ok: bool,
        open_txns: list[str],
        cashbox: Counter[int],
        states: dict[str, str],
        integrity: dict[str, str],
        pending: int,
    ) -> None:
        self.chain_ok = chain_ok
        self.open_txns = open_txns
        self.integrity = integrity
        self.states = states
        self.pending_outbox = pending
        self.journal_cashbox = cashbox
        self.acceptor_cashbox = Counter(rig.acceptor.stacked_fen)
        self.orphan_notes_fen = [
            int(p["denomination_fen"]) for _, _, k, p in events if k == "cash.orphan_note"
        ]
        central = _central_postings(rig.central)
        with rig.central.storage.sessions() as session:
            at_central = [(v.txn_id, v.amount_fen) for v in session.scalars(select(Voucher))]
        self.duplicate_postings = {t: n for t, (n, _) in central.items() if n > 1}
        approvals = rig.terminal.engine.approvals()
        self.per_journey: list[JourneyBooks] = []
        for journey in rig.journeys:
            txns = set(journey.txn_ids)
            mine = [(k, p) for _, t, k, p in events if t in txns]
            card_in = sum(
                tx.request.amount_fen
                for tx in approvals
                if tx.request.sale_transaction_id in txns and not tx.reversed
            )
            self.per_journey.append(
                JourneyBooks(
                    journey,
                    money_in_fen=sum(journey.stacked_fen) + card_in,
                    credited_fen=sum(central[t][1] for t in txns if t in central),
                    postings=sum(central[t][0] for t in txns if t in central),
                    vouchered_fen=sum(
                        int(p["amount_fen"]) for k, p in mine if k.endswith(".voucher")
                    ),
                    notes_journalled_fen=sum(
                        int(p["denomination_fen"]) for k, p in mine if k == "cash.note_credited"
                    ),
                    central_vouchered_fen=sum(fen for t, fen in at_central if t in txns),
                )
            )
        # Card payments the terminal approved for no journey the harness saw.
        seen = {t for j in rig.journeys for t in j.txn_ids}
        self.stray_approvals = [
            tx.request.sale_transaction_id
            for tx in approvals
            if tx.request.sale_transaction_id not in seen and not tx.reversed
        ]

    def problems(self) -> list[str]:
        """Everything that is wrong, in words (empty: the books balance)."""
        found = []
        if not self.chain_ok:
            found.append("journal hash chain broken")
        found += [f"{name}: integrity {r}" for name, r in self.integrity.items() if r != "ok"]
        if self.open_txns:
            found.append(f"transactions left open: {self.open_txns}")
        not_final = {t: s for t, s in self.states.items() if s not in FINAL_STATES}
        if not_final:
            found.append(f"transactions not final: {not_final}")
        if self.pending_outbox:
            found.append(f"{self.pending_outbox} outbox items never delivered")
        if self.journal_cashbox != self.acceptor_cashbox:
            found.append(
                f"cash box: journal {dict(self.journal_cashbox)} != acceptor "
                f"{dict(self.acceptor_cashbox)}"
            )
        if self.duplicate_postings:
            found.append(f"posted more than once at central: {self.duplicate_postings}")
        if self.stray_approvals:
            found.append(f"card approvals of no journey: {self.stray_approvals}")
        for jb in self.per_journey:
            j = jb.journey
            if not jb.balanced:
                found.append(
                    f"journey {j.number} {j.kind} (life {j.life}, txns {j.txn_ids}, "
                    f"outcome {j.outcome}): money in {jb.money_in_fen} != credited "
                    f"{jb.credited_fen} + vouchered {jb.vouchered_fen}; notes stacked "
                    f"{j.stacked_fen}, journalled {jb.notes_journalled_fen}"
                )
            if jb.central_vouchered_fen != jb.vouchered_fen:
                found.append(
                    f"journey {j.number} {j.kind}: vouchered {jb.vouchered_fen} in the journal, "
                    f"{jb.central_vouchered_fen} at central"
                )
            if jb.postings > len(j.txn_ids):
                found.append(f"journey {j.number}: {jb.postings} postings")
        return found


def _central_postings(central: Central) -> dict[str, tuple[int, int]]:
    """txn_id → (rows at central, fen credited) over top-ups, bill payments and SIM sales."""
    rows: dict[str, tuple[int, int]] = {}

    def add(txn: str, fen: int) -> None:
        count, total = rows.get(txn, (0, 0))
        rows[txn] = (count + 1, total + fen)

    with central.storage.sessions() as session:
        for topup in session.scalars(select(Topup)):
            add(topup.txn_id, topup.amount_fen)
        for bill in session.scalars(select(BillPayment)):
            add(bill.txn_id, bill.amount_fen)
        for event in session.scalars(select(AccountEvent).where(AccountEvent.kind == "sim_sale")):
            detail = json.loads(event.detail_json)
            add(str(detail["txn_id"]), int(detail["amount_fen"]))
    return rows


def random_batch(rng: random.Random, kinds: list[str], size: int) -> list[str]:
    return [rng.choice(kinds) for _ in range(size)]
