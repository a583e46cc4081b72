"""The outbox's targets, each against a baseline measured in the same run (issue 3):

- durable enqueue rate vs the disk's raw fsync rate (512-byte write + os.fsync), target ≥ 0.80;
- drain rate (due_batch + one settle per 100) with a 50,000-item backlog vs with 1,000,
  target ≥ 0.90;
- a 10,000-item backlog delivered to the reference central (its own process, SQLite, loopback)
  by the real SyncWorker, target ≤ 10 s.

    .venv/bin/python -m benchmarks.queue_targets [--backlog 50000] [--sync-items 10000]

claim+ack against persist-queue is in benchmarks.queue_bench. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import offline_queue
from benchmarks.central_bench import central_process
from benchmarks.queue_bench import ours_enqueue
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker, enqueue

RECORD = b"x" * 512
CLAIM = 100


def raw_fsync(path: Path, count: int) -> float:
    """Seconds per 512-byte append + os.fsync: the disk's own durable-write floor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        start = time.perf_counter()
        for _ in range(count):
            os.write(fd, RECORD)
            os.fsync(fd)
        return (time.perf_counter() - start) / count
    finally:
        os.close(fd)


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


def drain_rate(path: Path, size: int, drained: int) -> float:
    """Items per second settled from a backlog of `size`, over its first `drained` items."""
    backlog(path, size)
    store = OutboxStore(path)
    try:
        start = time.perf_counter()
        done = 0
        while done < drained:
            items = store.due_batch(CLAIM)
            store.record_outcomes(acked=[(item.key, {"ok": True}) for item in items])
            done += len(items)
        return done / (time.perf_counter() - start)
    finally:
        store.close()


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
        fsync_s = raw_fsync(folder / "fsync.bin", args.writes)
        enqueue_s = ours_enqueue(folder / "enqueue.db", args.writes)
        small = drain_rate(folder / "small.db", 1_000, 1_000)
        large = drain_rate(folder / "large.db", args.backlog, 5_000)
        sync_s, acked = sync_to_central(folder, args.sync_items)
    print(f"{'measure':<52} {'value':>14}  ratio / target")
    print(f"{'raw fsync: 512-byte write + os.fsync':<52} {1 / fsync_s:>10,.0f} /s")
    print(
        f"{'durable enqueue (1 transaction each)':<52} {1 / enqueue_s:>10,.0f} /s  "
        f"{fsync_s / enqueue_s:.2f} of raw fsync (target ≥ 0.80)"
    )
    print(f"{'drain, backlog 1,000':<52} {small:>10,.0f} /s")
    print(
        f"{f'drain, backlog {args.backlog:,} (first 5,000)':<52} {large:>10,.0f} /s  "
        f"{large / small:.2f} of the small backlog (target ≥ 0.90)"
    )
    print(
        f"{f'{args.sync_items:,} items to the reference central':<52} {sync_s:>12.2f} s  "
        f"{acked:,} acked (target ≤ 10 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
