"""Mainland China mobile numbers (MSISDN): validation, display grouping and masking."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"1[3-9]\d{9}")


def is_valid_mobile(number: str) -> bool:
    """11 digits, starting 13x-19x, as issued by the mainland operators."""
    return bool(_MOBILE.fullmatch(number))


def group_mobile(number: str) -> str:
    """`13800138000` → `138 0013 8000` (partial input is grouped as far as it goes)."""
    parts = [number[:3], number[3:7], number[7:11]]
    return " ".join(p for p in parts if p)


def mask_mobile(number: str) -> str:
    """`13800138000` → `138****8000`, as printed on receipts."""
    if len(number) != 11:
        return "*" * len(number)
    return number[:3] + "****" + number[7:]
