"""Fuzzing the resident ID card SAM protocol codec, the text block parser and the reader
driver's read path. The codec's documented error is ProtocolError (InvalidIdNumber is one);
nothing unchecked may come out as an ID card record, and no byte stream may stop the reader's
poll cycle with another exception (that left a customer at the ID card screen with no answer).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import drivers.idcard.driver as driver_module
from drivers.errors import ProtocolError
from drivers.idcard.codec import (
    MAX_LEN,
    PREAMBLE,
    Command,
    FrameReader,
    Reply,
    Request,
    Sw3,
    checksum,
    decode_reply,
    decode_request,
    encode_reply,
    encode_request,
)
from drivers.idcard.driver import IdCardReaderDriver, _parse_read
from drivers.idcard.record import (
    FIELDS,
    FOR_LIFE,
    TEXT_BYTES,
    check_character,
    encode_record,
    is_valid_id_number,
    parse_record,
)
from drivers.interfaces import (
    IdCardEvent,
    IdCardPresent,
    IdCardRead,
    IdCardReadError,
    IdCardRecord,
    IdCardRemoved,
    Sex,
)
from drivers.serial_port import LazyPort
from tests.security.fuzzing import FUZZ, note, scaled
from tests.security.wire import FakeClock, ScriptedPort, chunked, corrupt, split_feed

replies = st.builds(
    Reply, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64)
)
requests = st.builds(Request, st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64))


def encode(reply: Reply) -> bytes:
    return encode_reply(reply.sw3, reply.data, reply.sw1, reply.sw2)


def raw_frame(payload: bytes) -> bytes:
    length = (len(payload) + 1).to_bytes(2, "big")
    return PREAMBLE + length + payload + bytes((checksum(length + payload),))


# --- frames -------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=80) | st.binary(max_size=60).map(lambda b: PREAMBLE + b))
def test_decoders_raise_only_protocol_error_and_round_trip(data: bytes) -> None:
    try:
        reply = decode_reply(data)
    except ProtocolError:
        note("reply: ProtocolError")
    else:
        assert encode(reply) == data
    try:
        request = decode_request(data)
    except ProtocolError:
        note("request: ProtocolError")
    else:
        assert raw_frame(bytes((request.cmd, request.para)) + request.data) == data


@FUZZ
@given(replies, requests)
def test_frames_round_trip(reply: Reply, request: Request) -> None:
    assert decode_reply(encode(reply)) == reply
    assert decode_request(raw_frame(bytes((request.cmd, request.para)) + request.data)) == request


@FUZZ
@given(replies, st.data())
def test_any_one_byte_corruption_is_refused(reply: Reply, data: st.DataObject) -> None:
    """The XOR checksum changes with any one changed byte; a changed preamble or LEN fails
    the framing."""
    with pytest.raises(ProtocolError):
        decode_reply(corrupt(encode(reply), data))


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """Valid, corrupted and truncated frames, false starts (a preamble then junk) and noise."""
    data = draw(st.data())
    parts = []
    for kind in draw(st.lists(st.sampled_from("vcgtp"), max_size=8)):
        frame = encode(draw(replies))
        if kind == "v":
            parts.append(frame)
        elif kind == "c":
            parts.append(corrupt(frame, data))
        elif kind == "t":
            parts.append(frame[: draw(st.integers(0, len(frame) - 1))])
        elif kind == "p":
            parts.append(PREAMBLE + draw(st.binary(max_size=12)))
        else:
            parts.append(draw(st.binary(max_size=30)))
    return b"".join(parts)


@FUZZ
@given(streams() | st.binary(max_size=300))
def test_reader_yields_only_checksum_valid_frames_from_the_stream(stream: bytes) -> None:
    for frame in FrameReader().feed(stream):
        assert frame in stream
        assert frame.startswith(PREAMBLE)
        assert int.from_bytes(frame[5:7], "big") == len(frame) - 7
        assert checksum(frame[5:-1]) == frame[-1]


@FUZZ
@given(streams(), st.lists(st.integers(0, 600), max_size=12))
def test_a_stream_cut_anywhere_decodes_as_the_whole(stream: bytes, cuts: list[int]) -> None:
    whole = FrameReader().feed(stream)
    reader = FrameReader()
    assert [f for piece in split_feed(stream, cuts) for f in reader.feed(piece)] == whole


@scaled(40)
@given(streams(), replies, st.binary(max_size=40))
def test_a_valid_frame_is_found_after_garbage(prefix: bytes, reply: Reply, tail: bytes) -> None:
    """After MAX_LEN more bytes every false start in the garbage is ruled out, so the frame is
    found, unless a checksum-valid frame in the garbage (1 in 256 for a false start) swallows
    it — that frame is then really on the wire."""
    frame = encode(reply)
    stream = prefix + frame + tail + b"\x00" * (MAX_LEN + 8)
    out = FrameReader().feed(stream)
    if frame in out:
        return
    start = len(prefix)
    note("frame swallowed by a checksum-valid frame in the garbage")
    assert any((at := stream.find(f)) < start < at + len(f) for f in out), frame.hex(" ")


# --- the text block -----------------------------------------------------------------------

digits = st.text("0123456789", min_size=1)
field_text = {
    "name": st.text(min_size=1, max_size=15),
    "address": st.text(max_size=35),
    "issuer": st.text(max_size=15),
    "ethnicity_code": st.text("0123456789", min_size=2, max_size=2),
}


@st.composite
def records(draw: st.DrawFn) -> IdCardRecord:
    first17 = draw(st.text("0123456789", min_size=17, max_size=17))
    valid_to = draw(st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)))
    no_surrogates = st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",))
    return IdCardRecord(
        name=draw(st.text(no_surrogates, min_size=1, max_size=15)).strip(" \x00") or "名",
        sex=draw(st.sampled_from([Sex.MALE, Sex.FEMALE])),
        ethnicity_code=draw(field_text["ethnicity_code"]),
        birth_date=draw(st.dates(date(1900, 1, 1), date(2030, 12, 31))),
        address=draw(st.text(no_surrogates, max_size=35)).rstrip(" \x00"),
        id_number=first17 + check_character(first17),
        issuer=draw(st.text(no_surrogates, max_size=15)).rstrip(" \x00"),
        valid_from=draw(st.dates(date(1990, 1, 1), date(2050, 12, 31))),
        valid_to=valid_to,
        photo_wlt=draw(st.binary(max_size=16)),
    )


def check_accepted(record: IdCardRecord) -> None:
    """What may come out of parse_record: a checksum-valid ASCII ID number and real dates."""
    assert record.id_number.isascii()
    assert is_valid_id_number(record.id_number)
    assert isinstance(record.birth_date, date)
    assert isinstance(record.valid_from, date)
    assert record.valid_to is None or isinstance(record.valid_to, date)


@FUZZ
@given(records())
def test_records_round_trip(record: IdCardRecord) -> None:
    assert parse_record(encode_record(record), record.photo_wlt) == record


@FUZZ
@given(records(), st.sampled_from([name for name, _size in FIELDS]), st.data())
def test_a_record_with_one_field_garbled_is_parsed_or_refused(
    record: IdCardRecord, field: str, data: st.DataObject
) -> None:
    """Any UTF-16 text (other scripts' digits, '²', signs, spaces, 长期 in the wrong place) or
    raw bytes in one field: ProtocolError, or a record that passes every check."""
    block = bytearray(encode_record(record))
    offset = sum(size for name, size in FIELDS[: [n for n, _ in FIELDS].index(field)])
    size = dict(FIELDS)[field]
    tricky = st.sampled_from(["١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "1101051949123100²X", "+1990101",
                              " 1990101", "19900230", FOR_LIFE, "0" * 18, "x" * 18])  # fmt: skip
    text = data.draw(tricky | st.text(max_size=size // 2), label="text")
    raw = text.encode("utf-16-le", "surrogatepass")[:size]
    raw = data.draw(st.just(raw) | st.binary(min_size=size, max_size=size), label="raw")
    raw = raw + b" \x00" * ((size - len(raw)) // 2) + b"\x00" * ((size - len(raw)) % 2)
    block[offset : offset + size] = raw
    assert len(block) == TEXT_BYTES
    try:
        check_accepted(parse_record(bytes(block)))
    except ProtocolError:
        note("ProtocolError")


def test_unicode_digits_are_no_id_number() -> None:
    """Found by this suite: '²' passed isdigit() and then crashed int() with ValueError; the
    Arabic-Indic digits of ١١٠١٠٥١٩٤٩١٢٣١٠٠٢X were accepted as a valid ID number."""
    for number in ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "1101051949123100²X"):
        assert not is_valid_id_number(number)
    base = IdCardRecord("张三", Sex.MALE, "01", date(1990, 1, 1), "北京", "11010519491231002X",
                        "公安局", date(2020, 1, 1), None, b"")  # fmt: skip
    for number in ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "1101051949123100²X"):
        with pytest.raises(ProtocolError):
            parse_record(encode_record(dataclasses.replace(base, id_number=number)))
    block = encode_record(base).replace(
        "19900101".encode("utf-16-le"), "+1990101".encode("utf-16-le")
    )
    with pytest.raises(ProtocolError):
        parse_record(block)


@FUZZ
@given(
    st.binary(max_size=TEXT_BYTES + 40)
    | st.builds(
        lambda text, photo: (
            len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
        ),
        st.binary(min_size=TEXT_BYTES, max_size=TEXT_BYTES) | records().map(encode_record),
        st.binary(max_size=32),
    )
)
def test_read_reply_data_is_a_record_or_protocol_error(data: bytes) -> None:
    try:
        check_accepted(_parse_read(data))
        note("record accepted")
    except ProtocolError:
        note("ProtocolError")


# --- the driver's read path ---------------------------------------------------------------


@st.composite
def sam_replies(draw: st.DrawFn) -> list[list[bytes]]:
    data = draw(st.data())
    good_read = draw(records().map(encode_record))
    read_data = len(good_read).to_bytes(2, "big") + (0).to_bytes(2, "big") + good_read
    frames = st.one_of(
        st.sampled_from([encode_reply(s) for s in Sw3]),
        st.just(encode_reply(Sw3.SUCCESS, read_data)),
        st.just(encode_reply(Sw3.SUCCESS, read_data[:-1] + b"\x00")),
        st.binary(max_size=2).map(raw_frame),  # checksum-valid but too short for a reply
        replies.map(encode),
    )
    script = []
    for _ in range(draw(st.integers(1, 30))):
        parts = []
        for kind in draw(st.lists(st.sampled_from("vvvcg"), max_size=2)):
            frame = draw(frames)
            if kind == "v":
                parts.append(frame)
            elif kind == "c":
                parts.append(corrupt(frame, data))
            else:
                parts.append(draw(st.binary(min_size=1, max_size=10)))
        script.append(chunked(b"".join(parts), data, max_chunks=3))
    return script


def run_reader(script: list[list[bytes]]) -> tuple[list[IdCardEvent], ScriptedPort]:
    port = ScriptedPort(script)
    events: list[IdCardEvent] = []
    driver = IdCardReaderDriver("fuzz://", timeout_s=0.3)
    driver._port = LazyPort("fuzz://", what="ID card reader", opener=lambda: port)
    driver._listener = events.append
    clock = FakeClock()
    with mock.patch.object(driver_module, "time", SimpleNamespace(monotonic=clock.monotonic)):
        while len(port.log) < len(script):
            driver._cycle()  # no exception may leave a cycle: the thread would only log it
    return events, port


@scaled(40)
@given(sam_replies())
def test_no_reply_stream_breaks_the_poll_cycle_or_forges_a_record(
    script: list[list[bytes]],
) -> None:
    events, port = run_reader(script)
    read_command = encode_request(Command.READ_TEXT_AND_PHOTO)
    for item in events:
        assert isinstance(item, IdCardPresent | IdCardRead | IdCardReadError | IdCardRemoved)
        if isinstance(item, IdCardRead):
            note("record read")
            check_accepted(item.record)
            # it came, intact, in a reply to READ
            assert any(
                written == read_command and encode_record(item.record) in reply
                for written, reply in port.log
            )


def test_a_checksum_valid_frame_too_short_for_a_reply_does_not_break_the_cycle() -> None:
    """Found by this suite: a 1-byte-payload frame with a right checksum made decode_reply
    raise ProtocolError out of `_exchange`, past `_cycle`, into the thread's catch-all: the
    read ended with no event at all. Now the frame is skipped as garbage."""
    script = [
        [encode_reply(Sw3.SUCCESS)],  # SAM status
        [encode_reply(Sw3.CARD_FOUND)],  # find
        [raw_frame(b"\x00")],  # select: garbage with a right checksum
    ]
    events, _port = run_reader(script)
    assert events == [IdCardPresent(), IdCardReadError("idcard.read_failed", "select failed")]
