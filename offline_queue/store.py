"""The durable outbox: enqueue inside the caller's transaction; claim, ack, retry, dead-letter."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_queue.db import connect, ensure_schema
from offline_queue.errors import DuplicateKeyError, QueueStorageError

_COLUMNS = (
    "id, key, kind, body, state, attempts, next_attempt_at, created_at, acked_at, result, "
    "last_error"
)


def canonical(body: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, no NaN: the bytes central compares for idempotency."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)  # fmt: skip


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    kind: str
    body: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    acked_at: float | None
    result: dict[str, Any] | None
    last_error: str | None


@dataclass(frozen=True)
class QueueStats:
    pending: int
    acked: int
    dead: int
    oldest_pending_age_s: float | None


def _item(row: tuple[Any, ...]) -> OutboxItem:
    return OutboxItem(
        id=row[0],
        key=row[1],
        kind=row[2],
        body=json.loads(row[3]),
        state=row[4],
        attempts=row[5],
        next_attempt_at=row[6],
        created_at=row[7],
        acked_at=row[8],
        result=json.loads(row[9]) if row[9] is not None else None,
        last_error=row[10],
    )


def enqueue(
    conn: sqlite3.Connection,
    *,
    key: str,
    kind: str,
    body: Mapping[str, Any],
    now: float | None = None,
) -> None:
    """Insert one pending item with the caller's connection, inside the caller's transaction.
    Never begins or commits: the caller's journal event and this row commit together."""
    if not key or not kind:
        raise ValueError("key and kind must not be empty")
    try:
        payload = canonical(body)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"body is not JSON: {exc}") from exc
    stamp = time.time() if now is None else now
    try:
        conn.execute(
            "INSERT INTO outbox (key, kind, body, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, kind, payload, stamp, stamp),
        )
    except sqlite3.IntegrityError as exc:
        raise DuplicateKeyError(f"outbox key {key!r} already queued") from exc


class OutboxStore:
    """The sync side's own connection to the shared file; thread-safe."""

    def __init__(self, path: Path | str) -> None:
        self._conn = connect(path)
        ensure_schema(self._conn)
        self._lock = threading.Lock()

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as exc:
                raise QueueStorageError(f"queue read failed: {exc}") from exc

    def _write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, args in statements:
                        self._conn.execute(sql, tuple(args))
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise QueueStorageError(f"queue write failed: {exc}") from exc

    def due_batch(self, limit: int, now: float | None = None) -> list[OutboxItem]:
        """Pending items whose next attempt is due, oldest first (served by `outbox_due`)."""
        stamp = time.time() if now is None else now
        rows = self._query(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "  # noqa: S608
            "ORDER BY next_attempt_at, id LIMIT ?",
            (stamp, limit),
        )
        return [_item(row) for row in rows]

    def next_due_at(self) -> float | None:
        rows = self._query("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
        return rows[0][0] if rows and rows[0][0] is not None else None

    def mark_acked(
        self, key: str, result: Mapping[str, Any] | None, now: float | None = None
    ) -> None:
        stamp = time.time() if now is None else now
        payload = canonical(result) if result is not None else None
        self._write([(
            "UPDATE outbox SET state = 'acked', acked_at = ?, result = ?, "
            "attempts = attempts + 1, last_error = NULL WHERE key = ? AND state = 'pending'",
            (stamp, payload, key),
        )])  # fmt: skip

    def mark_dead(self, key: str, reason: str, now: float | None = None) -> None:
        stamp = time.time() if now is None else now
        self._write([(
            "UPDATE outbox SET state = 'dead', acked_at = ?, last_error = ?, "
            "attempts = attempts + 1 WHERE key = ? AND state = 'pending'",
            (stamp, reason, key),
        )])  # fmt: skip

    def mark_retry(self, keys: Sequence[str], error: str, next_attempt_at: float) -> None:
        self._write([
            ("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
             "WHERE key = ? AND state = 'pending'", (error, next_attempt_at, key))
            for key in keys
        ])  # fmt: skip

    def get(self, key: str) -> OutboxItem | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM outbox WHERE key = ?", (key,))  # noqa: S608
        return _item(rows[0]) if rows else None

    def stats(self, now: float | None = None) -> QueueStats:
        stamp = time.time() if now is None else now
        counts = dict(self._query("SELECT state, COUNT(*) FROM outbox GROUP BY state"))
        oldest = self._query("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'")[0][0]
        return QueueStats(
            pending=int(counts.get("pending", 0)),
            acked=int(counts.get("acked", 0)),
            dead=int(counts.get("dead", 0)),
            oldest_pending_age_s=None if oldest is None else max(stamp - oldest, 0.0),
        )

    def dead_letters(self, limit: int = 100) -> list[OutboxItem]:
        rows = self._query(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT ?",  # noqa: S608
            (limit,),
        )
        return [_item(row) for row in rows]

    def wait_until_acked(
        self, key: str, timeout_s: float, poll_s: float = 0.05
    ) -> dict[str, Any] | None:
        """Central's result for `key` once acknowledged within `timeout_s`, else None."""
        deadline = time.monotonic() + timeout_s
        while True:
            item = self.get(key)
            if item is not None and item.state == "acked":
                return item.result or {}
            if item is None or item.state == "dead" or time.monotonic() >= deadline:
                return None
            time.sleep(poll_s)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
