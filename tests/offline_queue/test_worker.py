"""Sync worker against a scripted HTTP server on loopback: every outcome classified."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import offline_queue
from offline_queue import (
    AuthFailure,
    BatchDelivered,
    HttpBatchSender,
    ItemDeadLettered,
    OutboxStore,
    SyncWorker,
    TransientFailure,
    enqueue,
)

pytestmark = pytest.mark.timeout(60)

Reply = tuple[int, bytes]


@dataclass
class ScriptedCentral:
    """Answers POST /v1/sync with `respond(items)`; records every request."""

    respond: Callable[[list[dict[str, Any]]], Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay_s: float = 0.0


def accept_all(items: list[dict[str, Any]]) -> Reply:
    results = [{"key": i["key"], "status": "accepted", "reason": None,
                "result": {"echo": i["body"]}} for i in items]  # fmt: skip
    return 200, json.dumps({"results": results}).encode()


@pytest.fixture
def central() -> Iterator[tuple[ScriptedCentral, str]]:
    script = ScriptedCentral(accept_all)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            payload = json.loads(self.rfile.read(length))
            script.requests.append({"headers": dict(self.headers), "body": payload})
            time.sleep(script.delay_s)
            status, body = script.respond(payload["items"])
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(
    tmp_path: Path, url: str, items: int, **kwargs: Any
) -> tuple[OutboxStore, SyncWorker, list[Any], FakeClock]:
    path = tmp_path / "q.db"
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    conn.execute("BEGIN IMMEDIATE")
    for n in range(items):
        enqueue(conn, key=f"k{n}", kind="topup.v1", body={"n": n}, now=0.0)
    conn.execute("COMMIT")
    conn.close()
    store = OutboxStore(path)
    events: list[Any] = []
    clock = FakeClock()
    sender = HttpBatchSender(url, "K1", "secret-token", timeout_s=kwargs.pop("timeout_s", 5.0))
    worker = SyncWorker(
        store, sender, on_event=events.append, clock=clock, rng=lambda: 1.0, **kwargs
    )
    return store, worker, events, clock


def test_accepted_items_are_acked_with_auth_headers(central: Any, tmp_path: Path) -> None:
    script, url = central
    store, worker, events, _ = make(tmp_path, url, 2)
    report = worker.run_once()
    assert (report.sent, report.acked, report.dead, report.retried) == (2, 2, 0, 0)
    assert store.get("k1").result == {"echo": {"n": 1}}  # type: ignore[union-attr]
    headers = script.requests[0]["headers"]
    assert headers["X-Kiosk-Id"] == "K1"
    assert headers["Authorization"] == "Bearer secret-token"
    assert script.requests[0]["body"]["items"][0] == {
        "key": "k0",
        "kind": "topup.v1",
        "body": {"n": 0},
    }
    assert events == [BatchDelivered(2, 0, 0)]


def test_batches_of_batch_size(central: Any, tmp_path: Path) -> None:
    script, url = central
    store, worker, _, _ = make(tmp_path, url, 250, batch_size=100)
    sizes = []
    while (report := worker.run_once()).sent:
        sizes.append(report.sent)
    assert sizes == [100, 100, 50]
    assert len(script.requests) == 3
    assert store.stats().acked == 250


def test_mixed_statuses(central: Any, tmp_path: Path) -> None:
    script, url = central
    statuses = {"k0": "accepted", "k1": "duplicate", "k2": "conflict", "k3": "rejected"}

    def respond(items: list[dict[str, Any]]) -> Reply:
        results = [{"key": i["key"], "status": statuses[i["key"]], "reason": f"why {i['key']}",
                    "result": {"first": True}} for i in items if i["key"] in statuses]  # fmt: skip
        return 200, json.dumps({"results": results}).encode()

    script.respond = respond
    store, worker, events, clock = make(tmp_path, url, 5)  # k4 gets no result at all
    report = worker.run_once()
    assert (report.acked, report.dead, report.retried) == (2, 2, 1)
    assert store.get("k1").result == {"first": True}  # type: ignore[union-attr]
    assert [i.key for i in store.dead_letters()] == ["k3", "k2"]
    dead_events = [e for e in events if isinstance(e, ItemDeadLettered)]
    assert [(e.key, e.conflict) for e in dead_events] == [("k2", True), ("k3", False)]
    assert [i.key for i in store.due_batch(10, now=clock.now + 10)] == ["k4"]


@pytest.mark.parametrize(
    "reply",
    [(500, b"{}"), (503, b"oops"), (200, b"not json"), (200, b'{"results": 5}'), (404, b"{}")],
)
def test_transient_failures_retry_with_the_same_key(
    central: Any, tmp_path: Path, reply: Reply
) -> None:
    script, url = central
    script.respond = lambda _items: reply
    store, worker, events, clock = make(tmp_path, url, 1, backoff_base_s=2.0)
    report = worker.run_once()
    assert report.failed
    assert isinstance(events[-1], TransientFailure)
    assert store.get("k0").state == "pending"  # type: ignore[union-attr]
    assert store.due_batch(10, now=clock.now) == []  # backing off
    script.respond = accept_all
    clock.now += 2.0
    assert worker.run_once().acked == 1
    assert [r["body"]["items"][0]["key"] for r in script.requests] == ["k0", "k0"]


def test_timeout_is_transient(central: Any, tmp_path: Path) -> None:
    script, url = central
    script.delay_s = 1.0
    store, worker, events, _ = make(tmp_path, url, 1, timeout_s=0.2)
    assert worker.run_once().failed
    assert isinstance(events[-1], TransientFailure)
    assert store.get("k0").state == "pending"  # type: ignore[union-attr]


def test_connection_refused_is_transient(tmp_path: Path) -> None:
    _store, worker, events, _ = make(tmp_path, "http://127.0.0.1:9", 1)
    assert worker.run_once().failed
    assert isinstance(events[-1], TransientFailure)


def test_auth_failure_keeps_the_money(central: Any, tmp_path: Path) -> None:
    script, url = central
    script.respond = lambda _items: (401, b'{"detail": "bad token"}')
    store, worker, events, _ = make(tmp_path, url, 1)
    assert worker.run_once().failed
    assert isinstance(events[-1], AuthFailure)
    assert store.get("k0").state == "pending"  # type: ignore[union-attr]
    assert store.stats().dead == 0


def test_backoff_grows_and_is_capped(tmp_path: Path) -> None:
    _, worker, _, _ = make(
        tmp_path, "http://127.0.0.1:9", 0, backoff_base_s=1.0, backoff_max_s=10.0
    )
    assert [worker.backoff_s(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_thread_delivers_on_kick_and_stops(central: Any, tmp_path: Path) -> None:
    _script, url = central
    store, worker, _, _ = make(tmp_path, url, 0, idle_poll_s=30.0)
    worker._clock = time.time
    worker.start()
    conn = offline_queue.connect(tmp_path / "q.db")
    enqueue(conn, key="late", kind="topup.v1", body={})
    worker.kick()
    # idle_poll_s is 30 s: delivery within 5 s means kick() woke the thread.
    assert store.wait_until_acked("late", 5.0) is not None
    worker.stop(timeout=5)
    assert worker._thread is None
