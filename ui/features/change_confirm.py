"""The change being confirmed (for ui/features/change.py): the flow opened for the customer's
choice, the texted code as typed, central's attempts left, the resend countdown, and the result.

Plain Python: the view-model owns the Qt side (its one-second timer drives `tick`), the lists
and the busy state. Every flow call runs on the core thread, and the flow's snapshot is read
there too, never on the GUI thread (the flow holds its lock while it waits for central).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.central_models import ChangeDone
from kiosk.errors import CentralRefused, CentralUnavailable, KioskError
from kiosk.flows.change import FINAL_REFUSALS, ChangeFlow, ChangeRequest, ChangeSnapshot, State
from ui.features.keypad import DigitEntry

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

    from ui.features.change import ChangeViewModel

log = logging.getLogger(__name__)

CODE_LENGTH = 6
CODE_ENTRY = DigitEntry(CODE_LENGTH)
# Central texts one code per number a minute (its sms.too_soon refusal says how long is left).
# The confirmation answer does not carry this, so the countdown starts from central's rule.
RESEND_AFTER_S = 60
PLANS_SCREEN, SERVICES_SCREEN = "change.plans", "change.services"
CONFIRM_SCREEN, RESULT_SCREEN = "change.confirm", "change.result"
LIST_SCREEN = {"change.plan": PLANS_SCREEN, "change.service": SERVICES_SCREEN}
LIST_PROMPT = {"change.plan": "change.choose_plan", "change.service": "change.choose_service"}


@dataclass(frozen=True)
class _Outcome:
    """A flow call's result or error, with the snapshot read on the core thread."""

    result: Any
    error: KioskError | None
    snapshot: ChangeSnapshot


def cancel_quietly(flow: ChangeFlow) -> None:
    """Cancel a change the session left behind (the desk may have abandoned it already)."""
    try:
        flow.cancel()
    except KioskError as exc:
        log.info("change not cancelled: %s", exc)


