"""Opening the shared SQLite file durably, and the outbox schema with numbered migrations.

The kiosk journal lives in the same file (transactional outbox), so the outbox keeps its schema
version in its own table `outbox_meta` and never touches PRAGMA user_version.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from offline_queue.errors import QueueStorageError

# Migration N is MIGRATIONS[N - 1]: statements applied in order, never edited once shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the outbox, and the index that serves the next due batch in O(log n + batch).
    (
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
        )
        """,
        "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id)",
    ),
    # 2: the age of the oldest pending item (health report) without scanning the backlog.
    ("CREATE INDEX outbox_age ON outbox (state, created_at)",),
    # 3: counts by state kept by triggers in the writer's own transaction, so stats() reads
    # three rows instead of counting a backlog (and no writer can forget to maintain them).
    (
        "CREATE TABLE outbox_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO outbox_counts (state, n) "
        "SELECT s.state, (SELECT COUNT(*) FROM outbox WHERE outbox.state = s.state) "
        "FROM (SELECT 'pending' AS state UNION ALL SELECT 'acked' UNION ALL SELECT 'dead') s",
        """
        CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox BEGIN
            UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state;
        END
        """,
        """
        CREATE TRIGGER outbox_counts_delete AFTER DELETE ON outbox BEGIN
            UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
        END
        """,
        """
        CREATE TRIGGER outbox_counts_update AFTER UPDATE OF state ON outbox
        WHEN OLD.state IS NOT NEW.state BEGIN
            UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state;
            UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state;
        END
        """,
    ),
    # 4: an enqueue writes 3 b-tree pages (the row, its key, outbox_due) and the AUTOINCREMENT
    # counter instead of 6, and runs no trigger (issue 3: every page a commit dirties is a WAL
    # frame fsynced with it).
    # - outbox_age goes: the oldest pending item is the pending item with the lowest id (ids
    #   only grow: AUTOINCREMENT). outbox_tally's 'pending_from' is a low-water mark, no pending
    #   row has a smaller id; the store raises it in the writes that settle items, a trigger
    #   lowers it when a row becomes pending again, so the lookup is a short rowid walk.
    # - the pending count is the AUTOINCREMENT counter (every row ever inserted, which an
    #   insert updates anyway) plus 'pending_less_inserted', which triggers lower when a row
    #   leaves pending or a pending row is deleted, and raise when a row comes back to pending.
    #   So rows enter the outbox only as enqueue() inserts them: pending, id from SQLite.
    # 'acked' and 'dead' are counted by triggers as before.
    (
        "DROP INDEX outbox_age",
        "DROP TRIGGER outbox_counts_insert",
        "DROP TRIGGER outbox_counts_delete",
        "DROP TRIGGER outbox_counts_update",
        "DROP TABLE outbox_counts",
        "CREATE TABLE outbox_tally (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        """
        INSERT INTO outbox_tally (name, n)
        SELECT 'acked', (SELECT COUNT(*) FROM outbox WHERE state = 'acked')
        UNION ALL SELECT 'dead', (SELECT COUNT(*) FROM outbox WHERE state = 'dead')
        UNION ALL SELECT 'pending_less_inserted',
            (SELECT COUNT(*) FROM outbox WHERE state = 'pending')
            - COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)
        UNION ALL SELECT 'pending_from', COALESCE(
            (SELECT MIN(id) FROM outbox WHERE state = 'pending'),
            COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) + 1
        )
        """,
        """
        CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
            UPDATE outbox_tally SET n = n - 1 WHERE name =
                CASE OLD.state WHEN 'pending' THEN 'pending_less_inserted' ELSE OLD.state END;
        END
        """,
        """
        CREATE TRIGGER outbox_tally_update AFTER UPDATE OF state ON outbox
        WHEN OLD.state IS NOT NEW.state BEGIN
            UPDATE outbox_tally SET n = n - 1 WHERE name =
                CASE OLD.state WHEN 'pending' THEN 'pending_less_inserted' ELSE OLD.state END;
            UPDATE outbox_tally SET n = n + 1 WHERE name =
                CASE NEW.state WHEN 'pending' THEN 'pending_less_inserted' ELSE NEW.state END;
        END
        """,
        """
        CREATE TRIGGER outbox_tally_repending AFTER UPDATE OF state ON outbox
        WHEN NEW.state = 'pending' AND OLD.state IS NOT 'pending' BEGIN
            UPDATE outbox_tally SET n = NEW.id WHERE name = 'pending_from' AND n > NEW.id;
        END
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_MS = 5000
# Page size of a NEW file. Every page a commit dirties is one WAL frame written and fsynced
# with it: small pages make a durable enqueue cheaper (issue 3). Existing files keep theirs.
PAGE_SIZE = 1024


def connect(path: Path | str) -> sqlite3.Connection:
    """Open the shared database: WAL, synchronous=FULL, foreign keys on, a 5 s busy timeout,
    explicit transactions (isolation_level=None: callers write BEGIN IMMEDIATE ... COMMIT), and
    PAGE_SIZE pages if the file is new.

    The connection may be used from several threads by callers that serialise access."""
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            str(path),
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Only a file with no pages yet takes it (before WAL is set); an existing one keeps its own.
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise QueueStorageError(f"queue database {path} cannot use WAL (journal_mode={mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise QueueStorageError(f"cannot open queue database {path}: {exc}") from exc
    except QueueStorageError:
        if conn is not None:
            conn.close()
        raise
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    """The outbox schema version recorded in this database; 0 if it has none yet."""
    try:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox_meta'"
        ).fetchone()
        if not exists:
            return 0
        row = conn.execute("SELECT value FROM outbox_meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as exc:
        raise QueueStorageError(f"cannot read queue schema version: {exc}") from exc
    if row is None:
        return 0
    try:
        return int(row[0])
    except (TypeError, ValueError) as exc:
        raise QueueStorageError(f"queue schema version is not a number: {row[0]!r}") from exc


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    """Undo our open transaction; a failure here would hide the error worth reporting."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Apply, in order and in one transaction, the migrations this database has not seen yet.

    Idempotent and safe against a concurrent caller (BEGIN IMMEDIATE serialises them). Must be
    called outside any open transaction."""
    if conn.in_transaction:
        raise QueueStorageError("ensure_schema must not run inside an open transaction")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise QueueStorageError(f"cannot prepare queue schema: {exc}") from exc
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT)")
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise QueueStorageError(
                f"queue schema {current} is newer than this software ({SCHEMA_VERSION})"
            )
        for number in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
        conn.execute(
            "INSERT INTO outbox_meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException as exc:
        _rollback_quietly(conn)
        if isinstance(exc, sqlite3.Error):
            raise QueueStorageError(f"cannot prepare queue schema: {exc}") from exc
        raise
