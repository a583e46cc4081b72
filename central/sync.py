"""Idempotent processing of a kiosk's outbox batch, one database transaction per item."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import orjson
from pydantic import BaseModel
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from central import balances
from central.bulk_topups import NewTopup, apply_topups
from central.db import Storage, SyncRecord, utcnow
from central.errors import ItemConflict, ItemRejected
from central.history import Payment, day_of, payment_of, record_payments
from central.kinds import KINDS, KindSpec, TopupV1
from central.schemas import SyncItem, SyncResult
from central.statements import driver_rows, executemany


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 as is: the form bodies are compared in."""
    return _canonical_bytes(value).decode("utf-8")


def _canonical_bytes(value: Any) -> bytes:
    # orjson writes what json.dumps(sort_keys=True, separators=(",", ":"),
    # ensure_ascii=False) writes for strings, integers, booleans, null, lists and objects
    # (tests/central/test_central_canonical_json.py) at a tenth of the CPU; an integer
    # beyond 64 bits it refuses, and json.dumps writes that one.
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return _legacy_canonical_bytes(value)


def _legacy_canonical_bytes(value: Any) -> bytes:
    """The canonical form of versions before orjson (and of what orjson refuses)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def body_digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical_bytes(body)).hexdigest()


def _same_body(stored_sha256: str, body: dict[str, Any], digest: str) -> bool:
    """Whether a replayed body is the first one. A digest stored by an earlier version was
    taken over json.dumps' form, which writes some floats differently (1e-05, not 0.00001)."""
    if stored_sha256 == digest:
        return True
    return stored_sha256 == hashlib.sha256(_legacy_canonical_bytes(body)).hexdigest()


def _answer(key: str, status: str, reason: str | None, result: Any = None) -> SyncResult:
    return SyncResult.model_validate(
        {"key": key, "status": status, "reason": reason, "result": result}
    )


class FirstAnswer(Protocol):
    """What a replay needs of the first delivery: a stored SyncRecord, or one from this batch."""

    @property
    def kind(self) -> str: ...
    @property
    def body_sha256(self) -> str: ...
    @property
    def result_json(self) -> str: ...


@dataclass(frozen=True)
class BatchAnswer:
    kind: str
    body_sha256: str
    result_json: str


def _replay(record: FirstAnswer, item: SyncItem, digest: str) -> SyncResult:
    """Answer an item whose key was seen before: the first result, or a conflict."""
    if record.kind != item.kind:
        reason = f"key already used for kind {record.kind!r}; nothing processed"
        return _answer(item.key, "conflict", reason)
    if not _same_body(record.body_sha256, item.body, digest):
        reason = "key already used with a different body; nothing processed"
        return _answer(item.key, "conflict", reason)
    return _answer(item.key, "duplicate", None, json.loads(record.result_json))


def _stored(storage: Storage, kiosk_id: str, key: str) -> SyncRecord | None:
    with storage.sessions() as session:
        return session.get(SyncRecord, (kiosk_id, key))


def _parse(item: SyncItem) -> tuple[KindSpec[Any], BaseModel] | SyncResult:
    """The kind and validated body of a new item, or its `rejected` answer."""
    spec = KINDS.get(item.kind)
    if spec is None:
        known = ", ".join(sorted(KINDS))
        return _answer(item.key, "rejected", f"kind: unknown kind {item.kind!r} (known: {known})")
    try:
        return spec, spec.parse(item.body)
    except ItemRejected as exc:
        return _answer(item.key, "rejected", str(exc))


# SQLSTATEs after which the same transaction may simply be run again: deadlock detected,
# serialization failure, lock not available (PostgreSQL). The database rolled it back whole.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
ITEM_TRIES = 5


