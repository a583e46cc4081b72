"""Pure codec of the resident ID card SAM module's serial protocol (docs/protocols.md#sam-frames).

Request: AA AA AA 96 69 · LEN (2 bytes BE: bytes after LEN, checksum included) · CMD · PARA ·
data · CHK. Reply: the same preamble and LEN · SW1 SW2 SW3 · data · CHK. CHK is the XOR of every
byte from the first LEN byte to the last data byte.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.errors import ProtocolError

PREAMBLE = bytes.fromhex("AAAAAA9669")
MAX_LEN = 4096  # text 256 + photo 1024 + headers fit with room to spare


class Command(enum.Enum):
    SAM_STATUS = (0x11, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_AND_PHOTO = (0x30, 0x01)


class Sw3(enum.IntEnum):
    SUCCESS = 0x90
    CARD_FOUND = 0x9F
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    READ_FAILED = 0x41
    FRAME_ERROR = 0x10
    CHECKSUM_ERROR = 0x11
    LENGTH_ERROR = 0x21
    COMMAND_ERROR = 0x23
    COMMAND_ERROR_2 = 0x24  # *(check the full table in the SAM manual)*


def checksum(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def _frame(payload: bytes) -> bytes:
    length = (len(payload) + 1).to_bytes(2, "big")
    return PREAMBLE + length + payload + bytes((checksum(length + payload),))


def encode_request(command: Command, data: bytes = b"") -> bytes:
    cmd, para = command.value
    return _frame(bytes((cmd, para)) + data)


def encode_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return _frame(bytes((sw1, sw2, sw3)) + data)


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        try:
            return Command((self.cmd, self.para))
        except ValueError:
            return None


@dataclass(frozen=True)
class Reply:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw3 in (Sw3.SUCCESS, Sw3.CARD_FOUND)


def _payload(frame: bytes) -> bytes:
    if not frame.startswith(PREAMBLE) or len(frame) < len(PREAMBLE) + 3:
        raise ProtocolError(f"not a SAM frame: {frame[:8].hex(' ')}")
    length = int.from_bytes(frame[5:7], "big")
    if length < 1 or len(frame) != 7 + length:
        raise ProtocolError(f"SAM frame length {length} does not match {len(frame) - 7} bytes")
    if checksum(frame[5:-1]) != frame[-1]:
        raise ProtocolError("SAM frame checksum mismatch")
    return frame[7:-1]


def decode_request(frame: bytes) -> Request:
    payload = _payload(frame)
    if len(payload) < 2:
        raise ProtocolError("SAM request without command")
    return Request(payload[0], payload[1], payload[2:])


def decode_reply(frame: bytes) -> Reply:
    payload = _payload(frame)
    if len(payload) < 3:
        raise ProtocolError("SAM reply without status words")
    return Reply(payload[0], payload[1], payload[2], payload[3:])


class FrameReader:
    """Incremental: whole frames out of a byte stream; skips garbage up to the next preamble."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.errors = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        frames: list[bytes] = []
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                keep = len(PREAMBLE) - 1  # a preamble may be split across reads
                if len(self._buffer) > keep:
                    self.errors += 1
                    del self._buffer[:-keep]
                return frames
            if start > 0:
                self.errors += 1
                del self._buffer[:start]
            if len(self._buffer) < 7:
                return frames
            length = int.from_bytes(self._buffer[5:7], "big")
            if not 1 <= length <= MAX_LEN:
                self.errors += 1
                del self._buffer[:1]
                continue
            if len(self._buffer) < 7 + length:
                return frames
            frame = bytes(self._buffer[: 7 + length])
            if checksum(frame[5:-1]) != frame[-1]:
                self.errors += 1
                del self._buffer[:1]
                continue
            frames.append(frame)
            del self._buffer[: 7 + length]

    def clear(self) -> None:
        self._buffer.clear()
