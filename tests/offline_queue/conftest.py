"""Shared helpers: a queue database with items, and a scripted central on loopback HTTP."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import offline_queue
from offline_queue import enqueue

Reply = tuple[int, bytes]
Items = list[dict[str, Any]]


def results(items: Items, status: str = "accepted", **extra: Any) -> list[dict[str, Any]]:
    """One result per item, echoing the body as the result."""
    return [
        {"key": i["key"], "status": status, "reason": None, "result": {"echo": i["body"]}, **extra}
        for i in items
    ]


def accept_all(items: Items) -> Reply:
    return 200, json.dumps({"results": results(items)}).encode()


@dataclass
class ScriptedCentral:
    """Answers POST /v1/sync with `respond(items)`; records every request it got."""

    url: str
    respond: Callable[[Items], Reply] = accept_all
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)  # extra reply headers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent_keys(self) -> list[list[str]]:
        with self.lock:
            return [[i["key"] for i in r["body"]["items"]] for r in self.requests]


@pytest.fixture
def central() -> Iterator[ScriptedCentral]:
    script = ScriptedCentral(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            payload = json.loads(raw)
            with script.lock:
                script.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": payload}
                )
            time.sleep(script.delay_s)  # the scenario: a slow central, as scripted
            status, body = script.respond(payload["items"])
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in script.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield script
    server.shutdown()
    server.server_close()


def fresh_db(path: Path) -> sqlite3.Connection:
    """The shared file as the kiosk opens it, plus a business table of the caller's own."""
    conn = offline_queue.connect(path)
    offline_queue.ensure_schema(conn)
    conn.execute("CREATE TABLE IF NOT EXISTS business (id INTEGER PRIMARY KEY, note TEXT)")
    return conn


def fill(path: Path, count: int, *, now: float = 0.0, prefix: str = "k") -> None:
    """Commit `count` items k0..k{count-1} with body {"n": i} in one transaction."""
    conn = fresh_db(path)
    conn.execute("BEGIN IMMEDIATE")
    for n in range(count):
        enqueue(conn, key=f"{prefix}{n}", kind="topup.v1", body={"n": n}, now=now)
    conn.execute("COMMIT")
    conn.close()


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
