"""Pure codec of the Creator CRT-591-M card dispenser's serial protocol (bytes in, typed out).

Source: "CRT-591-M001 communication protocol", Creator (China) Tech, Ver. 1.0, 2013-07-02
(docs/drivers-dispenser.md lists its sections). Section numbers below are that manual's.

§1.2.1 command:   STX(F2) ADDR LENH LENL 'C' CM PM DATA ETX(03) BCC
§1.2.2 positive:  STX(F2) ADDR LENH LENL 'P' CM PM st0 st1 st2 DATA ETX BCC
§1.2.3 negative:  STX(F2) ADDR LENH LENL 'N' CM PM e1 e0 DATA ETX BCC
LEN (big-endian) counts the "text" — from the head character to the last DATA byte — at most
1024 bytes; BCC is the XOR of every byte from STX to ETX inclusive. Between frames the line
carries the one-byte controls of §1.1.2: ACK 06, NAK 15, EOT 04.

Nothing here touches a port or a clock: `FrameReader` turns a byte stream into `Control`,
`Frame` and `Corrupt` tokens; `decode_*` turn a frame into a typed command or reply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.errors import ProtocolError

STX = 0xF2
ETX = 0x03
MAX_TEXT = 1024  # §1.2.1: "MAX 1024 byte" of text
MAX_DATA = 512  # §1.2.1: DATA N = 0..512
MAX_ADDRESS = 0x0F  # §1.3: four DIP switches, 00H..0FH; 00H ex-works
HEADER = 4  # STX ADDR LENH LENL
TRAILER = 2  # ETX BCC
VERSION = b"CRT-591-M001"  # §3.1.1: Rev_type returned by the reset command


class Control(enum.IntEnum):
    """§1.1.2 control characters sent on their own between frames."""

    ACK = 0x06
    NAK = 0x15
    EOT = 0x04  # "clear the line": the host discontinues a command (§1.4.2 cases 5-7)


class Head(enum.IntEnum):
    COMMAND = 0x43  # 'C' (CMT)
    POSITIVE = 0x50  # 'P' (PMT)
    # 'N' (EMT). §1.2.3 prints "N', 45H"; 45H is 'E'. Both peers read 4EH and the letter is
    # 'N' everywhere else in the manual, so 4EH is sent and 45H is accepted as well.
    NEGATIVE = 0x4E
    NEGATIVE_ALT = 0x45


class Command(enum.Enum):
    """(CM, PM) pairs of the dispenser commands (§2.1.1, §3.1, §3.6.7-3.6.10)."""

    # §3.1.1 reset/initialise; PM says what to do with a card still inside.
    INIT_TO_GATE = (0x30, 0x30)
    INIT_CAPTURE = (0x30, 0x31)
    INIT_KEEP = (0x30, 0x33)
    INIT_TO_GATE_COUNTED = (0x30, 0x34)  # 34H/35H/37H: as 30H/31H/33H, retract counter counts
    INIT_CAPTURE_COUNTED = (0x30, 0x35)
    INIT_KEEP_COUNTED = (0x30, 0x37)
    # §3.1.2 status request: st0-st2; 31H adds the sensor bytes.
    STATUS = (0x31, 0x30)
    SENSORS = (0x31, 0x31)
    # §3.1.3 move card.
    TO_GATE = (0x32, 0x30)  # the card holding position at the mouth (the unit still holds it)
    TO_IC = (0x32, 0x31)  # IC contact position; from the stacker when the path is empty
    TO_RF = (0x32, 0x32)
    CAPTURE = (0x32, 0x33)  # into the error card (reject) bin
    EJECT = (0x32, 0x39)  # out of the gate: the unit lets go of it
    # §3.1.4 card entry from the gate.
    ENTRY_ENABLE = (0x33, 0x30)
    ENTRY_DISABLE = (0x33, 0x31)
    SERIAL_NUMBER = (0xA2, 0x30)  # §3.6.7
    CONFIGURATION = (0xA3, 0x30)  # §3.6.8
    VERSION = (0xA4, 0x30)  # §2.1.1 (9.13)
    READ_BIN_COUNTER = (0xA5, 0x30)  # §3.6.9.1: DATA "000".."999"
    SET_BIN_COUNTER = (0xA5, 0x31)  # §3.6.9.2: DATA "000".."999"

    @property
    def cm(self) -> int:
        return self.value[0]

    @property
    def pm(self) -> int:
        return self.value[1]


INIT_COMMANDS = frozenset(c for c in Command if c.cm == 0x30)
MOVE_COMMANDS = frozenset(c for c in Command if c.cm == 0x32)
# Commands that move no card: sent twice, they do no harm (a lost reply is asked for again).
REPEATABLE = frozenset(Command) - MOVE_COMMANDS - INIT_COMMANDS | {
    Command.INIT_KEEP,
    Command.INIT_KEEP_COUNTED,
}


class CardPosition(enum.Enum):
    """st0 (§2.1.2)."""

    NONE = 0x30  # "0": no card in the unit's path
    GATE = 0x31  # "1": one card in the gate (the mouth)
    READER = 0x32  # "2": one card at the RF/IC position


class StackLevel(enum.Enum):
    """st1 (§2.1.2): the stacker's low and empty sensors; the unit cannot count cards."""

    EMPTY = 0x30  # "0"
    LOW = 0x31  # "1": few cards
    ENOUGH = 0x32  # "2"


