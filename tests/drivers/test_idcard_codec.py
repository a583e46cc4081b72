"""SAM protocol codec and the ID card text block: worked vectors, round trips, garbage."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.idcard.codec import (
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
from drivers.idcard.record import (
    InvalidIdNumber,
    check_character,
    encode_record,
    is_valid_id_number,
    parse_record,
    split_fields,
)
from drivers.idcard.simulator import IDENTITIES
from drivers.interfaces import IdCardRecord, Sex


def test_worked_checksum_vectors() -> None:
    assert checksum(bytes.fromhex("000311FF")) == 0xED
    assert checksum(bytes.fromhex("00032001")) == 0x22
    assert encode_request(Command.SAM_STATUS).hex() == "aaaaaa9669000311ffed"
    assert encode_request(Command.FIND_CARD).hex() == "aaaaaa966900032001" + "22"


@pytest.mark.parametrize("command", list(Command))
def test_request_round_trip(command: Command) -> None:
    request = decode_request(encode_request(command, b"\x01\x02"))
    assert request == Request(*command.value, b"\x01\x02")
    assert request.command is command


@pytest.mark.parametrize("sw3", list(Sw3))
def test_reply_round_trip(sw3: Sw3) -> None:
    reply = decode_reply(encode_reply(sw3, b"data"))
    assert reply == Reply(0, 0, sw3, b"data")
    assert reply.ok is (sw3 in (Sw3.SUCCESS, Sw3.CARD_FOUND))


@pytest.mark.parametrize(
    "bad",
    [
        "aaaaaa9669000311ffee",  # checksum
        "aaaaaa9669000411ffed",  # length
        "aaaaaa9668000311ffed",  # preamble
        "aaaaaa96690001",  # truncated
    ],
)
def test_bad_frames(bad: str) -> None:
    with pytest.raises(ProtocolError):
        decode_request(bytes.fromhex(bad))


def test_reader_finds_frames_in_noise_and_split_preambles() -> None:
    frames = encode_reply(Sw3.NO_CARD) + b"\x00\xaa\xaa" + encode_reply(Sw3.CARD_FOUND, bytes(4))
    reader = FrameReader()
    out = []
    for byte in frames:
        out.extend(reader.feed(bytes((byte,))))
    assert [decode_reply(f).sw3 for f in out] == [Sw3.NO_CARD, Sw3.CARD_FOUND]


@given(st.binary(max_size=400))
def test_garbage_yields_only_valid_frames(data: bytes) -> None:
    for frame in FrameReader().feed(data):
        assert frame in data
        assert checksum(frame[5:-1]) == frame[-1]


def test_check_character() -> None:
    assert check_character("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("11010519491231002x")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("1101051949123100")
    with pytest.raises(InvalidIdNumber):
        check_character("abc")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_every_number_has_exactly_one_check_character(first17: str) -> None:
    good = check_character(first17)
    assert [c for c in "0123456789X" if is_valid_id_number(first17 + c)] == [good]


def test_text_block_fields_and_for_life() -> None:
    record = parse_record(IDENTITIES["for_life"], b"\x01" * 1024)
    assert record.name == "李四"
    assert record.sex is Sex.FEMALE
    assert record.ethnicity_code == "01"
    assert record.birth_date == date(1990, 3, 7)
    assert record.valid_to is None
    assert record.id_number == "11010519491231002X"
    assert record.photo_wlt == b"\x01" * 1024
    fields = split_fields(IDENTITIES["for_life"])
    assert fields["valid_to"] == "长期"


def test_record_round_trip() -> None:
    record = IdCardRecord("欧阳娜娜", Sex.FEMALE, "01", date(2000, 12, 31), "上海市黄浦区1号",
                          "11010519491231002X", "上海市公安局", date(2020, 1, 1),
                          date(2030, 1, 1))  # fmt: skip
    assert parse_record(encode_record(record)) == record


def test_bad_check_character_is_refused() -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_record(IDENTITIES["bad_check"])
    assert "110101199003074478" not in str(caught.value)


@pytest.mark.parametrize(
    "block",
    [b"\x00" * 255, b"\xff" * 256, "x".encode("utf-16-le") * 128],
)
def test_malformed_blocks(block: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_record(block)


@given(st.binary(min_size=256, max_size=256))
def test_random_blocks_never_crash(block: bytes) -> None:
    try:
        record = parse_record(block)
    except ProtocolError:
        return
    assert is_valid_id_number(record.id_number)  # nothing unchecked gets through
