"""Resident ID numbers: the GB 11643 check character, masking, and the keyed hash central stores.

An 18-character ID number has a small search space (region, birth date, sequence), so a plain
hash could be reversed by brute force; central keys it with a server secret instead.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_character(first17: str) -> str:
    """The 18th character that GB 11643-1999 prescribes for these 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def well_formed(number: str) -> bool:
    """18 characters, 17 digits then a digit or X, with a real birth date inside."""
    if not _SHAPE.fullmatch(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def check_character_ok(number: str) -> bool:
    return well_formed(number) and check_character(number[:17]) == number[17]


def mask(number: str) -> str:
    """`110105********1234`: region kept, birth date and sequence hidden
    (docs/design.md#personal-data-masked-and-sealed)."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def keyed_hash(number: str, key: bytes) -> str:
    return hmac.new(key, number.upper().encode("ascii", "replace"), hashlib.sha256).hexdigest()