class BinLevel(enum.Enum):
    """st2 (§2.1.2)."""

    NOT_FULL = 0x30
    FULL = 0x31


@dataclass(frozen=True)
class Status:
    card: CardPosition
    stack: StackLevel
    bin: BinLevel

    def encode(self) -> bytes:
        return bytes((self.card.value, self.stack.value, self.bin.value))


class ErrorCode(enum.Enum):
    """e1 e0 (§2.2), two ASCII characters; the manual's table leaves the other codes blank."""

    UNDEFINED_COMMAND = "00"
    PARAMETER_ERROR = "01"
    SEQUENCE_ERROR = "02"
    NOT_SUPPORTED_BY_HARDWARE = "03"
    DATA_ERROR = "04"
    IC_CONTACT_NOT_RELEASED = "05"
    CARD_JAM = "10"
    SENSOR_ERROR = "12"
    CARD_TOO_LONG = "13"
    CARD_TOO_SHORT = "14"
    CAPTURE_FAILED = "40"  # "disability of recycling card"
    IC_MAGNET_ERROR = "41"
    CANNOT_MOVE_TO_IC = "43"
    MOVED_BY_HAND = "45"
    BIN_COUNTER_OVERFLOW = "50"
    MOTOR_ERROR = "51"
    IC_POWER_SHORT = "60"
    IC_ACTIVATION_FAILED = "61"
    IC_COMMAND_NOT_SUPPORTED = "62"
    IC_NOT_ACTIVATED = "65"
    IC_CARD_COMMAND_NOT_SUPPORTED = "66"
    IC_TRANSMISSION_ERROR = "67"
    IC_TRANSMISSION_TIMEOUT = "68"
    NOT_EMV_COMPLIANT = "69"
    STACKER_EMPTY = "A0"
    BIN_FULL = "A1"
    NOT_RESET = "B0"  # the unit was powered up and has had no reset command yet (§3.1.1)


# --- frames -------------------------------------------------------------------------------


def bcc(data: bytes) -> int:
    """XOR of `data` (§1.2.1: STX to ETX inclusive)."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def frame(address: int, text: bytes) -> bytes:
    """Wrap a text (head character to the last DATA byte) into a frame."""
    if not 0 <= address <= 0xFF:
        raise ValueError(f"address {address} is not one byte")
    if not 3 <= len(text) <= MAX_TEXT:
        raise ValueError(f"text of {len(text)} bytes (3..{MAX_TEXT})")
    body = bytes((STX, address)) + len(text).to_bytes(2, "big") + text + bytes((ETX,))
    return body + bytes((bcc(body),))


def encode_command(command: Command, data: bytes = b"", *, address: int = 0) -> bytes:
    if len(data) > MAX_DATA:
        raise ValueError(f"command data of {len(data)} bytes (at most {MAX_DATA})")
    return frame(address, bytes((Head.COMMAND, command.cm, command.pm)) + data)


def encode_positive(
    cm: int, pm: int, status: Status, data: bytes = b"", *, address: int = 0
) -> bytes:
    return frame(address, bytes((Head.POSITIVE, cm, pm)) + status.encode() + data)


def encode_negative(cm: int, pm: int, code: str, data: bytes = b"", *, address: int = 0) -> bytes:
    raw = code.encode("ascii")
    if len(raw) != 2:
        raise ValueError(f"error code {code!r} is not two characters")
    return frame(address, bytes((Head.NEGATIVE, cm, pm)) + raw + data)


@dataclass(frozen=True)
class Frame:
    """A frame whose length, ETX and BCC were right; its text is not interpreted yet."""

    address: int
    text: bytes


@dataclass(frozen=True)
class Corrupt:
    """Something shaped like a frame (STX, length, ETX where expected) with a wrong BCC: the
    receiver answers NAK and the sender repeats (§1.4.2 cases 2 and 3)."""

    address: int


Token = Control | Frame | Corrupt


@dataclass(frozen=True)
class CommandFrame:
    address: int
    cm: int
    pm: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        try:
            return Command((self.cm, self.pm))
        except ValueError:
            return None


@dataclass(frozen=True)
class Positive:
    address: int
    cm: int
    pm: int
    status: Status
    data: bytes = b""

    def answers(self, command: Command) -> bool:
        return (self.cm, self.pm) == command.value


@dataclass(frozen=True)
class Negative:
    address: int
    cm: int
    pm: int
    code: str  # e1 e0 as sent, e.g. "10"
    data: bytes = b""

    @property
    def error(self) -> ErrorCode | None:
        """None for a code the manual's table leaves blank."""
        try:
            return ErrorCode(self.code)
        except ValueError:
            return None

    def answers(self, command: Command) -> bool:
        return (self.cm, self.pm) == command.value


