"""ESC/POS pure codecs: status bytes, rendering, and the stream decoder (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.escpos.decode import (
    Command,
    Cut,
    Newline,
    QrData,
    StatusQuery,
    StreamDecoder,
    Text,
    receipt_text,
)
from drivers.escpos.render import render_receipt
from drivers.escpos.simulator import PrinterFaults, status_byte
from drivers.escpos.status import (
    StatusBytes,
    check_reply_byte,
    combine,
    health_from_status,
    status_query,
)
from drivers.interfaces import Align, HealthLevel, ReceiptDocument, ReceiptLine


def test_status_query_bytes() -> None:
    assert [status_query(n) for n in (1, 2, 3, 4)] == [
        b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03", b"\x10\x04\x04",
    ]  # fmt: skip
    with pytest.raises(ValueError, match=r"1\.\.4"):
        status_query(5)


@given(st.integers(0, 255))
def test_fixed_bits_decide_validity(value: int) -> None:
    valid = value & 0x12 == 0x12 and not value & 0x81
    if valid:
        assert check_reply_byte(value) == value
    else:
        with pytest.raises(ProtocolError):
            check_reply_byte(value)


@pytest.mark.parametrize(
    ("replies", "code", "level"),
    [
        (StatusBytes(0x12, 0x12, 0x12, 0x12), "ok", HealthLevel.OK),
        (StatusBytes(0x12, 0x12, 0x12, 0x1E), "paper_near_end", HealthLevel.WARNING),
        (StatusBytes(0x1A, 0x32, 0x12, 0x72), "paper_out", HealthLevel.ERROR),
        (StatusBytes(0x1A, 0x16, 0x12, 0x12), "cover_open", HealthLevel.ERROR),
        (StatusBytes(0x1A, 0x12, 0x12, 0x12), "offline", HealthLevel.ERROR),
        (StatusBytes(0x12, 0x12, 0x1A, 0x12), "cutter_error", HealthLevel.ERROR),
        (StatusBytes(0x12, 0x12, 0x32, 0x12), "error", HealthLevel.ERROR),
        (StatusBytes(0x12, 0x12, 0x52, 0x12), "error", HealthLevel.ERROR),
        (StatusBytes(None, None, None, None), "no_answer", HealthLevel.UNKNOWN),
        (StatusBytes(0x12, None, None, None), "no_answer", HealthLevel.UNKNOWN),
    ],
)
def test_health_from_each_bit(replies: StatusBytes, code: str, level: HealthLevel) -> None:
    health = health_from_status(combine(replies))
    assert (health.code, health.level) == (code, level)


def test_no_answer_is_never_ok() -> None:
    status = combine(StatusBytes())
    assert status.online is None
    assert status.paper_present is None
    assert not health_from_status(status).usable


@pytest.mark.parametrize(
    ("faults", "code"),
    [
        (PrinterFaults(), "ok"),
        (PrinterFaults(paper_near_end=True), "paper_near_end"),
        (PrinterFaults(paper_out=True), "paper_out"),
        (PrinterFaults(cover_open=True), "cover_open"),
        (PrinterFaults(offline=True), "offline"),
        (PrinterFaults(cutter_error=True), "cutter_error"),
    ],
)
def test_simulator_status_bytes_decode_to_its_fault(faults: PrinterFaults, code: str) -> None:
    replies = StatusBytes(*(status_byte(n, faults) for n in (1, 2, 3, 4)))
    assert health_from_status(combine(replies)).code == code


DOC = ReceiptDocument(
    lines=(
        ReceiptLine("中国移动自助服务终端", Align.CENTER, bold=True),
        ReceiptLine("话费充值  Mobile top-up", Align.CENTER),
        ReceiptLine("手机号码 Number: 138****8000"),
        ReceiptLine("金额 Amount: ¥150.00", Align.CENTER, bold=True, double=True),
        ReceiptLine("plain ASCII line"),
    ),
    qr_data="TOPUP:abc123",
)


def test_render_decode_round_trip() -> None:
    data = render_receipt(DOC)
    assert data.startswith(b"\x1b@")
    assert "话费充值".encode("gb18030") in data
    text = receipt_text(data)
    assert text.splitlines() == [
        "中国移动自助服务终端",
        "话费充值  Mobile top-up",
        "手机号码 Number: 138****8000",
        "金额 Amount: ￥150.00",
        "plain ASCII line",
        "[QR TOPUP:abc123]",
    ]
    events = StreamDecoder().feed(data)
    assert isinstance(events[-1], Cut)
    assert QrData("TOPUP:abc123") in events


def test_without_chinese_mode_non_ascii_becomes_question_marks() -> None:
    doc = ReceiptDocument((ReceiptLine("充值 ok"),), cut=False)
    assert receipt_text(render_receipt(doc, chinese=False)) == "?? ok\n"


def test_decoder_handles_any_split() -> None:
    data = render_receipt(DOC)
    whole = StreamDecoder().feed(data)
    for size in (1, 2, 3, 7):
        decoder = StreamDecoder()
        events = []
        for start in range(0, len(data), size):
            events.extend(decoder.feed(data[start : start + size]))
        merged = "".join(e.text for e in events if isinstance(e, Text))
        assert merged == "".join(e.text for e in whole if isinstance(e, Text))
        assert decoder.pending == b""


def test_status_query_is_an_event() -> None:
    assert StreamDecoder().feed(b"\x10\x04\x02") == [StatusQuery(2)]


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x1b\xff",
        b"\x1d(z\x00\x00",
        b"\x10\x05\x01",
        b"\x07",
        b"\x1d\x56\x07",
        b"\x1c&\xff\xff\x1c.",
    ],
)
def test_garbage_is_a_protocol_error(garbage: bytes) -> None:
    with pytest.raises(ProtocolError):
        StreamDecoder().feed(garbage)


def test_job_ending_inside_a_command_is_an_error() -> None:
    with pytest.raises(ProtocolError, match="inside a command"):
        receipt_text(b"abc\x1b")


@given(st.binary(max_size=200))
def test_fuzz_never_crashes_otherwise(data: bytes) -> None:
    """Random bytes end in events plus a short unfinished tail, or in a ProtocolError."""
    decoder = StreamDecoder()
    try:
        events = decoder.feed(data)
    except ProtocolError:
        return
    assert all(isinstance(e, Text | Cut | QrData | StatusQuery | Command | Newline) for e in events)
    assert len(decoder.pending) <= len(data)
