"""The change screens' view-model: plan change (套餐变更) and service on/off (业务开通/取消),
each confirmed by a second SMS code (over kiosk/flows/change.py, through app.desk.change).

Screens: the customer's plan and the plans to choose from (`change.plans`), the value-added
services with their on/off state (`change.services`), a confirmation page that says exactly what
will change and takes the texted code (`change.confirm`), and the result (`change.result`).
Every call to central runs on the core thread (nav.run); the flow's snapshot is read there too,
never on the GUI thread (the flow holds its lock while it waits for central).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.central_models import (
    Balance,
    Catalogue,
    ChangeDone,
    Confirmation,
    Plan,
    ValueAddedService,
)
from kiosk.errors import CentralRefused, CentralUnavailable, KioskError
from kiosk.flows.change import FINAL_REFUSALS, ChangeFlow, ChangeRequest, ChangeSnapshot, State
from kiosk.money import format_cny
from kiosk.msisdn import mask_mobile
from ui.features.base import FeatureViewModel, UiContext

log = logging.getLogger(__name__)

CODE_LENGTH = 6
# Central texts one code per number a minute (its sms.too_soon refusal says how long is left).
# The confirmation answer does not carry this, so the countdown starts from central's rule.
RESEND_AFTER_S = 60
PLANS_SCREEN, SERVICES_SCREEN = "change.plans", "change.services"
CONFIRM_SCREEN, RESULT_SCREEN = "change.confirm", "change.result"
LIST_SCREEN = {"change.plan": PLANS_SCREEN, "change.service": SERVICES_SCREEN}
LIST_PROMPT = {"change.plan": "change.choose_plan", "change.service": "change.choose_service"}


def data_text(mb: int) -> str:
    """Monthly data as people read it: whole gigabytes as GB, anything else in MB."""
    if mb >= 1024 and mb % 1024 == 0:
        return f"{mb // 1024} GB"
    return f"{mb} MB"


def signed(value: int, unit: str = "") -> str:
    """A difference with its sign: +20, −5 (a real minus sign), 0 without one."""
    if value == 0:
        return "0" + unit
    return ("+" if value > 0 else "−") + f"{abs(value)}{unit}"


def signed_cny(fen: int) -> str:
    if fen == 0:
        return format_cny(0)
    return ("+" if fen > 0 else "−") + format_cny(abs(fen))


def signed_data(mb: int) -> str:
    return ("+" if mb > 0 else "−" if mb < 0 else "") + data_text(abs(mb))


def plan_row(plan: Plan, current: Plan | None) -> dict[str, Any]:
    """What a plan card shows, with what changes against the customer's plan."""
    row: dict[str, Any] = {
        "code": plan.code,
        "nameZh": plan.name_zh,
        "nameEn": plan.name_en,
        "feeText": format_cny(plan.monthly_fee_fen),
        "dataText": data_text(plan.data_mb),
        "minutes": plan.voice_min,
        "sms": plan.sms,
        "current": current is not None and plan.code == current.code,
        "feeDiff": "",
        "dataDiff": "",
        "minutesDiff": "",
    }
    if current is not None and plan.code != current.code:
        row["feeDiff"] = signed_cny(plan.monthly_fee_fen - current.monthly_fee_fen)
        row["dataDiff"] = signed_data(plan.data_mb - current.data_mb)
        row["minutesDiff"] = signed(plan.voice_min - current.voice_min)
    return row


def service_row(service: ValueAddedService, on: bool) -> dict[str, Any]:
    return {
        "code": service.code,
        "nameZh": service.name_zh,
        "nameEn": service.name_en,
        "feeText": format_cny(service.monthly_fee_fen),
        "free": service.monthly_fee_fen == 0,
        "on": on,
    }


