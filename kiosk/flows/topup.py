"""Cash top-up flow: number → insert notes → confirm → commit (journal + outbox) → receipt.

States and the events that move between them are the table `TRANSITIONS`; every state change is
journalled, and a note becomes money only on the acceptor's vend-valid event (`NoteCredited`),
journalled with the cash box in the same transaction. Before the acceptor is told to stack a
note, `cash.stack_intent` (its value) is journalled; `cash.note_credited` or `cash.stack_returned`
closes it. An intent left open by a crash is settled on boot from the acceptor's evidence
(kiosk.flows.cash_intake.StackIntents).
"""

from __future__ import annotations

import enum
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from drivers.errors import DriverError
from drivers.interfaces import (
    AcceptorHealthChanged,
    BillAcceptor,
    BillEvent,
    EscrowDecision,
    NoteCredited,
    NoteEscrowed,
    NoteRejected,
    NoteReturned,
    PowerUpWithNote,
    ReceiptPrinter,
)
from kiosk.errors import FlowError, JournalError
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.msisdn import is_valid_mobile
from kiosk.receipt import topup_receipt

log = logging.getLogger(__name__)

FLOW_NAME = "topup.cash"
OUTBOX_KIND = "topup.v1"


class State(enum.Enum):
    NUMBER = "number"
    CASH = "cash"
    COMMITTED = "committed"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the journal could not record: out of service


class Event(enum.Enum):
    SUBMIT_NUMBER = "submit_number"
    NOTE_CREDITED = "note_credited"
    CONFIRM = "confirm"
    RECEIPT_DONE = "receipt_done"
    CANCEL = "cancel"
    STORAGE_FAILED = "storage_failed"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.NUMBER, Event.SUBMIT_NUMBER): State.CASH,
    (State.NUMBER, Event.CANCEL): State.CANCELLED,
    (State.CASH, Event.NOTE_CREDITED): State.CASH,
    (State.CASH, Event.CONFIRM): State.COMMITTED,
    (State.CASH, Event.CANCEL): State.CANCELLED,  # guarded: only with no money inserted
    (State.COMMITTED, Event.RECEIPT_DONE): State.DONE,
    **{(s, Event.STORAGE_FAILED): State.FAILED for s in State},
}


@dataclass(frozen=True)
class TopUpLimits:
    max_fen: int
    denominations_fen: frozenset[int]
    # While central cannot confirm: per transaction, and (through the context's headroom) in
    # total over every top-up not yet confirmed.
    offline_max_fen: int | None = None


@dataclass(frozen=True)
class TopUpSnapshot:
    """What the UI shows; immutable, published after every change."""

    state: State
    txn_id: str
    msisdn: str = ""
    credited_fen: int = 0
    notes_fen: tuple[int, ...] = ()
    max_fen: int = 0
    message_key: str = ""  # the last thing worth telling the customer
    credited_online: bool | None = None  # central confirmed before the receipt
    receipt_printed: bool | None = None

    @property
    def remaining_fen(self) -> int:
        return max(self.max_fen - self.credited_fen, 0)


@dataclass(frozen=True)
class TopUpContext:
    kiosk_id: str
    kiosk_name: str
    journal: Journal
    acceptor: BillAcceptor
    printer: ReceiptPrinter | None
    limits: TopUpLimits
    # Wait up to `timeout` s for central to acknowledge an outbox key; the result or None.
    wait_delivered: Callable[[str, float], dict[str, Any] | None]
    receipt_wait_s: float
    on_storage_failure: Callable[[JournalError], None]
    is_online: Callable[[], bool]
    clock: Callable[[], datetime] = datetime.now
    settle_timeout_s: float = 10.0
    # Fen the kiosk may still take offline: the total cap minus top-ups central has not yet
    # confirmed (read from the outbox). None: no total cap.
    offline_headroom_fen: Callable[[], int] | None = None


def new_txn_id() -> str:
    return uuid.uuid4().hex


