"""Bill acceptor interface and its events; a note is money only at `NoteCredited`."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


class EscrowDecision(enum.Enum):
    STACK = "stack"
    RETURN = "return"


@dataclass(frozen=True)
class NoteEscrowed:
    """A note is held in escrow. Not money yet."""

    denomination_fen: int


@dataclass(frozen=True)
class NoteCredited:
    """The acceptor reported vend valid and the host acknowledged it: this note is money."""

    denomination_fen: int


@dataclass(frozen=True)
class NoteReturned:
    """A note went back to the customer (host decision or acceptor)."""

    denomination_fen: int
    reason: str


@dataclass(frozen=True)
class NoteRejected:
    """The acceptor refused a note (not genuine, unknown denomination, ...)."""

    reason: str


@dataclass(frozen=True)
class AcceptorHealthChanged:
    health: DeviceHealth


@dataclass(frozen=True)
class PowerUpWithNote:
    """The acceptor lost power with a note inside. `location` "stacker": the note is in the
    cash box although vend valid never came; "acceptor": the reset hands it back. The driver
    names the note's value if it had decided to stack it; the journal decides the rest."""

    location: str
    pending_denomination_fen: int | None


BillEvent = (
    NoteEscrowed
    | NoteCredited
    | NoteReturned
    | NoteRejected
    | AcceptorHealthChanged
    | PowerUpWithNote
)
BillEventListener = Callable[[BillEvent], None]
# Called on the acceptor's thread with the escrowed denomination; decides stack or return.
EscrowPolicy = Callable[[int], EscrowDecision]


@runtime_checkable
class BillAcceptor(Protocol):
    """A note acceptor. Events arrive on the driver's own thread."""

    def start(self, listener: BillEventListener, escrow_policy: EscrowPolicy) -> None: ...

    def enable(self, denominations_fen: frozenset[int]) -> None: ...

    def disable(self) -> None: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...


@runtime_checkable
class BillAcceptorSimulatorControls(Protocol):
    """Implemented by simulated acceptors: lets a demo, a test or a developer insert notes."""

    def insert_note(self, denomination_fen: int) -> None: ...
