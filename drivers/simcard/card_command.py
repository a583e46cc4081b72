"""Command APDUs as the card side sees them: the four short cases of ISO/IEC 7816-4 §5.1 (also
ETSI TS 102 221 §10.1), and the status words the virtual card answers with. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One command APDU. `le` is None without an Le field, else 1..256 (an Le byte 00 is 256)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    @property
    def no_le(self) -> bool:
        """No response data asked for. Over T=0 a case 1 command travels with P3 = 00 (ISO/IEC
        7816-3 §12.2.2), which the card cannot tell from Le = 256: both count as none."""
        return self.le is None or (not self.data and self.le == 256)

    @property
    def case(self) -> int:
        """ISO/IEC 7816-3 §12.1: 1 no data either way, 2 data out, 3 data in, 4 both."""
        if self.data:
            return 4 if self.le is not None else 3
        return 2 if self.le is not None else 1


def parse_command(raw: bytes) -> Command | None:  # noqa: PLR0911 - one per APDU case
    """The command, or None when the bytes are no short APDU (the card answers 6700).

    Extended lengths (Lc byte 00 followed by more bytes) are not supported: the ATRs do not
    announce them (ISO/IEC 7816-4 §8.1.1.2.7, third software function table)."""
    if len(raw) < 4:
        return None
    cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
    if len(raw) == 4:
        return Command(cla, ins, p1, p2)
    if len(raw) == 5:
        return Command(cla, ins, p1, p2, le=raw[4] or 256)
    lc = raw[4]
    if lc == 0:
        return None
    if len(raw) == 5 + lc:
        return Command(cla, ins, p1, p2, bytes(raw[5:]))
    if len(raw) == 6 + lc:
        return Command(cla, ins, p1, p2, bytes(raw[5:-1]), raw[-1] or 256)
    return None


def sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


OK = sw(0x9000)

# TS 102 221 §10.2.1 (UICC)
SW_MEMORY_PROBLEM = sw(0x6581)
SW_WRONG_LENGTH = sw(0x6700)
SW_CHANNEL_NOT_SUPPORTED = sw(0x6881)
SW_SM_NOT_SUPPORTED = sw(0x6882)
SW_CHAINING_NOT_SUPPORTED = sw(0x6884)
SW_INCOMPATIBLE_FILE_STRUCTURE = sw(0x6981)
SW_SECURITY_NOT_SATISFIED = sw(0x6982)
SW_PIN_BLOCKED = sw(0x6983)
SW_CONDITIONS_NOT_SATISFIED = sw(0x6985)
SW_NO_EF_SELECTED = sw(0x6986)
SW_FUNCTION_NOT_SUPPORTED = sw(0x6A81)
SW_FILE_NOT_FOUND = sw(0x6A82)
SW_RECORD_NOT_FOUND = sw(0x6A83)
SW_INCORRECT_P1_P2 = sw(0x6A86)
SW_REFERENCE_NOT_FOUND = sw(0x6A88)
SW_OFFSET_OUT_OF_RANGE = sw(0x6B00)
SW_INS_NOT_SUPPORTED = sw(0x6D00)
SW_CLA_NOT_SUPPORTED = sw(0x6E00)

# TS 51.011 §9.4 (2G)
SW_GSM_MEMORY_PROBLEM = sw(0x9240)
SW_GSM_NO_EF_SELECTED = sw(0x9400)
SW_GSM_OUT_OF_RANGE = sw(0x9402)
SW_GSM_NOT_FOUND = sw(0x9404)
SW_GSM_FILE_INCONSISTENT = sw(0x9408)
SW_GSM_NO_CHV = sw(0x9802)
SW_GSM_ACCESS_NOT_FULFILLED = sw(0x9804)
SW_GSM_CHV_STATUS_CONTRADICTION = sw(0x9808)
SW_GSM_CHV_BLOCKED = sw(0x9840)
SW_GSM_WRONG_P3 = sw(0x6700)
SW_GSM_WRONG_P1_P2 = sw(0x6B00)
