"""Bank card terminal interface (semi-integrated, nexo): typed outcomes, no PAN ever."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth

_RUN = re.compile(r"\d+")  # maximal runs (\d: any Unicode decimal digit)
# Digit groups split by single spaces or dashes. Starting only where a run starts and never
# giving digits back (possessive) keeps it linear: `\d+(?:[ -]\d+)+` tried every position of a
# long digit run against the rest of it, and 64 kB of digits from a terminal took minutes.
_GROUPED = re.compile(r"(?<!\d)\d++(?:[ -]\d++)+")


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of decimal digits."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digit_runs(text: str) -> Iterator[str]:
    for match in _RUN.finditer(text):
        yield match.group()
    for match in _GROUPED.finditer(text):
        yield re.sub(r"[ -]", "", match.group())


def looks_like_card_number(text: str) -> bool:
    """13–19 digits passing Luhn, unbroken or in space/dash groups: a possible full card
    number. The card terminal's PCI guard applies it only where card data can appear
    (drivers/cardterminal/pci.py); ids and references that happen to match are kept."""
    return any(13 <= len(run) <= 19 and luhn_ok(run) for run in _digit_runs(text))


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
    # The terminal's timestamp of that transaction: a reversal names the transaction by both
    # (nexo POITransactionID); journal it beside the id. None: the terminal sent none.
    poi_timestamp: str | None = None


@dataclass(frozen=True)
class CardDeclined:
    reason: str


@dataclass(frozen=True)
class CardCancelled:
    pass


@dataclass(frozen=True)
class CardFailed:
    reason: str
    detail: str = ""  # the terminal's own words, when it gave some (a rejection's reason)


@dataclass(frozen=True)
class CardInDoubt:
    """No answer: ask `status(service_id)` before anything else (journal it first)."""

    service_id: str


CardOutcome = CardApproved | CardDeclined | CardCancelled | CardFailed | CardInDoubt


@runtime_checkable
class CardTerminal(Protocol):
    """A semi-integrated card terminal. In-doubt recovery, as a flow uses it:

    1. `service_id = terminal.new_service_id()`; journal sale transaction id + service id;
    2. `pay(...)`; journal the outcome. `CardInDoubt` (or a crash before step 2) → later
       `status(service_id)` gives the original outcome, `None` if the terminal never got it;
    3. approved but the service cannot be delivered →
       `reverse(poi_transaction_id, amount, poi_timestamp=...)`.
    """

    def new_service_id(self) -> str:
        """A fresh request id, never used before: journal it before calling `pay`."""
        ...

    def pay(
        self,
        amount_fen: int,
        sale_transaction_id: str,
        service_id: str,
        on_progress: Callable[[PaymentStage], None] | None = None,
    ) -> CardOutcome:
        """Take a payment. Every terminal answer and every lost answer is an outcome; only a
        closed driver raises. Card data in an answer is stripped, never a reason to lose the
        answer (the terminal's health then reports it). `CardFailed` means no money moved."""
        ...

    def abort(self, service_id: str) -> None:
        """Ask the terminal to stop a running payment (best effort; `pay` tells how it ended)."""
        ...

    def status(self, service_id: str) -> CardOutcome | None:
        """The original outcome of a payment, or None if the terminal never saw it.

        `CardInDoubt` while the terminal still works on it. Raises `DeviceUnavailable` (or its
        subclass `AnswerLost`) or `ProtocolError` when the terminal cannot be asked now: ask
        again later."""
        ...

    def reverse(
        self, poi_transaction_id: str, amount_fen: int, poi_timestamp: str | None = None
    ) -> bool:
        """Undo an approved payment: True once reversed, False if the terminal refuses
        (unknown, declined or already reversed); DeviceUnavailable/AnswerLost: try again.
        `poi_timestamp`: the approval's (`CardApproved.poi_timestamp`), which nexo requires
        beside the id; without it the driver uses the one it saw, if it saw the approval."""
        ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
