"""SIM replacement's steps as the screens take them (for ui/features/sim.py): logged in, the ID
card as proof of the owner, confirm (with the fee shown), the fee paid in cash or by bank card
when there is one, the card's journey, the result. The decisions are
kiosk/flows/sim_replacement.py's (and the desk's, which gives the flow its session): central
issues the card's data before any money is taken (`prepare`), a failure or a cancel after the
fee was paid ends in the flow's reversal or voucher."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardInDoubt,
    CardOutcome,
    IdCardRecord,
)
from kiosk.customer_session import AuthMethod
from kiosk.errors import JournalError
from kiosk.flows.sim_replacement import SimReplacementFlow, SimReplacementResult, State
from ui.features.sim_sale_steps import message_key

if TYPE_CHECKING:
    from ui.features.sim import SimViewModel

log = logging.getLogger(__name__)

MONEY_STATES = frozenset({State.PAID, State.WRITING, State.DISPENSING})
ENDED = frozenset({State.DONE, State.FAILED, State.CANCELLED})


class ReplacementSteps:
    def __init__(self, vm: SimViewModel) -> None:
        self.vm = vm

    @property
    def flow(self) -> SimReplacementFlow | None:
        return self.vm.state.replacement

    def authed(self) -> None:
        """The customer is logged in (nav.require_auth): by their ID card, or else the card
        must prove the owner too before a new SIM is written for the line."""
        session = self.vm.nav.session
        customer = session.customer if session is not None else None
        if customer is None:
            self.vm.nav.show_message("session.login_required")
            return
        self.vm.state.mode = "replacement"
        if customer.method is AuthMethod.ID_CARD:
            self.confirm()
        else:
            self.vm.await_id_card("sim.id_card_to_confirm")

    def prove_owner(self, record: IdCardRecord) -> None:
        """The ID card read: the session checks it is the line's owner."""
        session = self.vm.nav.session
        customer = session.customer if session is not None else None
        if session is None or customer is None:
            self.vm.nav.show_message("session.login_required")
            return
        msisdn = customer.msisdn
        self.vm.call(lambda: session.login_id_card(msisdn, record, date.today()),
                     lambda _c: self.confirm(), self._not_owner)  # fmt: skip

    def _not_owner(self, error: BaseException) -> None:
        """The ID card did not prove the owner: say why, and wait for a card again."""
        if isinstance(error, JournalError) or self.vm.nav.screen != "sim.idcard":
            self.vm.show_error(error)
            return
        self.vm.state.record = None
        self.vm.await_id_card(message_key(error))

    def confirm(self) -> None:
        """The replacement the customer is about to confirm (its fee is the flow's)."""
        desk = self.vm.app.desk
        if desk is None:
            self.vm.nav.go("out_of_service", "service.not_installed")
            return

        def made(flow: SimReplacementFlow) -> None:
            s = self.vm.state
            s.replacement, s.fee_fen = flow, flow.fee_fen
            self.vm.refresh()
            key = "sim.replace_confirm_fee" if flow.fee_fen > 0 else "sim.replace_confirm"
            self.vm.nav.go("sim.replace", key)

        flow = self.flow
        if flow is not None and flow.state is State.NEW:
            made(flow)
            return
        self.vm.call(desk.sim_replacement, made)

    def start(self) -> None:
        """Replace: without a fee, the card's journey at once; with one, central issues the
        card's data first (a refusal costs nothing), then the fee."""
        flow, s = self.flow, self.vm.state
        if flow is None or s.issuing or s.mode != "replacement" or flow.state is not State.NEW:
            return
        self.vm.start_timer()
        if flow.fee_fen <= 0:
            self._issue(flow.run)
            return
        self.vm.call(flow.prepare, lambda _r: self._to_pay(flow), self._failed)

    # --- the fee ----------------------------------------------------------------------------

    def cash_offered(self) -> bool:
        flow = self.flow
        if flow is None or not flow.accepts_cash:
            return False
        health = self.vm.app.device_health().get("bill_acceptor")
        return health is None or health.usable

    def card_offered(self) -> bool:
        flow = self.flow
        if flow is None or not flow.accepts_card:
            return False
        health = self.vm.app.device_health().get("card_terminal")
        return health is not None and health.usable

    def _to_pay(self, flow: SimReplacementFlow) -> None:
        if self.card_offered():
            self.vm.nav.go("sim.pay", "sim.choose_payment")
            return
        self.vm.nav.go("sim.pay", "sim.insert_cash")
        self.pay_cash()

    def _paying(self) -> bool:
        flow = self.flow
        return flow is not None and flow.state is State.PAYING

    def pay_cash(self) -> None:
        flow, s = self.flow, self.vm.state
        if flow is None or not self._paying() or s.method != "" or not self.cash_offered():
            return
        s.method = "cash"
        self.vm.refresh()
        on_change = self.vm.later(self._cash_changed)  # called on the acceptor's thread
        self.vm.call(lambda: flow.start_cash(on_change), self._cash_started, self._pay_refused)

    def _cash_started(self, intake: Any) -> None:
        self.vm.state.intake = intake
        self.vm.refresh()
        self.vm.nav.show_message("sim.insert_cash")

    def _cash_changed(self, key: str) -> None:
        self.vm.refresh()
        self.vm.nav.show_message(key)
        flow = self.flow
        if key == "cash.paid" and flow is not None and flow.state is State.PAYING:
            self.vm.call(flow.finish_payment, lambda _paid: self._issue(flow.issue),
                         self._pay_refused)  # fmt: skip

    def can_stop(self) -> bool:
        s = self.vm.state
        return self._paying() and s.intake is not None and 0 < s.paid_fen < s.price_fen

    def stop_with_voucher(self) -> None:
        """Part-paid and cannot pay the rest: the flow prints a voucher for what is in."""
        flow = self.flow
        if flow is None or not self.can_stop():
            return
        self.vm.call(flow.cancel, lambda _r: self._ended("sim.cancelled_after_payment"),
                     self._failed)  # fmt: skip

    def pay_card(self) -> None:
        flow, s = self.flow, self.vm.state
        if flow is None or not self._paying() or s.method != "" or not self.card_offered():
            return
        s.method, s.card_stage = "card", "sim.card_waiting"
        self.vm.refresh()
        self.vm.nav.show_message("sim.card_waiting")
        progress = self.vm.later(self.vm.sale.card_progress)  # on the terminal's thread
        self.vm.background(lambda: flow.pay_card(progress), self._card_outcome, self._pay_refused)

    def check_card(self) -> None:
        flow = self.flow
        if flow is not None and self.vm.state.card_in_doubt:
            self.vm.call(flow.check_card, self._card_outcome)

    def _card_outcome(self, outcome: CardOutcome) -> None:
        s, flow = self.vm.state, self.flow
        s.card_in_doubt = isinstance(outcome, CardInDoubt)
        if isinstance(outcome, CardApproved) and flow is not None:
            s.card_paid_fen, s.card_stage = outcome.amount_fen, ""
            self._issue(flow.issue)
            return
        if s.card_in_doubt:
            s.card_stage, key = "sim.card_in_doubt", "sim.card_in_doubt"
        else:  # refused or cancelled: pay again, in cash, or cancel
            s.method, s.card_stage = "", ""
            cancelled = isinstance(outcome, CardCancelled)
            key = "sim.card_cancelled" if cancelled else "sim.card_declined"
        self.vm.refresh()
        self.vm.nav.show_message(key)

    def _pay_refused(self, error: BaseException) -> None:
        """A payment step said no (the acceptor down, the fee short): stay, say why."""
        s = self.vm.state
        if isinstance(error, JournalError) or (self.flow is not None and self.flow.state in ENDED):
            self._failed(error)
            return
        if s.intake is None:
            s.method, s.card_stage = "", ""
        self.vm.refresh()
        self.vm.show_error(error)

    # --- money held, and a customer who leaves ---------------------------------------------

    def holds_money(self) -> bool:
        flow, s = self.flow, self.vm.state
        if flow is None:
            return False
        state = flow.state
        if state in MONEY_STATES:
            return True
        return state is State.PAYING and (s.paid_fen > 0 or s.method == "card")

    def walked_away(self) -> None:
        """Part-paid: the flow vouchers what is in. A card answer still in doubt: the payment
        is left to the kiosk to settle with the terminal (reversed if it was approved)."""
        flow, s = self.flow, self.vm.state
        if self.can_stop():
            self.stop_with_voucher()
        elif flow is not None and s.card_in_doubt and flow.state is State.PAYING:

            def left() -> None:
                s.method, s.card_in_doubt, s.card_stage = "", False, ""
                self.vm.refresh()

            self.vm.call(flow.cancel, lambda _r: left())

    # --- the card's journey -----------------------------------------------------------------

    def _issue(self, work: Callable[[], SimReplacementResult]) -> None:
        s = self.vm.state
        s.issuing, s.step = True, 0
        self.vm.refresh()
        self.vm.nav.go("sim.progress", "sim.issuing")
        self.vm.background(work, self._replaced, self._failed)

    def _replaced(self, result: SimReplacementResult) -> None:
        s = self.vm.state
        s.result, s.msisdn, s.iccid = result, result.msisdn, result.iccid
        s.issuing, s.step, s.outcome = False, 3, "replaced"
        self.vm.refresh()
        self.vm.nav.go("sim.result", "sim.replaced")

    def _failed(self, error: BaseException) -> None:
        s = self.vm.state
        s.issuing = False
        if isinstance(error, JournalError):
            self.vm.show_error(error)
            return
        s.captured = bool(getattr(error, "captured", False))
        self._ended(message_key(error))

    def _ended(self, reason: str) -> None:
        """No card for the customer: what happened to the fee (none taken, a voucher, or the
        card payment reversed)."""
        s, flow = self.vm.state, self.flow
        s.issuing = False
        s.voucher_fen = flow.voucher_fen if flow is not None else 0
        paid = flow.paid_fen if flow is not None else 0
        s.outcome_key = reason
        if s.voucher_fen:
            s.outcome, key = "voucher", "sim.voucher_printed"
        elif paid:
            s.outcome, key = "refunded", "sim.refunded"
        else:
            s.outcome, key = "failed", "sim.replace_failed"
        self.vm.refresh()
        self.vm.nav.go("sim.result", key)