class TopUpFlow:
    """One customer's cash top-up. Methods are called on the core thread; note events arrive on
    the acceptor thread; a lock keeps them apart."""

    def __init__(self, context: TopUpContext, listener: Callable[[TopUpSnapshot], None]) -> None:
        self._ctx = context
        self._listener = listener
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)
        self._in_escrow = 0  # fen decided STACK but not yet credited or returned
        self._return_reason = ""  # why escrow_policy sent the last note back
        self._intent: int | None = None  # the note journalled as sent to the stacker
        self._snap = TopUpSnapshot(
            State.NUMBER, new_txn_id(), max_fen=context.limits.max_fen, message_key="topup.enter"
        )

    @property
    def snapshot(self) -> TopUpSnapshot:
        with self._lock:
            return self._snap

    # --- customer actions -----------------------------------------------------------------

    def submit_number(self, msisdn: str) -> None:
        with self._lock:
            self._require(Event.SUBMIT_NUMBER)
            if not is_valid_mobile(msisdn):
                self._publish(replace(self._snap, message_key="topup.invalid_number"))
                raise FlowError(
                    f"not a mobile number: {msisdn!r}", message_key="topup.invalid_number"
                )
            data = {"msisdn": msisdn, "credited_fen": 0, "notes_fen": []}
            self._journal("topup.started", {"msisdn": msisdn}, State.CASH, data)
            self._publish(
                replace(self._snap, state=State.CASH, msisdn=msisdn, message_key="topup.insert")
            )
        self._ctx.acceptor.enable(self._ctx.limits.denominations_fen)

    def confirm(self) -> TopUpSnapshot:
        """Stop taking notes, commit the top-up with its outbox row, then print the receipt."""
        with self._lock:
            self._require(Event.CONFIRM)
            if self._snap.credited_fen == 0:
                raise FlowError("no money inserted", message_key="topup.no_money")
        self._ctx.acceptor.disable()
        with self._lock:
            # A note decided STACK before disable() still becomes money: wait for its outcome.
            if not self._settled.wait_for(lambda: self._in_escrow == 0, self._ctx.settle_timeout_s):
                log.error("txn %s: note still in escrow after confirm", self._snap.txn_id)
            self._commit()
        self._print_receipt()
        return self.snapshot

    def cancel(self) -> None:
        with self._lock:
            self._require(Event.CANCEL)
            if self._snap.credited_fen > 0 or self._in_escrow > 0:
                # Stacked notes cannot be given back: the customer confirms the top-up instead.
                self._publish(replace(self._snap, message_key="topup.cannot_cancel_with_money"))
                raise FlowError("money inserted", message_key="topup.cannot_cancel_with_money")
            started = self._snap.state is State.CASH
            if started:
                self._journal("topup.cancelled", {}, State.CANCELLED, self._data())
            self._publish(replace(self._snap, state=State.CANCELLED, message_key="topup.cancelled"))
        if started:
            self._ctx.acceptor.disable()

    # --- acceptor thread --------------------------------------------------------------------

    def escrow_policy(self, denomination_fen: int) -> EscrowDecision:
        with self._lock:
            total = self._snap.credited_fen + self._in_escrow + denomination_fen
            cap, offline = self._cap()
            if self._snap.state is not State.CASH or total > cap:
                self._return_reason = (
                    "topup.note_over_offline_limit" if offline else "topup.note_over_limit"
                )
                return EscrowDecision.RETURN
            # On the record before the acceptor is told to stack: a kiosk that dies while the
            # note is stacking finds it in the journal on boot (ID-003 will not name it then).
            try:
                self._journal("cash.stack_intent", {"denomination_fen": denomination_fen},
                              self._snap.state, self._data())  # fmt: skip
            except Exception as exc:  # whatever failed, the intent is not durable
                self._intent_not_durable(denomination_fen, exc)
                return EscrowDecision.RETURN  # never STACK without the intent on the record
            self._in_escrow += denomination_fen
            self._intent = denomination_fen
            return EscrowDecision.STACK

    def _intent_not_durable(self, note: int, exc: Exception) -> None:
        """The stack intent is not on the record, or not known to be: the note goes back and
        the kiosk goes out of service (state FAILED: no later note retries the journal)."""
        log.critical("txn %s: stack intent of %d fen not journalled, the note goes back: %s",
                     self._snap.txn_id, note, exc)  # fmt: skip
        if isinstance(exc, JournalError):
            return  # _journal has put the kiosk out of service
        try:
            self._storage_failed(JournalError(f"stack intent not journalled: {exc!r}"))
        except Exception:  # the note must still go back: RETURN is decided by the caller
            log.exception("txn %s: going out of service failed", self._snap.txn_id)

    def _cap(self) -> tuple[int, bool]:
        """The most this top-up may hold now, and whether an offline cap is what binds."""
        limits = self._ctx.limits
        if self._ctx.is_online() or limits.offline_max_fen is None:
            return limits.max_fen, False
        cap = min(limits.max_fen, limits.offline_max_fen)
        if self._ctx.offline_headroom_fen is not None:
            cap = min(cap, max(self._ctx.offline_headroom_fen(), 0))
        return cap, cap < limits.max_fen

    def on_bill_event(self, event: BillEvent) -> None:
        with self._lock:
            if isinstance(event, NoteCredited):
                self._credit(event.denomination_fen)
            elif isinstance(event, NoteReturned):
                self._settle(event.denomination_fen)
                self._returned(event.denomination_fen, event.reason)
                key = self._return_reason or "topup.note_returned"
                self._return_reason = ""
                self._publish(replace(self._snap, message_key=key))
            elif isinstance(event, NoteRejected):
                self._publish(replace(self._snap, message_key="topup.note_rejected"))
            elif isinstance(event, NoteEscrowed):
                self._publish(replace(self._snap, message_key="topup.note_checking"))
            elif isinstance(event, AcceptorHealthChanged) and not event.health.usable:
                self._publish(replace(self._snap, message_key=event.health.message_key))
            elif isinstance(event, PowerUpWithNote):
                self._power_up(event)

    def _power_up(self, event: PowerUpWithNote) -> None:
        """Power cut mid-note (docs/protocols.md#power-cut-mid-note): a note we sent to the
        stacker and that is in the stacker now is money although vend valid never came; one in
        the acceptor goes back."""
        note = event.pending_denomination_fen
        if note is None:
            return
        if event.location == "stacker":
            self._credit(note, power_up=True)
        else:
            self._settle(note)
            self._returned(note, "power_up")
            self._publish(replace(self._snap, message_key="topup.note_returned"))

    # --- internals --------------------------------------------------------------------------

    def _returned(self, note: int, reason: str) -> None:
        """A note we meant to stack came back: its stack intent is closed on the record."""
        if self._intent != note:
            return
        self._intent = None
        payload = {"denomination_fen": note, "reason": reason}
        self._journal("cash.stack_returned", payload, self._snap.state, self._data())

    def _credit(self, note: int, *, power_up: bool = False) -> None:
        self._settle(note)
        self._intent = None
        snap = self._snap
        # Money is in the cash box whatever our state: journal it, always.
        credited = snap.credited_fen + note
        notes = (*snap.notes_fen, note)
        data = {"msisdn": snap.msisdn, "credited_fen": credited, "notes_fen": list(notes)}
        state = snap.state if snap.state is not State.NUMBER else State.CASH
        payload: dict[str, Any] = {"denomination_fen": note}
        if power_up:
            payload["power_up"] = True
        self._journal("cash.note_credited", payload, state, data, cash_in=(note,))
        self._publish(
            replace(snap, credited_fen=credited, notes_fen=notes, message_key="topup.note_accepted")
        )
        if snap.state is not State.CASH:
            log.error("txn %s: note credited in state %s", snap.txn_id, snap.state.value)

    def _settle(self, note: int) -> None:
        self._in_escrow = max(self._in_escrow - note, 0)
        self._settled.notify_all()

    def _commit(self) -> None:
        snap = self._snap
        body = topup_body(
            snap.txn_id,
            snap.msisdn,
            snap.credited_fen,
            self._ctx.clock(),
            offline=not self._ctx.is_online(),
        )
        self._journal(
            "topup.committed",
            {"amount_fen": snap.credited_fen, "outbox_key": outbox_key(snap.txn_id)},
            State.COMMITTED,
            self._data(),
            outbox=(OutboxMessage(outbox_key(snap.txn_id), OUTBOX_KIND, body),),
        )
        self._publish(replace(snap, state=State.COMMITTED, message_key="topup.printing"))

    def _print_receipt(self) -> None:
        snap = self.snapshot
        result = self._ctx.wait_delivered(outbox_key(snap.txn_id), self._ctx.receipt_wait_s)
        credited_online = result is not None
        printed = False
        error = ""
        if self._ctx.printer is not None:
            document = topup_receipt(
                kiosk_id=self._ctx.kiosk_id,
                kiosk_name=self._ctx.kiosk_name,
                txn_id=snap.txn_id,
                msisdn=snap.msisdn,
                amount_fen=snap.credited_fen,
                notes_fen=snap.notes_fen,
                credited=credited_online,
                at=self._ctx.clock(),
            )
            try:
                self._ctx.printer.print_receipt(document)
                printed = True
            except DriverError as exc:
                error = exc.message_key
                log.warning("txn %s: receipt not printed: %s", snap.txn_id, exc)
        with self._lock:
            kind = "receipt.printed" if printed else "receipt.failed"
            self._journal(kind, {"error": error} if error else {}, State.DONE, self._data())
            key = "topup.done" if printed else "topup.done_no_receipt"
            self._publish(
                replace(
                    self._snap,
                    state=State.DONE,
                    credited_online=credited_online,
                    receipt_printed=printed,
                    message_key=key,
                )
            )

    def _data(self) -> dict[str, Any]:
        snap = self._snap
        return {
            "msisdn": snap.msisdn,
            "credited_fen": snap.credited_fen,
            "notes_fen": list(snap.notes_fen),
        }

    def _require(self, event: Event) -> None:
        if (self._snap.state, event) not in TRANSITIONS:
            raise FlowError(f"{event.value} not allowed in state {self._snap.state.value}")

    def _journal(
        self,
        kind: str,
        payload: dict[str, Any],
        state: State,
        data: dict[str, Any],
        *,
        cash_in: tuple[int, ...] = (),
        outbox: tuple[OutboxMessage, ...] = (),
    ) -> None:
        entry = Entry(
            self._snap.txn_id, kind, payload, FLOW_NAME, state.value, data, cash_in, outbox
        )
        try:
            self._ctx.journal.record(entry)
        except JournalError as exc:
            self._storage_failed(exc)
            raise

    def _storage_failed(self, exc: JournalError) -> None:
        self._publish(replace(self._snap, state=State.FAILED, message_key=exc.message_key))
        self._ctx.on_storage_failure(exc)

    def _publish(self, snap: TopUpSnapshot) -> None:
        self._snap = snap
        try:
            self._listener(snap)
        except Exception:  # a UI bug must never undo a journalled step
            log.exception("top-up listener failed")


