"""CardDispenser over any `DispenserMechanism` (the simulator today; a vendor's serial protocol
plugs in as another mechanism). Adds health and stock reporting and keeps errors typed."""

from __future__ import annotations

import threading
from typing import Protocol

from drivers.dispenser.simulator import Position
from drivers.interfaces import HEALTH_OK, DeviceHealth, DispenserStock, HealthLevel


class DispenserMechanism(Protocol):
    def card_to_reader(self) -> None: ...

    def dispense(self) -> None: ...

    def retain(self) -> None: ...

    def status(self) -> tuple[int, Position, bool]: ...


class DispenserDriver:
    def __init__(self, mechanism: DispenserMechanism, *, low_at: int = 5) -> None:
        self._mechanism = mechanism
        self._low_at = low_at
        self._lock = threading.Lock()  # one movement at a time

    def _do(self, action: str) -> None:
        """Raises the mechanism's DriverError (dispenser.jam, .empty, .no_card, ...)."""
        with self._lock:
            getattr(self._mechanism, action)()

    def card_to_reader(self) -> None:
        self._do("card_to_reader")

    def dispense(self) -> None:
        self._do("dispense")

    def retain(self) -> None:
        self._do("retain")

    def stock(self) -> DispenserStock:
        left, _position, _jam = self._mechanism.status()
        return DispenserStock(cards_left=left, low=left <= self._low_at, empty=left == 0)

    def health(self) -> DeviceHealth:
        left, position, jammed = self._mechanism.status()
        if jammed:
            return DeviceHealth(HealthLevel.ERROR, "jam", "dispenser.jam")
        if left == 0:
            return DeviceHealth(HealthLevel.ERROR, "empty", "dispenser.empty")
        if position is Position.EXIT:
            return DeviceHealth(HealthLevel.WARNING, "card_at_exit", "dispenser.card_at_exit")
        if left <= self._low_at:
            return DeviceHealth(HealthLevel.WARNING, "stock_low", "dispenser.stock_low")
        return HEALTH_OK

    def close(self) -> None:
        pass
