"""Plan change (套餐变更) and value-added service on/off (业务开通/取消), each confirmed by a
second SMS code, as a journalled state machine.

    NEW ──request──▶ AWAITING_CODE ──confirm──▶ CONFIRMING ──answer──▶ DONE
     │                  │    ▲ wrong code          │ no answer: the customer may send the
     └──cancel──▶ CANCELLED ◀┘                     │ same code again (central answers a
                                                   ▼ replay with the first result)
                                                 FAILED (refused)

The irreversible step is the confirmation sent to central: it is journalled (CONFIRMING) before
it is sent. A restart in CONFIRMING cannot ask central (the customer session is gone), so
recovery closes it as "outcome unknown" for ops; central's record is the truth and the customer
has the SMS.
"""

from __future__ import annotations

import enum
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from kiosk.central_api import CentralApi
from kiosk.central_models import ChangeDone, Confirmation
from kiosk.customer_session import CustomerSession
from kiosk.errors import CentralRefused, CentralUnavailable, FlowError, JournalError
from kiosk.journal import Entry, Journal
from kiosk.metrics import Outcome, ServiceMetrics

log = logging.getLogger(__name__)

FLOW_NAME = "change"
ChangeKind = Literal["change.plan", "change.service"]  # catalogue keys
# Refusals after which asking for the code again is pointless: the change itself is refused.
FINAL_REFUSALS = frozenset(
    {
        "plan.unknown",
        "service.unknown",
        "plan.already_current",
        "service.already_on",
        "service.already_off",
        "account.suspended",
    }
)


class State(enum.Enum):
    NEW = "new"
    AWAITING_CODE = "awaiting_code"
    CONFIRMING = "confirming"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Event(enum.Enum):
    REQUEST = "request"
    CONFIRM = "confirm"
    CANCEL = "cancel"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.NEW, Event.REQUEST): State.AWAITING_CODE,
    (State.NEW, Event.CANCEL): State.CANCELLED,
    (State.AWAITING_CODE, Event.REQUEST): State.AWAITING_CODE,  # a new code
    (State.AWAITING_CODE, Event.CONFIRM): State.CONFIRMING,
    (State.AWAITING_CODE, Event.CANCEL): State.CANCELLED,
    (State.CONFIRMING, Event.CONFIRM): State.CONFIRMING,  # the same code again, answer lost
}
# The journal's final states (kiosk.journal.FINAL_STATES): FAILED is recorded as cancelled.
JOURNAL_STATE = {State.DONE: "done", State.CANCELLED: "cancelled", State.FAILED: "cancelled"}


@dataclass(frozen=True)
class ChangeRequest:
    kind: ChangeKind
    code: str  # the plan or service code
    active: bool = True  # service on (True) or off (False); plans ignore it


@dataclass(frozen=True)
class ChangeSnapshot:
    state: State
    txn_id: str
    request: ChangeRequest
    confirmation: Confirmation | None = None
    done: ChangeDone | None = None
    message_key: str = ""


@dataclass(frozen=True)
class ChangeContext:
    api: CentralApi
    journal: Journal
    metrics: ServiceMetrics
    on_storage_failure: Callable[[JournalError], None]


