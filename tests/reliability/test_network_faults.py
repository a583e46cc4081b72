"""Network faults between the kiosk's outbox and the reference central: delays, drops, resets
after central processed the request, 503s, truncated JSON, and central away for hours of
(simulated) time — during a stream of top-ups. Everything arrives exactly once."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import offline_queue
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker, enqueue
from tests.central.conftest import KIOSKS, Central, central, shared_central  # noqa: F401
from tests.reliability.fault_proxy import FaultProxy

pytestmark = pytest.mark.timeout(180)
MSISDN = "13800138000"


class Clock:
    """Starts at the real time (items are queued with it), then moves only when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def proxy(central: Central) -> Iterator[FaultProxy]:  # noqa: F811
    parts = urlsplit(central.url)
    assert parts.hostname is not None
    assert parts.port is not None
    running = FaultProxy((parts.hostname, parts.port), seed=20261122)
    yield running
    running.close()


def _enqueue(path: Path, start: int, count: int) -> list[str]:
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    keys = []
    now = datetime.now(UTC).isoformat()
    for n in range(start, start + count):
        key = f"net-{n:05d}:topup"
        body = {
            "txn_id": f"net-{n:05d}",
            "msisdn": MSISDN,
            "amount_fen": 100 + n,
            "currency": "CNY",
            "method": "cash",
            "created_at": now,
            "offline": True,
        }
        conn.execute("BEGIN IMMEDIATE")
        enqueue(conn, key=key, kind="topup.v1", body=body)
        conn.execute("COMMIT")
        keys.append(key)
    conn.close()
    return keys


def _states(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT key, state FROM outbox").fetchall())


def test_a_stream_of_topups_through_every_fault_arrives_once(
    proxy: FaultProxy,
    central: Central,  # noqa: F811
    tmp_path: Path,
) -> None:
    """GIVEN a proxy that breaks requests in every way it knows WHEN 300 top-ups are queued
    in bursts while the worker syncs through it THEN, once the network is clean again, every
    top-up is acked and central holds each exactly once with its own amount."""
    path = tmp_path / "kiosk.db"
    clock = Clock()
    store = OutboxStore(path)
    sender = HttpBatchSender(proxy.url, "K1", KIOSKS["K1"], timeout_s=2)
    worker = SyncWorker(store, sender, batch_size=25, backoff_base_s=1, backoff_max_s=60,
                        clock=clock, rng=lambda: 0.5)  # fmt: skip
    keys: list[str] = []
    try:
        for burst in range(12):
            keys += _enqueue(path, burst * 25, 25)
            for _ in range(4):
                worker.run_once()
                clock.now += 120  # past any backoff
        assert {"reset_mid_response", "truncated_json", "http_503", "drop"} <= set(proxy.seen)
        print("faults injected:", dict(proxy.seen))
        proxy.weights = {"pass": 1.0}
        for _ in range(200):
            clock.now += 120
            if worker.run_once().sent == 0 and store.stats(clock.now).pending == 0:
                break
        states = _states(path)
    finally:
        sender.close()
        store.close()
    assert states == dict.fromkeys(keys, "acked")
    recorded = central.topups(msisdn=MSISDN)
    ours = [t for t in recorded if str(t["txn_id"]).startswith("net-")]
    assert sorted(t["txn_id"] for t in ours) == sorted(k.removesuffix(":topup") for k in keys)
    assert all(t["amount_fen"] == 100 + int(t["txn_id"][4:]) for t in ours)


def test_central_away_for_hours_then_back(
    proxy: FaultProxy,
    central: Central,  # noqa: F811
    tmp_path: Path,
) -> None:
    """GIVEN central unreachable for six hours of simulated time WHEN the worker keeps trying
    THEN it backs off (capped, never a busy loop) and delivers everything once central is
    back."""
    path = tmp_path / "kiosk.db"
    keys = _enqueue(path, 1000, 40)
    clock = Clock()
    store = OutboxStore(path)
    sender = HttpBatchSender(proxy.url, "K1", KIOSKS["K1"], timeout_s=2)
    worker = SyncWorker(store, sender, batch_size=20, backoff_base_s=1, backoff_max_s=300,
                        clock=clock, rng=lambda: 1.0)  # fmt: skip
    proxy.down = True
    attempts = 0
    try:
        start = clock.now
        while clock.now - start < 6 * 3600:
            worker.run_once()
            attempts += 1
            clock.now += worker.backoff_s(worker.consecutive_failures)
        assert worker.consecutive_failures == attempts
        assert attempts < 6 * 3600 / 300 + 20  # capped backoff: about one try per 5 minutes
        assert _states(path) == dict.fromkeys(keys, "pending")
        proxy.down = False
        proxy.weights = {"pass": 1.0}
        for _ in range(10):
            clock.now += 300
            worker.run_once()
        states = _states(path)
    finally:
        sender.close()
        store.close()
    assert states == dict.fromkeys(keys, "acked")
    ours = [t for t in central.topups(msisdn=MSISDN) if str(t["txn_id"]).startswith("net-")]
    assert len(ours) == len(keys)
