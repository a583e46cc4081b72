"""The sync worker's own thread against a scripted central on loopback: kick, stop, backlog,
backoff while waiting, storage failures; it waits for what it asserts, never a fixed sleep."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import offline_queue
from offline_queue import (
    BatchDelivered,
    OutboxStore,
    StorageFailure,
    SyncWorker,
    TransientFailure,
    enqueue,
)
from tests.offline_queue.conftest import (
    ScriptedCentral,
    accept_all,
    results,
)
from tests.offline_queue.test_worker import BrokenSender, make
from tests.support import holds_for, wait_until

pytestmark = pytest.mark.timeout(60)


# --- the thread -----------------------------------------------------------------------------


def count_polls(store: OutboxStore, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record when the worker asks the store for a due batch (to catch busy loops)."""
    calls: list[float] = []
    original = store.due_batch

    def spy(limit: int, now: float | None = None) -> list[offline_queue.OutboxItem]:
        calls.append(time.monotonic())
        return original(limit, now)

    monkeypatch.setattr(store, "due_batch", spy)
    return calls


def test_kick_wakes_the_thread_and_stop_joins_it(
    central: ScriptedCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """idle_poll_s is 30 s: delivery within 5 s means kick() woke the thread; afterwards it
    sleeps again instead of spinning."""
    store, worker, _, _ = make(tmp_path, central.url, 0, idle_poll_s=30.0, clock=time.time)
    polls = count_polls(store, monkeypatch)
    worker.start()
    worker.start()  # no second thread
    wait_until(lambda: len(polls) == 1, what="the worker's first poll")
    holds_for(lambda: len(polls) == 1, 0.2, "the idle worker to poll nothing more (idle 30 s)")
    conn = offline_queue.connect(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="late", kind="topup.v1", body={"amount_fen": 100})
    conn.execute("COMMIT")
    worker.kick()
    # Acked within 5 s of a 30 s idle poll: the kick woke the thread.
    assert store.wait_until_acked("late", 5.0) == {"echo": {"amount_fen": 100}}
    # One batch for the kick, then asleep again: no busy loop.
    holds_for(lambda: len(polls) == 2, 0.5, "the worker to stay asleep after the kick's batch")
    was_running = worker.running
    assert worker.stop(timeout=5) is True
    assert (was_running, worker.running) == (True, False)
    assert central.sent_keys() == [["late"]]


def test_the_thread_drains_a_backlog_without_waiting(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    store, worker, events, _ = make(
        tmp_path, central.url, 35, batch_size=10, idle_poll_s=30.0, clock=time.time
    )
    worker.start()
    wait_until(lambda: store.stats().acked == 35, what="all 35 acked")
    assert worker.stop(timeout=5)
    assert [len(batch) for batch in central.sent_keys()] == [10, 10, 10, 5]
    assert events == [BatchDelivered(10, 0, 0)] * 3 + [BatchDelivered(5, 0, 0)]


def test_an_outage_costs_one_request_per_backoff_period(
    central: ScriptedCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With central down, the loop waits out each backoff instead of firing the rest of the
    backlog: requests at about 0 s, 1 s, 3 s with base 1 s (no jitter)."""
    central.respond = lambda _items: (503, b"")
    store, worker, events, _ = make(
        tmp_path,
        central.url,
        100,
        batch_size=10,
        backoff_base_s=1.0,
        idle_poll_s=30.0,
        clock=time.time,
    )
    polls = count_polls(store, monkeypatch)
    worker.start()
    wait_until(lambda: len(central.sent_keys()) >= 2, what="the retry after the 1 s backoff")
    # The next backoff is 2 s: nothing may be sent for a while (the rest of the backlog waits).
    holds_for(lambda: len(central.sent_keys()) == 2, 1.0, "no request before the 2 s backoff")
    assert worker.stop(timeout=5)
    assert [len(batch) for batch in central.sent_keys()] == [10, 10]
    assert [type(e) for e in events] == [TransientFailure, TransientFailure]
    assert len(polls) == 2


def test_kick_probes_central_during_a_backoff(central: ScriptedCentral, tmp_path: Path) -> None:
    central.respond = lambda _items: (503, b"")
    store, worker, events, _ = make(
        tmp_path, central.url, 1, backoff_base_s=30.0, backoff_max_s=60.0, clock=time.time
    )
    worker.start()
    # Answered, not only received: central records a request before it answers it, and a
    # swap of `respond` in between had the first request accepted (seen in CI).
    wait_until(lambda: any(isinstance(e, TransientFailure) for e in events), what="a failure")
    assert len(central.requests) == 1
    central.respond = accept_all  # central is back; the worker would wait 30 s
    conn = offline_queue.connect(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="new", kind="topup.v1", body={})
    conn.execute("COMMIT")
    worker.kick()
    assert store.wait_until_acked("new", 5.0) == {"echo": {}}
    # Central answered: k0 stops waiting out its 30 s backoff and goes at once.
    assert store.wait_until_acked("k0", 5.0) == {"echo": {"n": 0}}
    assert worker.stop(timeout=5)
    assert central.sent_keys() == [["k0"], ["new"], ["k0"]]


def test_a_storage_failure_is_reported_and_the_thread_survives(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    store, worker, events, _ = make(tmp_path, central.url, 1, idle_poll_s=0.1, clock=time.time)
    with store._lock:
        store._conn.execute("PRAGMA query_only = ON")  # recording the answer will fail
    worker.start()
    wait_until(lambda: any(isinstance(e, StorageFailure) for e in events), what="a failure")
    assert worker.running
    with store._lock:
        store._conn.execute("PRAGMA query_only = OFF")
    assert store.wait_until_acked("k0", 5.0) == {"echo": {"n": 0}}
    assert worker.stop(timeout=5)
    failure = next(e for e in events if isinstance(e, StorageFailure))
    assert "queue write failed" in failure.error
    # Sent, answered, not recorded, so sent again: central answers the replay.
    assert central.sent_keys()[:2] == [["k0"], ["k0"]]


def test_stop_without_start(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "q.db")
    worker = SyncWorker(store, BrokenSender([]))
    assert worker.stop(timeout=1) is True
    assert not worker.running


def test_results_helper_shape() -> None:
    assert results([{"key": "a", "body": {"x": 1}}]) == [
        {"key": "a", "status": "accepted", "reason": None, "result": {"echo": {"x": 1}}}
    ]
