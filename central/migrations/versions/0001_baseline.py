"""Baseline: the schema of central as `create_all` made it before migrations existed.

Written out table by table so later model changes cannot alter what this revision creates. A
database made by an older central (tables, no alembic_version) is adopted: run with the
`adopt_existing` attribute set (central/migrations/__init__.py does), this revision creates
only the tables and indexes that database lacks, so it ends exactly at the baseline.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _adopting() -> bool:
    return bool(context.config.attributes.get("adopt_existing"))


def _table(name: str, *elements: Any) -> None:
    """Create a table (when adopting an older database: only if it is missing)."""
    if _adopting() and sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *elements)


def _index(name: str, table: str, columns: list[str]) -> None:
    """Create a non-unique index (when adopting an older database: only if it is missing)."""
    if _adopting():
        present = {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}
        if name in present:
            return
    op.create_index(name, table, columns, unique=False)


def upgrade() -> None:
    _table(
        "attempt_limits",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "subject"),
    )
    _table(
        "bill_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("txn_id", sa.String(length=128), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.String(length=64), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("months_json", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kiosk_id", "txn_id", name="uq_bill_payments_kiosk_txn"),
    )
    _index("ix_bill_payments_kiosk_id", "bill_payments", ["kiosk_id"])
    _index("ix_bill_payments_msisdn", "bill_payments", ["msisdn"])
    _table(
        "kiosks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _table(
        "log_uploads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("command_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("lines_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_log_uploads_kiosk_id", "log_uploads", ["kiosk_id"])
    _table(
        "number_pool",
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("sold", sa.Boolean(), nullable=False),
        sa.Column("reservation_id", sa.String(length=32), nullable=True),
        sa.Column("reserved_by_check", sa.String(length=32), nullable=True),
        sa.Column("reserved_by_kiosk", sa.String(length=64), nullable=True),
        sa.Column("reserved_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("msisdn"),
        sa.UniqueConstraint("reservation_id"),
    )
    _table(
        "plans",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("monthly_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("data_mb", sa.Integer(), nullable=False),
        sa.Column("voice_min", sa.Integer(), nullable=False),
        sa.Column("sms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    _table(
        "realname_checks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("id_masked", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _table(
        "resident_registry",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    _table(
        "service_days",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kiosk_id", "day", "service"),
    )
    _table(
        "settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    _table(
        "sim_profiles",
        sa.Column("iccid", sa.String(length=20), nullable=False),
        sa.Column("imsi", sa.String(length=15), nullable=False),
        sa.Column("ki_encrypted_hex", sa.String(length=64), nullable=False),
        sa.Column("pin1", sa.String(length=8), nullable=False),
        sa.Column("puk1", sa.String(length=8), nullable=False),
        sa.Column("reservation_id", sa.String(length=32), nullable=True),
        sa.Column("handed_to_kiosk", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("iccid"),
        sa.UniqueConstraint("imsi"),
        sa.UniqueConstraint("reservation_id"),
    )
    _table(
        "sms_challenges",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts_left", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("action_json", sa.Text(), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_sms_challenges_msisdn", "sms_challenges", ["msisdn"])
    _table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_sms_outbox_msisdn", "sms_outbox", ["msisdn"])
    _table(
        "value_added_services",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("monthly_fee_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    _table(
        "accounts",
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("owner_name", sa.String(length=64), nullable=False),
        sa.Column("owner_id_hash", sa.String(length=64), nullable=False),
        sa.Column("owner_id_masked", sa.String(length=18), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("plan_code", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("iccid", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=160), nullable=False),
        sa.Column("failed_password_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_code"],
            ["plans.code"],
        ),
        sa.PrimaryKeyConstraint("msisdn"),
    )
    _index("ix_accounts_owner_id_hash", "accounts", ["owner_id_hash"])
    _table(
        "heartbeat_details",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("uptime_s", sa.BigInteger(), nullable=True),
        sa.Column("disk_free_bytes", sa.BigInteger(), nullable=True),
        sa.Column("disk_total_bytes", sa.BigInteger(), nullable=True),
        sa.Column("queue_last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_errors_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    _table(
        "heartbeats",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("software_version", sa.String(length=64), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("out_of_service", sa.Boolean(), nullable=False),
        sa.Column("devices_json", sa.Text(), nullable=False),
        sa.Column("queue_pending", sa.Integer(), nullable=False),
        sa.Column("queue_dead", sa.Integer(), nullable=False),
        sa.Column("queue_oldest_pending_age_s", sa.Float(), nullable=True),
        sa.Column("cash_box_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    _table(
        "maintenance_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("technician_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.Column("cash_counts_json", sa.Text(), nullable=True),
        sa.Column("total_fen", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kiosk_id", "event_id", name="uq_maintenance_kiosk_event"),
    )
    _index("ix_maintenance_events_kiosk_id", "maintenance_events", ["kiosk_id"])
    _table(
        "remote_commands",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("first_sent_at", sa.DateTime(), nullable=True),
        sa.Column("acked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    _index("ix_remote_commands_acked_at", "remote_commands", ["acked_at"])
    _index("ix_remote_commands_kiosk_id", "remote_commands", ["kiosk_id"])
    _table(
        "sync_records",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("kiosk_id", "key"),
    )
    _table(
        "topups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("txn_id", sa.String(length=128), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.String(length=64), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kiosk_id", "txn_id", name="uq_topups_kiosk_txn"),
    )
    _index("ix_topups_kiosk_id", "topups", ["kiosk_id"])
    _index("ix_topups_msisdn", "topups", ["msisdn"])
    _table(
        "vouchers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("voucher_no", sa.String(length=160), nullable=False),
        sa.Column("txn_id", sa.String(length=128), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("flow", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("msisdn_masked", sa.String(length=11), nullable=True),
        sa.Column("recovered", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"],
            ["kiosks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kiosk_id", "voucher_no", name="uq_voucher_kiosk_no"),
    )
    _index("ix_vouchers_kiosk_id", "vouchers", ["kiosk_id"])
    _index("ix_vouchers_txn_id", "vouchers", ["txn_id"])
    _table(
        "account_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_account_events_msisdn", "account_events", ["msisdn"])
    _table(
        "account_services",
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["value_added_services.code"],
        ),
        sa.PrimaryKeyConstraint("msisdn", "service_code"),
    )
    _table(
        "bills",
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("items_json", sa.Text(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("msisdn", "month"),
    )
    _table(
        "customer_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    _table(
        "invoices",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("tax_fen", sa.BigInteger(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("number"),
    )
    _index("ix_invoices_msisdn", "invoices", ["msisdn"])
    _table(
        "signed_agreements",
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("txn_id", sa.String(length=128), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("kiosk_id", "txn_id"),
    )
    _index("ix_signed_agreements_msisdn", "signed_agreements", ["msisdn"])
    _table(
        "usage_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("peer", sa.String(length=20), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("volume_kb", sa.Integer(), nullable=False),
        sa.Column("charge_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msisdn"],
            ["accounts.msisdn"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_usage_records_month", "usage_records", ["month"])
    _index("ix_usage_records_msisdn", "usage_records", ["msisdn"])


def downgrade() -> None:
    # Children before the tables their foreign keys name; a table's indexes go with it.
    for name in (
        "usage_records",
        "signed_agreements",
        "invoices",
        "customer_sessions",
        "bills",
        "account_services",
        "account_events",
        "vouchers",
        "topups",
        "sync_records",
        "remote_commands",
        "maintenance_events",
        "heartbeats",
        "heartbeat_details",
        "accounts",
        "value_added_services",
        "sms_outbox",
        "sms_challenges",
        "sim_profiles",
        "settings",
        "service_days",
        "resident_registry",
        "realname_checks",
        "plans",
        "number_pool",
        "log_uploads",
        "kiosks",
        "bill_payments",
        "attempt_limits",
    ):
        op.drop_table(name)
