"""Pure, incremental ESC/POS stream parser: what a Chinese-firmware printer (our simulator) makes
of the bytes.

Knows the commands our renderer and python-escpos emit and tracks the text state they set
(alignment, bold, character size, code page, Chinese mode). Sizes follow the ESC/POS command
reference as a Chinese-firmware printer applies it (docs/drivers-escpos.md, "Character size"):
ESC ! sizes single-byte characters only, FS ! and FS W multi-byte (Chinese) characters only,
GS ! both. A character outside the printer's font (`font_charset`) decodes as U+FFFD, the
garbage such a printer prints. An unknown command, a parameter out of range or text that is not
valid in the current encoding is a ProtocolError; the error leaves the buffer as it was, so a
caller can `skip` the bad byte and resynchronise.
"""

from __future__ import annotations

from dataclasses import replace

from drivers.errors import ProtocolError
from drivers.escpos.charset import FontCharset, in_font
from drivers.escpos.events import (
    Barcode,
    Command,
    Cut,
    Event,
    Image,
    Newline,
    QrData,
    StatusQuery,
    Step,
    Text,
    TextStyle,
)
from drivers.escpos.jobs import DecodedJob, DecodedLine, JobBuilder, Span
from drivers.interfaces import Align

__all__ = [
    "Barcode", "Command", "Cut", "DecodedJob", "DecodedLine", "Event", "Image", "Newline",
    "QrData", "Span", "StatusQuery", "StreamDecoder", "Text", "TextStyle", "decode_stream",
    "receipt_text",
]  # fmt: skip

ESC, GS, FS, DLE, EOT, ENQ = 0x1B, 0x1D, 0x1C, 0x10, 0x04, 0x05
HT, LF, FF, CR = 0x09, 0x0A, 0x0C, 0x0D

# Parameter bytes after ESC x / GS x / FS x for the fixed-length commands.
ESC_ARGS = {
    b"@": 0, b"2": 0, b"i": 0, b"m": 0,
    b" ": 1, b"!": 1, b"-": 1, b"3": 1, b"=": 1, b"E": 1, b"G": 1, b"J": 1, b"M": 1, b"R": 1,
    b"U": 1, b"V": 1, b"a": 1, b"d": 1, b"e": 1, b"r": 1, b"t": 1, b"{": 1,
    b"$": 2, b"\\": 2, b"B": 2, b"c": 2,
    b"p": 3,
}  # fmt: skip
GS_ARGS = {
    b"!": 1, b"B": 1, b"H": 1, b"a": 1, b"b": 1, b"f": 1, b"h": 1, b"w": 1, b"|": 1,
    b"L": 2, b"P": 2, b"W": 2,
}  # fmt: skip
FS_ARGS = {b"&": 0, b".": 0, b"!": 1, b"-": 1, b"C": 1, b"W": 1, b"S": 2}

# ESC t n: the code pages python-escpos's profiles name most; others decode as latin-1.
CODE_PAGES = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
    18: "cp852", 19: "cp858",
}  # fmt: skip
ALIGN = {
    0: Align.LEFT, 48: Align.LEFT, 1: Align.CENTER, 49: Align.CENTER,
    2: Align.RIGHT, 50: Align.RIGHT,
}  # fmt: skip
CUT_MODES = {0: 3, 1: 3, 48: 3, 49: 3, 65: 4, 66: 4, 97: 4, 98: 4, 103: 4, 104: 4}
QR_PRINT = b"1Q0"
QR_STORE = b"1P0"


