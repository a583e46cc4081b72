"""Fixtures: a real central server on a free port in a background thread, and a client for it.

Databases of tests are copies of one SQLite template per test process, migrated with the real
migrations (central/migrations), seeded and with KIOSKS registered once: copying a file is far
cheaper than migrating and seeding each of hundreds of throwaway databases."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI

from central.app import create_app
from central.db import Storage, open_storage, utcnow
from central.kiosk_registry import add_missing
from central.seed import seed_demo
from central.server import bind_socket, make_server, socket_url

OPS_TOKEN = "ops-secret-token"
KIOSKS = {"K1": "token-one", "K2": "token-two"}


def topup_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "txn_id": "T-0001",
        "msisdn": "13800138000",
        "amount_fen": 5000,
        "currency": "CNY",
        "method": "cash",
        "created_at": "2025-03-01T10:15:00+08:00",
        "offline": False,
    }
    body.update(changes)
    return body


def item(key: str, body: dict[str, Any] | None = None, kind: str = "topup.v1") -> dict[str, Any]:
    return {"key": key, "kind": kind, "body": topup_body() if body is None else body}


def heartbeat_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sent_at": "2025-03-01T10:15:00+08:00",
        "software_version": "1.4.2",
        "interval_s": 15,
        "out_of_service": False,
        "devices": [
            {"name": "printer", "level": "ok", "code": "ok", "message_key": "device.ok"},
            {"name": "acceptor", "level": "ok", "code": "ok", "message_key": "device.ok"},
        ],
        "queue": {"pending": 0, "dead": 0, "oldest_pending_age_s": None},
        "cash_box": {"10000": 3, "5000": 1, "1000": 2},
        "acked_commands": [],
    }
    body.update(changes)
    return body


class FakeClock:
    """A settable clock for create_app(clock=...): starts now, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Central:
    """A running server and shortcuts to call it."""

    url: str
    storage: Storage
    app: FastAPI

    def sync(
        self, items: list[dict[str, Any]], kiosk: str = "K1", token: str | None = None
    ) -> requests.Response:
        headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {token or KIOSKS[kiosk]}"}
        return requests.post(
            f"{self.url}/v1/sync", json={"items": items}, headers=headers, timeout=10
        )

    def sync_results(self, items: list[dict[str, Any]], kiosk: str = "K1") -> list[Any]:
        reply = self.sync(items, kiosk)
        assert reply.status_code == 200, reply.text
        results: list[Any] = reply.json()["results"]
        return results

    def ops(
        self, path: str, params: Mapping[str, str] | None = None, token: str = OPS_TOKEN
    ) -> requests.Response:
        return requests.get(
            f"{self.url}/v1/ops/{path}",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    def heartbeat(
        self, body: dict[str, Any] | None = None, kiosk: str = "K1", token: str | None = None
    ) -> requests.Response:
        headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {token or KIOSKS[kiosk]}"}
        return requests.post(
            f"{self.url}/v1/heartbeat",
            json=heartbeat_body() if body is None else body,
            headers=headers,
            timeout=10,
        )

    def commands_for(self, kiosk: str = "K1", **changes: Any) -> list[dict[str, Any]]:
        """Send a heartbeat (with `changes`) and return the commands of the answer."""
        reply = self.heartbeat(heartbeat_body(**changes), kiosk)
        assert reply.status_code == 200, reply.text
        commands: list[dict[str, Any]] = reply.json()["commands"]
        return commands

    def issue(self, kiosk: str, payload: Any, token: str = OPS_TOKEN) -> requests.Response:
        return requests.post(
            f"{self.url}/v1/ops/kiosks/{kiosk}/commands",
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    def fleet(self) -> dict[str, Any]:
        reply = self.ops("fleet")
        assert reply.status_code == 200, reply.text
        fleet: dict[str, Any] = reply.json()
        return fleet

    def fleet_kiosk(self, kiosk: str) -> dict[str, Any]:
        [row] = [k for k in self.fleet()["kiosks"] if k["kiosk_id"] == kiosk]
        return row

    def topups(self, **params: str) -> list[dict[str, Any]]:
        reply = self.ops("topups", params)
        assert reply.status_code == 200, reply.text
        topups: list[dict[str, Any]] = reply.json()["topups"]
        return topups


_templates: dict[tuple[str, ...], Path] = {}
_template_dir: list[Path] = []


def _template(kiosks: Mapping[str, str]) -> Path:
    """A migrated, seeded SQLite file with `kiosks` registered, made once per process."""
    key = tuple(sorted(f"{k}:{v}" for k, v in kiosks.items()))
    if key not in _templates:
        import tempfile

        if not _template_dir:
            _template_dir.append(Path(tempfile.mkdtemp(prefix="central-template-")))
        path = _template_dir[0] / f"template-{len(_templates)}.db"
        storage = open_storage(f"sqlite:///{path}", migrate=True)
        try:
            seed_demo(storage, utcnow())
            add_missing(storage, kiosks)
            with storage.engine.connect() as connection:  # everything into the main file
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            storage.close()
        _templates[key] = path
    return _templates[key]


def prepared_sqlite_url(folder: Path, kiosks: Mapping[str, str] = KIOSKS) -> str:
    """A fresh database in `folder` at the current schema, seeded, with `kiosks` registered."""
    target = folder / "central.db"
    if not target.exists():
        shutil.copyfile(_template(kiosks), target)
    return f"sqlite:///{target}"


def prepare_db(db_url: str, kiosks: Mapping[str, str] = KIOSKS) -> str:
    """`db_url` made ready for create_app: an SQLite file not yet there is copied from the
    template; any other database is migrated, seeded and given the kiosks not registered."""
    prefix = "sqlite:///"
    if db_url.startswith(prefix) and "?" not in db_url and not Path(db_url[len(prefix) :]).exists():
        path = Path(db_url[len(prefix) :])
        shutil.copyfile(_template(kiosks), path)
        return db_url
    storage = open_storage(db_url, migrate=True)
    try:
        seed_demo(storage, utcnow())
        add_missing(storage, kiosks)
    finally:
        storage.close()
    return db_url


@contextlib.contextmanager
def run_central(db_url: str, kiosks: Mapping[str, str] = KIOSKS) -> Iterator[Central]:
    """create_app + uvicorn on a pre-bound port-0 socket in a thread; stopped on exit.

    Kiosks not registered yet are added (a registered kiosk keeps its token: rotate it with
    central.kiosk_registry.rotate_kiosk). An in-memory URL is migrated by open_storage."""
    if db_url != "sqlite://":
        prepare_db(db_url, kiosks)
    app = create_app(db_url, OPS_TOKEN, {}, seed=True)
    storage: Storage = app.state.storage
    add_missing(storage, kiosks)
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(app, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(10), "central did not start"
        yield Central(url=socket_url(sock), storage=storage, app=app)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        storage.close()
    assert not thread.is_alive(), "central did not stop"


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'central.db'}"


@pytest.fixture(scope="session")
def shared_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    """One server for the whole session (starting and stopping one costs ~0.2 s)."""
    with run_central(sqlite_url(tmp_path_factory.mktemp("shared"))) as running:
        yield running


@pytest.fixture
def central(shared_central: Central, tmp_path: Path) -> Iterator[Central]:
    """The shared server, switched to a fresh database of its own for this test."""
    app = shared_central.app
    storage = open_storage(prepared_sqlite_url(tmp_path))
    previous = app.state.storage
    app.state.storage = storage
    try:
        yield Central(url=shared_central.url, storage=storage, app=app)
    finally:
        app.state.storage = previous
        storage.close()


@pytest.fixture
def clock(central: Central) -> Iterator[FakeClock]:
    """The test's server runs on a FakeClock for the duration of the test."""
    fake = FakeClock()
    previous = central.app.state.clock
    central.app.state.clock = fake
    try:
        yield fake
    finally:
        central.app.state.clock = previous
