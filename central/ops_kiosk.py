"""One kiosk for the ops console: its latest state, health timeline, today's transactions,
vouchers, maintenance and cash collections, remote commands and log uploads — each read by
the kiosk's id (indexed), so the page costs the same in a fleet of 10 or 10,000."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select

from central.business_db import BillPayment, LogUpload, ServiceDay
from central.db import Heartbeat, HeartbeatDetail, Kiosk, RemoteCommand, Storage, Topup
from central.fleet import KioskDay, kiosk_view
from central.fleet_schemas import FleetKiosk, MaintenanceEventOut
from central.history_db import HealthEvent
from central.maintenance_events import list_events
from central.volume import day_start
from central.vouchers import VoucherOut, list_vouchers

EVENTS_SHOWN = 100
ROWS_SHOWN = 20


@dataclass(frozen=True)
class Place:
    region: str
    city: str
    hall: str
    location: str


@dataclass(frozen=True)
class Transaction:
    at: datetime  # the kiosk's clock
    service: str  # topup, bill
    method: str
    amount_fen: int
    msisdn_masked: str
    status: str


@dataclass(frozen=True)
class CommandRow:
    kind: str
    issued_at: datetime
    first_sent_at: datetime | None
    acked_at: datetime | None


@dataclass(frozen=True)
class LogRow:
    received_at: datetime
    command_id: str | None
    lines: int


@dataclass(frozen=True)
class HealthRow:
    at: datetime
    kind: str
    subject: str
    level: str
    code: str
    detail: str


@dataclass(frozen=True)
class KioskDetail:
    view: FleetKiosk
    place: Place | None
    events: list[HealthRow]  # newest first
    transactions: list[Transaction]  # today's, newest first
    vouchers: list[VoucherOut]
    maintenance: list[MaintenanceEventOut]
    collections: list[MaintenanceEventOut]
    commands: list[CommandRow]
    logs: list[LogRow]


def mask_msisdn(msisdn: str) -> str:
    """138****8000: enough for a hall manager to match a complaint, not a customer's number."""
    return msisdn[:3] + "****" + msisdn[-4:] if len(msisdn) >= 8 else "*" * len(msisdn)


def kiosk_detail(storage: Storage, kiosk_id: str, now: datetime, tz: tzinfo) -> KioskDetail | None:
    """Everything the kiosk page shows; None if no such kiosk is registered."""
    start = day_start(now, tz)
    with storage.sessions() as session:
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None:
            return None
        beat = session.get(Heartbeat, kiosk_id)
        detail = session.get(HeartbeatDetail, kiosk_id)
        events = session.scalars(
            select(HealthEvent)
            .where(HealthEvent.kiosk_id == kiosk_id)
            .order_by(HealthEvent.id.desc())
            .limit(EVENTS_SHOWN)
        ).all()
        # Received since the start of yesterday: a payment of today cannot have come earlier.
        since = start - timedelta(days=1)
        topups = session.execute(
            select(Topup.created_at, Topup.method, Topup.amount_fen, Topup.msisdn).where(
                Topup.kiosk_id == kiosk_id, Topup.received_at >= since
            )
        ).all()
        bills = session.execute(
            select(
                BillPayment.created_at, BillPayment.method, BillPayment.amount_fen,
                BillPayment.msisdn, BillPayment.status,
            ).where(BillPayment.kiosk_id == kiosk_id, BillPayment.received_at >= since)
        ).all()  # fmt: skip
        sessions = session.execute(
            select(ServiceDay.started, ServiceDay.completed).where(
                ServiceDay.kiosk_id == kiosk_id, ServiceDay.day == start.date()
            )
        ).all()
        commands = session.execute(
            select(
                RemoteCommand.kind, RemoteCommand.issued_at, RemoteCommand.first_sent_at,
                RemoteCommand.acked_at,
            )
            .where(RemoteCommand.kiosk_id == kiosk_id)
            .order_by(RemoteCommand.seq.desc())
            .limit(ROWS_SHOWN)
        ).all()  # fmt: skip
        logs = session.execute(
            select(LogUpload.received_at, LogUpload.command_id, LogUpload.lines_json)
            .where(LogUpload.kiosk_id == kiosk_id)
            .order_by(LogUpload.id.desc())
            .limit(ROWS_SHOWN)
        ).all()
    transactions = _today(topups, bills, start, tz)
    volume: dict[str, list[int]] = {}
    for txn in transactions:
        cell = volume.setdefault(f"{txn.service}_{txn.method}", [0, 0])
        cell[0] += 1
        cell[1] += txn.amount_fen
    today = KioskDay(volume, (sum(s for s, _ in sessions), sum(c for _, c in sessions)))
    vouchers = list_vouchers(storage, kiosk_id, limit=ROWS_SHOWN)
    return KioskDetail(
        view=kiosk_view(kiosk, beat, now, today, detail=detail),
        place=None if beat is None else Place(beat.region, beat.city, beat.hall, beat.location),
        events=[HealthRow(e.at, e.kind, e.subject, e.level, e.code, e.detail) for e in events],
        transactions=transactions,
        vouchers=[] if vouchers is None else vouchers.vouchers,
        maintenance=list_events(storage, kiosk_id, limit=ROWS_SHOWN) or [],
        collections=list_events(storage, kiosk_id, limit=ROWS_SHOWN, action="cash_collected") or [],
        commands=[CommandRow(*row) for row in commands],
        logs=[LogRow(at, command, len(json.loads(lines))) for at, command, lines in logs],
    )


def _today(topups: object, bills: object, start: datetime, tz: tzinfo) -> list[Transaction]:
    found: list[Transaction] = []
    for created, method, amount, msisdn in topups:  # type: ignore[attr-defined]
        at = datetime.fromisoformat(created)
        if at.astimezone(tz).date() == start.date():
            found.append(Transaction(at, "topup", method, amount, mask_msisdn(msisdn), "credited"))
    for created, method, amount, msisdn, status in bills:  # type: ignore[attr-defined]
        at = datetime.fromisoformat(created)
        if at.astimezone(tz).date() == start.date():
            found.append(Transaction(at, "bill", method, amount, mask_msisdn(msisdn), status))
    return sorted(found, key=lambda t: t.at, reverse=True)
