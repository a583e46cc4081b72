"""Opening the shared file, and the outbox schema: fresh, idempotent, migrated from version 1."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

import offline_queue
from offline_queue import QueueStats, QueueStorageError, connect, ensure_schema, schema_version
from offline_queue.db import PAGE_SIZE
from offline_queue.store import _RAISE_MARK_SQL, _STATS_SQL
from tests.offline_queue.conftest import fresh_db

# Schema version 1 exactly as it shipped (commit 5517b35). Frozen here on purpose: if someone
# edits migration 1 instead of adding a new migration, databases in the field stop matching.
V1_DDL = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL,
    acked_at REAL,
    result TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO outbox_meta VALUES ('schema_version', '1');
"""


def _indexes(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [row[0] for row in rows]


def _triggers(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'outbox' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


def test_connect_sets_the_durability_pragmas(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.isolation_level is None
    conn.execute("CREATE TABLE t (x)")  # autocommit outside BEGIN: visible to others at once
    other = connect(tmp_path / "q.db")
    assert other.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def test_connection_is_usable_from_another_thread(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(conn.execute("SELECT 7").fetchone()[0]))
    thread.start()
    thread.join()
    assert seen == [7]


def test_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(QueueStorageError, match="cannot open queue database") as caught:
        connect(tmp_path / "missing-folder" / "q.db")
    assert caught.value.message_key == "queue.storage_failed"


def test_a_folder_in_place_of_the_file_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "q.db").mkdir()
    with pytest.raises(QueueStorageError):
        connect(tmp_path / "q.db")


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "q.db").write_bytes(b"this is not sqlite, " * 100)
    with pytest.raises(QueueStorageError):
        connect(tmp_path / "q.db")


def _tally(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, n FROM outbox_tally").fetchall())


def test_fresh_schema(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    assert schema_version(conn) == 0
    ensure_schema(conn)
    assert schema_version(conn) == offline_queue.SCHEMA_VERSION == 4
    assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 1024
    assert _indexes(conn) == ["outbox_due"]
    # No trigger runs on an insert: an enqueue writes the row, its two index entries and the
    # AUTOINCREMENT counter, nothing else.
    assert _triggers(conn) == [
        "outbox_tally_delete",
        "outbox_tally_repending",
        "outbox_tally_update",
    ]
    assert _tally(conn) == {"acked": 0, "dead": 0, "pending_less_inserted": 0, "pending_from": 1}
    columns = [row[1] for row in conn.execute("PRAGMA table_info(outbox)")]
    assert columns == [
        "id",
        "key",
        "kind",
        "body",
        "state",
        "attempts",
        "next_attempt_at",
        "created_at",
        "acked_at",
        "result",
        "last_error",
    ]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0  # the journal's to use


def test_ensure_schema_is_idempotent_and_keeps_rows(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    offline_queue.enqueue(conn, key="k", kind="x", body={"a": 1})
    conn.execute("COMMIT")
    for _ in range(3):
        ensure_schema(conn)
    assert schema_version(conn) == 4
    assert conn.execute("SELECT key, body FROM outbox").fetchall() == [("k", '{"a":1}')]
    assert conn.execute("SELECT key, value FROM outbox_meta").fetchall() == [
        ("schema_version", "4")
    ]
    store = offline_queue.OutboxStore(tmp_path / "q.db")
    assert store.stats(now=0.0).pending == 1
    store.close()


def test_the_journal_user_version_is_left_alone(tmp_path: Path) -> None:
    conn = connect(tmp_path / "q.db")
    conn.execute("PRAGMA user_version = 41")
    ensure_schema(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 41


def test_a_version_1_database_migrates_and_keeps_its_items(tmp_path: Path) -> None:
    """GIVEN a file written at schema version 1 with a pending item
    WHEN today's code opens it THEN migrations 2 to 4 run, the counts include the old rows,
    the item is still delivered, and the file keeps its 4 KiB pages."""
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.executescript(V1_DDL)
    raw.execute(
        "INSERT INTO outbox (key, kind, body, next_attempt_at, created_at) "
        "VALUES ('old', 'topup.v1', '{\"amount_fen\":100}', 5, 5)"
    )
    raw.executemany(
        "INSERT INTO outbox (key, kind, body, state, next_attempt_at, created_at, acked_at) "
        "VALUES (?, 'topup.v1', '{}', ?, 1, 1, 2)",
        [("a1", "acked"), ("a2", "acked"), ("d1", "dead")],
    )
    raw.commit()
    raw.close()

    store = offline_queue.OutboxStore(path)
    assert [(i.key, i.body) for i in store.due_batch(10, now=10.0)] == [
        ("old", {"amount_fen": 100})
    ]
    stats = store.stats(now=15.0)
    assert stats.oldest_pending_age_s == 10.0
    assert (stats.pending, stats.acked, stats.dead) == (1, 2, 1)
    store.close()
    conn = connect(path)
    assert schema_version(conn) == 4
    assert _indexes(conn) == ["outbox_due"]
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096  # an old file keeps its own
    assert store_stats(path, now=15.0) == (1, 2, 1, 10.0)


def store_stats(path: Path, now: float) -> tuple[int, int, int, float | None]:
    store = offline_queue.OutboxStore(path)
    try:
        stats = store.stats(now=now)
    finally:
        store.close()
    return stats.pending, stats.acked, stats.dead, stats.oldest_pending_age_s


def test_a_version_3_database_migrates_with_its_counts(tmp_path: Path) -> None:
    """GIVEN a file at schema version 3 (counts kept by triggers, outbox_age) whose rows were
    acked, dead-lettered, retried, deleted, with the oldest pending item not the first row
    WHEN today's code opens it THEN migration 4 replaces the counts and the age index, and
    the counts, the oldest age and every later write agree with a full scan."""
    path = tmp_path / "v3.db"
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE outbox_meta (key TEXT PRIMARY KEY, value TEXT)")
    for statement in (s for migration in offline_queue.MIGRATIONS[:3] for s in migration):
        raw.execute(statement)
    raw.execute("INSERT INTO outbox_meta VALUES ('schema_version', '3')")
    raw.executemany(
        "INSERT INTO outbox (key, kind, body, next_attempt_at, created_at) "
        "VALUES (?, 'topup.v1', '{}', ?, ?)",
        [(f"k{n}", 100.0 + n, 100.0 + n) for n in range(8)],
    )
    raw.execute("UPDATE outbox SET state = 'acked', acked_at = 1 WHERE key IN ('k0', 'k2')")
    raw.execute("UPDATE outbox SET state = 'dead', acked_at = 1 WHERE key = 'k1'")
    raw.execute("DELETE FROM outbox WHERE key IN ('k2', 'k7')")  # k7: the highest id
    raw.close()
    assert store_stats(path, now=110.0) == (4, 1, 1, 7.0)  # k3..k6 pending, k3 the oldest

    conn = connect(path)
    assert schema_version(conn) == 4
    assert _indexes(conn) == ["outbox_due"]
    assert sorted(_tally(conn)) == ["acked", "dead", "pending_from", "pending_less_inserted"]
    conn.execute("BEGIN IMMEDIATE")
    offline_queue.enqueue(conn, key="k8", kind="topup.v1", body={}, now=108.0)
    conn.execute("COMMIT")
    assert conn.execute("SELECT id FROM outbox WHERE key = 'k8'").fetchone() == (9,)
    conn.close()
    store = offline_queue.OutboxStore(path)
    try:
        assert store.stats(now=110.0) == QueueStats(5, 1, 1, 7.0)
        assert store.record_outcomes(acked=[("k3", None), ("k4", None)], now=111.0) == 2
        assert store.stats(now=110.0) == QueueStats(3, 3, 1, 5.0)  # k5 now the oldest
        assert store.retry_dead("k1", now=111.0)
        assert store.stats(now=110.0) == QueueStats(4, 3, 0, 9.0)  # k1 pending again
    finally:
        store.close()


def test_migration_1_still_reproduces_version_1(tmp_path: Path) -> None:
    """The migrations list replays version 1 exactly like the frozen DDL above."""
    frozen = sqlite3.connect(tmp_path / "a.db")
    frozen.executescript(V1_DDL)
    replayed = sqlite3.connect(tmp_path / "b.db")
    for statement in offline_queue.MIGRATIONS[0]:
        replayed.execute(statement)

    def shape(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
        return [
            *conn.execute("PRAGMA table_info(outbox)").fetchall(),
            *conn.execute("PRAGMA index_xinfo(outbox_due)").fetchall(),
        ]

    assert shape(replayed) == shape(frozen)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("UPDATE outbox_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(QueueStorageError, match="newer"):
        ensure_schema(conn)
    assert not conn.in_transaction
    with pytest.raises(QueueStorageError, match="newer"):
        offline_queue.OutboxStore(tmp_path / "q.db")


def test_a_garbled_version_is_a_storage_error(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("UPDATE outbox_meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(QueueStorageError, match="not a number"):
        ensure_schema(conn)


def test_ensure_schema_does_not_touch_a_callers_transaction(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business (note) VALUES ('mine')")
    with pytest.raises(QueueStorageError, match="inside an open transaction"):
        ensure_schema(conn)
    assert conn.in_transaction  # not rolled back behind the caller's back
    conn.execute("COMMIT")
    assert conn.execute("SELECT note FROM business").fetchall() == [("mine",)]


def _plan(conn: sqlite3.Connection, sql: str, *args: object) -> str:
    return " | ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_the_hot_queries_are_index_lookups(tmp_path: Path) -> None:
    """Due batch, next due time and oldest pending age never scan the table or sort."""
    conn = fresh_db(tmp_path / "q.db")
    due = _plan(
        conn,
        "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, id LIMIT ?",
        1.0,
        100,
    )
    assert "SEARCH outbox USING INDEX outbox_due (state=? AND next_attempt_at<?)" in due
    assert "TEMP B-TREE" not in due
    nxt = _plan(conn, "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
    assert "outbox_due" in nxt
    # stats(): tally rows by key, the oldest pending item by a rowid walk from the mark.
    stats = _plan(conn, _STATS_SQL)
    assert "SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)" in stats
    assert "SCAN outbox" not in stats
    assert "TEMP B-TREE" not in stats
    mark = _plan(conn, _RAISE_MARK_SQL)
    assert "SEARCH outbox USING INTEGER PRIMARY KEY (rowid>?)" in mark
    assert "SCAN outbox" not in mark
    by_key = _plan(conn, "SELECT * FROM outbox WHERE key = ?", "k")
    assert "USING INDEX sqlite_autoindex_outbox_1 (key=?)" in by_key
