"""Every maintenance attempt and action on the record: a journal event and, in the same SQLite
transaction, an outbox item of kind `maintenance.v1` that takes it to central."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from kiosk.journal import Entry, Journal, OutboxMessage

OUTBOX_KIND = "maintenance.v1"
Detail = str | int | bool | None


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def maintenance_entry(
    action: str,
    technician_id: str | None,
    details: Mapping[str, Detail] | None = None,
    *,
    cash_counts: Mapping[int, int] | None = None,
    now: Callable[[], str] = _stamp,
) -> Entry:
    """The journal entry (with its outbox message) of one maintenance action. Details are flat
    scalars and never personal data (a badge is named by the method, never by its number)."""
    event_id = uuid.uuid4().hex
    body: dict[str, object] = {
        "event_id": event_id,
        "action": action,
        "technician_id": technician_id,
        "at": now(),
        "details": dict(details or {}),
    }
    if cash_counts is not None:
        body["cash_counts"] = {str(d): c for d, c in sorted(cash_counts.items())}
        body["total_fen"] = sum(d * c for d, c in cash_counts.items())
    key = f"maint-{event_id}"
    return Entry(
        txn_id=key,
        kind=f"maintenance.{action}",
        payload=body,
        outbox=(OutboxMessage(key, OUTBOX_KIND, body),),
    )


def record_action(
    journal: Journal,
    action: str,
    technician_id: str | None,
    details: Mapping[str, Detail] | None = None,
) -> int:
    """Journal one action durably (and queue it for central); the journal's sequence number.
    Raises JournalError: the caller must not go on as if the action were recorded."""
    return journal.record(maintenance_entry(action, technician_id, details))


def remote_command_recorder(journal: Journal) -> Callable[[str, str], None]:
    """The heartbeat's `on_command`: each remote command journalled before it runs."""

    def record(command_id: str, kind: str) -> None:
        record_action(journal, "remote_command", None, {"command_id": command_id, "kind": kind})

    return record
