"""Request and response models of the customer business API; requests forbid unknown fields.

Money is integer fen everywhere; names and ID numbers come back masked unless the customer is
the one who just presented them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from central.schemas import IsoDate

Msisdn = Annotated[str, Field(pattern=r"^1[0-9]{10}$", description="11 digits starting with 1")]
Month = Annotated[str, Field(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Code = Annotated[str, Field(min_length=1, max_length=32)]
IdNumber = Annotated[str, Field(pattern=r"^[0-9]{17}[0-9Xx]$", description="18 characters")]
PersonName = Annotated[str, Field(min_length=1, max_length=64)]
UsageKind = Literal["voice", "sms", "data"]
AuthMethod = Literal["password", "sms", "id_card"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BusinessErrorBody(BaseModel):
    """A refused business call: `code` is stable (the kiosk's message key), `detail` is for
    logs, `data` carries numbers the screen may show (attempts left, locked until...)."""

    detail: str
    code: str
    data: dict[str, object] = {}


class PasswordLogin(_Request):
    msisdn: Msisdn
    password: Annotated[str, Field(pattern=r"^[0-9]{6}$", description="6-digit service password")]


class SmsCodeRequest(_Request):
    msisdn: Msisdn


class SmsCodeLogin(_Request):
    challenge_id: Hex32
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class IdCardLogin(_Request):
    msisdn: Msisdn
    id_number: IdNumber
    name: PersonName
    valid_until: IsoDate | None = Field(description="the card's expiry; null for 长期 (for life)")


class SmsChallengeOut(BaseModel):
    challenge_id: str
    expires_at: datetime
    resend_after_s: int


class SessionOut(BaseModel):
    """The customer session: send `session_token` as X-Customer-Session on later calls."""

    session_token: str
    msisdn: str
    method: AuthMethod
    owner_name_masked: str
    idle_timeout_s: int


class PlanOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    monthly_fee_fen: int
    data_mb: int
    voice_min: int
    sms: int


class ServiceOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    monthly_fee_fen: int


class Catalogue(BaseModel):
    plans: list[PlanOut]
    services: list[ServiceOut]


class BalanceOut(BaseModel):
    msisdn: str
    owner_name_masked: str
    balance_fen: int
    status: Literal["active", "suspended"]
    plan: PlanOut
    services: list[ServiceOut]


class BillItem(BaseModel):
    code: str
    name_zh: str
    name_en: str
    amount_fen: int


class BillOut(BaseModel):
    month: str
    items: list[BillItem]
    total_fen: int
    paid: bool


class BillList(BaseModel):
    bills: list[BillOut]


class UsageOut(BaseModel):
    kind: UsageKind
    started_at: datetime
    direction: Literal["out", "in"]
    peer: str
    duration_s: int
    volume_kb: int
    charge_fen: int


class UsagePage(BaseModel):
    month: str
    kind: UsageKind | None
    page: int
    page_size: int
    total: int
    records: list[UsageOut]


class InvoiceOut(BaseModel):
    number: str
    month: str
    title: str
    amount_fen: int
    tax_fen: int
    issued_on: date
    print_count: int


class InvoiceList(BaseModel):
    invoices: list[InvoiceOut]


class PlanChange(_Request):
    plan_code: Code


class ServiceChange(_Request):
    service_code: Code
    active: StrictBool


class ConfirmationOut(BaseModel):
    """A change waiting for the SMS code sent to the customer's phone."""

    confirmation_id: str
    expires_at: datetime
    summary_zh: str
    summary_en: str


class Confirm(_Request):
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class ChangeDone(BaseModel):
    confirmation_id: str
    msisdn: str
    plan_code: str
    services: list[str]


class RealNameRequest(_Request):
    id_number: IdNumber
    name: PersonName
    valid_from: IsoDate
    valid_until: IsoDate | None = Field(description="null for 长期 (for life)")


class RealNameOut(BaseModel):
    """A passed check; `check_id` lets this kiosk reserve and sell a number for a while."""

    check_id: str
    id_masked: str
    expires_at: datetime
    lines_owned: int
    lines_allowed: int


class PoolNumberOut(BaseModel):
    msisdn: str
    price_fen: int


class NumberPage(BaseModel):
    numbers: list[PoolNumberOut]
    total: int
    page: int
    page_size: int


class ReserveRequest(_Request):
    check_id: Hex32


class ReservationOut(BaseModel):
    reservation_id: str
    msisdn: str
    price_fen: int
    expires_at: datetime


class SealRequest(_Request):
    """The kiosk's fresh X25519 public key: the SIM data comes back sealed for it alone."""

    kiosk_public_key: Annotated[
        str, Field(min_length=40, max_length=48, description="base64 X25519 public key")
    ]


class PersonalisationOut(BaseModel):
    """SIM data sealed for the kiosk: X25519 with its key, HKDF-SHA256, AES-256-GCM.

    The plaintext is JSON {iccid, imsi, ki_encrypted, smsp, pin1, puk1}; the associated data is
    `kiosk_id|order_id|iccid`. `order_id` is the reservation (sale) or the customer session
    (replacement) the card is bound to.
    """

    order_id: str
    iccid: str
    msisdn: str
    ephemeral_public_key: str
    nonce: str
    ciphertext: str


class SmsOut(BaseModel):
    id: int
    msisdn: str
    purpose: str
    text: str
    created_at: datetime


class SmsList(BaseModel):
    messages: list[SmsOut]


class BillDueMonth(BaseModel):
    month: str
    total_fen: int


class BillDueOut(BaseModel):
    """What a number owes: its unpaid monthly bills, oldest first. Asked by number alone (bill
    payment needs no login), so the owner's name comes back masked."""

    msisdn: str
    owner_name_masked: str
    status: str
    due_fen: int
    months: list[BillDueMonth]
