"""Outbox store: transactional enqueue, schema migrations, crash safety, canonical bodies."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import offline_queue
from offline_queue import DuplicateKeyError, OutboxStore, QueueStorageError, connect, enqueue

pytestmark = pytest.mark.timeout(60)


def _fresh(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    offline_queue.ensure_schema(conn)
    conn.execute("CREATE TABLE IF NOT EXISTS business (id INTEGER PRIMARY KEY, note TEXT)")
    return conn


def test_enqueue_commits_and_rolls_back_with_the_callers_transaction(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business (note) VALUES ('kept')")
    enqueue(conn, key="k1", kind="topup.v1", body={"amount_fen": 100})
    conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business (note) VALUES ('dropped')")
    enqueue(conn, key="k2", kind="topup.v1", body={"amount_fen": 200})
    conn.execute("ROLLBACK")
    assert [r[0] for r in conn.execute("SELECT note FROM business")] == ["kept"]
    store = OutboxStore(tmp_path / "q.db")
    assert [i.key for i in store.due_batch(10)] == ["k1"]
    assert store.get("k2") is None
    store.close()


def test_enqueue_does_not_commit_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    conn = _fresh(path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="k1", kind="x", body={})
    other = connect(path)  # another connection sees nothing until the caller commits
    assert other.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    conn.execute("COMMIT")
    assert other.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    enqueue(conn, key="k1", kind="x", body={})
    with pytest.raises(DuplicateKeyError):
        enqueue(conn, key="k1", kind="x", body={})


@pytest.mark.parametrize("body", [{"x": float("nan")}, {"x": object()}])
def test_body_must_be_strict_json(tmp_path: Path, body: dict[str, object]) -> None:
    conn = _fresh(tmp_path / "q.db")
    with pytest.raises(ValueError, match="not JSON"):
        enqueue(conn, key="k", kind="x", body=body)


def test_schema_is_idempotent_and_versioned(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    offline_queue.ensure_schema(conn)
    assert offline_queue.schema_version(conn) == offline_queue.SCHEMA_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0  # left to the journal


def test_opens_a_database_written_at_schema_1(tmp_path: Path) -> None:
    """GIVEN a file written by schema version 1 WHEN today's code opens it THEN it migrates
    and the old rows are still delivered."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.executescript(offline_queue.db.MIGRATIONS[0])
    raw.execute("CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT)")
    raw.execute("INSERT INTO outbox_meta VALUES ('schema_version', '1')")
    raw.execute(
        "INSERT INTO outbox (key, kind, body, next_attempt_at, created_at) "
        "VALUES ('old', 'topup.v1', '{}', 0, 0)"
    )
    raw.commit()
    raw.close()
    store = OutboxStore(path)
    assert [i.key for i in store.due_batch(10)] == ["old"]
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    conn.execute("UPDATE outbox_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(QueueStorageError, match="newer"):
        offline_queue.ensure_schema(conn)


def test_unopenable_path_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(QueueStorageError):
        connect(tmp_path / "missing-folder" / "q.db")


def test_due_batch_uses_the_index(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE state = 'pending' "
        "AND next_attempt_at <= 1 ORDER BY next_attempt_at, id LIMIT 100"
    ).fetchall()
    assert any("outbox_due" in row[-1] for row in plan), plan


def test_ack_dead_retry_and_stats(tmp_path: Path) -> None:
    conn = _fresh(tmp_path / "q.db")
    for n in range(3):
        enqueue(conn, key=f"k{n}", kind="x", body={"n": n}, now=100.0)
    store = OutboxStore(tmp_path / "q.db")
    store.mark_acked("k0", {"topup_id": 7}, now=110.0)
    store.mark_dead("k1", "rejected: msisdn", now=110.0)
    store.mark_retry(["k2"], "HTTP 503", next_attempt_at=200.0)
    assert store.due_batch(10, now=150.0) == []
    assert [i.key for i in store.due_batch(10, now=200.0)] == ["k2"]
    assert store.get("k0").result == {"topup_id": 7}  # type: ignore[union-attr]
    assert store.get("k2").attempts == 1  # type: ignore[union-attr]
    assert [i.last_error for i in store.dead_letters()] == ["rejected: msisdn"]
    stats = store.stats(now=160.0)
    assert (stats.pending, stats.acked, stats.dead) == (1, 1, 1)
    assert stats.oldest_pending_age_s == 60.0
    assert store.wait_until_acked("k0", 0) == {"topup_id": 7}
    assert store.wait_until_acked("k1", 0) is None
    assert store.wait_until_acked("k2", 0.1) is None
    store.close()


_CHILD = textwrap.dedent(
    """
    import os, sys
    import offline_queue
    conn = offline_queue.connect(sys.argv[1])
    offline_queue.ensure_schema(conn)
    conn.execute("BEGIN IMMEDIATE")
    offline_queue.enqueue(conn, key="committed", kind="x", body={})
    conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    offline_queue.enqueue(conn, key="uncommitted", kind="x", body={})
    print("ready", flush=True)
    sys.stdin.read()
    """
)


def test_kill_9_keeps_committed_and_loses_uncommitted(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    store = OutboxStore(path)
    assert store.get("committed") is not None
    assert store.get("uncommitted") is None
    store.close()
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(body=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_bodies_round_trip_canonically(
    tmp_path_factory: pytest.TempPathFactory, body: dict[str, object]
) -> None:
    path = tmp_path_factory.mktemp("rt") / "q.db"
    conn = _fresh(path)
    enqueue(conn, key="k", kind="x", body=body)
    stored = conn.execute("SELECT body FROM outbox WHERE key = 'k'").fetchone()[0]
    assert stored == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    store = OutboxStore(path)
    assert store.get("k").body == body  # type: ignore[union-attr]
    store.close()
    conn.close()
