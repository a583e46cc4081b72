"""PCI guard: card data beyond a masked PAN must never enter this software (DESIGN.md).

The terminal is semi-integrated and sends only a masked PAN (protocols.md). Anything from it
that looks like a full PAN is a protocol violation: the message is refused before it is parsed
into a model, and no error text ever carries the offending digits.

What counts as a full PAN:
- 13 to 19 digits passing the Luhn check, as one unbroken run of ASCII digits in the raw text,
  as a run grouped by single spaces or dashes ("4111 1111 1111 1111"), or as such a run inside
  any decoded JSON string, key or number (so `\\u0034...` escapes do not hide one);
- a PAN-named field (MaskedPan, PAN, CardNumber, ...) showing more than 6 + 4 digits;
- any field that only exists to carry sensitive card data (SensitiveCardData, TrackData, ...).

The digit rule itself lives in drivers.interfaces.payment (`looks_like_card_number`), so the
kiosk can check the ids it hands the terminal, which are echoed back in every answer.

Known cost: a terminal reference of 13–19 digits that happens to pass Luhn is refused too
(about one in ten random ones); the simulator's ids contain letters. *(check the real
terminal's id formats before field use)*
"""

from __future__ import annotations

import re

from drivers.errors import PciViolation
from drivers.interfaces.payment import looks_like_card_number, luhn_ok

# Visible digits PCI DSS allows in a masked PAN: the first six and the last four.
MAX_VISIBLE_DIGITS = 10
PAN_FIELDS = frozenset({"maskedpan", "pan", "cardnumber", "primaryaccountnumber"})
__all__ = ["check_text", "check_tree", "contains_pan", "is_masked", "luhn_ok", "redact"]
FORBIDDEN_FIELDS = frozenset(
    {"sensitivecarddata", "trackdata", "track1", "track2", "track3", "cardsecuritycode", "cvv"}
)


def contains_pan(text: str) -> bool:
    """Whether `text` holds 13–19 digits (unbroken, or in space/dash groups) passing Luhn."""
    return looks_like_card_number(text)


def check_text(text: str) -> None:
    """Refuse raw message text that carries a full PAN anywhere (before JSON parsing)."""
    if contains_pan(text):
        raise PciViolation("terminal message carries a full card number (refused, not logged)")


def check_tree(node: object, path: str = "") -> None:
    """Refuse a decoded JSON tree with a PAN in any value, key or PAN-named field."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            name = str(key).lower()
            if name in FORBIDDEN_FIELDS:
                raise PciViolation(f"terminal message carries {where} (refused, not logged)")
            if name in PAN_FIELDS and not is_masked(value):
                raise PciViolation(f"{where} is not masked (refused, not logged)")
            if contains_pan(str(key)):
                raise PciViolation("a JSON key carries a full card number (refused, not logged)")
            check_tree(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            check_tree(item, f"{path}[{index}]")
    elif node is not None and not isinstance(node, bool) and contains_pan(str(node)):
        raise PciViolation(f"{path or 'message'} carries a full card number (refused, not logged)")


def is_masked(value: object) -> bool:
    """A masked PAN shows at most the first six and last four digits (622848******1234)."""
    if not isinstance(value, str):
        return False
    return sum(char.isdigit() for char in value) <= MAX_VISIBLE_DIGITS


def redact(text: str) -> str:
    """`text` with every run of 5+ digits starred out, for the rare log line quoting a value."""
    return re.sub(r"\d(?:[ -]?\d){4,}", lambda m: "*" * len(m.group()), text)
