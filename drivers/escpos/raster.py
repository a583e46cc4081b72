"""A line of text as a raster picture (GS v 0), for text the printer's own font cannot print.

The line is drawn at the size the printer would print it (font A: 24 dots high, twice that for
a double-size line), wrapped at the paper's printable width as the printer wraps text, aligned
within that width and sent as one `GS v 0` picture per printed row (docs/drivers-escpos.md,
"GS v 0"). The decoder's pictures turn back into images here too.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from drivers.escpos import events
from drivers.escpos.fonts import glyph_fonts
from drivers.interfaces import Align

ROW_DOTS = 24  # font A's character height, in dots
ROW_GAP = 6  # dots between printed rows: 30-dot line spacing (ESC 2) minus the character
MAX_RASTER_ROWS = 2303  # GS v 0's largest y on most models (yL + yH × 256 ≤ 2303)
GS_V0 = b"\x1dv0"


def paper_width(paper_dots: int) -> int:
    """The picture width for a printable width: GS v 0 counts it in bytes of 8 dots."""
    if paper_dots < 8:
        raise ValueError(f"printable width {paper_dots} dots is too small")
    return paper_dots // 8 * 8


def wrap(text: str, size: int, width: int) -> list[str]:
    """`text` cut into rows no wider than `width` dots, character by character, as the
    printer wraps a long line. A character wider than a row gets a row of its own."""
    fonts = glyph_fonts(size)
    rows: list[str] = []
    row, used = "", 0.0
    for char in text:
        advance = fonts.advance(char)
        if row and used + advance > width:
            rows.append(row)
            row, used = "", 0.0
        row += char
        used += advance
    rows.append(row)
    return rows


def line_pictures(
    text: str, *, paper_dots: int, double: bool = False, bold: bool = False, align: Align
) -> list[Image.Image]:
    """The rows of a line as black-on-white pictures ("1" mode), each as wide as the paper."""
    width = paper_width(paper_dots)
    scale = 2 if double else 1
    size = ROW_DOTS * scale
    fonts = glyph_fonts(size)
    pictures = []
    for row in wrap(text, size, width):
        picture = Image.new("L", (width, size + ROW_GAP), 255)
        used = fonts.width(row)
        x = {Align.LEFT: 0, Align.CENTER: (width - used) // 2, Align.RIGHT: width - used}[align]
        baseline = size * 7 // 8  # CJK glyphs sit about an eighth of their size below it
        fonts.draw(ImageDraw.Draw(picture), max(x, 0), baseline, row, bold=bold)
        pictures.append(picture.point(lambda level: 255 if level >= 128 else 0, mode="1"))
    return pictures


def gs_v0(picture: Image.Image) -> bytes:
    """`GS v 0 0 xL xH yL yH d1…dk` for a black-on-white picture: one bit per dot, the leftmost
    in the high bit, 1 printed; rows padded to whole bytes with unprinted dots."""
    if picture.height > MAX_RASTER_ROWS:
        raise ValueError(f"picture {picture.height} dots high: split it")
    row_bytes = (picture.width + 7) // 8
    padded = Image.new("L", (row_bytes * 8, picture.height), 255)
    padded.paste(picture.convert("L"), (0, 0))
    # Pillow packs "1" pictures with 1 for white: invert so that 1 is a printed dot.
    dots = ImageOps.invert(padded).convert("1", dither=Image.Dither.NONE).tobytes()
    height = picture.height
    header = bytes((0, row_bytes & 0xFF, row_bytes >> 8, height & 0xFF, height >> 8))
    return GS_V0 + header + dots


def line_raster(
    text: str, *, paper_dots: int, double: bool = False, bold: bool = False, align: Align
) -> bytes:
    """The commands printing a line as pictures: one GS v 0 per printed row."""
    pictures = line_pictures(text, paper_dots=paper_dots, double=double, bold=bold, align=align)
    return b"".join(gs_v0(picture) for picture in pictures)


def picture_of(image: events.Image) -> Image.Image:
    """A decoded picture as black on white ("L" mode); blank where its dots were not kept."""
    picture = Image.new("L", (max(image.width, 1), max(image.height, 1)), 255)
    if not image.raster:
        return picture
    dots = Image.frombytes("1", (image.row_bytes * 8, image.height), image.raster)
    picture.paste(ImageOps.invert(dots.convert("L")).crop((0, 0, image.width, image.height)))
    return picture
