"""Tables of the ops console's history: daily figures per hall and each kiosk's health events.

The console charts 30 days of a fleet of 10,000 kiosks in a few milliseconds because it never
reads the business records for them: ingest adds every payment and every change of a kiosk's
session counts to one row per (day, hall, ...) — a few hundred rows a day for the whole fleet
instead of hundreds of thousands of transactions (docs/ops-console.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.db import Base, UTCDateTime


class PaymentDay(Base):
    """Money paid at kiosks on one business day (the kiosk's own date of the payment) in one
    hall, per service and payment method: added to by every accepted payment item."""

    __tablename__ = "payment_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    city: Mapped[str] = mapped_column(String(64), primary_key=True)
    hall: Mapped[str] = mapped_column(String(64), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)  # topup, bill...
    method: Mapped[str] = mapped_column(String(8), primary_key=True)  # cash, card, qr
    count: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class SessionDay(Base):
    """Customer sessions kiosks of one hall started and completed on one business day, the
    sum of their heartbeats' counts (service_days): the base of the diversion rate."""

    __tablename__ = "session_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    city: Mapped[str] = mapped_column(String(64), primary_key=True)
    hall: Mapped[str] = mapped_column(String(64), primary_key=True)
    started: Mapped[int] = mapped_column(BigInteger)
    completed: Mapped[int] = mapped_column(BigInteger)


class HealthEvent(Base):
    """A change in a kiosk's health seen between two heartbeats: a device's level, in or out
    of service, a new software version, a silence longer than its offline limit."""

    __tablename__ = "health_events"
    __table_args__ = (Index("ix_health_events_kiosk_id_id", "kiosk_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())  # central's clock
    kind: Mapped[str] = mapped_column(String(16))  # device, service, version, offline
    subject: Mapped[str] = mapped_column(String(64))  # the device, or the kind again
    level: Mapped[str] = mapped_column(String(8))  # ok, warning, error, unknown
    code: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200))
