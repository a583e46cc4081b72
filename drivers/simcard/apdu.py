"""Pure ISO 7816-4 / ETSI TS 102 221 / GSM 11.11 APDU codec for SIM cards
(docs/protocols.md#sim-reader-and-writer-pcsc).

Bytes in, values out: command builders, status word classification, FCP / GSM response parsing,
EF_DIR records (the files' contents — ICCID, IMSI, SMSP, vendor files — are in `contents`).
Nothing here talks to a card, so everything is exhaustively unit-tested. Every decoder rejects
malformed input with `SimDataError` and nothing else.

Vendor profile (OUR blank-card profile, "KIOSK-WHITE-1", implemented by the emulator; a real
card vendor's profile would plug in beside it):

- ADM1 is verified with `00 20 00 0A 08 <8 key bytes>` (key reference `0A` = ADM1 in TS 102 221).
- Files under the MF, updatable only after ADM1: EF_ICCID `2FE2` (10 bytes), vendor EF_KI `FF01`
  (1 length byte + up to 32 bytes of transport-encrypted Ki; readable only after ADM1),
  vendor EF_PINS `FF02` (PIN1 and PUK1, 8 bytes each, ASCII padded with FF; readable only after
  ADM1) and vendor EF_PERSO `FF03` (1 byte: FF blank, 01 writing, 00 personalised and verified;
  always readable).
- Under ADF.USIM: EF_IMSI `6F07` (9 bytes, UPDATE BINARY) and EF_SMSP `6F42` (linear fixed,
  28-byte records, UPDATE RECORD 1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.errors import ProtocolError

# File identifiers.
FID_MF = 0x3F00
FID_ICCID = 0x2FE2
FID_DIR = 0x2F00
FID_DF_GSM = 0x7F20
FID_IMSI = 0x6F07
FID_SMSP = 0x6F42
FID_VENDOR_KI = 0xFF01
FID_VENDOR_PINS = 0xFF02
FID_VENDOR_PERSO = 0xFF03

USIM_AID_PREFIX = bytes.fromhex("A0000000871002")

CLA_UICC = 0x00
CLA_GSM = 0xA0

KEY_REF_PIN1 = 0x01
KEY_REF_ADM1 = 0x0A  # OUR vendor profile's ADM key reference (TS 102 221: 0A..0E = ADM1..ADM5)

ICCID_LEN = 10
IMSI_FILE_LEN = 9
SMSP_RECORD_LEN = 28
KI_FILE_LEN = 33
PINS_FILE_LEN = 16
PERSO_BLANK = 0xFF
PERSO_WRITING = 0x01
PERSO_DONE = 0x00


class SimDataError(ProtocolError):
    """Bytes from a card (or data for a card) that do not fit the format they should have."""

    message_key = "sim.bad_data"


# ---------------------------------------------------------------------------- command builders


def _fid(fid: int) -> bytes:
    if not 0 <= fid <= 0xFFFF:
        raise SimDataError(f"file id out of range: {fid:#x}")
    return fid.to_bytes(2, "big")


def _le(length: int) -> int:
    if not 0 < length <= 256:
        raise SimDataError(f"Le out of range: {length}")
    return length & 0xFF


def select_uicc(fid: int) -> bytes:
    """SELECT by file id, FCP returned (`00 A4 00 04 02 FID`)."""
    return bytes((CLA_UICC, 0xA4, 0x00, 0x04, 0x02)) + _fid(fid)


def select_gsm(fid: int) -> bytes:
    """GSM 11.11 SELECT (`A0 A4 00 00 02 FID`)."""
    return bytes((CLA_GSM, 0xA4, 0x00, 0x00, 0x02)) + _fid(fid)


def select_aid(aid: bytes) -> bytes:
    """SELECT an application by its AID (`00 A4 04 04 Lc AID`)."""
    if not 5 <= len(aid) <= 16:
        raise SimDataError(f"AID length out of range: {len(aid)}")
    return bytes((CLA_UICC, 0xA4, 0x04, 0x04, len(aid))) + aid


def read_binary(length: int, offset: int = 0, *, cla: int = CLA_UICC) -> bytes:
    if not 0 <= offset <= 0x7FFF:
        raise SimDataError(f"offset out of range: {offset}")
    return bytes((cla, 0xB0, offset >> 8, offset & 0xFF, _le(length)))


def read_record(record: int, length: int, *, cla: int = CLA_UICC) -> bytes:
    """READ RECORD, absolute mode (P2=04)."""
    if not 1 <= record <= 254:
        raise SimDataError(f"record number out of range: {record}")
    return bytes((cla, 0xB2, record, 0x04, _le(length)))


def get_response(length: int, *, cla: int = CLA_UICC) -> bytes:
    """GET RESPONSE: `00 C0` after `61xx` (UICC), `A0 C0` after `9Fxx` (2G)."""
    return bytes((cla, 0xC0, 0x00, 0x00, _le(length)))


def update_binary(data: bytes, offset: int = 0, *, cla: int = CLA_UICC) -> bytes:
    if not 0 < len(data) <= 255:
        raise SimDataError(f"UPDATE BINARY data length out of range: {len(data)}")
    if not 0 <= offset <= 0x7FFF:
        raise SimDataError(f"offset out of range: {offset}")
    return bytes((cla, 0xD6, offset >> 8, offset & 0xFF, len(data))) + data


def update_record(record: int, data: bytes, *, cla: int = CLA_UICC) -> bytes:
    """UPDATE RECORD, absolute mode (P2=04)."""
    if not 1 <= record <= 254:
        raise SimDataError(f"record number out of range: {record}")
    if not 0 < len(data) <= 255:
        raise SimDataError(f"UPDATE RECORD data length out of range: {len(data)}")
    return bytes((cla, 0xDC, record, 0x04, len(data))) + data


def pad_pin(pin: str) -> bytes:
    """A PIN/PUK as 8 bytes: ASCII digits padded with FF."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise SimDataError("a PIN is 4 to 8 ASCII digits")
    return pin.encode("ascii").ljust(8, b"\xff")


