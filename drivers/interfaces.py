"""Typed interfaces of every device the kiosk core drives, with their events and health model.

The core (kiosk/) depends only on this module; implementations live in sub-packages and are
named only by the composition root through `drivers.registry`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class HealthLevel(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    UNKNOWN = "unknown"  # no answer is never "ok" (protocols.md, ESC/POS)


@dataclass(frozen=True)
class DeviceHealth:
    """One device's health: a stable machine code plus a message key the UI translates."""

    level: HealthLevel
    code: str
    message_key: str
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.level in (HealthLevel.OK, HealthLevel.WARNING)


HEALTH_OK = DeviceHealth(HealthLevel.OK, "ok", "device.ok")


# --- bill acceptor -------------------------------------------------------------------------


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


# --- receipt printer -----------------------------------------------------------------------


class Align(enum.Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class ReceiptLine:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    double: bool = False  # double width and height, for the amount


@dataclass(frozen=True)
class ReceiptDocument:
    """What to print, independent of the printer's command language."""

    lines: tuple[ReceiptLine, ...]
    qr_data: str | None = None
    cut: bool = True

    def plain_text(self) -> str:
        body = "\n".join(line.text for line in self.lines)
        return body + (f"\n[QR] {self.qr_data}" if self.qr_data else "")


@dataclass(frozen=True)
class PrinterStatus:
    """Real-time status read from the printer; fields are None when the printer did not say."""

    online: bool | None
    paper_present: bool | None
    paper_near_end: bool | None
    cover_open: bool | None
    cutter_error: bool | None = None
    recoverable_error: bool | None = None
    unrecoverable_error: bool | None = None
    details: tuple[str, ...] = field(default_factory=tuple)


@runtime_checkable
class ReceiptPrinter(Protocol):
    """A receipt printer. Calls block; the core calls them off the GUI thread."""

    def print_receipt(self, document: ReceiptDocument) -> None:
        """Print or raise `drivers.errors.PrinterError`."""
        ...

    def status(self) -> PrinterStatus: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
