"""ID card reader simulator: a SAM module on a pseudo-terminal, with test identities and faults.

A read card must leave the field before "find" sees it again
(docs/protocols.md#polling-and-card-presence); "select" still answers while it lies there, which
is how the driver tells "read" from "removed" *(check on the module in use)*.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

from drivers.idcard.codec import Command, FrameReader, Sw3, decode_request, encode_reply
from drivers.idcard.record import PHOTO_BYTES, encode_record
from drivers.interfaces import IdCardRecord, Sex
from drivers.pty_device import PtyDevice

log = logging.getLogger(__name__)


def _identity(name: str, number: str, valid_to: date | None, sex: Sex = Sex.MALE) -> bytes:
    record = IdCardRecord(
        name=name, sex=sex, ethnicity_code="01", birth_date=date(1990, 3, 7),
        address="北京市东城区测试路100号", id_number=number, issuer="北京市公安局东城分局",
        valid_from=date(2016, 5, 1), valid_to=valid_to,
    )  # fmt: skip
    return encode_record(record)


# Test identities (numbers valid per the check character unless said otherwise).
IDENTITIES: dict[str, bytes] = {
    "valid": _identity("张三", "110101199003074477", date(2036, 5, 1)),
    "for_life": _identity("李四", "11010519491231002X", None, Sex.FEMALE),
    "expired": _identity("王五", "110101199003074477", date(2021, 5, 1)),
    "bad_check": _identity("赵六", "110101199003074478", date(2036, 5, 1)),
}
TEST_PHOTO = bytes(range(256)) * (PHOTO_BYTES // 256)  # stands in for WLT data


@dataclass
class IdCardFaults:
    no_sam: bool = False  # the SAM module does not answer at all
    garbled_read: bool = False  # the read reply's checksum is wrong
    remove_mid_read: bool = False  # the card leaves during the read: half a reply
    read_fails: bool = False  # the module answers "read failed" (41)
    reply_delay_s: float = 0.0


class IdCardSimulator(PtyDevice):
    thread_name = "idcard-sim"

    def __init__(self) -> None:
        super().__init__()
        self.faults = IdCardFaults()
        self.requests: list[Command | None] = []
        self._card: bytes | None = None
        self._consumed = False
        self._lock = threading.Lock()
        self._reader = FrameReader()

    def place_card(self, identity: str | bytes = "valid") -> None:
        """Put a card on the reader: a name from IDENTITIES or a raw 256-byte text block."""
        with self._lock:
            self._card = IDENTITIES[identity] if isinstance(identity, str) else identity
            self._consumed = False

    def remove_card(self) -> None:
        with self._lock:
            self._card = None
            self._consumed = False

    def received(self, data: bytes) -> None:
        for frame in self._reader.feed(data):
            reply = self._handle(frame)
            if reply:
                time.sleep(self.faults.reply_delay_s)
                self.send(reply)

    def _handle(self, frame: bytes) -> bytes:  # noqa: PLR0911 - one answer per command
        try:
            request = decode_request(frame)
        except Exception:
            return encode_reply(Sw3.FRAME_ERROR)
        command = request.command
        self.requests.append(command)
        if self.faults.no_sam:
            return b""
        with self._lock:
            if command is Command.SAM_STATUS:
                return encode_reply(Sw3.SUCCESS)
            if command is Command.FIND_CARD:
                found = self._card is not None and not self._consumed
                return (
                    encode_reply(Sw3.CARD_FOUND, bytes(4)) if found else encode_reply(Sw3.NO_CARD)
                )
            if command is Command.SELECT_CARD:
                present = self._card is not None
                return (
                    encode_reply(Sw3.SUCCESS, bytes(8))
                    if present
                    else encode_reply(Sw3.SELECT_FAILED)
                )
            if command is Command.READ_TEXT_AND_PHOTO:
                return self._read()
        return encode_reply(Sw3.COMMAND_ERROR)

    def _read(self) -> bytes:
        if self._card is None:
            return encode_reply(Sw3.READ_FAILED)
        if self.faults.read_fails:
            return encode_reply(Sw3.READ_FAILED)
        text = self._card
        data = len(text).to_bytes(2, "big") + PHOTO_BYTES.to_bytes(2, "big") + text + TEST_PHOTO
        reply = encode_reply(Sw3.SUCCESS, data)
        if self.faults.remove_mid_read:
            self._card = None
            return reply[: len(reply) // 2]
        if self.faults.garbled_read:
            return reply[:-1] + bytes((reply[-1] ^ 0x5A,))
        self._consumed = True
        return reply
