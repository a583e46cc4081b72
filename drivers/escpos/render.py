"""Pure renderer: a ReceiptDocument to ESC/POS bytes, built with python-escpos's Dummy printer.

Chinese text goes out as GB18030 inside Chinese mode (`FS &` … `FS .`, protocols.md), because
python-escpos's code-page logic has no GB18030.
"""

from __future__ import annotations

from drivers.escpos.capabilities import import_escpos_capabilities

import_escpos_capabilities()  # before python-escpos's own import would parse its YAML slowly

from escpos.printer import Dummy  # noqa: E402

from drivers.interfaces import ReceiptDocument, ReceiptLine  # noqa: E402

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"
# Control characters in a line's text would be commands to the printer (ESC p kicks a drawer):
# every one becomes a space. A line is one line.
_NO_CONTROLS = dict.fromkeys((*range(0x20), 0x7F), " ")


def encode_text(text: str, *, chinese: bool) -> bytes:
    """ASCII as is; anything else in Chinese mode as GB18030 (or '?' without Chinese mode).
    The half-width yen sign is not in GBK, which most printers' Chinese fonts are: print the
    full-width ￥ (GBK A3A4) instead."""
    text = text.translate(_NO_CONTROLS)
    if text.isascii():
        return text.encode("ascii")
    if not chinese:
        return text.encode("ascii", errors="replace")
    return FS_CHINESE_ON + text.replace("¥", "￥").encode("gb18030") + FS_CHINESE_OFF


def _line(printer: Dummy, line: ReceiptLine, *, chinese: bool) -> None:
    printer.set(
        align=line.align.value,
        bold=line.bold,
        double_height=line.double,
        double_width=line.double,
        normal_textsize=not line.double,
    )
    printer._raw(encode_text(line.text, chinese=chinese) + b"\n")


def render_receipt(
    document: ReceiptDocument, *, profile: str = "TM-T88V", chinese: bool = True
) -> bytes:
    printer = Dummy(profile=profile)
    printer.hw("INIT")
    for line in document.lines:
        _line(printer, line, chinese=chinese)
    printer.set(align="center", bold=False, normal_textsize=True)
    if document.qr_data:
        printer.qr(document.qr_data, native=True, size=6)
    if document.cut:
        printer.cut()
    output: bytes = printer.output
    return output
