"""The durable outbox: enqueue inside the caller's transaction; serve due batches, record acks,
retries and dead letters; report queue health."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from offline_queue.db import connect, ensure_schema
from offline_queue.errors import DuplicateKeyError, QueueError, QueueStorageError
from offline_queue.protocol import MAX_BATCH, canonical, canonical_body, check_item
from offline_queue.sealing import (
    FieldSealer,
    SealingError,
    has_sealed,
    purged,
    purged_result,
    sealed_fields,
)

State = Literal["pending", "acked", "dead"]

_COLUMNS = (
    "id, key, kind, body, state, attempts, next_attempt_at, created_at, acked_at, result, "
    "last_error"
)
_SELECT = f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608 - constant column list
_MAX_ERROR_CHARS = 1000

# Queue health in one statement, so one snapshot even while another connection writes (the
# bookkeeping is db.py's migration 4): pending is the AUTOINCREMENT counter (every row ever
# inserted) plus the tally kept by triggers; the oldest pending item is the one with the lowest
# id, found by walking the rowid up from the low-water mark, which sits at or just below it.
_STATS_SQL = """
SELECT
    (SELECT n FROM outbox_tally WHERE name = 'pending_less_inserted')
        + COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
    (SELECT n FROM outbox_tally WHERE name = 'acked'),
    (SELECT n FROM outbox_tally WHERE name = 'dead'),
    (SELECT created_at FROM outbox NOT INDEXED WHERE state = 'pending'
        AND id >= (SELECT n FROM outbox_tally WHERE name = 'pending_from') ORDER BY id LIMIT 1)
