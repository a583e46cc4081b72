"""A fleet of simulated kiosks transacting and heartbeating against ONE reference central.

    .venv/bin/python -m benchmarks.fleet_load [--kiosks 200] [--minutes 10] [--txn-every-s 3]
                                              [--beat-every-s 15] [--db URL] [--json PATH]

central runs as its own process (`python -m central serve`, SQLite in WAL mode unless `--db`
names another database), with one token per kiosk. Each simulated kiosk is a thread speaking the
kiosk's real protocols through the kiosk's own code:

- transactions: a cash top-up is enqueued in the kiosk's own outbox file (offline_queue: SQLite,
  synchronous=FULL, `enqueue` in a BEGIN IMMEDIATE transaction as the journal does) and
  delivered by a `SyncWorker` round through `HttpBatchSender` (POST /v1/sync, idempotency key
  made before the first send; items that fail are retried by the worker's backoff);
- heartbeats: the body `kiosk.health_reporter.wire_body` builds from a `HealthSnapshot` (devices,
  queue figures, cash box, today's service counts), POSTed on a `CentralSession`.

Transactions come at random (exponential gaps, mean `--txn-every-s`) and heartbeats every
`--beat-every-s` per kiosk, each kiosk starting at a random phase (open loop, as a fleet does).
At the end every kiosk drains its outbox; then central's record is compared with what the
kiosks generated: every key arrived exactly once (counts and the txn ids, per kiosk), nothing
dead-lettered, every kiosk seen by the fleet view. Prints a table; exits 1 if a transaction
was lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from benchmarks.central_bench import OPS_TOKEN, central_process, kiosk_ids
from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.central_http import CentralSession
from kiosk.health_reporter import HealthSnapshot, QueueFigures, wire_body
from offline_queue import (
    HttpBatchSender,
    ItemOutcome,
    OutboxStore,
    SyncWorker,
    WireItem,
    connect,
    enqueue,
    ensure_schema,
)

DRAIN_S = 120.0  # at most this long to empty every outbox after the run


@dataclass
class Stats:
    """Latencies (s) and errors per request type, shared by all kiosks."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, kind: str, text: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {text[:200]}")


class TimedSender:
    """The real HttpBatchSender, timed."""

    def __init__(self, inner: HttpBatchSender, stats: Stats) -> None:
        self._inner, self._stats = inner, stats

    def send(self, items: Sequence[WireItem]) -> list[ItemOutcome]:
        start = time.perf_counter()
        try:
            outcomes = self._inner.send(items)
        except Exception as exc:
            self._stats.error("sync", f"{type(exc).__name__}: {exc}")
            raise
        self._stats.record("sync", time.perf_counter() - start)
        return outcomes


