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
        ({"strikes_to_dead": 0}, "strikes_to_dead must be at least 1"),
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
    store, worker, events, _ = make(
        tmp_path, central.url, 1, backoff_base_s=30.0, backoff_max_s=60.0, clock=time.time
    )
    worker.start()
    # Answered, not only received: central records a request before it answers it, and a
    # swap of `respond` in between had the first request accepted (seen in CI).
    assert wait_for(lambda: any(isinstance(e, TransientFailure) for e in events))
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


# --- a refused batch is bisected down to the item central refuses ---------------------------


def refuse_if(*poison: str, status: int = 422) -> Any:
    """Central refuses the whole request when it carries a poisoned key, accepts it otherwise."""

    def respond(items: Items) -> Reply:
        if any(i["key"] in poison for i in items):
            return status, b'{"detail": "items.2.body.amount_fen: must be positive"}'
        return accept_all(items)

    return respond


def drain(worker: SyncWorker, limit: int = 50) -> list[SyncReport]:
    """run_once until nothing is sent (the clock does not move: only due items or a
    bisection's groups go)."""
    reports: list[SyncReport] = []
    for _ in range(limit):
        report = worker.run_once()
        if report.sent == 0:
            return reports
        reports.append(report)
    raise AssertionError("the worker kept sending")


def test_a_poisoned_item_is_bisected_out_and_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k2")
    store, worker, events, clock = make(tmp_path, central.url, 8, batch_size=8)
    drain(worker)
    assert central.sent_keys() == [
        ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"],  # refused
        ["k0", "k1", "k2", "k3"],  # refused
        ["k0", "k1"],  # accepted: central takes batches, k2 is suspect
        ["k2", "k3"],  # refused
        ["k2"],  # refused alone, but right after a refusal: not yet proof, set aside
        ["k3"],
        ["k4", "k5", "k6", "k7"],
        ["k2"],  # refused alone again while central takes everything else: dead
    ]
    assert not worker.bisecting
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 7, 1)
    dead_state, attempts, _, reason = state(store, "k2")
    assert (dead_state, attempts) == ("dead", 5)
    assert reason is not None
    assert reason.startswith("refused on its own: central refused the batch: HTTP 422")
    dead = [e for e in events if isinstance(e, ItemDeadLettered)]
    assert len(dead) == 1
    assert (dead[0].key, dead[0].refused, dead[0].conflict, dead[0].alert) == (
        "k2",
        True,
        False,
        True,
    )
    assert dead[0].reason == reason
    assert sum(isinstance(e, BatchRefused) for e in events) == 4


def test_a_poisoned_item_first_at_every_level_is_still_found(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k0", status=413)
    store, worker, _, clock = make(tmp_path, central.url, 4, batch_size=4)
    drain(worker)
    assert central.sent_keys() == [
        ["k0", "k1", "k2", "k3"],
        ["k0", "k1"],
        ["k0"],
        ["k1"],
        ["k2", "k3"],
        ["k0"],
    ]
    assert state(store, "k0")[0] == "dead"
    assert "HTTP 413" in str(state(store, "k0")[3])
    assert store.stats(now=clock.now).acked == 3


def test_two_poisoned_items_are_both_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k1", "k6")
    store, worker, _, clock = make(tmp_path, central.url, 8, batch_size=8)
    drain(worker)
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 6, 2)
    assert state(store, "k1")[0] == state(store, "k6")[0] == "dead"
    assert len(central.requests) <= 16


def test_central_refusing_everything_dead_letters_nothing(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (400, b'{"detail": "unsupported contract version"}')
    store, worker, events, clock = make(tmp_path, central.url, 4, batch_size=4)
    drain(worker)
    # The whole bisection tree once (2n - 1 requests), each paced by the usual backoff.
    assert len(central.requests) == 7
    assert not worker.bisecting
    assert worker.consecutive_failures == 7
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.dead) == (4, 0)
    assert not any(isinstance(e, ItemDeadLettered) for e in events)
    assert all(isinstance(e, BatchRefused) for e in events)


