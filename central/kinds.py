"""Sync item kinds: each kind's strict body model and handler, in a registry later kinds join."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import balances
from central.bill_payments import BillPaymentV1, apply_bill_payment
from central.db import MaintenanceEvent, Topup, utcnow
from central.errors import ItemConflict, ItemRejected
from central.sim_kinds import (
    SimReleaseV1,
    SimReplacementV1,
    SimSaleV1,
    apply_sim_release,
    apply_sim_replacement,
    apply_sim_sale,
)
from central.vouchers import VoucherV1, apply_voucher

BodyT = TypeVar("BodyT", bound=BaseModel)

MAX_AMOUNT_FEN = 1_000_000_000  # a sanity bound (¥10 million) that keeps the column safe


@dataclass(frozen=True)
class KindSpec(Generic[BodyT]):
    """How one kind is validated (`model`) and applied (`handler`, inside the item's transaction).

    The handler adds its business rows to the session and returns the JSON-able result that is
    stored with the idempotency record; it raises ItemConflict to refuse without side effects.
    """

    name: str
    model: type[BodyT]
    handler: Callable[[Session, str, BodyT], dict[str, Any]]

    def parse(self, body: dict[str, Any]) -> BodyT:
        """The validated body, or ItemRejected whose message names every bad field."""
        try:
            return self.model.model_validate(body)
        except ValidationError as exc:
            raise ItemRejected(describe_errors(exc)) from None

    def apply(self, session: Session, kiosk_id: str, body: BodyT) -> dict[str, Any]:
        return self.handler(session, kiosk_id, body)


def describe_errors(exc: ValidationError) -> str:
    """`field: message; field: message` without the rejected values (they may be personal)."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)


class TopupV1(BaseModel):
    """Body of kind `topup.v1`: a cash or card top-up of one mobile number, in integer fen."""

    model_config = ConfigDict(extra="forbid", strict=True, title="topup.v1")

    txn_id: str = Field(min_length=1, max_length=128)
    msisdn: str = Field(description="11 digits starting with 1")
    amount_fen: int = Field(gt=0, le=MAX_AMOUNT_FEN, description="integer fen, never a float")
    currency: Literal["CNY"]
    method: Literal["cash", "card"]
    created_at: str = Field(description="ISO-8601 with a UTC offset, as the kiosk recorded it")
    offline: bool

    @field_validator("msisdn")
    @classmethod
    def _msisdn(cls, value: str) -> str:
        if len(value) != 11 or not value.isascii() or not value.isdigit() or value[0] != "1":
            raise PydanticCustomError("msisdn", "must be exactly 11 digits starting with 1")
        return value

    @field_validator("created_at")
    @classmethod
    def _created_at(cls, value: str) -> str:
        if len(value) > 64:
            raise PydanticCustomError("iso_datetime", "must be an ISO-8601 date and time")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("iso_datetime", "must be an ISO-8601 date and time") from None
        if moment.tzinfo is None:
            raise PydanticCustomError("iso_datetime", "must include a UTC offset")
        return value


def apply_topup(session: Session, kiosk_id: str, body: TopupV1) -> dict[str, Any]:
    """Record the top-up and credit the line's balance (once: the idempotency record commits in
    the same transaction). A number central does not know is still recorded, as `suspense`, so
    that ops can refund it: the customer's cash is never silently dropped."""
    earlier = session.scalar(
        select(Topup.id).where(Topup.kiosk_id == kiosk_id, Topup.txn_id == body.txn_id)
    )
    if earlier is not None:
        raise ItemConflict(
            f"txn_id: already credited as topup {earlier} under another idempotency key"
        )
    row = Topup(
        kiosk_id=kiosk_id,
        txn_id=body.txn_id,
        msisdn=body.msisdn,
        amount_fen=body.amount_fen,
        currency=body.currency,
        method=body.method,
        created_at=body.created_at,
        offline=body.offline,
        received_at=utcnow(),
    )
    session.add(row)
    session.flush()
    credited = balances.credit(session, body.msisdn, body.amount_fen)
    return {
        "topup_id": row.id,
        "msisdn": row.msisdn,
        "amount_fen": row.amount_fen,
        "status": "credited" if credited else "suspense",
    }


MaintenanceDetail = StrictStr | StrictInt | StrictBool | None


class MaintenanceV1(BaseModel):
    """Body of kind `maintenance.v1`: one technician or remote-command action at a kiosk
    (login, wrong PIN, lockout, self-test, cash collection, paper refill, out of service...)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="maintenance.v1")

    event_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    action: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")
    technician_id: str | None = Field(default=None, min_length=1, max_length=32)
    at: str = Field(max_length=64, description="ISO-8601 with a UTC offset, the kiosk's clock")
    details: dict[Annotated[str, Field(max_length=32)], MaintenanceDetail] = Field(
        default_factory=dict, max_length=16, description="flat values, never personal data"
    )
    cash_counts: dict[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,6}$")], int] | None = Field(
        default=None, max_length=32, description="a cash collection: denomination fen → notes"
    )
    total_fen: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_FEN)

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        return TopupV1._created_at(value)

    @field_validator("details")
    @classmethod
    def _short_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        if any(isinstance(v, str) and len(v) > 200 for v in value.values()):
            raise PydanticCustomError("detail_length", "detail values are at most 200 characters")
        return value

    @model_validator(mode="after")
    def _cash_total(self) -> MaintenanceV1:
        if (self.cash_counts is None) != (self.total_fen is None):
            raise PydanticCustomError("cash", "cash_counts and total_fen go together")
        if self.cash_counts is not None:
            counted = sum(int(d) * c for d, c in self.cash_counts.items())
            if any(c < 0 for c in self.cash_counts.values()) or counted != self.total_fen:
                raise PydanticCustomError("cash", "total_fen must equal the counted notes")
        return self


def apply_maintenance(session: Session, kiosk_id: str, body: MaintenanceV1) -> dict[str, Any]:
    """Record the event for ops (GET /v1/ops/kiosks/{id}/maintenance, the fleet page); an
    event id already recorded for this kiosk under another idempotency key is a conflict."""
    earlier = session.scalar(
        select(MaintenanceEvent.id).where(
            MaintenanceEvent.kiosk_id == kiosk_id, MaintenanceEvent.event_id == body.event_id
        )
    )
    if earlier is not None:
        raise ItemConflict("event_id: already recorded under another idempotency key")
    session.add(
        MaintenanceEvent(
            kiosk_id=kiosk_id,
            event_id=body.event_id,
            action=body.action,
            technician_id=body.technician_id,
            at=datetime.fromisoformat(body.at),
            details_json=json.dumps(body.details, ensure_ascii=False, sort_keys=True),
            cash_counts_json=(
                None if body.cash_counts is None else json.dumps(body.cash_counts, sort_keys=True)
            ),
            total_fen=body.total_fen,
            received_at=utcnow(),
        )
    )
    result: dict[str, Any] = {
        "event_id": body.event_id,
        "action": body.action,
        "technician_id": body.technician_id,
        "recorded": True,
    }
    if body.total_fen is not None:
        result["total_fen"] = body.total_fen
    return result


KINDS: dict[str, KindSpec[Any]] = {
    "topup.v1": KindSpec(name="topup.v1", model=TopupV1, handler=apply_topup),
    "sim_sale.v1": KindSpec(name="sim_sale.v1", model=SimSaleV1, handler=apply_sim_sale),
    "sim_replacement.v1": KindSpec(
        name="sim_replacement.v1", model=SimReplacementV1, handler=apply_sim_replacement
    ),
    "bill_payment.v1": KindSpec(
        name="bill_payment.v1", model=BillPaymentV1, handler=apply_bill_payment
    ),
    "sim_release.v1": KindSpec(
        name="sim_release.v1", model=SimReleaseV1, handler=apply_sim_release
    ),
    "maintenance.v1": KindSpec(
        name="maintenance.v1", model=MaintenanceV1, handler=apply_maintenance
    ),
    "voucher.v1": KindSpec(name="voucher.v1", model=VoucherV1, handler=apply_voucher),
}