def verify_pin1(pin: str, *, cla: int = CLA_UICC) -> bytes:
    """VERIFY PIN1 (`00 20 00 01 08` + PIN in ASCII padded with FF)."""
    return bytes((cla, 0x20, 0x00, KEY_REF_PIN1, 0x08)) + pad_pin(pin)


def verify_status(key_ref: int = KEY_REF_PIN1) -> bytes:
    """VERIFY without data: asks for the verification status (TS 102 221 11.1.9)."""
    return bytes((CLA_UICC, 0x20, 0x00, key_ref))


def verify_adm(key: bytes) -> bytes:
    """VERIFY ADM1 of OUR vendor profile (`00 20 00 0A 08` + 8 key bytes)."""
    if len(key) != 8:
        raise SimDataError(f"the ADM key is 8 bytes, got {len(key)}")
    return bytes((CLA_UICC, 0x20, 0x00, KEY_REF_ADM1, 0x08)) + key


def redact(apdu: bytes) -> str:
    """Hex of a command APDU for logs, with the data of VERIFY and of secret files hidden."""
    if len(apdu) >= 5 and apdu[1] in (0x20, 0x24, 0x2C, 0xD6, 0xDC) and len(apdu) > 5:
        return f"{apdu[:5].hex(' ').upper()} <{len(apdu) - 5} bytes redacted>"
    return apdu.hex(" ").upper()


# ---------------------------------------------------------------------------- responses


