"""A picture of a printed receipt (80 mm paper, 576 dots) from the simulator's decoded text, so
a person can look at what the customer got. Pillow comes with python-escpos."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PAPER_DOTS = 576
MARGIN = 16
LINE_HEIGHT = 30
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, 22)
    return ImageFont.load_default()


def render_png(text: str, path: Path) -> Path:
    """Draw the receipt's lines in black on white paper; return the path written."""
    lines = text.rstrip("\n").split("\n")
    image = Image.new("L", (PAPER_DOTS, MARGIN * 2 + LINE_HEIGHT * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = _font()
    for row, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + row * LINE_HEIGHT), line, fill=0, font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