@dataclass(frozen=True)
class _Outcome:
    """A flow call's result or error, with the snapshot read on the core thread."""

    result: Any
    error: KioskError | None
    snapshot: ChangeSnapshot


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
        self._request: ChangeRequest | None = None
        self._flow: ChangeFlow | None = None
        self._snap: ChangeSnapshot | None = None
        self._digits = ""
        self._attempts_left = -1
        self._resend_left = 0
        self._done: ChangeDone | None = None
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    # --- properties -------------------------------------------------------------------------

    def _current_plan(self) -> Plan | None:
        return self._balance.plan if self._balance is not None else None

    def _get_kind(self) -> str:
        return self._kind

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
        """The change on the confirmation page, structured for the screen to word it."""
        request, catalogue = self._request, self._catalogue
        if request is None or catalogue is None:
            return {}
        if request.kind == "change.plan":
            plan = next((p for p in catalogue.plans if p.code == request.code), None)
            if plan is None:
                return {}
            current = self._current_plan()
            return {
                "kind": request.kind,
                "to": plan_row(plan, current),
                "from": plan_row(current, current) if current is not None else {},
            }
        service = next((s for s in catalogue.services if s.code == request.code), None)
        if service is None:
            return {}
        return {"kind": request.kind, "service": service_row(service, request.active)}

    def _get_summary_zh(self) -> str:
        confirmation = self._snap.confirmation if self._snap else None
        return confirmation.summary_zh if confirmation else ""

    def _get_summary_en(self) -> str:
        confirmation = self._snap.confirmation if self._snap else None
        return confirmation.summary_en if confirmation else ""

    def _state(self) -> State | None:
        return self._snap.state if self._snap is not None else None

    def _get_code_sent(self) -> bool:
        return self._state() in (State.AWAITING_CODE, State.CONFIRMING)

    def _get_confirming(self) -> bool:
        return self._state() is State.CONFIRMING

    def _get_digits(self) -> str:
        return self._digits

    def _get_can_confirm(self) -> bool:
        return self._get_code_sent() and len(self._digits) == CODE_LENGTH and not self._busy

    def _get_can_send(self) -> bool:
        return (
            self._state() in (State.NEW, State.AWAITING_CODE)
            and self._resend_left == 0
            and not self._busy
        )

    def _get_resend_seconds(self) -> int:
        return self._resend_left

    def _get_attempts_left(self) -> int:
        return self._attempts_left

    def _get_phone(self) -> str:
        session = self.nav.session
        customer = session.customer if session is not None else None
        return mask_mobile(customer.msisdn) if customer is not None else ""

    def _get_busy(self) -> bool:
        return self._busy

    def _get_result(self) -> dict[str, Any]:
        done, request, catalogue = self._done, self._request, self._catalogue
        if done is None or request is None or catalogue is None:
            return {}
        if request.kind == "change.plan":
            plan = next((p for p in catalogue.plans if p.code == done.plan_code), None)
            names = (plan.name_zh, plan.name_en) if plan else (done.plan_code, done.plan_code)
            active = True
        else:
            service = next((s for s in catalogue.services if s.code == request.code), None)
            names = (service.name_zh, service.name_en) if service else (request.code,) * 2
            active = request.code in done.services
        return {"kind": request.kind, "nameZh": names[0], "nameEn": names[1], "on": active}

    def _get_txn_ref(self) -> str:
        return self._snap.txn_id if self._snap is not None and self._done is not None else ""

    kind = Property(str, _get_kind, notify=changed)
    currentPlan = Property("QVariantMap", _get_current_plan, notify=changed)  # noqa: N815
    plans = Property("QVariantList", _get_plans, notify=changed)
    serviceList = Property("QVariantList", _get_services, notify=changed)  # noqa: N815
    target = Property("QVariantMap", _get_target, notify=changed)
    summaryZh = Property(str, _get_summary_zh, notify=changed)  # noqa: N815
    summaryEn = Property(str, _get_summary_en, notify=changed)  # noqa: N815
    codeSent = Property(bool, _get_code_sent, notify=changed)  # noqa: N815
    confirming = Property(bool, _get_confirming, notify=changed)
    digits = Property(str, _get_digits, notify=changed)
    canConfirm = Property(bool, _get_can_confirm, notify=changed)  # noqa: N815
    canSend = Property(bool, _get_can_send, notify=changed)  # noqa: N815
    resendSeconds = Property(int, _get_resend_seconds, notify=changed)  # noqa: N815
    attemptsLeft = Property(int, _get_attempts_left, notify=changed)  # noqa: N815
    phone = Property(str, _get_phone, notify=changed)
    busy = Property(bool, _get_busy, notify=changed)
    result = Property("QVariantMap", _get_result, notify=changed)
    txnRef = Property(str, _get_txn_ref, notify=changed)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        if key not in LIST_SCREEN:
            raise NotImplementedError(key)
        self.nav.require_auth(lambda: self._open(key))

    def reset(self) -> None:
        flow, state = self._flow, self._state()
        if flow is not None and state in (State.NEW, State.AWAITING_CODE):
            self.ctx.bridge.submit(lambda: _cancel_quietly(flow))
        self._generation += 1
        self._timer.stop()
        self._kind = ""
        self._catalogue = self._balance = None
        self._drop_change()
        if self._busy:
            self._busy = False
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen == CONFIRM_SCREEN:
            self._abandon_change()
            return True
        return False  # the lists and the result: back to the menu

    def can_back(self, screen: str) -> bool:
        # Once the code is on its way to central the change may be applied: no going back, the
        # customer confirms again (the same code gets central's first answer) or ends the session.
        return not self._busy and not (screen == CONFIRM_SCREEN and self._get_confirming())

    def can_cancel(self, screen: str) -> bool:
        return screen == RESULT_SCREEN or not self._busy

    def preview(self, screen: str) -> None:
        self._catalogue = PREVIEW_CATALOGUE
        self._balance = PREVIEW_BALANCE
        self._kind = "change.service" if screen == SERVICES_SCREEN else "change.plan"
        self._request = ChangeRequest("change.plan", "P128")
        if screen in (CONFIRM_SCREEN, RESULT_SCREEN):
            self._snap = ChangeSnapshot(
                State.AWAITING_CODE, "preview", self._request, confirmation=PREVIEW_CONFIRMATION
            )
            self._digits = "1234"
            self._resend_left = 42
        if screen == RESULT_SCREEN:
            self._done = ChangeDone(
                confirmation_id="preview", msisdn="13800138000", plan_code="P128",
                services=("CALLER_ID",),
            )  # fmt: skip
            self._snap = ChangeSnapshot(State.DONE, "preview", self._request, done=self._done)
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {
            "balance": self._balance,
            "request": self._request,
            "flow": self._flow,
            "snapshot": self._snap,
            "digits": self._digits,
            "done": self._done,
            "attempts_left": max(self._attempts_left, 0),
        }

    def shutdown(self) -> None:
        self._timer.stop()

    # --- the lists --------------------------------------------------------------------------

    def _open(self, kind: str, message_key: str = "") -> None:
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
            self._drop_change()
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
        self._begin(ChangeRequest("change.plan", code))

    @Slot(str)
    def toggleService(self, code: str) -> None:  # noqa: N802
        if self._busy or self._balance is None:
            return
        on = code in {s.code for s in self._balance.services}
        self._begin(ChangeRequest("change.service", code, active=not on))

    def _begin(self, request: ChangeRequest) -> None:
        """Open the change (nothing is asked of central yet) and show what it will do."""
        desk = self.app.desk
        if desk is None:
            self.nav.show_message("service.not_offered")
            return
        generation = self._generation
        self._set_busy(True)

        def opened(flow: ChangeFlow) -> None:
            self._set_busy(False)
            if generation != self._generation:
                _cancel_later(self, flow)
                return
            self._drop_change()
            self._request, self._flow = request, flow
            self._snap = ChangeSnapshot(State.NEW, "", request)
            self.changed.emit()
            self.nav.go(CONFIRM_SCREEN, "change.check")

        self.nav.run(lambda: desk.change(request), opened, self._failed(generation))

    # --- the confirmation -------------------------------------------------------------------

    @Slot()
    def sendCode(self) -> None:  # noqa: N802
        if not self._get_can_send():
            return
        resend = self._state() is State.AWAITING_CODE
        self._flow_call(lambda f: f.request_code(), lambda r, e: self._code_answer(r, e, resend))

    def _code_answer(self, _result: object, error: KioskError | None, resend: bool) -> None:
        if error is None:
            self._digits = ""
            self._attempts_left = -1
            self._start_countdown(RESEND_AFTER_S)
            self.nav.show_message("change.code_resent" if resend else "change.enter_code")
            return
        if isinstance(error, CentralRefused) and error.code in FINAL_REFUSALS:
            # Nothing to confirm: the change itself is refused (e.g. the service is already on
            # after all). Back to the list as central has it now, with the reason.
            kind = self._request.kind if self._request else self._kind
            self._open(kind, error.code)
            return
        if isinstance(error, CentralRefused) and error.code == "sms.too_soon":
            wait = error.data.get("retry_after_s")
            if isinstance(wait, int) and wait > 0:
                self._start_countdown(wait)
        self.nav.show_message(error.message_key)

    @Slot()
    def confirmCode(self) -> None:  # noqa: N802
        if not self._get_can_confirm():
            return
        code = self._digits
        self._flow_call(lambda f: f.confirm(code), self._confirm_answer)

    def _confirm_answer(self, result: object, error: KioskError | None) -> None:
        if error is None and isinstance(result, ChangeDone):
            self._done = result
            self._timer.stop()
            self._resend_left = 0
            self.changed.emit()
            self.nav.go(RESULT_SCREEN, "change.done")
            return
        assert error is not None
        if isinstance(error, CentralRefused):
            # Wrong, expired or used code: nothing changed at central; type it again or ask
            # for a new one.
            left = error.data.get("attempts_left")
            self._attempts_left = left if isinstance(left, int) else -1
            self._digits = ""
        key = error.message_key
        if key == "sms.wrong_code" and self._attempts_left == 0:
            key = "sms.used"  # no tries left on this code: only a new one helps
        if isinstance(error, CentralUnavailable) and self._snap is not None:
            # The code may have been applied: the flow says to send the same one again.
            self._attempts_left = -1  # keep the code: only the same one may go again
            key = self._snap.message_key or key
        self.changed.emit()
        self.nav.show_message(key)

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        if len(digit) == 1 and digit.isdigit() and len(self._digits) < CODE_LENGTH:
            self._digits += digit
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self._digits = self._digits[:-1]
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._digits = ""
        self.changed.emit()

    def _abandon_change(self) -> None:
        """Back from the confirmation: the change is cancelled (journalled), nothing changes at
        central, and the customer is on the list again."""
        flow, kind = self._flow, self._request.kind if self._request else self._kind
        if flow is None or self._state() not in (State.NEW, State.AWAITING_CODE):
            self._drop_change()
            self.nav.go(LIST_SCREEN.get(kind, PLANS_SCREEN), LIST_PROMPT.get(kind, ""))
            return
        self._flow_call(lambda f: f.cancel(), lambda _r, _e: self._after_abandon(kind))

    def _after_abandon(self, kind: str) -> None:
        self._timer.stop()
        self._resend_left = 0
        self._drop_change()
        self.changed.emit()
        self.nav.go(LIST_SCREEN[kind], "change.cancelled")

    # --- internals --------------------------------------------------------------------------

    def _flow_call(
        self,
        call: Callable[[ChangeFlow], object],
        on_done: Callable[[object, KioskError | None], None],
    ) -> None:
        flow = self._flow
        if flow is None:
            return
        generation = self._generation

        def work() -> _Outcome:
            try:
                return _Outcome(call(flow), None, flow.snapshot)
            except KioskError as exc:
                return _Outcome(None, exc, flow.snapshot)

        def finished(outcome: _Outcome) -> None:
            self._set_busy(False)
            if generation != self._generation or flow is not self._flow:
                return
            self._snap = outcome.snapshot
            on_done(outcome.result, outcome.error)
            self.changed.emit()

        self._set_busy(True)
        self.nav.run(work, finished, self._failed(generation))

    def _failed(self, generation: int) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self._set_busy(False)
            if generation != self._generation:
                return
            if isinstance(error, KioskError):
                self.nav.show_message(error.message_key)
            else:
                log.error("change: core error %r", error)
                self.nav.show_message("error.generic")

        return failed

    def _drop_change(self) -> None:
        self._request = self._flow = self._snap = self._done = None
        self._digits = ""
        self._attempts_left = -1
        self._resend_left = 0

    def _start_countdown(self, seconds: int) -> None:
        self._resend_left = seconds
        self._timer.start()
        self.changed.emit()

    def _tick(self) -> None:
        self._resend_left = max(self._resend_left - 1, 0)
        if self._resend_left == 0:
            self._timer.stop()
        self.changed.emit()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.changed.emit()


