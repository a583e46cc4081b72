"""Which characters a printer's built-in font can print, and a line's text as it is sent.

A Chinese-firmware printer in Chinese mode (`FS &`) reads GB18030 bytes, but its font holds only
the characters of its character set: most hold GB2312 (6,763 hanzi), some GBK, few all of
GB18030. A character outside the font prints as garbage, so the renderer prints a line holding
one as a picture instead (docs/drivers-escpos.md, "Characters outside the font"). The decoder
uses the same test to show what such a printer makes of the bytes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Literal, get_args

# "ascii": no Chinese firmware (or Chinese mode off): only printable ASCII is safe.
FontCharset = Literal["ascii", "gb2312", "gbk", "gb18030"]
FONT_CHARSETS: Final[tuple[FontCharset, ...]] = get_args(FontCharset)
DEFAULT_FONT_CHARSET: Final[FontCharset] = "gb2312"

# Control characters in a line's text would be commands to the printer (ESC p kicks a drawer),
# or garbage (C1 controls have GB18030 codes, but no printer a glyph): every one becomes a space.
# A line is one line.
_NO_CONTROLS = dict.fromkeys((*range(0x20), *range(0x7F, 0xA0)), " ")


def clean_text(text: str, *, chinese: bool) -> str:
    """A line's text as it is printed: controls as spaces, a lone surrogate (not a character,
    cannot be encoded) as U+FFFD, and in Chinese mode the half-width yen sign as the full-width
    ￥: U+00A5 is not in GB2312 or GBK, U+FFE5 is (A3A4)."""
    text = text.translate(_NO_CONTROLS)
    text = text.translate(_NO_SURROGATES) if _has_surrogate(text) else text
    return text.replace("¥", "￥") if chinese else text


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


_NO_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")


@lru_cache(maxsize=8192)
def in_font(char: str, charset: FontCharset) -> bool:
    """True when a printer whose font holds `charset` prints `char` sent as GB18030 (ASCII as
    is). The bytes must be the same in both encodings: Python's GB2312 maps A1AA to U+2015,
    which GB18030 sends as A844, a code a GB2312 font does not have."""
    if len(char) != 1:
        raise ValueError(f"one character expected, got {char!r}")
    if 0x20 <= ord(char) < 0x7F:
        return True
    if charset == "ascii" or ord(char) < 0xA0:
        return False  # controls (C0, DEL, C1) are never text
    try:
        return char.encode(charset) == char.encode("gb18030")
    except UnicodeEncodeError:
        return False


def printable(text: str, charset: FontCharset) -> bool:
    """Every character of `text` is in the printer's font."""
    return all(in_font(char, charset) for char in text)
