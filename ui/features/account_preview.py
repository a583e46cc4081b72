"""Example data for the account screens (the every-screen test and screenshots), shaped like
central's answers (for ui/features/account.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ui.features.account_rows import MONTHS, PAGE_SIZE, months_before

_PLAN = {"code": "P58", "name_zh": "畅享58元套餐", "name_en": "Plus 58", "monthly_fee_fen": 5800,
         "data_mb": 30720, "voice_min": 300, "sms": 100}  # fmt: skip
PREVIEW_BALANCE: dict[str, Any] = {
    "msisdn": "13800138000",
    "owner_name_masked": "张*",
    "balance_fen": 5000,
    "status": "active",
    "plan": _PLAN,
    "services": [],
}


def _item(code: str, zh: str, en: str, fen: int) -> dict[str, Any]:
    return {"code": code, "name_zh": zh, "name_en": en, "amount_fen": fen}


PREVIEW_BILLS: list[dict[str, Any]] = [
    {
        "month": month,
        "items": [
            _item("plan", "套餐月费", "Plan fee", 5800),
            _item("voice", "语音通话费", "Voice calls", 150 * n),
            _item("sms", "短信费", "Text messages", 10 * n),
        ],
        "total_fen": 5800 + 160 * n,
        "paid": n > 0,
    }
    for n, month in enumerate(months_before(date(2026, 11, 22), MONTHS))
]
PREVIEW_USAGE: dict[str, Any] = {
    "month": "2026-10",
    "kind": None,
    "page": 2,
    "page_size": PAGE_SIZE,
    "total": 45,
    "records": [
        {
            "kind": kind,
            "started_at": datetime(2026, 10, 20 - n, 9 + n, 5 * n),
            "direction": "out" if n % 2 else "in",
            "peer": "cmnet" if kind == "data" else f"1390013{n:04d}",
            "duration_s": 125 * n if kind == "voice" else 0,
            "volume_kb": 123_456 if kind == "data" else 0,
            "charge_fen": 15 * n if kind == "voice" else (10 if kind == "sms" else 0),
        }
        for n, kind in enumerate(("voice", "sms", "data", "voice", "voice", "sms", "data"))
    ],
}
PREVIEW_INVOICES: list[dict[str, Any]] = [
    {
        "number": f"2610000{n:03d}123456",
        "month": month,
        "title": "张三",
        "amount_fen": 5800 + 160 * n,
        "tax_fen": (5800 + 160 * n) * 6 // 106,
        "issued_on": date(2026, 11, 1),
        "print_count": n % 2,
    }
    for n, month in enumerate(months_before(date(2026, 11, 22), MONTHS))
]
