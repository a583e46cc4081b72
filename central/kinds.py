"""Sync item kinds: each kind's strict body model and handler, in a registry later kinds join."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.business_db import Account
from central.db import Topup, utcnow
from central.errors import ItemConflict, ItemRejected
from central.sim_kinds import SimReplacementV1, SimSaleV1, apply_sim_replacement, apply_sim_sale

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
    account = session.get(Account, body.msisdn)
    if account is not None:
        account.balance_fen += body.amount_fen
    return {
        "topup_id": row.id,
        "msisdn": row.msisdn,
        "amount_fen": row.amount_fen,
        "status": "credited" if account is not None else "suspense",
    }


KINDS: dict[str, KindSpec[Any]] = {
    "topup.v1": KindSpec(name="topup.v1", model=TopupV1, handler=apply_topup),
    "sim_sale.v1": KindSpec(name="sim_sale.v1", model=SimSaleV1, handler=apply_sim_sale),
    "sim_replacement.v1": KindSpec(
        name="sim_replacement.v1", model=SimReplacementV1, handler=apply_sim_replacement
    ),
}
