"""The virtual card's file system: MF, DFs, ADFs and EFs with their access conditions, the
selection rules, and the select responses a card returns for them — the FCP template of a UICC
(ETSI TS 102 221 §11.1.1.3) and the 2G GET RESPONSE bytes of a SIM (3GPP TS 51.011 §9.2.1).
Pure data and encoders: no APDU handling here (see `drivers.simcard.virtual_card`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeVar

FID_MF = 0x3F00
FID_CURRENT_ADF = 0x7FFF  # TS 102 221 §8.3: the application selected on the channel
MAX_CHANNELS = 4  # the ATR's card capabilities announce 4 logical channels (0 to 3)
FID_ARR = 0x2F06  # EF_ARR under the MF (TS 102 221 §13.4): the access rules the FCPs refer to


_Node = TypeVar("_Node", "EF", "DF")


class Access(enum.Enum):
    """An access condition: TS 102 221 §9.5 (key references) / TS 51.011 §9.3 (2G codes)."""

    ALWAYS = "always"
    PIN1 = "pin1"
    ADM = "adm"
    NEVER = "never"


@dataclass(eq=False)
class EF:
    """A transparent EF (`data`) or a linear fixed one (`records`, all of one length).

    `sfi` is the short file identifier (TS 102 221 §8.2), None when the file has none. The same
    EF object may sit in two DFs: a linked file, as EF_IMSI in DF_GSM and ADF.USIM."""

    fid: int
    data: bytearray = field(default_factory=bytearray)
    records: list[bytearray] | None = None
    read: Access = Access.ALWAYS
    update: Access = Access.ADM
    sfi: int | None = None

    @property
    def record_length(self) -> int:
        return len(self.records[0]) if self.records else 0

    @property
    def size(self) -> int:
        if self.records is not None:
            return self.record_length * len(self.records)
        return len(self.data)


@dataclass(eq=False)
class DF:
    """The MF, a DF, or an ADF (`aid` set; its parent is the MF for the selection rules)."""

    fid: int
    children: dict[int, EF | DF] = field(default_factory=dict)
    aid: bytes = b""
    parent: DF | None = None

    def add(self, node: _Node) -> _Node:
        self.children[node.fid] = node
        if isinstance(node, DF):
            node.parent = self
        return node

    @property
    def is_mf(self) -> bool:
        return self.fid == FID_MF and self.parent is None and not self.aid

    def by_sfi(self, sfi: int) -> EF | None:
        return next((n for n in self.children.values() if isinstance(n, EF) and n.sfi == sfi), None)


# ---------------------------------------------------------------------------- selection


def select_by_fid(  # noqa: PLR0911 - one return per selection rule
    mf: DF, current: DF, adf: DF | None, fid: int
) -> EF | DF | None:
    """What SELECT by file identifier reaches from `current` (TS 102 221 §8.4.1, TS 51.011 §6.5):
    a child of the current DF, the current DF, its parent, a DF child of its parent, the MF, and
    7FFF for the channel's application. Nothing else: an EF of the MF is not reachable from an
    ADF or DF_GSM (select the MF first, or use a path)."""
    if fid == FID_MF:
        return mf
    if fid == FID_CURRENT_ADF:
        return adf
    if fid in current.children:
        return current.children[fid]
    if fid == current.fid:
        return current
    parent = current.parent
    if parent is not None:
        if fid == parent.fid:
            return parent
        sibling = parent.children.get(fid)
        if isinstance(sibling, DF):
            return sibling
    return None


def select_by_path(start: DF, fids: list[int]) -> tuple[DF, EF | DF] | None:
    """Walk a path of FIDs from `start` (TS 102 221 §8.4.2): every step but the last must be a
    DF child of the one before. Returns (the DF holding the target, the target)."""
    holder = start
    for fid in fids[:-1]:
        child = holder.children.get(fid)
        if not isinstance(child, DF):
            return None
        holder = child
    target = holder.children.get(fids[-1])
    return None if target is None else (holder, target)


@dataclass
class Channel:
    """A logical channel's selection state (TS 102 221 §8.6): current DF, EF, application and
    record pointer (0 = no current record)."""

    df: DF
    ef: EF | None = None
    adf: DF | None = None
    record: int = 0


def record_number(mode: int, p1: int, current: int, count: int) -> int | None:
    """The record a READ/UPDATE RECORD addresses (TS 102 221 §11.1.5, TS 51.011 §9.2.5):
    mode 04 is P1 (or the current record when P1 is 00), 02 the next, 03 the previous one.
    None when there is no such record."""
    if mode == 0x04:
        number = p1 or current
    elif mode == 0x02:
        number = current + 1
    else:  # 0x03, previous: from "no current record" it wraps to the last one
        number = current - 1 if current else count
    return number if 1 <= number <= count else None


# ---------------------------------------------------------------------------- access rules


ACCESS_ORDER = (Access.ALWAYS, Access.PIN1, Access.ADM, Access.NEVER)
KEY_REF = {Access.PIN1: 0x01, Access.ADM: 0x0A}  # TS 102 221 §9.5.1 table 9.3
_AM_READ, _AM_UPDATE, _AM_DF_ADMIN = 0x01, 0x02, 0x7F
ARR_RECORD_LENGTH = 24


def _security_condition(access: Access) -> bytes:
    """One SC_DO of the expanded format (ISO/IEC 7816-4 §5.4.3.2, TS 102 221 §9.2.7)."""
    if access is Access.ALWAYS:
        return b"\x90\x00"
    if access is Access.NEVER:
        return b"\x97\x00"
    # Control reference template: the key reference, usage qualifier 08 (user verification).
    return b"\xa4\x06\x83\x01" + bytes((KEY_REF[access],)) + b"\x95\x01\x08"


def arr_record_number(read: Access, update: Access) -> int:
    """The EF_ARR record describing an EF with these read/update conditions."""
    return ACCESS_ORDER.index(read) * len(ACCESS_ORDER) + ACCESS_ORDER.index(update) + 1


ARR_DF_RECORD = len(ACCESS_ORDER) ** 2 + 1  # the record all DFs refer to: administration by ADM


def arr_records() -> list[bytearray]:
    """EF_ARR's records: one per (read, update) pair in `arr_record_number` order, then the DFs'."""
    records: list[bytes] = []
    for read in ACCESS_ORDER:
        for update in ACCESS_ORDER:
            if read is update:
                rule = bytes((0x80, 0x01, _AM_READ | _AM_UPDATE)) + _security_condition(read)
            else:
                rule = (
                    bytes((0x80, 0x01, _AM_READ)) + _security_condition(read)
                    + bytes((0x80, 0x01, _AM_UPDATE)) + _security_condition(update)
                )  # fmt: skip
            records.append(rule)
    records.append(bytes((0x80, 0x01, _AM_DF_ADMIN)) + _security_condition(Access.ADM))
    return [bytearray(r.ljust(ARR_RECORD_LENGTH, b"\xff")) for r in records]


# ---------------------------------------------------------------------------- UICC: FCP


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes((tag, len(value))) + value


_LCSI_OPERATIONAL_ACTIVATED = b"\x05"  # TS 102 221 §11.1.1.4.9
_UICC_CHARACTERISTICS = b"\x71"  # clock stop allowed, 3 V and 1.8 V (§11.1.1.4.6.1)


def pin_status_template(pin1_enabled: bool) -> bytes:
    """PIN status template DO (tag C6, TS 102 221 §9.5.2): PIN1 (key 01) and ADM1 (key 0A);
    the PS_DO bitmap's b8 is PIN1 (enabled or not), b7 ADM1 (always enabled)."""
    ps = (0x80 if pin1_enabled else 0x00) | 0x40
    return _tlv(0xC6, _tlv(0x90, bytes((ps,))) + b"\x95\x01\x08\x83\x01\x01\x83\x01\x0a")