class ChangeFlow:
    """One change for the logged-in customer. Calls block on central: run them off the GUI."""

    def __init__(
        self, context: ChangeContext, session: CustomerSession, request: ChangeRequest
    ) -> None:
        self._ctx = context
        self._session = session
        self._lock = threading.RLock()
        self._code_sent = ""
        self._snap = ChangeSnapshot(State.NEW, uuid.uuid4().hex, request)
        context.metrics.started(request.kind)

    @property
    def snapshot(self) -> ChangeSnapshot:
        with self._lock:
            return self._snap

    def request_code(self) -> Confirmation:
        """Ask central for the change; it texts a code to the customer's phone."""
        with self._lock:
            self._require(Event.REQUEST)
            request = self._snap.request
            api = self._ctx.api
            try:
                if request.kind == "change.plan":
                    confirmation = self._session.call(
                        lambda t: api.request_plan_change(t, request.code)
                    )
                else:
                    confirmation = self._session.call(
                        lambda t: api.request_service_change(t, request.code, request.active)
                    )
            except CentralRefused as exc:
                if exc.code in FINAL_REFUSALS:
                    self._finish(State.FAILED, {"refused": exc.code}, Outcome.FAILED, exc.code)
                raise
            self._journal("change.requested", {"confirmation_id": confirmation.confirmation_id},
                          State.AWAITING_CODE)  # fmt: skip
            self._snap = replace(
                self._snap,
                state=State.AWAITING_CODE,
                confirmation=confirmation,
                message_key="change.enter_code",
            )
            return confirmation

    def confirm(self, code: str) -> ChangeDone:
        """Apply the change with the texted code. No answer: call again with the same code."""
        with self._lock:
            self._require(Event.CONFIRM)
            if len(code) != 6 or not code.isdigit():
                raise FlowError("an SMS code is 6 digits", message_key="auth.bad_code")
            confirmation = self._snap.confirmation
            assert confirmation is not None
            if self._snap.state is State.CONFIRMING and code != self._code_sent:
                # The first code may already have been applied: only a replay is safe.
                raise FlowError("send the same code again", message_key="change.same_code")
            if self._snap.state is State.AWAITING_CODE:
                self._journal("change.confirming", {}, State.CONFIRMING)
                self._code_sent = code
                self._snap = replace(self._snap, state=State.CONFIRMING)
            api = self._ctx.api
            try:
                done = self._session.call(
                    lambda t: api.confirm_change(t, confirmation.confirmation_id, code)
                )
            except CentralRefused as exc:
                # Wrong or expired code: nothing changed at central; the customer may retry
                # (or ask for a new code).
                self._snap = replace(self._snap, state=State.AWAITING_CODE, message_key=exc.code)
                self._journal("change.code_refused", {"code": exc.code}, State.AWAITING_CODE)
                raise
            except CentralUnavailable:
                self._snap = replace(self._snap, message_key="change.answer_lost")
                raise
            summary = {"plan_code": done.plan_code, "services": list(done.services)}
            self._finish(State.DONE, summary, Outcome.COMPLETED, "change.done", done=done)
            return done

    def cancel(self) -> None:
        with self._lock:
            self._require(Event.CANCEL)
            self._finish(State.CANCELLED, {}, Outcome.ABANDONED, "change.cancelled")

    def abandon(self) -> None:
        """The session ended under the flow (logout, idle timeout)."""
        with self._lock:
            state = self._snap.state
            if state in (State.NEW, State.AWAITING_CODE):
                self._finish(State.CANCELLED, {"abandoned": True}, Outcome.ABANDONED,
                             "change.cancelled")  # fmt: skip
            elif state is State.CONFIRMING:
                self._finish(State.CANCELLED, {"outcome": "unknown"}, Outcome.FAILED,
                             "change.answer_lost")  # fmt: skip

    # --- internals ------------------------------------------------------------------------

    def _finish(
        self,
        state: State,
        payload: dict[str, Any],
        outcome: Outcome,
        message_key: str,
        *,
        done: ChangeDone | None = None,
    ) -> None:
        self._journal(f"change.{state.value}", payload, state)
        self._snap = replace(self._snap, state=state, done=done, message_key=message_key)
        self._ctx.metrics.finished(self._snap.request.kind, outcome)

    def _require(self, event: Event) -> None:
        if (self._snap.state, event) not in TRANSITIONS:
            raise FlowError(f"{event.value} not allowed in state {self._snap.state.value}")

    def _journal(self, kind: str, payload: dict[str, Any], state: State) -> None:
        request = self._snap.request
        customer = self._session.customer
        data = {
            "kind": request.kind,
            "code": request.code,
            "active": request.active,
            "msisdn": customer.msisdn if customer else "",
        }
        journal_state = JOURNAL_STATE.get(state, state.value)
        entry = Entry(self._snap.txn_id, kind, payload, FLOW_NAME, journal_state, data)
        try:
            self._ctx.journal.record(entry)
        except JournalError as exc:
            self._ctx.on_storage_failure(exc)
            raise