Reply = Positive | Negative


def _text(token: Frame, head: frozenset[int], minimum: int, what: str) -> bytes:
    text = token.text
    if len(text) < minimum:
        raise ProtocolError(f"CRT-591 {what} of {len(text)} bytes (at least {minimum})")
    if text[0] not in head:
        raise ProtocolError(f"CRT-591 {what} head {text[0]:#04x}")
    return text


def decode_command(token: Frame) -> CommandFrame:
    text = _text(token, frozenset((Head.COMMAND,)), 3, "command")
    return CommandFrame(token.address, text[1], text[2], text[3:])


def decode_reply(token: Frame) -> Reply:
    """A positive or negative answer; ProtocolError for anything else (a command echoed, a
    status byte outside §2.1.2, an error code that is not two printable characters)."""
    text = token.text
    if text[:1] == bytes((Head.POSITIVE,)):
        text = _text(token, frozenset((Head.POSITIVE,)), 6, "positive reply")
        try:
            status = Status(CardPosition(text[3]), StackLevel(text[4]), BinLevel(text[5]))
        except ValueError:
            raise ProtocolError(f"CRT-591 status bytes {text[3:6].hex(' ')}") from None
        return Positive(token.address, text[1], text[2], status, text[6:])
    text = _text(token, frozenset((Head.NEGATIVE, Head.NEGATIVE_ALT)), 5, "reply")
    code = text[3:5]
    if not all(0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A for c in code):
        raise ProtocolError(f"CRT-591 error code bytes {code.hex(' ')}")
    return Negative(token.address, text[1], text[2], code.decode("ascii"), text[5:])


class FrameReader:
    """Incremental tokeniser of one direction of the line.

    Outside a frame, 06/15/04 are controls and other bytes are garbage (skipped, counted). At
    an STX the length decides where the frame ends, so control values inside a frame are
    data. A candidate whose length is out of range or whose ETX is not where the length says
    is a false STX: one byte is dropped and the scan goes on, so a real frame behind it is
    still found. A frame with only its BCC wrong is reported as `Corrupt` and dropped whole.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.garbage = 0  # bytes skipped

    def feed(self, data: bytes) -> list[Token]:
        self._buffer += data
        tokens: list[Token] = []
        while self._buffer:
            first = self._buffer[0]
            if first != STX:
                if first in (Control.ACK, Control.NAK, Control.EOT):
                    tokens.append(Control(first))
                else:
                    self.garbage += 1
                del self._buffer[:1]
                continue
            if len(self._buffer) < HEADER:
                break
            length = int.from_bytes(self._buffer[2:4], "big")
            if not 3 <= length <= MAX_TEXT:
                self._skip()
                continue
            end = HEADER + length + TRAILER
            if len(self._buffer) < end:
                break
            raw = bytes(self._buffer[:end])
            if raw[-2] != ETX:
                self._skip()
                continue
            del self._buffer[:end]
            if bcc(raw[:-1]) != raw[-1]:
                tokens.append(Corrupt(raw[1]))
            else:
                tokens.append(Frame(raw[1], raw[HEADER:-TRAILER]))
        return tokens

    def _skip(self) -> None:
        self.garbage += 1
        del self._buffer[:1]

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buffer)

    def clear(self) -> None:
        self._buffer.clear()