def fcp(node: EF | DF, *, pin1_enabled: bool) -> bytes:
    """The FCP template (tag 62) of TS 102 221 §11.1.1.3 for a SELECT with P2=04 or STATUS."""
    if isinstance(node, DF):
        inner = _tlv(0x82, b"\x78\x21")  # shareable DF, data coding byte 21
        if node.aid:
            inner += _tlv(0x84, node.aid)  # an ADF is named, its FID is not used
        else:
            inner += _tlv(0x83, node.fid.to_bytes(2, "big"))
        if node.is_mf:
            inner += _tlv(0xA5, _tlv(0x80, _UICC_CHARACTERISTICS))
        inner += _tlv(0x8A, _LCSI_OPERATIONAL_ACTIVATED)
        inner += _tlv(0x8B, FID_ARR.to_bytes(2, "big") + bytes((ARR_DF_RECORD,)))
        inner += pin_status_template(pin1_enabled)
        return _tlv(0x62, inner)
    if node.records is not None:
        descriptor = b"\x42\x21" + node.record_length.to_bytes(2, "big")
        descriptor += bytes((len(node.records),))
    else:
        descriptor = b"\x41\x21"
    inner = _tlv(0x82, descriptor) + _tlv(0x83, node.fid.to_bytes(2, "big"))
    inner += _tlv(0x8A, _LCSI_OPERATIONAL_ACTIVATED)
    record = arr_record_number(node.read, node.update)
    inner += _tlv(0x8B, FID_ARR.to_bytes(2, "big") + bytes((record,)))
    inner += _tlv(0x80, node.size.to_bytes(2, "big"))
    # Always explicit: without tag 88 the SFI would default to the FID's low 5 bits (§11.1.1.4.8).
    inner += _tlv(0x88, b"" if node.sfi is None else bytes((node.sfi << 3,)))
    return _tlv(0x62, inner)


