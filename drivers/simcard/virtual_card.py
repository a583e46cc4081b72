"""The virtual SIM card the emulator serves: file system, access rules and APDU processing for
three profiles (`usim`, `gsm`, `blank` — see `drivers.simcard.emulator`), with fault switches.
Pure: `VirtualSim.process(command) -> response`, no sockets (protocols.md, ETSI TS 102 221 and
GSM 11.11 for the status words)."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field

from drivers.simcard import apdu, contents

log = logging.getLogger(__name__)


DEFAULT_ADM_KEY = bytes.fromhex("3131313131313131")  # "11111111", the emulator's factory key
DEFAULT_PIN1 = "1234"
USIM_AID = bytes.fromhex("A0000000871002FF86FFFF89FFFFFFFF")
ISIM_AID = bytes.fromhex("A0000000871004FF86FFFF89FFFFFFFF")

USIM_ICCID = "89860012345678901238"  # Luhn-valid; China Mobile prefix 898600
GSM_ICCID = "8986011234567890128"  # 19 digits (China Unicom prefix 898601), Luhn-valid
USIM_IMSI = "460001234567890"
GSM_IMSI = "460019876543210"


def _with_tck(atr_without_tck: bytes) -> bytes:
    tck = 0
    for byte in atr_without_tck[1:]:
        tck ^= byte
    return atr_without_tck + bytes((tck,))


ATR_USIM = bytes.fromhex("3B9F96801FC78031A073BE21136743200718000001A5")
ATR_GSM = bytes.fromhex("3B1694710101050200")  # T=0 only: no TCK
ATR_BLANK = _with_tck(bytes.fromhex("3B9F96801FC78031A073BE21136B494F534B5749544531"))


class Profile(enum.Enum):
    USIM = "usim"
    GSM = "gsm"
    BLANK = "blank"


class Access(enum.Enum):
    ALWAYS = "always"
    PIN1 = "pin1"
    ADM = "adm"
    NEVER = "never"


@dataclass
class EF:
    fid: int
    data: bytearray = field(default_factory=bytearray)  # transparent EF
    records: list[bytearray] | None = None  # linear fixed EF
    read: Access = Access.ALWAYS
    update: Access = Access.ADM


@dataclass
class DF:
    fid: int
    children: dict[int, EF | DF] = field(default_factory=dict)
    aid: bytes = b""
    parent: DF | None = None

    def add(self, node: EF | DF) -> None:
        self.children[node.fid] = node
        if isinstance(node, DF):
            node.parent = self


@dataclass
class Faults:
    pull_after_writes: int | None = None
    write_error_after: int | None = None
    reject_adm: bool = False
    delay_s: float = 0.0


class CardPulled(Exception):
    """Raised inside the card to make the emulator close its socket (card pulled mid-command)."""


_OK = b"\x90\x00"


def _sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


class VirtualSim:
    """The card itself: file system, security state and APDU processing (no socket)."""

    def __init__(
        self,
        profile: Profile | str = Profile.USIM,
        *,
        pin1_enabled: bool = False,
        pin1: str = DEFAULT_PIN1,
        adm_key: bytes = DEFAULT_ADM_KEY,
        faults: Faults | None = None,
    ) -> None:
        self.profile = Profile(profile)
        self.pin1 = pin1
        self.pin1_enabled = pin1_enabled
        self.pin1_tries = 3
        self.adm_key = adm_key
        self.adm_tries = 10
        self.faults = faults or Faults()
        self.writes = 0  # successful UPDATE commands since the card was made
        self.mf = DF(apdu.FID_MF)
        self.adfs: list[DF] = []
        self.atr = {Profile.USIM: ATR_USIM, Profile.GSM: ATR_GSM, Profile.BLANK: ATR_BLANK}[
            self.profile
        ]
        self.cla = apdu.CLA_GSM if self.profile is Profile.GSM else apdu.CLA_UICC
        self._build()
        self.power_on()

    # ------------------------------------------------------------------ file system

    def _build(self) -> None:
        mf = self.mf
        if self.profile is Profile.GSM:
            mf.add(EF(apdu.FID_ICCID, bytearray(contents.encode_iccid(GSM_ICCID))))
            gsm = DF(apdu.FID_DF_GSM)
            mf.add(gsm)
            gsm.add(EF(apdu.FID_IMSI, bytearray(contents.encode_imsi(GSM_IMSI)), read=Access.PIN1))
            return
        blank = self.profile is Profile.BLANK
        iccid = b"\xff" * apdu.ICCID_LEN if blank else contents.encode_iccid(USIM_ICCID)
        mf.add(EF(apdu.FID_ICCID, bytearray(iccid)))
        records = [bytearray(b"\xff" * 32) for _ in range(3)]
        if blank:
            records[0] = bytearray(apdu.encode_ef_dir_record(USIM_AID, "USIM", 32))
        else:
            records[0] = bytearray(apdu.encode_ef_dir_record(ISIM_AID, "ISIM", 32))
            records[1] = bytearray(apdu.encode_ef_dir_record(USIM_AID, "USIM", 32))
        mf.add(EF(apdu.FID_DIR, records=records, update=Access.NEVER))
        adf = DF(0x7FFF, aid=USIM_AID)
        adf.parent = mf
        self.adfs.append(adf)
        imsi = b"\xff" * apdu.IMSI_FILE_LEN if blank else contents.encode_imsi(USIM_IMSI)
        adf.add(EF(apdu.FID_IMSI, bytearray(imsi), read=Access.PIN1))
        smsp = contents.encode_smsp("" if blank else "+8613800100500")
        adf.add(EF(apdu.FID_SMSP, records=[bytearray(smsp), bytearray(b"\xff" * 28)]))
        if blank:
            mf.add(EF(apdu.FID_VENDOR_KI, bytearray(b"\xff" * apdu.KI_FILE_LEN), read=Access.ADM))
            mf.add(
                EF(apdu.FID_VENDOR_PINS, bytearray(b"\xff" * apdu.PINS_FILE_LEN), read=Access.ADM)
            )
            mf.add(EF(apdu.FID_VENDOR_PERSO, bytearray((apdu.PERSO_BLANK,))))

    def ef(self, *path: int, aid: bool = False) -> EF:
        """A file by path from the MF (or from ADF.USIM with `aid=True`), for tests."""
        node: EF | DF = self.adfs[0] if aid else self.mf
        for fid in path:
            assert isinstance(node, DF)
            node = node.children[fid]
        assert isinstance(node, EF)
        return node

    # ------------------------------------------------------------------ session

    def power_on(self) -> None:
        self.current_df: DF = self.mf
        self.current_ef: EF | None = None
        self.pending = b""
        self.pin1_verified = False
        self.adm_verified = False

    def _allowed(self, access: Access) -> bool:
        if access is Access.ALWAYS:
            return True
        if access is Access.PIN1:
            return not self.pin1_enabled or self.pin1_verified or self.adm_verified
        if access is Access.ADM:
            return self.adm_verified
        return False

    def _gsm(self) -> bool:
        return self.profile is Profile.GSM

    def _sw_security(self) -> bytes:
        return _sw(0x9804 if self._gsm() else 0x6982)

    def _sw_not_found(self) -> bytes:
        return _sw(0x9404 if self._gsm() else 0x6A82)

    # ------------------------------------------------------------------ APDUs

    def process(self, command: bytes) -> bytes:
        """Answer one command APDU. Raises CardPulled when a fault pulls the card."""
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins = command[0], command[1]
        if cla != self.cla:
            return _sw(0x6E00)
        handler = {
            0xA4: self._select,
            0xC0: self._get_response,
            0xB0: self._read_binary,
            0xB2: self._read_record,
            0xD6: self._update,
            0xDC: self._update,
            0x20: self._verify,
        }.get(ins)
        if handler is None:
            return _sw(0x6D00)
        return handler(command)

    @staticmethod
    def _body(command: bytes) -> bytes:
        if len(command) <= 5:
            return b""
        return command[5 : 5 + command[4]]

    def _find(self, fid: int) -> EF | DF | None:
        if fid == apdu.FID_MF:
            return self.mf
        if fid == 0x7FFF and self.adfs:
            return self.adfs[0]
        df: DF | None = self.current_df
        while df is not None:
            if fid in df.children:
                return df.children[fid]
            if df.fid == fid:
                return df
            df = df.parent
        return None

    def _select(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        body = self._body(command)
        node: EF | DF | None
        if p1 == 0x04:
            node = next((adf for adf in self.adfs if body and adf.aid.startswith(body)), None)
        elif len(body) == 2:
            node = self._find(int.from_bytes(body, "big"))
        else:
            return _sw(0x6A86)
        if node is None:
            return self._sw_not_found()
        if isinstance(node, DF):
            self.current_df, self.current_ef = node, None
        else:
            self.current_ef = node
        if self._gsm():
            self.pending = self._gsm_response(node)
            return bytes((0x9F, len(self.pending)))
        if p2 & 0x0C == 0x0C:
            self.pending = b""
            return _OK
        self.pending = self._fcp(node)
        return bytes((0x61, len(self.pending)))

    @staticmethod
    def _fcp(node: EF | DF) -> bytes:
        fid = node.fid.to_bytes(2, "big")
        if isinstance(node, DF):
            inner = b"\x82\x02\x78\x21\x83\x02" + fid
            if node.aid:
                inner += bytes((0x84, len(node.aid))) + node.aid
        elif node.records is not None:
            rec_len = len(node.records[0])
            inner = (
                bytes((0x82, 0x05, 0x42, 0x21)) + rec_len.to_bytes(2, "big")
                + bytes((len(node.records),)) + b"\x83\x02" + fid
            )  # fmt: skip
        else:
            inner = (
                b"\x82\x02\x41\x21\x83\x02" + fid + b"\x80\x02" + len(node.data).to_bytes(2, "big")
            )
        return bytes((0x62, len(inner))) + inner

    @staticmethod
    def _gsm_response(node: EF | DF) -> bytes:
        fid = node.fid.to_bytes(2, "big")
        if isinstance(node, DF):
            return (
                b"\x00\x00\x10\x00" + fid + b"\x02\x00\x00\x00\x00\x00\x09\x11\x04\x04\x00"
                + b"\x83\x8a\x83\x8a\x00\x83\x00"
            )  # fmt: skip
        if node.records is not None:
            size = len(node.records) * len(node.records[0])
            tail = bytes((0x01, len(node.records[0])))
        else:
            size = len(node.data)
            tail = b"\x00\x00"
        return b"\x00\x00" + size.to_bytes(2, "big") + fid + b"\x04\x00\x11\xf4\x44\x01\x02" + tail

    def _get_response(self, command: bytes) -> bytes:
        if not self.pending:
            return _sw(0x6985 if not self._gsm() else 0x9400)
        le = command[4] if len(command) >= 5 else 0
        data = self.pending[: le or 256]
        self.pending = b""
        return data + _OK

    def _read_binary(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None or ef.records is not None:
            return _sw(0x6986 if not self._gsm() else 0x9400)
        if not self._allowed(ef.read):
            return self._sw_security()
        offset = (command[2] << 8) | command[3]
        le = command[4] if len(command) >= 5 else 0
        if offset > len(ef.data) or (le and offset + le > len(ef.data)):
            return _sw(0x6B00 if not self._gsm() else 0x9402)
        end = offset + le if le else len(ef.data)
        return bytes(ef.data[offset:end]) + _OK

    def _read_record(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None or ef.records is None:
            return _sw(0x6986 if not self._gsm() else 0x9400)
        if not self._allowed(ef.read):
            return self._sw_security()
        number = command[2]
        if command[3] != 0x04 or not 1 <= number <= len(ef.records):
            return _sw(0x6A83 if not self._gsm() else 0x9402)
        record = bytes(ef.records[number - 1])
        le = command[4] if len(command) >= 5 else 0
        if le and le != len(record):
            return bytes((0x6C, len(record)))
        return record + _OK

    def _update(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None:
            return _sw(0x6986)
        if not self._allowed(ef.update):
            return self._sw_security()
        body = self._body(command)
        if not body:
            return _sw(0x6700)
        faults = self.faults
        if faults.pull_after_writes is not None and self.writes >= faults.pull_after_writes:
            raise CardPulled
        if faults.write_error_after is not None and self.writes >= faults.write_error_after:
            return _sw(0x6581)
        write = self._write_record if command[1] == 0xDC else self._write_binary
        answer = write(ef, command, body)
        if answer == _OK:
            self.writes += 1
        return answer

    @staticmethod
    def _write_record(ef: EF, command: bytes, body: bytes) -> bytes:
        if ef.records is None:
            return _sw(0x6981)
        number = command[2]
        if command[3] != 0x04 or not 1 <= number <= len(ef.records):
            return _sw(0x6A83)
        if len(body) != len(ef.records[number - 1]):
            return _sw(0x6700)
        ef.records[number - 1][:] = body
        return _OK

    @staticmethod
    def _write_binary(ef: EF, command: bytes, body: bytes) -> bytes:
        if ef.records is not None:
            return _sw(0x6981)
        offset = (command[2] << 8) | command[3]
        if offset + len(body) > len(ef.data):
            return _sw(0x6B00)
        ef.data[offset : offset + len(body)] = body
        return _OK

    def _verify(self, command: bytes) -> bytes:
        key_ref = command[3]
        body = self._body(command)
        if key_ref == apdu.KEY_REF_PIN1:
            return self._verify_pin1(body)
        if key_ref == apdu.KEY_REF_ADM1 and not self._gsm():
            return self._verify_adm(body)
        return _sw(0x6A86 if not self._gsm() else 0x9802)

    def _verify_pin1(self, body: bytes) -> bytes:
        gsm = self._gsm()
        if self.pin1_tries == 0:
            return _sw(0x9840 if gsm else 0x6983)
        if not body:  # status query
            if not self.pin1_enabled or self.pin1_verified:
                return _OK
            return _sw(0x63C0 | self.pin1_tries)
        if body == apdu.pad_pin(self.pin1):
            self.pin1_tries = 3
            self.pin1_verified = True
            return _OK
        self.pin1_tries -= 1
        if self.pin1_tries == 0:
            return _sw(0x9840 if gsm else 0x6983)
        return _sw(0x9804 if gsm else 0x63C0 | self.pin1_tries)

    def _verify_adm(self, body: bytes) -> bytes:
        if self.adm_tries == 0:
            return _sw(0x6983)
        if not body:
            return _OK if self.adm_verified else _sw(0x63C0 | min(self.adm_tries, 15))
        if body == self.adm_key and not self.faults.reject_adm:
            self.adm_tries = 10
            self.adm_verified = True
            return _OK
        self.adm_tries -= 1
        if self.adm_tries == 0:
            return _sw(0x6983)
        return _sw(0x63C0 | min(self.adm_tries, 15))
