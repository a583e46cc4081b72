"""What the payment screens hold for one customer (ui/features/payment.py): the service, the
number, the amount chosen, the bill due, the card payment's stage, the cash taken and the result
— all of it dropped at once by `PaymentState()` when the session ends.

Plain Python, no Qt: the view-model and its helpers (payment_amount.py, payment_terminal.py,
payment_cash.py) read and change it on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.central_models import BillDue
from kiosk.flows.bill_payment import BillPaymentFlow
from kiosk.flows.card_topup import CardTopUpFlow
from kiosk.flows.cash_intake import CashIntake
from kiosk.money import format_cny

TOPUP_CARD, BILL_CASH, BILL_CARD = "topup.card", "bill.cash", "bill.card"


@dataclass
class PaymentState:
    service: str = ""
    digits: str = ""  # the mobile number as typed
    preset_fen: int = 0
    custom: str = ""  # whole yuan typed on the keypad
    card_flow: CardTopUpFlow | None = None
    bill: BillPaymentFlow | None = None
    due_known: bool = False  # central said what is due (else: offline, amount entered)
    owner: str = ""  # masked by central
    line_status: str = ""
    due_fen: int = 0
    months: list[dict[str, str]] = field(default_factory=list)
    stage: str = ""  # card: starting, waiting_for_card, pin_entry, authorising, …
    paying: bool = False  # a card payment is with the terminal
    aborting: bool = False
    intake: CashIntake | None = None
    paid_fen: int = 0
    note_count: int = 0
    finishing: bool = False  # cash: committing and printing
    result: dict[str, Any] = field(default_factory=dict)
    busy: bool = False

    @property
    def is_bill(self) -> bool:
        return self.service in (BILL_CASH, BILL_CARD)

    @property
    def method(self) -> str:
        return "cash" if self.service == BILL_CASH else "card"

    def chosen_fen(self) -> int:
        return self.preset_fen or (int(self.custom) * 100 if self.custom else 0)

    def pay_fen(self) -> int:
        """What this payment asks: the bill's amount due, or the amount the customer chose."""
        if self.is_bill and self.due_known:
            return self.due_fen
        return self.chosen_fen()

    def nothing_due(self) -> bool:
        return self.due_known and self.due_fen <= 0

    def over_fen(self) -> int:
        return max(self.paid_fen - self.pay_fen(), 0)

    def still_owed_fen(self) -> int:
        return max(self.pay_fen() - self.paid_fen, 0)

    def over_short(self, paid_fen: int) -> dict[str, int]:
        asked = self.pay_fen()
        return {"over_fen": max(paid_fen - asked, 0), "short_fen": max(asked - paid_fen, 0)}

    def can_finish_cash(self) -> bool:
        return self.intake is not None and self.paid_fen > 0 and not self.finishing

    def show_due(self, due: BillDue | None) -> None:
        """Central's answer for the number (None: it cannot be asked, the customer says how
        much)."""
        self.due_known = due is not None
        self.owner = due.owner_name_masked if due else ""
        self.line_status = due.status if due else ""
        self.due_fen = due.due_fen if due else 0
        self.months = (
            [{"month": m.month, "amount": format_cny(m.total_fen)} for m in due.months]
            if due
            else []
        )

    # --- the result -------------------------------------------------------------------------

    def result_text(self, key: str) -> str:
        return str(self.result.get(key, ""))

    def result_fen(self, key: str) -> int:
        return int(self.result.get(key, 0))

    def result_cny(self, key: str) -> str:
        return format_cny(self.result_fen(key))

    def result_flag(self, key: str) -> bool:
        return bool(self.result.get(key, False))
