"""The card terminal's part of the payment screens (for ui/features/payment.py): a top-up or a
bill paid by bank card, followed on screen stage by stage, its outcome, a cancel, a retry.

Plain Python: the view-model owns the Qt side and the state (PaymentState). The payment blocks
on the terminal, so it runs on the core thread; the terminal's progress comes back through the
flow's listener, posted to the GUI thread. A refused card (no money moved) may be tried again
with a fresh flow; an answer in doubt is the core's to settle. The stages and message keys are
payment_card.py's.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from drivers.interfaces import CardApproved, CardOutcome, PaymentStage
from kiosk.errors import FlowError, JournalError
from kiosk.flows.bill_payment import BillPaymentResult
from kiosk.flows.card_topup import CardTopUpFlow, CardTopUpResult
from ui.features.payment_card import (
    PROGRESS,
    REFUSED_STAGES,
    abort_in_background,
    outcome_stage,
)
from ui.features.payment_state import TOPUP_CARD, PaymentState

if TYPE_CHECKING:
    from ui.features.payment import PaymentViewModel

log = logging.getLogger(__name__)


class CardPayment:
    def __init__(self, vm: PaymentViewModel) -> None:
        self.vm = vm

    @property
    def s(self) -> PaymentState:
        return self.vm.state

    def can_retry(self) -> bool:
        return self.s.stage in REFUSED_STAGES and not self.s.paying

    def start(self) -> None:
        s, vm = self.s, self.vm
        if s.paying:
            return
        gen, digits = vm.next_attempt(), s.digits
        s.stage, s.paying, s.aborting, s.result = "starting", True, False, {}
        vm.changed.emit()
        vm.nav.go("payment.card", "payment.card_follow_terminal")

        def on_progress(stage: PaymentStage) -> None:  # the terminal driver's thread
            vm.nav.post(lambda: self._on_progress(gen, stage))

        if s.service == TOPUP_CARD:
            flow, amount = s.card_flow, s.chosen_fen()
            assert flow is not None
            future = vm.ctx.bridge.submit(lambda: flow.pay(digits, amount, on_progress))
        else:
            bill = s.bill
            assert bill is not None
            asked = None if s.due_known else s.chosen_fen()

            def pay_bill() -> BillPaymentResult:
                if bill.msisdn != digits:  # a fresh flow after a refused card: ask again
                    bill.look_up(digits)
                return bill.pay_card(asked, on_progress)

            future = vm.ctx.bridge.submit(pay_bill)
        future.add_done_callback(
            lambda f: vm.nav.post(lambda: self._on_finished(gen, f))
        )  # fmt: skip

    def _on_progress(self, gen: int, stage: PaymentStage) -> None:
        s = self.s
        if gen != self.vm.generation or not s.paying or s.aborting:
            return
        s.stage, key = PROGRESS[stage]
        self.vm.nav.show_message(key)
        self.vm.changed.emit()

    def abort(self) -> None:
        s = self.s
        s.aborting = True
        if s.paying:
            s.stage = "cancelling"
        flow: Any = s.card_flow if s.service == TOPUP_CARD else s.bill
        if flow is not None:
            abort_in_background(flow.abort if isinstance(flow, CardTopUpFlow) else flow.abort_card)
        self.vm.changed.emit()

    def retry(self) -> None:
        """After a refusal (no money moved): the same payment again, as a new transaction."""
        if not self.can_retry() or not self.vm.new_flow():
            return
        self.start()

    # --- the answer -------------------------------------------------------------------------

    def _on_finished(self, gen: int, future: Future[Any]) -> None:
        if gen != self.vm.generation:
            return
        self.s.paying = False
        error = future.exception()
        if error is not None:
            self._on_error(error)
            return
        result: CardTopUpResult | BillPaymentResult = future.result()
        self._on_outcome(result.outcome, result)

    def _on_outcome(
        self, outcome: CardOutcome | None, result: CardTopUpResult | BillPaymentResult
    ) -> None:
        s, vm = self.s, self.vm
        if outcome is None:
            stage, key = "in_doubt", "payment.card_in_doubt"
        else:
            stage, key = outcome_stage(outcome)
        aborted, s.aborting = s.aborting, False
        s.stage = stage
        if isinstance(outcome, CardApproved):
            s.result = {
                "kind": "approved",
                "amount_fen": outcome.amount_fen,
                "txn_id": result.txn_id,
                "printed": result.receipt_printed,
                "masked_pan": outcome.masked_pan,
                "approval_code": outcome.approval_code,
            }
            if s.is_bill:
                s.paid_fen = outcome.amount_fen
                s.result.update(s.over_short(outcome.amount_fen))
                key = "bill.paid" if result.receipt_printed else "bill.paid_no_receipt"
            elif not result.receipt_printed:
                key = "payment.card_approved_no_receipt"
            vm.changed.emit()
            vm.nav.go("payment.result", key)
        elif stage == "in_doubt":
            s.result = {"kind": "in_doubt", "amount_fen": s.pay_fen(), "txn_id": result.txn_id}
            vm.changed.emit()
            vm.nav.go("payment.result", key)
        elif aborted:
            vm.changed.emit()
            vm.nav.home()  # the customer cancelled (or walked away); no money moved
        else:
            vm.changed.emit()
            vm.nav.show_message(key)  # no money moved: try again, another amount, or cancel

    def _on_error(self, error: BaseException) -> None:
        s, vm = self.s, self.vm
        s.aborting = False
        if isinstance(error, JournalError):
            vm.nav.go("out_of_service", error.message_key)
        elif isinstance(error, FlowError):
            # Refused before the terminal was asked (amount, number): nothing was paid.
            s.stage = ""
            vm.new_flow()
            vm.go_to_amount_or_bill()
            vm.nav.show_message(error.message_key)
        else:
            # The terminal was (perhaps) asked and the answer is unknown: the core journalled
            # the request first and settles it with the terminal later. Never say "failed".
            log.error("card payment: %r", error)
            s.stage = "in_doubt"
            s.result = {"kind": "in_doubt", "amount_fen": s.pay_fen(), "txn_id": self._txn_id()}
            vm.nav.go("payment.result", "payment.card_in_doubt")
        vm.changed.emit()

    def _txn_id(self) -> str:
        flow = self.s.card_flow if self.s.service == TOPUP_CARD else self.s.bill
        return flow.txn_id if flow is not None else ""