def test_a_lone_item_refused_while_central_accepts_others_is_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("late")
    store, worker, events, clock = make(tmp_path, central.url, 1)
    assert worker.run_once().acked == 1  # central takes our batches
    fill_more(store, clock.now)
    assert worker.run_once() == SyncReport(sent=1, acked=0, dead=1, retried=0, failed=False)
    assert state(store, "late")[0] == "dead"
    assert worker.consecutive_failures == 0
    assert isinstance(events[-1], ItemDeadLettered)
    assert events[-1].alert


def test_a_lone_item_refused_before_central_accepted_anything_stays_pending(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k0")
    store, worker, events, clock = make(tmp_path, central.url, 1, backoff_base_s=2.0)
    assert worker.run_once().failed
    assert state(store, "k0")[:3] == ("pending", 1, clock.now + 2.0)
    assert worker.run_once().sent == 0  # nothing else to compare with: just back off
    assert not worker.bisecting
    assert [type(e) for e in events] == [BatchRefused]


def test_the_thread_bisects_a_refused_batch_on_its_own(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k37")
    store, worker, events, _ = make(
        tmp_path,
        central.url,
        100,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        clock=time.time,
        rng=lambda: 0.5,
    )
    worker.start()
    try:
        assert wait_for(lambda: store.stats().pending == 0, timeout_s=10.0)
    finally:
        assert worker.stop(timeout=5)
    stats = store.stats()
    assert (stats.acked, stats.dead) == (99, 1)
    assert state(store, "k37")[0] == "dead"
    assert len(central.requests) <= 2 * 7 + 3
    assert [e.key for e in events if isinstance(e, ItemDeadLettered)] == ["k37"]


# --- central back after an outage: items backing off go at once -----------------------------


def test_a_success_after_failures_makes_backing_off_items_due_now(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (503, b"")
    store, worker, _, clock = make(
        tmp_path, central.url, 4, batch_size=2, backoff_base_s=60.0, backoff_max_s=300.0
    )
    assert worker.run_once().failed  # k0, k1 now back off for 60 s
    assert state(store, "k0")[2] == clock.now + 60.0
    assert store.due_batch(10, now=clock.now) == store.pending_items(["k2", "k3"])

    def accept_but_k3(items: Items) -> Reply:
        return 200, json.dumps(
            {"results": results([i for i in items if i["key"] != "k3"])}
        ).encode()

    central.respond = accept_but_k3
    clock.now += 1.0
    report = worker.run_once()  # k2 and k3 were due; central answers again
    assert (report.acked, report.retried) == (1, 1)
    assert state(store, "k0")[2] == state(store, "k1")[2] == clock.now  # released
    assert state(store, "k3")[2] == clock.now + 60.0  # its own backoff, set after the release
    assert worker.run_once().acked == 2  # no clock change: k0 and k1 are due
    assert central.sent_keys()[-1] == ["k0", "k1"]
    assert state(store, "k3")[0] == "pending"


def test_only_a_success_after_a_failure_releases_backoffs(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (200, b'{"results": []}')  # every item unanswered
    store, worker, _, clock = make(tmp_path, central.url, 1, backoff_base_s=10.0)
    assert worker.run_once().retried == 1
    fill_more(store, clock.now)
    central.respond = accept_all
    assert worker.run_once().acked == 1  # "late"
    assert state(store, "k0")[2] == clock.now + 10.0  # central never went away: k0 waits


def test_acked_items_are_deleted_after_the_retention_once_an_hour(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """GIVEN items acked at t=1000 and a retention of one day WHEN the worker purges a day
    later THEN they are gone and pending ones stay; the store is asked at most once an hour."""
    store, worker, _events, clock = make(tmp_path, central.url, 3, keep_acked_s=86400.0)
    worker.run_once()
    fill(tmp_path / "q.db", 1, prefix="late")
    asked: list[float] = []
    purge = store.purge_acked

    def counting(settled_before: float) -> int:
        asked.append(settled_before)
        return purge(settled_before)

    store.purge_acked = counting  # type: ignore[method-assign]
    assert worker.purge_old() == 0  # nothing old enough yet
    clock.now += 1800
    assert worker.purge_old() == 0
    assert len(asked) == 1  # within the hour: not asked again
    clock.now += 86400
    assert worker.purge_old() == 3
    assert asked[-1] == clock.now - 86400
    assert store.get("k0") is None
    late = store.get("late0")
    assert late is not None
    assert late.state == "pending"
