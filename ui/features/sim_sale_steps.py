"""The SIM sale's steps as the screens take them (for ui/features/sim.py): the real-name check,
the number picker and its reservation, the agreement, payment (cash; a bank card when the flow
offers one) and the card's journey. Plain Python: the view-model owns the Qt side, the state
(SimState) and the calls to the core thread; the decisions are kiosk/flows/sim_sale.py's."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardInDoubt,
    CardOutcome,
    IdCardRecord,
    PaymentStage,
)
from kiosk.errors import JournalError, KioskError
from kiosk.flows.signature import SignatureError, encode_strokes
from kiosk.flows.sim_sale import SimSaleFlow
from ui.features.keypad import DigitEntry
from ui.features.sim_state import SimState
from ui.features.sim_support import (
    DIGIT_MATCHES,
    FILTER_DIGITS_MAX,
    PRICE_BANDS,
    NumberFilters,
    page_count,
    seconds_until,
)

if TYPE_CHECKING:
    from ui.features.sim import SimViewModel

log = logging.getLogger(__name__)

CANCELLABLE = frozenset(
    {"new", "checked", "reserved", "agreed", "paying", "card_authorising", "card_in_doubt"}
)
MONEY_STATES = frozenset(
    {"card_authorising", "card_in_doubt", "paid", "issuing", "writing", "dispensing"}
)
FILTER_ENTRY = DigitEntry(FILTER_DIGITS_MAX)
CARD_STAGE_KEYS = {
    PaymentStage.WAITING_FOR_CARD: "sim.card_waiting",
    PaymentStage.PIN_ENTRY: "sim.card_pin",
    PaymentStage.AUTHORISING: "sim.card_authorising",
}


def flow_state(flow: object) -> str:
    state = getattr(flow, "state", None)
    return "" if state is None else str(getattr(state, "value", state))


def message_key(error: BaseException) -> str:
    return error.message_key if isinstance(error, KioskError) else "error.generic"


class SaleSteps:
    def __init__(self, vm: SimViewModel) -> None:
        self.vm = vm

    @property
    def s(self) -> SimState:
        return self.vm.state

    # --- money ------------------------------------------------------------------------------

    def holds_money(self) -> bool:
        state = flow_state(self.s.flow)
        if self.s.flow is None or state in ("done", "cancelled"):
            return False
        return state in MONEY_STATES or self.s.paid_fen > 0

    def abandon(self) -> None:
        """The session ends: a sale not yet paid releases its number; one with cash in ends in
        the flow's voucher; one issuing finishes by itself on the core thread."""
        flow = self.s.flow
        if flow is not None and flow_state(flow) in CANCELLABLE:
            self.vm.ctx.bridge.submit(flow.cancel, lambda e: log.error("not cancelled: %r", e))

    def walked_away(self) -> None:
        if self.can_stop():
            self.stop_with_voucher()  # part-paid and gone: the flow prints their voucher

    # --- identity ---------------------------------------------------------------------------

    def ready(self, flow: SimSaleFlow) -> None:
        self.s.flow = flow
        self.vm.start_timer()
        self.vm.await_id_card("sim.put_id_card")

    def forget_card(self) -> None:
        self.s.check, self.s.check_error, self.s.record = None, "", None
        self.vm.refresh()

    def check_identity(self, record: IdCardRecord) -> None:
        flow, session = self.s.flow, self.vm.nav.session
        if flow is None:
            return

        def check() -> Any:
            if session is not None:
                session.present_id_card(record)  # the session drops it when it ends
            return flow.check_identity(record, date.today())

        self.vm.call(check, self._checked, self._check_refused)

    def _checked(self, check: Any) -> None:
        self.s.check, self.s.check_error = check, ""
        self.vm.refresh()
        self.vm.nav.go("sim.check", "sim.check_passed")

    def _check_refused(self, error: BaseException) -> None:
        if isinstance(error, JournalError):
            self.vm.show_error(error)
            return
        self.s.check, self.s.check_error = None, message_key(error)
        self.vm.refresh()
        self.vm.nav.go("sim.check", message_key(error))

    # --- the number -------------------------------------------------------------------------

    def to_numbers(self) -> None:
        if self.s.check is not None:
            self.vm.nav.go("sim.numbers", "sim.choose_number")
            self.load(1)

    def load(self, page_no: int) -> None:
        flow = self.s.flow
        if flow is None:
            return
        query = self.s.filters.query(page_no)

        def loaded(page: Any) -> None:
            self.s.page, self.s.page_no = page, page_no
            self.vm.refresh()
            if self.vm.nav.screen == "sim.numbers" and not self.s.reservation:
                self.vm.nav.show_message("sim.choose_number" if page.total else "sim.no_numbers")

        self.vm.call(lambda: flow.numbers(**query), loaded)

    def turn_page(self, by: int) -> None:
        target = self.s.page_no + by
        if 1 <= target <= page_count(self.s.page):
            self.load(target)

    def _filters(self, filters: NumberFilters, search: bool) -> None:
        self.s.filters = filters
        self.vm.refresh()
        if search:
            self.load(1)

    def filter_digit(self, digit: str) -> None:
        f = self.s.filters
        typed = FILTER_ENTRY.press(f.digits, digit)
        if typed != f.digits:
            self._filters(replace(f, digits=typed), False)

    def filter_backspace(self) -> None:
        f = self.s.filters
        self._filters(replace(f, digits=FILTER_ENTRY.backspace(f.digits)), False)

    def filter_clear(self) -> None:
        self._filters(replace(self.s.filters, digits=FILTER_ENTRY.clear()), True)

    def toggle_no_four(self) -> None:
        self._filters(replace(self.s.filters, no_four=not self.s.filters.no_four), True)

    def set_band(self, band: str) -> None:
        if band in PRICE_BANDS:
            self._filters(replace(self.s.filters, band=band), True)

    def set_match(self, match: str) -> None:
        """The typed digits anywhere in the number ("contains") or as its ending ("ends")."""
        f = self.s.filters
        if match in DIGIT_MATCHES and match != f.match:
            self._filters(replace(f, match=match), bool(f.digits))

    def choose(self, msisdn: str) -> None:
        flow = self.s.flow
        if flow is None or flow_state(flow) not in ("checked", "reserved"):
            return

        def refused(error: BaseException) -> None:
            self.vm.show_error(error)
            if not isinstance(error, JournalError):
                self.load(self.s.page_no)  # taken meanwhile: show what is still free

        self.vm.call(lambda: flow.reserve(msisdn), self._reserved, refused)

    def _reserved(self, reservation: Any) -> None:
        self.s.reservation = reservation
        self.s.seconds_left = seconds_until(reservation.expires_at)
        self.vm.refresh()
        self.vm.nav.show_message("sim.number_reserved")

    def confirm_number(self) -> None:
        if self.s.reservation is None:
            self.vm.nav.show_message("sim.choose_number")
            return
        self.s.read_to_end, self.s.strokes = False, []
        self.vm.refresh()
        self.vm.nav.go("sim.agreement", "sim.read_agreement")

    def tick(self) -> bool:
        """The reservation's countdown (True: it changed). Run out before any money: choose
        again — with a new check of the card already shown, as an agreed sale cannot."""
        s = self.s
        if s.reservation is None or s.flow is None:
            return False
        left = seconds_until(s.reservation.expires_at)
        changed, s.seconds_left = left != s.seconds_left, left
        if left == 0 and not s.issuing and not self.holds_money():
            self._expired()
        return changed

    def _expired(self) -> None:
        s, record, old = self.s, self.s.record, self.s.flow
        s.reservation = None
        if old is not None and flow_state(old) == "reserved":
            self.vm.refresh()
            self.vm.nav.go("sim.numbers", "sim.reservation_expired")
            self.load(1)
            return
        self.abandon()
        s.flow, s.intake, s.method = None, None, ""
        self.vm.refresh()
        if record is None:
            self.vm.nav.go("sim.check", "sim.reservation_expired")
            return
        app = self.vm.app

        def again() -> tuple[SimSaleFlow, Any]:
            flow = app.new_sim_sale()
            return flow, flow.check_identity(record, date.today())

        def ready(result: tuple[SimSaleFlow, Any]) -> None:
            self.s.flow, self.s.check = result
            self.vm.nav.go("sim.numbers", "sim.reservation_expired")
            self.load(1)

        self.vm.call(again, ready, self._check_refused)

    # --- the agreement ----------------------------------------------------------------------

    def read_to_end(self, at_end: bool) -> None:
        if at_end and not self.s.read_to_end:
            self.s.read_to_end = True
            self.vm.refresh()
            if self.vm.nav.screen == "sim.agreement":
                self.vm.nav.show_message("sim.sign_below")

    def add_stroke(self, points: list[Any]) -> None:
        try:
            values = [float(v) for v in points]
        except (TypeError, ValueError):
            return
        stroke = list(zip(values[0::2], values[1::2], strict=False))
        if len(stroke) >= 2:  # a tap is a dot, not a line of a signature
            self.s.strokes.append(stroke)
            self.vm.refresh()

    def can_agree(self) -> bool:
        return self.s.read_to_end and bool(self.s.strokes) and self.s.reservation is not None

    def agree(self) -> None:
        flow = self.s.flow
        if flow is None or not self.can_agree() or flow_state(flow) != "reserved":
            self.vm.nav.show_message("sim.read_agreement")
            return
        try:  # the strokes as the core keeps them: sealed, sent to central with the sale
            signature = encode_strokes(self.s.strokes)
        except SignatureError:
            self.vm.nav.show_message("sim.signature_invalid")
            return
        self.vm.call(lambda: flow.accept_agreement(signature), lambda _r: self._agreed())

    def _agreed(self) -> None:
        flow = self.s.flow
        if flow is None:
            return
        if self.s.price_fen == 0:  # a free number: nothing to pay, on to the card
            self.s.method = "cash"

            def free() -> int:
                flow.start_cash()
                return flow.finish_payment()

            self.vm.call(free, lambda _paid: self._issue(), self._after_payment_error)
            return
        if self.card_offered():
            self.vm.nav.go("sim.pay", "sim.choose_payment")
        else:
            self.vm.nav.go("sim.pay", "sim.insert_cash")
            self.pay_cash()

    # --- payment ----------------------------------------------------------------------------

    def card_offered(self) -> bool:
        flow = self.s.flow
        if flow is None or not flow.accepts_card:  # the app gave the sale no card terminal
            return False
        health = self.vm.app.device_health().get("card_terminal")
        return health is not None and health.usable

    def can_stop(self) -> bool:
        s = self.s
        paying = flow_state(s.flow) == "paying" and s.intake is not None
        return paying and 0 < s.paid_fen < s.price_fen

    def pay_cash(self) -> None:
        flow = self.s.flow
        if flow is None or flow_state(flow) != "agreed" or self.s.method == "card":
            return
        self.s.method = "cash"
        self.vm.refresh()
        on_change = self.vm.later(self._cash_changed)  # called on the acceptor's thread
        self.vm.call(lambda: flow.start_cash(on_change), self._cash_started)

    def _cash_started(self, intake: Any) -> None:
        self.s.intake = intake
        self.vm.refresh()
        self.vm.nav.show_message("sim.insert_cash")

    def _cash_changed(self, key: str) -> None:
        self.vm.refresh()
        self.vm.nav.show_message(key)
        flow = self.s.flow
        if key == "cash.paid" and flow is not None and flow_state(flow) == "paying":
            self.vm.call(flow.finish_payment, lambda _paid: self._issue(),
                         self._after_payment_error)  # fmt: skip

    def stop_with_voucher(self) -> None:
        """Part-paid and cannot pay the rest: the flow prints a voucher for what is in."""
        flow = self.s.flow
        if flow is None or not self.can_stop():
            return
        self.vm.call(flow.cancel, lambda _r: self._closed_after_payment(None),
                     self._after_payment_error)  # fmt: skip

    def pay_card(self) -> None:
        flow = self.s.flow
        if flow is None or flow_state(flow) != "agreed" or not self.card_offered():
            return
        self.s.method, self.s.card_stage = "card", "sim.card_waiting"
        self.vm.refresh()
        self.vm.nav.show_message("sim.card_waiting")
        progress = self.vm.later(self.card_progress)  # called on the terminal's thread
        self.vm.background(lambda: flow.pay_card(progress), self._card_outcome,
                           self._after_payment_error)  # fmt: skip

    def cash_offered(self) -> bool:
        return True  # the sale's flow always has the acceptor (pay_card is the extra)

    def check_card(self) -> None:
        flow = self.s.flow
        if flow is not None and self.s.card_in_doubt:
            self.vm.call(flow.check_card, self._card_outcome)

    def card_progress(self, stage: PaymentStage) -> None:
        key = CARD_STAGE_KEYS.get(stage, "sim.card_authorising")
        self.s.card_stage = key
        self.vm.refresh()
        self.vm.nav.show_message(key)

    def _card_outcome(self, outcome: CardOutcome) -> None:
        s = self.s
        s.card_in_doubt = isinstance(outcome, CardInDoubt)
        if isinstance(outcome, CardApproved):
            s.card_paid_fen, s.card_stage = outcome.amount_fen, ""
            self._issue()
            return
        if s.card_in_doubt:
            s.card_stage, key = "sim.card_in_doubt", "sim.card_in_doubt"
        else:  # refused or cancelled: pay again, in cash, or cancel
            s.method, s.card_stage = "", ""
            cancelled = isinstance(outcome, CardCancelled)
            key = "sim.card_cancelled" if cancelled else "sim.card_declined"
        self.vm.refresh()
        self.vm.nav.show_message(key)

    # --- the card's journey -----------------------------------------------------------------

    def _issue(self) -> None:
        flow = self.s.flow
        if flow is None:
            return
        self.s.issuing, self.s.step = True, 0
        self.vm.refresh()
        self.vm.nav.go("sim.progress", "sim.issuing")
        self.vm.background(flow.issue, self._sold, self._after_payment_error)

    def _sold(self, iccid: str) -> None:
        s = self.s
        s.issuing, s.step, s.outcome = False, 3, "sold"
        s.iccid, s.msisdn = iccid, s.reservation.msisdn if s.reservation else ""
        self.vm.refresh()
        self.vm.nav.go("sim.result", "sim.take_card")

    def _after_payment_error(self, error: BaseException) -> None:
        """Anything that went wrong once money may have been taken: the flow has already
        vouchered or refunded it (or the kiosk is out of service and recovery takes over)."""
        s = self.s
        s.issuing = False
        if isinstance(error, JournalError):
            self.vm.show_error(error)
            return
        if flow_state(s.flow) != "done":  # a refusal before any money was taken
            self.vm.refresh()
            self.vm.show_error(error)
            return
        s.captured = bool(getattr(error, "captured", False))
        self._closed_after_payment(message_key(error))

    def _closed_after_payment(self, reason: str | None) -> None:
        s = self.s
        s.issuing = False
        s.voucher_fen = s.flow.voucher_fen if s.flow is not None else 0
        s.outcome_key = reason or ""
        if s.voucher_fen:
            s.outcome, key = "voucher", "sim.voucher_printed"
        elif s.paid_fen:
            s.outcome, key = "refunded", "sim.refunded"
        else:
            s.outcome, key = "failed", "sim.issue_failed"
        self.vm.refresh()
        self.vm.nav.go("sim.result", key)
