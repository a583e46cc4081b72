"""What ingest adds to the ops console's history: each accepted payment to its day and hall
(`payment_days`), each heartbeat's change of session counts to its day and hall
(`session_days`), and each change in a kiosk's health to its timeline (`health_events`)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from central.bill_payments import BillPaymentV1
from central.business_db import ServiceDay
from central.db import Heartbeat
from central.fleet_schemas import HeartbeatRequest
from central.history_db import HealthEvent, PaymentDay, SessionDay
from central.kinds import TopupV1
from central.sim_kinds import SimReplacementV1, SimSaleV1
from central.statements import add_to, driver_rows

Hall = tuple[str, str, str]  # region, city, hall ("" where the kiosk did not say)
NO_HALL: Hall = ("", "", "")
MAX_DETAIL = 200


@dataclass(frozen=True)
class Payment:
    """Money a customer paid at a kiosk, on the kiosk's own date of the payment."""

    day: date
    service: str
    method: str
    amount_fen: int


def day_of(created_at: str) -> date:
    return datetime.fromisoformat(created_at).date()  # validated on sync: ISO with an offset


def payment_of(body: BaseModel) -> Payment | None:
    """The payment an accepted sync item records, if it is one (top-up, bill payment, SIM
    sale, SIM replacement with a fee)."""
    if isinstance(body, TopupV1):
        return Payment(day_of(body.created_at), "topup", body.method, body.amount_fen)
    if isinstance(body, BillPaymentV1):
        return Payment(day_of(body.created_at), "bill", body.method, body.amount_fen)
    if isinstance(body, SimSaleV1):
        return Payment(day_of(body.created_at), "sim_sale", body.method, body.paid_fen)
    if isinstance(body, SimReplacementV1) and body.method != "none":
        paid = body.paid_fen if body.paid_fen is not None else body.fee_fen
        return Payment(day_of(body.created_at), "sim_replacement", body.method, paid)
    return None


def hall_of(session: Session, kiosk_id: str) -> Hall:
    """Where the kiosk's latest heartbeat says it stands (NO_HALL before its first)."""
    row = session.execute(
        select(Heartbeat.region, Heartbeat.city, Heartbeat.hall).where(
            Heartbeat.kiosk_id == kiosk_id
        )
    ).first()
    return NO_HALL if row is None else (row[0], row[1], row[2])


def record_payments(session: Session, kiosk_id: str, payments: Iterable[Payment]) -> None:
    """Add `payments` to their days in the kiosk's hall, in the caller's transaction: a
    payment counts once, exactly when its record commits. One statement for a whole batch."""
    cells: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for payment in payments:
        cell = cells[(payment.day, payment.service, payment.method)]
        cell[0] += 1
        cell[1] += payment.amount_fen
    if not cells:
        return
    region, city, hall = hall_of(session, kiosk_id)
    rows = [
        {"day": day, "region": region, "city": city, "hall": hall, "service": service,
         "method": method, "count": count, "amount_fen": fen}
        for (day, service, method), (count, fen) in cells.items()
    ]  # fmt: skip
    add_to(session, PaymentDay, rows, ("count", "amount_fen"))


@dataclass(frozen=True)
class Before:
    """The kiosk's state as its previous heartbeat left it (None fields: no heartbeat yet)."""

    devices: dict[str, tuple[str, str]]  # name → (level, code)
    out_of_service: bool | None
    software_version: str | None
    stale_at: datetime | None
    sessions: dict[str, tuple[int, int]]  # service → (started, completed) on the beat's day


# The previous beat's state, read on PostgreSQL past SQLAlchemy (statements.driver_rows): a
# heartbeat is central's most frequent request, and SQLAlchemy's compiling and result
# handling of these two small reads cost more than PostgreSQL spent on them.
# One round trip in the usual case: the day's counts ride along with the previous beat.
_PREVIOUS_BEAT = (
    "SELECT devices_json, out_of_service, software_version, stale_at,"
    " (SELECT coalesce(json_agg(json_build_array(service, started, completed)), '[]')"
    "  FROM service_days WHERE kiosk_id = %s AND day = %s)"
    " FROM heartbeats WHERE kiosk_id = %s FOR UPDATE OF heartbeats"
)
_DAY_COUNTS = (
    "SELECT service, started, completed FROM service_days WHERE kiosk_id = %s AND day = %s"
)


