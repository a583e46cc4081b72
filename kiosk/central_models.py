"""What central's business API answers, as the kiosk reads it (contract: central/openapi.json).

Requests are built by the client and forbid nothing because the kiosk writes them; answers are
parsed here. Unknown answer fields are ignored rather than refused so that central can add a
field without taking every kiosk in the fleet out of service; a contract test keeps these models
in step with the committed OpenAPI document (tests/kiosk/test_central_api.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UsageKind = Literal["voice", "sms", "data"]
AuthMethod = Literal["password", "sms", "id_card"]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CustomerSessionOut(_Answer):
    session_token: str
    msisdn: str
    method: AuthMethod
    owner_name_masked: str
    idle_timeout_s: int


class SmsChallenge(_Answer):
    challenge_id: str
    expires_at: datetime
    resend_after_s: int


class Plan(_Answer):
    code: str
    name_zh: str
    name_en: str
    monthly_fee_fen: int
    data_mb: int
    voice_min: int
    sms: int


class ValueAddedService(_Answer):
    code: str
    name_zh: str
    name_en: str
    monthly_fee_fen: int


class Catalogue(_Answer):
    plans: tuple[Plan, ...]
    services: tuple[ValueAddedService, ...]


class Balance(_Answer):
    msisdn: str
    owner_name_masked: str
    balance_fen: int
    status: Literal["active", "suspended"]
    plan: Plan
    services: tuple[ValueAddedService, ...]


class BillItem(_Answer):
    code: str
    name_zh: str
    name_en: str
    amount_fen: int


class Bill(_Answer):
    month: str
    items: tuple[BillItem, ...]
    total_fen: int
    paid: bool


class BillList(_Answer):
    bills: tuple[Bill, ...]


class BillDueMonth(_Answer):
    month: str
    total_fen: int


class BillDue(_Answer):
    """What a number owes (bill payment asks by number, no login): unpaid months, oldest
    first; the owner's name masked for the customer to check it is the right line."""

    msisdn: str
    owner_name_masked: str
    status: str
    due_fen: int
    months: tuple[BillDueMonth, ...]


class UsageRecord(_Answer):
    kind: UsageKind
    started_at: datetime
    direction: Literal["out", "in"]
    peer: str
    duration_s: int
    volume_kb: int
    charge_fen: int


class UsagePage(_Answer):
    month: str
    kind: UsageKind | None
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)  # a page count is total / page_size
    total: int = Field(ge=0)
    records: tuple[UsageRecord, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class Invoice(_Answer):
    number: str
    month: str
    title: str
    amount_fen: int
    tax_fen: int
    issued_on: date
    print_count: int


class InvoiceList(_Answer):
    invoices: tuple[Invoice, ...]


class Confirmation(_Answer):
    """A change waiting for the code texted to the customer."""

    confirmation_id: str
    expires_at: datetime
    summary_zh: str
    summary_en: str


class ChangeDone(_Answer):
    confirmation_id: str
    msisdn: str
    plan_code: str
    services: tuple[str, ...]


class RealNameCheck(_Answer):
    check_id: str
    id_masked: str
    expires_at: datetime
    lines_owned: int
    lines_allowed: int


class PoolNumber(_Answer):
    msisdn: str
    price_fen: int


class NumberPage(_Answer):
    numbers: tuple[PoolNumber, ...]
    total: int
    page: int
    page_size: int


class Reservation(_Answer):
    reservation_id: str
    msisdn: str
    price_fen: int
    expires_at: datetime


class SealedPersonalisation(_Answer):
    """SIM data sealed for one kiosk key (X25519, HKDF-SHA256, AES-256-GCM)."""

    order_id: str
    iccid: str
    msisdn: str
    ephemeral_public_key: str
    nonce: str
    ciphertext: str


class Refusal(_Answer):
    """Central's error body: a stable `code` (our message key), `detail` for logs, `data`."""

    detail: str
    code: str
    data: dict[str, object] = {}
