"""Today's business per kiosk and service, from what central recorded (top-ups by payment
method, SIM sales and replacements, plan and service changes), and the diversion rate from
the session counts kiosks report in their heartbeats."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.business_db import AccountEvent, ServiceDay
from central.db import Storage, Topup
from central.fleet_schemas import ServiceCounts, ServiceVolume
from central.statements import upsert

# kiosk id → service → [count, fen]
Volumes = dict[str, dict[str, list[int]]]


def day_start(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def volumes_today(storage: Storage, now: datetime, tz: tzinfo) -> Volumes:
    """What each kiosk did today in `tz`. Top-ups count by the kiosk's created_at (an offline
    top-up belongs to the day the customer paid); other business by when central applied it.

    Only top-ups received since the start of yesterday are read: one created today cannot
    have reached central earlier, short of a kiosk clock a day wrong.
    """
    start = day_start(now, tz)
    volumes: Volumes = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    with storage.sessions() as session:
        topups = session.execute(
            select(Topup.kiosk_id, Topup.method, Topup.amount_fen, Topup.created_at).where(
                Topup.received_at >= start - timedelta(days=1)
            )
        ).all()
        events = session.execute(
            select(AccountEvent.kiosk_id, AccountEvent.kind, AccountEvent.detail_json).where(
                AccountEvent.at >= start
            )
        ).all()
    for kiosk_id, method, amount_fen, created_at in topups:
        created = datetime.fromisoformat(created_at)  # validated on sync: has an offset
        if created.astimezone(tz).date() == start.date():
            cell = volumes[kiosk_id][f"topup_{method}"]
            cell[0] += 1
            cell[1] += amount_fen
    for kiosk_id, kind, detail_json in events:
        cell = volumes[kiosk_id][kind]
        cell[0] += 1
        cell[1] += int(json.loads(detail_json).get("amount_fen", 0))
    return volumes


def as_list(services: dict[str, list[int]]) -> list[ServiceVolume]:
    return [
        ServiceVolume(service=name, count=count, amount_fen=fen)
        for name, (count, fen) in sorted(services.items())
    ]


def merged(volumes: Volumes) -> dict[str, list[int]]:
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for services in volumes.values():
        for name, (count, fen) in services.items():
            total[name][0] += count
            total[name][1] += fen
    return total


def sessions_today(storage: Storage, now: datetime, tz: tzinfo) -> dict[str, tuple[int, int]]:
    """(started, completed) customer sessions per kiosk on today's date in `tz`."""
    today = now.astimezone(tz).date()
    with storage.sessions() as session:
        rows = session.execute(
            select(
                ServiceDay.kiosk_id, func.sum(ServiceDay.started), func.sum(ServiceDay.completed)
            )
            .where(ServiceDay.day == today)
            .group_by(ServiceDay.kiosk_id)
        ).all()
    return {kiosk_id: (int(started), int(completed)) for kiosk_id, started, completed in rows}


def rate(started: int, completed: int) -> float | None:
    return round(completed / started, 4) if started else None


def record_service_counts(
    session: Session, kiosk_id: str, sent_at: datetime, services: dict[str, ServiceCounts]
) -> None:
    """Replace the kiosk's counts for the day of `sent_at` (its own clock and offset)."""
    day = sent_at.date()
    rows = [
        {
            "kiosk_id": kiosk_id,
            "day": day,
            "service": name,
            "started": counts.started,
            "completed": counts.completed,
            "abandoned": counts.abandoned,
            "failed": counts.failed,
        }
        for name, counts in sorted(services.items())
    ]
    upsert(session, ServiceDay, rows)