"""
# In the store's writes that settle items: the mark moves up to the lowest pending id (past
# everything settled since), or past the last id when nothing is pending.
_RAISE_MARK_SQL = """
UPDATE outbox_tally SET n = COALESCE(
    (SELECT id FROM outbox NOT INDEXED WHERE state = 'pending' AND id >= outbox_tally.n
        ORDER BY id LIMIT 1),
    COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) + 1
) WHERE name = 'pending_from'
"""


@dataclass(frozen=True)
class OutboxItem:
    """One outbox row. `acked_at` is when it left `pending` (acked or dead-lettered);
    `attempts` counts the sends that reached a verdict or failed."""

    id: int
    key: str
    kind: str
    body: dict[str, Any]
    state: State
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


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def enqueue(
    conn: sqlite3.Connection,
    *,
    key: str,
    kind: str,
    body: Mapping[str, object],
    now: float | None = None,
    sensitive: Sequence[str] = (),
    sealer: FieldSealer | None = None,
) -> None:
    """Insert one pending item with the caller's connection, inside the caller's open
    transaction (BEGIN IMMEDIATE ... COMMIT). Never begins or commits: the caller's journal
    event and this row commit together or not at all. The `sensitive` top-level fields of the
    body (personal data) are stored sealed with `sealer` (offline_queue.sealing).

    Raises InvalidItemError (a ValueError) for a key, kind or body central could not take,
    DuplicateKeyError for a key already queued, QueueStorageError for a database failure."""
    check_item(key, kind)
    if sensitive:
        if sealer is None:
            raise QueueError("sensitive fields need a sealer (sync.sealing_key_file)")
        canonical_body(body)  # the plain body must be one central could take
        body = sealer.seal(key, body, sensitive)
    payload = canonical_body(body)
    if not conn.in_transaction:
        raise QueueError("enqueue must run inside the caller's transaction (BEGIN IMMEDIATE)")
    stamp = time.time() if now is None else now
    try:
        conn.execute(
            "INSERT INTO outbox (key, kind, body, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, kind, payload, stamp, stamp),
        )
    except sqlite3.IntegrityError as exc:
        if "outbox.key" in str(exc):
            raise DuplicateKeyError(f"outbox key {key!r} already queued") from exc
        raise QueueStorageError(f"outbox insert failed: {exc}") from exc
    except sqlite3.Error as exc:
        raise QueueStorageError(f"outbox insert failed: {exc}") from exc


class OutboxStore:
    """The sync side's own connection to the shared file. Thread-safe: one lock serialises
    the connection; every write is one short BEGIN IMMEDIATE transaction."""

    def __init__(self, path: Path | str, sealer: FieldSealer | None = None) -> None:
        self.path = Path(path)
        self._sealer = sealer
        self._conn = connect(path)
        try:
            ensure_schema(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._lock = threading.Lock()
        self._handed_out: dict[str, int] = {}  # key → id of the last due batch
        # Writers bump the generation so wait_until_acked wakes at once in this process.
        self._changed = threading.Condition()
        self._generation = 0
        # A crash between an ack and its purge left sealed data behind: purge it now.
        self.purge_sealed()

    # --- plumbing ---------------------------------------------------------------------------

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(args)).fetchall()
            except sqlite3.Error as exc:
                raise QueueStorageError(f"queue read failed: {exc}") from exc

    def _write(self, batches: Iterable[tuple[str, Sequence[Sequence[Any]]]]) -> list[int]:
        """Run (statement, rows) pairs in one transaction; the rows each pair changed."""
        changed: list[int] = []
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, rows in batches:
                        count = self._conn.executemany(sql, rows).rowcount if rows else 0
                        changed.append(count)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise QueueStorageError(f"queue write failed: {exc}") from exc
        with self._changed:
            self._generation += 1
            self._changed.notify_all()
        return changed

    # --- the sync worker's side -------------------------------------------------------------

    def due_batch(self, limit: int, now: float | None = None) -> list[OutboxItem]:
        """Up to `limit` pending items whose next attempt is due, returned in id order.

        The rows are picked by walking the `outbox_due` index (state, next_attempt_at, id): the
        longest-due first, so a big backlog costs O(log n + limit) and items waiting out a
        backoff are never scanned."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        stamp = time.time() if now is None else now
        rows = self._query(
            f"{_SELECT} WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at, id LIMIT ?",
            (stamp, limit),
        )
        items = sorted((_item(row) for row in rows), key=lambda item: item.id)
        # Their row ids, for record_outcomes: keys are random (uuid4), so finding 100 of them in
        # the key index of a 50,000-item backlog touches pages all over it; the ids of one batch
        # are neighbours in the table (issue 3: drain rate independent of the backlog).
        self._handed_out = {item.key: item.id for item in items}
        return self._opened(items)

    def _opened(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """Items to send, with their sealed fields opened in memory. One that does not open
        (wrong key, tampered) can never be sent: it becomes a dead letter with the reason."""
        ready = []
        for item in items:
            if not has_sealed(item.body):
                ready.append(item)
                continue
            try:
                if self._sealer is None:
                    raise SealingError(f"item {item.key!r} has sealed fields and no key is set")
                ready.append(replace(item, body=self._sealer.open(item.key, item.body)))
            except SealingError as exc:
                self.mark_dead(item.key, str(exc))
        return ready

    def purge_sealed(self, keys: Sequence[str] | None = None) -> int:
        """Overwrite the sealed fields of acked items (all, or those of `keys`): once central
        has an item, its personal data leaves the kiosk. Returns how many rows changed."""
        query = "SELECT key, body, result FROM outbox WHERE state = 'acked' AND body LIKE ?"
        args: list[Any] = ['%"sealed:v1:%']
        if keys is not None:
            if not keys:
                return 0
            query += f" AND key IN ({','.join('?' * len(keys))})"
            args.extend(keys)
        rows = self._query(query, args)
        if not rows:
            return 0
        updates = []
        for key, body, answer in rows:
            loaded = json.loads(body)
            kept = answer  # central's answer may repeat the personal data: purged too
            if answer is not None:
                kept = canonical(purged_result(json.loads(answer), sealed_fields(loaded)))
            updates.append((canonical_body(purged(loaded)), kept, key))
        return self._write([("UPDATE outbox SET body = ?, result = ? WHERE key = ?", updates)])[0]

    def pending_items(self, keys: Sequence[str]) -> list[OutboxItem]:
        """Those of `keys` (at most MAX_BATCH) still pending, due or not, in id order."""
        if not keys:
            return []
        if len(keys) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} keys")
        marks = ",".join("?" * len(keys))
        rows = self._query(
            f"{_SELECT} WHERE state = 'pending' AND key IN ({marks}) ORDER BY id",
            tuple(keys),
        )
        return self._opened([_item(row) for row in rows])

    def pending_total(self, kind: str, field: str) -> int:
        """The sum of an integer body field over pending items of one kind: e.g. the money of
        top-ups central has not confirmed yet, which the kiosk caps while offline."""
        if not field.isidentifier():
            raise ValueError(f"not a field name: {field!r}")
        rows = self._query(
            "SELECT COALESCE(SUM(json_extract(body, ?)), 0) FROM outbox "
            "WHERE state = 'pending' AND kind = ?",
            (f"$.{field}", kind),
        )
        return int(rows[0][0])

    def next_due_at(self) -> float | None:
        """When the earliest pending item is due (index lookup), or None if none is pending."""
        rows = self._query("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
        return None if rows[0][0] is None else float(rows[0][0])

    def record_outcomes(
        self,
        *,
        acked: Sequence[tuple[str, Mapping[str, Any] | None]] = (),
        dead: Sequence[tuple[str, str]] = (),
        retry: Sequence[tuple[str, str, float]] = (),
        now: float | None = None,
        release_backoff: bool = False,
    ) -> int:
        """Record a whole batch's verdicts in ONE transaction (one fsync, not one per item):
        acked (key, result), dead (key, reason), retry (key, error, next_attempt_at).
        Only pending rows change; the number changed is returned (released rows not counted).

        `release_backoff`: central is back after failures, so every other pending item that is
        backing off becomes due at `now` (same transaction; the `retry` rows keep their own
        backoff, set after the release)."""
        stamp = time.time() if now is None else now
        acked = self._without_personal_data(acked)
        handed_out = self._handed_out
        acked_rows = [
            (stamp, None if result is None else canonical(result), key) for key, result in acked
        ]
        by_id = [(*row[:2], handed_out[row[2]], row[2]) for row in acked_rows
                 if row[2] in handed_out]  # fmt: skip
        by_key = [row for row in acked_rows if row[2] not in handed_out]
        ack_set = (
            "UPDATE outbox SET state = 'acked', acked_at = ?, result = ?, "
            "attempts = attempts + 1, last_error = NULL "
        )
        acked_by_id, acked_by_key, dead_n, _released, retry_n, _mark = self._write(
            [
                (  # the row id (AUTOINCREMENT: never reused) and the key must both match
                    ack_set + "WHERE id = ? AND key = ? AND state = 'pending'",
                    by_id,
                ),
                (ack_set + "WHERE key = ? AND state = 'pending'", by_key),
                (
                    "UPDATE outbox SET state = 'dead', acked_at = ?, last_error = ?, "
                    "attempts = attempts + 1 WHERE key = ? AND state = 'pending'",
                    [(stamp, _clip(reason), key) for key, reason in dead],
                ),
                (
                    # Walks the outbox_due index from `now` on: only items backing off.
                    "UPDATE outbox SET next_attempt_at = ? "
                    "WHERE state = 'pending' AND next_attempt_at > ?",
                    [(stamp, stamp)] if release_backoff else [],
                ),
                (
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
                    "next_attempt_at = ? WHERE key = ? AND state = 'pending'",
                    [(_clip(error), at, key) for key, error, at in retry],
                ),
                (_RAISE_MARK_SQL, [()] if acked or dead else []),
            ]
        )
        acked_n = acked_by_id + acked_by_key
        if acked_n and self._sealer is not None:  # without a key nothing sealed is ever acked
            self.purge_sealed([key for key, _result in acked])
        return acked_n + dead_n + retry_n

    def _without_personal_data(
        self, acked: Sequence[tuple[str, Mapping[str, Any] | None]]
    ) -> list[tuple[str, Mapping[str, Any] | None]]:
        """Central's answers with the fields their item sealed purged before they are stored: an
        answer that repeats the personal data must never reach the disk in plain text (the
        purge of the body after the ack could not take it back out of the WAL or free space)."""
        answered = [(key, result) for key, result in acked if result]
        if self._sealer is None or not answered:
            return list(acked)
        keys = [key for key, _result in answered]
        query = "SELECT key, body FROM outbox WHERE body LIKE ?"
        query += f" AND key IN ({','.join('?' * len(keys))})"
        rows = self._query(query, ['%"sealed:v1:%', *keys])
        fields = {key: sealed_fields(json.loads(body)) for key, body in rows}
        return [
            (key, purged_result(result, fields[key]) if key in fields and result else result)
            for key, result in acked
        ]

    def mark_acked(
        self, key: str, result: Mapping[str, Any] | None, now: float | None = None
    ) -> bool:
        """Central took the item; keep its answer. False if `key` was not pending."""
        return self.record_outcomes(acked=[(key, result)], now=now) == 1

    def mark_dead(self, key: str, reason: str, now: float | None = None) -> bool:
        """Never send again; keep as a dead letter. False if `key` was not pending."""
        return self.record_outcomes(dead=[(key, reason)], now=now) == 1

    def mark_retry(self, keys: Sequence[str], error: str, next_attempt_at: float) -> int:
        """Send these again, not before `next_attempt_at`; the number of pending rows changed."""
        return self.record_outcomes(retry=[(key, error, next_attempt_at) for key in keys])

    # --- the kiosk's and the technician's side ----------------------------------------------

    def get(self, key: str) -> OutboxItem | None:
        rows = self._query(f"{_SELECT} WHERE key = ?", (key,))
        return _item(rows[0]) if rows else None

    def stats(self, now: float | None = None) -> QueueStats:
        """Counts by state and the age of the oldest pending item, in O(log n) whatever the
        backlog (db.py, migration 4): the counts are rows the triggers keep plus the outbox's
        AUTOINCREMENT counter, the oldest item is the lowest pending id (ids grow with time)
        found by a short rowid walk from a low-water mark."""
        stamp = time.time() if now is None else now
        pending, acked, dead, oldest = self._query(_STATS_SQL)[0]
        return QueueStats(
            pending=int(pending),
            acked=int(acked),
            dead=int(dead),
            oldest_pending_age_s=None if oldest is None else max(stamp - float(oldest), 0.0),
        )

    def dead_letters(self, limit: int = 100) -> list[OutboxItem]:
        """The most recent dead letters first."""
        rows = self._query(f"{_SELECT} WHERE state = 'dead' ORDER BY id DESC LIMIT ?", (limit,))
        return [_item(row) for row in rows]

    def retry_dead(self, key: str, now: float | None = None) -> bool:
        """A technician sends a dead letter again (e.g. after central fixed what it refused):
        back to pending, due now, same key. False if `key` is not a dead letter."""
        stamp = time.time() if now is None else now
        return (
            self._write(
                [
                    (
                        "UPDATE outbox SET state = 'pending', acked_at = NULL, next_attempt_at = ? "
                        "WHERE key = ? AND state = 'dead'",
                        [(stamp, key)],
                    )
                ]
            )[0]
            == 1
        )

    def discard_dead(self, key: str) -> OutboxItem | None:
        """Remove a dead letter for good and return it, so that the caller can journal it with
        the technician's reason (the journal is the lasting record). None if not dead."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                row = self._conn.execute(
                    f"{_SELECT} WHERE key = ? AND state = 'dead'", (key,)
                ).fetchone()
                if row is not None:
                    self._conn.execute("DELETE FROM outbox WHERE key = ?", (key,))
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise QueueStorageError(f"queue write failed: {exc}") from exc
        return None if row is None else _item(row)

    def purge_acked(self, settled_before: float) -> int:
        """Delete acked rows settled before the given time (their personal data leaves the
        kiosk once central has it). Pending and dead rows are never purged."""
        return self._write(
            [("DELETE FROM outbox WHERE state = 'acked' AND acked_at < ?", [(settled_before,)])]
        )[0]

    def wait_until_acked(
        self, key: str, timeout_s: float, poll_s: float = 0.2
    ) -> dict[str, Any] | None:
        """Central's result for `key` ({} if it sent none) once acked within `timeout_s`;
        None if it is still pending at the deadline, dead-lettered, or unknown.

        Wakes at once on this store's own writes; polls every `poll_s` for writes made by
        another connection."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._changed:
                seen = self._generation
            item = self.get(key)
            if item is not None and item.state == "acked":
                return item.result if item.result is not None else {}
            remaining = deadline - time.monotonic()
            if item is None or item.state == "dead" or remaining <= 0:
                return None
            with self._changed:
                if self._generation == seen:
                    self._changed.wait(min(poll_s, remaining))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
