"""Ops console: where each kiosk stands (region, city, hall, location) and the figures the
console aggregates (offline-after time, alert counts, cash) on `heartbeats`; the daily
figures per hall (`payment_days`, `session_days`) and the kiosks' health events.

Existing rows are filled in: each latest heartbeat's figures from its JSON, and the daily
figures from the recorded top-ups, bill payments and session counts (all under the empty
hall: no kiosk had reported where it stands).

Written out in full, as 0001, so later model changes cannot alter it. When an older
central's database is adopted, what already exists is left alone.

Revision ID: 0002
Revises: 0001
Create Date: 2027-01-10
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _new_columns() -> tuple[sa.Column[Any], ...]:
    """The columns added to `heartbeats` (made anew for each use: a Column joins one table)."""
    return (
        sa.Column("region", sa.String(length=64), server_default="", nullable=False),
        sa.Column("city", sa.String(length=64), server_default="", nullable=False),
        sa.Column("hall", sa.String(length=64), server_default="", nullable=False),
        sa.Column("location", sa.String(length=128), server_default="", nullable=False),
        sa.Column("stale_at", sa.DateTime(), nullable=True),
        sa.Column("alerts_error", sa.Integer(), server_default="0", nullable=False),
        sa.Column("alerts_warning", sa.Integer(), server_default="0", nullable=False),
        sa.Column("alerts_unknown", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cash_fen", sa.BigInteger(), server_default="0", nullable=False),
    )


HALL_KEY = ("region", "city", "hall")


def _adopting() -> bool:
    return bool(context.config.attributes.get("adopt_existing"))


def _has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("heartbeats")}
    missing = [c for c in _new_columns() if not (_adopting() and c.name in present)]
    if missing:
        with op.batch_alter_table("heartbeats") as batch:
            for column in missing:
                batch.add_column(column)
    if not (_adopting() and _has_table("payment_days")):
        op.create_table(
            "payment_days",
            sa.Column("day", sa.Date(), nullable=False),
            *(sa.Column(name, sa.String(length=64), nullable=False) for name in HALL_KEY),
            sa.Column("service", sa.String(length=32), nullable=False),
            sa.Column("method", sa.String(length=8), nullable=False),
            sa.Column("count", sa.BigInteger(), nullable=False),
            sa.Column("amount_fen", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("day", *HALL_KEY, "service", "method"),
        )
    if not (_adopting() and _has_table("session_days")):
        op.create_table(
            "session_days",
            sa.Column("day", sa.Date(), nullable=False),
            *(sa.Column(name, sa.String(length=64), nullable=False) for name in HALL_KEY),
            sa.Column("started", sa.BigInteger(), nullable=False),
            sa.Column("completed", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("day", *HALL_KEY),
        )
    if not (_adopting() and _has_table("health_events")):
        op.create_table(
            "health_events",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("kiosk_id", sa.String(length=64), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("subject", sa.String(length=64), nullable=False),
            sa.Column("level", sa.String(length=8), nullable=False),
            sa.Column("code", sa.String(length=64), nullable=False),
            sa.Column("detail", sa.String(length=200), nullable=False),
            sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_health_events_kiosk_id_id", "health_events", ["kiosk_id", "id"])
    _fill_heartbeat_figures()
    _fill_days()


def _fill_heartbeat_figures() -> None:
    """Each latest heartbeat's offline-after time, alert counts and cash, from its columns
    and JSON as central of revision 0001 computed them for the fleet view."""
    bind = op.get_bind()
    beats = sa.table(
        "heartbeats",
        sa.column("kiosk_id"),
        sa.column("received_at", sa.DateTime()),
        sa.column("interval_s", sa.Integer()),
        sa.column("devices_json"),
        sa.column("cash_box_json"),
        sa.column("stale_at"),
        sa.column("alerts_error"),
        sa.column("alerts_warning"),
        sa.column("alerts_unknown"),
        sa.column("cash_fen"),
    )
    details = sa.table(
        "heartbeat_details",
        sa.column("kiosk_id"),
        sa.column("disk_free_bytes"),
        sa.column("disk_total_bytes"),
    )
    disks = {
        kiosk: (free, total)
        for kiosk, free, total in bind.execute(
            sa.select(details.c.kiosk_id, details.c.disk_free_bytes, details.c.disk_total_bytes)
        )
    }
    rows: list[dict[str, Any]] = []
    query = sa.select(
        beats.c.kiosk_id,
        beats.c.received_at,
        beats.c.interval_s,
        beats.c.devices_json,
        beats.c.cash_box_json,
    )
    for kiosk, received, interval, devices_json, cash_json in bind.execute(query):
        levels: dict[str, int] = defaultdict(int)
        disk_reported = False
        for device in json.loads(devices_json):
            levels[device["level"]] += 1
            disk_reported |= device["name"] == "disk" and device["level"] in ("error", "warning")
        free, total = disks.get(kiosk, (None, None))
        if free is not None and total and free / total < 0.10 and not disk_reported:
            levels["warning"] += 1
        cash = sum(int(d) * n for d, n in json.loads(cash_json).items())
        rows.append(
            {
                "k": kiosk,
                "stale": received + timedelta(seconds=3 * interval),
                "e": levels["error"],
                "w": levels["warning"],
                "u": levels["unknown"],
                "c": cash,
            }
        )
    if rows:
        bind.execute(
            beats.update()
            .where(beats.c.kiosk_id == sa.bindparam("k"))
            .values(
                stale_at=sa.bindparam("stale"),
                alerts_error=sa.bindparam("e"),
                alerts_warning=sa.bindparam("w"),
                alerts_unknown=sa.bindparam("u"),
                cash_fen=sa.bindparam("c"),
            ),
            rows,
        )


def _fill_days() -> None:
    """The daily figures of what central recorded before (under the empty hall)."""
    bind = op.get_bind()
    payments: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for service, table in (("topup", "topups"), ("bill", "bill_payments")):
        source = sa.table(
            table, sa.column("method"), sa.column("amount_fen"), sa.column("created_at")
        )
        query = sa.select(source.c.method, source.c.amount_fen, source.c.created_at)
        for method, amount, created in bind.execute(query.execution_options(yield_per=5000)):
            cell = payments[(datetime.fromisoformat(created).date(), service, method)]
            cell[0] += 1
            cell[1] += amount
    if payments and not _count("payment_days"):
        op.bulk_insert(
            sa.table(
                "payment_days",
                sa.column("day", sa.Date()),
                *(sa.column(n) for n in (*HALL_KEY, "service", "method")),
                sa.column("count"),
                sa.column("amount_fen"),
            ),
            [
                {"day": d, "region": "", "city": "", "hall": "", "service": s, "method": m,
                 "count": n, "amount_fen": fen}
                for (d, s, m), (n, fen) in sorted(payments.items())
            ],
        )  # fmt: skip
    service_days = sa.table(
        "service_days", sa.column("day", sa.Date()), sa.column("started"), sa.column("completed")
    )
    sums = (sa.func.sum(service_days.c.started), sa.func.sum(service_days.c.completed))
    totals = bind.execute(sa.select(service_days.c.day, *sums).group_by(service_days.c.day)).all()
    if totals and not _count("session_days"):
        op.bulk_insert(
            sa.table("session_days", sa.column("day", sa.Date()), *(sa.column(n) for n in HALL_KEY),
                     sa.column("started"), sa.column("completed")),
            [{"day": d, "region": "", "city": "", "hall": "", "started": int(s),
              "completed": int(c)} for d, s, c in totals],
        )  # fmt: skip


def _count(table: str) -> int:
    return int(op.get_bind().scalar(sa.select(sa.func.count()).select_from(sa.table(table))) or 0)


def downgrade() -> None:
    op.drop_index("ix_health_events_kiosk_id_id", table_name="health_events")
    op.drop_table("health_events")
    op.drop_table("session_days")
    op.drop_table("payment_days")
    with op.batch_alter_table("heartbeats") as batch:
        for column in reversed(_new_columns()):
            batch.drop_column(column.name)