class SimKiosk:
    def __init__(self, kiosk_id: str, url: str, folder: Path, stats: Stats) -> None:
        self.id = kiosk_id
        self.url = url
        self.stats = stats
        path = folder / f"{kiosk_id}.db"
        self.conn = connect(path)
        ensure_schema(self.conn)
        self.store = OutboxStore(path)
        token = f"token-{kiosk_id}"
        self.worker = SyncWorker(
            self.store,
            TimedSender(HttpBatchSender(url, kiosk_id, token, timeout_s=30), stats),
            batch_size=100,
            backoff_base_s=0.5,
            backoff_max_s=5.0,
        )
        self.session = CentralSession(kiosk_id, token)
        self.txn_ids: list[str] = []
        self.notes = 0
        self.started_at = time.monotonic()

    # --- what the kiosk does ------------------------------------------------------------------

    def transact(self) -> None:
        txn_id = uuid.uuid4().hex
        body = {
            "txn_id": txn_id,
            "msisdn": "13800138000",
            "amount_fen": 5000,
            "currency": "CNY",
            "method": "cash",
            "created_at": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
            "offline": False,
        }
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            enqueue(self.conn, key=f"{txn_id}:topup", kind="topup.v1", body=body)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.txn_ids.append(txn_id)
        self.notes += 1
        self.sync()

    def sync(self) -> None:
        self.worker.run_once()  # the worker's kick after a commit; failures back off

    def beat(self) -> None:
        queue = self.store.stats()
        snapshot = HealthSnapshot(
            software_version="fleet-load",
            out_of_service_reason=None,
            devices={
                "bill_acceptor": HEALTH_OK,
                "printer": DeviceHealth(
                    HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end"
                ),
                "card_terminal": HEALTH_OK,
            },
            queue=QueueFigures(queue.pending, queue.dead, None),
            cash_box={5000: self.notes},
            services={"topup.cash": {"started": self.notes, "completed": self.notes}},
            uptime_s=time.monotonic() - self.started_at,
        )
        body = wire_body(snapshot, datetime.now(UTC), 15, [])
        start = time.perf_counter()
        try:
            reply = self.session.post(f"{self.url}/v1/heartbeat", json=body, timeout=30)
            reply.raise_for_status()
        except requests.RequestException as exc:
            self.stats.error("heartbeat", f"{type(exc).__name__}: {exc}")
            return
        self.stats.record("heartbeat", time.perf_counter() - start)

    def run(self, until: float, txn_every_s: float, beat_every_s: float, seed: int) -> None:
        rng = random.Random(seed)
        now = time.monotonic()
        next_txn = now + rng.expovariate(1 / txn_every_s)
        next_beat = now + rng.uniform(0, beat_every_s)
        while True:
            due = min(next_txn, next_beat)
            retry_at = self.store.next_due_at()
            if retry_at is not None:  # an item backing off after a failure
                due = min(due, now + max(retry_at - time.time(), 0.05))
            if due >= until:
                break
            time.sleep(max(due - time.monotonic(), 0))
            now = time.monotonic()
            try:
                if now >= next_txn:
                    next_txn = now + rng.expovariate(1 / txn_every_s)
                    self.transact()
                elif now >= next_beat:
                    next_beat += beat_every_s
                    self.beat()
                else:
                    self.sync()
            except Exception as exc:  # counted, and the kiosk goes on as a real one would
                self.stats.error("kiosk", f"{type(exc).__name__}: {exc}")

    def drain(self, deadline: float) -> int:
        """Send what is left; the number of items still pending at the deadline."""
        while time.monotonic() < deadline:
            if self.store.stats().pending == 0:
                return 0
            self.sync()
            time.sleep(0.05)
        return self.store.stats().pending

    def close(self) -> None:
        self.session.close()
        self.store.close()
        self.conn.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)] if ordered else 0.0


def central_topups(url: str) -> list[dict[str, Any]]:
    """Every top-up central recorded, paged."""
    rows: list[dict[str, Any]] = []
    after = 0
    headers = {"Authorization": f"Bearer {OPS_TOKEN}"}
    while True:
        reply = requests.get(f"{url}/v1/ops/topups", params={"after_id": after, "limit": 500},
                             headers=headers, timeout=60)  # fmt: skip
        reply.raise_for_status()
        page = reply.json()["topups"]
        if not page:
            return rows
        rows += page
        after = page[-1]["id"]


