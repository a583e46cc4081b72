"""SIM card dispenser interface: move a card to the reader, out to the customer, or retain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


@dataclass(frozen=True)
class DispenserStock:
    cards_left: int | None  # None: the unit cannot count
    low: bool
    empty: bool


@runtime_checkable
class CardDispenser(Protocol):
    """Each call blocks until the card has moved, or raises `drivers.errors.DriverError`."""

    def card_to_reader(self) -> None: ...

    def dispense(self) -> None: ...

    def retain(self) -> None:
        """Move a card that failed to the reject bin."""
        ...

    def stock(self) -> DispenserStock: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
