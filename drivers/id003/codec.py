"""Pure ID-003 codec: frames, CRC-16/KERMIT, command, status, reject and failure tables, the
enable mask and the unit's denomination data (docs/drivers-id003.md, with the spec sections).

Frame: SYNC FC · LNG (whole frame, SYNC and CRC included) · CMD · DATA · CRC (low byte first)
over everything from SYNC to the last DATA byte. The driver and the simulator share these
tables, so a wrong code shows up in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SYNC = 0xFC
FIRST_ESCROW_CODE = 0x61  # bit n of the enable mask and of the unit's tables is code 0x61 + n
LAST_ESCROW_CODE = 0x70  # two mask bytes: 16 codes
# Escrow codes for CNY 1, 5, 10, 20, 50, 100 as our simulated firmware sends them *(a real
# unit's codes come from its firmware sheet and go into config)*.
DEFAULT_ESCROW_CODES: dict[int, int] = {
    0x61: 100, 0x62: 500, 0x63: 1000, 0x64: 2000, 0x65: 5000, 0x66: 10000,
}  # fmt: skip
MIN_FRAME = 5  # SYNC LNG CMD CRC-L CRC-H
MAX_FRAME = 250


class Command(enum.IntEnum):
    STATUS_REQUEST = 0x11
    ACK = 0x50
    # Operation commands: answered ACK (or INVALID COMMAND).
    RESET = 0x40
    STACK_1 = 0x41
    STACK_2 = 0x42
    RETURN = 0x43
    HOLD = 0x44  # keep the note in escrow (the unit reports HOLDING) past its escrow timeout
    WAIT = 0x45
    # Setting commands: echoed with their data.
    SET_ENABLE = 0xC0  # DATA: 2-byte mask, bit n set = escrow code 0x61+n disabled
    SET_SECURITY = 0xC1  # DATA: 2-byte mask, bit n set = high security for code 0x61+n
    SET_COMMUNICATION_MODE = 0xC2  # DATA: 00 polling (the only mode this driver speaks)
    SET_INHIBIT = 0xC3  # DATA: 00 accept notes, 01 inhibit
    SET_DIRECTION = 0xC4  # DATA: bit set = that insertion direction (A..D) refused
    SET_OPTIONAL_FUNCTION = 0xC5  # DATA: 2 bytes of option bits
    # Setting status requests: the answer is the request code with the setting's data.
    GET_ENABLE = 0x80
    GET_SECURITY = 0x81
    GET_COMMUNICATION_MODE = 0x82
    GET_INHIBIT = 0x83
    GET_DIRECTION = 0x84
    GET_OPTIONAL_FUNCTION = 0x85
    VERSION_REQUEST = 0x88  # answer: ASCII version string
    BOOT_VERSION_REQUEST = 0x89  # answer: ASCII boot version string
    DENOMINATION_DATA = 0x8A  # answer: 4 bytes per code (see DenominationEntry)


SETTING_COMMANDS = frozenset(c for c in Command if 0xC0 <= c <= 0xC5)
SETTING_REQUESTS = frozenset(c for c in Command if 0x80 <= c <= 0x8A)
# The data length of each setting (what its set command carries and its request answers).
SETTING_LENGTHS: dict[int, int] = {
    Command.SET_ENABLE: 2, Command.SET_SECURITY: 2, Command.SET_COMMUNICATION_MODE: 1,
    Command.SET_INHIBIT: 1, Command.SET_DIRECTION: 1, Command.SET_OPTIONAL_FUNCTION: 2,
}  # fmt: skip


def setting_of(request: int) -> int:
    """The setting command whose value a setting status request (0x80..0x85) reads."""
    return request + 0x40


class Status(enum.IntEnum):
    IDLING = 0x11
    ACCEPTING = 0x12
    ESCROW = 0x13  # DATA: escrow (denomination) code
    STACKING = 0x14
    VEND_VALID = 0x15
    STACKED = 0x16
    REJECTING = 0x17  # DATA: reject reason
    RETURNING = 0x18
    HOLDING = 0x19
    DISABLED = 0x1A
    INITIALIZING = 0x1B
    POWER_UP = 0x40
    POWER_UP_BILL_IN_ACCEPTOR = 0x41
    POWER_UP_BILL_IN_STACKER = 0x42
    STACKER_FULL = 0x43
    STACKER_OPEN = 0x44
    ACCEPTOR_JAM = 0x45
    STACKER_JAM = 0x46
    PAUSE = 0x47
    CHEATED = 0x48
    FAILURE = 0x49
    COMMUNICATION_ERROR = 0x4A
    INVALID_COMMAND = 0x4B


POWER_UP_STATES = frozenset(
    {Status.POWER_UP, Status.POWER_UP_BILL_IN_ACCEPTOR, Status.POWER_UP_BILL_IN_STACKER}
)
# Error states: stable health code, message key. The acceptor takes no notes in any of them.
ERROR_STATES: dict[Status, tuple[str, str]] = {
    Status.STACKER_FULL: ("stacker_full", "acceptor.stacker_full"),
    Status.STACKER_OPEN: ("stacker_open", "acceptor.stacker_open"),
    Status.ACCEPTOR_JAM: ("acceptor_jam", "acceptor.jam"),
    Status.STACKER_JAM: ("stacker_jam", "acceptor.jam"),
    Status.PAUSE: ("pause", "acceptor.pause"),
    Status.CHEATED: ("cheated", "acceptor.cheated"),
    Status.FAILURE: ("failure", "acceptor.failure"),
    Status.COMMUNICATION_ERROR: ("communication_error", "acceptor.failure"),
}
# Reject reasons (DATA of status 17, spec §status REJECTING), as JCM's own firmware headers and
# four independent hosts name them; 0x7A is reserved.
REJECT_REASONS: dict[int, str] = {
    0x71: "insertion_error",
    0x72: "magnetic_pattern_error",
    0x73: "residual_bill_at_head",  # a note left at the head part of the acceptor
    0x74: "calibration_error",
    0x75: "conveying_error",
    0x76: "discrimination_error",
    0x77: "photo_pattern_error",
    0x78: "photo_level_error",
    0x79: "inhibited_or_escrow_timeout",  # direction/denomination inhibited, or no command
    0x7B: "operation_error",
    0x7C: "residual_bill_in_stacker",  # a note left in the transport/stacker
    0x7D: "length_error",
    0x7E: "photo_pattern_error_2",
    0x7F: "true_bill_feature_error",
}


class FailureReason(enum.Enum):
    """DATA of status 49 FAILURE: what broke (spec §status FAILURE)."""

    STACK_MOTOR = 0xA2
    TRANSPORT_MOTOR_SPEED = 0xA5
    TRANSPORT_MOTOR = 0xA6
    SOLENOID = 0xA8
    PB_UNIT = 0xA9
    CASH_BOX_NOT_READY = 0xAB
    VALIDATOR_HEAD_REMOVED = 0xAF
    BOOT_ROM = 0xB0
    EXTERNAL_ROM = 0xB1
    RAM = 0xB2
    EXTERNAL_ROM_WRITING = 0xB3


def failure_reason(data: bytes) -> FailureReason | None:
    """The FAILURE status's reason; None when absent or a code this table does not know."""
    if not data:
        return None
    try:
        return FailureReason(data[0])
    except ValueError:
        return None


