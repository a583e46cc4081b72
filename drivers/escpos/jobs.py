"""Decoded events gathered into printed lines and jobs, as they come out of the printer."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.escpos.events import Barcode, Event, Image, Newline, QrData, Text, TextStyle
from drivers.interfaces import Align


@dataclass(frozen=True)
class Span:
    """Characters of a line printed at one size."""

    text: str
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class DecodedLine:
    """A printed line. `width` and `height` are those of its smallest characters, so a line
    is `double` only when every character of it is; `spans` give each character's size
    (one span of the line's size unless given). A picture printed as a line of its own (GS v 0,
    GS ( L), or one inside a text line (ESC *), is its `image`."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    width: int = 1
    height: int = 1
    spans: tuple[Span, ...] = ()
    image: Image | None = None

    def __post_init__(self) -> None:
        if self.text and not self.spans:
            object.__setattr__(self, "spans", (Span(self.text, self.width, self.height),))

    @property
    def double(self) -> bool:
        return self.width == 2 and self.height == 2


@dataclass(frozen=True)
class DecodedJob:
    """One job: from ESC @ (or the start) to a cut (or the next ESC @ or the end)."""

    lines: tuple[DecodedLine, ...]
    cut: bool
    qr: tuple[str, ...] = ()
    barcodes: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.lines)


@dataclass
class JobBuilder:
    """Collects events into lines; align and bold of a line are those of its first text."""

    lines: list[DecodedLine] = field(default_factory=list)
    qr: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    _spans: list[Span] = field(default_factory=list)
    _style: TextStyle | None = None
    _image: Image | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.lines or self.qr or self.barcodes or self.images or self._spans)

    def add(self, event: Event) -> None:
        if isinstance(event, Text):
            self._add_text(event)
        elif isinstance(event, Newline):
            self._end_line()
        elif isinstance(event, QrData):
            self.qr.append(event.data)
        elif isinstance(event, Barcode):
            self.barcodes.append(event.data)
        elif isinstance(event, Image):
            self._add_image(event)

    def _add_text(self, event: Text) -> None:
        if self._style is None:
            self._style = event.style
        style = event.style
        last = self._spans[-1] if self._spans else None
        if last is not None and (last.width, last.height) == (style.width, style.height):
            self._spans[-1] = Span(last.text + event.text, last.width, last.height)
        else:
            self._spans.append(Span(event.text, style.width, style.height))

    def _add_image(self, image: Image) -> None:
        self.images.append(image)
        if image.inline:  # ESC *: printed with the line's text, at the next LF
            self._image = image
            return
        # A block picture is printed on its own: text before it is a line of its own.
        if self._spans or self._image is not None:
            self._end_line()
        self.lines.append(DecodedLine("", image=image))

    def _end_line(self) -> None:
        style = self._style or TextStyle()
        spans = tuple(self._spans)
        width = min((span.width for span in spans), default=style.width)
        height = min((span.height for span in spans), default=style.height)
        text = "".join(span.text for span in spans)
        self.lines.append(
            DecodedLine(text, style.align, style.bold, width, height, spans, self._image)
        )
        self._spans, self._style, self._image = [], None, None

    def finish(self, *, cut: bool) -> DecodedJob:
        if self._spans or self._image is not None:
            self._end_line()
        return DecodedJob(
            tuple(self.lines), cut, tuple(self.qr), tuple(self.barcodes), tuple(self.images)
        )
