"""Outbox cost: our offline_queue against persist-queue's SQLiteAckQueue and against the floor
(a bare one-row INSERT + COMMIT into the same kind of SQLite file), measured in ONE process with
the same durability: WAL, synchronous=FULL, one fsync'd transaction per enqueued item.

    .venv/bin/python -m benchmarks.queue_bench [--items N]

--items is the backlog size for the claim and stats measurements (default 50,000); the number
of enqueues timed per contender is --items / 25. Prints a table; asserts nothing.

Notes on fairness, read them with the numbers:
- Our "claim" (OutboxStore.due_batch) is a read: the outbox marks nothing as in flight, a batch
  is settled afterwards by ONE record_outcomes transaction. persist-queue's get() marks each
  item "unack" in its own committed transaction (one fsync per item), and ack() is another one
  per item. So the full-cycle rows (claim 100 + settle 100) are the like-for-like comparison.
- persist-queue's backlog is inserted in one transaction through its own connection and SQL
  (putting 50,000 items one fsync at a time would take minutes); the queue is then reopened.
- persist-queue opens WAL with the library's default synchronous; this benchmark sets
  synchronous=FULL on its connections explicitly.
- persist-queue has no per-item backoff, so the "most items backing off" case has no
  counterpart there.
"""

from __future__ import annotations

import argparse
import pickle
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import offline_queue
from offline_queue import OutboxStore, enqueue

CLAIM = 100  # the sync worker's default batch size
REPEATS = 15  # timed repetitions of each read


def _median_s(action: Callable[[], object], repeats: int = REPEATS) -> float:
    action()  # warm the page cache and the statement cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- the floor ------------------------------------------------------------------------------


def _bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)")
    return conn


def floor_insert(path: Path, count: int) -> float:
    """Seconds per bare one-row INSERT + COMMIT."""
    conn = _bare(path)
    start = time.perf_counter()
    for n in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (payload) VALUES (?)", (f'{{"amount_fen":10000,"n":{n}}}',))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed / count


def floor_read(path: Path, backlog: int) -> float:
    """Seconds to read CLAIM rows in rowid order from a bare table of `backlog` rows."""
    conn = _bare(path)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO t (payload) VALUES (?)",
        ((f'{{"amount_fen":10000,"n":{n}}}',) for n in range(backlog)),
    )
    conn.execute("COMMIT")
    per = _median_s(
        lambda: conn.execute("SELECT id, payload FROM t ORDER BY id LIMIT ?", (CLAIM,)).fetchall()
    )
    conn.close()
    return per


# --- ours -----------------------------------------------------------------------------------


def bench_body(n: int) -> dict[str, Any]:
    """The body of every enqueue the benchmarks time (queue_targets too)."""
    return {"amount_fen": 10000, "msisdn": "13800000000", "n": n}


def ours_enqueue(path: Path, count: int) -> float:
    """Seconds per enqueue, each in its own BEGIN IMMEDIATE ... COMMIT (as the journal does)."""
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    start = time.perf_counter()
    for n in range(count):
        conn.execute("BEGIN IMMEDIATE")
        enqueue(conn, key=f"e{n}", kind="topup.v1", body=bench_body(n))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed / count


def ours_backlog(path: Path, backlog: int, *, backing_off: int, now: float) -> None:
    """`backlog` pending items in one transaction; the first `backing_off` of them (the lowest
    ids) are waiting out a backoff an hour from now, the rest are due."""
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    conn.execute("BEGIN IMMEDIATE")
    for n in range(backlog):
        enqueue(conn, key=f"b{n}", kind="topup.v1", body=bench_body(n), now=now - 60)
    conn.execute(
        "UPDATE outbox SET next_attempt_at = ?, attempts = 3 WHERE id <= ?",
        (now + 3600, backing_off),
    )
    conn.execute("COMMIT")
    conn.close()


def ours_claim(store: OutboxStore, now: float) -> float:
    items: list[offline_queue.OutboxItem] = []

    def claim() -> None:
        items[:] = store.due_batch(CLAIM, now)

    per = _median_s(claim)
    assert len(items) == CLAIM, len(items)
    return per


def ours_cycle(store: OutboxStore, now: float, rounds: int) -> float:
    """Seconds per due_batch(100) + one record_outcomes transaction acking all 100."""
    start = time.perf_counter()
    for _ in range(rounds):
        items = store.due_batch(CLAIM, now)
        store.record_outcomes(acked=[(item.key, {"ok": True}) for item in items], now=now)
    return (time.perf_counter() - start) / rounds


# stats() by scanning, as before task 4 (it also had the outbox_age index, gone since migration
# 4, so its MIN(created_at) is a scan here too).
_OLD_STATS_SQL = "SELECT state, COUNT(*) FROM outbox GROUP BY state"


def stats_before(path: Path) -> float:
    conn = offline_queue.connect(path)
    per = _median_s(
        lambda: (
            conn.execute(_OLD_STATS_SQL).fetchall(),
            conn.execute("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'").fetchall(),
        )
    )
    conn.close()
    return per


# --- persist-queue --------------------------------------------------------------------------


