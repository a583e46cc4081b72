"""The account overview and monthly bill screens' state for ui/features/account.py: the balance
central sent (with owner, plan and status) and the customer's recent bills, as display strings.

Plain Python, no Qt: the view-model loads them (on the core thread) and shows these.
"""

from __future__ import annotations

from kiosk.central_models import Balance, Bill
from kiosk.money import format_signed_cny
from kiosk.msisdn import mask_mobile
from ui.features.account_rows import MONTHS


class Overview:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.loaded = False
        self.balance: Balance | None = None
        self.bills: tuple[Bill, ...] = ()
        self.bill_month = ""

    # --- the overview -----------------------------------------------------------------------

    def owner_name(self) -> str:
        return self.balance.owner_name_masked if self.balance else ""

    def number_display(self) -> str:
        return mask_mobile(self.balance.msisdn) if self.balance else ""

    def balance_text(self) -> str:
        return format_signed_cny(self.balance.balance_fen) if self.balance else ""

    def balance_negative(self) -> bool:
        return bool(self.balance and self.balance.balance_fen < 0)

    def status(self) -> str:
        return self.balance.status if self.balance else ""

    def plan_zh(self) -> str:
        return self.balance.plan.name_zh if self.balance else ""

    def plan_en(self) -> str:
        return self.balance.plan.name_en if self.balance else ""

    def latest(self) -> Bill | None:
        return self.bills[0] if self.bills else None

    def latest_month(self) -> str:
        latest = self.latest()
        return latest.month if latest else ""

    def latest_total(self) -> str:
        latest = self.latest()
        return format_signed_cny(latest.total_fen) if latest else ""

    def latest_paid(self) -> bool:
        latest = self.latest()
        return bool(latest and latest.paid)

    # --- the monthly bill -------------------------------------------------------------------

    def bill(self) -> Bill | None:
        return next((b for b in self.bills if b.month == self.bill_month), None)

    def bill_months(self) -> list[str]:
        return [bill.month for bill in self.bills[:MONTHS]]

    def bill_items(self) -> list[dict[str, str]]:
        bill = self.bill()
        if bill is None:
            return []
        return [
            {"nameZh": i.name_zh, "nameEn": i.name_en, "amount": format_signed_cny(i.amount_fen)}
            for i in bill.items
        ]

    def bill_total(self) -> str:
        bill = self.bill()
        return format_signed_cny(bill.total_fen) if bill else ""

    def bill_paid(self) -> bool:
        bill = self.bill()
        return bool(bill and bill.paid)

    def has_month(self, month: str) -> bool:
        return any(b.month == month for b in self.bills)