class FrameError(ValueError):
    """Bytes that are not a valid frame (bad length or CRC)."""


def crc16_kermit(data: bytes) -> int:
    """CRC-16/KERMIT: polynomial 0x1021 reflected (0x8408), init 0, no final xor."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


@dataclass(frozen=True)
class Frame:
    command: int
    data: bytes = b""

    def encode(self) -> bytes:
        length = MIN_FRAME + len(self.data)
        if length > MAX_FRAME:
            raise ValueError("frame too long")
        body = bytes((SYNC, length, self.command)) + self.data
        return body + crc16_kermit(body).to_bytes(2, "little")


def encode(command: int, data: bytes = b"") -> bytes:
    return Frame(command, data).encode()


def decode(frame: bytes) -> Frame:
    """One complete frame; FrameError if it is not one."""
    if len(frame) < MIN_FRAME or frame[0] != SYNC or frame[1] != len(frame):
        raise FrameError(f"not a frame: {frame.hex(' ')}")
    if crc16_kermit(frame[:-2]) != int.from_bytes(frame[-2:], "little"):
        raise FrameError(f"CRC mismatch: {frame.hex(' ')}")
    return Frame(frame[2], frame[3:-2])


class FrameReader:
    """Incremental: feed bytes as they arrive, get whole frames. Garbage before a SYNC byte and
    frames with a bad CRC are skipped (counted in `errors`), resynchronising on the next FC."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.errors = 0

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        while self._buffer:
            start = self._buffer.find(SYNC)
            if start < 0:
                self.errors += 1
                self._buffer.clear()
                break
            if start > 0:
                self.errors += 1
                del self._buffer[:start]
            if len(self._buffer) < 2:
                break
            length = self._buffer[1]
            if not MIN_FRAME <= length <= MAX_FRAME:
                self.errors += 1
                del self._buffer[:1]
                continue
            if len(self._buffer) < length:
                break
            candidate = bytes(self._buffer[:length])
            try:
                frames.append(decode(candidate))
            except FrameError:
                self.errors += 1
                del self._buffer[:1]
                continue
            del self._buffer[:length]
        return frames

    def clear(self) -> None:
        self._buffer.clear()


