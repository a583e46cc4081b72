"""ESC/POS real-time status codec (DLE EOT n): every bit, the fixed bits, no answer, health."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.escpos.simulator import PrinterFaults, status_byte
from drivers.escpos.status import (
    StatusReply,
    check_reply_byte,
    combine,
    encode_status,
    health_from_status,
    parse_status,
    status_query,
)
from drivers.interfaces import DeviceHealth, HealthLevel, PrinterStatus

# Written out from docs/protocols.md#real-time-status-dle-eot, not taken from the codec's own table.
BITS: dict[int, dict[str, int]] = {
    1: {"offline": 0x08},
    2: {"cover_open": 0x04, "feed_button": 0x08, "stopped_paper_end": 0x20, "error": 0x40},
    3: {"cutter_error": 0x08, "unrecoverable_error": 0x20, "recoverable_error": 0x40},
    4: {"paper_near_end": 0x0C, "paper_end": 0x60},
}
ALL_FIELDS = [name for names in BITS.values() for name in names]
OK = StatusReply(1, 0x12, offline=False)


def test_status_query_bytes() -> None:
    assert [status_query(n) for n in (1, 2, 3, 4)] == [
        b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03", b"\x10\x04\x04",
    ]  # fmt: skip
    for bad in (0, 5, 18):
        with pytest.raises(ValueError, match=r"1\.\.4"):
            status_query(bad)


@pytest.mark.parametrize(
    ("n", "name", "mask"),
    [(n, name, mask) for n, bits in BITS.items() for name, mask in bits.items()],
)
def test_every_bit_of_every_n(n: int, name: str, mask: int) -> None:
    reply = parse_status(n, bytes((0x12 | mask,)))
    assert reply.raw == 0x12 | mask
    assert reply.answered
    assert reply.flags() == (name,)
    for other in ALL_FIELDS:
        expected = (other == name) if other in BITS[n] else None
        assert getattr(reply, other) is expected, other
    quiet = parse_status(n, b"\x12")
    assert quiet.flags() == ()
    assert all(getattr(quiet, field) is False for field in BITS[n])


@pytest.mark.parametrize(
    ("byte", "flag"),
    [(0x16, "paper_near_end"), (0x1A, "paper_near_end"), (0x32, "paper_end"), (0x52, "paper_end")],
)
def test_either_bit_of_a_paper_sensor_pair_counts(byte: int, flag: str) -> None:
    assert parse_status(4, bytes((byte,))).flags() == (flag,)


def test_bits_without_meaning_for_n_are_ignored() -> None:
    assert parse_status(1, bytes((0x12 | 0x04 | 0x20 | 0x40,))).flags() == ()
    assert parse_status(3, bytes((0x12 | 0x04,))).flags() == ()


@pytest.mark.parametrize("byte", [0x00, 0x02, 0x10, 0x13, 0x92, 0xFF, 0x1B, 0x93])
def test_fixed_bits_violated_is_a_protocol_error(byte: int) -> None:
    for n in (1, 2, 3, 4):
        with pytest.raises(ProtocolError, match="fixed bits"):
            parse_status(n, bytes((byte,)))


def test_empty_reply_is_unknown_not_ok() -> None:
    for n in (1, 2, 3, 4):
        reply = parse_status(n, b"")
        assert reply == StatusReply(n)
        assert not reply.answered
        assert all(getattr(reply, name) is None for name in ALL_FIELDS)


def test_more_than_one_byte_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="one byte"):
        parse_status(1, b"\x12\x12")


def test_all_256_bytes_exhaustively() -> None:
    valid = [v for v in range(256) if v & 0x12 == 0x12 and not v & 0x81]
    assert len(valid) == 16  # 8 bits, 4 of them fixed
    for n, value in itertools.product((1, 2, 3, 4), range(256)):
        if value in valid:
            assert parse_status(n, bytes((value,))).raw == value
        else:
            with pytest.raises(ProtocolError):
                parse_status(n, bytes((value,)))


@given(st.sampled_from((1, 2, 3, 4)), st.integers(0, 255))
def test_any_byte_is_flags_or_protocol_error(n: int, value: int) -> None:
    valid = value & 0x12 == 0x12 and not value & 0x81
    try:
        reply = parse_status(n, bytes((value,)))
    except ProtocolError:
        assert not valid
        with pytest.raises(ProtocolError):
            check_reply_byte(value)
        return
    assert valid
    for name, mask in BITS[n].items():
        assert getattr(reply, name) is bool(value & mask)


@given(st.sampled_from((1, 2, 3, 4)), st.data())
def test_encode_then_parse_round_trip(n: int, data: st.DataObject) -> None:
    flags = data.draw(st.sets(st.sampled_from(sorted(BITS[n]))))
    value = encode_status(n, flags)
    assert value & 0x93 == 0x12  # fixed bits right
    assert set(parse_status(n, bytes((value,))).flags()) == flags


def test_encode_rejects_unknown_flags() -> None:
    with pytest.raises(ValueError, match="unknown status flags"):
        encode_status(1, {"on_fire"})


def _status(n1: int | None, n2: int | None, n3: int | None, n4: int | None) -> PrinterStatus:
    values = (n1, n2, n3, n4)
    return combine(
        parse_status(n, b"" if v is None else bytes((v,)))
        for n, v in zip((1, 2, 3, 4), values, strict=True)
    )


def test_combine_all_clear() -> None:
    assert _status(0x12, 0x12, 0x12, 0x12) == PrinterStatus(
        online=True,
        paper_present=True,
        paper_near_end=False,
        cover_open=False,
        cutter_error=False,
        recoverable_error=False,
        unrecoverable_error=False,
        details=(),
    )


def test_combine_paper_out_with_cover_open() -> None:
    assert _status(0x1A, 0x36, 0x12, 0x7E) == PrinterStatus(
        online=False,
        paper_present=False,
        paper_near_end=True,
        cover_open=True,
        cutter_error=False,
        recoverable_error=False,
        unrecoverable_error=False,
        details=("offline", "cover_open", "stopped_paper_end", "paper_near_end", "paper_end"),
    )


def test_combine_nothing_answered() -> None:
    assert combine([]) == PrinterStatus(None, None, None, None, None, None, None, ())


def test_combine_rejects_two_replies_for_one_n() -> None:
    with pytest.raises(ValueError, match="two replies"):
        combine([OK, OK])


def _error(code: str, key: str, detail: str) -> DeviceHealth:
    return DeviceHealth(HealthLevel.ERROR, code, key, detail)


@pytest.mark.parametrize(
    ("replies", "health"),
    [
        ((0x12, 0x12, 0x12, 0x12), DeviceHealth(HealthLevel.OK, "ok", "printer.ok")),
        (
            (0x12, 0x12, 0x12, 0x1E),
            DeviceHealth(
                HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end", "paper_near_end"
            ),
        ),
        (
            (0x1A, 0x32, 0x12, 0x72),
            _error("paper_out", "printer.paper_out", "offline, stopped_paper_end, paper_end"),
        ),
        (
            (0x1A, 0x16, 0x12, 0x12),
            _error("cover_open", "printer.cover_open", "offline, cover_open"),
        ),
        ((0x1A, 0x12, 0x12, 0x12), _error("offline", "printer.offline", "offline")),
        (
            (0x1A, 0x52, 0x1A, 0x12),
            _error("cutter_error", "printer.cutter_error", "offline, error, cutter_error"),
        ),
        (
            (0x1A, 0x52, 0x32, 0x12),
            _error("unrecoverable_error", "printer.error", "offline, error, unrecoverable_error"),
        ),
        (
            (0x1A, 0x52, 0x52, 0x12),
            _error("recoverable_error", "printer.error", "offline, error, recoverable_error"),
        ),
        ((0x1A, 0x52, 0x12, 0x12), _error("error", "printer.error", "offline, error")),
        # paper fed by the button: offline (DLE EOT 1 bit 3), even if n=1 claims online — the
        # fuzzer's "ok only with no flag at all" found the contradiction allowed through
        ((0x12, 0x1A, 0x12, 0x12), _error("offline", "printer.offline", "feed_button")),
        ((0x1A, 0x1A, 0x12, 0x12), _error("offline", "printer.offline", "offline, feed_button")),
        # stopped at paper end although the paper sensor is quiet
        ((0x12, 0x32, 0x12, 0x12), _error("paper_out", "printer.paper_out", "stopped_paper_end")),
    ],
)
def test_health_from_status(replies: tuple[int, int, int, int], health: DeviceHealth) -> None:
    assert health_from_status(_status(*replies)) == health


@pytest.mark.parametrize(
    "replies",
    [
        (None, None, None, None),
        (0x12, None, None, None),
        (0x12, 0x12, None, None),
        (0x12, 0x12, 0x12, None),  # n=4 never answered: paper unknown, not "adequate"
    ],
)
def test_no_answer_is_unknown_never_ok(replies: tuple[int | None, ...]) -> None:
    health = health_from_status(_status(*replies))
    assert (health.level, health.code, health.message_key) == (
        HealthLevel.UNKNOWN,
        "no_answer",
        "printer.no_answer",
    )
    assert not health.usable


def test_a_reported_fault_decides_even_when_the_rest_is_unanswered() -> None:
    health = health_from_status(_status(0x1A, None, None, None))
    assert (health.level, health.message_key) == (HealthLevel.ERROR, "printer.offline")


@pytest.mark.parametrize(
    ("faults", "key", "level"),
    [
        (PrinterFaults(), "printer.ok", HealthLevel.OK),
        (PrinterFaults(paper_near_end=True), "printer.paper_near_end", HealthLevel.WARNING),
        (PrinterFaults(paper_out=True), "printer.paper_out", HealthLevel.ERROR),
        (PrinterFaults(cover_open=True), "printer.cover_open", HealthLevel.ERROR),
        (PrinterFaults(offline=True), "printer.offline", HealthLevel.ERROR),
        (PrinterFaults(cutter_error=True), "printer.cutter_error", HealthLevel.ERROR),
        (PrinterFaults(unrecoverable_error=True), "printer.error", HealthLevel.ERROR),
        (PrinterFaults(cover_open=True, paper_out=True), "printer.cover_open", HealthLevel.ERROR),
    ],
)
def test_simulator_status_bytes_decode_to_its_fault(
    faults: PrinterFaults, key: str, level: HealthLevel
) -> None:
    status = _status(*(status_byte(n, faults) for n in (1, 2, 3, 4)))
    health = health_from_status(status)
    assert (health.message_key, health.level) == (key, level)
