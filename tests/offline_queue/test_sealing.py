"""Personal data encrypted while queued (AES-GCM per field, key file 0600), sent in the clear
over TLS only, and purged once central has the item."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from offline_queue import (
    FieldSealer,
    HttpBatchSender,
    OutboxStore,
    QueueError,
    SealingError,
    SyncWorker,
    enqueue,
)
from offline_queue.sealing import PURGED
from tests.offline_queue.conftest import ScriptedCentral, central, fresh_db  # noqa: F401

pytestmark = pytest.mark.timeout(60)

ID_NUMBER = "110101199003074477"
NAME = "张三"
BODY = {"txn_id": "T1", "id_number": ID_NUMBER, "name": NAME, "amount_fen": 100}
SENSITIVE = ("id_number", "name")


@pytest.fixture
def sealer(tmp_path: Path) -> FieldSealer:
    return FieldSealer.load_or_create(tmp_path / "queue.key")


def _queue(path: Path, sealer: FieldSealer | None, key: str = "k1") -> None:
    conn = fresh_db(path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key=key, kind="sim_sale.v1", body=BODY, sensitive=SENSITIVE, sealer=sealer,
            now=0.0)  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


def _raw_bodies(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return "\n".join(row[0] for row in conn.execute("SELECT body FROM outbox"))


def _file_bytes(path: Path) -> bytes:
    """The database and its WAL as bytes on disk: what a stolen disk shows."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_key_file_is_made_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    first = FieldSealer.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    sealed = first.seal("k", BODY, SENSITIVE)
    assert FieldSealer.load_or_create(path).open("k", sealed) == BODY


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    FieldSealer.load_or_create(path)
    os.chmod(path, 0o644)
    with pytest.raises(SealingError, match="readable by others"):
        FieldSealer.load_or_create(path)


def test_a_truncated_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    path.write_bytes(b"short")
    os.chmod(path, 0o600)
    with pytest.raises(SealingError, match="5 bytes"):
        FieldSealer.load_or_create(path)
    assert path.read_bytes() == b"short"


def test_personal_fields_are_sealed_on_disk_and_open_to_send(
    tmp_path: Path, sealer: FieldSealer
) -> None:
    path = tmp_path / "q.db"
    _queue(path, sealer)
    raw = _raw_bodies(path)
    assert ID_NUMBER not in raw
    assert NAME not in raw
    assert "sealed:v1:" in raw
    assert ID_NUMBER.encode() not in _file_bytes(path)
    store = OutboxStore(path, sealer)
    try:
        [item] = store.due_batch(10, now=1.0)
        assert item.body == BODY
    finally:
        store.close()


def test_sensitive_fields_need_a_sealer(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(QueueError, match="need a sealer"):
        enqueue(conn, key="k", kind="sim_sale.v1", body=BODY, sensitive=SENSITIVE)
    conn.execute("ROLLBACK")
    conn.close()


def test_acked_items_lose_their_personal_data(tmp_path: Path, sealer: FieldSealer) -> None:
    path = tmp_path / "q.db"
    _queue(path, sealer)
    store = OutboxStore(path, sealer)
    try:
        assert store.mark_acked("k1", {"status": "accepted"})
        item = store.get("k1")
        assert item is not None
        assert item.body["id_number"] == PURGED
        assert item.body["name"] == PURGED
        assert item.body["amount_fen"] == 100
        assert "sealed:v1:" not in _raw_bodies(path)
    finally:
        store.close()


def test_a_crash_between_ack_and_purge_is_purged_at_open(
    tmp_path: Path, sealer: FieldSealer
) -> None:
    path = tmp_path / "q.db"
    _queue(path, sealer)
    with sqlite3.connect(path) as conn:  # acked, as a crash would leave it: sealed data kept
        conn.execute("UPDATE outbox SET state = 'acked', acked_at = 1")
    assert "sealed:v1:" in _raw_bodies(path)
    OutboxStore(path).close()
    assert "sealed:v1:" not in _raw_bodies(path)


def test_an_item_that_does_not_open_becomes_a_dead_letter(
    tmp_path: Path, sealer: FieldSealer
) -> None:
    path = tmp_path / "q.db"
    _queue(path, sealer)
    other = FieldSealer(os.urandom(32))
    store = OutboxStore(path, other)
    try:
        assert store.due_batch(10, now=1.0) == []
        item = store.get("k1")
        assert item is not None
        assert item.state == "dead"
        assert "does not open" in (item.last_error or "")
    finally:
        store.close()


def test_a_sealed_value_moved_to_another_item_does_not_open(sealer: FieldSealer) -> None:
    sealed = sealer.seal("k1", BODY, SENSITIVE)
    with pytest.raises(SealingError):
        sealer.open("k2", sealed)
    swapped = {**sealed, "name": sealed["id_number"]}
    with pytest.raises(SealingError):
        sealer.open("k1", swapped)


def test_the_worker_sends_the_opened_body_and_purges_after_the_ack(
    central: ScriptedCentral,  # noqa: F811
    tmp_path: Path,
    sealer: FieldSealer,
) -> None:
    path = tmp_path / "q.db"
    _queue(path, sealer)
    store = OutboxStore(path, sealer)
    try:
        worker = SyncWorker(store, HttpBatchSender(central.url, "K1", "secret-token"))
        report = worker.run_once()
        assert report.acked == 1
        assert central.requests[0]["body"]["items"][0]["body"] == BODY
        assert ID_NUMBER not in _raw_bodies(path)
        assert "sealed:v1:" not in _raw_bodies(path)
        # This central echoes the body in its answer: the stored answer is purged too (found
        # by tests/security's leak scan: the echoed ID number stayed in the result column).
        result = store.wait_until_acked("k1", 1.0)
        assert result is not None
        assert result["echo"]["id_number"] == "purged"
        assert result["echo"]["txn_id"] == BODY["txn_id"]
        with sqlite3.connect(path) as conn:
            [(stored,)] = conn.execute("SELECT result FROM outbox").fetchall()
        assert ID_NUMBER not in stored
        assert ID_NUMBER.encode() not in _file_bytes(path)  # not in the WAL either
    finally:
        store.close()
