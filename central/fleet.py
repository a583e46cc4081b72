"""The fleet at a glance: each kiosk's latest heartbeat, alerts, cash, today's business per
service and its diversion rate."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, cast

from sqlalchemy import select

from central.db import Heartbeat, HeartbeatDetail, Kiosk, Storage
from central.fleet_schemas import (
    DeviceAlert,
    Fleet,
    FleetKiosk,
    FleetSummary,
    KioskStatus,
    MaintenanceEventOut,
    QueueBacklog,
    ReportedError,
)
from central.maintenance_events import recent_events
from central.volume import (
    as_list,
    day_start,
    merged,
    rate,
    sessions_today,
    volumes_today,
)

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime; injectable so tests can move time."""

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
"""The business day of the fleet (China has no daylight saving time, so a fixed offset)."""

OFFLINE_AFTER_INTERVALS = 3
ALERT_LEVELS = ("error", "warning", "unknown")  # errors first; unknown: not answering
DISK_ALERT_RATIO = 0.10  # less free than this share of the disk is an alert


def is_online(beat: Heartbeat | None, now: datetime) -> bool:
    """A kiosk is online while its latest heartbeat is at most 3 of its intervals old."""
    if beat is None:
        return False
    return now - beat.received_at <= timedelta(seconds=OFFLINE_AFTER_INTERVALS * beat.interval_s)


def cash_total_fen(cash_box: dict[str, int]) -> int:
    """Denomination (fen) × count, summed in integers."""
    return sum(int(denomination) * count for denomination, count in cash_box.items())


def disk_ratio(free: int | None, total: int | None) -> float | None:
    if free is None or not total:
        return None
    return free / total


def alerts_of(
    devices: list[dict[str, Any]], disk_free_ratio: float | None = None
) -> list[DeviceAlert]:
    """Devices at level error, warning or unknown (errors first, then in the order the kiosk
    listed them), and a `disk` warning when less than DISK_ALERT_RATIO of the disk is free
    unless the kiosk already reports its disk as a problem."""
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
    disk_reported = any(a.device == "disk" and a.level != "unknown" for a in alerts)
    if disk_free_ratio is not None and disk_free_ratio < DISK_ALERT_RATIO and not disk_reported:
        alerts.append(
            DeviceAlert(
                device="disk",
                level="warning",
                code="disk_free_below_10pct",
                message_key="fleet.disk_free_low",
            )
        )
    return sorted(alerts, key=lambda alert: ALERT_LEVELS.index(alert.level))


@dataclass(frozen=True)
class KioskDay:
    """What one kiosk did today: central's records per service and its own session counts."""

    volume: dict[str, list[int]]
    sessions: tuple[int, int]  # started, completed

    @property
    def topups(self) -> tuple[int, int]:
        cells = [cell for name, cell in self.volume.items() if name.startswith("topup_")]
        return sum(c[0] for c in cells), sum(c[1] for c in cells)

    def fields(self) -> dict[str, Any]:
        started, completed = self.sessions
        return {
            "topups_today": self.topups[0],
            "topups_today_fen": self.topups[1],
            "volume_today": as_list(self.volume),
            "sessions_started_today": started,
            "sessions_completed_today": completed,
            "diversion_rate": rate(started, completed),
        }


def errors_of(detail: HeartbeatDetail | None) -> list[ReportedError]:
    """The kiosk's latest errors, newest first."""
    if detail is None:
        return []
    errors = [ReportedError.model_validate(e) for e in json.loads(detail.last_errors_json)]
    return errors[::-1]


def kiosk_view(
    kiosk: Kiosk,
    beat: Heartbeat | None,
    now: datetime,
    today: KioskDay,
    *,
    detail: HeartbeatDetail | None = None,
    maintenance: list[MaintenanceEventOut] | None = None,
) -> FleetKiosk:
    status: KioskStatus = "online" if is_online(beat, now) else "offline"
    free = detail.disk_free_bytes if detail is not None else None
    total = detail.disk_total_bytes if detail is not None else None
    figures: dict[str, Any] = {
        "uptime_s": detail.uptime_s if detail is not None else None,
        "disk_free_bytes": free,
        "disk_total_bytes": total,
        "disk_free_ratio": disk_ratio(free, total),
        "last_errors": errors_of(detail),
        "recent_maintenance": maintenance or [],
    }
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
            **figures,
            **today.fields(),
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
        alerts=alerts_of(json.loads(beat.devices_json), figures["disk_free_ratio"]),
        queue=QueueBacklog(
            pending=beat.queue_pending,
            dead=beat.queue_dead,
            oldest_pending_age_s=beat.queue_oldest_pending_age_s,
            last_success_at=detail.queue_last_success_at if detail is not None else None,
        ),
        cash_box=dict(sorted(cash_box.items(), key=lambda item: int(item[0]))),
        cash_fen=cash_total_fen(cash_box),
        **figures,
        **today.fields(),
    )


def build_fleet(storage: Storage, now: datetime, tz: tzinfo = CHINA_STANDARD_TIME) -> Fleet:
    """Every registered kiosk, ordered by id, with a summary over all of them."""
    with storage.sessions() as session:
        rows = session.execute(
            select(Kiosk, Heartbeat, HeartbeatDetail)
            .outerjoin(Heartbeat, Heartbeat.kiosk_id == Kiosk.id)
            .outerjoin(HeartbeatDetail, HeartbeatDetail.kiosk_id == Kiosk.id)
            .order_by(Kiosk.id)
        ).all()
    volumes = volumes_today(storage, now, tz)
    sessions = sessions_today(storage, now, tz)
    maintenance = recent_events(storage)
    kiosks = [
        kiosk_view(
            k,
            b,
            now,
            KioskDay(volumes.get(k.id, {}), sessions.get(k.id, (0, 0))),
            detail=d,
            maintenance=maintenance.get(k.id),
        )
        for k, b, d in rows
    ]
    started = sum(k.sessions_started_today for k in kiosks)
    completed = sum(k.sessions_completed_today for k in kiosks)
    summary = FleetSummary(
        kiosks=len(kiosks),
        online=sum(k.status == "online" for k in kiosks),
        out_of_service=sum(bool(k.out_of_service) for k in kiosks),
        alerts=sum(len(k.alerts) for k in kiosks),
        cash_fen=sum(k.cash_fen for k in kiosks),
        topups_today=sum(k.topups_today for k in kiosks),
        topups_today_fen=sum(k.topups_today_fen for k in kiosks),
        volume_today=as_list(merged(volumes)),
        diversion_rate=rate(started, completed),
    )
    start = day_start(now, tz)
    return Fleet(
        generated_at=now,
        day=start.date().isoformat(),
        utc_offset=start.isoformat()[-6:],
        summary=summary,
        kiosks=kiosks,
    )
