"""Heartbeat ingest and remote commands: store the latest beat, hand out unacknowledged commands."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.db import (
    Heartbeat,
    HeartbeatDetail,
    Kiosk,
    RemoteCommand,
    Storage,
    latest_state_session,
)
from central.fleet_schemas import Command, CommandKind, HeartbeatRequest, IssuedCommand
from central.volume import record_service_counts


def record_heartbeat(
    storage: Storage, kiosk_id: str, beat: HeartbeatRequest, now: datetime
) -> list[Command]:
    """In one transaction: replace the kiosk's latest heartbeat, mark the commands it
    acknowledged done, and return its commands still not acknowledged, oldest first.

    Written without an fsync (db.latest_state_session): after a power cut central may have
    lost the last seconds of beats and acknowledgements, so a command may be sent once more;
    kiosks execute a command id once (kiosk/health_reporter.py)."""
    try:
        return _record(storage, kiosk_id, beat, now)
    except IntegrityError:
        # Two first heartbeats of one kiosk raced to insert its row: the loser now updates it.
        return _record(storage, kiosk_id, beat, now)


def _record(
    storage: Storage, kiosk_id: str, beat: HeartbeatRequest, now: datetime
) -> list[Command]:
    devices = [device.model_dump() for device in beat.devices]
    with latest_state_session(storage) as session:
        row = session.get(Heartbeat, kiosk_id)
        if row is None:
            row = Heartbeat(kiosk_id=kiosk_id)
            session.add(row)
        row.sent_at = beat.sent_at
        row.received_at = now
        row.software_version = beat.software_version
        row.interval_s = beat.interval_s
        row.out_of_service = beat.out_of_service
        row.devices_json = json.dumps(devices, ensure_ascii=False)
        row.queue_pending = beat.queue.pending
        row.queue_dead = beat.queue.dead
        row.queue_oldest_pending_age_s = beat.queue.oldest_pending_age_s
        row.cash_box_json = json.dumps(beat.cash_box, sort_keys=True)
        _record_detail(session, kiosk_id, beat)
        record_service_counts(session, kiosk_id, beat.sent_at, beat.services)
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
            )
        pending = session.scalars(
            select(RemoteCommand)
            .where(RemoteCommand.kiosk_id == kiosk_id, RemoteCommand.acked_at.is_(None))
            .order_by(RemoteCommand.seq)
        ).all()
        for command in pending:
            if command.first_sent_at is None:
                command.first_sent_at = now
        return [
            Command(id=c.id, kind=cast(CommandKind, c.kind), issued_at=c.issued_at) for c in pending
        ]


def _record_detail(session: Session, kiosk_id: str, beat: HeartbeatRequest) -> None:
    """The optional figures; a beat without them (an older kiosk) clears the previous ones."""
    detail = session.get(HeartbeatDetail, kiosk_id)
    if detail is None:
        detail = HeartbeatDetail(kiosk_id=kiosk_id)
        session.add(detail)
    detail.uptime_s = beat.uptime_s
    detail.disk_free_bytes = beat.disk_free_bytes
    detail.disk_total_bytes = beat.disk_total_bytes
    detail.queue_last_success_at = beat.queue.last_success_at
    errors = [error.model_dump(mode="json") for error in beat.last_errors]
    detail.last_errors_json = json.dumps(errors, ensure_ascii=False)


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
