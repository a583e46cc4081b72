"""ID-003 codec: CRC vectors, frames, every status code, resynchronisation over garbage, the
reject and failure tables, the enable mask and the unit's denomination data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.id003.codec import (
    ERROR_STATES,
    POWER_UP_STATES,
    REJECT_REASONS,
    SETTING_REQUESTS,
    Command,
    DenominationEntry,
    FailureReason,
    Frame,
    FrameError,
    FrameReader,
    Status,
    crc16_kermit,
    decode,
    decode_denominations,
    enable_mask,
    enabled_codes,
    encode,
    encode_denominations,
    failure_reason,
    setting_of,
    status_name,
    table_mismatches,
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


def test_enable_mask_counts_from_0x61_whatever_the_config_holds() -> None:
    """Bit n is escrow code 0x61+n (spec §SET ENABLE). A CNY table without ¥1 (codes 0x62..)
    enabling ¥10..¥100 must disable ¥5 (0x62, bit 1) — not bit 0, which took the config's
    lowest code for bit 0 and so refused ¥20 and accepted ¥5 on a real unit."""
    mask = enable_mask(frozenset({0x63, 0x64, 0x65, 0x66}))
    assert mask == bytes((0b1100_0011, 0xFF))  # 0x61, 0x62 and 0x67..0x70 disabled
    assert enabled_codes(mask) == {0x63, 0x64, 0x65, 0x66}
    assert enabled_codes(enable_mask(frozenset())) == frozenset()
    assert enable_mask(frozenset(range(0x61, 0x71))) == b"\x00\x00"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        (0x7A, None),  # reserved
        (0x7B, "operation_error"),
        (0x7C, "residual_bill_in_stacker"),
        (0x7D, "length_error"),
        (0x7E, "photo_pattern_error_2"),
        (0x7F, "true_bill_feature_error"),
        (0x79, "inhibited_or_escrow_timeout"),
        (0x73, "residual_bill_at_head"),
    ],
)
def test_reject_reasons_as_the_peers_have_them(code: int, name: str | None) -> None:
    """The table was one off from 0x7A (0x7B read as "return by stacker" etc.)."""
    assert REJECT_REASONS.get(code) == name


@pytest.mark.parametrize(
    ("byte", "reason"),
    [
        (0xA2, FailureReason.STACK_MOTOR),
        (0xA5, FailureReason.TRANSPORT_MOTOR_SPEED),
        (0xA6, FailureReason.TRANSPORT_MOTOR),
        (0xA8, FailureReason.SOLENOID),
        (0xA9, FailureReason.PB_UNIT),
        (0xAB, FailureReason.CASH_BOX_NOT_READY),
        (0xAF, FailureReason.VALIDATOR_HEAD_REMOVED),
        (0xB0, FailureReason.BOOT_ROM),
        (0xB1, FailureReason.EXTERNAL_ROM),
        (0xB2, FailureReason.RAM),
        (0xB3, FailureReason.EXTERNAL_ROM_WRITING),
    ],
)
def test_failure_reasons(byte: int, reason: FailureReason) -> None:
    assert failure_reason(bytes((byte,))) is reason


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xa3", b"\xff"])
def test_an_absent_or_unknown_failure_reason_is_none(data: bytes) -> None:
    assert failure_reason(data) is None


def test_setting_requests_read_their_setting() -> None:
    assert {setting_of(c) for c in SETTING_REQUESTS if c <= 0x85} == set(range(0xC0, 0xC6))
    assert Command.DENOMINATION_DATA in SETTING_REQUESTS


def test_denomination_data_round_trips_and_values_in_fen() -> None:
    """0x8A answers 4 bytes per code: code, country, base, exponent (value = base × 10^exp of
    the main unit); unused slots have base 0."""
    table = {0x61: 100, 0x62: 500, 0x63: 1000, 0x64: 2000, 0x65: 5000, 0x66: 10000}
    data = encode_denominations(table, 0x2D)
    assert len(data) == 16 * 4
    assert data[:8] == bytes((0x61, 0x2D, 1, 0, 0x62, 0x2D, 5, 0))
    entries = decode_denominations(data)
    assert {e.code: e.fen for e in entries} == table
    assert DenominationEntry(0x66, 0x2D, 1, 2).fen == 10000  # 1 × 10² yuan
    assert table_mismatches(table, entries) == []


def test_table_mismatches_name_each_disagreement() -> None:
    unit = decode_denominations(encode_denominations({0x61: 100, 0x62: 500, 0x63: 1000}, 0x2D))
    problems = table_mismatches({0x62: 500, 0x63: 2000, 0x64: 5000}, unit)
    assert problems == [
        "config 0x63=2000 fen, the unit says 1000 fen",
        "config 0x64=5000 fen, the unit has no such code",
    ]


@pytest.mark.parametrize("data", [b"\x61\x2d\x01", b"\x50\x2d\x01\x00", b"\x61\x2d\x01\x09"])
def test_bad_denomination_data_is_a_frame_error(data: bytes) -> None:
    with pytest.raises(FrameError):
        decode_denominations(data)


@given(st.binary(max_size=80))
def test_denomination_data_decodes_or_raises_frame_error(data: bytes) -> None:
    try:
        entries = decode_denominations(data)
    except FrameError:
        return
    assert all(0x61 <= e.code <= 0x70 and e.base > 0 for e in entries)


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
