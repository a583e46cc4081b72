"""Pure ID-003 codec: frames, CRC-16/KERMIT, command and status tables (protocols.md, ID-003).

Frame: SYNC FC · LNG (whole frame, SYNC and CRC included) · CMD · DATA · CRC (low byte first)
over everything from SYNC to the last DATA byte. The driver and the simulator share these
tables, so a wrong code shows up in one place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SYNC = 0xFC
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
    RESET = 0x40
    STACK_1 = 0x41
    STACK_2 = 0x42
    RETURN = 0x43
    HOLD = 0x44
    WAIT = 0x45
    SET_ENABLE = 0xC0  # DATA: 2-byte mask, bit set = denomination disabled
    SET_SECURITY = 0xC1
    SET_INHIBIT = 0xC3  # DATA: 00 accept notes, 01 inhibit


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
# Reject reasons (DATA of status 17) *(check against the firmware manual)*.
REJECT_REASONS: dict[int, str] = {
    0x71: "insertion_error",
    0x72: "magnetic_pattern_error",
    0x73: "return_by_sensor",
    0x74: "calibration_error",
    0x75: "conveying_error",
    0x76: "discrimination_error",
    0x77: "photo_pattern_error",
    0x78: "photo_level_error",
    0x79: "inhibited_or_return_command",
    0x7A: "operation_error",
    0x7B: "return_by_stacker",
    0x7C: "length_error",
    0x7D: "photo_pattern_error_2",
    0x7E: "true_bill_feature_error",
}


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


def enable_mask(codes: frozenset[int], all_codes: frozenset[int], first_code: int) -> bytes:
    """SET_ENABLE data: bit n (from `first_code`) set = that escrow code is *disabled*."""
    mask = 0
    for code in all_codes - codes:
        mask |= 1 << (code - first_code)
    return mask.to_bytes(2, "little")


def enabled_codes(mask: bytes, all_codes: frozenset[int], first_code: int) -> frozenset[int]:
    value = int.from_bytes(mask, "little")
    return frozenset(c for c in all_codes if not value & (1 << (c - first_code)))
