"""Pure, incremental ESC/POS stream parser: what a printer (our simulator) makes of the bytes.

Knows the commands our renderer and python-escpos emit; an unknown command is a ProtocolError.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import ProtocolError

ESC, GS, FS, DLE, LF, CR, HT = 0x1B, 0x1D, 0x1C, 0x10, 0x0A, 0x0D, 0x09
# Number of parameter bytes after ESC x / GS x / FS x (fixed-length commands).
ESC_ARGS = {
    b"@": 0, b"a": 1, b"E": 1, b"!": 1, b"t": 1, b"d": 1, b"-": 1, b"G": 1, b"M": 1,
    b"2": 0, b"3": 1, b"J": 1, b"p": 3, b"r": 1, b"{": 1, b"V": 1, b"R": 1, b"c": 2,
}  # fmt: skip
GS_ARGS = {b"!": 1, b"B": 1, b"L": 2, b"W": 2, b"a": 1, b"h": 1, b"w": 1, b"H": 1, b"f": 1}
FS_ARGS = {b"&": 0, b".": 0, b"!": 1, b"-": 1, b"W": 1}


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Newline:
    pass


@dataclass(frozen=True)
class Cut:
    pass


@dataclass(frozen=True)
class StatusQuery:
    n: int


@dataclass(frozen=True)
class QrData:
    data: str


@dataclass(frozen=True)
class Command:
    """Any other well-formed command (formatting): kept for completeness."""

    raw: bytes


Event = Text | Newline | Cut | StatusQuery | QrData | Command


class StreamDecoder:
    """Feed bytes as they arrive; complete events come out, partial commands wait."""

    def __init__(self) -> None:
        self._buffer = b""
        self.chinese = False

    def feed(self, data: bytes) -> list[Event]:
        return [event for event, _raw in self.feed_raw(data)]

    def feed_raw(self, data: bytes) -> list[tuple[Event, bytes]]:
        """Like `feed`, with the bytes each event was made of."""
        self._buffer += data
        events: list[tuple[Event, bytes]] = []
        while self._buffer:
            step = self._step(self._buffer)
            if step is None:
                break  # incomplete: wait for more bytes
            consumed, event = step
            raw, self._buffer = self._buffer[:consumed], self._buffer[consumed:]
            if event is not None:
                events.append((event, raw))
        return events

    def reset(self) -> None:
        """Forget a partial command (after garbage or a new connection)."""
        self._buffer = b""
        self.chinese = False

    @property
    def pending(self) -> bytes:
        return self._buffer

    def _step(self, buf: bytes) -> tuple[int, Event | None] | None:  # noqa: PLR0911
        first = buf[0]
        if first == LF:
            return 1, Newline()
        if first in (CR, HT):
            return 1, None
        if first == ESC:
            return self._fixed(buf, ESC_ARGS, "ESC")
        if first == FS:
            step = self._fixed(buf, FS_ARGS, "FS")
            if step is not None:
                self.chinese = {b"\x1c&": True, b"\x1c.": False}.get(buf[:2], self.chinese)
            return step
        if first == GS:
            return self._gs(buf)
        if first == DLE:
            return self._dle(buf)
        if first < 0x20 or first == 0x7F:
            raise ProtocolError(f"unexpected control byte {first:#04x}")
        return self._text(buf)

    @staticmethod
    def _fixed(buf: bytes, table: dict[bytes, int], name: str) -> tuple[int, Event] | None:
        if len(buf) < 2:
            return None
        args = table.get(buf[1:2])
        if args is None:
            raise ProtocolError(f"unknown command {name} {buf[1]:#04x}")
        if len(buf) < 2 + args:
            return None
        return 2 + args, Command(buf[: 2 + args])

    def _gs(self, buf: bytes) -> tuple[int, Event] | None:  # noqa: PLR0911
        if len(buf) < 2:
            return None
        sub = buf[1:2]
        if sub == b"V":  # GS V m, or GS V m n for m = 65/66 (feed and cut)
            if len(buf) < 3:
                return None
            size = 4 if buf[2] in (65, 66) else 3
            if buf[2] not in (0, 1, 48, 49, 65, 66):
                raise ProtocolError(f"GS V: bad mode {buf[2]}")
            return (size, Cut()) if len(buf) >= size else None
        if sub == b"(":  # GS ( k pL pH data: two-dimensional code functions
            if len(buf) < 5:
                return None
            if buf[2:3] != b"k":
                raise ProtocolError(f"GS ( {buf[2]:#04x} not supported")
            size = 5 + buf[3] + buf[4] * 256
            if len(buf) < size:
                return None
            body = buf[5:size]
            if body[:3] == b"1P0":  # store QR data
                return size, QrData(body[3:].decode("latin-1"))
            return size, Command(buf[:size])
        return self._fixed(buf, GS_ARGS, "GS")

    @staticmethod
    def _dle(buf: bytes) -> tuple[int, Event] | None:
        if len(buf) < 3:
            return None
        if buf[1] != 0x04 or buf[2] not in (1, 2, 3, 4):
            raise ProtocolError(f"unknown command DLE {buf[1]:#04x} {buf[2]:#04x}")
        return 3, StatusQuery(buf[2])

    def _text(self, buf: bytes) -> tuple[int, Event] | None:
        end = 0
        while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
            end += 1
        chunk = buf[:end]
        if not self.chinese:
            return end, Text(chunk.decode("latin-1"))
        # GB18030 characters are 1, 2 or 4 bytes: decode the longest complete prefix.
        for cut in range(end, max(end - 4, 0), -1):
            try:
                return cut, Text(chunk[:cut].decode("gb18030"))
            except UnicodeDecodeError:
                continue
        if end < len(buf) or end >= 4:  # a command follows, or 4 bytes make no character
            raise ProtocolError("text is not GB18030")
        return None


def receipt_text(data: bytes) -> str:
    """The printed text of a complete job: lines as a customer would read them."""
    decoder = StreamDecoder()
    parts: list[str] = []
    for event in decoder.feed(data):
        if isinstance(event, Text):
            parts.append(event.text)
        elif isinstance(event, Newline):
            parts.append("\n")
        elif isinstance(event, QrData):
            parts.append(f"[QR {event.data}]\n")
    if decoder.pending:
        raise ProtocolError(f"job ends inside a command: {decoder.pending[:8]!r}")
    return "".join(parts)
