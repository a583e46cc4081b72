"""Pure renderer: a ReceiptDocument to ESC/POS bytes, built with python-escpos's Dummy printer.

Every receipt, voucher, slip, statement and test page goes through here (the drivers' only
`print_receipt`), so these rules hold for all of them (docs/drivers-escpos.md):

- Chinese text goes out as GB18030 inside Chinese mode (`FS &` … `FS .`), because
  python-escpos's code-page logic has no GB18030.
- A double-size line is sized for both kinds of character: `ESC !` enlarges only single-byte
  characters on Chinese firmware, so `GS !` (all characters) and, in Chinese mode, `FS !`
  (multi-byte characters) say the same.
- A line with a character outside the printer's font (`font_charset`: a rare hanzi such as 䶮
  or 𠮷 in a customer's name) is printed as a picture (`GS v 0`), never as garbage.
"""

from __future__ import annotations

from drivers.escpos.capabilities import import_escpos_capabilities

import_escpos_capabilities()  # before python-escpos's own import would parse its YAML slowly

from escpos.printer import Dummy  # noqa: E402

from drivers.escpos.charset import (  # noqa: E402
    DEFAULT_FONT_CHARSET,
    FontCharset,
    clean_text,
    printable,
)
from drivers.escpos.raster import line_raster  # noqa: E402
from drivers.interfaces import ReceiptDocument, ReceiptLine  # noqa: E402

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"
GS_SIZE = b"\x1d\x21"  # GS ! n: high nibble width - 1, low nibble height - 1
GS_SIZE_NORMAL, GS_SIZE_DOUBLE = 0x00, 0x11
FS_KANJI_MODE = b"\x1c\x21"  # FS ! n: bit 2 double width, bit 3 double height
FS_KANJI_NORMAL, FS_KANJI_DOUBLE = 0x00, 0x0C
DEFAULT_PAPER_DOTS = 576  # 80 mm paper at 203 dpi (58 mm paper: 384)


def encode_text(text: str, *, chinese: bool) -> bytes:
    """Text whose every character is in the printer's font: ASCII as is, anything else inside
    Chinese mode as GB18030."""
    if text.isascii():
        return text.encode("ascii")
    if not chinese:
        raise ValueError("non-ASCII text without Chinese mode: print it as a picture")
    return FS_CHINESE_ON + text.encode("gb18030") + FS_CHINESE_OFF


def size_commands(*, double: bool, chinese: bool) -> bytes:
    """GS ! for every character and, on Chinese firmware, FS ! for multi-byte ones; python-
    escpos's ESC ! before them covers single-byte characters on printers that ignore GS !."""
    commands = GS_SIZE + bytes((GS_SIZE_DOUBLE if double else GS_SIZE_NORMAL,))
    if chinese:
        commands += FS_KANJI_MODE + bytes((FS_KANJI_DOUBLE if double else FS_KANJI_NORMAL,))
    return commands


def profile_paper_dots(printer: Dummy) -> int:
    """The profile's printable width in dots; 80 mm paper's when the profile does not say."""
    media = printer.profile.profile_data.get("media", {})
    pixels = media.get("width", {}).get("pixels") if isinstance(media, dict) else None
    return pixels if isinstance(pixels, int) and pixels >= 8 else DEFAULT_PAPER_DOTS


def _line(
    printer: Dummy, line: ReceiptLine, *, chinese: bool, charset: FontCharset, paper_dots: int
) -> None:
    text = clean_text(line.text, chinese=chinese)
    printer.set(
        align=line.align.value,
        bold=line.bold,
        double_height=line.double,
        double_width=line.double,
        normal_textsize=not line.double,
    )
    printer._raw(size_commands(double=line.double, chinese=chinese))
    if printable(text, charset):
        printer._raw(encode_text(text, chinese=chinese) + b"\n")
    else:
        printer._raw(
            line_raster(
                text, paper_dots=paper_dots, double=line.double, bold=line.bold, align=line.align
            )
        )


def render_receipt(
    document: ReceiptDocument,
    *,
    profile: str = "TM-T88V",
    chinese: bool = True,
    font_charset: FontCharset = DEFAULT_FONT_CHARSET,
    paper_dots: int | None = None,
) -> bytes:
    """The job's bytes. `chinese`: the printer has Chinese firmware (without it only ASCII is
    text); `font_charset`: the characters its font holds; `paper_dots`: its printable width,
    for lines printed as pictures (default: the profile's, else 576)."""
    printer = Dummy(profile=profile)
    charset: FontCharset = font_charset if chinese else "ascii"
    width = paper_dots if paper_dots is not None else profile_paper_dots(printer)
    printer.hw("INIT")
    for line in document.lines:
        _line(printer, line, chinese=chinese, charset=charset, paper_dots=width)
    printer.set(align="center", bold=False, normal_textsize=True)
    if document.qr_data:
        printer.qr(document.qr_data, native=True, size=6)
    if document.cut:
        printer.cut()
    output: bytes = printer.output
    return output
