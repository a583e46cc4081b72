"""Money as integer fen (分): validation and display. Never floats."""

from __future__ import annotations


def require_fen(value: object) -> int:
    """Return `value` if it is a non-negative integer amount in fen, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"amount must be integer fen, got {type(value).__name__}")
    if value < 0:
        raise ValueError("amount must not be negative")
    return value


def format_yuan(fen: int) -> str:
    """`12345` → `"123.45"`, exact integer arithmetic."""
    require_fen(fen)
    yuan, rest = divmod(fen, 100)
    return f"{yuan}.{rest:02d}"


def format_cny(fen: int) -> str:
    """`12345` → `"¥123.45"`."""
    return "¥" + format_yuan(fen)


def format_signed_cny(fen: int) -> str:
    """A balance may be owed: `-1250` → `"-¥12.50"`."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"amount must be integer fen, got {type(fen).__name__}")
    return ("-" if fen < 0 else "") + format_cny(abs(fen))
