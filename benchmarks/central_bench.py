"""central's throughput: transactions ingested per second in batches of 100, and heartbeats from
a simulated fleet, against a floor of raw inserts into the same database in the same run.

    .venv/bin/python -m benchmarks.central_bench [--db URL] [--items N] [--kiosks N]
                         [--beat-rounds N] [--clients N] [--rounds N] [--workers N]
                         [--scale-kiosks N] [--scale-seconds S]

The server runs as its own process (`python -m central serve --migrate`, as deployed, with
`--workers`), so the load generator does not share its interpreter. Default storage: a fresh
SQLite file (WAL, synchronous=FULL). `--db postgresql+psycopg://...` measures PostgreSQL (the
database is used as is: give an empty one). Prints a table; asserts nothing.

- ingest: `--items` top-ups as batches of 100 from `--clients` kiosks at once, each kiosk its
  own keep-alive connection; every item is a fresh idempotency key; `--rounds` rounds.
- floor: the same number of rows inserted straight into the same database's tables (a top-up
  row and its idempotency row per item, one transaction per 100), no HTTP, no validation,
  with SQLAlchemy's and the driver's defaults; before and after every ingest round. Each
  round's ratio is taken against the faster floor beside it; the median is printed.
- fleet: `--kiosks` kiosks each sending a heartbeat every 15 s, spread evenly (open loop, as a
  real fleet does), for `--beat-rounds` rounds; latency is measured per request. Then the
  most heartbeats per second `--clients` kiosks get through back to back (closed loop).
- fleet at scale (`--scale-kiosks`, e.g. 10000): each kiosk heartbeats every 30 s and
  delivers a transaction about every 5 minutes, for `--scale-seconds`, from an asyncio
  generator (benchmarks/http_load.py); latency counts from when each request was due.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import requests
from sqlalchemy import create_engine, insert

from benchmarks import http_load
from central.db import SyncRecord, Topup

BATCH = 100
OPS_TOKEN = "bench-ops-token"  # noqa: S105 - a throwaway local server
READY = "central listening on "
BEAT_INTERVAL_S = 15.0


def kiosk_ids(count: int) -> list[str]:
    return [f"B{n:05d}" for n in range(count)]


@contextmanager
def central_process(db_url: str, kiosks: list[str], workers: int = 1) -> Iterator[str]:
    """`python -m central serve` as deployed: schema migrated, kiosks registered from a file,
    the ops token in the environment; `workers` processes on one socket."""
    with tempfile.TemporaryDirectory() as folder:
        kiosks_file = Path(folder) / "kiosks"
        kiosks_file.write_text("".join(f"{k}:token-{k}\n" for k in kiosks), encoding="utf-8")
        args = [sys.executable, "-m", "central", "serve", "--port", "0", "--db", db_url]
        args += ["--migrate", "--kiosks-file", str(kiosks_file), "--log-level", "warning"]
        args += ["--workers", str(workers)]
        env = {**os.environ, "CENTRAL_OPS_TOKEN": OPS_TOKEN}
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith(READY):
                raise SystemExit(f"central did not start: {line!r}")
            yield line[len(READY) :].strip()
        finally:
            proc.terminate()
            proc.wait(30)


def session_for(kiosk: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"X-Kiosk-Id": kiosk, "Authorization": f"Bearer token-{kiosk}"})
    return session


def topup_items(count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    return [
        {
            "key": f"{uuid.uuid4()}:topup",
            "kind": "topup.v1",
            "body": {
                "txn_id": str(uuid.uuid4()),
                "msisdn": "13800138000",
                "amount_fen": 5000,
                "currency": "CNY",
                "method": "cash",
                "created_at": now,
                "offline": False,
            },
        }
        for _ in range(count)
    ]


def ingest(url: str, kiosks: list[str], items: int) -> float:
    """Items per second accepted through POST /v1/sync. The bodies are encoded before the
    clock starts and the answers read with orjson: the load generator shares the machine's
    two cores with central and the database, and a kiosk's CPU is not central's."""
    per_client = items // len(kiosks) // BATCH
    batches = {
        k: [orjson.dumps({"items": topup_items(BATCH)}) for _ in range(per_client)] for k in kiosks
    }

    def run(kiosk: str) -> int:
        session = session_for(kiosk)
        session.headers["Content-Type"] = "application/json"
        done = 0
        for body in batches[kiosk]:
            reply = session.post(f"{url}/v1/sync", data=body, timeout=60)
            reply.raise_for_status()
            done += sum(r["status"] == "accepted" for r in orjson.loads(reply.content)["results"])
        return done

    start = time.perf_counter()
    with ThreadPoolExecutor(len(kiosks)) as pool:
        accepted = sum(pool.map(run, kiosks))
    elapsed = time.perf_counter() - start
    expected = per_client * BATCH * len(kiosks)
    if accepted != expected:
        raise SystemExit(f"only {accepted} of {expected} items accepted")
    return accepted / elapsed


def floor(db_url: str, kiosk: str, items: int) -> float:
    """Rows per second inserted straight into the same tables, 100 per transaction."""
    # SQLAlchemy's and the driver's defaults, not central's engine settings: the floor is the
    # plain way to put these rows in, whatever central tunes for its own statements.
    engine = create_engine(db_url)
    now = datetime.now(UTC)
    try:
        start = time.perf_counter()
        for _ in range(items // BATCH):
            topups, records = [], []
            for item in topup_items(BATCH):
                body = item["body"]
                topups.append({**body, "kiosk_id": kiosk, "received_at": now})
                records.append(
                    {"kiosk_id": kiosk, "key": item["key"], "kind": "topup.v1",
                     "body_sha256": "0" * 64, "result_json": "{}", "processed_at": now}
                )  # fmt: skip
            with engine.begin() as conn:
                conn.execute(insert(Topup), topups)
                conn.execute(insert(SyncRecord), records)
        return (items // BATCH * BATCH) / (time.perf_counter() - start)
    finally:
        engine.dispose()


def beat_body() -> dict[str, Any]:
    return {
        "sent_at": datetime.now(UTC).isoformat(),
        "software_version": "bench",
        "interval_s": int(BEAT_INTERVAL_S),
        "out_of_service": False,
        "devices": [
            {"name": "printer", "level": "ok", "code": "ok", "message_key": "device.ok"},
            {"name": "bill_acceptor", "level": "ok", "code": "ok", "message_key": "device.ok"},
        ],
        "queue": {"pending": 0, "dead": 0, "oldest_pending_age_s": None},
        "cash_box": {"10000": 3, "5000": 1},
        "acked_commands": [],
    }


def fleet_open_loop(url: str, kiosks: list[str], rounds: int) -> list[float]:
    """Latencies (s) of heartbeats sent on a real fleet's schedule: one every 15 s per kiosk."""
    gap = BEAT_INTERVAL_S / len(kiosks)
    schedule = [
        (r * BEAT_INTERVAL_S + i * gap, k) for r in range(rounds) for i, k in enumerate(kiosks)
    ]
    latencies: list[float] = []
    lock = threading.Lock()
    local = threading.local()
    start = time.perf_counter()

    def beat(when: float, kiosk: str) -> None:
        delay = start + when - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if not hasattr(local, "sessions"):
            local.sessions = {}
        session = local.sessions.setdefault(kiosk, session_for(kiosk))
        sent = time.perf_counter()
        reply = session.post(f"{url}/v1/heartbeat", json=beat_body(), timeout=30)
        took = time.perf_counter() - sent
        reply.raise_for_status()
        with lock:
            latencies.append(took)

    with ThreadPoolExecutor(64) as pool:
        for future in [pool.submit(beat, when, kiosk) for when, kiosk in schedule]:
            future.result()
    return latencies