class StreamDecoder:
    """Feed bytes as they arrive; complete events come out, a partial command waits.

    `font_charset` is the printer's Chinese font: a multi-byte character outside it decodes as
    U+FFFD (garbage on paper). The default holds every GB18030 character."""

    def __init__(self, font_charset: FontCharset = "gb18030") -> None:
        self.font_charset: FontCharset = font_charset
        self._buffer = b""
        self.reset()

    # --- buffer -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget a partial command and all state (new connection)."""
        self._buffer = b""
        self._reset_state()

    def _reset_state(self) -> None:
        self.chinese = False
        self.code_page = "cp437"
        self.style = TextStyle()  # single-byte characters' size is style.width, style.height
        self.kanji_size = (1, 1)  # multi-byte characters' (width, height)
        self._qr_stored: str | None = None

    @property
    def pending(self) -> bytes:
        """Bytes of an unfinished command (or character) still waiting for the rest."""
        return self._buffer

    def push(self, data: bytes) -> None:
        self._buffer += data

    def pop(self) -> tuple[Event | None, bytes] | None:
        """The next complete command as (event, its bytes); None when more bytes are needed.
        Event None means bytes the printer ignores (CR, HT, FF). A ProtocolError leaves the
        buffer unchanged."""
        if not self._buffer:
            return None
        step = self._step(self._buffer)
        if step is None:
            return None
        consumed, event = step
        raw, self._buffer = self._buffer[:consumed], self._buffer[consumed:]
        return event, raw

    def skip(self, count: int = 1) -> bytes:
        """Throw away `count` bytes at the front (garbage), returning them."""
        dropped, self._buffer = self._buffer[:count], self._buffer[count:]
        return dropped

    def feed_raw(self, data: bytes) -> list[tuple[Event, bytes]]:
        """Push and pop everything complete, with the bytes each event was made of."""
        self.push(data)
        events: list[tuple[Event, bytes]] = []
        while (item := self.pop()) is not None:
            event, raw = item
            if event is not None:
                events.append((event, raw))
        return events

    def feed(self, data: bytes) -> list[Event]:
        return [event for event, _raw in self.feed_raw(data)]

    # --- parser -----------------------------------------------------------------------------

    def _step(self, buf: bytes) -> Step | None:  # noqa: PLR0911
        first = buf[0]
        if first == LF:
            return 1, Newline()
        if first in (CR, HT, FF):
            return 1, None
        if first == ESC:
            return self._esc(buf)
        if first == GS:
            return self._gs(buf)
        if first == FS:
            return self._fs(buf)
        if first == DLE:
            return self._dle(buf)
        if first < 0x20 or first == 0x7F:
            raise ProtocolError(f"unexpected control byte {first:#04x}")
        return self._text(buf)

    @staticmethod
    def _fixed(buf: bytes, table: dict[bytes, int], name: str) -> tuple[int, bytes] | None:
        """(size, parameters) of a fixed-length command, None while incomplete."""
        if len(buf) < 2:
            return None
        args = table.get(buf[1:2])
        if args is None:
            raise ProtocolError(f"unknown command {name} {buf[1]:#04x}")
        if len(buf) < 2 + args:
            return None
        return 2 + args, buf[2 : 2 + args]

    def _esc(self, buf: bytes) -> Step | None:
        if buf[1:2] == b"*":  # ESC * m nL nH data: bit image, 8 or 24 dots high
            if len(buf) < 5:
                return None
            if buf[2] not in (0, 1, 32, 33):
                raise ProtocolError(f"ESC *: bad mode {buf[2]}")
            width = buf[3] + buf[4] * 256
            size = 5 + width * (1 if buf[2] < 32 else 3)
            image = Image(width, 8 if buf[2] < 32 else 24, inline=True)
            return (size, image) if len(buf) >= size else None
        if buf[1:2] == b"D":  # ESC D n1 ... nk NUL: tab positions
            end = buf.find(b"\x00", 2)
            if end < 0:
                if len(buf) > 2 + 32:
                    raise ProtocolError("ESC D: more than 32 tab positions")
                return None
            return end + 1, Command(buf[: end + 1])
        fixed = self._fixed(buf, ESC_ARGS, "ESC")
        if fixed is None:
            return None
        size, args = fixed
        self._apply_esc(buf[1:2], args)
        return size, Command(buf[:size])

    def _apply_esc(self, command: bytes, args: bytes) -> None:
        """The text state an ESC command sets."""
        if command == b"@":
            self._reset_state()
        elif command == b"a":
            if args[0] not in ALIGN:
                raise ProtocolError(f"ESC a: bad alignment {args[0]}")
            self.style = replace(self.style, align=ALIGN[args[0]])
        elif command == b"E":
            self.style = replace(self.style, bold=bool(args[0] & 1))
        elif command == b"!":
            # Print mode, for single-byte characters only (bold excepted): bit 3 bold, bit 4
            # double height, bit 5 double width.
            mode = args[0]
            self.style = replace(
                self.style,
                bold=bool(mode & 0x08),
                height=2 if mode & 0x10 else 1,
                width=2 if mode & 0x20 else 1,
            )
        elif command == b"t":
            self.code_page = CODE_PAGES.get(args[0], "latin-1")

    def _gs(self, buf: bytes) -> Step | None:  # noqa: PLR0911
        if len(buf) < 2:
            return None
        sub = buf[1:2]
        if sub == b"V":  # GS V m, or GS V m n (feed and cut)
            if len(buf) < 3:
                return None
            size = CUT_MODES.get(buf[2])
            if size is None:
                raise ProtocolError(f"GS V: bad mode {buf[2]}")
            return (size, Cut(partial=bool(buf[2] & 1))) if len(buf) >= size else None
        if sub == b"(":  # GS ( fn pL pH data
            return self._gs_paren(buf)
        if sub == b"k":
            return self._barcode(buf)
        if sub == b"v":
            return self._raster(buf)
        fixed = self._fixed(buf, GS_ARGS, "GS")
        if fixed is None:
            return None
        size, args = fixed
        if sub == b"!":
            # Character size of every character, single- and multi-byte: high nibble width - 1,
            # low nibble height - 1.
            width, height = (args[0] >> 4) + 1, (args[0] & 0x0F) + 1
            if width > 8 or height > 8:
                raise ProtocolError(f"GS !: bad size {args[0]:#04x}")
            self.style = replace(self.style, width=width, height=height)
            self.kanji_size = (width, height)
        return size, Command(buf[:size])

    @staticmethod
    def _raster(buf: bytes) -> Step | None:
        """GS v 0 m xL xH yL yH d1…dk: a raster picture, x bytes wide (8 dots each, the
        leftmost in the high bit, 1 printed) and y dots high; m 1..3 enlarge it on paper."""
        if len(buf) < 8:
            return None
        if buf[2] != 0x30 or buf[3] not in (0, 1, 2, 3, 48, 49, 50, 51):
            raise ProtocolError("GS v: bad function or mode")
        width_bytes, height = buf[4] + buf[5] * 256, buf[6] + buf[7] * 256
        size = 8 + width_bytes * height
        if len(buf) < size:
            return None
        return size, Image(width_bytes * 8, height, raster=buf[8:size])

    def _gs_paren(self, buf: bytes) -> Step | None:
        if len(buf) < 5:
            return None
        if buf[2:3] not in (b"k", b"L"):
            raise ProtocolError(f"GS ( {buf[2]:#04x} not supported")
        size = 5 + buf[3] + buf[4] * 256
        if len(buf) < size:
            return None
        body = buf[5:size]
        if buf[2:3] == b"k":  # two-dimensional codes; cn 1 (0x31) is QR
            if body[:3] == QR_STORE:
                self._qr_stored = body[3:].decode("utf-8", errors="replace")
            elif body[:3] == QR_PRINT and self._qr_stored is not None:
                return size, QrData(self._qr_stored)
        elif body[:2] == b"0p" and len(body) >= 10:  # GS ( L: store raster graphics
            # m fn a bx by c xL xH yL yH d1…dk: a = 48 is one bit per dot, c = 49 the first
            # colour, bx = by = 1 no enlargement; the dots are kept only for that plain case.
            width, height = body[6] + body[7] * 256, body[8] + body[9] * 256
            dots = body[10:]
            plain = body[2:6] == b"0\x01\x011" and len(dots) == (width + 7) // 8 * height
            return size, Image(width, height, raster=dots if plain else b"")
        return size, Command(buf[:size])

    @staticmethod
    def _barcode(buf: bytes) -> Step | None:
        """GS k m d1..dk NUL (m 0..6) or GS k m n d1..dn (m 65..79)."""
        if len(buf) < 3:
            return None
        symbology = buf[2]
        if symbology <= 6:
            end = buf.find(b"\x00", 3)
            if end < 0:
                if len(buf) > 3 + 255:
                    raise ProtocolError("GS k: barcode data without its NUL")
                return None
            return end + 1, Barcode(symbology, buf[3:end].decode("latin-1"))
        if 65 <= symbology <= 79:
            if len(buf) < 4:
                return None
            size = 4 + buf[3]
            if len(buf) < size:
                return None
            return size, Barcode(symbology, buf[4:size].decode("latin-1"))
        raise ProtocolError(f"GS k: bad barcode system {symbology}")

    def _fs(self, buf: bytes) -> Step | None:
        fixed = self._fixed(buf, FS_ARGS, "FS")
        if fixed is None:
            return None
        size, args = fixed
        sub = buf[1:2]
        if sub == b"&":
            self.chinese = True
        elif sub == b".":
            self.chinese = False
        elif sub == b"!":  # print mode of multi-byte characters: bit 2 double width, 3 height
            self.kanji_size = (2 if args[0] & 0x04 else 1, 2 if args[0] & 0x08 else 1)
        elif sub == b"W":  # quadruple size of multi-byte characters: bit 0
            self.kanji_size = (2, 2) if args[0] & 0x01 else (1, 1)
        return size, Command(buf[:size])

    @staticmethod
    def _dle(buf: bytes) -> Step | None:
        if len(buf) < 3:
            return None
        if buf[1] == EOT and buf[2] in (1, 2, 3, 4):
            return 3, StatusQuery(buf[2])
        if buf[1] == ENQ and buf[2] in (1, 2):  # DLE ENQ n: real-time request
            return 3, Command(buf[:3])
        raise ProtocolError(f"unknown command DLE {buf[1]:#04x} {buf[2]:#04x}")

    def _text(self, buf: bytes) -> Step | None:
        end = 1
        while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
            end += 1
        chunk = buf[:end]
        if not self.chinese:
            return end, Text(chunk.decode(self.code_page, errors="replace"), self.style)
        try:
            text = chunk.decode("gb18030")
        except UnicodeDecodeError as exc:
            if exc.start == 0:
                unfinished = exc.reason == "incomplete multibyte sequence" and exc.end == end
                if unfinished and end == len(buf):
                    return None  # the rest of a 2- or 4-byte character is still on its way
                raise ProtocolError(f"text is not GB18030: {chunk[:4]!r}") from exc
            text = chunk[: exc.start].decode("gb18030")  # the text before the bad character
        return self._chinese_run(text, chunk)

    def _chinese_run(self, text: str, chunk: bytes) -> Step:
        """The first run of `text` whose characters share a size: single-byte characters are
        sized by ESC ! and GS !, multi-byte ones by FS !, FS W and GS !. GB18030 is a
        one-to-one mapping, so a run's bytes are its characters encoded again."""
        single = text[0].isascii()
        run = text
        for index, char in enumerate(text):
            if char.isascii() != single:
                run = text[:index]
                break
        encoded = run.encode("gb18030")
        if not chunk.startswith(encoded):  # cannot happen with Python's codec; never desync
            raise ProtocolError(f"GB18030 text does not round-trip: {chunk[:4]!r}")
        consumed = len(encoded)
        if single:
            return consumed, Text(run, self.style)
        width, height = self.kanji_size
        shown = "".join(c if in_font(c, self.font_charset) else "\ufffd" for c in run)
        return consumed, Text(shown, replace(self.style, width=width, height=height))


