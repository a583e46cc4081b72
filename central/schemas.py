"""Request and response models of the HTTP API; every request model forbids unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 500

SyncStatus = Literal["accepted", "duplicate", "conflict", "rejected"]


class ErrorBody(BaseModel):
    detail: str


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
