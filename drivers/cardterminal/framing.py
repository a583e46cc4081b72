"""Length-prefixed framing of nexo JSON over TCP: pure bytes in, whole messages out.

docs/protocols.md#bank-card-terminal-nexo names "a length-prefixed TCP stream" without fixing
the prefix, so we chose: an
unsigned big-endian byte count of the UTF-8 JSON that follows, 4 bytes wide by default and 2
where a terminal wants that (settings `length_prefix_bytes`) *(check the terminal's ECR guide)*.
No delimiter, no trailing newline. A frame above `MAX_FRAME` bytes, or empty, is garbage.
"""

from __future__ import annotations

from drivers.errors import ProtocolError

MAX_FRAME = 64 * 1024  # nexo messages are a few kilobytes; more is a broken or hostile peer
PREFIX_WIDTHS = (2, 4)


def _check_width(width: int) -> None:
    if width not in PREFIX_WIDTHS:
        raise ValueError(f"length prefix must be 2 or 4 bytes, not {width}")


def frame(payload: bytes, width: int = 4) -> bytes:
    """Prefix `payload` with its length."""
    _check_width(width)
    if not payload or len(payload) > min(MAX_FRAME, 256**width - 1):
        raise ValueError(f"frame payload of {len(payload)} bytes is out of range")
    return len(payload).to_bytes(width, "big") + payload


class FrameDecoder:
    """Feed stream bytes in any split; take whole payloads out. Garbage raises ProtocolError."""

    def __init__(self, width: int = 4) -> None:
        _check_width(width)
        self.width = width
        self._buffer = bytearray()

    def push(self, data: bytes) -> None:
        self._buffer += data

    @property
    def pending(self) -> int:
        """Bytes received that do not yet form a whole frame."""
        return len(self._buffer)

    def pop(self) -> bytes | None:
        """The next whole payload, or None until more bytes arrive."""
        if len(self._buffer) < self.width:
            return None
        size = int.from_bytes(self._buffer[: self.width], "big")
        if size == 0 or size > MAX_FRAME:
            raise ProtocolError(f"frame length {size} is out of range (1..{MAX_FRAME})")
        end = self.width + size
        if len(self._buffer) < end:
            return None
        payload = bytes(self._buffer[self.width : end])
        del self._buffer[:end]
        return payload
