"""Tables of the business side of central: accounts, bills, usage, numbers, SIMs, real-name.

Personal data is kept the way a careful operator would: ID numbers only as a keyed hash plus a
masked form, service passwords and SMS codes only as salted hashes, SIM secrets only until they
are handed over inside an encrypted envelope.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from central.db import Base, UTCDateTime


class Setting(Base):
    """Server-wide values created once (e.g. the key that hashes ID numbers)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Plan(Base):
    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    monthly_fee_fen: Mapped[int] = mapped_column(BigInteger)
    data_mb: Mapped[int] = mapped_column(Integer)
    voice_min: Mapped[int] = mapped_column(Integer)
    sms: Mapped[int] = mapped_column(Integer)


class ValueAddedService(Base):
    __tablename__ = "value_added_services"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    monthly_fee_fen: Mapped[int] = mapped_column(BigInteger)


class Account(Base):
    """A subscriber line. The owner's ID number is kept only as a keyed hash and masked."""

    __tablename__ = "accounts"

    msisdn: Mapped[str] = mapped_column(String(11), primary_key=True)
    owner_name: Mapped[str] = mapped_column(String(64))
    owner_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    owner_id_masked: Mapped[str] = mapped_column(String(18))
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code"))
    status: Mapped[str] = mapped_column(String(16))  # active | suspended
    iccid: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(160))  # scrypt$salt$hash
    # No longer read or written: password tries are counted in attempt_limits (limits.py),
    # where a claim is atomic. Kept until a migration drops them with the code that sets them.
    failed_password_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountService(Base):
    """A value-added service switched on for an account (the row goes when it is switched off)."""

    __tablename__ = "account_services"

    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), primary_key=True)
    service_code: Mapped[str] = mapped_column(
        ForeignKey("value_added_services.code"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountEvent(Base):
    """What happened to an account and through which kiosk: plan changes, services, SIM swaps."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    detail_json: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Bill(Base):
    """One monthly bill; `items_json` lists [{code, name_zh, name_en, amount_fen}]."""

    __tablename__ = "bills"

    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    items_json: Mapped[str] = mapped_column(Text)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[bool] = mapped_column(Boolean)


class UsageRecord(Base):
    """A call detail record: a voice call, a text or a data session."""

    __tablename__ = "usage_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # voice | sms | data
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    direction: Mapped[str] = mapped_column(String(8))  # out | in (data: out)
    peer: Mapped[str] = mapped_column(String(20))  # the other number, or the APN for data
    duration_s: Mapped[int] = mapped_column(Integer)  # voice; 0 otherwise
    volume_kb: Mapped[int] = mapped_column(Integer)  # data; 0 otherwise
    charge_fen: Mapped[int] = mapped_column(BigInteger)


class Invoice(Base):
    __tablename__ = "invoices"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    title: Mapped[str] = mapped_column(String(64))  # whom it is made out to
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    tax_fen: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[date] = mapped_column(Date)
    print_count: Mapped[int] = mapped_column(Integer, default=0)


class SmsMessage(Base):
    """The SMS outbox: central "sends" a text by writing it here (demo and tests read it)."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # login | confirm | notice
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SmsChallenge(Base):
    """A one-time code sent by SMS, kept hashed; burnt after a use or too many wrong tries."""

    __tablename__ = "sms_challenges"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # login | confirm
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts_left: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    # For purpose "confirm": the session and the action that the code unlocks.
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class CustomerSession(Base):
    """One authenticated customer at one kiosk; only the token's SHA-256 is stored."""

    __tablename__ = "customer_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"))
    method: Mapped[str] = mapped_column(String(16))  # password | sms | id_card
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended: Mapped[bool] = mapped_column(Boolean, default=False)


class ResidentRecord(Base):
    """The real-name registry: an ID number (keyed hash) with its name and status."""

    __tablename__ = "resident_registry"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # normal | blocked


class RealNameCheck(Base):
    """A passed real-name check: a number may be reserved and sold against it for a while."""

    __tablename__ = "realname_checks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    id_hash: Mapped[str] = mapped_column(String(64))
    id_masked: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PoolNumber(Base):
    """A number for sale. Reserved while `reserved_until` is in the future; sold for good."""

    __tablename__ = "number_pool"

    msisdn: Mapped[str] = mapped_column(String(11), primary_key=True)
    price_fen: Mapped[int] = mapped_column(BigInteger)  # the number's own fee (0 for plain)
    sold: Mapped[bool] = mapped_column(Boolean, default=False)
    reservation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    reserved_by_check: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reserved_by_kiosk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SimProfile(Base):
    """Personalisation data for one blank SIM; bound to a reservation when handed out."""

    __tablename__ = "sim_profiles"

    iccid: Mapped[str] = mapped_column(String(20), primary_key=True)
    imsi: Mapped[str] = mapped_column(String(15), unique=True)
    ki_encrypted_hex: Mapped[str] = mapped_column(String(64))  # under the card vendor's key
    pin1: Mapped[str] = mapped_column(String(8))
    puk1: Mapped[str] = mapped_column(String(8))
    reservation_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    handed_to_kiosk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # free | issued | active


class ServiceDay(Base):
    """A kiosk's own count of customer sessions of one service on one business day, as its
    latest heartbeat of that day reported them (the base of the diversion rate)."""

    __tablename__ = "service_days"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    started: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)


class LogUpload(Base):
    """Recent log lines a kiosk uploaded (remote command `upload_logs`), for ops to read."""

    __tablename__ = "log_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    command_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lines_json: Mapped[str] = mapped_column(Text)


class BillPayment(Base):
    """A payment toward a line's monthly bills (kind bill_payment.v1). One row per (kiosk,
    txn_id). A number central does not know is kept as `suspense` for ops to refund."""

    __tablename__ = "bill_payments"
    __table_args__ = (UniqueConstraint("kiosk_id", "txn_id", name="uq_bill_payments_kiosk_txn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    txn_id: Mapped[str] = mapped_column(String(128))
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[str] = mapped_column(String(64))  # ISO-8601 exactly as the kiosk sent it
    offline: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))  # paid | partial | credited | suspense
    months_json: Mapped[str] = mapped_column(Text)  # the months this payment settled
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignedAgreement(Base):
    """The service agreement of a new line as its owner signed it on the kiosk's screen: the
    signature's bytes as the kiosk serialised them (strokes; kiosk/flows/signature.py)."""

    __tablename__ = "signed_agreements"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    txn_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    msisdn: Mapped[str] = mapped_column(ForeignKey("accounts.msisdn"), index=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AttemptLimit(Base):
    """A counter of tries that is claimed before a try is evaluated (central/limits.py): a
    service password, an ID-card login, the SMS send rate of one number. Claimed by one atomic
    UPDATE, so the limit holds across requests, threads and central instances alike."""

    __tablename__ = "attempt_limits"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)  # password | id_card | sms
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # the number
    used: Mapped[int] = mapped_column(Integer)  # tries claimed since the last reset
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
