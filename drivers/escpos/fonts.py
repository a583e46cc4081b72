"""Drawing text with the installed CJK fonts, each character from the first font that has it.

Used to print a line as a picture (drivers/escpos/raster.py) and to picture a decoded receipt
(drivers/escpos/preview.py). No one font has every hanzi: WenQuanYi Micro Hei (what
scripts/bootstrap.sh installs) stops at GBK, so a rare character of CJK Extension A (䶮) or B
(𠮷) needs another font (fonts-hanazono, fonts-noto-cjk). Pillow cannot ask a font whether it
maps a character, so a glyph is taken to be missing when it draws exactly as the font's
"no glyph" box does (that of U+FFFF, a noncharacter no font maps). A character no installed
font has is looked up once through fontconfig (`fc-list :charset=…`); if nothing has it, the box
is drawn and a warning logged.
"""

from __future__ import annotations

import logging
import math
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# In order of preference: the font the rest of the kiosk uses first, so ordinary text looks the
# same everywhere; then fonts with the rare characters.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei: GBK
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei: GBK and more
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk: Ext A, some B
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",  # fonts-hanazono: URO and Ext A
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",  # fonts-hanazono: Ext B to F
)
NOT_A_CHARACTER = "\uffff"
FC_LIST_TIMEOUT_S = 5.0


def _ink(font: Font, char: str) -> bytes:
    """The dots `char` draws in `font`, as bytes to compare."""
    size = int(getattr(font, "size", 24))
    image = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
    return image.tobytes()


@lru_cache(maxsize=64)
def _load(path: str, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return None


@lru_cache(maxsize=1024)
def _fontconfig_files(char: str) -> tuple[str, ...]:
    """Font files fontconfig says have `char` (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        # A fixed program; the one argument is a number.
        found = subprocess.run(
            [fc_list, f":charset={ord(char):x}", "file"],
            capture_output=True,
            text=True,
            timeout=FC_LIST_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("fc-list failed: %s", exc)
        return ()
    files = (line.strip().rstrip(":") for line in found.stdout.splitlines())
    return tuple(sorted(name for name in files if name))


class GlyphFonts:
    """The installed fonts at one pixel size; `font_for` picks a font per character."""

    def __init__(self, size: int, files: Sequence[str] = FONT_FILES) -> None:
        self.size = size
        loaded = (_load(path, size) for path in files if Path(path).exists())
        self._fonts: list[Font] = [font for font in loaded if font is not None]
        if not self._fonts:
            log.warning("no CJK font found (%s): pictures of text show boxes", ", ".join(files))
            self._fonts = [ImageFont.load_default(size)]
        self._missing = {id(font): _ink(font, NOT_A_CHARACTER) for font in self._fonts}

    def has_glyph(self, font: Font, char: str) -> bool:
        missing = self._missing.get(id(font))
        if missing is None:
            missing = self._missing[id(font)] = _ink(font, NOT_A_CHARACTER)
        return _ink(font, char) != missing

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per size, kept for the process
    def font_for(self, char: str) -> Font:
        """The first font with a glyph for `char`; the first font when none has one."""
        if char.isascii():
            return self._fonts[0]
        for font in self._fonts:
            if self.has_glyph(font, char):
                return font
        for path in _fontconfig_files(char):
            extra = _load(path, self.size)
            if extra is not None and self.has_glyph(extra, char):
                return extra
        log.warning("no installed font has U+%04X: it prints as a box", ord(char))
        return self._fonts[0]

    def covers(self, char: str) -> bool:
        """Whether some installed font has a glyph for `char`."""
        return char.isascii() or self.has_glyph(self.font_for(char), char)

    def advance(self, char: str) -> float:
        """How far the pen moves after `char`, in dots."""
        return float(self.font_for(char).getlength(char))

    def width(self, text: str) -> int:
        """The dots `text` takes, rounded up."""
        return math.ceil(sum(self.advance(char) for char in text))

    def draw(
        self, draw: ImageDraw.ImageDraw, x: int, baseline: int, text: str, *, bold: bool = False
    ) -> None:
        """Draw `text` in black from x on the baseline; bold strikes it twice, a dot apart, as
        a printer's emphasized mode does."""
        position = float(x)
        for char in text:
            font = self.font_for(char)
            for offset in (0, 1) if bold else (0,):
                draw.text((position + offset, baseline), char, font=font, fill=0, anchor="ls")
            position += self.advance(char)


@lru_cache(maxsize=8)
def glyph_fonts(size: int) -> GlyphFonts:
    return GlyphFonts(size)
