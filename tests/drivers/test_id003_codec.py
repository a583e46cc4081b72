"""ID-003 codec: CRC vectors, frames, every status code, resynchronisation over garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.id003.codec import (
    ERROR_STATES,
    POWER_UP_STATES,
    Command,
    Frame,
    FrameError,
    FrameReader,
    Status,
    crc16_kermit,
    decode,
    enable_mask,
    enabled_codes,
    encode,
    status_name,
)


def test_crc16_kermit_reference_vector() -> None:
    assert crc16_kermit(b"123456789") == 0x2189  # the catalogue check value of CRC-16/KERMIT
    assert crc16_kermit(b"") == 0


@pytest.mark.parametrize(
    ("command", "data", "wire"),
    [
        (Command.STATUS_REQUEST, b"", "fc 05 11 27 56"),
        (Command.ACK, b"", "fc 05 50 aa 05"),
        (Command.RESET, b"", "fc 05 40 2b 15"),
    ],
)
def test_known_frames(command: int, data: bytes, wire: str) -> None:
    assert encode(command, data).hex(" ") == wire
    assert decode(bytes.fromhex(wire)) == Frame(command, data)


def test_frame_with_data_round_trips() -> None:
    frame = Frame(Status.ESCROW, b"\x63")
    wire = frame.encode()
    assert wire[:4] == b"\xfc\x06\x13\x63"
    assert decode(wire) == frame


@pytest.mark.parametrize("status", list(Status))
def test_every_status_code_round_trips(status: Status) -> None:
    assert decode(Frame(status).encode()).command == status
    assert status_name(status) == status.name.lower()


def test_status_tables_cover_the_spec() -> None:
    assert {s.value for s in POWER_UP_STATES} == {0x40, 0x41, 0x42}
    assert {s.value for s in ERROR_STATES} == set(range(0x43, 0x4B))
    assert status_name(0x99) == "unknown_99"


@pytest.mark.parametrize(
    "bad",
    ["fc 05 11 27 57", "fc 06 11 27 56", "fd 05 11 27 56", "fc 05 11", ""],
)
def test_bad_frames_are_refused(bad: str) -> None:
    with pytest.raises(FrameError):
        decode(bytes.fromhex(bad))


def test_reader_resynchronises_after_garbage_and_truncation() -> None:
    reader = FrameReader()
    ok = encode(Status.IDLING)
    stream = b"\x00\x13" + ok[:3] + encode(Status.ESCROW, b"\x61") + b"\xfc\x05\x11\x00\x00" + ok
    frames = []
    for byte in stream:  # byte by byte: frames split anywhere still come out whole
        frames.extend(reader.feed(bytes((byte,))))
    assert frames == [Frame(Status.ESCROW, b"\x61"), Frame(Status.IDLING)]
    assert reader.errors > 0


def test_enable_mask() -> None:
    all_codes = frozenset(range(0x61, 0x67))
    mask = enable_mask(frozenset({0x65, 0x66}), all_codes, 0x61)
    assert mask == bytes((0b0000_1111, 0))
    assert enabled_codes(mask, all_codes, 0x61) == {0x65, 0x66}


@given(st.binary(max_size=300))
def test_garbage_never_raises_and_every_frame_is_valid(data: bytes) -> None:
    frames = FrameReader().feed(data)
    for frame in frames:  # anything that survives is a CRC-valid frame, byte for byte
        assert frame.encode() in data


@given(st.lists(st.sampled_from(list(Status)), max_size=10), st.binary(max_size=20))
def test_valid_frames_survive_leading_garbage(statuses: list[Status], junk: bytes) -> None:
    junk = junk.replace(b"\xfc", b"")
    wire = junk + b"".join(Frame(s).encode() for s in statuses)
    assert [f.command for f in FrameReader().feed(wire)] == statuses