def _cancel_quietly(flow: ChangeFlow) -> None:
    """Cancel a change the session left behind (the desk may have abandoned it already)."""
    try:
        flow.cancel()
    except KioskError as exc:
        log.info("change not cancelled: %s", exc)


def _cancel_later(vm: ChangeViewModel, flow: ChangeFlow) -> None:
    vm.ctx.bridge.submit(lambda: _cancel_quietly(flow))


# Example data for the screen previews (screen tests and screenshots), shaped like central's.
PREVIEW_CATALOGUE = Catalogue(
    plans=(
        Plan(code="P38", name_zh="畅享38元套餐", name_en="Basic 38", monthly_fee_fen=3800,
             data_mb=10_240, voice_min=100, sms=50),
        Plan(code="P58", name_zh="畅享58元套餐", name_en="Plus 58", monthly_fee_fen=5800,
             data_mb=30_720, voice_min=300, sms=100),
        Plan(code="P128", name_zh="畅享128元套餐", name_en="Premium 128", monthly_fee_fen=12800,
             data_mb=102_400, voice_min=1000, sms=300),
        Plan(code="SENIOR18", name_zh="敬老18元套餐", name_en="Senior 18", monthly_fee_fen=1800,
             data_mb=2_048, voice_min=200, sms=50),
    ),
    services=(
        ValueAddedService(code="CALLER_ID", name_zh="来电显示", name_en="Caller ID",
                          monthly_fee_fen=0),
        ValueAddedService(code="RINGBACK", name_zh="彩铃", name_en="Ringback tones",
                          monthly_fee_fen=500),
        ValueAddedService(code="DATA_PACK_5G", name_zh="5GB流量加油包", name_en="5 GB data pack",
                          monthly_fee_fen=2000),
        ValueAddedService(code="ROAMING", name_zh="国际漫游", name_en="International roaming",
                          monthly_fee_fen=0),
    ),
)  # fmt: skip
PREVIEW_BALANCE = Balance(
    msisdn="13800138000",
    owner_name_masked="*三",
    balance_fen=5000,
    status="active",
    plan=PREVIEW_CATALOGUE.plans[1],
    services=(PREVIEW_CATALOGUE.services[0],),
)
PREVIEW_CONFIRMATION = Confirmation(
    confirmation_id="preview",
    expires_at=datetime(2026, 1, 1, tzinfo=UTC),
    summary_zh="套餐变更为畅享128元套餐",
    summary_en="change plan to Premium 128",
)
