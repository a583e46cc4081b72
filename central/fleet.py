"""The fleet at a glance: each kiosk's latest heartbeat, alerts, cash and today's top-ups."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, cast

from sqlalchemy import select

from central.db import Heartbeat, Kiosk, Storage, Topup
from central.fleet_schemas import (
    DeviceAlert,
    Fleet,
    FleetKiosk,
    FleetSummary,
    KioskStatus,
    QueueBacklog,
)

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime; injectable so tests can move time."""

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
"""The business day of the fleet (China has no daylight saving time, so a fixed offset)."""

OFFLINE_AFTER_INTERVALS = 3
ALERT_LEVELS = ("error", "warning")


def is_online(beat: Heartbeat | None, now: datetime) -> bool:
    """A kiosk is online while its latest heartbeat is at most 3 of its intervals old."""
    if beat is None:
        return False
    return now - beat.received_at <= timedelta(seconds=OFFLINE_AFTER_INTERVALS * beat.interval_s)


def cash_total_fen(cash_box: dict[str, int]) -> int:
    """Denomination (fen) × count, summed in integers."""
    return sum(int(denomination) * count for denomination, count in cash_box.items())


def alerts_of(devices: list[dict[str, Any]]) -> list[DeviceAlert]:
    """Devices at level error or warning, errors first, in the order the kiosk listed them."""
    alerts = [
        DeviceAlert(
            device=device["name"],
            level=device["level"],
            code=device["code"],
            message_key=device["message_key"],
        )
        for device in devices
        if device["level"] in ALERT_LEVELS
    ]
    return sorted(alerts, key=lambda alert: ALERT_LEVELS.index(alert.level))


def day_start(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def topups_today(storage: Storage, now: datetime, tz: tzinfo) -> dict[str, tuple[int, int]]:
    """(count, fen) per kiosk of the top-ups created today in `tz` (by the kiosk's created_at).

    Only rows received since the start of yesterday are read: a top-up created today cannot
    have reached central earlier, short of a kiosk clock a day wrong.
    """
    start = day_start(now, tz)
    query = select(Topup.kiosk_id, Topup.amount_fen, Topup.created_at).where(
        Topup.received_at >= start - timedelta(days=1)
    )
    totals: dict[str, tuple[int, int]] = {}
    with storage.sessions() as session:
        rows = session.execute(query).all()
    for kiosk_id, amount_fen, created_at in rows:
        created = datetime.fromisoformat(created_at)  # validated on sync: has an offset
        if created.astimezone(tz).date() != start.date():
            continue
        count, fen = totals.get(kiosk_id, (0, 0))
        totals[kiosk_id] = (count + 1, fen + amount_fen)
    return totals


def kiosk_view(
    kiosk: Kiosk, beat: Heartbeat | None, now: datetime, today: tuple[int, int]
) -> FleetKiosk:
    status: KioskStatus = "online" if is_online(beat, now) else "offline"
    if beat is None:
        return FleetKiosk(
            kiosk_id=kiosk.id,
            status=status,
            last_seen=kiosk.last_seen,
            last_heartbeat_at=None,
            last_heartbeat_sent_at=None,
            interval_s=None,
            software_version=None,
            out_of_service=None,
            alerts=[],
            queue=None,
            cash_box={},
            cash_fen=0,
            topups_today=today[0],
            topups_today_fen=today[1],
        )
    cash_box = cast(dict[str, int], json.loads(beat.cash_box_json))
    return FleetKiosk(
        kiosk_id=kiosk.id,
        status=status,
        last_seen=kiosk.last_seen,
        last_heartbeat_at=beat.received_at,
        last_heartbeat_sent_at=beat.sent_at,
        interval_s=beat.interval_s,
        software_version=beat.software_version,
        out_of_service=beat.out_of_service,
        alerts=alerts_of(json.loads(beat.devices_json)),
        queue=QueueBacklog(
            pending=beat.queue_pending,
            dead=beat.queue_dead,
            oldest_pending_age_s=beat.queue_oldest_pending_age_s,
        ),
        cash_box=dict(sorted(cash_box.items(), key=lambda item: int(item[0]))),
        cash_fen=cash_total_fen(cash_box),
        topups_today=today[0],
        topups_today_fen=today[1],
    )


def build_fleet(storage: Storage, now: datetime, tz: tzinfo = CHINA_STANDARD_TIME) -> Fleet:
    """Every registered kiosk, ordered by id, with a summary over all of them."""
    with storage.sessions() as session:
        pairs = session.execute(
            select(Kiosk, Heartbeat)
            .outerjoin(Heartbeat, Heartbeat.kiosk_id == Kiosk.id)
            .order_by(Kiosk.id)
        ).all()
    today = topups_today(storage, now, tz)
    kiosks = [kiosk_view(k, b, now, today.get(k.id, (0, 0))) for k, b in pairs]
    summary = FleetSummary(
        kiosks=len(kiosks),
        online=sum(k.status == "online" for k in kiosks),
        out_of_service=sum(bool(k.out_of_service) for k in kiosks),
        alerts=sum(len(k.alerts) for k in kiosks),
        cash_fen=sum(k.cash_fen for k in kiosks),
        topups_today=sum(k.topups_today for k in kiosks),
        topups_today_fen=sum(k.topups_today_fen for k in kiosks),
    )
    start = day_start(now, tz)
    return Fleet(
        generated_at=now,
        day=start.date().isoformat(),
        utc_offset=start.isoformat()[-6:],
        summary=summary,
        kiosks=kiosks,
    )
