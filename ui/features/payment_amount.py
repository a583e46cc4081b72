"""The amount choice of the payment screens (for ui/features/payment.py): the presets within the
limits, whole yuan typed on the keypad instead, and whether the amount chosen may be paid.

Plain Python: the view-model owns the Qt side and the state (PaymentState). The limits are the
kiosk's top-up limits; a bill paid offline (central could not say what is due) is capped lower.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.money import format_cny
from ui.features.keypad import DigitEntry
from ui.features.payment_state import PaymentState

if TYPE_CHECKING:
    from ui.features.payment import PaymentViewModel

PRESETS_FEN = (3000, 5000, 10000, 20000, 30000)


def yuan_label(fen: int) -> str:
    return f"¥{fen // 100}" if fen % 100 == 0 else format_cny(fen)


class AmountChoice:
    def __init__(self, vm: PaymentViewModel) -> None:
        self.vm = vm

    @property
    def s(self) -> PaymentState:
        return self.vm.state

    # --- what the screen shows --------------------------------------------------------------

    def limits(self) -> tuple[int, int]:
        limits = self.vm.app.config.topup
        if self.s.is_bill and not self.s.due_known:
            return limits.min_fen, min(limits.max_fen, limits.offline_max_fen)
        return limits.min_fen, limits.max_fen

    def presets(self) -> list[dict[str, Any]]:
        low, high = self.limits()
        return [{"fen": fen, "label": yuan_label(fen)} for fen in PRESETS_FEN if low <= fen <= high]

    def custom_text(self) -> str:
        return f"¥{self.s.custom}" if self.s.custom else ""

    def valid(self) -> bool:
        low, high = self.limits()
        return low <= self.s.chosen_fen() <= high

    def min_text(self) -> str:
        return yuan_label(self.limits()[0])

    def max_text(self) -> str:
        return yuan_label(self.limits()[1])

    def prompt(self) -> str:
        return "bill.enter_amount" if self.s.is_bill else "payment.choose_amount"

    # --- the customer's choice --------------------------------------------------------------

    def choose_preset(self, fen: int) -> None:
        if any(p["fen"] == fen for p in self.presets()):
            self.s.preset_fen, self.s.custom = fen, ""
            self.vm.nav.show_message(self.prompt())
        self.vm.changed.emit()

    def entry(self) -> DigitEntry:
        """Whole yuan, no leading zero, as many digits as the highest amount allowed has."""
        return DigitEntry(len(str(self.limits()[1] // 100)), leading_zero=False)

    def press(self, digit: str) -> None:
        s, entry = self.s, self.entry()
        if not entry.accepts(s.custom, digit):
            return
        if s.preset_fen:  # typing replaces the preset chosen
            s.preset_fen, s.custom = 0, ""
        typed = entry.press(s.custom, digit)
        if typed != s.custom:
            s.custom = typed
            self.vm.nav.show_message(self.prompt())
        self.vm.changed.emit()

    def backspace(self) -> None:
        self.s.preset_fen, self.s.custom = 0, DigitEntry.backspace(self.s.custom)
        self.vm.changed.emit()

    def clear(self) -> None:
        self.s.preset_fen, self.s.custom = 0, DigitEntry.clear()
        self.vm.changed.emit()
