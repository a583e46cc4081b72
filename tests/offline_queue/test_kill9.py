"""kill -9 at random points while a child process enqueues and syncs (bisecting a refused batch
now and then), many times over; then the books: nothing committed lost, nothing acked undone,
every item accepted by central exactly once (replays answered as duplicates), a poisoned item
dead-lettered, and `PRAGMA integrity_check` ok after every kill.

50 injections in the normal run; `KIOSK_SOAK=1` makes it 1,000.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.conftest import REPO

INJECTIONS = 1000 if os.environ.get("KIOSK_SOAK") else 50
POISON_EVERY = 37  # every 37th item is one central refuses (the whole batch, until bisected)

pytestmark = pytest.mark.timeout(600 if os.environ.get("KIOSK_SOAK") else 240)

_CHILD = (
    textwrap.dedent(
        """
    import sys, time
    sys.path.insert(0, sys.argv[3])
    import offline_queue
    from offline_queue import HttpBatchSender, OutboxStore, SyncWorker, connect, enqueue

    path, url = sys.argv[1], sys.argv[2]
    conn = connect(path)
    offline_queue.ensure_schema(conn)
    start = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    store = OutboxStore(path)
    worker = SyncWorker(store, HttpBatchSender(url, "K1", "token-one", timeout_s=2),
                        batch_size=20, idle_poll_s=0.05, backoff_base_s=0.01,
                        backoff_max_s=0.05)
    worker.start()
    print("ready", flush=True)
    n = start
    while True:
        for _ in range(8):  # bursts, so that batches hold several items (and get bisected)
            key = f"k{n:06d}"
            body = {"n": n, "poison": n % %(poison)d == %(poison_at)d}
            conn.execute("BEGIN IMMEDIATE")
            enqueue(conn, key=key, kind="topup.v1", body=body)
            conn.execute("COMMIT")
            print("E", key, flush=True)
            n += 1
        worker.kick()
        time.sleep(0.02)  # the producer's pace (the scenario), not a wait
    """
    )
    .replace("%(poison)d", str(POISON_EVERY))
    .replace("%(poison_at)d", str(POISON_EVERY - 1))
)


@dataclass
class Central:
    """An idempotent /v1/sync: first delivery 'accepted', replays 'duplicate' with the first
    answer, a changed body 'conflict'; a batch holding a poisoned item is refused whole."""

    url: str = ""
    accepted: dict[str, dict[str, object]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    refusals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, items: list[dict[str, object]]) -> tuple[int, dict[str, object]]:
        with self.lock:
            if len(items) > 1 and any(
                isinstance(i["body"], dict) and i["body"].get("poison") for i in items
            ):
                self.refusals += 1
                return 400, {"detail": "a batch item is invalid"}
            results = []
            for item in items:
                key, body = str(item["key"]), item["body"]
                assert isinstance(body, dict)
                if body.get("poison"):
                    results.append(
                        {"key": key, "status": "rejected", "reason": "poison", "result": None}
                    )
                elif key not in self.accepted:
                    self.accepted[key] = body
                    results.append(
                        {"key": key, "status": "accepted", "reason": None, "result": {"ok": 1}}
                    )
                elif self.accepted[key] == body:
                    results.append(
                        {"key": key, "status": "duplicate", "reason": None, "result": {"ok": 1}}
                    )
                else:
                    self.conflicts.append(key)
                    results.append(
                        {"key": key, "status": "conflict", "reason": "changed", "result": None}
                    )
            return 200, {"results": results}


@pytest.fixture
def central() -> Iterator[Central]:
    script = Central()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            status, payload = script.answer(json.loads(raw)["items"])
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client killed mid-request breaks the pipe: that is the test

    server = Server(("127.0.0.1", 0), Handler)
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script
    server.shutdown()
    server.server_close()


def _states(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return dict(conn.execute("SELECT key, state FROM outbox").fetchall())


def _run_and_kill(path: Path, url: str, rng: random.Random) -> list[str]:
    """Start the child, let it work a random while, SIGKILL it; the keys it said it committed."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), url, str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.0, 0.25))  # the scenario: a kill at a random moment of work
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL
    committed = [line.split()[1] for line in child.stdout.read().splitlines() if line[:2] == "E "]
    child.stdout.close()
    return committed


def test_kill_9_during_enqueue_and_sync(central: Central, tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    rng = random.Random(20261122)
    committed: set[str] = set()
    acked_before: set[str] = set()
    for _ in range(INJECTIONS):
        committed.update(_run_and_kill(path, central.url, rng))
        states = _states(path)
        assert committed <= set(states), "a committed item was lost"
        acked_now = {key for key, state in states.items() if state == "acked"}
        assert acked_before <= acked_now, "an acked item went back"
        acked_before = acked_now
    # Drain what is left, in-process, then check the books.
    store = OutboxStore(path)
    try:
        worker = SyncWorker(store, HttpBatchSender(central.url, "K1", "token-one"), batch_size=20)
        for _ in range(10_000):
            if worker.run_once().sent == 0 and not worker.bisecting:
                break
        states = _states(path)
    finally:
        store.close()
    poison = {key for key in states if int(key[1:]) % POISON_EVERY == POISON_EVERY - 1}
    assert {key for key, state in states.items() if state == "dead"} == poison
    assert {key for key, state in states.items() if state == "acked"} == set(states) - poison
    assert set(central.accepted) == set(states) - poison  # each accepted once, none missing
    assert central.conflicts == []
    assert len(states) > INJECTIONS  # the child got real work done between kills
    assert poison  # so batches were refused and bisected
    assert central.refusals >= len(poison) // 2
    print(f"{INJECTIONS} kills, {len(states)} items, {len(poison)} poisoned, "
          f"{central.refusals} whole-batch refusals bisected")  # fmt: skip