# ---------------------------------------------------------------------------- 2G: GET RESPONSE


GSM_CODE = {Access.ALWAYS: 0x0, Access.PIN1: 0x1, Access.ADM: 0x4, Access.NEVER: 0xF}


@dataclass(frozen=True)
class ChvStatus:
    """What a 2G DF response tells about CHV1 (TS 51.011 §9.2.1 bytes 14 and 19-22)."""

    enabled: bool
    tries_left: int
    unblock_tries_left: int = 10


def gsm_response(node: EF | DF, chv: ChvStatus) -> bytes:
    """The response to a 2G SELECT (fetched with GET RESPONSE) or STATUS, TS 51.011 §9.2.1."""
    fid = node.fid.to_bytes(2, "big")
    if isinstance(node, DF):
        dfs = sum(isinstance(c, DF) for c in node.children.values())
        efs = len(node.children) - dfs
        characteristics = 0x01 | (0x00 if chv.enabled else 0x80)  # b8: CHV1 disabled
        tail = bytes(
            (
                characteristics,
                dfs,
                efs,
                2,  # CHVs, UNBLOCK CHVs and ADM codes: CHV1 and UNBLOCK CHV1
                0x00,  # RFU
                0x80 | chv.tries_left,  # CHV1: initialised, false presentations remaining
                0x80 | chv.unblock_tries_left,
                0x00,  # CHV2 not initialised
                0x00,  # UNBLOCK CHV2 not initialised
            )
        )
        tail += b"\x00"  # byte 23 RFU
        file_type = 0x01 if node.is_mf else 0x02
        free_memory = b"\x00\x00"
        return (
            b"\x00\x00"
            + free_memory
            + fid
            + bytes((file_type,))
            + bytes(5)
            + bytes((len(tail),))
            + tail
        )
    structure = b"\x00\x00" if node.records is None else bytes((0x01, node.record_length))
    access = bytes(
        (
            GSM_CODE[node.read] << 4 | GSM_CODE[node.update],
            0xF0,  # INCREASE never (not a cyclic file), RFU
            0x44,  # REHABILITATE and INVALIDATE: ADM (not implemented)
        )
    )
    # File status 05: not invalidated (b1); b3 set as most cards do (TS 51.011 §9.3).
    return (
        b"\x00\x00" + node.size.to_bytes(2, "big") + fid + b"\x04\x00" + access
        + b"\x05" + bytes((len(structure),)) + structure
    )  # fmt: skip