def outbox_key(txn_id: str) -> str:
    """The idempotency key central sees; fixed by the txn id, stored before the first send."""
    return f"{txn_id}:topup"


def topup_body(
    txn_id: str,
    msisdn: str,
    amount_fen: int,
    at: datetime,
    *,
    offline: bool,
    method: Literal["cash", "card"] = "cash",
) -> dict[str, Any]:
    return {
        "txn_id": txn_id,
        "msisdn": msisdn,
        "amount_fen": amount_fen,
        "currency": "CNY",
        "method": method,
        "created_at": at.astimezone().isoformat(timespec="seconds"),
        "offline": offline,
    }


def counted_topup(
    metrics: ServiceMetrics | None, listener: Callable[[TopUpSnapshot], None]
) -> Callable[[TopUpSnapshot], None]:
    """Counts a cash top-up for central (started, completed, abandoned, failed; cash taken)
    from the snapshots the flow publishes, then passes them on."""
    seen: set[State] = set()
    outcomes = {
        State.DONE: Outcome.COMPLETED,
        State.CANCELLED: Outcome.ABANDONED,
        State.FAILED: Outcome.FAILED,
    }

    def counting(snap: TopUpSnapshot) -> None:
        if metrics is not None and snap.state not in seen:
            seen.add(snap.state)
            if snap.state is State.CASH:
                metrics.started(FLOW_NAME)
            elif snap.state in outcomes and State.CASH in seen:
                metrics.finished(FLOW_NAME, outcomes[snap.state])
                if snap.state is State.DONE:
                    metrics.paid("cash", snap.credited_fen)
        listener(snap)

    return counting
