"""The nexo transport's framing (a length prefix of 2 or 4 bytes): the layout, decoding byte by
byte or in batches, garbage lengths refused, and frames surviving any chunking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.cardterminal.codec import encode
from drivers.cardterminal.framing import MAX_FRAME, FrameDecoder, frame
from drivers.errors import ProtocolError
from tests.drivers.test_cardterminal_codec import SALE_MESSAGES

# --- framing ----------------------------------------------------------------------------------


def test_frame_layout() -> None:
    assert frame(b"{}") == b"\x00\x00\x00\x02{}"
    assert frame(b"{}", 2) == b"\x00\x02{}"
    assert frame(b"x" * 300)[:4] == b"\x00\x00\x01\x2c"
    for bad_width in (0, 1, 3, 8):
        with pytest.raises(ValueError, match="prefix"):
            frame(b"x", bad_width)
    with pytest.raises(ValueError, match="out of range"):
        frame(b"")
    with pytest.raises(ValueError, match="out of range"):
        frame(b"x" * (MAX_FRAME + 1))


@pytest.mark.parametrize("width", [2, 4])
def test_frame_decoder_byte_by_byte_and_batched(width: int) -> None:
    payloads = [encode(message) for message in SALE_MESSAGES]
    stream = b"".join(frame(p, width) for p in payloads)
    decoder = FrameDecoder(width)
    out: list[bytes] = []
    for byte in stream:
        decoder.push(bytes((byte,)))
        while (payload := decoder.pop()) is not None:
            out.append(payload)
    assert out == payloads
    assert decoder.pending == 0
    decoder.push(stream + stream[:3])
    assert [decoder.pop() for _ in payloads] == payloads
    assert decoder.pop() is None
    assert decoder.pending == 3


@pytest.mark.parametrize("prefix", [b"\x00\x00\x00\x00", b"\x00\x01\x00\x01", b"\xff\xff\xff\xff"])
def test_frame_decoder_refuses_garbage_lengths(prefix: bytes) -> None:
    decoder = FrameDecoder()
    decoder.push(prefix + b"{}")
    with pytest.raises(ProtocolError, match="frame length"):
        decoder.pop()


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8), st.data())
def test_frames_survive_any_chunking(payloads: list[bytes], data: st.DataObject) -> None:
    stream = b"".join(frame(p) for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = FrameDecoder()
    out: list[bytes] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        decoder.push(stream[start:end])
        while (payload := decoder.pop()) is not None:
            out.append(payload)
    assert out == payloads
