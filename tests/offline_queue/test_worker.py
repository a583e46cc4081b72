"""Sync worker against a scripted HTTP central on loopback: every outcome, backoff, the thread."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import offline_queue
from offline_queue import (
    AuthFailure,
    BatchDelivered,
    BatchRefused,
    HttpBatchSender,
    ItemDeadLettered,
    ItemOutcome,
    OutboxStore,
    StorageFailure,
    SyncEvent,
    SyncReport,
    SyncWorker,
    TransientFailure,
    WireItem,
    enqueue,
)
from tests.offline_queue.conftest import (
    FakeClock,
    Items,
    Reply,
    ScriptedCentral,
    accept_all,
    fill,
    results,
)

pytestmark = pytest.mark.timeout(60)


def make(
    tmp_path: Path, url: str, items: int, *, timeout_s: float = 5.0, **kwargs: Any
) -> tuple[OutboxStore, SyncWorker, list[SyncEvent], FakeClock]:
    """A queue with `items` items due at 0, a worker on a fake clock, rng 1.0 (no jitter)."""
    fill(tmp_path / "q.db", items)
    store = OutboxStore(tmp_path / "q.db")
    events: list[SyncEvent] = []
    clock = FakeClock()
    kwargs.setdefault("rng", lambda: 1.0)
    kwargs.setdefault("clock", clock)
    sender = HttpBatchSender(url, "K1", "secret-token", timeout_s=timeout_s)
    worker = SyncWorker(store, sender, on_event=events.append, **kwargs)
    return store, worker, events, clock


def state(store: OutboxStore, key: str) -> tuple[str, int, float, str | None]:
    item = store.get(key)
    assert item is not None
    return item.state, item.attempts, item.next_attempt_at, item.last_error


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- per-item outcomes ----------------------------------------------------------------------


def test_accepted_items_are_acked_with_the_contract_headers(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    store, worker, events, clock = make(tmp_path, central.url, 2)
    assert worker.run_once() == SyncReport(sent=2, acked=2, dead=0, retried=0, failed=False)
    item = store.get("k1")
    assert item is not None
    assert (item.state, item.result, item.acked_at, item.attempts) == (
        "acked",
        {"echo": {"n": 1}},
        clock.now,
        1,
    )
    request = central.requests[0]
    assert request["path"] == "/v1/sync"
    assert request["headers"]["X-Kiosk-Id"] == "K1"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["body"] == {
        "items": [
            {"key": "k0", "kind": "topup.v1", "body": {"n": 0}},
            {"key": "k1", "kind": "topup.v1", "body": {"n": 1}},
        ]
    }
    assert events == [BatchDelivered(acked=2, dead=0, retried=0)]
    assert worker.run_once() == SyncReport(0, 0, 0, 0, failed=False)  # nothing left
    assert len(central.requests) == 1


def test_250_items_go_in_batches_of_100(central: ScriptedCentral, tmp_path: Path) -> None:
    store, worker, _, _ = make(tmp_path, central.url, 250, batch_size=100)
    sizes = []
    while (report := worker.run_once()).sent:
        sizes.append(report.sent)
    assert sizes == [100, 100, 50]
    sent = central.sent_keys()
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [key for batch in sent for key in batch] == [f"k{n}" for n in range(250)]
    assert store.stats(now=2000.0).acked == 250


def test_a_partial_batch_settles_each_item_on_its_own(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    answers = {
        "k0": ("accepted", None, {"topup_id": 10}),
        "k1": ("duplicate", None, {"topup_id": 9}),
        "k2": ("conflict", "key already used with a different body; nothing processed", None),
        "k3": ("rejected", "msisdn: must be 11 digits", None),
        "k4": ("postponed", None, None),  # unknown status: retry
        # k5: no result at all: retry
    }

    def respond(items: Items) -> Reply:
        body = [
            {
                "key": i["key"],
                "status": answers[i["key"]][0],
                "reason": answers[i["key"]][1],
                "result": answers[i["key"]][2],
            }
            for i in items
            if i["key"] in answers
        ]
        return 200, json.dumps({"results": body}).encode()

    central.respond = respond
    store, worker, events, clock = make(tmp_path, central.url, 6, backoff_base_s=2.0)
    assert worker.run_once() == SyncReport(sent=6, acked=2, dead=2, retried=2, failed=False)

    assert store.get("k0").result == {"topup_id": 10}  # type: ignore[union-attr]
    assert store.get("k1").result == {"topup_id": 9}  # type: ignore[union-attr]
    assert [(i.key, i.last_error) for i in store.dead_letters()] == [
        ("k3", "msisdn: must be 11 digits"),
        ("k2", "key already used with a different body; nothing processed"),
    ]
    # First retry of an item: backoff_s(1) = base * rng = 2.0 s.
    assert state(store, "k4") == ("pending", 1, clock.now + 2.0, "unknown status 'postponed'")
    assert state(store, "k5") == ("pending", 1, clock.now + 2.0, "no result for this item")
    assert events == [
        ItemDeadLettered("k2", "key already used with a different body; nothing processed", True),
        ItemDeadLettered("k3", "msisdn: must be 11 digits", False),
        BatchDelivered(acked=2, dead=2, retried=2),
    ]
    conflict = events[0]
    assert isinstance(conflict, ItemDeadLettered)
    assert conflict.alert is True

    # The unanswered items go again under the same keys once due; only they go.
    central.respond = accept_all
    assert worker.run_once().sent == 0  # not due yet
    clock.now += 2.0
    assert worker.run_once() == SyncReport(sent=2, acked=2, dead=0, retried=0, failed=False)
    assert central.sent_keys()[-1] == ["k4", "k5"]
    assert store.stats(now=clock.now).pending == 0


def test_an_item_that_keeps_going_unanswered_backs_off_on_its_own(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (200, b'{"results": []}')
    store, worker, _, clock = make(tmp_path, central.url, 1, backoff_base_s=1.0)
    delays = []
    for _ in range(4):
        before = clock.now
        assert worker.run_once().retried == 1
        clock.now = state(store, "k0")[2]
        delays.append(clock.now - before)
    assert delays == [1.0, 2.0, 4.0, 8.0]
    assert worker.consecutive_failures == 0  # central answered each time: not an outage


# --- whole-request failures -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ((500, b"{}"), 500),
        ((503, b"oops"), 503),
        ((429, b"slow down"), 429),
        ((200, b"not json"), None),
        ((200, b'{"results": 5}'), None),
        ((200, b'{"results": [{"key": "k0"}]}'), None),
    ],
)
def test_transient_failures_retry_with_the_same_key(
    central: ScriptedCentral, tmp_path: Path, reply: Reply, status: int | None
) -> None:
    central.respond = lambda _items: reply
    store, worker, events, clock = make(tmp_path, central.url, 1, backoff_base_s=2.0)
    report = worker.run_once()
    assert (report.sent, report.retried, report.failed) == (1, 1, True)
    assert len(events) == 1
    assert type(events[0]) is TransientFailure
    assert events[0].retry_in_s == 2.0
    assert events[0].status == status
    assert state(store, "k0")[:3] == ("pending", 1, clock.now + 2.0)
    assert store.due_batch(10, now=clock.now + 1.9) == []  # backing off

    central.respond = accept_all
    clock.now += 2.0
    assert worker.run_once().acked == 1
    assert central.sent_keys() == [["k0"], ["k0"]]
    assert worker.consecutive_failures == 0


@pytest.mark.parametrize("status", [400, 404, 413, 422, 302, 204])
def test_a_refused_batch_is_kept_retried_and_reported(
    central: ScriptedCentral, tmp_path: Path, status: int
) -> None:
    central.respond = lambda _items: (status, b'{"detail": "items: field required"}')
    central.headers["Location"] = central.url + "/v1/sync"  # a redirect is not followed
    store, worker, events, clock = make(tmp_path, central.url, 2)
    assert worker.run_once().failed
    assert len(central.requests) == 1
    assert len(events) == 1
    event = events[0]
    assert type(event) is BatchRefused
    assert isinstance(event, TransientFailure)  # the kiosk's offline handling covers it
    assert event.status == status
    assert f"HTTP {status}" in event.error
    assert store.stats(now=clock.now).dead == 0
    assert state(store, "k0")[0:2] == ("pending", 1)
    assert f"central refused the batch: HTTP {status}" in str(state(store, "k1")[3])


def test_a_timeout_is_transient(central: ScriptedCentral, tmp_path: Path) -> None:
    central.delay_s = 1.0
    store, worker, events, clock = make(tmp_path, central.url, 1, timeout_s=0.2)
    assert worker.run_once().failed
    assert type(events[-1]) is TransientFailure
    assert "Timeout" in events[-1].error
    assert state(store, "k0")[:3] == ("pending", 1, clock.now + 1.0)
    central.delay_s = 0.0
    clock.now += 1.0
    assert worker.run_once().acked == 1
    assert central.sent_keys() == [["k0"], ["k0"]]  # sent but unanswered: sent again


def test_connection_refused_is_transient(tmp_path: Path) -> None:
    store, worker, events, _ = make(tmp_path, f"http://127.0.0.1:{closed_port()}", 1)
    assert worker.run_once().failed
    assert type(events[-1]) is TransientFailure
    assert "ConnectionError" in events[-1].error
    assert state(store, "k0")[0] == "pending"


@pytest.mark.parametrize("status", [401, 403])
def test_an_auth_failure_keeps_the_money_and_raises_an_alert(
    central: ScriptedCentral, tmp_path: Path, status: int
) -> None:
    central.respond = lambda _items: (status, b'{"detail": "bad token"}')
    store, worker, events, clock = make(tmp_path, central.url, 3, backoff_base_s=4.0)
    assert worker.run_once() == SyncReport(
        3, 0, 0, 3, failed=True, error=f"central refused our credentials: HTTP {status}"
    )
    assert events == [AuthFailure(f"central refused our credentials: HTTP {status}", 4.0, status)]
    assert store.stats(now=clock.now) == offline_queue.QueueStats(3, 0, 0, clock.now)
    assert store.dead_letters() == []


# --- backoff --------------------------------------------------------------------------------


def test_backoff_grows_and_is_capped(tmp_path: Path) -> None:
    _, worker, _, _ = make(
        tmp_path, "http://127.0.0.1:1", 0, backoff_base_s=1.0, backoff_max_s=10.0
    )
    assert [worker.backoff_s(n) for n in range(0, 7)] == [0.0, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert worker.backoff_s(100_000) == 10.0  # a week-long outage does not overflow


def test_backoff_is_full_jitter(tmp_path: Path) -> None:
    draws = iter([0.0, 0.25, 0.5, 0.999])
    _, worker, _, _ = make(
        tmp_path,
        "http://127.0.0.1:1",
        0,
        rng=lambda: next(draws),
        backoff_base_s=2.0,
        backoff_max_s=300.0,
    )
    assert [worker.backoff_s(4) for _ in range(4)] == [0.0, 4.0, 8.0, 15.984]


def test_consecutive_failures_back_off_and_success_resets(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (503, b"")
    store, worker, events, clock = make(
        tmp_path, central.url, 1, backoff_base_s=1.0, backoff_max_s=5.0
    )
    delays = []
    for _ in range(5):
        assert worker.run_once().failed
        due = state(store, "k0")[2]
        delays.append(due - clock.now)
        clock.now = due
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert [e.retry_in_s for e in events if isinstance(e, TransientFailure)] == delays
    assert worker.consecutive_failures == 5

    central.respond = accept_all
    assert worker.run_once().acked == 1
    assert worker.consecutive_failures == 0
    fill_more(store, clock.now)
    central.respond = lambda _items: (503, b"")
    assert worker.run_once().failed
    assert state(store, "late")[2] - clock.now == 1.0  # back to the base after a success


def fill_more(store: OutboxStore, now: float) -> None:
    conn = offline_queue.connect(store.path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="late", kind="topup.v1", body={}, now=now)
    conn.execute("COMMIT")
    conn.close()


# --- robustness of the worker itself --------------------------------------------------------


class BrokenSender:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def send(self, items: Sequence[WireItem]) -> list[ItemOutcome]:
        if isinstance(self.answer, Exception):
            raise self.answer
        return list(self.answer)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (KeyError("boom"), "unexpected KeyError: 'boom'"),
        ([], "sender answered for other items than it sent"),
        (
            [ItemOutcome("zz", offline_queue.Verdict.ACKED)],
            "sender answered for other items than it sent",
        ),
    ],
)
def test_a_broken_sender_neither_raises_nor_loses_items(
    tmp_path: Path, answer: Any, error: str
) -> None:
    fill(tmp_path / "q.db", 1)
    store = OutboxStore(tmp_path / "q.db")
    events: list[SyncEvent] = []
    worker = SyncWorker(
        store, BrokenSender(answer), on_event=events.append, clock=FakeClock(), rng=lambda: 1.0
    )
    assert worker.run_once() == SyncReport(1, 0, 0, 1, failed=True, error=error)
    assert events == [TransientFailure(error, 1.0, None)]
    assert state(store, "k0")[0] == "pending"


def test_a_failing_listener_does_not_stop_delivery(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    fill(tmp_path / "q.db", 1)
    store = OutboxStore(tmp_path / "q.db")

    def listener(_event: SyncEvent) -> None:
        raise RuntimeError("listener bug")

    worker = SyncWorker(store, HttpBatchSender(central.url, "K1", "t"), on_event=listener)
    assert worker.run_once().acked == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, "batch_size must be 1 to 500"),
        ({"batch_size": 501}, "batch_size must be 1 to 500"),
        ({"backoff_base_s": 0}, "0 < backoff_base_s <= backoff_max_s"),
        ({"backoff_base_s": 10, "backoff_max_s": 5}, "0 < backoff_base_s <= backoff_max_s"),
        ({"idle_poll_s": 0}, "idle_poll_s must be positive"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, kwargs: dict[str, Any], match: str) -> None:
    store = OutboxStore(tmp_path / "q.db")
    with pytest.raises(ValueError, match=re.escape(match)):
        SyncWorker(store, BrokenSender([]), **kwargs)


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


def wait_for(predicate: Any, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_kick_wakes_the_thread_and_stop_joins_it(
    central: ScriptedCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """idle_poll_s is 30 s: delivery within 5 s means kick() woke the thread; afterwards it
    sleeps again instead of spinning."""
    store, worker, _, _ = make(tmp_path, central.url, 0, idle_poll_s=30.0, clock=time.time)
    polls = count_polls(store, monkeypatch)
    worker.start()
    worker.start()  # no second thread
    assert wait_for(lambda: len(polls) == 1)
    time.sleep(0.2)
    assert len(polls) == 1  # idle: waiting up to 30 s
    conn = offline_queue.connect(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="late", kind="topup.v1", body={"amount_fen": 100})
    conn.execute("COMMIT")
    started = time.monotonic()
    worker.kick()
    assert store.wait_until_acked("late", 5.0) == {"echo": {"amount_fen": 100}}
    assert time.monotonic() - started < 5.0
    time.sleep(0.5)
    assert len(polls) == 2  # one batch for the kick, then asleep again: no busy loop
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
    assert wait_for(lambda: store.stats().acked == 35)
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
    time.sleep(2.0)
    assert worker.stop(timeout=5)
    assert [len(batch) for batch in central.sent_keys()] == [10, 10]
    assert [type(e) for e in events] == [TransientFailure, TransientFailure]
    assert len(polls) == 2


def test_kick_probes_central_during_a_backoff(central: ScriptedCentral, tmp_path: Path) -> None:
    central.respond = lambda _items: (503, b"")
    store, worker, _, _ = make(
        tmp_path, central.url, 1, backoff_base_s=30.0, backoff_max_s=60.0, clock=time.time
    )
    worker.start()
    assert wait_for(lambda: len(central.requests) == 1)
    central.respond = accept_all  # central is back; the worker would wait 30 s
    conn = offline_queue.connect(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="new", kind="topup.v1", body={})
    conn.execute("COMMIT")
    worker.kick()
    assert store.wait_until_acked("new", 5.0) == {"echo": {}}
    assert worker.stop(timeout=5)
    assert central.sent_keys() == [["k0"], ["new"]]  # k0 still waits out its own backoff
    assert state(store, "k0")[0] == "pending"


def test_a_storage_failure_is_reported_and_the_thread_survives(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    store, worker, events, _ = make(tmp_path, central.url, 1, idle_poll_s=0.1, clock=time.time)
    with store._lock:
        store._conn.execute("PRAGMA query_only = ON")  # recording the answer will fail
    worker.start()
    assert wait_for(lambda: any(isinstance(e, StorageFailure) for e in events))
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
