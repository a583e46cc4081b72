"""Contact sheets of every screen (`make gallery`): the screen tests' PNGs
(test-artifacts/screens/all/<screen>-<language>-<orientation>.png) tiled with their names, one
sheet per language × orientation, for a reviewer to see every screen at a glance.

    python -m tests.ui.gallery [SOURCE_DIR] [OUT_DIR]
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "test-artifacts" / "screens" / "all"
OUT = REPO / "test-artifacts" / "gallery"
LANGUAGES = ("zh_CN", "en")
ORIENTATIONS = {"landscape": (5, 480), "portrait": (8, 270)}  # columns, thumbnail width (px)
CAPTION = 34  # px under each thumbnail for the screen's name
GAP = 12


def shots(source: Path, language: str, orientation: str) -> list[tuple[str, Path]]:
    """(screen, png) of one language and orientation, in screen order."""
    suffix = f"-{language}-{orientation}.png"
    found = sorted(p for p in source.glob(f"*{suffix}"))
    return [(p.name[: -len(suffix)], p) for p in found]


def sheet(pictures: list[tuple[str, Path]], columns: int, width: int, title: str) -> QImage:
    first = QImage(str(pictures[0][1]))
    height = round(width * first.height() / first.width())
    rows = math.ceil(len(pictures) / columns)
    top = 70
    image = QImage(GAP + columns * (width + GAP), top + rows * (height + CAPTION + GAP),
                   QImage.Format.Format_RGB32)  # fmt: skip
    image.fill(QColor("#DDE3EA"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setFont(QFont(painter.font().family(), 28, QFont.Weight.Bold))
    painter.drawText(QRect(GAP, 0, image.width() - 2 * GAP, top), Qt.AlignmentFlag.AlignVCenter,
                     title)  # fmt: skip
    painter.setFont(QFont(painter.font().family(), 14))
    for index, (name, path) in enumerate(pictures):
        x = GAP + (index % columns) * (width + GAP)
        y = top + (index // columns) * (height + CAPTION + GAP)
        picture = QImage(str(path)).scaled(
            width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )  # fmt: skip
        painter.drawImage(x, y, picture)
        painter.setPen(QColor("#1B2A3A"))
        painter.drawRect(x, y, width - 1, height - 1)
        painter.drawText(QRect(x, y + height, width, CAPTION), Qt.AlignmentFlag.AlignCenter, name)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    source = Path(argv[0]) if argv else SOURCE
    out = Path(argv[1]) if len(argv) > 1 else OUT
    _app = QGuiApplication.instance() or QGuiApplication([])
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for language in LANGUAGES:
        for orientation, (columns, width) in ORIENTATIONS.items():
            pictures = shots(source, language, orientation)
            if not pictures:
                print(f"gallery: no {language} {orientation} screenshots in {source}",
                      file=sys.stderr)  # fmt: skip
                return 1
            title = f"{len(pictures)} screens · {language} · {orientation}"
            target = out / f"screens-{language}-{orientation}.png"
            if not sheet(pictures, columns, width, title).save(str(target)):
                return 1
            print(f"gallery: {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
            written += 1
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
