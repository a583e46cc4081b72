"""SIM card dispenser interface: move a card to the reader, out to the customer, or retain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.errors import DriverError
from drivers.interfaces.health import DeviceHealth


@dataclass(frozen=True)
class DispenserStock:
    cards_left: int | None  # None: the unit cannot count
    low: bool
    empty: bool


class DispenserError(DriverError):
    """A dispenser could not move a card; `message_key` says why (dispenser.jam, .empty,
    .no_card, .card_in_path, .reject_bin_full, .fault)."""

    message_key = "dispenser.error"


class CardNotTaken(DispenserError):
    """The customer left the card at the mouth past the dispenser's timeout. `captured`: it was
    pulled back into the reject bin (False: the capture failed, the card may still be there)."""

    message_key = "dispenser.not_taken"

    def __init__(self, detail: str, *, captured: bool) -> None:
        super().__init__(detail)
        self.captured = captured


@runtime_checkable
class CardDispenser(Protocol):
    """Each call blocks until the card has moved, or raises `drivers.errors.DriverError`."""

    def card_to_reader(self) -> None:
        """Move a blank card from the stack to the IC contact position (the SIM writer)."""
        ...

    def dispense(self) -> None:
        """Hand the card at the reader to the customer. A dispenser that holds the card at its
        mouth returns once the customer took it; one left there past its timeout is captured
        into the reject bin and `CardNotTaken` raised."""
        ...

    def retain(self) -> None:
        """Move a card that failed (or was left behind) to the reject bin."""
        ...

    def stock(self) -> DispenserStock: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
