"""The UICC command set of the virtual card (ETSI TS 102 221 §10-11): SELECT, STATUS, READ /
UPDATE BINARY and RECORD (with short file identifiers), VERIFY PIN, MANAGE CHANNEL and GET
RESPONSE over T=0 (`61xx`), on logical channels 0-3. Every other instruction is refused with
`6D00`, a known one in the wrong class with `6E00` (§10.1.2 table 10.5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.simcard import apdu
from drivers.simcard.card_command import (
    OK,
    SW_CHAINING_NOT_SUPPORTED,
    SW_CHANNEL_NOT_SUPPORTED,
    SW_CLA_NOT_SUPPORTED,
    SW_CONDITIONS_NOT_SATISFIED,
    SW_FILE_NOT_FOUND,
    SW_FUNCTION_NOT_SUPPORTED,
    SW_INCOMPATIBLE_FILE_STRUCTURE,
    SW_INCORRECT_P1_P2,
    SW_INS_NOT_SUPPORTED,
    SW_MEMORY_PROBLEM,
    SW_NO_EF_SELECTED,
    SW_OFFSET_OUT_OF_RANGE,
    SW_PIN_BLOCKED,
    SW_RECORD_NOT_FOUND,
    SW_REFERENCE_NOT_FOUND,
    SW_SECURITY_NOT_SATISFIED,
    SW_SM_NOT_SUPPORTED,
    SW_WRONG_LENGTH,
    Command,
    sw,
)
from drivers.simcard.card_fs import (
    DF,
    EF,
    FID_CURRENT_ADF,
    MAX_CHANNELS,
    Channel,
    fcp,
    record_number,
    select_by_fid,
    select_by_path,
)

if TYPE_CHECKING:
    from drivers.simcard.virtual_card import VirtualSim

Pending = tuple[int, bytes] | None
_Handler = Callable[["UiccCommands", Command, int, Channel, Pending], bytes]


def decode_cla(cla: int) -> tuple[bool, int] | bytes:  # noqa: PLR0911 - one refusal each
    """(proprietary class 8X, logical channel) of a CLA byte (TS 102 221 §10.1.1), or the status
    word refusing it: no secure messaging, no command chaining, no channel above 3."""
    high = cla >> 4
    if high in (0x0, 0x8):
        if cla & 0x0C:
            return SW_SM_NOT_SUPPORTED
        return high == 0x8, cla & 0x03
    if high == 0x1:
        return SW_CHAINING_NOT_SUPPORTED
    if high in (0x4, 0x5, 0x6, 0x7, 0xC, 0xD, 0xE, 0xF) and cla != 0xFF:
        if cla & 0x20:
            return SW_SM_NOT_SUPPORTED
        if cla & 0x10:
            return SW_CHAINING_NOT_SUPPORTED
        return SW_CHANNEL_NOT_SUPPORTED  # channels 4 to 19: the ATR announces 4 channels
    return SW_CLA_NOT_SUPPORTED  # A0 (2G), 9X, BX, FF, ...


def _more_data(length: int) -> bytes:
    return bytes((0x61, length & 0xFF))


def _wrong_le(length: int) -> bytes:
    return bytes((0x6C, length & 0xFF))


class UiccCommands:
    def __init__(self, card: VirtualSim) -> None:
        self.card = card

    def process(self, cmd: Command, pending: Pending) -> bytes:
        decoded = decode_cla(cmd.cla)
        if isinstance(decoded, bytes):
            return decoded
        proprietary, number = decoded
        channel = self.card.channels.get(number)
        if channel is None:
            return SW_CHANNEL_NOT_SUPPORTED
        entry = _HANDLERS.get(cmd.ins)
        if entry is None:
            return SW_INS_NOT_SUPPORTED
        wants_proprietary, handler = entry
        if wants_proprietary is not proprietary:
            return SW_CLA_NOT_SUPPORTED
        return handler(self, cmd, number, channel, pending)

    # ------------------------------------------------------------------ SELECT (§11.1.1)

    def select(self, cmd: Command, number: int, ch: Channel, _pending: Pending) -> bytes:
        if cmd.p2 not in (0x04, 0x0C):  # FCP, or no data; no session control, first occurrence
            return SW_INCORRECT_P1_P2
        found = self._resolve(cmd, ch)
        if isinstance(found, bytes):
            return found
        holder, node = found
        if isinstance(node, DF):
            ch.df, ch.ef = node, None
            if node.aid:
                ch.adf = node
        else:
            ch.df, ch.ef = holder, node
        ch.record = 0
        if cmd.p2 == 0x0C:
            return OK
        data = fcp(node, pin1_enabled=self.card.pin1_enabled)
        self.card.pending = (number, data)
        return _more_data(len(data))

    def _resolve(self, cmd: Command, ch: Channel) -> tuple[DF, EF | DF] | bytes:
        """(the DF holding the target, the target) of a SELECT, or its refusal. Any Le is
        accepted: over T=0 it never reaches a card, the FCP comes by GET RESPONSE."""
        if cmd.p1 in (0x00, 0x01):
            found = self._by_fid(cmd, ch)
        elif cmd.p1 == 0x03:  # the parent DF
            if cmd.data:
                return SW_WRONG_LENGTH
            found = None if ch.df.parent is None else (ch.df, ch.df.parent)
        elif cmd.p1 == 0x04:  # by DF name: a full or right-truncated AID (§8.5.3)
            if not 1 <= len(cmd.data) <= 16:
                return SW_WRONG_LENGTH
            adfs = self.card.adfs
            adf = next((a for a in adfs if a.aid.startswith(cmd.data)), None)
            found = None if adf is None else (self.card.mf, adf)
        elif cmd.p1 in (0x08, 0x09):
            found = self._by_path(cmd, ch)
        else:
            return SW_INCORRECT_P1_P2
        return SW_FILE_NOT_FOUND if found is None else found

    def _by_fid(self, cmd: Command, ch: Channel) -> tuple[DF, EF | DF] | bytes | None:
        if len(cmd.data) != 2:
            return SW_WRONG_LENGTH
        fid = int.from_bytes(cmd.data, "big")
        node: EF | DF | None
        if cmd.p1 == 0x00:  # any file the selection rules reach
            node = select_by_fid(self.card.mf, ch.df, ch.adf, fid)
        else:  # 01: a child DF only
            child = ch.df.children.get(fid)
            node = child if isinstance(child, DF) else None
        return None if node is None else (ch.df, node)

    def _by_path(self, cmd: Command, ch: Channel) -> tuple[DF, EF | DF] | bytes | None:
        """P1 08: a path from the MF (without 3F00, §8.4.2: may start with 7FFF for the current
        application); P1 09: a path from the current DF."""
        if not cmd.data or len(cmd.data) % 2:
            return SW_WRONG_LENGTH
        fids = [int.from_bytes(cmd.data[i : i + 2], "big") for i in range(0, len(cmd.data), 2)]
        start: DF | None = ch.df
        if cmd.p1 == 0x08:
            start = self.card.mf
            if fids[0] == FID_CURRENT_ADF:
                start, fids = ch.adf, fids[1:]
        if start is None:
            return None
        if not fids:
            return self.card.mf, start
        return select_by_path(start, fids)

    # ------------------------------------------------------------------ STATUS (§11.1.2)

    def status(  # noqa: PLR0911 - one status word per refusal
        self, cmd: Command, _number: int, ch: Channel, _pending: Pending
    ) -> bytes:
        if cmd.p1 not in (0x00, 0x01, 0x02):  # no indication / initialised / terminating
            return SW_INCORRECT_P1_P2
        if cmd.data:
            return SW_WRONG_LENGTH
        if cmd.p2 == 0x0C:
            return OK
        if cmd.p2 == 0x00:
            data = fcp(ch.df, pin1_enabled=self.card.pin1_enabled)
        elif cmd.p2 == 0x01:
            if ch.adf is None:
                return SW_REFERENCE_NOT_FOUND
            data = bytes((0x84, len(ch.adf.aid))) + ch.adf.aid
        else:
            return SW_INCORRECT_P1_P2
        if (cmd.le or 256) != len(data):
            return _wrong_le(len(data))
        return data + OK

    # ------------------------------------------------------------------ GET RESPONSE

    def get_response(self, cmd: Command, number: int, _ch: Channel, pending: Pending) -> bytes:
        if cmd.p1 or cmd.p2:
            return SW_INCORRECT_P1_P2
        if cmd.case != 2:
            return SW_WRONG_LENGTH
        if pending is None or pending[0] != number:
            return SW_CONDITIONS_NOT_SATISFIED
        data, le = pending[1], cmd.le or 256
        if le > len(data):
            self.card.pending = pending
            return _wrong_le(len(data))
        if le < len(data):
            self.card.pending = (number, data[le:])
            return data[:le] + _more_data(len(data) - le)
        return data + OK

    # ------------------------------------------------------------------ BINARY (§11.1.3-4)

    def _binary_target(self, cmd: Command, ch: Channel) -> tuple[EF, int] | bytes:
        if cmd.p1 & 0x80:  # P1 = 100 + SFI: select the EF by its short identifier, P2 offset
            if cmd.p1 & 0x60:
                return SW_INCORRECT_P1_P2
            ef = ch.df.by_sfi(cmd.p1 & 0x1F)
            if ef is None:
                return SW_FILE_NOT_FOUND
            ch.ef, ch.record = ef, 0
            offset = cmd.p2
        else:
            if ch.ef is None:
                return SW_NO_EF_SELECTED
            ef, offset = ch.ef, (cmd.p1 << 8) | cmd.p2
        if ef.records is not None:
            return SW_INCOMPATIBLE_FILE_STRUCTURE
        return ef, offset

    def read_binary(self, cmd: Command, _number: int, ch: Channel, _pending: Pending) -> bytes:
        if cmd.case != 2:
            return SW_WRONG_LENGTH
        target = self._binary_target(cmd, ch)
        if isinstance(target, bytes):
            return target
        ef, offset = target
        if not self.card.allowed(ef.read):
            return SW_SECURITY_NOT_SATISFIED
        if offset >= ef.size:
            return SW_OFFSET_OUT_OF_RANGE
        le = cmd.le or 256
        if le > ef.size - offset:
            return _wrong_le(ef.size - offset)
        return bytes(ef.data[offset : offset + le]) + OK

    def update_binary(self, cmd: Command, _number: int, ch: Channel, _pending: Pending) -> bytes:
        if cmd.case != 3:
            return SW_WRONG_LENGTH
        target = self._binary_target(cmd, ch)
        if isinstance(target, bytes):
            return target
        ef, offset = target
        if not self.card.allowed(ef.update):
            return SW_SECURITY_NOT_SATISFIED
        if offset >= ef.size:
            return SW_OFFSET_OUT_OF_RANGE
        if offset + len(cmd.data) > ef.size:
            return SW_WRONG_LENGTH
        return OK if self.card.write(ef, cmd.data, offset=offset) else SW_MEMORY_PROBLEM

    # ------------------------------------------------------------------ RECORD (§11.1.5-6)

    def _record_target(self, cmd: Command, ch: Channel) -> EF | bytes:
        sfi = cmd.p2 >> 3
        if sfi == 0x1F or cmd.p2 & 0x07 not in (0x02, 0x03, 0x04):
            return SW_INCORRECT_P1_P2
        if cmd.p2 & 0x07 != 0x04 and cmd.p1:
            return SW_INCORRECT_P1_P2  # next / previous take P1 = 00
        if sfi:
            ef = ch.df.by_sfi(sfi)
            if ef is None:
                return SW_FILE_NOT_FOUND
            ch.ef, ch.record = ef, 0
        elif ch.ef is None:
            return SW_NO_EF_SELECTED
        else:
            ef = ch.ef
        if ef.records is None:
            return SW_INCOMPATIBLE_FILE_STRUCTURE
        return ef

    def read_record(self, cmd: Command, _number: int, ch: Channel, _pending: Pending) -> bytes:
        if cmd.case != 2:
            return SW_WRONG_LENGTH
        ef = self._record_target(cmd, ch)
        if isinstance(ef, bytes):
            return ef
        assert ef.records is not None
        if not self.card.allowed(ef.read):
            return SW_SECURITY_NOT_SATISFIED
        mode = cmd.p2 & 0x07
        record = record_number(mode, cmd.p1, ch.record, len(ef.records))
        if record is None:
            return SW_RECORD_NOT_FOUND
        if cmd.le != ef.record_length:
            return _wrong_le(ef.record_length)  # the pointer moves only on the repeated command
        if mode != 0x04:
            ch.record = record
        return bytes(ef.records[record - 1]) + OK

    def update_record(self, cmd: Command, _number: int, ch: Channel, _pending: Pending) -> bytes:
        if cmd.case != 3:
            return SW_WRONG_LENGTH
        ef = self._record_target(cmd, ch)
        if isinstance(ef, bytes):
            return ef
        assert ef.records is not None
        if not self.card.allowed(ef.update):
            return SW_SECURITY_NOT_SATISFIED
        mode = cmd.p2 & 0x07
        record = record_number(mode, cmd.p1, ch.record, len(ef.records))
        if record is None:
            return SW_RECORD_NOT_FOUND
        if len(cmd.data) != ef.record_length:
            return SW_WRONG_LENGTH
        if mode != 0x04:
            ch.record = record
        return OK if self.card.write(ef, cmd.data, record=record) else SW_MEMORY_PROBLEM

    # ------------------------------------------------------------------ VERIFY PIN (§11.1.9)

    def verify(  # noqa: PLR0911 - one status word per refusal
        self, cmd: Command, _number: int, _ch: Channel, _pending: Pending
    ) -> bytes:
        if cmd.p1 != 0x00:
            return SW_INCORRECT_P1_P2
        if not cmd.no_le or len(cmd.data) not in (0, 8):
            return SW_WRONG_LENGTH
        card = self.card
        if cmd.p2 == apdu.KEY_REF_PIN1:
            if card.pin1_tries == 0:
                return SW_PIN_BLOCKED
            if not cmd.data:  # case 1: the verification status
                verified = not card.pin1_enabled or card.pin1_verified
                return OK if verified else sw(0x63C0 | card.pin1_tries)
            if card.verify_pin1(cmd.data):
                return OK
            return sw(0x63C0 | card.pin1_tries) if card.pin1_tries else SW_PIN_BLOCKED
        if cmd.p2 == apdu.KEY_REF_ADM1:
            if card.adm_tries == 0:
                return SW_PIN_BLOCKED
            if not cmd.data:
                return OK if card.adm_verified else sw(0x63C0 | min(card.adm_tries, 15))
            if card.verify_adm(cmd.data):
                return OK
            return sw(0x63C0 | min(card.adm_tries, 15)) if card.adm_tries else SW_PIN_BLOCKED
        return SW_REFERENCE_NOT_FOUND

    # ------------------------------------------------------------------ MANAGE CHANNEL (§11.1.17)

    def manage_channel(  # noqa: PLR0911 - one status word per refusal
        self, cmd: Command, number: int, ch: Channel, _pending: Pending
    ) -> bytes:
        if cmd.data:
            return SW_WRONG_LENGTH
        channels = self.card.channels
        if cmd.p1 == 0x80:  # close P2
            if not cmd.no_le:
                return SW_WRONG_LENGTH
            if cmd.p2 == 0 or cmd.p2 not in channels:
                return SW_INCORRECT_P1_P2
            del channels[cmd.p2]
            return OK
        if cmd.p1 != 0x00:
            return SW_INCORRECT_P1_P2
        # A channel opened from the basic channel starts at the MF, else where the opener is.
        opened = Channel(self.card.mf) if number == 0 else Channel(ch.df, adf=ch.adf)
        if cmd.p2 == 0x00:  # the card picks the channel and answers its number
            if cmd.le != 1:
                return _wrong_le(1)
            free = next((n for n in range(1, MAX_CHANNELS) if n not in channels), None)
            if free is None:
                return SW_FUNCTION_NOT_SUPPORTED
            channels[free] = opened
            return bytes((free,)) + OK
        if not cmd.no_le:
            return SW_WRONG_LENGTH
        if cmd.p2 >= MAX_CHANNELS:
            return SW_FUNCTION_NOT_SUPPORTED if cmd.p2 <= 19 else SW_INCORRECT_P1_P2
        if cmd.p2 in channels:
            return SW_INCORRECT_P1_P2
        channels[cmd.p2] = opened
        return OK


_HANDLERS: dict[int, tuple[bool, _Handler]] = {
    0xA4: (False, UiccCommands.select),
    0xF2: (True, UiccCommands.status),
    0xC0: (False, UiccCommands.get_response),
    0xB0: (False, UiccCommands.read_binary),
    0xD6: (False, UiccCommands.update_binary),
    0xB2: (False, UiccCommands.read_record),
    0xDC: (False, UiccCommands.update_record),
    0x20: (False, UiccCommands.verify),
    0x70: (False, UiccCommands.manage_channel),
}
