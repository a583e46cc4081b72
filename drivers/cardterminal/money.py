"""Amounts between integer fen and nexo's decimal major units, exactly and never via a float.

nexo carries amounts as JSON numbers in major units (docs/protocols.md#bank-card-terminal-nexo:
"the amount is a decimal in major units: convert from fen exactly, never through a float"). The
codec reads JSON numbers as `Decimal` and writes them from the integer fen, so no binary
fraction ever touches money.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from drivers.errors import ProtocolError

# 10^12 fen is ten billion yuan: far beyond any kiosk payment, small enough that no huge
# exponent ("1e999999") is ever expanded.
MAX_FEN = 10**12
_CENT = Decimal("0.01")


def fen_to_major(fen: int) -> str:
    """`1234` → `"12.34"`: the JSON number text of an amount (ValueError for bad amounts)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"amount must be integer fen, not {type(fen).__name__}")
    if fen < 0:
        raise ValueError("amount must not be negative")
    if fen > MAX_FEN:
        raise ValueError("amount too large")
    yuan, rest = divmod(fen, 100)
    return f"{yuan}.{rest:02d}"


def major_to_fen(value: object, *, field: str = "amount") -> int:
    """A JSON amount (Decimal or int, as the codec parses it) → integer fen.

    Rejects floats, booleans, strings, NaN and infinities, negatives, more than two decimal
    places of value (12.340 is 1234 fen; 12.345 is refused) and absurd magnitudes.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ProtocolError(f"{field}: not a decimal number ({type(value).__name__})")
    number = Decimal(value)
    if not number.is_finite():
        raise ProtocolError(f"{field}: not a finite number")
    if number < 0 or number.is_signed():
        raise ProtocolError(f"{field}: negative")
    if number != 0 and number.adjusted() > 12:
        raise ProtocolError(f"{field}: too large")
    try:
        cents = number.quantize(_CENT)
    except InvalidOperation:
        raise ProtocolError(f"{field}: not a usable amount") from None
    if cents != number:
        raise ProtocolError(f"{field}: more than two decimal places")
    fen = int(cents * 100)
    if fen > MAX_FEN:
        raise ProtocolError(f"{field}: too large")
    return fen