class SwKind(enum.Enum):
    OK = "ok"
    MORE_DATA = "more_data"  # 61xx: xx bytes waiting for GET RESPONSE (00 C0)
    GSM_MORE_DATA = "gsm_more_data"  # 9Fxx: xx bytes waiting for GET RESPONSE (A0 C0)
    WRONG_LE = "wrong_le"  # 6Cxx: repeat with Le=xx
    WRONG_PIN = "wrong_pin"  # 63Cx: x tries left
    SECURITY_NOT_SATISFIED = "security_not_satisfied"  # 6982, 9804 (2G)
    BLOCKED = "blocked"  # 6983, 9840 (2G)
    FILE_NOT_FOUND = "file_not_found"  # 6A82, 9404 (2G)
    RECORD_NOT_FOUND = "record_not_found"  # 6A83, 9402 (2G out of range)
    MEMORY_PROBLEM = "memory_problem"  # 6581, 9240 (2G)
    WRONG_LENGTH = "wrong_length"  # 6700
    WRONG_PARAMS = "wrong_params"  # 6A86, 6B00
    CLASS_NOT_SUPPORTED = "class_not_supported"  # 6E00
    INS_NOT_SUPPORTED = "ins_not_supported"  # 6D00
    NOT_ALLOWED = "not_allowed"  # 6986 (no EF selected), 6985 conditions of use
    OTHER = "other"


@dataclass(frozen=True)
class Response:
    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def kind(self) -> SwKind:
        return classify_sw(self.sw1, self.sw2)

    @property
    def ok(self) -> bool:
        return self.kind is SwKind.OK

    @property
    def tries_left(self) -> int | None:
        """x of 63Cx, None for any other status word."""
        return self.sw2 & 0x0F if self.kind is SwKind.WRONG_PIN else None

    def __str__(self) -> str:
        return f"{self.sw:04X}"


_EXACT_SW: dict[int, SwKind] = {
    0x9000: SwKind.OK,
    0x6982: SwKind.SECURITY_NOT_SATISFIED,
    0x9804: SwKind.SECURITY_NOT_SATISFIED,
    0x6983: SwKind.BLOCKED,
    0x9840: SwKind.BLOCKED,
    0x6A82: SwKind.FILE_NOT_FOUND,
    0x9404: SwKind.FILE_NOT_FOUND,
    0x6A83: SwKind.RECORD_NOT_FOUND,
    0x9402: SwKind.RECORD_NOT_FOUND,
    0x6581: SwKind.MEMORY_PROBLEM,
    0x9240: SwKind.MEMORY_PROBLEM,
    0x6700: SwKind.WRONG_LENGTH,
    0x6A86: SwKind.WRONG_PARAMS,
    0x6B00: SwKind.WRONG_PARAMS,
    0x6E00: SwKind.CLASS_NOT_SUPPORTED,
    0x6D00: SwKind.INS_NOT_SUPPORTED,
    0x6985: SwKind.NOT_ALLOWED,
    0x6986: SwKind.NOT_ALLOWED,
}


_PREFIX_SW: dict[int, SwKind] = {
    0x61: SwKind.MORE_DATA,
    0x9F: SwKind.GSM_MORE_DATA,
    0x6C: SwKind.WRONG_LE,
    0x91: SwKind.OK,  # proactive command pending: the command itself succeeded
}


def classify_sw(sw1: int, sw2: int) -> SwKind:
    exact = _EXACT_SW.get((sw1 << 8) | sw2)
    if exact is not None:
        return exact
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        return SwKind.WRONG_PIN
    return _PREFIX_SW.get(sw1, SwKind.OTHER)


def parse_response(raw: bytes) -> Response:
    if len(raw) < 2:
        raise SimDataError(f"response APDU shorter than a status word: {raw.hex()}")
    return Response(bytes(raw[:-2]), raw[-2], raw[-1])


# ---------------------------------------------------------------------------- file control data


class FileStructure(enum.Enum):
    TRANSPARENT = "transparent"
    LINEAR_FIXED = "linear_fixed"
    CYCLIC = "cyclic"
    DF = "df"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FileInfo:
    structure: FileStructure
    size: int = 0  # transparent EF: bytes; record EF: record_length * record_count
    record_length: int = 0
    record_count: int = 0


