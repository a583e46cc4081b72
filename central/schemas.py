"""Request and response models of the HTTP API; every request model forbids unknown fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import BigInteger, literal
from sqlalchemy.sql.elements import ColumnElement

MAX_BATCH = 500
# Query ids (after_id, before_id) go up to the largest signed 64-bit integer: a larger one
# overflowed the driver's conversion and came back as HTTP 500.
MAX_ID = 2**63 - 1


def id_literal(value: int) -> ColumnElement[int]:
    """A query id as a BIGINT parameter: the id columns are 32-bit INTEGER on PostgreSQL, and
    a parameter typed after them (`::INTEGER`) fails above 2**31 - 1 ("integer out of
    range", HTTP 500) where the comparison itself is well defined."""
    return literal(value, BigInteger())


SyncStatus = Literal["accepted", "duplicate", "conflict", "rejected"]

# RFC 3339: what a kiosk sends and what `format: date-time` promises. pydantic's lax mode
# would also take a number (or a string of digits) as Unix time, so `sent_at: 0` passed.
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _datetime_text(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "iso_datetime", "must be an ISO-8601 date and time string with a UTC offset"
    )


def _date_text(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and _DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("iso_date", "must be an ISO-8601 date string (YYYY-MM-DD)")


# Request fields: only the text form is taken (a datetime object passes for Python callers).
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_datetime_text)]
IsoDate = Annotated[date, BeforeValidator(_date_text)]


class Health(BaseModel):
    status: Literal["ok"]


class SyncItem(BaseModel):
    """One outbox entry: an idempotency key, what kind of business it is, and its body."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=128)
    kind: str = Field(min_length=1, max_length=64)
    body: dict[str, Any]


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[SyncItem] = Field(min_length=1, max_length=MAX_BATCH)


class SyncResult(BaseModel):
    """The answer for one item. `result` is set for accepted and duplicate items."""

    key: str
    status: SyncStatus
    reason: str | None
    result: dict[str, Any] | None


class SyncResponse(BaseModel):
    results: list[SyncResult]


class TopupOut(BaseModel):
    id: int
    kiosk_id: str
    txn_id: str
    msisdn: str
    amount_fen: int
    currency: str
    method: str
    created_at: str
    offline: bool
    received_at: datetime


class TopupList(BaseModel):
    topups: list[TopupOut]


class KioskOut(BaseModel):
    kiosk_id: str
    registered_at: datetime
    last_seen: datetime | None


class KioskList(BaseModel):
    kiosks: list[KioskOut]