def _pq_open(folder: Path) -> Any:
    from persistqueue import SQLiteAckQueue

    # multithreading=False: one connection; auto_commit=True: every put/get/ack commits.
    queue: Any = SQLiteAckQueue(str(folder), multithreading=False, auto_commit=True)
    for conn in {id(queue._putter): queue._putter, id(queue._getter): queue._getter}.values():
        conn.execute("PRAGMA synchronous=FULL")
    return queue


def pq_enqueue(folder: Path, count: int) -> float:
    queue = _pq_open(folder)
    start = time.perf_counter()
    for n in range(count):
        queue.put({"key": f"e{n}", "kind": "topup.v1", "body": bench_body(n)})
    elapsed = time.perf_counter() - start
    queue.close()
    return elapsed / count


def pq_backlog(folder: Path, backlog: int) -> None:
    queue = _pq_open(folder)
    conn = queue._putter
    with conn:  # one transaction, the library's own INSERT statement
        conn.executemany(
            queue._sql_insert,
            (
                (
                    pickle.dumps({"key": f"b{n}", "kind": "topup.v1", "body": bench_body(n)}),
                    time.time(),
                )
                for n in range(backlog)
            ),
        )
    queue.close()


def pq_claim_and_ack(folder: Path, rounds: int) -> tuple[float, float]:
    """Seconds per get() x 100, and per get() x 100 + ack() x 100, over `rounds` rounds."""
    queue = _pq_open(folder)
    claim_s = cycle_s = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        got = [queue.get(block=False, raw=True) for _ in range(CLAIM)]
        claimed = time.perf_counter()
        for item in got:
            queue.ack(id=item["pqid"])
        done = time.perf_counter()
        claim_s += claimed - start
        cycle_s += done - start
    queue.close()
    return claim_s / rounds, cycle_s / rounds


# --- the report -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:10.3f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000, help="backlog size (default 50000)")
    args = parser.parse_args()
    backlog = max(args.items, 2 * CLAIM * 4)
    writes = max(backlog // 25, 20)
    rounds = 5
    try:
        import persistqueue
    except ImportError:
        print(
            "persist-queue is not installed in this environment; nothing to compare against.\n"
            "Install it with: .venv/bin/pip install persist-queue==1.1.0"
        )
        return 0

    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        now = time.time()

        write_floor = floor_insert(folder / "floor.db", writes)
        ours_put = ours_enqueue(folder / "enqueue.db", writes)
        pq_put = pq_enqueue(folder / "pq-enqueue", writes)
        read_floor = floor_read(folder / "floor-read.db", backlog)

        ours_backlog(folder / "due.db", backlog, backing_off=0, now=now)
        ours_backlog(folder / "backoff.db", backlog, backing_off=backlog - 10 * CLAIM, now=now)
        due_store = OutboxStore(folder / "due.db")
        off_store = OutboxStore(folder / "backoff.db")
        claim_due = ours_claim(due_store, now)
        claim_off = ours_claim(off_store, now)
        old_stats = stats_before(folder / "due.db")
        new_stats = _median_s(lambda: due_store.stats(now))
        cycle = ours_cycle(due_store, now, rounds)
        due_store.close()
        off_store.close()

        pq_backlog(folder / "pq-backlog", backlog)
        pq_claim, pq_cycle = pq_claim_and_ack(folder / "pq-backlog", rounds)

    w, r = "x write floor", "x read floor"
    rows = [
        ("floor: bare INSERT + COMMIT (1 row)", write_floor, f"{1:8.2f} {w}"),
        ("ours: enqueue, 1 txn per item", ours_put, f"{ours_put / write_floor:8.2f} {w}"),
        ("persist-queue: put(), auto_commit", pq_put, f"{pq_put / write_floor:8.2f} {w}"),
        (f"floor: SELECT {CLAIM} rows by rowid", read_floor, f"{1:8.2f} {r}"),
        (f"ours: due_batch({CLAIM}), all due", claim_due, f"{claim_due / read_floor:8.2f} {r}"),
        (
            f"ours: due_batch({CLAIM}), {backlog - 10 * CLAIM} backing off",
            claim_off,
            f"{claim_off / read_floor:8.2f} {r}",
        ),
        (f"persist-queue: get() x {CLAIM}", pq_claim, f"{pq_claim / write_floor:8.2f} {w}"),
        (f"ours: due_batch + settle {CLAIM} (1 txn)", cycle, f"{cycle / write_floor:8.2f} {w}"),
        (f"persist-queue: get + ack x {CLAIM}", pq_cycle, f"{pq_cycle / write_floor:8.2f} {w}"),
        ("stats() by scan: GROUP BY + MIN", old_stats, f"{old_stats / read_floor:8.2f} {r}"),
        ("stats() now", new_stats, f"{new_stats / read_floor:8.2f} {r}"),
    ]
    print(
        f"backlog {backlog} items, {writes} timed enqueues per contender, "
        f"persist-queue {persistqueue.__version__}, SQLite {sqlite3.sqlite_version}, "
        "WAL + synchronous=FULL everywhere"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"{'operation':<{width}}  {'per op':>13}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<{width}}  {_ms(seconds)}  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
