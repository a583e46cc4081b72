"""The contents of a SIM's files, encoded and decoded
(docs/protocols.md#sim-reader-and-writer-pcsc): ICCID (swapped BCD with a Luhn check digit),
IMSI, the SMSP service centre, and our vendor profile's Ki and PIN files.
Pure: bytes in, values out; every decoder rejects malformed input with `SimDataError`.
"""

from __future__ import annotations

from drivers.simcard.apdu import (
    ICCID_LEN,
    IMSI_FILE_LEN,
    KI_FILE_LEN,
    SMSP_RECORD_LEN,
    SimDataError,
    pad_pin,
)

# ---------------------------------------------------------------------------- ICCID


def luhn_valid(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the ones before it."""
    if not digits.isascii() or not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> str:
    for candidate in "0123456789":
        if luhn_valid(digits + candidate):
            return candidate
    raise SimDataError("not digits")  # pragma: no cover - every digit string has one


def _swapped_digits(data: bytes) -> str:
    """Nibble-swapped BCD with trailing F padding; anything else is an error."""
    nibbles: list[int] = []
    for byte in data:
        nibbles.extend((byte & 0x0F, byte >> 4))
    digits: list[str] = []
    padding = False
    for nibble in nibbles:
        if nibble == 0x0F:
            padding = True
        elif padding:
            raise SimDataError(f"digit after F padding: {data.hex()}")
        elif nibble > 9:
            raise SimDataError(f"non-decimal nibble {nibble:X}: {data.hex()}")
        else:
            digits.append(str(nibble))
    return "".join(digits)


def _swap_encode(digits: str, length: int) -> bytes:
    padded = digits + "F" * (2 * length - len(digits))
    return bytes(int(padded[i + 1] + padded[i], 16) for i in range(0, len(padded), 2))


def decode_iccid(data: bytes) -> str:
    """EF_ICCID: 10 bytes of nibble-swapped BCD, F padded. Empty string for a blank (all FF)."""
    if len(data) != ICCID_LEN:
        raise SimDataError(f"EF_ICCID is {ICCID_LEN} bytes, got {len(data)}")
    digits = _swapped_digits(data)
    if digits and len(digits) < 18:
        raise SimDataError(f"ICCID too short: {len(digits)} digits")
    return digits


def validate_iccid(iccid: str) -> None:
    if not (iccid.isascii() and iccid.isdigit() and 18 <= len(iccid) <= 20):
        raise SimDataError("an ICCID is 18 to 20 ASCII digits")
    if not iccid.startswith("89"):
        raise SimDataError("an ICCID starts with 89 (telecom)")
    if not luhn_valid(iccid):
        raise SimDataError("ICCID Luhn check digit is wrong")


def encode_iccid(iccid: str) -> bytes:
    validate_iccid(iccid)
    return _swap_encode(iccid, ICCID_LEN)


# ---------------------------------------------------------------------------- IMSI


def validate_imsi(imsi: str) -> None:
    if not (imsi.isascii() and imsi.isdigit() and 6 <= len(imsi) <= 15):
        raise SimDataError("an IMSI is 6 to 15 ASCII digits")


def encode_imsi(imsi: str) -> bytes:
    """EF_IMSI (9 bytes): length, then parity nibble and nibble-swapped digits, FF padded."""
    validate_imsi(imsi)
    parity = 0x9 if len(imsi) % 2 else 0x1  # type "IMSI" (001) + odd-length bit
    nibbles = [parity] + [int(d) for d in imsi]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    body = bytes(nibbles[i] | (nibbles[i + 1] << 4) for i in range(0, len(nibbles), 2))
    return (bytes((len(body),)) + body).ljust(IMSI_FILE_LEN, b"\xff")


def decode_imsi(data: bytes) -> str | None:
    """The IMSI from EF_IMSI, or None for an unprogrammed (all FF) file."""
    if len(data) != IMSI_FILE_LEN:
        raise SimDataError(f"EF_IMSI is {IMSI_FILE_LEN} bytes, got {len(data)}")
    if all(b == 0xFF for b in data):
        return None
    length = data[0]
    if not 1 <= length <= 8:
        raise SimDataError(f"IMSI length byte out of range: {length}")
    body = data[1 : 1 + length]
    parity = body[0] & 0x0F
    if parity & 0x07 != 0x01:
        raise SimDataError(f"IMSI type nibble is not 'IMSI': {parity:X}")
    nibbles = [body[0] >> 4]
    for byte in body[1:]:
        nibbles.extend((byte & 0x0F, byte >> 4))
    odd = bool(parity & 0x08)
    if not odd:
        if nibbles[-1] != 0x0F:
            raise SimDataError("even-length IMSI without F filler")
        nibbles.pop()
    if any(n > 9 for n in nibbles):
        raise SimDataError(f"non-decimal IMSI digit: {data.hex()}")
    imsi = "".join(str(n) for n in nibbles)
    if len(imsi) % 2 != int(odd):
        raise SimDataError("IMSI parity nibble does not match its length")  # pragma: no cover
    if len(imsi) < 6:
        raise SimDataError(f"IMSI too short: {len(imsi)} digits")
    return imsi


# ---------------------------------------------------------------------------- SMSP


def encode_smsp(service_centre: str) -> bytes:
    """One EF_SMSP record (TS 31.102 4.2.27, no alpha id): only the TS-Service Centre Address.

    Empty `service_centre` gives an unused record (all FF).
    """
    if not service_centre:
        return b"\xff" * SMSP_RECORD_LEN
    international = service_centre.startswith("+")
    digits = service_centre.removeprefix("+")
    if not (digits.isascii() and digits.isdigit() and 1 <= len(digits) <= 20):
        raise SimDataError("an SMS service centre number is + and up to 20 digits")
    address = bytes((0x91 if international else 0x81,)) + _swap_encode(
        digits, (len(digits) + 1) // 2
    )
    sca = (bytes((len(address),)) + address).ljust(12, b"\xff")
    # Parameter indicators: bit = 0 means present; only TS-SCA (bit 2) is present.
    return bytes((0xFD,)) + b"\xff" * 12 + sca + b"\xff" * 3


def decode_smsp(record: bytes) -> str:
    """The service centre number of an EF_SMSP record ('' when absent)."""
    if len(record) < SMSP_RECORD_LEN:
        raise SimDataError(f"EF_SMSP record shorter than {SMSP_RECORD_LEN} bytes")
    base = len(record) - SMSP_RECORD_LEN  # the alpha identifier comes first
    indicators = record[base]
    if indicators & 0x02:
        return ""
    sca = record[base + 13 : base + 25]
    length = sca[0]
    if not 2 <= length <= 11:
        raise SimDataError(f"SMSP service centre length out of range: {length}")
    ton = sca[1]
    digits = _swapped_digits(sca[2 : 1 + length])
    return ("+" if ton & 0x70 == 0x10 else "") + digits


# ---------------------------------------------------------------------------- vendor files


def encode_ki_file(ki_encrypted: bytes) -> bytes:
    if not 16 <= len(ki_encrypted) <= KI_FILE_LEN - 1:
        raise SimDataError("the encrypted Ki is 16 to 32 bytes")
    return (bytes((len(ki_encrypted),)) + ki_encrypted).ljust(KI_FILE_LEN, b"\xff")


def encode_pins_file(pin1: str, puk1: str) -> bytes:
    pin = pad_pin(pin1) if pin1 else b"\xff" * 8
    if puk1 and not (puk1.isascii() and puk1.isdigit() and len(puk1) == 8):
        raise SimDataError("a PUK is 8 ASCII digits")
    puk = pad_pin(puk1) if puk1 else b"\xff" * 8
    return pin + puk
