"""nexo Sale-to-POI message models, frozen, typed, no I/O: see
docs/protocols.md#bank-card-terminal-nexo.

Amounts are integer fen here; only the codec turns them into decimal major units.
"""

from __future__ import annotations

import enum
import re
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Literal

PROTOCOL_VERSION = "3.0"
# nexo ServiceIDs are short; integration guides allow 1–10 alphanumerics *(check)*.
SERVICE_ID = re.compile(r"[A-Za-z0-9]{1,10}")
_ALPHABET = string.ascii_letters + string.digits


class Category(enum.StrEnum):
    PAYMENT = "Payment"
    ABORT = "Abort"
    TRANSACTION_STATUS = "TransactionStatus"
    REVERSAL = "Reversal"
    DISPLAY = "Display"
    EVENT = "Event"


class Result(enum.StrEnum):
    SUCCESS = "Success"
    FAILURE = "Failure"
    PARTIAL = "Partial"


MessageType = Literal["Request", "Response", "Notification"]


class ServiceIds:
    """ServiceIDs of one driver: 10 random alphanumerics (62^10), none ever sent twice.

    `new` hands out an id; `spend` marks an id as sent (the caller may have chosen it, e.g. a
    flow that journalled it before a restart) and refuses one already sent by this process.
    """

    def __init__(self) -> None:
        self._issued: set[str] = set()
        self._spent: set[str] = set()
        self._lock = threading.Lock()

    def new(self) -> str:
        with self._lock:
            while True:
                candidate = "".join(secrets.choice(_ALPHABET) for _ in range(10))
                if candidate not in self._issued and candidate not in self._spent:
                    self._issued.add(candidate)
                    return candidate

    def spend(self, service_id: str) -> None:
        if not isinstance(service_id, str) or not SERVICE_ID.fullmatch(service_id):
            raise ValueError(f"ServiceID must be 1-10 letters or digits, not {service_id!r}")
        with self._lock:
            if service_id in self._spent:
                raise ValueError(f"ServiceID {service_id} was already sent")
            self._spent.add(service_id)
            self._issued.discard(service_id)


@dataclass(frozen=True)
class MessageHeader:
    message_category: Category
    message_type: MessageType
    service_id: str  # "" only in an EventNotification's header, where nexo makes it optional
    sale_id: str
    poi_id: str
    message_class: str = "Service"
    protocol_version: str = PROTOCOL_VERSION


@dataclass(frozen=True)
class ResponseStatus:
    result: Result
    error_condition: str | None = None
    additional_response: str | None = None


@dataclass(frozen=True)
class MessageReference:
    category: Category
    service_id: str
    sale_id: str


@dataclass(frozen=True)
class PaymentRequest:
    header: MessageHeader
    sale_transaction_id: str
    timestamp: str
    amount_fen: int
    currency: str = "CNY"


@dataclass(frozen=True)
class CardResult:
    masked_pan: str
    brand: str
    authorized_amount_fen: int
    currency: str
    approval_code: str | None


@dataclass(frozen=True)
class PaymentResponse:
    header: MessageHeader
    response: ResponseStatus
    sale_transaction_id: str | None = None
    poi_transaction_id: str | None = None
    poi_timestamp: str | None = None  # POITransactionID.TimeStamp: a reversal must name it
    card: CardResult | None = None
    sale_timestamp: str | None = None  # SaleTransactionID.TimeStamp, echoed
    instrument_type: str | None = None  # PaymentInstrumentData.PaymentInstrumentType ("Card")


@dataclass(frozen=True)
class AbortRequest:
    header: MessageHeader
    reference: MessageReference
    reason: str = "MerchantAbort"


@dataclass(frozen=True)
class TransactionStatusRequest:
    header: MessageHeader
    reference: MessageReference


@dataclass(frozen=True)
class ReversalRequest:
    header: MessageHeader
    poi_transaction_id: str
    reason: str = "MerchantCancel"
    amount_fen: int | None = None
    poi_timestamp: str | None = None  # the original's POITransactionID.TimeStamp (mandatory)


@dataclass(frozen=True)
class ReversalResponse:
    header: MessageHeader
    response: ResponseStatus
    poi_transaction_id: str | None = None  # the reversal's own POI transaction
    poi_timestamp: str | None = None


@dataclass(frozen=True)
class TransactionStatusResponse:
    header: MessageHeader
    response: ResponseStatus
    repeated: PaymentResponse | ReversalResponse | None = None


@dataclass(frozen=True)
class DisplayRequest:
    """POI → sale: what the customer is asked to do now (progress), no answer expected."""

    header: MessageHeader
    reference_id: str


@dataclass(frozen=True)
class EventNotification:
    """POI → sale, unasked: an event. `Reject` answers a request the terminal refused (bad
    format, unknown sale system, ...) in place of its response, naming the reason in
    `details` (Adyen: "message=..." URL-encoded)."""

    header: MessageHeader
    event: str
    details: str | None = None
    timestamp: str | None = None

    @property
    def rejects(self) -> bool:
        return self.event == "Reject"


SaleMessage = PaymentRequest | AbortRequest | TransactionStatusRequest | ReversalRequest
TerminalMessage = (
    PaymentResponse
    | TransactionStatusResponse
    | ReversalResponse
    | DisplayRequest
    | EventNotification
)
Message = SaleMessage | TerminalMessage


# Predefined display references the terminal names in a DisplayRequest while a payment runs,
# and the stage each one means (our convention, shared by driver and simulator) *(check)*.
DISPLAY_STAGES: dict[str, str] = {
    "WaitingForCard": "waiting_for_card",
    "PINEntry": "pin_entry",
    "Authorising": "authorising",
}
