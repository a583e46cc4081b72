"""The payment screens' view-model: top-up by bank card, and bill payment (缴话费) by cash or card.

    topup.card: number → amount (presets or keypad) → card (follow the terminal) → result
    bill.cash:  number (or the logged-in customer) → bill due → cash → result
    bill.card:  number (or the logged-in customer) → bill due → card → result
    offline, a bill's amount cannot be asked: number → amount → cash or card → result

Over kiosk/flows/card_topup.py (CardTopUpFlow) and kiosk/flows/bill_payment.py
(BillPaymentFlow). Both block on the terminal or central: every call runs on the core thread.
The card screen follows the terminal through the flow's progress listener; a refused card (no
money moved) may be tried again with a fresh flow; an answer in doubt is the core's to settle.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, Signal, Slot

from drivers.interfaces import CardApproved, CardOutcome, PaymentStage
from kiosk.central_models import BillDue
from kiosk.errors import FlowError, JournalError, KioskError
from kiosk.flows.bill_payment import BillPaymentFlow, BillPaymentResult
from kiosk.flows.card_topup import CardTopUpFlow, CardTopUpResult
from kiosk.flows.cash_intake import CashIntake
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.features.base import FeatureViewModel, UiContext
from ui.features.keypad import MOBILE_NUMBER, DigitEntry
from ui.features.payment_card import (
    PROGRESS,
    REFUSED_STAGES,
    abort_in_background,
    outcome_stage,
)

log = logging.getLogger(__name__)

PRESETS_FEN = (3000, 5000, 10000, 20000, 30000)
TOPUP_CARD, BILL_CASH, BILL_CARD = "topup.card", "bill.cash", "bill.card"
PREVIEW_NUMBER = "13700137000"


def _yuan_label(fen: int) -> str:
    return f"¥{fen // 100}" if fen % 100 == 0 else format_cny(fen)


class PaymentViewModel(FeatureViewModel):
    name = "payment"
    screens: ClassVar[dict[str, str]] = {
        "payment.number": "payment/PaymentNumberScreen.qml",
        "payment.amount": "payment/PaymentAmountScreen.qml",
        "payment.bill": "payment/BillDueScreen.qml",
        "payment.cash": "payment/BillCashScreen.qml",
        "payment.card": "payment/PaymentCardScreen.qml",
        "payment.result": "payment/PaymentResultScreen.qml",
    }
    services: ClassVar[tuple[str, ...]] = (TOPUP_CARD, BILL_CASH, BILL_CARD)
    finish_screens = frozenset({"payment.result"})
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._gen = 0  # bumped by every reset and every new attempt: late callbacks are dropped
        self._clear()

    def _clear(self) -> None:
        self._service = ""
        self._digits = ""
        self._preset_fen = 0
        self._custom = ""  # whole yuan typed on the keypad
        self._card_flow: CardTopUpFlow | None = None
        self._bill: BillPaymentFlow | None = None
        self._due_known = False  # central said what is due (else: offline, amount entered)
        self._owner = ""  # masked by central
        self._line_status = ""
        self._due_fen = 0
        self._months: list[dict[str, str]] = []
        self._stage = ""  # card: starting, waiting_for_card, pin_entry, authorising, …
        self._paying = False  # a card payment is with the terminal
        self._aborting = False
        self._intake: CashIntake | None = None
        self._paid_fen = 0
        self._note_count = 0
        self._finishing = False  # cash: committing and printing
        self._result: dict[str, Any] = {}
        self._busy = False

    # --- properties -------------------------------------------------------------------------

    def _get_service(self) -> str:
        return self._service

    def _get_is_bill(self) -> bool:
        return self._service in (BILL_CASH, BILL_CARD)

    def _get_method(self) -> str:
        return "cash" if self._service == BILL_CASH else "card"

    def _get_digits(self) -> str:
        return self._digits

    def _get_number_display(self) -> str:
        return group_mobile(self._digits)

    def _get_number_valid(self) -> bool:
        return is_valid_mobile(self._digits)

    def _limits(self) -> tuple[int, int]:
        limits = self.app.config.topup
        if self._get_is_bill() and not self._due_known:
            return limits.min_fen, min(limits.max_fen, limits.offline_max_fen)
        return limits.min_fen, limits.max_fen

    def _get_presets(self) -> list[dict[str, Any]]:
        low, high = self._limits()
        return [
            {"fen": fen, "label": _yuan_label(fen)} for fen in PRESETS_FEN if low <= fen <= high
        ]

    def _get_preset_fen(self) -> int:
        return self._preset_fen

    def _get_custom_text(self) -> str:
        return f"¥{self._custom}" if self._custom else ""

    def _chosen_fen(self) -> int:
        return self._preset_fen or (int(self._custom) * 100 if self._custom else 0)

    def _pay_fen(self) -> int:
        """What this payment asks: the bill's amount due, or the amount the customer chose."""
        if self._get_is_bill() and self._due_known:
            return self._due_fen
        return self._chosen_fen()

    def _get_amount_fen(self) -> int:
        return self._pay_fen()

    def _get_amount_text(self) -> str:
        return format_cny(self._pay_fen())

    def _get_amount_valid(self) -> bool:
        low, high = self._limits()
        return low <= self._chosen_fen() <= high

    def _get_min_text(self) -> str:
        return _yuan_label(self._limits()[0])

    def _get_max_text(self) -> str:
        return _yuan_label(self._limits()[1])

    def _get_due_known(self) -> bool:
        return self._due_known

    def _get_owner(self) -> str:
        return self._owner

    def _get_suspended(self) -> bool:
        return self._line_status == "suspended"

    def _get_due_text(self) -> str:
        return format_cny(self._due_fen)

    def _get_nothing_due(self) -> bool:
        return self._due_known and self._due_fen <= 0

    def _get_months(self) -> list[dict[str, str]]:
        return self._months

    def _get_stage(self) -> str:
        return self._stage

    def _get_paying(self) -> bool:
        return self._paying

    def _get_can_retry(self) -> bool:
        return self._stage in REFUSED_STAGES and not self._paying

    def _get_paid_fen(self) -> int:
        return self._paid_fen

    def _get_paid_text(self) -> str:
        return format_cny(self._paid_fen)

    def _get_still_owed_text(self) -> str:
        return format_cny(max(self._pay_fen() - self._paid_fen, 0))

    def _get_over_fen(self) -> int:
        return max(self._paid_fen - self._pay_fen(), 0)

    def _get_over_text(self) -> str:
        return format_cny(self._get_over_fen())

    def _get_note_count(self) -> int:
        return self._note_count

    def _get_can_finish_cash(self) -> bool:
        return self._intake is not None and self._paid_fen > 0 and not self._finishing

    def _get_busy(self) -> bool:
        return self._busy or self._finishing

    def _get_simulator(self) -> bool:
        return self.app.simulator_controls is not None

    def _result_value(self, key: str, default: Any) -> Any:
        return self._result.get(key, default)

    def _get_result_kind(self) -> str:
        return str(self._result_value("kind", ""))

    def _get_result_amount_text(self) -> str:
        return format_cny(int(self._result_value("amount_fen", 0)))

    def _get_result_over_text(self) -> str:
        return format_cny(int(self._result_value("over_fen", 0)))

    def _get_result_over(self) -> bool:
        return int(self._result_value("over_fen", 0)) > 0

    def _get_result_short_text(self) -> str:
        return format_cny(int(self._result_value("short_fen", 0)))

    def _get_result_short(self) -> bool:
        return int(self._result_value("short_fen", 0)) > 0

    def _get_receipt_printed(self) -> bool:
        return bool(self._result_value("printed", False))

    def _get_credited_online(self) -> bool:
        return bool(self._result_value("online", False))

    def _get_txn_ref(self) -> str:
        return str(self._result_value("txn_id", ""))

    def _get_masked_pan(self) -> str:
        return str(self._result_value("masked_pan", ""))

    def _get_approval_code(self) -> str:
        return str(self._result_value("approval_code", ""))

    service = Property(str, _get_service, notify=changed)
    isBill = Property(bool, _get_is_bill, notify=changed)  # noqa: N815
    method = Property(str, _get_method, notify=changed)
    digits = Property(str, _get_digits, notify=changed)
    numberDisplay = Property(str, _get_number_display, notify=changed)  # noqa: N815
    numberValid = Property(bool, _get_number_valid, notify=changed)  # noqa: N815
    presets = Property("QVariantList", _get_presets, notify=changed)
    presetFen = Property(int, _get_preset_fen, notify=changed)  # noqa: N815
    customText = Property(str, _get_custom_text, notify=changed)  # noqa: N815
    amountFen = Property(int, _get_amount_fen, notify=changed)  # noqa: N815
    amountText = Property(str, _get_amount_text, notify=changed)  # noqa: N815
    amountValid = Property(bool, _get_amount_valid, notify=changed)  # noqa: N815
    minText = Property(str, _get_min_text, notify=changed)  # noqa: N815
    maxText = Property(str, _get_max_text, notify=changed)  # noqa: N815
    dueKnown = Property(bool, _get_due_known, notify=changed)  # noqa: N815
    owner = Property(str, _get_owner, notify=changed)
    suspended = Property(bool, _get_suspended, notify=changed)
    dueText = Property(str, _get_due_text, notify=changed)  # noqa: N815
    nothingDue = Property(bool, _get_nothing_due, notify=changed)  # noqa: N815
    months = Property("QVariantList", _get_months, notify=changed)
    stage = Property(str, _get_stage, notify=changed)
    paying = Property(bool, _get_paying, notify=changed)
    canRetry = Property(bool, _get_can_retry, notify=changed)  # noqa: N815
    paidFen = Property(int, _get_paid_fen, notify=changed)  # noqa: N815
    paidText = Property(str, _get_paid_text, notify=changed)  # noqa: N815
    stillOwedText = Property(str, _get_still_owed_text, notify=changed)  # noqa: N815
    overFen = Property(int, _get_over_fen, notify=changed)  # noqa: N815
    overText = Property(str, _get_over_text, notify=changed)  # noqa: N815
    noteCount = Property(int, _get_note_count, notify=changed)  # noqa: N815
    canFinishCash = Property(bool, _get_can_finish_cash, notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    simulator = Property(bool, _get_simulator, constant=True)
    resultKind = Property(str, _get_result_kind, notify=changed)  # noqa: N815
    resultAmountText = Property(str, _get_result_amount_text, notify=changed)  # noqa: N815
    resultOver = Property(bool, _get_result_over, notify=changed)  # noqa: N815
    resultOverText = Property(str, _get_result_over_text, notify=changed)  # noqa: N815
    resultShort = Property(bool, _get_result_short, notify=changed)  # noqa: N815
    resultShortText = Property(str, _get_result_short_text, notify=changed)  # noqa: N815
    receiptPrinted = Property(bool, _get_receipt_printed, notify=changed)  # noqa: N815
    creditedOnline = Property(bool, _get_credited_online, notify=changed)  # noqa: N815
    txnRef = Property(str, _get_txn_ref, notify=changed)  # noqa: N815
    maskedPan = Property(str, _get_masked_pan, notify=changed)  # noqa: N815
    approvalCode = Property(str, _get_approval_code, notify=changed)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        self.reset()
        self._service = key
        if not self._new_flow():
            return
        session = self.nav.session
        customer = session.customer if session is not None else None
        if customer is not None:
            self._digits = customer.msisdn  # logged in: their own number, changeable
        self.changed.emit()
        if customer is not None and self._get_is_bill():
            self.nav.go("payment.number", "bill.enter_number")
            self.submitNumber()  # straight to their bill
            return
        self.nav.go("payment.number", self._number_prompt())

    def reset(self) -> None:
        self._gen += 1
        if self._paying and (self._card_flow is not None or self._bill is not None):
            self._abort_card()
        bill = self._bill
        if bill is not None and self._intake is not None and not self._result:
            # Cash is being taken: the flow commits what was paid (never kept) or cancels.
            self.ctx.bridge.submit(bill.cancel)
        self._clear()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen == "payment.amount":
            self.nav.go("payment.number", self._number_prompt())
            return True
        if screen == "payment.bill":
            self.nav.go("payment.number", self._number_prompt())
            return True
        if screen == "payment.card" and not self._paying:
            if not self._new_flow():
                return True
            self._stage = ""
            self.changed.emit()
            self._go_to_amount_or_bill()
            return True
        if screen == "payment.cash" and self._paid_fen == 0 and not self._finishing:
            bill, self._intake = self._bill, None
            if bill is not None:
                self.ctx.bridge.submit(bill.cancel)  # no money in: cancelled, journalled
            if self._new_flow():
                self._go_to_amount_or_bill()
            return True
        return False

    def cancel(self, screen: str) -> bool:
        if screen == "payment.card" and self._paying:
            if not self._aborting:
                self._abort_card()
            self.nav.show_message("payment.cancelling")
            return True
        if screen == "payment.cash" and self._paid_fen > 0:
            self.nav.show_message("bill.cannot_cancel_with_money")
            return True
        return False

    def can_back(self, screen: str) -> bool:
        if screen == "payment.result":
            return False
        if screen == "payment.card":
            return not self._paying
        if screen == "payment.cash":
            return self._paid_fen == 0 and not self._finishing
        return not self._busy

    def can_cancel(self, screen: str) -> bool:
        if screen == "payment.result":
            return True
        if screen == "payment.card":
            return not self._aborting
        if screen == "payment.cash":
            return self._paid_fen == 0 and not self._finishing
        return not self._busy

    def holds_money(self) -> bool:
        cash_in = self._intake is not None and self._paid_fen > 0 and not self._result
        return self._paying or cash_in

    def on_idle(self, screen: str) -> bool:
        if self._paying:
            # Walked away from the terminal: stop the payment; its answer still decides.
            if not self._aborting:
                self._abort_card()
            return True
        if screen == "payment.cash" and self.holds_money():
            self.finishCash()  # pay the bill with what was put in: never keep it
            return True
        return False

    def preview(self, screen: str) -> None:
        self._service = TOPUP_CARD if screen in ("payment.amount", "payment.card") else BILL_CASH
        self._digits = PREVIEW_NUMBER
        self._due_known = screen != "payment.amount"
        self._owner, self._line_status = "王*", "suspended"
        self._months = [
            {"month": "2026-08", "amount": format_cny(6_850)},
            {"month": "2026-09", "amount": format_cny(5_820)},
            {"month": "2026-10", "amount": format_cny(7_130)},
        ]
        self._due_fen = 19_800
        self._preset_fen = 5000
        self._stage = "pin_entry"
        self._paying = screen == "payment.card"
        self._paid_fen, self._note_count = 10_000, 1
        self._result = {"kind": "paid", "amount_fen": 20_000, "over_fen": 200, "printed": True,
                        "online": True, "txn_id": "3f2a9c0d5e7b4a1c9d8e7f6a5b4c3d2e"}  # fmt: skip
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {
            "digits": self._digits,
            "owner": self._owner,
            "months": self._months,
            "due_fen": self._due_fen,
            "card_flow": self._card_flow,
            "bill": self._bill,
            "intake": self._intake,
            "paid_fen": self._paid_fen,
            "result": self._result,
            "custom": self._custom,
            "preset_fen": self._preset_fen,
        }

    # --- number entry -----------------------------------------------------------------------

    def _number_prompt(self) -> str:
        return "bill.enter_number" if self._get_is_bill() else "payment.enter_number"

    def _invalid_number_key(self) -> str:
        return "bill.invalid_number" if self._get_is_bill() else "topup.invalid_number"

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        typed = MOBILE_NUMBER.press(self._digits, digit)
        if typed != self._digits:
            self._digits = typed
            self.nav.show_message(self._number_prompt())
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self._digits = MOBILE_NUMBER.backspace(self._digits)
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._digits = MOBILE_NUMBER.clear()
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        if not is_valid_mobile(self._digits):
            self.nav.show_message(self._invalid_number_key())
            return
        if not self._get_is_bill():
            self.nav.go("payment.amount", "payment.choose_amount")
            return
        bill, digits, gen = self._bill, self._digits, self._gen
        if bill is None or self._busy:
            return
        if bill.msisdn and bill.msisdn != digits and not self._new_flow():
            return  # another number than the one looked up: a fresh flow for it
        bill = self._bill
        assert bill is not None
        self._set_busy(True)
        self.nav.run(
            lambda: bill.look_up(digits),
            lambda due: self._on_due(gen, due),
            lambda error: self._on_error(gen, error),
        )

    def _on_due(self, gen: int, due: BillDue | None) -> None:
        if gen != self._gen:
            return
        self._set_busy(False)
        self._show_due(due)
        if due is None:  # central cannot be asked: the customer says how much
            self.nav.go("payment.amount", "bill.enter_amount")
        elif due.due_fen <= 0:
            self.nav.go("payment.bill", "bill.nothing_due")
        else:
            self.nav.go("payment.bill", "bill.check_and_pay")

    def _show_due(self, due: BillDue | None) -> None:
        self._due_known = due is not None
        self._owner = due.owner_name_masked if due else ""
        self._line_status = due.status if due else ""
        self._due_fen = due.due_fen if due else 0
        self._months = (
            [{"month": m.month, "amount": format_cny(m.total_fen)} for m in due.months]
            if due
            else []
        )
        self.changed.emit()

    # --- amount -----------------------------------------------------------------------------

    @Slot(int)
    def choosePreset(self, fen: int) -> None:  # noqa: N802
        if any(p["fen"] == fen for p in self._get_presets()):
            self._preset_fen, self._custom = fen, ""
            self.nav.show_message(self._amount_prompt())
        self.changed.emit()

    @Slot(str)
    def pressAmountDigit(self, digit: str) -> None:  # noqa: N802
        entry = self._amount_entry()
        if not entry.accepts(self._custom, digit):
            return
        if self._preset_fen:  # typing replaces the preset chosen
            self._preset_fen, self._custom = 0, ""
        typed = entry.press(self._custom, digit)
        if typed != self._custom:
            self._custom = typed
            self.nav.show_message(self._amount_prompt())
        self.changed.emit()

    @Slot()
    def amountBackspace(self) -> None:  # noqa: N802
        self._preset_fen, self._custom = 0, DigitEntry.backspace(self._custom)
        self.changed.emit()

    @Slot()
    def clearAmount(self) -> None:  # noqa: N802
        self._preset_fen, self._custom = 0, DigitEntry.clear()
        self.changed.emit()

    def _amount_entry(self) -> DigitEntry:
        """Whole yuan, no leading zero, as many digits as the highest amount allowed has."""
        return DigitEntry(len(str(self._limits()[1] // 100)), leading_zero=False)

    def _amount_prompt(self) -> str:
        return "bill.enter_amount" if self._get_is_bill() else "payment.choose_amount"

    @Slot()
    def submitAmount(self) -> None:  # noqa: N802
        if not self._get_amount_valid():
            self.nav.show_message("payment.amount_out_of_range")
            return
        self._pay()

    @Slot()
    def payBill(self) -> None:  # noqa: N802
        """The Pay button under the bill: the amount due, by the service's method."""
        if self._get_nothing_due() or self._busy:
            return
        self._pay()

    def _pay(self) -> None:
        if self._service == BILL_CASH:
            self._start_cash()
        else:
            self._start_card()

    def _go_to_amount_or_bill(self) -> None:
        if self._get_is_bill() and self._due_known:
            self.nav.go("payment.bill", "bill.check_and_pay")
        else:
            self.nav.go("payment.amount", self._amount_prompt())

    # --- card -------------------------------------------------------------------------------

    def _start_card(self) -> None:
        if self._paying:
            return
        self._gen += 1
        gen, digits = self._gen, self._digits
        self._stage, self._paying, self._aborting, self._result = "starting", True, False, {}
        self.changed.emit()
        self.nav.go("payment.card", "payment.card_follow_terminal")

        def on_progress(stage: PaymentStage) -> None:  # the terminal driver's thread
            self.nav.post(lambda: self._on_progress(gen, stage))

        if self._service == TOPUP_CARD:
            flow, amount = self._card_flow, self._chosen_fen()
            assert flow is not None
            future = self.ctx.bridge.submit(lambda: flow.pay(digits, amount, on_progress))
        else:
            bill = self._bill
            assert bill is not None
            asked = None if self._due_known else self._chosen_fen()

            def pay_bill() -> BillPaymentResult:
                if bill.msisdn != digits:  # a fresh flow after a refused card: ask again
                    bill.look_up(digits)
                return bill.pay_card(asked, on_progress)

            future = self.ctx.bridge.submit(pay_bill)
        future.add_done_callback(
            lambda f: self.nav.post(lambda: self._on_card_finished(gen, f))
        )  # fmt: skip

    def _on_progress(self, gen: int, stage: PaymentStage) -> None:
        if gen != self._gen or not self._paying or self._aborting:
            return
        self._stage, key = PROGRESS[stage]
        self.nav.show_message(key)
        self.changed.emit()

    def _abort_card(self) -> None:
        self._aborting = True
        if self._paying:
            self._stage = "cancelling"
        flow: Any = self._card_flow if self._service == TOPUP_CARD else self._bill
        if flow is not None:
            abort_in_background(flow.abort if isinstance(flow, CardTopUpFlow) else flow.abort_card)
        self.changed.emit()

    def _on_card_finished(self, gen: int, future: Future[Any]) -> None:
        if gen != self._gen:
            return
        self._paying = False
        error = future.exception()
        if error is not None:
            self._on_card_error(error)
            return
        result: CardTopUpResult | BillPaymentResult = future.result()
        self._on_card_outcome(result.outcome, result)

    def _on_card_outcome(
        self, outcome: CardOutcome | None, result: CardTopUpResult | BillPaymentResult
    ) -> None:
        if outcome is None:
            stage, key = "in_doubt", "payment.card_in_doubt"
        else:
            stage, key = outcome_stage(outcome)
        aborted, self._aborting = self._aborting, False
        self._stage = stage
        if isinstance(outcome, CardApproved):
            self._result = {
                "kind": "approved",
                "amount_fen": outcome.amount_fen,
                "txn_id": result.txn_id,
                "printed": result.receipt_printed,
                "masked_pan": outcome.masked_pan,
                "approval_code": outcome.approval_code,
            }
            if self._get_is_bill():
                self._paid_fen = outcome.amount_fen
                self._result.update(self._over_short(outcome.amount_fen))
                key = "bill.paid" if result.receipt_printed else "bill.paid_no_receipt"
            elif not result.receipt_printed:
                key = "payment.card_approved_no_receipt"
            self.changed.emit()
            self.nav.go("payment.result", key)
        elif stage == "in_doubt":
            self._result = {"kind": "in_doubt", "amount_fen": self._pay_fen(),
                            "txn_id": result.txn_id}  # fmt: skip
            self.changed.emit()
            self.nav.go("payment.result", key)
        elif aborted:
            self.changed.emit()
            self.nav.home()  # the customer cancelled (or walked away); no money moved
        else:
            self.changed.emit()
            self.nav.show_message(key)  # no money moved: try again, another amount, or cancel

    def _on_card_error(self, error: BaseException) -> None:
        self._aborting = False
        if isinstance(error, JournalError):
            self.nav.go("out_of_service", error.message_key)
        elif isinstance(error, FlowError):
            # Refused before the terminal was asked (amount, number): nothing was paid.
            self._stage = ""
            self._new_flow()
            self._go_to_amount_or_bill()
            self.nav.show_message(error.message_key)
        else:
            # The terminal was (perhaps) asked and the answer is unknown: the core journalled
            # the request first and settles it with the terminal later. Never say "failed".
            log.error("card payment: %r", error)
            self._stage = "in_doubt"
            self._result = {"kind": "in_doubt", "amount_fen": self._pay_fen(),
                            "txn_id": self._txn_id()}  # fmt: skip
            self.nav.go("payment.result", "payment.card_in_doubt")
        self.changed.emit()

    def _txn_id(self) -> str:
        flow = self._card_flow if self._service == TOPUP_CARD else self._bill
        return flow.txn_id if flow is not None else ""

    @Slot()
    def retryCard(self) -> None:  # noqa: N802
        """After a refusal (no money moved): the same payment again, as a new transaction."""
        if not self._get_can_retry() or not self._new_flow():
            return
        self._start_card()

    # --- cash (bill) ------------------------------------------------------------------------

    def _start_cash(self) -> None:
        bill, digits, gen = self._bill, self._digits, self._gen
        if bill is None or self._busy:
            return
        asked = None if self._due_known else self._chosen_fen()

        def on_change(key: str) -> None:  # the acceptor's thread
            self.nav.post(lambda: self._on_cash_change(gen, key))

        def start() -> CashIntake:
            if bill.msisdn != digits:
                bill.look_up(digits)
            return bill.start_cash(asked, on_change)

        self._set_busy(True)
        self.nav.run(
            start,
            lambda intake: self._on_cash_started(gen, intake),
            lambda error: self._on_error(gen, error),
        )

    def _on_cash_started(self, gen: int, intake: CashIntake) -> None:
        if gen != self._gen:
            return
        self._set_busy(False)
        self._intake, self._paid_fen, self._note_count = intake, 0, 0
        self.changed.emit()
        self.nav.go("payment.cash", "bill.insert")

    def _on_cash_change(self, gen: int, key: str) -> None:
        intake = self._intake
        if gen != self._gen or intake is None:
            return
        # Plain reads of what the acceptor's thread already recorded (no lock on the GUI).
        self._paid_fen, self._note_count = intake.paid_fen, len(intake.notes_fen)
        self.changed.emit()
        if key == "cash.paid":
            self.finishCash()
        elif not self._finishing:
            self.nav.show_message(key)

    @Slot(int)
    def insertNote(self, denomination_fen: int) -> None:  # noqa: N802
        """Simulator only: put a note into the simulated acceptor."""
        controls = self.app.simulator_controls
        if controls is not None:
            controls.insert_note(denomination_fen)

    @Slot()
    def finishCash(self) -> None:  # noqa: N802
        """Pay with what was put in (all of it, even short of the amount)."""
        bill, gen = self._bill, self._gen
        if bill is None or not self._get_can_finish_cash():
            return
        self._finishing = True
        self.nav.show_message("bill.finishing")
        self.changed.emit()
        self.nav.run(
            bill.finish_cash,
            lambda result: self._on_cash_paid(gen, result),
            lambda error: self._on_error(gen, error),
        )

    def _on_cash_paid(self, gen: int, result: BillPaymentResult) -> None:
        if gen != self._gen:
            return
        self._finishing = False
        self._paid_fen = result.paid_fen
        self._result = {
            "kind": "paid",
            "amount_fen": result.paid_fen,
            "txn_id": result.txn_id,
            "printed": result.receipt_printed,
            "online": result.credited_online,
            **self._over_short(result.paid_fen),
        }
        self.changed.emit()
        self.nav.go(
            "payment.result", "bill.paid" if result.receipt_printed else "bill.paid_no_receipt"
        )

    def _over_short(self, paid_fen: int) -> dict[str, int]:
        asked = self._pay_fen()
        return {"over_fen": max(paid_fen - asked, 0), "short_fen": max(asked - paid_fen, 0)}

    # --- common -----------------------------------------------------------------------------

    def _new_flow(self) -> bool:
        """A fresh core flow for this service (a new transaction id); False: out of service."""
        try:
            if self._service == TOPUP_CARD:
                self._card_flow = self.app.new_card_topup()
            else:
                self._bill = self.app.new_bill_payment()
        except KioskError as exc:
            self.nav.go("out_of_service", exc.message_key)
            return False
        self._intake, self._paid_fen, self._note_count = None, 0, 0
        return True

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.changed.emit()

    def _on_error(self, gen: int, error: BaseException) -> None:
        if gen != self._gen:
            return
        self._busy = self._finishing = False
        self.changed.emit()
        if isinstance(error, JournalError):
            self.nav.go("out_of_service", error.message_key)
        elif isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("core error: %r", error)
            self.nav.show_message("error.generic")
