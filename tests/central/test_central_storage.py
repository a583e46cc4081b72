"""Durability and concurrency: answers survive a restart, racing deliveries credit once,
last_seen is shared through the database, a database not at head is refused."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from central import sync
from central.db import Kiosk, Storage, SyncRecord, open_storage
from central.errors import ConfigError, StorageError
from central.kinds import KINDS, KindSpec
from central.kiosk_registry import rotate_kiosk
from central.schemas import SyncItem
from central.secrets_store import server_key
from tests.central.conftest import KIOSKS, Central, item, run_central, sqlite_url, topup_body
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)


def test_idempotency_survives_restart_and_tokens_can_rotate(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with run_central(url) as first:
        [accepted] = first.sync_results([item("k")])
        assert rotate_kiosk(first.storage, "K1", "rotated")
    # restarted with the kiosks of the first start: registered ones keep their rotated token
    with run_central(url, kiosks={**KIOSKS, "K1": "token-one"}) as second:
        assert second.sync(items=[item("k")], kiosk="K1").status_code == 401  # old token
        reply = second.sync(items=[item("k")], kiosk="K1", token="rotated")
        assert reply.status_code == 200
        [again] = reply.json()["results"]
        assert again == {**accepted, "status": "duplicate"}
        # K2 was registered by the first run and is still known with its token
        assert second.sync_results([item("k")], kiosk="K2")[0]["status"] == "accepted"
        assert len(second.topups()) == 2


def test_sqlite_runs_in_wal_mode_with_busy_timeout(central: Central) -> None:
    with central.storage.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_racing_deliveries_of_one_key_credit_once(central: Central) -> None:
    workers = 8
    barrier = threading.Barrier(workers)
    answers: list[Any] = []
    lock = threading.Lock()

    def deliver() -> None:
        barrier.wait()
        reply = requests.post(
            f"{central.url}/v1/sync",
            json={"items": [item("race")]},
            headers={"X-Kiosk-Id": "K1", "Authorization": f"Bearer {KIOSKS['K1']}"},
            timeout=30,
        )
        with lock:
            answers.append((reply.status_code, reply.json()))

    threads = [threading.Thread(target=deliver) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [status for status, _ in answers] == [200] * workers
    results = [body["results"][0] for _, body in answers]
    assert sorted(r["status"] for r in results) == ["accepted"] + ["duplicate"] * (workers - 1)
    assert {r["result"]["topup_id"] for r in results} == {1}
    assert len(central.topups()) == 1


def test_racing_different_keys_all_credit(central: Central) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    statuses: list[str] = []

    def deliver(n: int) -> None:
        barrier.wait()
        [result] = central.sync_results([item(f"k{n}", topup_body(txn_id=f"T{n}"))])
        statuses.append(result["status"])

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == ["accepted"] * workers
    assert sorted(row["txn_id"] for row in central.topups()) == [f"T{n}" for n in range(workers)]


def test_in_memory_sqlite_url_works() -> None:
    with run_central("sqlite://") as running:
        assert running.sync_results([item("k")])[0]["status"] == "accepted"
        assert len(running.topups()) == 1


@pytest.mark.parametrize("url", ["", "garbage", "nosuchdb://x/y"])
def test_bad_urls_raise_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        open_storage(url)


def _lose_the_first_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next key lookup miss, as when a racing delivery commits just after it."""
    real = sync._stored
    calls = iter([True])

    def stored(storage: Storage, kiosk_id: str, key: str) -> SyncRecord | None:
        if next(calls, False):
            return None
        return real(storage, kiosk_id, key)

    monkeypatch.setattr(sync, "_stored", stored)


def test_race_loser_caught_by_business_check_answers_duplicate(
    central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    [first] = central.sync_results([item("k")])
    _lose_the_first_lookup(monkeypatch)
    answer = sync.process_item(central.storage, "K1", SyncItem.model_validate(item("k")))
    assert answer.model_dump() == {**first, "status": "duplicate"}
    assert len(central.topups()) == 1


def test_race_loser_caught_by_unique_key_answers_duplicate_or_conflict(
    central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kind without its own duplicate check: the idempotency table's primary key decides."""

    class Note(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        text: str

    def apply_note(_session: Session, _kiosk_id: str, body: Note) -> dict[str, Any]:
        return {"echo": body.text}

    monkeypatch.setitem(KINDS, "note.v1", KindSpec(name="note.v1", model=Note, handler=apply_note))
    [first] = central.sync_results([item("n", {"text": "hi"}, kind="note.v1")])
    assert first == {"key": "n", "status": "accepted", "reason": None, "result": {"echo": "hi"}}
    _lose_the_first_lookup(monkeypatch)
    same = sync.process_item(
        central.storage, "K1", SyncItem(key="n", kind="note.v1", body={"text": "hi"})
    )
    assert same.model_dump() == {**first, "status": "duplicate"}
    _lose_the_first_lookup(monkeypatch)
    changed = sync.process_item(
        central.storage, "K1", SyncItem(key="n", kind="note.v1", body={"text": "bye"})
    )
    assert changed.status == "conflict"
    assert changed.reason == "key already used with a different body; nothing processed"


def _last_seen(storage: Storage, kiosk_id: str) -> datetime | None:
    with storage.sessions() as session:
        return session.scalar(select(Kiosk.last_seen).where(Kiosk.id == kiosk_id))


def test_last_seen_is_shared_through_the_database(central: Central) -> None:
    """Every instance reads last_seen from the database: another Storage on the same file (as
    another central process would be) sees the stamps once the noting process has written
    them — its thread does every second, an ops view of its own flushes first — and a stamp
    never moves backwards, whichever instance writes it."""
    other = open_storage(str(central.storage.engine.url))
    try:
        start = datetime.now(UTC)
        central.storage.seen.note("K1", start)
        central.storage.seen.note("K1", start - timedelta(seconds=3))  # a slower request
        central.storage.flush_seen()
        assert _last_seen(other, "K1") == start
        other.seen.note("K1", start + timedelta(seconds=1))
        other.flush_seen()
        assert _last_seen(central.storage, "K1") == start + timedelta(seconds=1)
        central.storage.seen.note("K1", start - timedelta(minutes=5))  # a late request
        central.storage.flush_seen()
        assert _last_seen(other, "K1") == start + timedelta(seconds=1)  # never backwards
        assert _last_seen(other, "K2") is None
    finally:
        other.close()


def test_noted_stamps_reach_the_database_without_a_flush(central: Central) -> None:
    """The process's own thread writes what was noted within about a second."""
    start = datetime.now(UTC)
    central.storage.seen.note("K2", start)
    wait_until(lambda: _last_seen(central.storage, "K2") == start, what="the stamp written")


def test_open_storage_refuses_a_database_not_at_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with pytest.raises(StorageError, match=r"is empty: run `python -m central migrate"):
        open_storage(url)
    open_storage(url, migrate=True).close()
    open_storage(url).close()


def test_server_key_is_created_once_and_then_read(central: Central) -> None:
    with central.storage.sessions.begin() as session:
        first = server_key(session, "test_key")
    with central.storage.sessions.begin() as session:
        assert server_key(session, "test_key") == first
    assert len(first) == 32
