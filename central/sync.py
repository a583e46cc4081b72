"""Idempotent processing of a kiosk's outbox batch, one database transaction per item."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from central.db import Storage, SyncRecord, utcnow
from central.errors import ItemConflict, ItemRejected
from central.kinds import KINDS, KindSpec
from central.schemas import SyncItem, SyncResult


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace: the form bodies are compared in."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body_digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _answer(key: str, status: str, reason: str | None, result: Any = None) -> SyncResult:
    return SyncResult.model_validate(
        {"key": key, "status": status, "reason": reason, "result": result}
    )


def _replay(record: SyncRecord, item: SyncItem, digest: str) -> SyncResult:
    """Answer an item whose key was seen before: the first result, or a conflict."""
    if record.kind != item.kind:
        reason = f"key already used for kind {record.kind!r}; nothing processed"
        return _answer(item.key, "conflict", reason)
    if record.body_sha256 != digest:
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


def process_item(storage: Storage, kiosk_id: str, item: SyncItem) -> SyncResult:
    """Process a new item: its business rows and its idempotency record commit together."""
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
            result = spec.apply(session, kiosk_id, body)
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
    """One result per item, in order; each item commits or fails on its own."""
    return [process_item(storage, kiosk_id, item) for item in items]
