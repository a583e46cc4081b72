"""SIM card reader/writer interface (PC/SC): card events, what a card says, the blank-SIM write."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


class PinState(enum.Enum):
    DISABLED = "disabled"
    REQUIRED = "required"
    VERIFIED = "verified"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SimCardInfo:
    atr: bytes
    iccid: str
    imsi: str | None  # None until the PIN allows reading it, or on a blank card
    pin_state: PinState
    blank: bool = False


@dataclass(frozen=True)
class SimPersonalisation:
    """Data central supplies for a blank card. Secrets never appear in a repr."""

    iccid: str
    imsi: str
    ki_encrypted: bytes = field(repr=False)
    smsp: str = ""
    pin1: str = field(default="", repr=False)
    puk1: str = field(default="", repr=False)


@dataclass(frozen=True)
class SimInserted:
    atr: bytes


@dataclass(frozen=True)
class SimRemoved:
    pass


@dataclass(frozen=True)
class SimReaderLost:
    """The reader itself vanished (unplugged); the driver keeps looking for it."""


@dataclass(frozen=True)
class SimReaderFound:
    name: str


SimEvent = SimInserted | SimRemoved | SimReaderLost | SimReaderFound


@runtime_checkable
class SimCardReader(Protocol):
    def start(self, listener: Callable[[SimEvent], None]) -> None: ...

    def read_card(self) -> SimCardInfo:
        """Raise `drivers.errors.DriverError` when there is no card or it cannot be read."""
        ...

    def write_blank(self, data: SimPersonalisation, adm_key: bytes) -> None:
        """Verify ADM, write, read back and compare; any mismatch raises DriverError."""
        ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