def _retryable(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def process_item(storage: Storage, kiosk_id: str, item: SyncItem) -> SyncResult:
    """Process a new item: its business rows and its idempotency record commit together. A
    transaction the database aborted for a deadlock or serialization failure is run again."""
    for attempt in range(ITEM_TRIES):
        try:
            return _process_item_once(storage, kiosk_id, item)
        except OperationalError as exc:
            if not _retryable(exc) or attempt == ITEM_TRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _process_item_once(storage: Storage, kiosk_id: str, item: SyncItem) -> SyncResult:
    digest = body_digest(item.body)
    record = _stored(storage, kiosk_id, item.key)
    if record is not None:
        return _replay(record, item, digest)
    parsed = _parse(item)
    if isinstance(parsed, SyncResult):
        return parsed
    spec, body = parsed
    try:
        with storage.sessions.begin() as session:
            _lock_lines_of(session, [item])
            result = spec.apply(session, kiosk_id, body)
            payment = payment_of(body)
            record_payments(session, kiosk_id, [payment] if payment is not None else [])
            session.add(
                SyncRecord(
                    kiosk_id=kiosk_id,
                    key=item.key,
                    kind=item.kind,
                    body_sha256=digest,
                    result_json=canonical_json(result),
                    processed_at=utcnow(),
                )
            )
    except (ItemConflict, IntegrityError) as exc:
        # A concurrent delivery of this key may have committed first: answer as a replay.
        record = _stored(storage, kiosk_id, item.key)
        if record is not None:
            return _replay(record, item, digest)
        if isinstance(exc, ItemConflict):
            return _answer(item.key, "conflict", str(exc))
        reason = "clashes with a record already stored under another key; nothing processed"
        return _answer(item.key, "conflict", reason)
    return _answer(item.key, "accepted", None, result)


def process_batch(storage: Storage, kiosk_id: str, items: Sequence[SyncItem]) -> list[SyncResult]:
    """One result per item, in order, as if each item committed on its own.

    Fast path: the whole batch in ONE transaction (one fsync), each new item inside its own
    savepoint so that a refused item leaves nothing behind. If the transaction itself fails
    (another request delivered one of these keys at the same moment, or the database was
    busy), it is rolled back whole and the batch is redone item by item, each in its own
    transaction, which settles the race exactly as a replay.
    """
    try:
        return _batch_in_one_transaction(storage, kiosk_id, items)
    except (IntegrityError, OperationalError):
        return [process_item(storage, kiosk_id, item) for item in items]


def _batch_in_one_transaction(
    storage: Storage, kiosk_id: str, items: Sequence[SyncItem]
) -> list[SyncResult]:
    with storage.sessions.begin() as session:
        lines = _lock_lines_of(session, items)
        batch = _Batch(session, kiosk_id, items, lines)
        for index in range(len(items)):
            batch.process(index)
        batch.settle_run()
        record_payments(session, kiosk_id, batch.payments)  # once, in key order: no deadlock
        return batch.answers()


def _lock_lines_of(session: Session, items: Sequence[SyncItem]) -> set[str]:
    """Lock every line the items name before anything else is touched, in msisdn order
    (balances.lock_lines): a batch holds its lines' locks until it commits, so taking them in
    the order the items come would let two batches naming the same lines deadlock. The
    numbers that are lines."""
    numbers = [item.body.get("msisdn") for item in items]
    return balances.lock_lines(session, [n for n in numbers if isinstance(n, str) and len(n) <= 32])


class _Batch:
    """One batch inside one transaction. New top-ups collect into a run applied in bulk
    (bulk_topups) before anything else is touched, so the order of effects is kept."""

    def __init__(
        self, session: Session, kiosk_id: str, items: Sequence[SyncItem], lines: set[str]
    ) -> None:
        self.session = session
        # The lines locked at the start; None once another kind was applied (a SIM sale opens
        # a line), after which top-ups look their numbers up again.
        self.lines: set[str] | None = lines
        self.kiosk_id = kiosk_id
        self.items = items
        self.digests = [body_digest(item.body) for item in items]
        self.now = utcnow()
        self.results: list[SyncResult | None] = [None] * len(items)
        records = _records_of(session, kiosk_id, {item.key for item in items})
        self.known: dict[str, FirstAnswer] = {
            key: BatchAnswer(kind, digest, result) for key, kind, digest, result in records
        }
        self.run: dict[str, tuple[int, NewTopup]] = {}  # by key, in arrival order
        self.payments: list[Payment] = []  # of the accepted items, for the console's days

    def process(self, index: int) -> None:
        item, digest = self.items[index], self.digests[index]
        if item.key in self.run:  # the same key twice: the first must be settled to replay it
            self.settle_run()
        record = self.known.get(item.key)
        if record is not None:
            self.results[index] = _replay(record, item, digest)
            return
        parsed = _parse(item)
        if isinstance(parsed, SyncResult):
            self.results[index] = parsed
            return
        spec, body = parsed
        if isinstance(body, TopupV1):
            self.run[item.key] = (index, NewTopup(key=item.key, digest=digest, body=body))
            return
        self.settle_run()
        result = _apply_one(self.session, self.kiosk_id, item, (digest, spec, body), self.known)
        self.results[index] = result
        payment = payment_of(body)
        if payment is not None and result.status == "accepted":
            self.payments.append(payment)
        self.lines = None

    def settle_run(self) -> None:
        if not self.run:
            return
        run = list(self.run.values())
        self.run = {}
        answers = apply_topups(
            self.session, self.kiosk_id, [new for _, new in run], self.now, lines=self.lines
        )
        records = []
        for (index, new), (key, answer) in zip(run, answers, strict=True):
            if isinstance(answer, str):
                replay = _settled_elsewhere(
                    self.session, self.kiosk_id, self.items[index], new.digest
                )
                self.results[index] = replay or _answer(key, "conflict", answer)
                continue
            self.results[index] = _answer(key, "accepted", None, answer)
            self.payments.append(
                Payment(day_of(new.body.created_at), "topup", new.body.method, new.body.amount_fen)
            )
            row: dict[str, Any] = {
                "kiosk_id": self.kiosk_id,
                "key": key,
                "kind": "topup.v1",
                "body_sha256": new.digest,
                "result_json": canonical_json(answer),
                "processed_at": self.now,
            }
            records.append(row)
            # a later copy in this batch is a replay
            self.known[key] = BatchAnswer("topup.v1", new.digest, row["result_json"])
        if records:
            executemany(self.session, cast(Table, SyncRecord.__table__), records)

    def answers(self) -> list[SyncResult]:
        return [result for result in self.results if result is not None]


# One primary-key lookup per key, whatever the planner believes: as `key = ANY(:keys)` the
# lookup walked every record of the kiosk whenever the table's statistics were behind its
# growth (0.7 ms a batch at 5,000 records, growing with the kiosk's history; 0.15 ms so).
_RECORDS_OF_KEYS = (
    "SELECT r.key, r.kind, r.body_sha256, r.result_json"
    " FROM unnest(CAST(%(keys)s AS TEXT[])) AS wanted(key)"
    " CROSS JOIN LATERAL (SELECT key, kind, body_sha256, result_json FROM sync_records"
    " WHERE kiosk_id = %(kiosk_id)s AND key = wanted.key LIMIT 1) AS r"
)


def _records_of(session: Session, kiosk_id: str, keys: set[str]) -> Sequence[Any]:
    """(key, kind, body_sha256, result_json) of those `keys` the kiosk has delivered: columns,
    not ORM objects (most keys of a batch are new, the rest only replayed)."""
    if session.get_bind().dialect.name == "postgresql":
        return driver_rows(session, _RECORDS_OF_KEYS, {"keys": list(keys), "kiosk_id": kiosk_id})
    columns = (SyncRecord.key, SyncRecord.kind, SyncRecord.body_sha256, SyncRecord.result_json)
    return session.execute(
        select(*columns).where(SyncRecord.kiosk_id == kiosk_id, SyncRecord.key.in_(keys))
    ).all()


def _settled_elsewhere(
    session: Session, kiosk_id: str, item: SyncItem, digest: str
) -> SyncResult | None:
    """A conflict may be another request's delivery of this very key, committed while this
    batch ran (PostgreSQL, read committed): then it is a replay, not a conflict."""
    record = session.scalar(
        select(SyncRecord).where(SyncRecord.kiosk_id == kiosk_id, SyncRecord.key == item.key)
    )
    return _replay(record, item, digest) if record is not None else None


def _apply_one(
    session: Session,
    kiosk_id: str,
    item: SyncItem,
    parsed: tuple[str, KindSpec[Any], BaseModel],
    known: dict[str, FirstAnswer],
) -> SyncResult:
    """One item of another kind inside its own savepoint: a refusal leaves nothing behind.
    `parsed` is (body digest, kind, validated body)."""
    digest, spec, body = parsed
    try:
        with session.begin_nested():
            result = spec.apply(session, kiosk_id, body)
            record = SyncRecord(
                kiosk_id=kiosk_id,
                key=item.key,
                kind=item.kind,
                body_sha256=digest,
                result_json=canonical_json(result),
                processed_at=utcnow(),
            )
            session.add(record)
    except ItemConflict as exc:
        replay = _settled_elsewhere(session, kiosk_id, item, digest)
        return replay or _answer(item.key, "conflict", str(exc))
    known[item.key] = record
    return _answer(item.key, "accepted", None, result)
