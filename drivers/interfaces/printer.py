"""Receipt printer interface: a printer-neutral document, real-time status, health."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


class Align(enum.Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class ReceiptLine:
    """One printed line. `text` may hold any character: a printer whose font lacks one (a rare
    hanzi in a name) must still print it legibly (the ESC/POS driver prints that line as a
    picture), and control characters never reach the printer as commands."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    double: bool = False  # double width and height of every character, for the amount


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