class ChangeConfirmation:
    def __init__(self, vm: ChangeViewModel, timer: QTimer) -> None:
        self.vm = vm
        self.timer = timer  # the view-model's, one tick a second while counting down
        self.clear()

    def clear(self) -> None:
        """No change under way (nothing of it kept)."""
        self.request: ChangeRequest | None = None
        self.flow: ChangeFlow | None = None
        self.snap: ChangeSnapshot | None = None
        self.done: ChangeDone | None = None
        self.digits = ""
        self.attempts_left = -1
        self.resend_left = 0

    # --- what the screen shows --------------------------------------------------------------

    def state(self) -> State | None:
        return self.snap.state if self.snap is not None else None

    def summary(self) -> tuple[str, str]:
        confirmation = self.snap.confirmation if self.snap else None
        return (confirmation.summary_zh, confirmation.summary_en) if confirmation else ("", "")

    def code_sent(self) -> bool:
        return self.state() in (State.AWAITING_CODE, State.CONFIRMING)

    def confirming(self) -> bool:
        return self.state() is State.CONFIRMING

    def can_confirm(self) -> bool:
        return self.code_sent() and len(self.digits) == CODE_LENGTH and not self.vm.is_busy

    def can_send(self) -> bool:
        return (
            self.state() in (State.NEW, State.AWAITING_CODE)
            and self.resend_left == 0
            and not self.vm.is_busy
        )

    def txn_ref(self) -> str:
        return self.snap.txn_id if self.snap is not None and self.done is not None else ""

    # --- opening the change -----------------------------------------------------------------

    def begin(self, request: ChangeRequest) -> None:
        """Open the change (nothing is asked of central yet) and show what it will do."""
        vm = self.vm
        desk = vm.app.desk
        if desk is None:
            vm.nav.show_message("service.not_offered")
            return
        generation = vm.generation
        vm.set_busy(True)

        def opened(flow: ChangeFlow) -> None:
            vm.set_busy(False)
            if generation != vm.generation:
                vm.ctx.bridge.submit(lambda: cancel_quietly(flow))
                return
            self.clear()
            self.request, self.flow = request, flow
            self.snap = ChangeSnapshot(State.NEW, "", request)
            vm.changed.emit()
            vm.nav.go(CONFIRM_SCREEN, "change.check")

        vm.nav.run(lambda: desk.change(request), opened, vm.failed(generation))

    # --- the code ---------------------------------------------------------------------------

    def send_code(self) -> None:
        if not self.can_send():
            return
        resend = self.state() is State.AWAITING_CODE
        self._flow_call(lambda f: f.request_code(), lambda r, e: self._code_answer(r, e, resend))

    def _code_answer(self, _result: object, error: KioskError | None, resend: bool) -> None:
        vm = self.vm
        if error is None:
            self.digits = ""
            self.attempts_left = -1
            self._start_countdown(RESEND_AFTER_S)
            vm.nav.show_message("change.code_resent" if resend else "change.enter_code")
            return
        if isinstance(error, CentralRefused) and error.code in FINAL_REFUSALS:
            # Nothing to confirm: the change itself is refused (e.g. the service is already on
            # after all). Back to the list as central has it now, with the reason.
            kind = self.request.kind if self.request else vm.list_kind
            vm.open_list(kind, error.code)
            return
        if isinstance(error, CentralRefused) and error.code == "sms.too_soon":
            wait = error.data.get("retry_after_s")
            if isinstance(wait, int) and wait > 0:
                self._start_countdown(wait)
        vm.nav.show_message(error.message_key)

    def confirm(self) -> None:
        if not self.can_confirm():
            return
        code = self.digits
        self._flow_call(lambda f: f.confirm(code), self._confirm_answer)

    def _confirm_answer(self, result: object, error: KioskError | None) -> None:
        vm = self.vm
        if error is None and isinstance(result, ChangeDone):
            self.done = result
            self.timer.stop()
            self.resend_left = 0
            vm.changed.emit()
            vm.nav.go(RESULT_SCREEN, "change.done")
            return
        assert error is not None
        if isinstance(error, CentralRefused):
            # Wrong, expired or used code: nothing changed at central; type it again or ask
            # for a new one.
            left = error.data.get("attempts_left")
            self.attempts_left = left if isinstance(left, int) else -1
            self.digits = ""
        key = error.message_key
        if key == "sms.wrong_code" and self.attempts_left == 0:
            key = "sms.used"  # no tries left on this code: only a new one helps
        if isinstance(error, CentralUnavailable) and self.snap is not None:
            # The code may have been applied: the flow says to send the same one again.
            self.attempts_left = -1  # keep the code: only the same one may go again
            key = self.snap.message_key or key
        vm.changed.emit()
        vm.nav.show_message(key)

    def press(self, digit: str) -> None:
        self.digits = CODE_ENTRY.press(self.digits, digit)
        self.vm.changed.emit()

    def backspace(self) -> None:
        self.digits = CODE_ENTRY.backspace(self.digits)
        self.vm.changed.emit()

    def clear_digits(self) -> None:
        self.digits = CODE_ENTRY.clear()
        self.vm.changed.emit()

    # --- going back -------------------------------------------------------------------------

    def abandon(self) -> None:
        """Back from the confirmation: the change is cancelled (journalled), nothing changes at
        central, and the customer is on the list again."""
        vm = self.vm
        flow, kind = self.flow, self.request.kind if self.request else vm.list_kind
        if flow is None or self.state() not in (State.NEW, State.AWAITING_CODE):
            self.clear()
            vm.nav.go(LIST_SCREEN.get(kind, PLANS_SCREEN), LIST_PROMPT.get(kind, ""))
            return
        self._flow_call(lambda f: f.cancel(), lambda _r, _e: self._after_abandon(kind))

    def _after_abandon(self, kind: str) -> None:
        self.timer.stop()
        self.resend_left = 0
        self.clear()
        self.vm.changed.emit()
        self.vm.nav.go(LIST_SCREEN[kind], "change.cancelled")

    # --- internals --------------------------------------------------------------------------

    def _flow_call(
        self,
        call: Callable[[ChangeFlow], object],
        on_done: Callable[[object, KioskError | None], None],
    ) -> None:
        vm, flow = self.vm, self.flow
        if flow is None:
            return
        generation = vm.generation

        def work() -> _Outcome:
            try:
                return _Outcome(call(flow), None, flow.snapshot)
            except KioskError as exc:
                return _Outcome(None, exc, flow.snapshot)

        def finished(outcome: _Outcome) -> None:
            vm.set_busy(False)
            if generation != vm.generation or flow is not self.flow:
                return
            self.snap = outcome.snapshot
            on_done(outcome.result, outcome.error)
            vm.changed.emit()

        vm.set_busy(True)
        vm.nav.run(work, finished, vm.failed(generation))

    def _start_countdown(self, seconds: int) -> None:
        self.resend_left = seconds
        self.timer.start()
        self.vm.changed.emit()

    def tick(self) -> None:
        self.resend_left = max(self.resend_left - 1, 0)
        if self.resend_left == 0:
            self.timer.stop()
        self.vm.changed.emit()
