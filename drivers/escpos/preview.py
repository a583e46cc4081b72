"""A picture of a printed receipt from the simulator's decoded job, so a person can look at what
the customer got: each character at the size the printer gave it (a Chinese character left at
normal size in a double-size line shows), pictures (lines printed as GS v 0) as printed.
Pillow comes with python-escpos."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from drivers.escpos.fonts import glyph_fonts
from drivers.escpos.jobs import DecodedJob, DecodedLine
from drivers.escpos.raster import ROW_DOTS, ROW_GAP, picture_of
from drivers.interfaces import Align

PAPER_DOTS = 576
MARGIN = 16  # above and below the printed lines; across, the paper is the printable width


def _line_picture(line: DecodedLine, width: int) -> Image.Image:
    """One printed line: its spans side by side, each enlarged as the printer enlarges
    characters (the font drawn at one size, stretched by the width and height factors)."""
    if line.image is not None and not line.text:
        return picture_of(line.image)
    fonts = glyph_fonts(ROW_DOTS)
    parts = []
    for span in line.spans:
        base = Image.new("L", (max(fonts.width(span.text), 1), ROW_DOTS), 255)
        fonts.draw(ImageDraw.Draw(base), 0, ROW_DOTS * 7 // 8, span.text, bold=line.bold)
        size = (base.width * span.width, ROW_DOTS * span.height)
        parts.append(base.resize(size, Image.Resampling.NEAREST))
    tallest = max((part.height for part in parts), default=ROW_DOTS)
    used = sum(part.width for part in parts)
    picture = Image.new("L", (max(width, used), tallest + ROW_GAP), 255)
    x = {Align.LEFT: 0, Align.CENTER: (width - used) // 2, Align.RIGHT: width - used}[line.align]
    x = max(x, 0)
    for part in parts:
        picture.paste(part, (x, tallest - part.height))  # characters share the baseline
        x += part.width
    return picture


def job_picture(job: DecodedJob, paper_dots: int = PAPER_DOTS) -> Image.Image:
    """The job's lines in black on white paper (QR codes and barcodes are not drawn)."""
    width = max([paper_dots, *(image.width for image in job.images)])
    rows = [_line_picture(line, width) for line in job.lines]
    paper = Image.new("L", (width, MARGIN * 2 + sum(row.height for row in rows)), 255)
    y = MARGIN
    for row in rows:
        paper.paste(row, (0, y))
        y += row.height
    return paper


def render_png(job: DecodedJob, path: Path) -> Path:
    """Save the job's picture as PNG; return the path written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    job_picture(job).save(path)
    return path
