"""Opening the shared SQLite file durably, and the outbox schema with numbered migrations.

The kiosk journal lives in the same file (transactional outbox), so the outbox keeps its schema
version in its own table rather than in PRAGMA user_version.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from offline_queue.errors import QueueStorageError

MIGRATIONS: tuple[str, ...] = (
    # 1: the outbox and the index that keeps claiming the next batch O(log n).
    """
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
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path | str) -> sqlite3.Connection:
    """WAL, synchronous=FULL, explicit transactions (isolation_level=None), usable across threads
    by callers that serialise access themselves."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
    except (sqlite3.Error, OSError) as exc:
        raise QueueStorageError(f"cannot open queue database {path}: {exc}") from exc
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_meta'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT value FROM outbox_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not seen yet, each in its own transaction."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT)"
            )
            current = schema_version(conn)
            if current > SCHEMA_VERSION:
                raise QueueStorageError(
                    f"queue schema {current} is newer than this software ({SCHEMA_VERSION})"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(
                "INSERT INTO outbox_meta VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise QueueStorageError(f"cannot prepare queue schema: {exc}") from exc
