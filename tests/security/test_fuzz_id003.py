"""Fuzzing the JCM ID-003 bill acceptor codec and the driver's whole read path.

The money property: no byte sequence makes the kiosk credit a note that the acceptor did not
report, CRC-correct, as vend valid after the kiosk itself escrowed and stacked it. The codec's
only error is FrameError; the incremental reader never raises, finds valid frames in garbage
and decodes a stream cut anywhere exactly as the whole stream.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import drivers.id003.driver as driver_module
from drivers.id003 import codec
from drivers.id003.codec import (
    DEFAULT_ESCROW_CODES,
    MAX_FRAME,
    MIN_FRAME,
    SYNC,
    Command,
    Frame,
    FrameError,
    FrameReader,
    Status,
    decode,
)
from drivers.id003.driver import Id003BillAcceptor
from drivers.interfaces import (
    BillEvent,
    EscrowDecision,
    NoteCredited,
    NoteEscrowed,
    NoteReturned,
    PowerUpWithNote,
)
from drivers.serial_port import LazyPort
from tests.security.fuzzing import FUZZ, note, scaled
from tests.security.wire import FakeClock, ScriptedPort, chunked, corrupt, split_feed

REAL_CRC = codec.crc16_kermit  # captured before any negative control patches it
MONEY_STATES = (Status.ESCROW, Status.VEND_VALID, Status.STACKED, Status.STACKING)

frames = st.builds(
    Frame,
    st.integers(0, 255) | st.sampled_from([int(s) for s in MONEY_STATES]),
    st.binary(max_size=MAX_FRAME - MIN_FRAME) | st.sampled_from([b"", b"\x61", b"\x66"]),
)
# Stream cases carry short frames (the reader's cost grows with every false FC start); the
# codec properties above use frames up to the 250-byte maximum.
short_frames = st.builds(
    Frame,
    st.integers(0, 255) | st.sampled_from([int(s) for s in MONEY_STATES]),
    st.binary(max_size=24),
)
garbage = st.binary(max_size=40)


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[Frame]]:
    """Valid frames, corrupted frames, truncated frames and garbage, in any order. Returns the
    stream and the valid frames put into it."""
    parts: list[bytes] = []
    valid: list[Frame] = []
    data = draw(st.data())
    for kind in draw(st.lists(st.sampled_from("vcgt"), max_size=8)):
        frame = draw(short_frames)
        if kind == "v":
            parts.append(frame.encode())
            valid.append(frame)
        elif kind == "c":
            parts.append(corrupt(frame.encode(), data))
        elif kind == "t":
            encoded = frame.encode()
            parts.append(encoded[: draw(st.integers(0, len(encoded) - 1))])
        else:
            parts.append(draw(garbage))
    return b"".join(parts), valid


def assert_only_present_frames(reader_cls: Callable[[], FrameReader], stream: bytes) -> None:
    """Everything the reader yields is a CRC-valid frame found byte for byte in the stream, and
    a money status comes out no more often than it is in the stream intact."""
    out = reader_cls().feed(stream)
    for frame in out:
        encoded = frame.encode()
        assert encoded in stream, f"phantom frame {encoded.hex(' ')}"
        crc = REAL_CRC(encoded[:-2]).to_bytes(2, "little")
        assert crc == encoded[-2:], f"phantom frame (CRC) {encoded.hex(' ')}"
    for frame in set(out):
        if frame.command in MONEY_STATES:
            assert out.count(frame) <= stream.count(frame.encode())


# --- the pure codec -----------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=MAX_FRAME + 10))
def test_decode_raises_only_frame_error_and_round_trips(data: bytes) -> None:
    try:
        frame = decode(data)
    except FrameError:
        note("FrameError")
        return
    assert frame.encode() == data  # encode(decode(x)) == x


@FUZZ
@given(frames)
def test_every_frame_round_trips(frame: Frame) -> None:
    assert decode(frame.encode()) == frame


@FUZZ
@given(frames, st.data())
def test_any_one_byte_corruption_is_refused(frame: Frame, data: st.DataObject) -> None:
    """CRC-16 catches every burst of up to 16 bits; a changed SYNC or LNG fails the framing."""
    with pytest.raises(FrameError):
        decode(corrupt(frame.encode(), data))


@FUZZ
@given(frames, st.integers(1, 10), st.binary(min_size=1, max_size=4))
def test_truncated_or_extended_frames_are_refused(frame: Frame, cut: int, extra: bytes) -> None:
    encoded = frame.encode()
    with pytest.raises(FrameError):
        decode(encoded[: max(0, len(encoded) - cut)])
    with pytest.raises(FrameError):
        decode(encoded + extra)


# --- the incremental reader ---------------------------------------------------------------


@FUZZ
@given(streams())
def test_reader_yields_only_frames_present_in_the_stream(case: tuple[bytes, list[Frame]]) -> None:
    stream, _valid = case
    assert_only_present_frames(FrameReader, stream)


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_never_raise_nor_invent_a_credit(stream: bytes) -> None:
    assert_only_present_frames(FrameReader, stream)


@FUZZ
@given(streams(), st.lists(st.integers(0, 2000), max_size=12))
def test_a_stream_cut_anywhere_decodes_as_the_whole(
    case: tuple[bytes, list[Frame]], cuts: list[int]
) -> None:
    stream, _valid = case
    whole_reader = FrameReader()
    whole = whole_reader.feed(stream)
    reader = FrameReader()
    pieces = [frame for piece in split_feed(stream, cuts) for frame in reader.feed(piece)]
    assert pieces == whole


@FUZZ
@given(st.binary(max_size=60), frames, st.binary(max_size=60))
def test_a_valid_frame_is_found_inside_garbage(prefix: bytes, frame: Frame, tail: bytes) -> None:
    """Resync (docs/protocols.md#bill-acceptor-id-003: skip to the next FC): once MAX_FRAME
    bytes have followed, every false start in the garbage has been ruled out, so the frame is
    found — unless the garbage itself holds a CRC-valid frame that swallows it (then that frame
    is really on the wire)."""
    encoded = frame.encode()
    stream = prefix + encoded + tail + b"\x00" * MAX_FRAME
    out = FrameReader().feed(stream)
    if frame in out:
        return
    start = len(prefix)
    swallowed = [
        f
        for f in out
        if (at := stream.find(f.encode())) < start < at + len(f.encode())
        and stream.find(f.encode()) >= 0
    ]
    note("frame swallowed by a CRC-valid frame in the garbage")
    assert swallowed, f"{encoded.hex(' ')} lost after {prefix.hex(' ')}"


@FUZZ
@given(st.lists(short_frames, min_size=1, max_size=8), st.binary(max_size=30))
def test_garbage_without_sync_bytes_loses_no_frame(frames_in: list[Frame], junk: bytes) -> None:
    junk = junk.replace(bytes((SYNC,)), b"")
    stream = b"".join(junk + f.encode() for f in frames_in)
    assert FrameReader().feed(stream) == frames_in


# --- the driver's whole read path: port → reader → codec → state machine -------------------

REPLY_FRAMES = st.one_of(
    st.builds(Frame, st.just(Status.ESCROW), st.sampled_from([b"\x61", b"\x63", b"\x66", b""])),
    st.sampled_from(
        [
            Frame(Status.VEND_VALID),
            Frame(Status.STACKED),
            Frame(Status.STACKING),
            Frame(Command.ACK),
            Frame(Status.IDLING),
            Frame(Status.DISABLED),
            Frame(Status.RETURNING),
            Frame(Status.REJECTING, b"\x71"),
            Frame(Status.ACCEPTING),
            Frame(Status.POWER_UP_BILL_IN_STACKER),
            Frame(Status.POWER_UP),
            Frame(Status.STACKER_FULL),
            Frame(Status.INVALID_COMMAND),
            Frame(Command.SET_ENABLE, b"\x00\x00"),
            Frame(Command.SET_INHIBIT, b"\x00"),
        ]
    ),
    short_frames,
)


@st.composite
def device_replies(draw: st.DrawFn) -> list[list[bytes]]:
    """What the acceptor sends back to each request: nothing, one frame, stale frames before
    the answer, corrupted or truncated frames, line noise — in up to four reads."""
    data = draw(st.data())
    replies: list[list[bytes]] = []
    for _ in range(draw(st.integers(1, 40))):
        parts: list[bytes] = []
        for kind in draw(st.lists(st.sampled_from("vvvcgt"), max_size=3)):
            encoded = draw(REPLY_FRAMES).encode()
            if kind == "v":
                parts.append(encoded)
            elif kind == "c":
                parts.append(corrupt(encoded, data))
            elif kind == "t":
                parts.append(encoded[: draw(st.integers(1, len(encoded) - 1))])
            else:
                parts.append(draw(st.binary(min_size=1, max_size=12)))
        replies.append(chunked(b"".join(parts), data, max_chunks=4))
    return replies


class Ledger:
    """The driver's events, each with the number of exchanges made when it was emitted."""

    def __init__(self, port: ScriptedPort) -> None:
        self.port = port
        self.events: list[tuple[BillEvent, int]] = []
        self.decisions: list[tuple[int, EscrowDecision]] = []

    def listener(self, item: BillEvent) -> None:
        self.events.append((item, len(self.port.log)))


def run_driver(replies: list[list[bytes]], decide: Callable[[int], EscrowDecision]) -> Ledger:
    port = ScriptedPort(replies)
    ledger = Ledger(port)
    driver = Id003BillAcceptor("fuzz://", codes_fen=DEFAULT_ESCROW_CODES, timeout_s=0.3)
    driver._port = LazyPort("fuzz://", what="acceptor", opener=lambda: port)
    driver._listener = ledger.listener

    def policy(fen: int) -> EscrowDecision:
        decision = decide(fen)
        ledger.decisions.append((fen, decision))
        return decision

    driver._policy = policy
    clock = FakeClock()
    with mock.patch.object(driver_module, "time", SimpleNamespace(monotonic=clock.monotonic)):
        while len(port.log) < len(replies):
            driver._cycle()  # raises nothing: no exception type is allowed out of a cycle
    return ledger


def frames_in(blob: bytes) -> list[Frame]:
    return FrameReader().feed(blob)


def check_no_phantom_credit(ledger: Ledger) -> None:
    """Every credit (1) happens while handling a status reply that holds an intact vend valid
    frame, (2) belongs to a note escrowed and decided STACK earlier, one credit per such note,
    and (3) is covered by a STACK-1 the driver sent (its ACK may have been lost: the unit's
    vend valid is its word that it stacked the note, and the note is in the cash box)."""
    stacked_notes: list[int] = []  # escrowed and decided STACK, not yet credited
    decisions = iter(ledger.decisions)
    credits = 0
    for item, exchanges in ledger.events:
        if isinstance(item, NoteEscrowed):
            fen, decision = next(decisions)
            assert fen == item.denomination_fen
            if decision is EscrowDecision.STACK:
                stacked_notes.append(fen)
        elif isinstance(item, NoteCredited):
            credits += 1
            written, reply = ledger.port.log[exchanges - 1]
            assert written[2] == Command.STATUS_REQUEST, "credit outside a status poll"
            assert any(f.command == Status.VEND_VALID for f in frames_in(reply)), (
                f"credit without an intact vend valid in {reply.hex(' ')}"
            )
            assert item.denomination_fen in stacked_notes, f"phantom credit {item}"
            stacked_notes.remove(item.denomination_fen)
            sent = sum(1 for written, _ in ledger.port.log[:exchanges]
                       if written[2] == Command.STACK_1)  # fmt: skip
            assert credits <= sent, "more credits than stack commands"
    if credits:
        note("credited a note")


@scaled(40)
@given(device_replies(), st.lists(st.booleans(), min_size=1, max_size=8))
def test_no_byte_stream_credits_a_phantom_note(
    replies: list[list[bytes]], stack_or_return: list[bool]
) -> None:
    calls = iter(stack_or_return * 50)

    def decide(_fen: int) -> EscrowDecision:
        return EscrowDecision.STACK if next(calls, True) else EscrowDecision.RETURN

    check_no_phantom_credit(run_driver(replies, decide))


def test_the_wire_harness_credits_a_real_note() -> None:
    """Positive control: the harness does reach a credit with a proper conversation."""
    replies = [
        [Frame(Status.ESCROW, b"\x66").encode()],  # poll: 100 yuan in escrow
        [Frame(Status.ESCROW, b"\x66").encode()],  # poll: still (a new escrow is confirmed)
        [Frame(Command.ACK).encode()],  # STACK-1 acknowledged
        [Frame(Status.VEND_VALID).encode()[:3], Frame(Status.VEND_VALID).encode()[3:]],
        [],  # the ACK of vend valid expects no reply
    ]
    ledger = run_driver(replies, lambda _fen: EscrowDecision.STACK)
    check_no_phantom_credit(ledger)
    assert [e for e, _ in ledger.events if isinstance(e, NoteCredited)] == [NoteCredited(10000)]


def test_negative_control_a_reader_without_crc_credits_a_phantom() -> None:
    """The checks must be able to fail: with the CRC check switched off (every CRC "matches"
    0xBEEF), frames with a wrong CRC credit a note, and both checks say so."""
    forged = [Frame(Status.ESCROW, b"\x66"), Frame(Status.ESCROW, b"\x66"), Frame(Command.ACK),
              Frame(Status.VEND_VALID)]  # fmt: skip
    replies = [[with_crc(frame, 0xBEEF)] for frame in forged] + [[]]
    with mock.patch.object(codec, "crc16_kermit", return_value=0xBEEF):
        ledger = run_driver(replies, lambda _fen: EscrowDecision.STACK)
        with pytest.raises(AssertionError, match="phantom frame"):
            assert_only_present_frames(FrameReader, replies[3][0])
    assert [e for e, _ in ledger.events if isinstance(e, NoteCredited)] == [NoteCredited(10000)]
    with pytest.raises(AssertionError, match="vend valid"):
        check_no_phantom_credit(ledger)


def with_crc(frame: Frame, crc: int) -> bytes:
    body = bytes((SYNC, MIN_FRAME + len(frame.data), frame.command)) + frame.data
    return body + crc.to_bytes(2, "little")


def test_a_vend_valid_after_an_acknowledged_return_is_a_note_found_in_the_stacker() -> None:
    """The case the soak fuzz found: GIVEN a 1,000 note in escrow decided RETURN, the RETURN
    acknowledged WHEN the acceptor then says vend valid (a faulty unit) THEN no credit from the
    driver's own decision, but a note found in the stacker, with its value, reported once (when
    a second poll confirms it): the note is in the box, not with the customer, so the host
    credits or vouchers it (issue 18: reported without its value it was neither)."""
    replies = [
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: a 1,000 note in escrow
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: confirmed
        [Frame(Command.ACK).encode()],  # RETURN acknowledged
        [Frame(Status.VEND_VALID).encode()],  # poll: vend valid all the same
        [Frame(Status.VEND_VALID).encode()],  # poll: and again (unacknowledged, it repeats)
        [b""],  # the ACK to vend valid expects no answer
        [Frame(Status.IDLING).encode()],
    ]
    ledger = run_driver(replies, lambda _fen: EscrowDecision.RETURN)
    events = [event for event, _ in ledger.events]
    assert ledger.decisions == [(1000, EscrowDecision.RETURN)]
    assert not [e for e in events if isinstance(e, NoteCredited)]
    assert events.count(PowerUpWithNote("stacker", 1000)) == 1
    assert PowerUpWithNote("stacker", None) not in events
    check_no_phantom_credit(ledger)


def test_a_note_of_the_same_value_right_after_a_returned_one_is_a_new_note() -> None:
    """GIVEN a 1,000 note decided RETURN and the unit returning it WHEN the customer's next note,
    also 1,000, is in escrow before the unit rested twice THEN it is a new note: the first is
    reported returned, the second asked about and stacked (the driver took it for the first
    one still in escrow, never decided it, and the unit's escrow timeout handed it back: a
    power-loss journey hung on it)."""
    decisions = iter([EscrowDecision.RETURN, EscrowDecision.STACK])
    replies = [
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: a 1,000 note in escrow
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: confirmed
        [Frame(Command.ACK).encode()],  # RETURN acknowledged
        [Frame(Status.RETURNING).encode()],  # poll: on its way back
        [Frame(Status.ACCEPTING).encode()],  # poll: the next note going in at once
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: a 1,000 note in escrow again
        [Frame(Status.ESCROW, b"\x63").encode()],  # poll: confirmed
        [Frame(Command.ACK).encode()],  # STACK-1 acknowledged
        [Frame(Status.STACKING).encode()],
        [Frame(Status.VEND_VALID).encode()],
        [b""],  # the ACK to vend valid expects no answer
        [Frame(Status.STACKED).encode()],
    ]
    ledger = run_driver(replies, lambda _fen: next(decisions))
    events = [event for event, _ in ledger.events]
    assert ledger.decisions == [(1000, EscrowDecision.RETURN), (1000, EscrowDecision.STACK)]
    assert NoteReturned(1000, "host_return") in events
    assert [e for e in events if isinstance(e, NoteCredited)] == [NoteCredited(1000)]
    check_no_phantom_credit(ledger)
