"""The 2G SIM command set of the virtual card (3GPP TS 51.011 §9): class A0 only, SELECT by FID
(response fetched with GET RESPONSE after `9Fxx`), STATUS, READ / UPDATE BINARY and RECORD,
VERIFY CHV. Every other instruction (SEEK, INCREASE, CHANGE/DISABLE/ENABLE/UNBLOCK CHV,
INVALIDATE, REHABILITATE, RUN GSM ALGORITHM, SLEEP, the toolkit commands) is refused with
`6D00`; a 2G card has no logical channels and no short file identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.simcard import apdu
from drivers.simcard.card_command import (
    OK,
    SW_CLA_NOT_SUPPORTED,
    SW_GSM_ACCESS_NOT_FULFILLED,
    SW_GSM_CHV_BLOCKED,
    SW_GSM_CHV_STATUS_CONTRADICTION,
    SW_GSM_FILE_INCONSISTENT,
    SW_GSM_MEMORY_PROBLEM,
    SW_GSM_NO_CHV,
    SW_GSM_NO_EF_SELECTED,
    SW_GSM_NOT_FOUND,
    SW_GSM_OUT_OF_RANGE,
    SW_GSM_WRONG_P1_P2,
    SW_GSM_WRONG_P3,
    SW_INS_NOT_SUPPORTED,
    Command,
)
from drivers.simcard.card_fs import EF, gsm_response, record_number, select_by_fid

if TYPE_CHECKING:
    from drivers.simcard.virtual_card import VirtualSim

Pending = tuple[int, bytes] | None
_Handler = Callable[["GsmCommands", Command, Pending], bytes]


class GsmCommands:
    def __init__(self, card: VirtualSim) -> None:
        self.card = card

    def process(self, cmd: Command, pending: Pending) -> bytes:
        if cmd.cla != apdu.CLA_GSM:
            return SW_CLA_NOT_SUPPORTED
        handler = _HANDLERS.get(cmd.ins)
        if handler is None:
            return SW_INS_NOT_SUPPORTED
        return handler(self, cmd, pending)

    # ------------------------------------------------------------------ SELECT, STATUS (§9.2.1-2)

    def select(self, cmd: Command, _pending: Pending) -> bytes:
        if cmd.p1 or cmd.p2:
            return SW_GSM_WRONG_P1_P2
        if cmd.case != 3 or len(cmd.data) != 2:
            return SW_GSM_WRONG_P3
        ch = self.card.channels[0]
        node = select_by_fid(self.card.mf, ch.df, None, int.from_bytes(cmd.data, "big"))
        if node is None:
            return SW_GSM_NOT_FOUND
        if isinstance(node, EF):
            ch.ef = node
        else:
            ch.df, ch.ef = node, None
        ch.record = 0
        data = gsm_response(node, self.card.chv_status())
        self.card.pending = (0, data)
        return bytes((0x9F, len(data)))

    def status(self, cmd: Command, _pending: Pending) -> bytes:
        if cmd.p1 or cmd.p2:
            return SW_GSM_WRONG_P1_P2
        data = gsm_response(self.card.channels[0].df, self.card.chv_status())
        return self._first_bytes(cmd, data)

    def get_response(self, cmd: Command, pending: Pending) -> bytes:
        if cmd.p1 or cmd.p2:
            return SW_GSM_WRONG_P1_P2
        if pending is None:
            return SW_GSM_NO_EF_SELECTED  # nothing was selected whose response could be fetched
        return self._first_bytes(cmd, pending[1])

    @staticmethod
    def _first_bytes(cmd: Command, data: bytes) -> bytes:
        """TS 51.011 §9.2.1: the ME may ask for fewer bytes than there are, never for more."""
        if cmd.case != 2 or cmd.le is None or cmd.le > len(data):
            return SW_GSM_WRONG_P3
        return data[: cmd.le] + OK

    # ------------------------------------------------------------------ BINARY (§9.2.3-4)

    def _ef(self, *, records: bool) -> EF | bytes:
        ef = self.card.channels[0].ef
        if ef is None:
            return SW_GSM_NO_EF_SELECTED
        if (ef.records is not None) is not records:
            return SW_GSM_FILE_INCONSISTENT
        return ef

    def read_binary(self, cmd: Command, _pending: Pending) -> bytes:
        if cmd.p1 & 0x80:  # the offset is 15 bits
            return SW_GSM_WRONG_P1_P2
        if cmd.case != 2 or cmd.le is None:
            return SW_GSM_WRONG_P3
        ef = self._ef(records=False)
        if isinstance(ef, bytes):
            return ef
        if not self.card.allowed(ef.read):
            return SW_GSM_ACCESS_NOT_FULFILLED
        offset = (cmd.p1 << 8) | cmd.p2
        if offset + cmd.le > ef.size:
            return SW_GSM_OUT_OF_RANGE
        return bytes(ef.data[offset : offset + cmd.le]) + OK

    def update_binary(self, cmd: Command, _pending: Pending) -> bytes:
        if cmd.p1 & 0x80:
            return SW_GSM_WRONG_P1_P2
        if cmd.case != 3:
            return SW_GSM_WRONG_P3
        ef = self._ef(records=False)
        if isinstance(ef, bytes):
            return ef
        if not self.card.allowed(ef.update):
            return SW_GSM_ACCESS_NOT_FULFILLED
        offset = (cmd.p1 << 8) | cmd.p2
        if offset + len(cmd.data) > ef.size:
            return SW_GSM_OUT_OF_RANGE
        ok = self.card.write(ef, cmd.data, offset=offset)
        return OK if ok else SW_GSM_MEMORY_PROBLEM

    # ------------------------------------------------------------------ RECORD (§9.2.5-6)

    def read_record(self, cmd: Command, _pending: Pending) -> bytes:  # noqa: PLR0911
        if cmd.p2 not in (0x02, 0x03, 0x04) or (cmd.p2 != 0x04 and cmd.p1):
            return SW_GSM_WRONG_P1_P2
        if cmd.case != 2:
            return SW_GSM_WRONG_P3
        ef = self._ef(records=True)
        if isinstance(ef, bytes):
            return ef
        assert ef.records is not None
        if not self.card.allowed(ef.read):
            return SW_GSM_ACCESS_NOT_FULFILLED
        ch = self.card.channels[0]
        record = record_number(cmd.p2, cmd.p1, ch.record, len(ef.records))
        if record is None:
            return SW_GSM_OUT_OF_RANGE
        if cmd.le != ef.record_length:
            return SW_GSM_WRONG_P3
        if cmd.p2 != 0x04:
            ch.record = record
        return bytes(ef.records[record - 1]) + OK

    def update_record(self, cmd: Command, _pending: Pending) -> bytes:  # noqa: PLR0911
        if cmd.p2 not in (0x03, 0x04) or (cmd.p2 != 0x04 and cmd.p1):
            return SW_GSM_WRONG_P1_P2  # UPDATE RECORD has no "next" mode in TS 51.011
        if cmd.case != 3:
            return SW_GSM_WRONG_P3
        ef = self._ef(records=True)
        if isinstance(ef, bytes):
            return ef
        assert ef.records is not None
        if not self.card.allowed(ef.update):
            return SW_GSM_ACCESS_NOT_FULFILLED
        ch = self.card.channels[0]
        record = record_number(cmd.p2, cmd.p1, ch.record, len(ef.records))
        if record is None:
            return SW_GSM_OUT_OF_RANGE
        if len(cmd.data) != ef.record_length:
            return SW_GSM_WRONG_P3
        if cmd.p2 != 0x04:
            ch.record = record
        ok = self.card.write(ef, cmd.data, record=record)
        return OK if ok else SW_GSM_MEMORY_PROBLEM

    # ------------------------------------------------------------------ VERIFY CHV (§9.2.9)

    def verify(self, cmd: Command, _pending: Pending) -> bytes:  # noqa: PLR0911
        if cmd.p1 or cmd.p2 not in (0x01, 0x02):
            return SW_GSM_WRONG_P1_P2
        if cmd.case != 3 or len(cmd.data) != 8:
            return SW_GSM_WRONG_P3
        card = self.card
        if cmd.p2 == 0x02:
            return SW_GSM_NO_CHV  # this card has no CHV2
        if card.pin1_tries == 0:
            return SW_GSM_CHV_BLOCKED
        if not card.pin1_enabled:
            return SW_GSM_CHV_STATUS_CONTRADICTION  # CHV1 is disabled
        if card.verify_pin1(cmd.data):
            return OK
        return SW_GSM_ACCESS_NOT_FULFILLED if card.pin1_tries else SW_GSM_CHV_BLOCKED


_HANDLERS: dict[int, _Handler] = {
    0xA4: GsmCommands.select,
    0xF2: GsmCommands.status,
    0xC0: GsmCommands.get_response,
    0xB0: GsmCommands.read_binary,
    0xD6: GsmCommands.update_binary,
    0xB2: GsmCommands.read_record,
    0xDC: GsmCommands.update_record,
    0x20: GsmCommands.verify,
}