# --- whole jobs ---------------------------------------------------------------------------


def decode_stream(data: bytes, font_charset: FontCharset = "gb18030") -> list[DecodedJob]:
    """Every job in a complete byte stream. Status queries are not part of a job; ESC @ ends a
    job that has content; a cut ends a job (even an empty one: paper was cut)."""
    decoder = StreamDecoder(font_charset)
    jobs: list[DecodedJob] = []
    builder = JobBuilder()
    for event, raw in decoder.feed_raw(data):
        if isinstance(event, StatusQuery):
            continue
        if raw == b"\x1b@":
            if builder.has_content:
                jobs.append(builder.finish(cut=False))
            builder = JobBuilder()
        elif isinstance(event, Cut):
            jobs.append(builder.finish(cut=True))
            builder = JobBuilder()
        else:
            builder.add(event)
    if decoder.pending:
        raise ProtocolError(f"stream ends inside a command: {decoder.pending[:8]!r}")
    if builder.has_content:
        jobs.append(builder.finish(cut=False))
    return jobs


def receipt_text(data: bytes, font_charset: FontCharset = "gb18030") -> str:
    """The printed text, as a customer would read it: lines in order, a QR code as
    `[QR data]`, a barcode as `[BARCODE data]`, a picture printed as a block of its own (a line
    printed as a picture) as `[IMAGE widthxheight]`."""
    decoder = StreamDecoder(font_charset)
    parts: list[str] = []
    for event in decoder.feed(data):
        if isinstance(event, Image) and not event.inline:
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")  # text before a block picture is a line of its own
            parts.append(f"[IMAGE {event.width}x{event.height}]\n")
        elif isinstance(event, Text):
            parts.append(event.text)
        elif isinstance(event, Newline):
            parts.append("\n")
        elif isinstance(event, QrData):
            parts.append(f"[QR {event.data}]\n")
        elif isinstance(event, Barcode):
            parts.append(f"[BARCODE {event.data}]\n")
    if decoder.pending:
        raise ProtocolError(f"job ends inside a command: {decoder.pending[:8]!r}")
    return "".join(parts)