def state_before(session: Session, kiosk_id: str, beat: HeartbeatRequest) -> Before:
    """Read (and on PostgreSQL lock) the kiosk's heartbeat row before it is replaced, so two
    heartbeats of one kiosk at once take turns and neither counts a change twice."""
    day = beat.sent_at.date()
    if session.get_bind().dialect.name == "postgresql":
        rows = driver_rows(session, _PREVIOUS_BEAT, (kiosk_id, day, kiosk_id))
        row = rows[0][:4] if rows else None
        if rows:
            counts = [tuple(cell) for cell in rows[0][4]]
        else:  # the first beat: no row to carry them
            counts = driver_rows(session, _DAY_COUNTS, (kiosk_id, day)) if beat.services else []
        if row is not None and row[3] is not None:
            row = (*row[:3], row[3].replace(tzinfo=UTC))  # stored as naive UTC (db.UTCDateTime)
    else:
        row = session.execute(
            select(
                Heartbeat.devices_json,
                Heartbeat.out_of_service,
                Heartbeat.software_version,
                Heartbeat.stale_at,
            ).where(Heartbeat.kiosk_id == kiosk_id)
        ).first()
        counts = []
        if beat.services:
            counts = list(
                session.execute(
                    select(ServiceDay.service, ServiceDay.started, ServiceDay.completed).where(
                        ServiceDay.kiosk_id == kiosk_id, ServiceDay.day == day
                    )
                )
            )
    sessions = {service: (started, completed) for service, started, completed in counts}
    if row is None:
        return Before({}, None, None, None, sessions)
    devices_json, out_of_service, version, stale = row
    devices = {d["name"]: (d["level"], d["code"]) for d in json.loads(devices_json)}
    return Before(devices, out_of_service, version, stale, sessions)


def record_sessions(session: Session, before: Before, beat: HeartbeatRequest, hall: Hall) -> None:
    """Add what the beat changed in the kiosk's session counts of its day to the hall's day
    (a kiosk reports running totals; the hall's row holds the sum over its kiosks)."""
    started = completed = 0
    for name, counts in beat.services.items():
        old_started, old_completed = before.sessions.get(name, (0, 0))
        started += counts.started - old_started
        completed += counts.completed - old_completed
    if started or completed:
        region, city, hall_name = hall
        row = {"day": beat.sent_at.date(), "region": region, "city": city, "hall": hall_name,
               "started": started, "completed": completed}  # fmt: skip
        add_to(session, SessionDay, [row], ("started", "completed"))


def _event(kiosk_id: str, at: datetime, what: tuple[str, str, str, str, str]) -> dict[str, Any]:
    """A timeline row; `what` is (kind, subject, level, code, detail)."""
    kind, subject, level, code, detail = what
    return {"kiosk_id": kiosk_id, "at": at, "kind": kind, "subject": subject[:64],
            "level": level, "code": code[:64], "detail": detail[:MAX_DETAIL]}  # fmt: skip


def health_changes(
    kiosk_id: str, before: Before, beat: HeartbeatRequest, now: datetime
) -> list[dict[str, Any]]:
    """The timeline rows this beat adds: a silence past the offline limit, the first beat,
    a device whose level or code changed, a switch in or out of service, a new version."""
    events: list[dict[str, Any]] = []
    if before.stale_at is None:
        events.append(_event(kiosk_id, now, ("service", "kiosk", "ok", "first_heartbeat", "")))
    elif before.stale_at < now:
        silent = int((now - before.stale_at).total_seconds())
        events.append(
            _event(
                kiosk_id, before.stale_at, ("offline", "kiosk", "warning", "offline", f"{silent}")
            )
        )
    for device in beat.devices:
        old = before.devices.get(device.name)
        new = (device.level, device.code)
        if old != new and (old is not None or device.level != "ok"):
            events.append(
                _event(
                    kiosk_id,
                    now,
                    ("device", device.name, device.level, device.code, device.message_key),
                )
            )
    if before.out_of_service is not None and before.out_of_service != beat.out_of_service:
        code = "out_of_service" if beat.out_of_service else "back_in_service"
        level = "warning" if beat.out_of_service else "ok"
        events.append(_event(kiosk_id, now, ("service", "kiosk", level, code, "")))
    if before.software_version is not None and before.software_version != beat.software_version:
        detail = f"{before.software_version} → {beat.software_version}"
        events.append(
            _event(kiosk_id, now, ("version", "kiosk", "ok", beat.software_version, detail))
        )
    return events


def record_health(session: Session, events: list[dict[str, Any]]) -> None:
    if events:
        session.execute(insert(HealthEvent), events)


def stale_at(now: datetime, interval_s: int, intervals: int) -> datetime:
    """When a kiosk that beat at `now` counts as offline if no beat follows."""
    return now + timedelta(seconds=intervals * interval_s)
