"""Heartbeat ingest and remote commands: store the latest beat, hand out unacknowledged commands."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update

from central.db import (
    Heartbeat,
    HeartbeatDetail,
    Kiosk,
    RemoteCommand,
    Storage,
    latest_state_session,
)
from central.fleet import OFFLINE_AFTER_INTERVALS, alerts_of, cash_total_fen, disk_ratio
from central.fleet_schemas import Command, CommandKind, HeartbeatRequest, IssuedCommand
from central.history import (
    health_changes,
    record_health,
    record_sessions,
    stale_at,
    state_before,
)
from central.statements import upsert
from central.volume import record_service_counts


def record_heartbeat(
    storage: Storage, kiosk_id: str, beat: HeartbeatRequest, now: datetime
) -> list[Command]:
    """In one transaction: replace the kiosk's latest heartbeat, mark the commands it
    acknowledged done, and return its commands still not acknowledged, oldest first.

    Written without an fsync (db.latest_state_session): after a power cut central may have
    lost the last seconds of beats and acknowledgements, so a command may be sent once more;
    kiosks execute a command id once (kiosk/health_reporter.py).

    A fleet of 10,000 kiosks sends several hundred of these a second, so each is a handful
    of Core statements — an upsert per table, one query for the commands — not ORM
    get-then-set round trips (benchmarks/central_bench.py --scale-kiosks).

    For the ops console (central/history.py) the previous beat is read first, locked: what
    changed becomes the kiosk's health timeline, and the change of its session counts is
    added to its hall's day."""
    with latest_state_session(storage) as session:
        before = state_before(session, kiosk_id, beat)
        row = _heartbeat_row(kiosk_id, beat, now)
        upsert(session, Heartbeat, [row])
        upsert(session, HeartbeatDetail, [_detail_row(kiosk_id, beat)])
        record_service_counts(session, kiosk_id, beat.sent_at, beat.services)
        record_sessions(session, before, beat, (row["region"], row["city"], row["hall"]))
        record_health(session, health_changes(kiosk_id, before, beat, now))
        if beat.acked_commands:
            # Only this kiosk's commands: an id of another kiosk's command is ignored.
            session.execute(
                update(RemoteCommand)
                .where(
                    RemoteCommand.kiosk_id == kiosk_id,
                    RemoteCommand.id.in_(set(beat.acked_commands)),
                    RemoteCommand.acked_at.is_(None),
                )
                .values(acked_at=now)
                .execution_options(synchronize_session=False)
            )
        pending = session.execute(
            select(
                RemoteCommand.id,
                RemoteCommand.kind,
                RemoteCommand.issued_at,
                RemoteCommand.first_sent_at,
            )
            .where(RemoteCommand.kiosk_id == kiosk_id, RemoteCommand.acked_at.is_(None))
            .order_by(RemoteCommand.seq)
        ).all()
        if any(first_sent is None for *_, first_sent in pending):
            session.execute(
                update(RemoteCommand)
                .where(
                    RemoteCommand.kiosk_id == kiosk_id,
                    RemoteCommand.acked_at.is_(None),
                    RemoteCommand.first_sent_at.is_(None),
                )
                .values(first_sent_at=now)
                .execution_options(synchronize_session=False)
            )
        return [
            Command(id=command_id, kind=cast(CommandKind, kind), issued_at=issued_at)
            for command_id, kind, issued_at, _ in pending
        ]


def _heartbeat_row(kiosk_id: str, beat: HeartbeatRequest, now: datetime) -> dict[str, Any]:
    devices = [device.model_dump() for device in beat.devices]
    alerts = alerts_of(devices, disk_ratio(beat.disk_free_bytes, beat.disk_total_bytes))
    levels = [alert.level for alert in alerts]
    return {
        "kiosk_id": kiosk_id,
        "sent_at": beat.sent_at,
        "received_at": now,
        "software_version": beat.software_version,
        "interval_s": beat.interval_s,
        "out_of_service": beat.out_of_service,
        "devices_json": json.dumps(devices, ensure_ascii=False),
        "queue_pending": beat.queue.pending,
        "queue_dead": beat.queue.dead,
        "queue_oldest_pending_age_s": beat.queue.oldest_pending_age_s,
        "cash_box_json": json.dumps(beat.cash_box, sort_keys=True),
        "region": beat.region or "",
        "city": beat.city or "",
        "hall": beat.hall or "",
        "location": beat.location or "",
        "stale_at": stale_at(now, beat.interval_s, OFFLINE_AFTER_INTERVALS),
        "alerts_error": levels.count("error"),
        "alerts_warning": levels.count("warning"),
        "alerts_unknown": levels.count("unknown"),
        "cash_fen": cash_total_fen(beat.cash_box),
    }


def _detail_row(kiosk_id: str, beat: HeartbeatRequest) -> dict[str, Any]:
    """The optional figures; a beat without them (an older kiosk) clears the previous ones."""
    errors = [error.model_dump(mode="json") for error in beat.last_errors]
    return {
        "kiosk_id": kiosk_id,
        "uptime_s": beat.uptime_s,
        "disk_free_bytes": beat.disk_free_bytes,
        "disk_total_bytes": beat.disk_total_bytes,
        "queue_last_success_at": beat.queue.last_success_at,
        "last_errors_json": json.dumps(errors, ensure_ascii=False),
    }


def issue_command(
    storage: Storage, kiosk_id: str, kind: CommandKind, now: datetime
) -> IssuedCommand | None:
    """Queue `kind` for `kiosk_id`; None if no such kiosk is registered (nothing written)."""
    with storage.sessions.begin() as session:
        if session.get(Kiosk, kiosk_id) is None:
            return None
        command = RemoteCommand(
            id=uuid.uuid4().hex,
            kiosk_id=kiosk_id,
            kind=kind,
            issued_at=now,
            first_sent_at=None,
            acked_at=None,
        )
        session.add(command)
    return IssuedCommand(
        id=command.id, kiosk_id=kiosk_id, kind=kind, issued_at=now, status="pending"
    )
