"""What the account screens show, as plain rows for QML (no Qt here): call records and invoices
as display strings, the months to pick from, and the paging sizes (for ui/features/account.py).

Only formatting: every figure is central's, as it answered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kiosk.central_models import Invoice, UsageRecord
from kiosk.money import format_cny
from kiosk.msisdn import mask_mobile

PAGE_SIZE = 7  # call records on one screen page (rows stay large enough to read)
INVOICES_PER_PAGE = 4
MONTHS = 6  # the month picker offers the last six months
KINDS: tuple[str, ...] = ("", "voice", "sms", "data")  # "" = all kinds


def months_before(today: date, count: int) -> list[str]:
    """The `count` months before `today`'s month, newest first ("YYYY-MM")."""
    year, month, months = today.year, today.month, []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    return months


def volume(kb: int) -> str:
    """Data volume for the screen: KB below 1 MB, else MB with one decimal (integer maths)."""
    if kb < 1024:
        return f"{kb} KB"
    tenths = kb * 10 // 1024
    return f"{tenths // 10}.{tenths % 10} MB"


def record_row(record: UsageRecord) -> dict[str, str]:
    if record.kind == "voice":
        minutes, seconds = divmod(record.duration_s, 60)
        amount = f"{minutes}:{seconds:02d}"
    elif record.kind == "data":
        amount = volume(record.volume_kb)
    else:
        amount = ""
    peer = mask_mobile(record.peer) if len(record.peer) == 11 else record.peer
    return {
        "when": record.started_at.astimezone().strftime("%m-%d %H:%M"),  # central's UTC, local
        "kind": record.kind,
        "direction": record.direction,
        "peer": peer,
        "amount": amount,
        "charge": format_cny(record.charge_fen),
    }


def invoice_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "month": invoice.month,
        "amount": format_cny(invoice.amount_fen),
        "tax": format_cny(invoice.tax_fen),
        "issuedOn": invoice.issued_on.isoformat(),
        "printCount": invoice.print_count,
    }
