"""The durable journal: hash-chained events, transaction states and the cash box, in SQLite.

Every irreversible step is recorded here before it is acted on. An event, the transaction's new
state, any cash-box change and any outbox row for central commit in ONE SQLite transaction
(transactional outbox), on a WAL database with synchronous=FULL.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import offline_queue
from kiosk.errors import JournalError

GENESIS_HASH = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_txn ON journal (txn_id, seq);
CREATE TABLE IF NOT EXISTS txn (
    txn_id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS txn_by_state ON txn (state);
CREATE TABLE IF NOT EXISTS cashbox (
    denomination_fen INTEGER PRIMARY KEY,
    count INTEGER NOT NULL CHECK (count >= 0)
);
"""
SCHEMA_VERSION = "1"
# The outbox kind every voucher event (kind `*.voucher`) commits with (kiosk.vouchers).
VOUCHER_OUTBOX_KIND = "voucher.v1"
# States after which a transaction needs nothing more from recovery.
FINAL_STATES = frozenset({"done", "cancelled"})


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class OutboxMessage:
    key: str
    kind: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Entry:
    """One journal event with the effects that must commit with it."""

    txn_id: str
    kind: str
    payload: Mapping[str, Any]
    flow: str = ""
    state: str | None = None  # the transaction's new state, if it changes
    data: Mapping[str, Any] | None = None  # the transaction's recoverable data, if it changes
    cash_in_fen: tuple[int, ...] = ()  # notes now physically in the cash box
    outbox: tuple[OutboxMessage, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CashCollection:
    """What a cash collection took out of the box: fen → count, and the event recording it."""

    seq: int
    counts: dict[int, int]

    @property
    def total_fen(self) -> int:
        return sum(denomination * count for denomination, count in self.counts.items())

    @property
    def notes(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class JournalEvent:
    seq: int
    txn_id: str
    kind: str
    at: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class TxnRecord:
    txn_id: str
    flow: str
    state: str
    data: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _check_voucher(entry: Entry) -> None:
    if entry.kind.endswith(".voucher") and not any(
        message.kind == VOUCHER_OUTBOX_KIND for message in entry.outbox
    ):
        raise ValueError(f"{entry.kind} without its {VOUCHER_OUTBOX_KIND} row (kiosk.vouchers)")


def _chain(prev_hash: str, txn_id: str, kind: str, at: str, payload: str) -> str:
    material = "\x1f".join((prev_hash, txn_id, kind, at, payload)).encode()
    return hashlib.sha256(material).hexdigest()


class Journal:
    """Thread-safe; one connection guarded by a lock (writes are short and rare)."""

    def __init__(self, path: Path, kiosk_id: str = "") -> None:
        """`kiosk_id`: the kiosk's id (config `kiosk.id`), kept in the journal so that what
        reads it later without the config (recovery, the CLI) knows whose events they are."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = offline_queue.connect(path)
            with self._conn:
                self._conn.executescript(_SCHEMA)
                self._conn.execute(
                    "INSERT OR IGNORE INTO journal_meta VALUES ('schema_version', ?)",
                    (SCHEMA_VERSION,),
                )
                if kiosk_id:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO journal_meta VALUES ('kiosk_id', ?)", (kiosk_id,)
                    )
                row = self._conn.execute(
                    "SELECT value FROM journal_meta WHERE key = 'kiosk_id'"
                ).fetchone()
            offline_queue.ensure_schema(self._conn)
        except (OSError, sqlite3.Error, offline_queue.QueueError) as exc:
            raise JournalError(f"cannot open journal {path}: {exc}") from exc
        self.kiosk_id: str = str(row[0]) if row else ""
        self._lock = threading.Lock()

    def set_kiosk_id(self, kiosk_id: str) -> None:
        """Keep the kiosk's id (config `kiosk.id`) in the journal, for the events written from
        now on and for what reads this journal later without the config."""
        if not kiosk_id or kiosk_id == self.kiosk_id:
            return
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO journal_meta VALUES ('kiosk_id', ?)", (kiosk_id,)
                    )
            except sqlite3.Error as exc:
                raise JournalError(f"journal write failed: {exc}") from exc
            self.kiosk_id = kiosk_id

    def record(self, entry: Entry) -> int:
        """Commit the event and all its effects atomically; return its sequence number.
        A voucher event (kind `*.voucher`) must carry its `voucher.v1` row for central
        (kiosk.vouchers.voucher_entry): ValueError otherwise, and nothing is written."""
        _check_voucher(entry)
        payload = canonical_json(dict(entry.payload))
        at = _now()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    seq = self._write(entry, payload, at)
                    self._conn.execute("COMMIT")
                except BaseException:
                    # SQLite may already have rolled back itself (SQLITE_FULL, I/O errors):
                    # a second ROLLBACK would fail and hide the real cause.
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, offline_queue.QueueError) as exc:
                # Never retry an fsync blindly: the caller puts the kiosk out of service.
                raise JournalError(f"journal write failed: {exc}") from exc
        return seq

    def collect_cash(self, build: Callable[[Mapping[int, int]], Entry]) -> CashCollection:
        """Empty the cash box. In ONE transaction: read the box's counts, record the event that
        `build` makes from them (with its outbox rows), and zero the box — so a note credited
        at the same moment is either in this collection or in the next, never in neither."""
        at = _now()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    rows = self._conn.execute(
                        "SELECT denomination_fen, count FROM cashbox WHERE count > 0"
                    ).fetchall()
                    counts = {int(d): int(c) for d, c in rows}
                    entry = build(dict(counts))
                    _check_voucher(entry)
                    if entry.cash_in_fen:
                        raise ValueError("a cash collection cannot put notes into the box")
                    seq = self._write(entry, canonical_json(dict(entry.payload)), at)
                    self._conn.execute("DELETE FROM cashbox")
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, offline_queue.QueueError) as exc:
                raise JournalError(f"journal write failed: {exc}") from exc
        return CashCollection(seq, counts)

    def latest_event(self, kind: str) -> JournalEvent | None:
        """The most recent event of `kind` (e.g. the last cash collection, for a reprint)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT seq, txn_id, kind, at, payload FROM journal WHERE kind = ? "
                "ORDER BY seq DESC LIMIT 1",
                (kind,),
            ).fetchone()
        if row is None:
            return None
        return JournalEvent(row[0], row[1], row[2], row[3], json.loads(row[4]))

    def _write(self, entry: Entry, payload: str, at: str) -> int:
        row = self._conn.execute("SELECT hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
        prev = row[0] if row else GENESIS_HASH
        digest = _chain(prev, entry.txn_id, entry.kind, at, payload)
        cursor = self._conn.execute(
            "INSERT INTO journal (txn_id, kind, at, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (entry.txn_id, entry.kind, at, payload, prev, digest),
        )
        if entry.state is not None:
            data = canonical_json(dict(entry.data or {}))
            self._conn.execute(
                "INSERT INTO txn (txn_id, flow, state, data, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (txn_id) DO UPDATE SET "
                "state = excluded.state, data = excluded.data, updated_at = excluded.updated_at",
                (entry.txn_id, entry.flow, entry.state, data, at, at),
            )
        for note in entry.cash_in_fen:
            self._conn.execute(
                "INSERT INTO cashbox VALUES (?, 1) ON CONFLICT (denomination_fen) "
                "DO UPDATE SET count = count + 1",
                (note,),
            )
        for message in entry.outbox:
            offline_queue.enqueue(self._conn, key=message.key, kind=message.kind, body=message.body)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def events(self, txn_id: str | None = None) -> list[tuple[int, str, str, dict[str, Any]]]:
        """(seq, txn_id, kind, payload) in order, for one transaction or all."""
        query = "SELECT seq, txn_id, kind, payload FROM journal"
        args: tuple[str, ...] = ()
        if txn_id is not None:
            query, args = query + " WHERE txn_id = ?", (txn_id,)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY seq", args).fetchall()
        return [(seq, txn, kind, json.loads(payload)) for seq, txn, kind, payload in rows]

    def open_transactions(self) -> list[TxnRecord]:
        """Transactions not in a final state: what recovery on boot must resolve."""
        marks = ",".join("?" for _ in FINAL_STATES)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT txn_id, flow, state, data FROM txn WHERE state NOT IN ({marks}) "  # noqa: S608
                "ORDER BY created_at",
                tuple(FINAL_STATES),
            ).fetchall()
        return [TxnRecord(t, f, s, json.loads(d)) for t, f, s, d in rows]

    def transaction(self, txn_id: str) -> TxnRecord | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT txn_id, flow, state, data FROM txn WHERE txn_id = ?", (txn_id,)
            ).fetchone()
        return TxnRecord(row[0], row[1], row[2], json.loads(row[3])) if row else None

    def cashbox(self) -> dict[int, int]:
        """Notes in the cash box by denomination (fen → count)."""
        with self._lock:
            rows = self._conn.execute("SELECT denomination_fen, count FROM cashbox").fetchall()
        return {int(d): int(c) for d, c in rows}

    def verify_chain(self) -> bool:
        """Recompute the hash chain; False if any event was altered, removed or reordered."""
        prev = GENESIS_HASH
        with self._lock:
            rows = self._conn.execute(
                "SELECT txn_id, kind, at, payload, prev_hash, hash FROM journal ORDER BY seq"
            ).fetchall()
        for txn_id, kind, at, payload, prev_hash, digest in rows:
            if prev_hash != prev or _chain(prev, txn_id, kind, at, payload) != digest:
                return False
            prev = digest
        return True

    def close(self) -> None:
        with self._lock:
            self._conn.close()
