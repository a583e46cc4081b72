"""The outbox's targets, each against a baseline measured in the same run (issue 3):

- durable enqueue rate vs the disk's raw fsync rate (512-byte write + os.fsync), target ≥ 0.80;
- drain rate (due_batch + one settle per 100) with a 50,000-item backlog vs with 1,000,
  target ≥ 0.90;
- a 10,000-item backlog delivered to the reference central (its own process, SQLite, loopback)
  by the real SyncWorker, target ≤ 10 s.

    .venv/bin/python -m benchmarks.queue_targets [--backlog 50000] [--sync-items 10000]

Each measure and its baseline run in alternating rounds (raw fsync / enqueue, small / large
backlog): on a shared machine the disk's speed drifts and stalls within a run, and timing one
after the other would put that into the ratio. The enqueue ratio is the median of the rounds'
ratios (a stall in one round moves it little), with the middle half of the rounds and the ratio
of the totals beside it; so is the drain ratio.

claim+ack against persist-queue is in benchmarks.queue_bench. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import offline_queue
from benchmarks.central_bench import central_process
from benchmarks.queue_bench import bench_body
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker, enqueue

RECORD = b"x" * 512
CLAIM = 100
ROUNDS = 20  # interleaved rounds: the disk's speed drifts while a run lasts
DRAIN_ROUNDS = 15  # 15 x 1,000 of the big backlog: it stays above 35,000 items throughout


def durable_writes(folder: Path, writes: int) -> tuple[float, float, list[float]]:
    """Seconds per raw durable write (512-byte append + os.fsync: the disk's own floor) and per
    durable enqueue (BEGIN IMMEDIATE, enqueue, COMMIT), timed in alternating rounds so that both
    see the same disk; and each round's ratio (raw time / enqueue time)."""
    per_round = max(writes // ROUNDS, 1)
    fd = os.open(folder / "fsync.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    conn = offline_queue.connect(folder / "enqueue.db")
    offline_queue.ensure_schema(conn)
    raw_s = ours_s = 0.0
    ratios = []
    try:
        for round_ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(per_round):
                os.write(fd, RECORD)
                os.fsync(fd)
            raw = time.perf_counter() - start
            start = time.perf_counter()
            for n in range(round_ * per_round, (round_ + 1) * per_round):
                conn.execute("BEGIN IMMEDIATE")
                enqueue(conn, key=f"e{n}", kind="topup.v1", body=bench_body(n))
                conn.execute("COMMIT")
            ours = time.perf_counter() - start
            raw_s, ours_s = raw_s + raw, ours_s + ours
            ratios.append(raw / ours)
    finally:
        conn.close()
        os.close(fd)
    count = per_round * ROUNDS
    return raw_s / count, ours_s / count, ratios


def _topup(n: int, now: str) -> dict[str, object]:
    return {
        "txn_id": f"bench-{n}",
        "msisdn": "13800138000",
        "amount_fen": 5000,
        "currency": "CNY",
        "method": "cash",
        "created_at": now,
        "offline": False,
    }


def backlog(path: Path, count: int) -> None:
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    now = datetime.now(UTC).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    for n in range(count):
        enqueue(conn, key=f"{uuid.uuid4()}:topup", kind="topup.v1", body=_topup(n, now))
    conn.execute("COMMIT")
    conn.close()


def drain(store: OutboxStore, count: int) -> float:
    """Seconds to settle `count` items: due_batch(CLAIM), then one record_outcomes each."""
    start = time.perf_counter()
    done = 0
    while done < count:
        items = store.due_batch(CLAIM)
        store.record_outcomes(acked=[(item.key, {"ok": True}) for item in items])
        done += len(items)
    return time.perf_counter() - start


def drain_rates(
    folder: Path, size: int, drained: int, rounds: int
) -> tuple[float, float, list[float]]:
    """Items per second settled from a backlog of 1,000 (made afresh each round) and from one
    of `size` (`drained` more of it each round), in alternating rounds; and each round's ratio
    (large rate / small rate)."""
    large_path = folder / "large.db"
    backlog(large_path, size)
    large = OutboxStore(large_path)
    small_s = large_s = 0.0
    ratios = []
    try:
        for round_ in range(rounds):
            small_path = folder / f"small{round_}.db"
            backlog(small_path, 1_000)
            small = OutboxStore(small_path)
            try:
                small_round = drain(small, 1_000)
            finally:
                small.close()
            large_round = drain(large, drained)
            small_s, large_s = small_s + small_round, large_s + large_round
            ratios.append((drained / large_round) / (1_000 / small_round))
    finally:
        large.close()
    return rounds * 1_000 / small_s, rounds * drained / large_s, ratios


def sync_to_central(folder: Path, items: int) -> tuple[float, int]:
    """Seconds for the SyncWorker to deliver `items` to the reference central; items acked."""
    path = folder / "sync.db"
    backlog(path, items)
    with central_process(f"sqlite:///{folder / 'central.db'}", ["Q1"]) as url:
        store = OutboxStore(path)
        sender = HttpBatchSender(url, "Q1", "token-Q1")
        worker = SyncWorker(store, sender, batch_size=CLAIM)
        try:
            start = time.perf_counter()
            while worker.run_once().sent:
                pass
            elapsed = time.perf_counter() - start
            acked = store.stats().acked
        finally:
            sender.close()
            store.close()
    return elapsed, acked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=50_000)
    parser.add_argument("--sync-items", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=2_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fsync_s, enqueue_s, ratios = durable_writes(folder, args.writes)
        small, large, drain_ratios = drain_rates(folder, args.backlog, 1_000, DRAIN_ROUNDS)
        sync_s, acked = sync_to_central(folder, args.sync_items)
    print(f"{'measure':<52} {'value':>14}  ratio / target")
    print(f"{'raw fsync: 512-byte write + os.fsync':<52} {1 / fsync_s:>10,.0f} /s")
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"{'durable enqueue (1 transaction each)':<52} {1 / enqueue_s:>10,.0f} /s  "
        f"{statistics.median(ratios):.2f} of raw fsync (target ≥ 0.80)"
    )
    print(
        f"{'':<69}median of {ROUNDS} rounds; middle half "
        f"{quartiles[0]:.2f}–{quartiles[2]:.2f}; totals {fsync_s / enqueue_s:.2f}"
    )
    print(f"{'drain, backlog 1,000':<52} {small:>10,.0f} /s")
    drain_quartiles = statistics.quantiles(drain_ratios, n=4)
    print(
        f"{f'drain, backlog {args.backlog:,} ({DRAIN_ROUNDS} x 1,000 of it)':<52} "
        f"{large:>10,.0f} /s  {statistics.median(drain_ratios):.2f} of the small backlog "
        "(target ≥ 0.90)"
    )
    print(
        f"{'':<69}median of {DRAIN_ROUNDS} rounds; middle half "
        f"{drain_quartiles[0]:.2f}–{drain_quartiles[2]:.2f}; totals {large / small:.2f}"
    )
    print(
        f"{f'{args.sync_items:,} items to the reference central':<52} {sync_s:>12.2f} s  "
        f"{acked:,} acked (target ≤ 10 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
