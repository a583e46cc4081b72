"""What the ESC/POS stream decoder reports: one typed event per command, character run or
picture (drivers/escpos/decode.py produces them; docs/drivers-escpos.md names the commands)."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.interfaces import Align


@dataclass(frozen=True)
class TextStyle:
    """How a run of characters prints. `width` and `height` are those of the characters of the
    run: single-byte characters take theirs from ESC ! and GS !, multi-byte (Chinese mode)
    characters from FS !, FS W and GS ! (docs/drivers-escpos.md, "Character size")."""

    align: Align = Align.LEFT
    bold: bool = False
    width: int = 1  # character width multiplier, 1..8
    height: int = 1

    @property
    def double(self) -> bool:
        return self.width == 2 and self.height == 2


@dataclass(frozen=True)
class Text:
    """A run of characters of one size. A character the printer's font does not hold comes out
    as U+FFFD: the printer prints garbage there."""

    text: str
    style: TextStyle = TextStyle()


@dataclass(frozen=True)
class Newline:
    pass


@dataclass(frozen=True)
class Cut:
    partial: bool = False


@dataclass(frozen=True)
class StatusQuery:
    n: int


@dataclass(frozen=True)
class QrData:
    """A QR code printed (GS ( k … 1Q0) with the data stored before it (1P0)."""

    data: str


@dataclass(frozen=True)
class Barcode:
    symbology: int  # GS k m
    data: str


@dataclass(frozen=True)
class Image:
    """A picture. `raster` holds its dots when the command carries them row by row (GS v 0,
    GS ( L): `height` rows of `(width + 7) // 8` bytes, the leftmost dot in the high bit, 1
    printed; empty for the column format of ESC *. `inline` pictures (ESC *) sit in the
    current text line; the others are blocks of their own."""

    width: int  # dots
    height: int
    raster: bytes = field(default=b"", repr=False)
    inline: bool = False

    @property
    def row_bytes(self) -> int:
        return (self.width + 7) // 8

    def dot(self, x: int, y: int) -> bool:
        """Whether the dot at column x, row y is printed (False where no raster is kept)."""
        if not self.raster or not (0 <= x < self.width and 0 <= y < self.height):
            return False
        return bool(self.raster[y * self.row_bytes + x // 8] & (0x80 >> (x % 8)))


@dataclass(frozen=True)
class Command:
    """Any other well-formed command (formatting, feeds, drawer kick): kept for completeness."""

    raw: bytes


Event = Text | Newline | Cut | StatusQuery | QrData | Barcode | Image | Command
Step = tuple[int, Event | None]
