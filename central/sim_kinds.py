"""Sync item kinds that finish a SIM sale (`sim_sale.v1`) or replacement (`sim_replacement.v1`)
once the kiosk has written, verified and dispensed the card.

They come through the idempotent outbox like every posting, so a kiosk that crashed after
dispensing delivers them on its next boot and central applies each exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import balances
from central.business_db import (
    Account,
    AccountEvent,
    CustomerSession,
    Plan,
    PoolNumber,
    RealNameCheck,
    SignedAgreement,
    SimProfile,
    SmsMessage,
)
from central.customer_auth import SMS_SIGNATURE
from central.db import utcnow
from central.errors import ItemConflict
from central.secrets_store import hash_password, new_sms_code
from central.statements import locked_row

MAX_FEN = 1_000_000_000
MAX_SIGNATURE_BYTES = 32 * 1024


def _iso(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("iso_datetime", "must be an ISO-8601 date and time") from None
    if moment.tzinfo is None:
        raise PydanticCustomError("iso_datetime", "must include a UTC offset")
    return value


class SimSaleV1(BaseModel):
    """A SIM sold and dispensed: opens the line on the reserved number for the checked owner."""

    model_config = ConfigDict(extra="forbid", strict=True, title="sim_sale.v1")

    txn_id: str = Field(min_length=1, max_length=128)
    reservation_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    iccid: str = Field(pattern=r"^[0-9]{19,20}$")
    plan_code: str = Field(min_length=1, max_length=32)
    paid_fen: int = Field(ge=0, le=MAX_FEN, description="number fee + opening credit, in fen")
    method: Literal["cash", "card"]
    created_at: str = Field(max_length=64)
    signature: str | None = Field(
        default=None, min_length=4, max_length=4 * ((MAX_SIGNATURE_BYTES + 2) // 3),
        description="the owner's on-screen signature of the service agreement: base64 of the "
        "kiosk's serialisation (UTF-8 JSON {v, scale, strokes}), at most 32 KiB; stored with "
        "the new line",
    )  # fmt: skip

    @field_validator("created_at")
    @classmethod
    def _created(cls, value: str) -> str:
        return _iso(value)

    @field_validator("signature")
    @classmethod
    def _signature(cls, value: str | None) -> str | None:
        if value is not None:
            signature_bytes(value)
        return value


def signature_bytes(value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("signature", "signature must be base64") from None
    if not raw or len(raw) > MAX_SIGNATURE_BYTES:
        raise PydanticCustomError("signature", "signature must be 1 to 32768 bytes")
    return raw


class SimReplacementV1(BaseModel):
    """A replacement SIM written and dispensed: the line moves to it, the old card stops."""

    model_config = ConfigDict(extra="forbid", strict=True, title="sim_replacement.v1")

    txn_id: str = Field(min_length=1, max_length=128)
    msisdn: str = Field(pattern=r"^1[0-9]{10}$")
    order_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    iccid: str = Field(pattern=r"^[0-9]{19,20}$")
    fee_fen: int = Field(ge=0, le=MAX_FEN)
    method: Literal["cash", "card", "none"]
    created_at: str = Field(max_length=64)
    paid_fen: int | None = Field(
        default=None, ge=0, le=MAX_FEN,
        description="what the customer paid, if more than the fee (cash gives no change): the "
        "excess is credited to the line",
    )  # fmt: skip

    @model_validator(mode="after")
    def _paid_covers_fee(self) -> SimReplacementV1:
        if self.paid_fen is not None and self.paid_fen < self.fee_fen:
            raise PydanticCustomError("paid_fen", "paid_fen must not be less than fee_fen")
        return self

    @field_validator("created_at")
    @classmethod
    def _created(cls, value: str) -> str:
        return _iso(value)


def _profile(session: Session, kiosk_id: str, order_id: str, iccid: str) -> SimProfile:
    profile = locked_row(session, SimProfile, SimProfile.iccid == iccid)
    if profile is None or profile.reservation_id != order_id or profile.handed_to_kiosk != kiosk_id:
        raise ItemConflict("iccid: not the card issued to this kiosk for this order")
    if profile.state != "issued":
        raise ItemConflict(f"iccid: card is {profile.state}, not waiting for activation")
    return profile


def _event(session: Session, msisdn: str, kiosk_id: str, kind: str, detail: dict[str, Any]) -> None:
    session.add(
        AccountEvent(
            msisdn=msisdn, kiosk_id=kiosk_id, kind=kind, detail_json=json.dumps(detail), at=utcnow()
        )
    )


def apply_sim_sale(session: Session, kiosk_id: str, body: SimSaleV1) -> dict[str, Any]:
    number = locked_row(session, PoolNumber, PoolNumber.reservation_id == body.reservation_id)
    if number is None or number.reserved_by_kiosk != kiosk_id or number.sold:
        raise ItemConflict("reservation_id: no open reservation of this kiosk")
    if session.get(Plan, body.plan_code) is None:
        raise ItemConflict(f"plan_code: no plan {body.plan_code!r}")
    if body.paid_fen < number.price_fen:
        raise ItemConflict("paid_fen: less than the number's fee")
    check = session.get(RealNameCheck, number.reserved_by_check or "")
    if check is None:
        raise ItemConflict("reservation_id: its real-name check is gone")
    profile = _profile(session, kiosk_id, body.reservation_id, body.iccid)
    password = new_sms_code()  # the first service password goes to the new line by SMS
    session.add(
        Account(
            msisdn=number.msisdn,
            owner_name=check.name,
            owner_id_hash=check.id_hash,
            owner_id_masked=check.id_masked,
            balance_fen=body.paid_fen - number.price_fen,
            plan_code=body.plan_code,
            status="active",
            iccid=profile.iccid,
            password_hash=hash_password(password),
            failed_password_attempts=0,
            locked_until=None,
            created_at=utcnow(),
        )
    )
    session.flush()
    if body.signature is not None:
        session.add(
            SignedAgreement(
                kiosk_id=kiosk_id,
                txn_id=body.txn_id,
                msisdn=number.msisdn,
                signature=signature_bytes(body.signature),
                signed_at=utcnow(),
            )
        )
    number.sold = True
    profile.state = "active"
    _event(
        session,
        number.msisdn,
        kiosk_id,
        "sim_sale",
        {"txn_id": body.txn_id, "amount_fen": body.paid_fen},
    )
    session.add(
        SmsMessage(
            msisdn=number.msisdn,
            purpose="notice",
            text=f"{SMS_SIGNATURE}欢迎入网！您的服务密码为{password}，请尽快修改。",
            created_at=utcnow(),
        )
    )
    return {"msisdn": number.msisdn, "iccid": profile.iccid, "status": "activated"}


def apply_sim_replacement(
    session: Session, kiosk_id: str, body: SimReplacementV1
) -> dict[str, Any]:
    """Move the line to the card issued for this order. The order is the customer session
    that asked for the card (POST /v1/customer/sim-replacement): the line must be that
    session's, opened with the owner's ID card at this kiosk — a kiosk can never move another
    line to a card it was given for someone else."""
    order = session.get(CustomerSession, body.order_id)
    if (
        order is None
        or order.kiosk_id != kiosk_id
        or order.msisdn != body.msisdn
        or order.method != "id_card"
    ):
        raise ItemConflict("msisdn: not the line of the session this card was issued for")
    account = balances.lock_line(session, body.msisdn)
    if account is None:
        raise ItemConflict("msisdn: no such line")
    profile = _profile(session, kiosk_id, body.order_id, body.iccid)
    old = account.iccid
    account.iccid = profile.iccid
    if body.paid_fen is not None:
        balances.credit(session, account.msisdn, body.paid_fen - body.fee_fen)
    profile.state = "active"
    _event(
        session,
        account.msisdn,
        kiosk_id,
        "sim_replacement",
        {
            "txn_id": body.txn_id,
            "old_iccid": old,
            "new_iccid": profile.iccid,
            "amount_fen": body.fee_fen,
            **({"paid_fen": body.paid_fen} if body.paid_fen is not None else {}),
        },
    )
    return {"msisdn": account.msisdn, "iccid": profile.iccid, "old_iccid_invalidated": old}


class SimReleaseV1(BaseModel):
    """A SIM sale that did not finish (the kiosk restarted mid-sale, or the card could not be
    issued): the reserved number goes back to the pool and unused card data is voided."""

    model_config = ConfigDict(extra="forbid", strict=True, title="sim_release.v1")

    txn_id: str = Field(min_length=1, max_length=128)
    reservation_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    reason: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,63}$")
    created_at: str = Field(max_length=64)

    @field_validator("created_at")
    @classmethod
    def _created(cls, value: str) -> str:
        return _iso(value)


def apply_sim_release(session: Session, kiosk_id: str, body: SimReleaseV1) -> dict[str, Any]:
    """Release once; a reservation that is gone (expired and taken by another, or never this
    kiosk's) or already sold is answered as such, not refused: there is nothing left to do."""
    number = locked_row(session, PoolNumber, PoolNumber.reservation_id == body.reservation_id)
    if number is None or number.reserved_by_kiosk != kiosk_id:
        return {"reservation_id": body.reservation_id, "status": "gone"}
    if number.sold:
        return {"reservation_id": body.reservation_id, "status": "sold"}
    profile = session.scalar(
        select(SimProfile).where(SimProfile.reservation_id == body.reservation_id)
    )
    if profile is not None and profile.state == "issued":  # data handed out, never used
        profile.reservation_id = None
        profile.state = "void"
    number.reservation_id = None
    number.reserved_by_check = None
    number.reserved_by_kiosk = None
    number.reserved_until = None
    return {"reservation_id": body.reservation_id, "status": "released"}