def status_name(code: int) -> str:
    try:
        return Status(code).name.lower()
    except ValueError:
        return f"unknown_{code:02x}"


ALL_ESCROW_CODES = frozenset(range(FIRST_ESCROW_CODE, LAST_ESCROW_CODE + 1))


def enable_mask(enabled: frozenset[int]) -> bytes:
    """SET_ENABLE data: bit n set = escrow code 0x61+n *disabled* (the unit's numbering, not
    the config's: a table without ¥1 still has ¥5 at its own code). Every code not named is
    disabled, also those the config does not know."""
    mask = 0
    for code in ALL_ESCROW_CODES - enabled:
        mask |= 1 << (code - FIRST_ESCROW_CODE)
    return mask.to_bytes(2, "little")


def enabled_codes(mask: bytes) -> frozenset[int]:
    """The escrow codes a SET_ENABLE mask leaves enabled."""
    value = int.from_bytes(mask, "little")
    return frozenset(c for c in ALL_ESCROW_CODES if not value & (1 << (c - FIRST_ESCROW_CODE)))


@dataclass(frozen=True)
class DenominationEntry:
    """One code of the unit's denomination data (answer to 0x8A): escrow code, the unit's
    country code, and the value as base × 10^exponent in the currency's main unit."""

    code: int
    country: int
    base: int
    exponent: int

    @property
    def fen(self) -> int:
        """The value in fen (1/100 of the main unit); 0 for an unused slot."""
        return int(self.base * 10**self.exponent * 100)

    def encode(self) -> bytes:
        return bytes((self.code, self.country, self.base, self.exponent))


def decode_denominations(data: bytes) -> tuple[DenominationEntry, ...]:
    """The DATA of a 0x8A answer; FrameError if it is not whole 4-byte entries of escrow codes.
    Unused slots (base 0) are left out."""
    if len(data) % 4:
        raise FrameError(f"denomination data of {len(data)} bytes: not whole entries")
    entries: list[DenominationEntry] = []
    for i in range(0, len(data), 4):
        code, country, base, exponent = data[i : i + 4]
        if not FIRST_ESCROW_CODE <= code <= LAST_ESCROW_CODE or exponent > 6:
            raise FrameError(f"denomination entry {data[i : i + 4].hex(' ')}")
        if base:
            entries.append(DenominationEntry(code, country, base, exponent))
    return tuple(entries)


def encode_denominations(codes_fen: dict[int, int], country: int) -> bytes:
    """What a unit with this table answers to 0x8A (fen values in whole yuan or more)."""
    out = bytearray()
    for code in range(FIRST_ESCROW_CODE, LAST_ESCROW_CODE + 1):
        fen = codes_fen.get(code, 0)
        base, exponent = fen // 100, 0
        while base >= 256 and base % 10 == 0:
            base, exponent = base // 10, exponent + 1
        out += DenominationEntry(code, country, base, exponent).encode()
    return bytes(out)


def table_mismatches(codes_fen: dict[int, int], unit: tuple[DenominationEntry, ...]) -> list[str]:
    """How the configured escrow table disagrees with the unit's own (empty: it agrees). A
    configured code the unit lacks, or values that differ, would credit the wrong amount."""
    theirs = {entry.code: entry.fen for entry in unit}
    problems = []
    for code, fen in sorted(codes_fen.items()):
        if code not in theirs:
            problems.append(f"config {code:#04x}={fen} fen, the unit has no such code")
        elif theirs[code] != fen:
            problems.append(f"config {code:#04x}={fen} fen, the unit says {theirs[code]} fen")
    return problems
