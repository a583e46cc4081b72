"""A simulated SIM card dispenser mechanism: a stock of blank cards, a write position under the
SIM reader, the exit slot and a reject bin, with fault switches (jam, empty, card stuck).

Real dispensers speak vendor serial protocols; `drivers.dispenser.driver.DispenserDriver` keeps
the mechanism behind a `DispenserMechanism` protocol so such a protocol plugs in beside this.
"""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass

from drivers.errors import DriverError


class Position(enum.Enum):
    NONE = "none"  # no card out of the stack
    READER = "reader"  # under the SIM reader/writer
    EXIT = "exit"  # in the slot, for the customer to take
    REJECT_BIN = "reject_bin"


@dataclass
class DispenserFaults:
    jam: bool = False  # the next movement jams
    stuck_at_exit: bool = False  # the customer does not take the card
    slow_s: float = 0.0  # each movement takes this long


class DispenserSimulator:
    def __init__(self, stock: int = 50, low_at: int = 5) -> None:
        self.faults = DispenserFaults()
        self.stock = stock
        self.low_at = low_at
        self.position = Position.NONE
        self.dispensed = 0
        self.rejected = 0
        self._lock = threading.Lock()

    def _move(self) -> None:
        if self.faults.slow_s:
            time.sleep(self.faults.slow_s)
        if self.faults.jam:
            raise DriverError("card jammed in the dispenser", message_key="dispenser.jam")

    def card_to_reader(self) -> None:
        with self._lock:
            if self.position is not Position.NONE:
                raise DriverError(f"a card is already at {self.position.value}",
                                  message_key="dispenser.card_in_path")  # fmt: skip
            if self.stock == 0:
                raise DriverError("no cards left", message_key="dispenser.empty")
            self._move()
            self.stock -= 1
            self.position = Position.READER

    def dispense(self) -> None:
        with self._lock:
            if self.position is not Position.READER:
                raise DriverError("no card at the reader", message_key="dispenser.no_card")
            self._move()
            self.position = Position.EXIT
            self.dispensed += 1
            if not self.faults.stuck_at_exit:
                self.position = Position.NONE  # the customer took it

    def retain(self) -> None:
        with self._lock:
            if self.position is Position.NONE:
                raise DriverError("no card to retain", message_key="dispenser.no_card")
            self._move()
            self.position = Position.NONE
            self.rejected += 1

    def status(self) -> tuple[int, Position, bool]:
        """(cards left, where the card in the path is, jammed)."""
        with self._lock:
            return self.stock, self.position, self.faults.jam
