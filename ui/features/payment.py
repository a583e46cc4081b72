"""The payment screens' view-model: top-up by bank card, and bill payment (缴话费) by cash or card.

    topup.card: number → amount (presets or keypad) → card (follow the terminal) → result
    bill.cash:  number (or the logged-in customer) → bill due → cash → result
    bill.card:  number (or the logged-in customer) → bill due → card → result
    offline, a bill's amount cannot be asked: number → amount → cash or card → result

Over kiosk/flows/card_topup.py (CardTopUpFlow) and kiosk/flows/bill_payment.py
(BillPaymentFlow). Both block on the terminal or central: every call runs on the core thread.
The card screen follows the terminal through the flow's progress listener; a refused card (no
money moved) may be tried again with a fresh flow; an answer in doubt is the core's to settle.
This class takes the number and looks up the bill; what the screens hold is payment_state.py's,
the amount choice payment_amount.py's, the card terminal's part payment_terminal.py's (its
stages in payment_card.py), the bill's cash payment_cash.py's.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.central_models import BillDue
from kiosk.errors import JournalError, KioskError
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.features.base import FeatureViewModel, UiContext
from ui.features.keypad import MOBILE_NUMBER
from ui.features.payment_amount import AmountChoice
from ui.features.payment_cash import CashPayment
from ui.features.payment_state import BILL_CARD, BILL_CASH, TOPUP_CARD, PaymentState
from ui.features.payment_terminal import CardPayment

log = logging.getLogger(__name__)

PREVIEW_NUMBER = "13700137000"


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
        self.state = PaymentState()
        self._amount = AmountChoice(self)
        self._card = CardPayment(self)
        self._cash = CashPayment(self)

    # --- properties -------------------------------------------------------------------------

    def _get_busy(self) -> bool:
        return self.state.busy or self.state.finishing

    def _get_still_owed_text(self) -> str:
        return format_cny(self.state.still_owed_fen())

    def _get_result_amount_text(self) -> str:
        return self.state.result_cny("amount_fen")

    def _get_result_short(self) -> bool:
        return self.state.result_fen("short_fen") > 0

    def _get_approval_code(self) -> str:
        return self.state.result_text("approval_code")

    def _get_simulator(self) -> bool:
        return self.app.simulator_controls is not None

    # the service and the number
    service = Property(str, lambda self: self.state.service, notify=changed)
    isBill = Property(bool, lambda self: self.state.is_bill, notify=changed)  # noqa: N815
    method = Property(str, lambda self: self.state.method, notify=changed)
    digits = Property(str, lambda self: self.state.digits, notify=changed)
    numberDisplay = Property(str, lambda self: group_mobile(self.state.digits), notify=changed)  # noqa: N815
    numberValid = Property(bool, lambda self: is_valid_mobile(self.state.digits), notify=changed)  # noqa: N815
    # the amount
    presets = Property("QVariantList", lambda self: self._amount.presets(), notify=changed)
    presetFen = Property(int, lambda self: self.state.preset_fen, notify=changed)  # noqa: N815
    customText = Property(str, lambda self: self._amount.custom_text(), notify=changed)  # noqa: N815
    amountFen = Property(int, lambda self: self.state.pay_fen(), notify=changed)  # noqa: N815
    amountText = Property(str, lambda self: format_cny(self.state.pay_fen()), notify=changed)  # noqa: N815
    amountValid = Property(bool, lambda self: self._amount.valid(), notify=changed)  # noqa: N815
    minText = Property(str, lambda self: self._amount.min_text(), notify=changed)  # noqa: N815
    maxText = Property(str, lambda self: self._amount.max_text(), notify=changed)  # noqa: N815
    # the bill
    dueKnown = Property(bool, lambda self: self.state.due_known, notify=changed)  # noqa: N815
    owner = Property(str, lambda self: self.state.owner, notify=changed)
    suspended = Property(bool, lambda self: self.state.line_status == "suspended", notify=changed)
    dueText = Property(str, lambda self: format_cny(self.state.due_fen), notify=changed)  # noqa: N815
    nothingDue = Property(bool, lambda self: self.state.nothing_due(), notify=changed)  # noqa: N815
    months = Property("QVariantList", lambda self: self.state.months, notify=changed)
    # the card terminal
    stage = Property(str, lambda self: self.state.stage, notify=changed)
    paying = Property(bool, lambda self: self.state.paying, notify=changed)
    canRetry = Property(bool, lambda self: self._card.can_retry(), notify=changed)  # noqa: N815
    # the cash
    paidFen = Property(int, lambda self: self.state.paid_fen, notify=changed)  # noqa: N815
    paidText = Property(str, lambda self: format_cny(self.state.paid_fen), notify=changed)  # noqa: N815
    stillOwedText = Property(str, _get_still_owed_text, notify=changed)  # noqa: N815
    overFen = Property(int, lambda self: self.state.over_fen(), notify=changed)  # noqa: N815
    overText = Property(str, lambda self: format_cny(self.state.over_fen()), notify=changed)  # noqa: N815
    noteCount = Property(int, lambda self: self.state.note_count, notify=changed)  # noqa: N815
    canFinishCash = Property(bool, lambda self: self.state.can_finish_cash(), notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    simulator = Property(bool, _get_simulator, constant=True)
    # the result
    resultKind = Property(str, lambda self: self.state.result_text("kind"), notify=changed)  # noqa: N815
    resultAmountText = Property(str, _get_result_amount_text, notify=changed)  # noqa: N815
    resultOver = Property(bool, lambda self: self.state.result_fen("over_fen") > 0, notify=changed)  # noqa: N815
    resultOverText = Property(str, lambda self: self.state.result_cny("over_fen"), notify=changed)  # noqa: N815
    resultShort = Property(bool, _get_result_short, notify=changed)  # noqa: N815
    resultShortText = Property(str, lambda self: self.state.result_cny("short_fen"), notify=changed)  # noqa: N815
    receiptPrinted = Property(bool, lambda self: self.state.result_flag("printed"), notify=changed)  # noqa: N815
    creditedOnline = Property(bool, lambda self: self.state.result_flag("online"), notify=changed)  # noqa: N815
    txnRef = Property(str, lambda self: self.state.result_text("txn_id"), notify=changed)  # noqa: N815
    maskedPan = Property(str, lambda self: self.state.result_text("masked_pan"), notify=changed)  # noqa: N815
    approvalCode = Property(str, _get_approval_code, notify=changed)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        self.reset()
        self.state.service = key
        if not self.new_flow():
            return
        session = self.nav.session
        customer = session.customer if session is not None else None
        if customer is not None:
            self.state.digits = customer.msisdn  # logged in: their own number, changeable
        self.changed.emit()
        if customer is not None and self.state.is_bill:
            self.nav.go("payment.number", "bill.enter_number")
            self.submitNumber()  # straight to their bill
            return
        self.nav.go("payment.number", self._number_prompt())

    def reset(self) -> None:
        s = self.state
        self._gen += 1
        if s.paying and (s.card_flow is not None or s.bill is not None):
            self._card.abort()
        if s.bill is not None and s.intake is not None and not s.result:
            # Cash is being taken: the flow commits what was paid (never kept) or cancels.
            self.ctx.bridge.submit(s.bill.cancel)
        self.state = PaymentState()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        s = self.state
        if screen in ("payment.amount", "payment.bill"):
            self.nav.go("payment.number", self._number_prompt())
            return True
        if screen == "payment.card" and not s.paying:
            if not self.new_flow():
                return True
            s.stage = ""
            self.changed.emit()
            self.go_to_amount_or_bill()
            return True
        if screen == "payment.cash" and s.paid_fen == 0 and not s.finishing:
            bill, s.intake = s.bill, None
            if bill is not None:
                self.ctx.bridge.submit(bill.cancel)  # no money in: cancelled, journalled
            if self.new_flow():
                self.go_to_amount_or_bill()
            return True
        return False

    def cancel(self, screen: str) -> bool:
        s = self.state
        if screen == "payment.card" and s.paying:
            if not s.aborting:
                self._card.abort()
            self.nav.show_message("payment.cancelling")
            return True
        if screen == "payment.cash" and s.paid_fen > 0:
            self.nav.show_message("bill.cannot_cancel_with_money")
            return True
        return False

    def can_back(self, screen: str) -> bool:
        s = self.state
        if screen == "payment.result":
            return False
        if screen == "payment.card":
            return not s.paying
        if screen == "payment.cash":
            return s.paid_fen == 0 and not s.finishing
        return not s.busy

    def can_cancel(self, screen: str) -> bool:
        s = self.state
        if screen == "payment.result":
            return True
        if screen == "payment.card":
            return not s.aborting
        if screen == "payment.cash":
            return s.paid_fen == 0 and not s.finishing
        return not s.busy

    def holds_money(self) -> bool:
        s = self.state
        cash_in = s.intake is not None and s.paid_fen > 0 and not s.result
        return s.paying or cash_in

    def on_idle(self, screen: str) -> bool:
        if self.state.paying:
            # Walked away from the terminal: stop the payment; its answer still decides.
            if not self.state.aborting:
                self._card.abort()
            return True
        if screen == "payment.cash" and self.holds_money():
            self.finishCash()  # pay the bill with what was put in: never keep it
            return True
        return False

    def preview(self, screen: str) -> None:
        s = self.state
        s.service = TOPUP_CARD if screen in ("payment.amount", "payment.card") else BILL_CASH
        s.digits = PREVIEW_NUMBER
        s.due_known = screen != "payment.amount"
        s.owner, s.line_status = "王*", "suspended"
        s.months = [
            {"month": "2026-08", "amount": format_cny(6_850)},
            {"month": "2026-09", "amount": format_cny(5_820)},
            {"month": "2026-10", "amount": format_cny(7_130)},
        ]
        s.due_fen = 19_800
        s.preset_fen = 5000
        s.stage = "pin_entry"
        s.paying = screen == "payment.card"
        s.paid_fen, s.note_count = 10_000, 1
        s.result = {"kind": "paid", "amount_fen": 20_000, "over_fen": 200, "printed": True,
                    "online": True, "txn_id": "3f2a9c0d5e7b4a1c9d8e7f6a5b4c3d2e"}  # fmt: skip
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        s = self.state
        return {
            "digits": s.digits,
            "owner": s.owner,
            "months": s.months,
            "due_fen": s.due_fen,
            "card_flow": s.card_flow,
            "bill": s.bill,
            "intake": s.intake,
            "paid_fen": s.paid_fen,
            "result": s.result,
            "custom": s.custom,
            "preset_fen": s.preset_fen,
        }

    # --- number entry -----------------------------------------------------------------------

    def _number_prompt(self) -> str:
        return "bill.enter_number" if self.state.is_bill else "payment.enter_number"

    def _invalid_number_key(self) -> str:
        return "bill.invalid_number" if self.state.is_bill else "topup.invalid_number"

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        s = self.state
        typed = MOBILE_NUMBER.press(s.digits, digit)
        if typed != s.digits:
            s.digits = typed
            self.nav.show_message(self._number_prompt())
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self.state.digits = MOBILE_NUMBER.backspace(self.state.digits)
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self.state.digits = MOBILE_NUMBER.clear()
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        s = self.state
        if not is_valid_mobile(s.digits):
            self.nav.show_message(self._invalid_number_key())
            return
        if not s.is_bill:
            self.nav.go("payment.amount", "payment.choose_amount")
            return
        bill, digits, gen = s.bill, s.digits, self._gen
        if bill is None or s.busy:
            return
        if bill.msisdn and bill.msisdn != digits and not self.new_flow():
            return  # another number than the one looked up: a fresh flow for it
        bill = s.bill
        assert bill is not None
        self.set_busy(True)
        self.nav.run(
            lambda: bill.look_up(digits),
            lambda due: self._on_due(gen, due),
            lambda error: self.on_error(gen, error),
        )

    def _on_due(self, gen: int, due: BillDue | None) -> None:
        if gen != self._gen:
            return
        self.set_busy(False)
        self.state.show_due(due)
        self.changed.emit()
        if due is None:  # central cannot be asked: the customer says how much
            self.nav.go("payment.amount", "bill.enter_amount")
        elif due.due_fen <= 0:
            self.nav.go("payment.bill", "bill.nothing_due")
        else:
            self.nav.go("payment.bill", "bill.check_and_pay")

    # --- amount -----------------------------------------------------------------------------

    @Slot(int)
    def choosePreset(self, fen: int) -> None:  # noqa: N802
        self._amount.choose_preset(fen)

    @Slot(str)
    def pressAmountDigit(self, digit: str) -> None:  # noqa: N802
        self._amount.press(digit)

    @Slot()
    def amountBackspace(self) -> None:  # noqa: N802
        self._amount.backspace()

    @Slot()
    def clearAmount(self) -> None:  # noqa: N802
        self._amount.clear()

    @Slot()
    def submitAmount(self) -> None:  # noqa: N802
        if not self._amount.valid():
            self.nav.show_message("payment.amount_out_of_range")
            return
        self._pay()

    @Slot()
    def payBill(self) -> None:  # noqa: N802
        """The Pay button under the bill: the amount due, by the service's method."""
        if self.state.nothing_due() or self.state.busy:
            return
        self._pay()

    def _pay(self) -> None:
        if self.state.service == BILL_CASH:
            self._cash.start()
        else:
            self._card.start()

    def go_to_amount_or_bill(self) -> None:
        if self.state.is_bill and self.state.due_known:
            self.nav.go("payment.bill", "bill.check_and_pay")
        else:
            self.nav.go("payment.amount", self._amount.prompt())

    # --- card and cash ----------------------------------------------------------------------

    @Slot()
    def retryCard(self) -> None:  # noqa: N802
        """After a refusal (no money moved): the same payment again, as a new transaction."""
        self._card.retry()

    @Slot(int)
    def insertNote(self, denomination_fen: int) -> None:  # noqa: N802
        """Simulator only: put a note into the simulated acceptor."""
        controls = self.app.simulator_controls
        if controls is not None:
            controls.insert_note(denomination_fen)

    @Slot()
    def finishCash(self) -> None:  # noqa: N802
        """Pay with what was put in (all of it, even short of the amount)."""
        self._cash.finish()

    # --- for the helpers: attempts, flows, busy, errors -------------------------------------

    @property
    def generation(self) -> int:
        """This attempt's number: a callback of an earlier one (or of an ended session) is
        dropped."""
        return self._gen

    def next_attempt(self) -> int:
        self._gen += 1
        return self._gen

    def new_flow(self) -> bool:
        """A fresh core flow for this service (a new transaction id); False: out of service."""
        s = self.state
        try:
            if s.service == TOPUP_CARD:
                s.card_flow = self.app.new_card_topup()
            else:
                s.bill = self.app.new_bill_payment()
        except KioskError as exc:
            self.nav.go("out_of_service", exc.message_key)
            return False
        s.intake, s.paid_fen, s.note_count = None, 0, 0
        return True

    def set_busy(self, busy: bool) -> None:
        self.state.busy = busy
        self.changed.emit()

    def on_error(self, gen: int, error: BaseException) -> None:
        if gen != self._gen:
            return
        self.state.busy = self.state.finishing = False
        self.changed.emit()
        if isinstance(error, JournalError):
            self.nav.go("out_of_service", error.message_key)
        elif isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("core error: %r", error)
            self.nav.show_message("error.generic")
