"""Vouchers (sync kind `voucher.v1`): money a kiosk took for a service it did not deliver —
a SIM sale or replacement that failed after payment, a note stacked across a restart — and
the customer's claim on it, printed on a slip or made on boot for a customer who had gone.

Central records each once per (kiosk, voucher number) and lists a kiosk's vouchers for ops
(GET /v1/ops/kiosks/{id}/vouchers), so that they can be honoured and reconciled with the
cash. Redeeming or voiding a voucher is not part of this reference backend.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.db import Kiosk, Storage, Voucher, utcnow
from central.errors import ItemConflict
from central.schemas import id_literal

MAX_FEN = 1_000_000_000
DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def _iso(value: str) -> str:
    if len(value) > 64:
        raise PydanticCustomError("iso_datetime", "must be an ISO-8601 date and time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("iso_datetime", "must be an ISO-8601 date and time") from None
    if moment.tzinfo is None:
        raise PydanticCustomError("iso_datetime", "must include a UTC offset")
    return value


class VoucherV1(BaseModel):
    """Body of kind `voucher.v1`: one voucher a kiosk issued, as printed (no ID number, no
    name, no card number; the customer's mobile number only masked)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="voucher.v1")

    voucher_no: str = Field(pattern=r"^V[0-9A-Za-z_.:-]{1,159}$", description="as printed")
    kiosk_id: str = Field(
        max_length=64, description="the issuing kiosk: the one that sends it (empty: unknown)"
    )
    txn_id: str = Field(min_length=1, max_length=128)
    amount_fen: int = Field(gt=0, le=MAX_FEN, description="integer fen, never a float")
    currency: Literal["CNY"]
    reason: str = Field(min_length=1, max_length=64, description="a stable reason code")
    flow: str = Field(max_length=32, description="the kiosk flow that took the money")
    event: str = Field(pattern=r"^[a-z_]{1,40}\.voucher$", description="the journal event")
    msisdn_masked: str | None = Field(
        default=None, pattern=r"^1[0-9]{2}\*{4}[0-9]{4}$", description="e.g. 138****8000"
    )
    recovered: bool = Field(description="made on boot or by a settling round: no slip printed")
    created_at: str = Field(description="ISO-8601 with a UTC offset, the kiosk's clock")

    @field_validator("created_at")
    @classmethod
    def _created_at(cls, value: str) -> str:
        return _iso(value)


def apply_voucher(session: Session, kiosk_id: str, body: VoucherV1) -> dict[str, Any]:
    """Record the voucher for ops; a voucher number already recorded for this kiosk under
    another idempotency key, or a body naming another kiosk, is a conflict."""
    if body.kiosk_id and body.kiosk_id != kiosk_id:
        raise ItemConflict("kiosk_id: not the kiosk that sent it")
    earlier = session.scalar(
        select(Voucher.id).where(
            Voucher.kiosk_id == kiosk_id, Voucher.voucher_no == body.voucher_no
        )
    )
    if earlier is not None:
        raise ItemConflict("voucher_no: already recorded under another idempotency key")
    row = Voucher(
        kiosk_id=kiosk_id,
        voucher_no=body.voucher_no,
        txn_id=body.txn_id,
        amount_fen=body.amount_fen,
        currency=body.currency,
        reason=body.reason,
        flow=body.flow,
        event=body.event,
        msisdn_masked=body.msisdn_masked,
        recovered=body.recovered,
        created_at=datetime.fromisoformat(body.created_at),
        received_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return {
        "voucher_id": row.id,
        "voucher_no": body.voucher_no,
        "amount_fen": body.amount_fen,
        "status": "issued",
    }


class VoucherOut(BaseModel):
    """One voucher as central recorded it (sync kind voucher.v1)."""

    id: int = Field(description="central's sequence number; page older vouchers with before_id")
    voucher_no: str
    txn_id: str
    amount_fen: int
    currency: str
    reason: str
    flow: str
    event: str
    msisdn_masked: str | None
    recovered: bool
    status: Literal["issued"] = Field(description="redeem and void are not modelled yet")
    created_at: datetime = Field(description="when the kiosk issued it, the kiosk's clock")
    received_at: datetime


class VoucherList(BaseModel):
    kiosk_id: str
    total_fen: int = Field(description="the sum of the listed vouchers")
    vouchers: list[VoucherOut] = Field(description="newest first")


def voucher_out(row: Voucher) -> VoucherOut:
    return VoucherOut(
        id=row.id,
        voucher_no=row.voucher_no,
        txn_id=row.txn_id,
        amount_fen=row.amount_fen,
        currency=row.currency,
        reason=row.reason,
        flow=row.flow,
        event=row.event,
        msisdn_masked=row.msisdn_masked,
        recovered=row.recovered,
        status="issued",
        created_at=row.created_at,
        received_at=row.received_at,
    )


def list_vouchers(
    storage: Storage,
    kiosk_id: str,
    *,
    limit: int = DEFAULT_LIMIT,
    txn_id: str | None = None,
    before_id: int | None = None,
) -> VoucherList | None:
    """The kiosk's vouchers newest first (latest recorded); None if no such kiosk."""
    query = (
        select(Voucher).where(Voucher.kiosk_id == kiosk_id).order_by(Voucher.id.desc()).limit(limit)
    )
    if txn_id is not None:
        query = query.where(Voucher.txn_id == txn_id)
    if before_id is not None:
        query = query.where(Voucher.id < id_literal(before_id))
    with storage.sessions() as session:
        if session.get(Kiosk, kiosk_id) is None:
            return None
        rows = session.scalars(query).all()
    vouchers = [voucher_out(row) for row in rows]
    return VoucherList(
        kiosk_id=kiosk_id, total_fen=sum(v.amount_fen for v in vouchers), vouchers=vouchers
    )