def fleet_summary(url: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {OPS_TOKEN}"}
    reply = requests.get(f"{url}/v1/ops/fleet", headers=headers, timeout=60)
    reply.raise_for_status()
    fleet: dict[str, Any] = reply.json()
    return fleet


@dataclass
class Report:
    kiosks: int
    seconds: float
    generated: int
    recorded: int
    duplicates: int
    missing: int
    unexpected: int
    left_pending: int
    dead: int
    online: int
    requests: dict[str, dict[str, float]]
    errors: dict[str, int]
    error_samples: list[str]

    @property
    def exactly_once(self) -> bool:
        return (self.generated == self.recorded and not self.duplicates and not self.missing
                and not self.unexpected and not self.left_pending and not self.dead)  # fmt: skip


def compare(generated: set[tuple[str, str]], seen: list[tuple[str, str]]) -> dict[str, int]:
    """(kiosk, txn id) made by the kiosks against those central recorded."""
    return {
        "generated": len(generated),
        "recorded": len(seen),
        "duplicates": len(seen) - len(set(seen)),
        "missing": len(generated - set(seen)),
        "unexpected": len(set(seen) - generated),
    }


def run(
    kiosks: int,
    seconds: float,
    *,
    txn_every_s: float = 3.0,
    beat_every_s: float = 15.0,
    db_url: str | None = None,
    folder: Path | None = None,
) -> Report:
    with tempfile.TemporaryDirectory(prefix="fleet-load-") as tmp:
        work = folder or Path(tmp)
        ids = kiosk_ids(kiosks)
        url_db = db_url or f"sqlite:///{work / 'central.db'}"
        stats = Stats()
        with central_process(url_db, ids) as url:
            fleet = [SimKiosk(k, url, work, stats) for k in ids]
            until = time.monotonic() + seconds
            started = time.perf_counter()
            threads = [
                threading.Thread(target=k.run, args=(until, txn_every_s, beat_every_s, n),
                                 name=k.id, daemon=True)
                for n, k in enumerate(fleet)
            ]  # fmt: skip
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            deadline = time.monotonic() + DRAIN_S
            left = sum(k.drain(deadline) for k in fleet)
            for k in fleet:  # a last beat each: the fleet view then has every kiosk
                k.beat()
            dead = sum(k.store.stats().dead for k in fleet)
            recorded = central_topups(url)
            summary = fleet_summary(url)
            for k in fleet:
                k.close()
        generated = {(k.id, t) for k in fleet for t in k.txn_ids}
        seen = [(r["kiosk_id"], r["txn_id"]) for r in recorded]
        requests_table = {
            kind: {
                "count": len(values),
                "per_s": len(values) / elapsed,
                "p50_ms": percentile(values, 0.50) * 1000,
                "p99_ms": percentile(values, 0.99) * 1000,
                "max_ms": max(values) * 1000 if values else 0.0,
            }
            for kind, values in sorted(stats.latencies.items())
        }
        online = sum(1 for k in summary["kiosks"] if k.get("status") == "online")
        return Report(
            kiosks=kiosks, seconds=elapsed, **compare(generated, seen), left_pending=left,
            dead=dead, online=online, requests=requests_table, errors=dict(stats.errors),
            error_samples=list(stats.error_samples),
        )  # fmt: skip


def print_report(report: Report) -> None:
    print(f"fleet: {report.kiosks} kiosks, {report.seconds:.0f} s against one central")
    print(f"{'request':<12}{'count':>9}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}")  # fmt: skip
    for kind, row in report.requests.items():
        errors = report.errors.get(kind, 0)
        print(f"{kind:<12}{row['count']:>9.0f}{row['per_s']:>9.1f}{row['p50_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{errors:>8}")  # fmt: skip
    other = {k: v for k, v in report.errors.items() if k not in report.requests}
    print(f"transactions: {report.generated} made, {report.generated / report.seconds:.1f}/s; "
          f"central recorded {report.recorded}; duplicates {report.duplicates}, missing "
          f"{report.missing}, unexpected {report.unexpected}, still queued {report.left_pending}, "
          f"dead-lettered {report.dead}")  # fmt: skip
    print(f"fleet view: {report.online} of {report.kiosks} kiosks online; other errors: {other}")
    for sample in report.error_samples:
        print(f"  error: {sample}")
    print("exactly once: " + ("yes" if report.exactly_once else "NO"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--txn-every-s", type=float, default=3.0)
    parser.add_argument("--beat-every-s", type=float, default=15.0)
    parser.add_argument("--db", default=None, help="central's SQLAlchemy URL (default: SQLite)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    report = run(args.kiosks, args.minutes * 60, txn_every_s=args.txn_every_s,
                 beat_every_s=args.beat_every_s, db_url=args.db)  # fmt: skip
    print_report(report)
    if args.json is not None:
        data = {**report.__dict__, "exactly_once": report.exactly_once}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0 if report.exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
