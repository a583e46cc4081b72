"""A bill paid in cash (for ui/features/payment.py): the acceptor opened for the bill, the notes
counted as they come in, and the payment finished with all that was put in.

Plain Python: the view-model owns the Qt side and the state (PaymentState). Every flow call runs
on the core thread (`nav.run`); the acceptor reports each note on its own thread, posted here to
the GUI thread. Money in is never kept: paid in full it finishes by itself, otherwise the
customer (or the idle clock) finishes with what is in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.flows.bill_payment import BillPaymentResult
from kiosk.flows.cash_intake import CashIntake
from ui.features.payment_state import PaymentState

if TYPE_CHECKING:
    from ui.features.payment import PaymentViewModel


class CashPayment:
    def __init__(self, vm: PaymentViewModel) -> None:
        self.vm = vm

    @property
    def s(self) -> PaymentState:
        return self.vm.state

    def start(self) -> None:
        s, vm = self.s, self.vm
        bill, digits, gen = s.bill, s.digits, vm.generation
        if bill is None or s.busy:
            return
        asked = None if s.due_known else s.chosen_fen()

        def on_change(key: str) -> None:  # the acceptor's thread
            vm.nav.post(lambda: self._on_change(gen, key))

        def start() -> CashIntake:
            if bill.msisdn != digits:
                bill.look_up(digits)
            return bill.start_cash(asked, on_change)

        vm.set_busy(True)
        vm.nav.run(
            start,
            lambda intake: self._on_started(gen, intake),
            lambda error: vm.on_error(gen, error),
        )

    def _on_started(self, gen: int, intake: CashIntake) -> None:
        vm = self.vm
        if gen != vm.generation:
            return
        vm.set_busy(False)
        s = self.s
        s.intake, s.paid_fen, s.note_count = intake, 0, 0
        vm.changed.emit()
        vm.nav.go("payment.cash", "bill.insert")

    def _on_change(self, gen: int, key: str) -> None:
        s = self.s
        intake = s.intake
        if gen != self.vm.generation or intake is None:
            return
        # Plain reads of what the acceptor's thread already recorded (no lock on the GUI).
        s.paid_fen, s.note_count = intake.paid_fen, len(intake.notes_fen)
        self.vm.changed.emit()
        if key == "cash.paid":
            self.finish()
        elif not s.finishing:
            self.vm.nav.show_message(key)

    def finish(self) -> None:
        """Pay with what was put in (all of it, even short of the amount)."""
        s, vm = self.s, self.vm
        bill, gen = s.bill, vm.generation
        if bill is None or not s.can_finish_cash():
            return
        s.finishing = True
        vm.nav.show_message("bill.finishing")
        vm.changed.emit()
        vm.nav.run(
            bill.finish_cash,
            lambda result: self._on_paid(gen, result),
            lambda error: vm.on_error(gen, error),
        )

    def _on_paid(self, gen: int, result: BillPaymentResult) -> None:
        if gen != self.vm.generation:
            return
        s = self.s
        s.finishing = False
        s.paid_fen = result.paid_fen
        s.result = {
            "kind": "paid",
            "amount_fen": result.paid_fen,
            "txn_id": result.txn_id,
            "printed": result.receipt_printed,
            "online": result.credited_online,
            **s.over_short(result.paid_fen),
        }
        self.vm.changed.emit()
        self.vm.nav.go(
            "payment.result", "bill.paid" if result.receipt_printed else "bill.paid_no_receipt"
        )
