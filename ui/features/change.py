"""The change screens' view-model: plan change (套餐变更) and service on/off (业务开通/取消),
each confirmed by a second SMS code (over kiosk/flows/change.py, through app.desk.change).

Screens: the customer's plan and the plans to choose from (`change.plans`), the value-added
services with their on/off state (`change.services`), a confirmation page that says exactly what
will change and takes the texted code (`change.confirm`), and the result (`change.result`).
Every call to central runs on the core thread (nav.run); the flow's snapshot is read there too,
never on the GUI thread (the flow holds its lock while it waits for central). This class loads
the lists; the change under way is change_confirm.py's, rows in change_rows.py, example data in
change_preview.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.central_models import Balance, Catalogue, ChangeDone, Plan
from kiosk.errors import KioskError
from kiosk.flows.change import ChangeRequest, ChangeSnapshot, State
from kiosk.msisdn import mask_mobile
from ui.features.base import FeatureViewModel, UiContext
from ui.features.change_confirm import (
    CONFIRM_SCREEN,
    LIST_PROMPT,
    LIST_SCREEN,
    PLANS_SCREEN,
    RESULT_SCREEN,
    SERVICES_SCREEN,
    ChangeConfirmation,
    cancel_quietly,
)
from ui.features.change_preview import PREVIEW_BALANCE, PREVIEW_CATALOGUE, PREVIEW_CONFIRMATION
from ui.features.change_rows import plan_row, result_row, service_row, target_row

log = logging.getLogger(__name__)


class ChangeViewModel(FeatureViewModel):
    name = "change"
    screens: ClassVar[dict[str, str]] = {
        PLANS_SCREEN: "change/ChangePlansScreen.qml",
        SERVICES_SCREEN: "change/ChangeServicesScreen.qml",
        CONFIRM_SCREEN: "change/ChangeConfirmScreen.qml",
        RESULT_SCREEN: "change/ChangeResultScreen.qml",
    }
    services = ("change.plan", "change.service")
    finish_screens = frozenset({RESULT_SCREEN})
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._generation = 0  # bumped on reset: a late answer of an ended session is dropped
        self._kind = ""
        self._catalogue: Catalogue | None = None
        self._balance: Balance | None = None
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._change = ChangeConfirmation(self, self._timer)
        self._timer.timeout.connect(self._change.tick)

    # --- properties -------------------------------------------------------------------------

    def _current_plan(self) -> Plan | None:
        return self._balance.plan if self._balance is not None else None

    def _get_current_plan(self) -> dict[str, Any]:
        plan = self._current_plan()
        return {} if plan is None else plan_row(plan, plan)

    def _get_plans(self) -> list[dict[str, Any]]:
        if self._catalogue is None or self._balance is None:
            return []
        return [plan_row(p, self._balance.plan) for p in self._catalogue.plans]

    def _get_services(self) -> list[dict[str, Any]]:
        if self._catalogue is None or self._balance is None:
            return []
        have = {s.code for s in self._balance.services}
        return [service_row(s, s.code in have) for s in self._catalogue.services]

    def _get_target(self) -> dict[str, Any]:
        return target_row(self._change.request, self._catalogue, self._current_plan())

    def _get_result(self) -> dict[str, Any]:
        return result_row(self._change.done, self._change.request, self._catalogue)

    def _get_suspended(self) -> bool:
        # A suspended line's plan and services cannot change (central refuses with
        # account.suspended): the screens say so before a tap, and offer to pay the bill.
        return self._balance is not None and self._balance.status == "suspended"

    def _get_phone(self) -> str:
        session = self.nav.session
        customer = session.customer if session is not None else None
        return mask_mobile(customer.msisdn) if customer is not None else ""

    kind = Property(str, lambda self: self._kind, notify=changed)
    currentPlan = Property("QVariantMap", _get_current_plan, notify=changed)  # noqa: N815
    plans = Property("QVariantList", _get_plans, notify=changed)
    serviceList = Property("QVariantList", _get_services, notify=changed)  # noqa: N815
    target = Property("QVariantMap", _get_target, notify=changed)
    summaryZh = Property(str, lambda self: self._change.summary()[0], notify=changed)  # noqa: N815
    summaryEn = Property(str, lambda self: self._change.summary()[1], notify=changed)  # noqa: N815
    codeSent = Property(bool, lambda self: self._change.code_sent(), notify=changed)  # noqa: N815
    confirming = Property(bool, lambda self: self._change.confirming(), notify=changed)
    digits = Property(str, lambda self: self._change.digits, notify=changed)
    canConfirm = Property(bool, lambda self: self._change.can_confirm(), notify=changed)  # noqa: N815
    canSend = Property(bool, lambda self: self._change.can_send(), notify=changed)  # noqa: N815
    resendSeconds = Property(int, lambda self: self._change.resend_left, notify=changed)  # noqa: N815
    attemptsLeft = Property(int, lambda self: self._change.attempts_left, notify=changed)  # noqa: N815
    phone = Property(str, _get_phone, notify=changed)
    suspended = Property(bool, _get_suspended, notify=changed)
    busy = Property(bool, lambda self: self._busy, notify=changed)
    result = Property("QVariantMap", _get_result, notify=changed)
    txnRef = Property(str, lambda self: self._change.txn_ref(), notify=changed)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        if key not in LIST_SCREEN:
            raise NotImplementedError(key)
        self.nav.require_auth(lambda: self.open_list(key))

    def reset(self) -> None:
        flow, state = self._change.flow, self._change.state()
        if flow is not None and state in (State.NEW, State.AWAITING_CODE):
            self.ctx.bridge.submit(lambda: cancel_quietly(flow))
        self._generation += 1
        self._timer.stop()
        self._kind = ""
        self._catalogue = self._balance = None
        self._change.clear()
        if self._busy:
            self._busy = False
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen == CONFIRM_SCREEN:
            self._change.abandon()
            return True
        return False  # the lists and the result: back to the menu

    def can_back(self, screen: str) -> bool:
        # Once the code is on its way to central the change may be applied: no going back, the
        # customer confirms again (the same code gets central's first answer) or ends the session.
        return not self._busy and not (screen == CONFIRM_SCREEN and self._change.confirming())

    def can_cancel(self, screen: str) -> bool:
        return screen == RESULT_SCREEN or not self._busy

    def preview(self, screen: str) -> None:
        change = self._change
        self._catalogue = PREVIEW_CATALOGUE
        self._balance = PREVIEW_BALANCE
        self._kind = "change.service" if screen == SERVICES_SCREEN else "change.plan"
        change.request = ChangeRequest("change.plan", "P128")
        if screen in (CONFIRM_SCREEN, RESULT_SCREEN):
            change.snap = ChangeSnapshot(
                State.AWAITING_CODE, "preview", change.request, confirmation=PREVIEW_CONFIRMATION
            )
            change.digits = "1234"
            change.resend_left = 42
        if screen == RESULT_SCREEN:
            change.done = ChangeDone(
                confirmation_id="preview", msisdn="13800138000", plan_code="P128",
                services=("CALLER_ID",),
            )  # fmt: skip
            change.snap = ChangeSnapshot(State.DONE, "preview", change.request, done=change.done)
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        change = self._change
        return {
            "balance": self._balance,
            "request": change.request,
            "flow": change.flow,
            "snapshot": change.snap,
            "digits": change.digits,
            "done": change.done,
            "attempts_left": max(change.attempts_left, 0),
        }

    def shutdown(self) -> None:
        self._timer.stop()

    # --- the lists --------------------------------------------------------------------------

    def open_list(self, kind: str, message_key: str = "") -> None:
        """Load the catalogue and the customer's plan and services, then show `kind`'s list."""
        api, session = self.app.api, self.nav.session
        if api is None or session is None:
            self.nav.go("menu", "session.required")
            return
        generation = self._generation

        def load() -> tuple[Catalogue, Balance]:
            return api.catalogue(), session.call(api.balance)

        def loaded(answer: tuple[Catalogue, Balance]) -> None:
            if generation != self._generation:
                return
            self._catalogue, self._balance = answer
            self._kind = kind
            self._change.clear()
            self._timer.stop()
            self.changed.emit()
            self.nav.go(LIST_SCREEN[kind], message_key or LIST_PROMPT[kind])

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            key = error.message_key if isinstance(error, KioskError) else "error.generic"
            if not isinstance(error, KioskError):
                log.error("loading the change lists failed: %r", error)
            if self.nav.screen in (PLANS_SCREEN, SERVICES_SCREEN, CONFIRM_SCREEN):
                self.nav.go(LIST_SCREEN[kind], key)  # the list as last loaded, with the reason
            else:
                self.nav.go("menu", key)

        self.nav.run(load, loaded, failed)

    @Slot(str)
    def choosePlan(self, code: str) -> None:  # noqa: N802
        plan = self._current_plan()
        if self._busy or plan is None:
            return
        if code == plan.code:
            self.nav.show_message("plan.already_current")
            return
        self._change.begin(ChangeRequest("change.plan", code))

    @Slot(str)
    def toggleService(self, code: str) -> None:  # noqa: N802
        if self._busy or self._balance is None:
            return
        on = code in {s.code for s in self._balance.services}
        self._change.begin(ChangeRequest("change.service", code, active=not on))

    # --- slots: the confirmation ------------------------------------------------------------

    @Slot()
    def sendCode(self) -> None:  # noqa: N802
        self._change.send_code()

    @Slot()
    def confirmCode(self) -> None:  # noqa: N802
        self._change.confirm()

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        self._change.press(digit)

    @Slot()
    def backspace(self) -> None:
        self._change.backspace()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._change.clear_digits()

    # --- for the confirmation: the list shown, busy, the generation, errors -----------------

    @property
    def list_kind(self) -> str:
        """The list the customer came from ("change.plan" or "change.service")."""
        return self._kind

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def is_busy(self) -> bool:
        return self._busy

    def set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.changed.emit()

    def failed(self, generation: int) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self.set_busy(False)
            if generation != self._generation:
                return
            if isinstance(error, KioskError):
                self.nav.show_message(error.message_key)
            else:
                log.error("change: core error %r", error)
                self.nav.show_message("error.generic")

        return failed