def _tlvs(data: bytes) -> list[tuple[int, bytes]]:
    """Simple BER-TLV list (one-byte tags, lengths up to 81 xx)."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        if tag in (0x00, 0xFF):  # padding
            pos += 1
            continue
        if pos + 1 >= len(data):
            raise SimDataError("TLV truncated before its length")
        length = data[pos + 1]
        pos += 2
        if length == 0x81:
            if pos >= len(data):
                raise SimDataError("TLV truncated in its length")
            length = data[pos]
            pos += 1
        elif length > 0x80:
            raise SimDataError(f"unsupported TLV length byte {length:#x}")
        if pos + length > len(data):
            raise SimDataError("TLV value runs past the end")
        out.append((tag, bytes(data[pos : pos + length])))
        pos += length
    return out


def parse_fcp(data: bytes) -> FileInfo:
    """The FCP template (tag 62) a UICC returns for SELECT with P2=04."""
    outer = _tlvs(data)
    if len(outer) != 1 or outer[0][0] != 0x62:
        raise SimDataError(f"not an FCP template: {data.hex()}")
    inner = dict(_tlvs(outer[0][1]))
    descriptor = inner.get(0x82)
    if not descriptor:
        raise SimDataError("FCP without a file descriptor (tag 82)")
    fdb = descriptor[0]
    if fdb & 0xBF == 0x38:
        return FileInfo(FileStructure.DF)
    kind = fdb & 0x07
    if kind == 0x01:
        size_bytes = inner.get(0x80, b"")
        size = int.from_bytes(size_bytes, "big") if size_bytes else 0
        return FileInfo(FileStructure.TRANSPARENT, size=size)
    if kind in (0x02, 0x06):
        if len(descriptor) < 5:
            raise SimDataError("record file descriptor without record length and count")
        rec_len = int.from_bytes(descriptor[2:4], "big")
        rec_count = descriptor[4]
        structure = FileStructure.LINEAR_FIXED if kind == 0x02 else FileStructure.CYCLIC
        return FileInfo(structure, rec_len * rec_count, rec_len, rec_count)
    return FileInfo(FileStructure.UNKNOWN)


def parse_gsm_response(data: bytes) -> FileInfo:
    """The GSM 11.11 (9.2.1) SELECT response fetched with `A0 C0`."""
    if len(data) < 7:
        raise SimDataError(f"GSM select response too short: {data.hex()}")
    file_type = data[6]
    if file_type in (0x01, 0x02):
        return FileInfo(FileStructure.DF)
    if file_type != 0x04:
        raise SimDataError(f"unknown GSM file type {file_type:#x}")
    if len(data) < 15:
        raise SimDataError(f"GSM EF response too short: {data.hex()}")
    size = int.from_bytes(data[2:4], "big")
    structure = data[13]
    if structure == 0x00:
        return FileInfo(FileStructure.TRANSPARENT, size=size)
    if structure in (0x01, 0x03):
        rec_len = data[14]
        if rec_len == 0:
            raise SimDataError("GSM record EF with record length 0")
        return FileInfo(
            FileStructure.LINEAR_FIXED if structure == 0x01 else FileStructure.CYCLIC,
            size,
            rec_len,
            size // rec_len,
        )
    return FileInfo(FileStructure.UNKNOWN, size=size)


def parse_ef_dir_record(record: bytes) -> bytes | None:
    """The AID of one EF_DIR record (tag 61 › 4F), or None for an unused (FF) record."""
    if not record or all(b == 0xFF for b in record):
        return None
    outer = _tlvs(record)
    if not outer or outer[0][0] != 0x61:
        raise SimDataError(f"EF_DIR record is not an application template: {record.hex()}")
    for tag, value in _tlvs(outer[0][1]):
        if tag == 0x4F:
            if not 5 <= len(value) <= 16:
                raise SimDataError(f"AID length out of range: {len(value)}")
            return value
    raise SimDataError("EF_DIR record without an AID (tag 4F)")


def is_usim_aid(aid: bytes) -> bool:
    return aid.startswith(USIM_AID_PREFIX)


def encode_ef_dir_record(aid: bytes, label: str, record_length: int) -> bytes:
    label_bytes = label.encode("ascii")
    body = bytes((0x4F, len(aid))) + aid + bytes((0x50, len(label_bytes))) + label_bytes
    record = bytes((0x61, len(body))) + body
    if len(record) > record_length:
        raise SimDataError("EF_DIR record too long")
    return record.ljust(record_length, b"\xff")
