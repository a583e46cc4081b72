"""Bank card terminal interface (semi-integrated, nexo): typed outcomes, no PAN ever."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


class PaymentStage(enum.Enum):
    WAITING_FOR_CARD = "waiting_for_card"
    PIN_ENTRY = "pin_entry"
    AUTHORISING = "authorising"


@dataclass(frozen=True)
class CardApproved:
    amount_fen: int
    masked_pan: str  # e.g. 622848******1234 — the terminal never sends more
    brand: str
    approval_code: str
    poi_transaction_id: str


@dataclass(frozen=True)
class CardDeclined:
    reason: str


@dataclass(frozen=True)
class CardCancelled:
    pass


@dataclass(frozen=True)
class CardFailed:
    reason: str


@dataclass(frozen=True)
class CardInDoubt:
    """No answer: ask `status(service_id)` before anything else (journal it first)."""

    service_id: str


CardOutcome = CardApproved | CardDeclined | CardCancelled | CardFailed | CardInDoubt


@runtime_checkable
class CardTerminal(Protocol):
    def pay(
        self,
        amount_fen: int,
        sale_transaction_id: str,
        service_id: str,
        on_progress: Callable[[PaymentStage], None] | None = None,
    ) -> CardOutcome: ...

    def abort(self, service_id: str) -> None: ...

    def status(self, service_id: str) -> CardOutcome | None:
        """The original outcome of a payment, or None if the terminal never saw it."""
        ...

    def reverse(self, poi_transaction_id: str, amount_fen: int) -> bool: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
