"""Sync worker against a scripted HTTP central on loopback: every per-item and whole-request
outcome, backoff and its release (the thread: test_worker_thread.py; bisection:
test_worker_bisect.py)."""

from __future__ import annotations

import json
import re
import socket
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
