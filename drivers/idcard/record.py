"""The card's 256-byte UTF-16LE text block ↔ a typed `IdCardRecord`, and the ID number's check
character (docs/protocols.md#the-id-cards-text-block: fixed fields in this order and size, space
padded)."""

from __future__ import annotations

from datetime import date

from drivers.errors import ProtocolError
from drivers.interfaces import IdCardRecord, Sex

TEXT_BYTES = 256
PHOTO_BYTES = 1024
# (field, size in bytes) in card order; the sizes add up to TEXT_BYTES.
FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 30), ("sex", 2), ("ethnicity", 4), ("birth", 16), ("address", 70),
    ("id_number", 36), ("issuer", 30), ("valid_from", 16), ("valid_to", 16), ("reserved", 36),
)  # fmt: skip
FOR_LIFE = "长期"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ProtocolError):
    message_key = "idcard.invalid_number"


def _ascii_digits(text: str) -> bool:
    """Only 0-9: str.isdigit() also takes '²' (which int() refuses) and other scripts' digits
    (which int() reads, so '١١٠...' would pass for an ID number)."""
    return text.isascii() and text.isdigit()


def check_character(first17: str) -> str:
    """The 18th character for 17 digits: weighted sum mod 11 indexes `10X98765432`."""
    if len(first17) != 17 or not _ascii_digits(first17):
        raise InvalidIdNumber("need 17 digits")
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def is_valid_id_number(number: str) -> bool:
    return (
        len(number) == 18
        and _ascii_digits(number[:17])
        and check_character(number[:17]) == number[17].upper()
    )


def _date(text: str, field: str) -> date:
    if len(text) != 8 or not _ascii_digits(text):  # int() would take "+199", " 199", "١٩٩٠"
        raise ProtocolError(f"{field}: not a YYYYMMDD date")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ProtocolError(f"{field}: not a YYYYMMDD date") from None


def split_fields(text_block: bytes) -> dict[str, str]:
    if len(text_block) != TEXT_BYTES:
        raise ProtocolError(f"text block is {len(text_block)} bytes, not {TEXT_BYTES}")
    fields: dict[str, str] = {}
    offset = 0
    for name, size in FIELDS:
        raw = text_block[offset : offset + size]
        offset += size
        try:
            fields[name] = raw.decode("utf-16-le").rstrip(" \x00")
        except UnicodeDecodeError:
            raise ProtocolError(f"{name}: not UTF-16LE") from None
    return fields


def parse_record(text_block: bytes, photo: bytes = b"") -> IdCardRecord:
    """Raise ProtocolError for a malformed block, InvalidIdNumber for a bad check character."""
    fields = split_fields(text_block)
    number = fields["id_number"].upper()
    if not is_valid_id_number(number):
        raise InvalidIdNumber("ID number fails its check character")
    valid_to = fields["valid_to"]
    sex = {"1": Sex.MALE, "2": Sex.FEMALE}.get(fields["sex"], Sex.UNKNOWN)
    return IdCardRecord(
        name=fields["name"],
        sex=sex,
        ethnicity_code=fields["ethnicity"],
        birth_date=_date(fields["birth"], "birth"),
        address=fields["address"],
        id_number=number,
        issuer=fields["issuer"],
        valid_from=_date(fields["valid_from"], "valid_from"),
        valid_to=None if valid_to == FOR_LIFE else _date(valid_to, "valid_to"),
        photo_wlt=photo,
    )


def encode_record(record: IdCardRecord) -> bytes:
    """The inverse of `parse_record` (for the simulator and tests)."""
    values = {
        "name": record.name,
        "sex": {Sex.MALE: "1", Sex.FEMALE: "2"}.get(record.sex, "0"),
        "ethnicity": record.ethnicity_code,
        "birth": record.birth_date.strftime("%Y%m%d"),
        "address": record.address,
        "id_number": record.id_number,
        "issuer": record.issuer,
        "valid_from": record.valid_from.strftime("%Y%m%d"),
        "valid_to": FOR_LIFE if record.valid_to is None else record.valid_to.strftime("%Y%m%d"),
        "reserved": "",
    }
    block = b""
    for name, size in FIELDS:
        raw = values[name].encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{name} does not fit in {size} bytes")
        block += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return block
