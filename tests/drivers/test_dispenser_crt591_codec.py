"""CRT-591-M codec: known frames, every status and error code, and a reader that survives
garbage, truncation, wrong checksums and wrong lengths."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.dispenser.crt591_codec import (
    MAX_TEXT,
    REPEATABLE,
    BinLevel,
    CardPosition,
    Command,
    CommandFrame,
    Control,
    Corrupt,
    ErrorCode,
    Frame,
    FrameReader,
    Negative,
    Positive,
    StackLevel,
    Status,
    bcc,
    decode_command,
    decode_reply,
    encode_command,
    encode_negative,
    encode_positive,
    frame,
)
from drivers.errors import ProtocolError

OK = Status(CardPosition.NONE, StackLevel.ENOUGH, BinLevel.NOT_FULL)


def tokens(data: bytes) -> list[Control | Frame | Corrupt]:
    return FrameReader().feed(data)


def only_frame(data: bytes) -> Frame:
    (token,) = tokens(data)
    assert isinstance(token, Frame)
    return token


# --- encoding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "wire"),
    [
        # The status request as a peer ATM driver sends it (F2 00 00 03 'C' 1 0 ETX BCC).
        (Command.STATUS, "f2 00 00 03 43 31 30 03 b0"),
        (Command.INIT_KEEP, "f2 00 00 03 43 30 33 03 b2"),
        (Command.TO_IC, "f2 00 00 03 43 32 31 03 b2"),
        (Command.CAPTURE, "f2 00 00 03 43 32 33 03 b0"),
    ],
)
def test_known_command_frames(command: Command, wire: str) -> None:
    assert encode_command(command).hex(" ") == wire
    assert decode_command(only_frame(bytes.fromhex(wire))) == CommandFrame(
        0, command.cm, command.pm
    )


def test_bcc_covers_stx_to_etx() -> None:
    wire = encode_command(Command.SET_BIN_COUNTER, b"000", address=0x0F)
    assert wire[:4] == bytes((0xF2, 0x0F, 0x00, 0x06))
    assert wire[-2] == 0x03
    assert bcc(wire[:-1]) == wire[-1]
    assert bcc(b"") == 0


@pytest.mark.parametrize("command", list(Command))
def test_every_command_round_trips(command: Command) -> None:
    decoded = decode_command(only_frame(encode_command(command, address=3)))
    assert decoded.command is command
    assert decoded.address == 3


def test_only_commands_that_move_no_card_are_repeatable() -> None:
    assert Command.STATUS in REPEATABLE
    assert Command.INIT_KEEP_COUNTED in REPEATABLE
    assert not REPEATABLE & {Command.TO_IC, Command.CAPTURE, Command.INIT_CAPTURE}
    assert all(c.cm not in (0x30, 0x32) or c.pm in (0x33, 0x37) for c in REPEATABLE)


def test_unknown_command_pair_decodes_without_a_name() -> None:
    decoded = decode_command(only_frame(frame(0, b"C\x99\x30")))
    assert (decoded.cm, decoded.pm, decoded.command) == (0x99, 0x30, None)


def test_long_length_is_big_endian() -> None:
    data = bytes(300)
    wire = encode_command(Command.SET_BIN_COUNTER, data)
    assert wire[2:4] == (303).to_bytes(2, "big")
    assert decode_command(only_frame(wire)).data == data


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (lambda: encode_command(Command.STATUS, bytes(513)), "at most 512"),
        (lambda: frame(0x100, b"C01"), "one byte"),
        (lambda: frame(0, b"C0"), "text of 2"),
        (lambda: frame(0, bytes(MAX_TEXT + 1)), "text of 1025"),
        (lambda: encode_negative(0x32, 0x31, "1"), "two characters"),
    ],
)
def test_encoding_refuses_what_the_manual_does_not_allow(call: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        call()  # type: ignore[operator]


# --- replies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "stack", "bin_level"), list(itertools.product(CardPosition, StackLevel, BinLevel))
)
def test_every_status_combination_round_trips(
    card: CardPosition, stack: StackLevel, bin_level: BinLevel
) -> None:
    status = Status(card, stack, bin_level)
    wire = encode_positive(0x31, 0x30, status, b"xy", address=1)
    reply = decode_reply(only_frame(wire))
    assert reply == Positive(1, 0x31, 0x30, status, b"xy")
    assert reply.answers(Command.STATUS)
    assert not reply.answers(Command.SENSORS)


def test_status_bytes_are_ascii_digits() -> None:
    wire = encode_positive(0x31, 0x30, Status(CardPosition.GATE, StackLevel.LOW, BinLevel.FULL))
    assert wire[4:10] == b"P10" + b"111"


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_round_trips(code: ErrorCode) -> None:
    reply = decode_reply(only_frame(encode_negative(0x32, 0x31, code.value)))
    assert isinstance(reply, Negative)
    assert (reply.code, reply.error) == (code.value, code)
    assert reply.answers(Command.TO_IC)


def test_error_table_is_the_manuals() -> None:
    assert {c.value for c in ErrorCode} == {
        "00", "01", "02", "03", "04", "05", "10", "12", "13", "14", "40", "41", "43", "45",
        "50", "51", "60", "61", "62", "65", "66", "67", "68", "69", "A0", "A1", "B0",
    }  # fmt: skip


def test_blank_error_code_keeps_its_characters() -> None:
    reply = decode_reply(only_frame(encode_negative(0x32, 0x31, "07", b"\x01")))
    assert isinstance(reply, Negative)
    assert (reply.code, reply.error, reply.data) == ("07", None, b"\x01")


def test_negative_head_e_is_read_as_n() -> None:
    """§1.2.3 prints the head as 45H ('E'); the letter and the peers say 'N' (4EH)."""
    reply = decode_reply(only_frame(frame(0, b"E\x32\x31A0")))
    assert isinstance(reply, Negative)
    assert reply.error is ErrorCode.STACKER_EMPTY


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"P\x31\x30\x30\x32", "at least 6"),  # positive without st2
        (b"N\x32\x31\x31", "at least 5"),  # negative without e0
        (b"P\x31\x30\x33\x32\x30", "status bytes"),  # st0 "3" is not in §2.1.2
        (b"P\x31\x30\x30\x33\x30", "status bytes"),
        (b"P\x31\x30\x30\x32\x32", "status bytes"),
        (b"N\x32\x31\x00\x10", "error code bytes"),
        (b"C\x31\x30\x30\x30", "head 0x43"),  # a command is no reply
        (b"X\x31\x30\x30\x30", "head 0x58"),
    ],
)
def test_malformed_replies(text: bytes, problem: str) -> None:
    with pytest.raises(ProtocolError, match=problem):
        decode_reply(only_frame(frame(0, text)))


def test_reply_is_no_command() -> None:
    with pytest.raises(ProtocolError, match="head"):
        decode_command(only_frame(encode_positive(0x31, 0x30, OK)))


# --- the reader ---------------------------------------------------------------------------


def test_controls_between_frames() -> None:
    wire = encode_positive(0x31, 0x30, OK)
    got = tokens(b"\x06" + wire + b"\x15\x04")
    assert got[0] is Control.ACK
    assert isinstance(got[1], Frame)
    assert got[2:] == [Control.NAK, Control.EOT]


def test_control_values_inside_a_frame_are_data() -> None:
    data = bytes((0x06, 0x15, 0x04, 0xF2, 0x03))
    wire = encode_command(Command.SET_BIN_COUNTER, data)
    assert decode_command(only_frame(wire)).data == data


def test_garbage_is_skipped_and_counted() -> None:
    reader = FrameReader()
    got = reader.feed(b"\x00\xff\x41" + encode_command(Command.STATUS) + b"\x99")
    assert len(got) == 1
    assert reader.garbage == 4


def test_byte_at_a_time() -> None:
    reader = FrameReader()
    wire = b"\x06" + encode_positive(0x32, 0x31, OK, b"abc")
    got: list[Control | Frame | Corrupt] = []
    for byte in wire:
        got += reader.feed(bytes((byte,)))
    assert got[0] is Control.ACK
    assert decode_reply(got[1]) == Positive(0, 0x32, 0x31, OK, b"abc")  # type: ignore[arg-type]
    assert reader.pending == 0


def test_truncated_frame_waits_then_is_dropped_by_clear() -> None:
    reader = FrameReader()
    wire = encode_command(Command.STATUS)
    assert reader.feed(wire[:-1]) == []
    assert reader.pending == len(wire) - 1
    reader.clear()
    assert reader.pending == 0
    assert reader.feed(wire) == [Frame(0, b"C10")]


def test_truncated_frame_followed_by_a_whole_one_resynchronises() -> None:
    whole = encode_positive(0x31, 0x30, OK)
    got = tokens(whole[:5] + whole)
    assert [t for t in got if isinstance(t, Frame)] == [Frame(0, whole[4:-2])]


def test_wrong_checksum_is_reported_as_corrupt() -> None:
    wire = bytearray(encode_command(Command.TO_IC, address=2))
    wire[-1] ^= 0x01
    assert tokens(bytes(wire)) == [Corrupt(2)]


def test_flipped_data_bit_is_corrupt() -> None:
    wire = bytearray(encode_positive(0x31, 0x30, OK))
    wire[7] ^= 0x02
    assert tokens(bytes(wire)) == [Corrupt(0)]


@pytest.mark.parametrize("length", [0, 1, 2, MAX_TEXT + 1, 0xFFFF])
def test_length_out_of_range_is_a_false_stx(length: int) -> None:
    good = encode_command(Command.STATUS)
    bogus = bytes((0xF2, 0x00)) + length.to_bytes(2, "big")
    reader = FrameReader()
    assert only_frame_of(reader.feed(bogus + good)) == Frame(0, b"C10")
    assert reader.garbage >= 2  # STX and address; a length byte may read as a control


def test_length_that_misses_the_etx_is_a_false_stx() -> None:
    good = encode_command(Command.STATUS)
    wrong = bytearray(good)
    wrong[3] = 0x04  # one more than the text: ETX is not where the length says
    reader = FrameReader()
    got = reader.feed(bytes(wrong) + good)
    assert got[-1] == Frame(0, b"C10")
    assert all(not isinstance(t, Corrupt) for t in got)


def test_short_length_that_lands_on_a_non_etx() -> None:
    wire = bytearray(encode_command(Command.SET_BIN_COUNTER, b"123"))
    wire[3] = 0x03  # says 3, text is 6
    assert not any(isinstance(t, Frame) for t in tokens(bytes(wire)))


@given(st.binary(max_size=300))
def test_any_bytes_never_raise(data: bytes) -> None:
    reader = FrameReader()
    for token in reader.feed(data):
        if isinstance(token, Frame):
            with contextlib.suppress(ProtocolError):
                decode_reply(token)


@given(st.binary(max_size=60), st.sampled_from(list(Command)), st.binary(max_size=20))
def test_frame_after_garbage_is_found(noise: bytes, command: Command, data: bytes) -> None:
    wire = encode_command(command, data)
    reader = FrameReader()
    reader.feed(noise)
    reader.clear()  # as the link does before each exchange
    assert decode_command(only_frame_of(reader.feed(wire))).command is command


def only_frame_of(got: list[Control | Frame | Corrupt]) -> Frame:
    frames = [t for t in got if isinstance(t, Frame)]
    assert len(frames) == 1
    return frames[0]


@given(st.binary(min_size=1, max_size=40), st.sampled_from(list(Command)))
def test_noise_without_stx_before_a_frame(noise: bytes, command: Command) -> None:
    noise = noise.replace(b"\xf2", b"\x00")
    got = FrameReader().feed(noise + encode_command(command))
    assert decode_command(only_frame_of(got)).command is command
