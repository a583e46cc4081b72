"""PCI guard: card data beyond a masked PAN is never kept by this software (docs/design.md#no-pan).

The terminal is semi-integrated and should send only a masked PAN
(docs/protocols.md#bank-card-terminal-nexo). The guard runs on the decoded JSON tree of every
terminal message, before it is typed, and looks only where nexo puts card data
(docs/drivers-nexo.md, "PCI guard"):

- `SensitiveCardData` (nexo CardData): its content is stripped. Expiry date and card sequence
  number are what real terminals send there in every approval (Adyen's published responses
  do): stripped and reported, not a violation. A PAN or track data inside is a violation.
- `TrackData`, `Track1..3`, `CardSecurityCode`, `CVV`/`CVC`: stripped, a violation;
- a PAN-named field (MaskedPan, PAN, CardNumber, PrimaryAccountNumber) showing more than the
  first six and last four digits: masked to those, a violation;
- `AdditionalResponse` as key=value pairs (Adyen's form): pairs naming an expiry date or the
  cardholder's name are dropped; a PAN-named pair showing more than 6 + 4 digits is dropped,
  a violation.

Nothing else is searched: transaction ids, tender references and other free text are not
card numbers, and a Luhn-valid run of digits in one (about one reference in ten) is kept as it
is. Unknown fields never reach a model, so whatever they hold is dropped with the tree.

The guard never refuses a message: an answer is always kept (losing an approval loses the
customer's money); what must not be kept is stripped, and the report says which fields (their
paths, never their values) so the driver can log it and flag a violating terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from drivers.interfaces.payment import looks_like_card_number, luhn_ok

# Visible digits PCI DSS allows in a masked PAN: the first six and the last four.
MAX_VISIBLE_DIGITS = 10
PAN_FIELDS = frozenset({"maskedpan", "pan", "cardnumber", "primaryaccountnumber"})
# Fields that only exist to carry what may never be kept: stripped, a violation.
FORBIDDEN_FIELDS = frozenset(
    {"trackdata", "track1", "track2", "track3", "cardsecuritycode", "cvv", "cvc", "cvv2"}
)
SENSITIVE_CONTAINER = "sensitivecarddata"
# What a terminal may put into SensitiveCardData without misbehaving (nexo: expiry date and
# card sequence number); stripped all the same.
EXPECTED_SENSITIVE = frozenset({"expirydate", "cardseqnumb"})
# AdditionalResponse keys not kept: expiry and cardholder name (Adyen sends expiryMonth,
# expiryYear and cardHolderName in every approval).
ADDITIONAL_DROPPED = frozenset({"expirydate", "expirymonth", "expiryyear", "cardholdername"})
ADDITIONAL = "AdditionalResponse"
__all__ = [
    "PciReport",
    "contains_pan",
    "is_masked",
    "luhn_ok",
    "mask",
    "redact",
    "sanitize",
]


@dataclass(frozen=True)
class PciReport:
    """What the guard took out of one message: field paths only, never their values."""

    stripped: tuple[str, ...] = ()
    violation: bool = False  # a full PAN, track data or a security code came

    def __bool__(self) -> bool:
        return bool(self.stripped)


class _Walk:
    def __init__(self) -> None:
        self.stripped: list[str] = []
        self.violation = False

    def strip(self, path: str, *, violation: bool) -> None:
        self.stripped.append(path)
        self.violation = self.violation or violation

    def node(self, node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {
                key: kept
                for key, value in node.items()
                if (kept := self.field(str(key), value, f"{path}.{key}" if path else str(key)))
                is not _DROP
            }
        if isinstance(node, list):
            return [self.node(item, f"{path}[{index}]") for index, item in enumerate(node)]
        return node

    def field(self, key: str, value: Any, path: str) -> Any:
        name = key.lower()
        if name == SENSITIVE_CONTAINER:
            self.strip(path, violation=not _only_expected(value))
            return _DROP
        if name in FORBIDDEN_FIELDS:
            self.strip(path, violation=True)
            return _DROP
        if name in PAN_FIELDS:
            if isinstance(value, str) and is_masked(value):
                return value
            self.strip(path, violation=True)
            return mask(value) if isinstance(value, str) else _DROP
        if key == ADDITIONAL and isinstance(value, str):
            return self.additional(value, path)
        return self.node(value, path)

    def additional(self, text: str, path: str) -> str:
        """Drop the pairs that must not be kept from an Adyen-style key=value&... text."""
        if "=" not in text:
            return text
        kept: list[str] = []
        for pair in text.split("&"):
            raw_key, _, raw_value = pair.partition("=")
            name = unquote_plus(raw_key).lower()
            if name in ADDITIONAL_DROPPED:
                self.strip(f"{path}:{unquote_plus(raw_key)}", violation=False)
                continue
            if name in PAN_FIELDS and not is_masked(unquote_plus(raw_value)):
                self.strip(f"{path}:{unquote_plus(raw_key)}", violation=True)
                continue
            kept.append(pair)
        return "&".join(kept)


_DROP: Any = object()


def _only_expected(value: object) -> bool:
    """SensitiveCardData holding only an expiry date and a sequence number (not a leak)."""
    return isinstance(value, dict) and all(
        str(key).lower() in EXPECTED_SENSITIVE and not looks_like_card_number(str(item))
        for key, item in value.items()
    )


def sanitize(tree: object) -> tuple[object, PciReport]:
    """`tree` without what must not be kept, and the report of what was taken out."""
    walk = _Walk()
    clean = walk.node(tree, "")
    return clean, PciReport(tuple(walk.stripped), walk.violation)


def contains_pan(text: str) -> bool:
    """Whether `text` holds 13–19 digits (unbroken, or in space/dash groups) passing Luhn."""
    return looks_like_card_number(text)


def is_masked(value: object) -> bool:
    """A masked PAN shows at most the first six and last four digits (622848******1234)."""
    if not isinstance(value, str):
        return False
    return sum(char.isdigit() for char in value) <= MAX_VISIBLE_DIGITS


def mask(value: str) -> str:
    """A PAN-named value cut to its first six and last four digits, the rest starred."""
    digits = [char for char in value if char.isdigit()]
    if len(digits) <= MAX_VISIBLE_DIGITS:
        return "*" * len(digits)
    return "".join(digits[:6]) + "*" * (len(digits) - 10) + "".join(digits[-4:])


def redact(text: str) -> str:
    """`text` with every run of 5+ digits starred out, for the rare log line quoting a value."""
    return re.sub(r"\d(?:[ -]?\d){4,}", lambda m: "*" * len(m.group()), text)
