"""Ops' view of maintenance events (sync kind maintenance.v1, recorded by central.kinds): a
kiosk's events newest first, and the last few of every kiosk for the fleet view."""

from __future__ import annotations

import json
from typing import cast

from sqlalchemy import func, select

from central.db import Kiosk, MaintenanceEvent, Storage
from central.fleet_schemas import MaintenanceDetailValue, MaintenanceEventOut
from central.schemas import id_literal

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
RECENT_PER_KIOSK = 3


def event_out(row: MaintenanceEvent) -> MaintenanceEventOut:
    details = cast(dict[str, MaintenanceDetailValue], json.loads(row.details_json))
    counts = None if row.cash_counts_json is None else json.loads(row.cash_counts_json)
    if counts is not None:
        counts = dict(sorted(counts.items(), key=lambda item: -int(item[0])))
    return MaintenanceEventOut(
        id=row.id,
        event_id=row.event_id,
        action=row.action,
        technician_id=row.technician_id,
        at=row.at,
        received_at=row.received_at,
        details=details,
        cash_counts=counts,
        total_fen=row.total_fen,
    )


def list_events(
    storage: Storage,
    kiosk_id: str,
    *,
    limit: int = DEFAULT_LIMIT,
    action: str | None = None,
    before_id: int | None = None,
) -> list[MaintenanceEventOut] | None:
    """The kiosk's events newest first; None if no such kiosk is registered. Newest means
    latest recorded: a kiosk delivers its outbox in order, so that is the kiosk's own order
    even when it was offline for a while (its clock, `at`, may jump)."""
    query = (
        select(MaintenanceEvent)
        .where(MaintenanceEvent.kiosk_id == kiosk_id)
        .order_by(MaintenanceEvent.id.desc())
        .limit(limit)
    )
    if action is not None:
        query = query.where(MaintenanceEvent.action == action)
    if before_id is not None:
        query = query.where(MaintenanceEvent.id < id_literal(before_id))
    with storage.sessions() as session:
        if session.get(Kiosk, kiosk_id) is None:
            return None
        rows = session.scalars(query).all()
    return [event_out(row) for row in rows]


def recent_events(
    storage: Storage, per_kiosk: int = RECENT_PER_KIOSK
) -> dict[str, list[MaintenanceEventOut]]:
    """Every kiosk's last `per_kiosk` events, newest first, in one query (a window function:
    SQLite ≥ 3.25 and PostgreSQL)."""
    rank = (
        func.row_number()
        .over(
            partition_by=MaintenanceEvent.kiosk_id,
            order_by=MaintenanceEvent.id.desc(),
        )
        .label("rank")
    )
    ranked = select(MaintenanceEvent.id, rank).subquery()
    query = (
        select(MaintenanceEvent)
        .join(ranked, ranked.c.id == MaintenanceEvent.id)
        .where(ranked.c.rank <= per_kiosk)
        .order_by(MaintenanceEvent.kiosk_id, ranked.c.rank)
    )
    events: dict[str, list[MaintenanceEventOut]] = {}
    with storage.sessions() as session:
        for row in session.scalars(query):
            events.setdefault(row.kiosk_id, []).append(event_out(row))
    return events