def closed_loop(url: str, kiosks: list[str], seconds: float) -> float:
    """Heartbeats per second with `len(kiosks)` kiosks sending back to back."""
    stop = time.perf_counter() + seconds

    def run(kiosk: str) -> int:
        session, count = session_for(kiosk), 0
        while time.perf_counter() < stop:
            session.post(f"{url}/v1/heartbeat", json=beat_body(), timeout=30).raise_for_status()
            count += 1
        return count

    start = time.perf_counter()
    with ThreadPoolExecutor(len(kiosks)) as pool:
        total = sum(pool.map(run, kiosks))
    return total / (time.perf_counter() - start)


def scale_schedule(
    kiosks: list[str], seconds: float, beat_every_s: float, txn_every_s: float, seed: int = 7
) -> list[http_load.Due]:
    """A fleet's traffic over `seconds`: each kiosk heartbeats every `beat_every_s` from a
    random phase, and delivers a transaction about every `txn_every_s` (exponential gaps) as
    its outbox does: a sync of what is pending, here one item."""
    rng = random.Random(seed)
    due: list[http_load.Due] = []
    body = beat_body()
    for kiosk in kiosks:
        headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer token-{kiosk}"}
        at = rng.uniform(0, beat_every_s)
        while at < seconds:
            due.append(http_load.post(at, "/v1/heartbeat", headers, body, "heartbeat"))
            at += beat_every_s
        at = rng.expovariate(1 / txn_every_s)
        while at < seconds:
            batch = {"items": topup_items(1)}
            due.append(http_load.post(at, "/v1/sync", headers, batch, "sync"))
            at += rng.expovariate(1 / txn_every_s)
    return due


