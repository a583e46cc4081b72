"""The SIM screens' view-model: SIM sale (选号入网) and SIM replacement (补换卡), thin over
kiosk/flows/sim_sale.py and sim_replacement.py.

Sale: ID card on the reader → real-name check → number picker (reserved, with its countdown) →
agreement read to the end and signed → pay (cash, or a bank card when the flow offers one) →
write, verify, dispense → result ("take your SIM card", or the voucher/refund after payment).
Replacement: logged in (nav.require_auth) and the ID card as proof → confirm (the fee shown) →
the fee paid in cash or by card when there is one (the same pay screen) → the card's journey,
its steps polled from the flow's state → result. Every decision is the flows'; the view-model
moves between screens, keeps what the screens show (SimState), and never drops money: with cash
in, the sale (or the fee) goes on or ends in the flow's voucher. The steps are in
sim_sale_steps.py and sim_replacement_steps.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from drivers.interfaces import IdCardRecord, mask_name
from kiosk.errors import JournalError, KioskError
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile, mask_mobile
from ui.features.base import FeatureViewModel, UiContext
from ui.features.sim_preview import fill_preview
from ui.features.sim_replacement_steps import ReplacementSteps
from ui.features.sim_sale_steps import SaleSteps, message_key
from ui.features.sim_state import SimState
from ui.features.sim_support import IdCardWatch, clock_text, number_rows, page_count, step_of

log = logging.getLogger(__name__)

TICK_MS = 250  # the reservation countdown and the card's progress


class SimViewModel(FeatureViewModel):
    name = "sim"
    screens: ClassVar[dict[str, str]] = {
        "sim.idcard": "sim/IdCardScreen.qml",
        "sim.check": "sim/CheckScreen.qml",
        "sim.numbers": "sim/NumberScreen.qml",
        "sim.agreement": "sim/AgreementScreen.qml",
        "sim.pay": "sim/PayScreen.qml",
        "sim.replace": "sim/ReplaceScreen.qml",
        "sim.progress": "sim/ProgressScreen.qml",
        "sim.result": "sim/ResultScreen.qml",
    }
    services = ("sim.sale", "sim.replacement")
    finish_screens = frozenset({"sim.result"})
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.state = SimState()
        self.sale = SaleSteps(self)
        self.replacement = ReplacementSteps(self)
        self._watch: IdCardWatch | None = None
        self._generation = 0  # bumped by reset(): a late answer for the last customer is dropped
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # --- properties (all read from SimState) ------------------------------------------------

    def _customer_number(self) -> str:
        session = self.nav.session
        customer = session.customer if session is not None else None
        return mask_mobile(customer.msisdn) if customer is not None else ""

    def _result_number(self) -> str:
        number = self.state.msisdn
        return group_mobile(number) if self.state.mode == "sale" else mask_mobile(number)

    def _masked_id(self) -> str:
        check, record = self.state.check, self.state.record
        if check is not None:
            return check.id_masked
        return record.masked_id_number if record is not None else ""

    def _numbers(self) -> list[dict[str, Any]]:
        s = self.state
        selected = s.reservation.msisdn if s.reservation is not None else ""
        return number_rows(s.page, selected) if s.page is not None else []

    # fmt: off
    mode = Property(str, lambda self: self.state.mode, notify=changed)
    maskedName = Property(str, lambda self: mask_name(self.state.record.name) if self.state.record else "", notify=changed)  # noqa: E501, N815
    maskedId = Property(str, _masked_id, notify=changed)  # noqa: N815
    checkOk = Property(bool, lambda self: self.state.check is not None, notify=changed)  # noqa: N815
    checkError = Property(str, lambda self: self.state.check_error, notify=changed)  # noqa: N815
    linesOwned = Property(int, lambda self: self.state.check.lines_owned if self.state.check else 0, notify=changed)  # noqa: E501, N815
    linesAllowed = Property(int, lambda self: self.state.check.lines_allowed if self.state.check else 0, notify=changed)  # noqa: E501, N815
    numbers = Property("QVariantList", _numbers, notify=changed)
    pageNo = Property(int, lambda self: self.state.page_no, notify=changed)  # noqa: N815
    pageCount = Property(int, lambda self: page_count(self.state.page), notify=changed)  # noqa: N815
    totalNumbers = Property(int, lambda self: self.state.page.total if self.state.page else 0, notify=changed)  # noqa: E501, N815
    filterDigits = Property(str, lambda self: self.state.filters.digits, notify=changed)  # noqa: N815
    noFour = Property(bool, lambda self: self.state.filters.no_four, notify=changed)  # noqa: N815
    band = Property(str, lambda self: self.state.filters.band, notify=changed)
    digitMatch = Property(str, lambda self: self.state.filters.match, notify=changed)  # noqa: N815
    reserved = Property(bool, lambda self: self.state.reservation is not None, notify=changed)
    reservedDisplay = Property(str, lambda self: group_mobile(self.state.reservation.msisdn) if self.state.reservation else "", notify=changed)  # noqa: E501, N815
    countdownText = Property(str, lambda self: clock_text(self.state.seconds_left), notify=changed)  # noqa: N815
    secondsLeft = Property(int, lambda self: self.state.seconds_left, notify=changed)  # noqa: N815
    readToEnd = Property(bool, lambda self: self.state.read_to_end, notify=changed)  # noqa: N815
    signed = Property(bool, lambda self: bool(self.state.strokes), notify=changed)
    canAgree = Property(bool, lambda self: self.sale.can_agree(), notify=changed)  # noqa: N815
    priceFen = Property(int, lambda self: self.state.price_fen, notify=changed)  # noqa: N815
    priceText = Property(str, lambda self: format_cny(self.state.price_fen), notify=changed)  # noqa: N815
    paidFen = Property(int, lambda self: self.state.paid_fen, notify=changed)  # noqa: N815
    paidText = Property(str, lambda self: format_cny(self.state.paid_fen), notify=changed)  # noqa: N815
    owedText = Property(str, lambda self: format_cny(max(self.state.price_fen - self.state.paid_fen, 0)), notify=changed)  # noqa: E501, N815
    noteCount = Property(int, lambda self: len(self.state.intake.notes_fen) if self.state.intake else 0, notify=changed)  # noqa: E501, N815
    cardOffered = Property(bool, lambda self: self.steps().card_offered(), notify=changed)  # noqa: N815
    cashOffered = Property(bool, lambda self: self.steps().cash_offered(), notify=changed)  # noqa: N815
    method = Property(str, lambda self: self.state.method, notify=changed)
    cardStage = Property(str, lambda self: self.state.card_stage, notify=changed)  # noqa: N815
    cardInDoubt = Property(bool, lambda self: self.state.card_in_doubt, notify=changed)  # noqa: N815
    canStop = Property(bool, lambda self: self.steps().can_stop(), notify=changed)  # noqa: N815
    step = Property(int, lambda self: self.state.step, notify=changed)
    outcome = Property(str, lambda self: self.state.outcome, notify=changed)
    outcomeKey = Property(str, lambda self: self.state.outcome_key, notify=changed)  # noqa: N815
    resultNumber = Property(str, _result_number, notify=changed)  # noqa: N815
    voucherText = Property(str, lambda self: format_cny(self.state.voucher_fen), notify=changed)  # noqa: N815
    refundText = Property(str, lambda self: format_cny(self.state.paid_fen), notify=changed)  # noqa: N815
    captured = Property(bool, lambda self: self.state.captured, notify=changed)
    customerNumber = Property(str, _customer_number, notify=changed)  # noqa: N815
    simulator = Property(bool, lambda self: self.app.simulator_controls is not None, constant=True)
    # fmt: on

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        self.reset()
        if key == "sim.replacement":
            self.state.mode = "replacement"
            self.nav.require_auth(self.replacement.authed)
            return
        self.state.mode = "sale"
        self.call(self.app.new_sim_sale, self.sale.ready,
                  lambda e: self.nav.go("out_of_service", message_key(e)))  # fmt: skip

    def reset(self) -> None:
        self._generation += 1
        self.stop_watch()
        self._timer.stop()
        self.sale.abandon()  # before money: the number goes back; with cash in: a voucher
        self.state = SimState()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen == "sim.check":
            self.sale.forget_card()
            self.await_id_card("sim.put_id_card")
        elif screen == "sim.numbers":
            self.nav.go("sim.check", "sim.check_passed")
        elif screen == "sim.agreement":
            self.nav.go("sim.numbers", "sim.choose_number")
        return screen not in ("sim.idcard", "sim.replace")  # those: back to the menu

    def can_back(self, screen: str) -> bool:
        return screen in ("sim.idcard", "sim.check", "sim.numbers", "sim.agreement",
                          "sim.replace")  # fmt: skip

    def cancel(self, screen: str) -> bool:
        if self.holds_money() or self.state.issuing:
            self.nav.show_message("sim.cannot_cancel_with_money")
            return True
        return False

    def can_cancel(self, screen: str) -> bool:
        return screen == "sim.result" or not (self.holds_money() or self.state.issuing)

    def steps(self) -> SaleSteps | ReplacementSteps:
        """The steps of the service under way (the pay screen serves both)."""
        return self.replacement if self.state.mode == "replacement" else self.sale

    def holds_money(self) -> bool:
        return self.steps().holds_money()

    def on_idle(self, screen: str) -> bool:
        self.steps().walked_away()
        return True  # vouchered, left to the kiosk to settle, or issuing (or about to)

    def preview(self, screen: str) -> None:
        fill_preview(self.state, screen)
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return self.state.held()

    def shutdown(self) -> None:
        self.stop_watch()
        self._timer.stop()

    # --- core calls, for this view-model and its steps -------------------------------------

    def refresh(self) -> None:
        self.changed.emit()

    def _guard(self, fn: Callable[[Any], None] | None) -> Callable[[Any], None]:
        generation = self._generation

        def call(value: Any) -> None:
            if fn is not None and generation == self._generation:
                fn(value)

        return call

    def call(
        self,
        work: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A short core call with the busy indicator (central, the journal)."""
        self.nav.run(work, self._guard(on_result), self._guard(on_error or self.show_error))

    def background(
        self,
        work: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """A long core call whose progress the screen shows itself (no busy overlay)."""
        done, failed = self._guard(on_result), self._guard(on_error)
        future = self.ctx.bridge.submit(work, failed)
        future.add_done_callback(
            lambda f: f.exception() is None and self.ctx.bridge.post(lambda: done(f.result()))
        )

    def later(self, fn: Callable[..., None]) -> Callable[..., None]:
        """Made on the GUI thread, called from another (a device's): `fn(*args)` runs on the
        GUI thread — unless the customer it was made for has gone meanwhile."""
        generation = self._generation

        def run(*args: Any) -> None:
            if generation == self._generation:
                fn(*args)

        return lambda *args: self.nav.post(lambda: run(*args))

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, JournalError):
            self.nav.go("out_of_service", error.message_key)
            return
        if not isinstance(error, KioskError):
            log.error("core error: %r", error)
        self.nav.show_message(message_key(error))

    def start_timer(self) -> None:
        self._timer.start()

    def _tick(self) -> None:
        s = self.state
        changed = self.sale.tick()
        if s.issuing:
            step = step_of(s.replacement if s.mode == "replacement" else s.flow)
            if step > s.step:
                s.step, changed = step, True
        if changed:
            self.changed.emit()

    # --- the ID card ------------------------------------------------------------------------

    def await_id_card(self, key: str) -> None:
        self.stop_watch()
        self.nav.go("sim.idcard", key)
        tap = self.app.ops.id_cards
        self._watch = IdCardWatch(tap, self.later(self._id_read), self.later(self._id_error))

    def stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def _id_error(self, key: str) -> None:
        if self.nav.screen == "sim.idcard":
            self.nav.show_message(key)

    def _id_read(self, record: IdCardRecord) -> None:
        if self.nav.screen != "sim.idcard":
            return
        self.stop_watch()
        self.state.record = record
        self.changed.emit()
        if self.state.mode == "sale":
            self.sale.check_identity(record)
        else:
            self.replacement.prove_owner(record)

    # --- slots of the sale's screens (SaleSteps does the work) -----------------------------

    @Slot()
    def retryIdCard(self) -> None:  # noqa: N802
        self.sale.forget_card()
        self.await_id_card("sim.put_id_card")

    @Slot()
    def toNumbers(self) -> None:  # noqa: N802
        self.sale.to_numbers()

    @Slot(str)
    def filterDigit(self, digit: str) -> None:  # noqa: N802
        self.sale.filter_digit(digit)

    @Slot()
    def filterBackspace(self) -> None:  # noqa: N802
        self.sale.filter_backspace()

    @Slot()
    def filterClear(self) -> None:  # noqa: N802
        self.sale.filter_clear()

    @Slot()
    def toggleNoFour(self) -> None:  # noqa: N802
        self.sale.toggle_no_four()

    @Slot(str)
    def setBand(self, band: str) -> None:  # noqa: N802
        self.sale.set_band(band)

    @Slot(str)
    def setMatch(self, match: str) -> None:  # noqa: N802
        self.sale.set_match(match)

    @Slot()
    def search(self) -> None:
        self.sale.load(1)

    @Slot()
    def nextPage(self) -> None:  # noqa: N802
        self.sale.turn_page(+1)

    @Slot()
    def previousPage(self) -> None:  # noqa: N802
        self.sale.turn_page(-1)

    @Slot(str)
    def chooseNumber(self, msisdn: str) -> None:  # noqa: N802
        self.sale.choose(msisdn)

    @Slot()
    def confirmNumber(self) -> None:  # noqa: N802
        self.sale.confirm_number()

    @Slot(bool)
    def setReadToEnd(self, at_end: bool) -> None:  # noqa: N802
        self.sale.read_to_end(at_end)

    @Slot("QVariantList")
    def addStroke(self, points: list[Any]) -> None:  # noqa: N802
        """One finger stroke of the signature: [x0, y0, x1, y1, …] in the pad's 0–1 units."""
        self.sale.add_stroke(points)

    @Slot()
    def clearSignature(self) -> None:  # noqa: N802
        self.state.strokes = []
        self.changed.emit()

    @Slot()
    def agree(self) -> None:
        self.sale.agree()

    @Slot()
    def payCash(self) -> None:  # noqa: N802
        self.steps().pay_cash()

    @Slot(int)
    def insertNote(self, denomination_fen: int) -> None:  # noqa: N802
        """Simulator only: put a note into the simulated acceptor."""
        controls = self.app.simulator_controls
        if controls is not None:
            controls.insert_note(denomination_fen)

    @Slot()
    def stopWithVoucher(self) -> None:  # noqa: N802
        self.steps().stop_with_voucher()

    @Slot()
    def payByCard(self) -> None:  # noqa: N802
        self.steps().pay_card()

    @Slot()
    def checkCard(self) -> None:  # noqa: N802
        self.steps().check_card()

    @Slot()
    def confirmReplacement(self) -> None:  # noqa: N802
        self.replacement.start()
