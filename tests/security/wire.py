"""A scripted serial port and a fake clock: a driver's whole read path (port → frame reader →
codec → state machine) fed with fuzzed bytes at memory speed, no pseudo-terminal, no sleeping."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from hypothesis import strategies as st


class FakeClock:
    """`time` stand-in for a driver module: every monotonic() call moves time on by `step`."""

    def __init__(self, step: float = 0.05) -> None:
        self.now = 0.0
        self.step = step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class ScriptedPort:
    """The device answers each write with the next scripted reply, in the scripted chunks (one
    per read); after the script it is silent. `log` keeps (written, reply) per exchange."""

    replies: Sequence[Sequence[bytes]]
    log: list[tuple[bytes, bytes]] = field(default_factory=list)
    _pending: list[bytes] = field(default_factory=list)
    _next: Iterator[Sequence[bytes]] | None = None

    def reset_input_buffer(self) -> None:
        self._pending = []

    def write(self, data: bytes) -> int:
        if self._next is None:
            self._next = iter(self.replies)
        reply = list(next(self._next, ()))
        self._pending = reply
        self.log.append((bytes(data), b"".join(reply)))
        return len(data)

    def flush(self) -> None:
        pass

    def read(self, size: int = 1) -> bytes:
        return self._pending.pop(0) if self._pending else b""

    def close(self) -> None:
        pass


def corrupt(frame: bytes, data: st.DataObject) -> bytes:
    """`frame` with one byte changed (never to itself)."""
    index = data.draw(st.integers(0, len(frame) - 1), label="corrupt at")
    flip = data.draw(st.integers(1, 255), label="xor")
    return frame[:index] + bytes((frame[index] ^ flip,)) + frame[index + 1 :]


def chunked(blob: bytes, data: st.DataObject, max_chunks: int) -> list[bytes]:
    """`blob` cut at random points into at most `max_chunks` pieces."""
    if not blob:
        return []
    cuts = data.draw(
        st.lists(st.integers(1, max(1, len(blob) - 1)), max_size=max_chunks - 1, unique=True),
        label="cuts",
    )
    points = [0, *sorted(c for c in cuts if c < len(blob)), len(blob)]
    return [blob[a:b] for a, b in itertools.pairwise(points) if b > a]


def split_feed(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = [0, *sorted(min(c, len(stream)) for c in cuts), len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(points)]