def fleet_at_scale(
    url: str, kiosks: list[str], seconds: float, beat_every_s: float, txn_every_s: float
) -> dict[str, list[http_load.Answer]]:
    """Answers by tag ("heartbeat", "sync") of the fleet's traffic, sent on its schedule."""
    schedule = scale_schedule(kiosks, seconds, beat_every_s, txn_every_s)
    answers = http_load.run(url, schedule, connections=128)
    by_tag: dict[str, list[http_load.Answer]] = {"heartbeat": [], "sync": []}
    for answer in answers:
        by_tag[answer.tag].append(answer)
    return by_tag


def report_scale(by_tag: dict[str, list[http_load.Answer]], kiosks: int, seconds: float) -> None:
    total = sum(len(answers) for answers in by_tag.values())
    row(f"scale: {kiosks} kiosks for {seconds:.0f} s", f"{total / seconds:,.0f} req/s")
    for tag, answers in by_tag.items():
        if not answers:
            continue
        latencies = [a.latency_s for a in answers]
        errors = sum(1 for a in answers if a.status != 200)
        row(f"scale: {tag} ({len(answers)}), p50", f"{statistics.median(latencies) * 1000:.1f} ms")
        row(
            f"scale: {tag}, p99 / max",
            f"{percentile(latencies, 0.99) * 1000:.1f} ms",
            f"max {max(latencies) * 1000:.0f} ms; {errors} errors (target p99 < 200 ms, 0)",
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def row(name: str, value: str, note: str = "") -> None:
    print(f"{name:<44} {value:>14}  {note}")


def timed(label: str, work: Callable[[], Any]) -> Any:
    print(f"... {label}", file=sys.stderr, flush=True)
    return work()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--kiosks", type=int, default=1000)
    parser.add_argument("--beat-rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5, help="ingest rounds between floors")
    parser.add_argument("--workers", type=int, default=1, help="central's worker processes")
    parser.add_argument(
        "--scale-kiosks", type=int, default=0, help="also run the fleet at scale (e.g. 10000)"
    )
    parser.add_argument("--scale-seconds", type=float, default=60.0)
    parser.add_argument("--scale-beat-every", type=float, default=30.0)
    parser.add_argument("--scale-txn-every", type=float, default=300.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db_url = args.db or f"sqlite:///{Path(folder) / 'central.db'}"
        fleet = kiosk_ids(max(args.kiosks, args.scale_kiosks))
        clients = fleet[: args.clients]
        with central_process(db_url, fleet, args.workers) as url:
            # Floor and ingest alternate for `--rounds` rounds, each ratio against the faster
            # of the floors either side of its ingest: one pass of either varied by half on
            # PostgreSQL with the database's own background work (autovacuum, checkpoints),
            # and a slow floor flatters the ratio.
            floors = [timed("floor", lambda: floor(db_url, clients[0], args.items))]
            rates: list[float] = []
            for _ in range(args.rounds):
                rates.append(timed("ingest", lambda: ingest(url, clients, args.items)))
                floors.append(timed("floor", lambda: floor(db_url, clients[0], args.items)))
            lat = timed(
                "fleet", lambda: fleet_open_loop(url, fleet[: args.kiosks], args.beat_rounds)
            )
            beats = timed("closed loop", lambda: closed_loop(url, clients, 5.0))
            scale = None
            if args.scale_kiosks:
                scale = timed(
                    "fleet at scale",
                    lambda: fleet_at_scale(
                        url, fleet[: args.scale_kiosks], args.scale_seconds,
                        args.scale_beat_every, args.scale_txn_every,
                    ),
                )  # fmt: skip
    ratios = sorted(rate / max(floors[n], floors[n + 1]) for n, rate in enumerate(rates))
    rate, base = statistics.median(rates), statistics.median(floors)
    backend = db_url.split(":", 1)[0]
    print(
        f"central_bench on {backend}, {args.workers} worker(s): {args.items} items, "
        f"{args.kiosks} kiosks"
    )
    row("floor: raw inserts, 100 per transaction", f"{base:,.0f} /s", f"median of {len(floors)}")
    row("ingest: POST /v1/sync, batches of 100", f"{rate:,.0f} /s", f"median of {len(rates)}")
    row(
        "ingest ÷ floor (the faster floor beside it)",
        f"{statistics.median(ratios):.2f}",
        f"median; {ratios[0]:.2f}–{ratios[-1]:.2f} (target ≥ 0.6 on PostgreSQL)",
    )
    row(f"fleet: {args.kiosks} kiosks every 15 s, p50", f"{statistics.median(lat) * 1000:.1f} ms")
    row(
        f"fleet: {args.kiosks} kiosks every 15 s, p99",
        f"{percentile(lat, 0.99) * 1000:.1f} ms",
        "(target < 50 ms)",
    )
    row(
        f"heartbeats back to back, {args.clients} kiosks",
        f"{beats:,.0f} /s",
        f"= {beats * BEAT_INTERVAL_S:,.0f} kiosks at 15 s",
    )
    if scale is not None:
        report_scale(scale, args.scale_kiosks, args.scale_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
