"""Taking notes toward an amount due, for flows that sell something at a price (SIM sale).

The acceptor's events arrive on its own thread. A note is money only at vend valid
(`NoteCredited`) — or, after a power cut mid-note, when the acceptor says it lies in the
stacker (docs/protocols.md#power-cut-mid-note) — and `record_note` journals it with the cash
box before the customer sees it counted. Notes are taken until the amount due is reached; the
last note may overshoot it (no change is given: the flow credits the excess to the customer).
`stop()` disables the acceptor and waits for a note already decided STACK to settle, so that
no note in flight is forgotten.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from drivers.interfaces import (
    BillAcceptor,
    BillEvent,
    EscrowDecision,
    NoteCredited,
    NoteEscrowed,
    NoteRejected,
    NoteReturned,
    PowerUpWithNote,
)
from kiosk import vouchers
from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal

log = logging.getLogger(__name__)

STACK_INTENT = "cash.stack_intent"  # journalled before STACK goes to the acceptor
STACK_RETURNED = "cash.stack_returned"  # the note came back: the intent is closed
STACK_VOUCHER = vouchers.CASH_STACKED  # found stacked after a restart: the customer's voucher
NOTE_CREDITED = "cash.note_credited"
# What closes a stack intent (later events of its transaction).
INTENT_CLOSED = frozenset({NOTE_CREDITED, STACK_RETURNED, STACK_VOUCHER})


class CashIntake:
    """Implements the CashRouter's CashFlow protocol for one amount due."""

    def __init__(
        self,
        acceptor: BillAcceptor,
        *,
        due_fen: int,
        denominations_fen: frozenset[int],
        record_note: Callable[[int, bool], None],
        on_change: Callable[[str], None] = lambda _key: None,
        settle_timeout_s: float = 10.0,
        cap_fen: int | None = None,
        record_intent: Callable[[str, dict[str, Any]], None] | None = None,
        on_storage_failure: Callable[[JournalError], None] | None = None,
    ) -> None:
        self._acceptor = acceptor
        self._due = due_fen
        self._denominations = denominations_fen
        self._record_note = record_note  # (fen, power_up): journal it durably or raise
        self._on_change = on_change  # a message key for the screen
        self._settle_timeout_s = settle_timeout_s
        self._cap = cap_fen  # the most that may be taken in all (a note beyond it goes back)
        # (kind, payload): journal `cash.stack_intent` / `cash.stack_returned` with the flow's
        # state, or put the kiosk out of service and raise JournalError. None: the flow
        # journals no intents.
        self._record_intent = record_intent
        # Puts the kiosk out of service when record_intent failed with anything but a
        # JournalError (which record_intent has reported itself).
        self._on_storage_failure = on_storage_failure
        self._intent: int | None = None  # the note journalled as sent to the stacker
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)
        self._taking = False
        self._in_escrow = 0
        self.paid_fen = 0
        self.notes_fen: list[int] = []

    @property
    def remaining_fen(self) -> int:
        with self._lock:
            return max(self._due - self.paid_fen, 0)

    @property
    def complete(self) -> bool:
        with self._lock:
            return self.paid_fen >= self._due

    def start(self) -> None:
        with self._lock:
            self._taking = True
        self._acceptor.enable(self._denominations)

    def stop(self) -> int:
        """Stop taking notes; wait for a note in flight; return what was paid."""
        with self._lock:
            self._taking = False
        self._acceptor.disable()
        with self._lock:
            if not self._settled.wait_for(lambda: self._in_escrow == 0, self._settle_timeout_s):
                log.error("a note is still in escrow after the acceptor was disabled")
            return self.paid_fen

    # --- the acceptor thread --------------------------------------------------------------

    def escrow_policy(self, denomination_fen: int) -> EscrowDecision:
        with self._lock:
            held = self.paid_fen + self._in_escrow
            over_cap = self._cap is not None and held + denomination_fen > self._cap
            if not self._taking or held >= self._due or over_cap:
                return EscrowDecision.RETURN
            if self._record_intent is not None:
                # On the record before the acceptor is told to stack (see StackIntents).
                try:
                    self._record_intent(STACK_INTENT, {"denomination_fen": denomination_fen})
                except Exception as exc:  # whatever failed, the intent is not durable
                    self._intent_not_durable(denomination_fen, exc)
                    return EscrowDecision.RETURN  # never STACK without the intent on the record
                self._intent = denomination_fen
            self._in_escrow += denomination_fen
            return EscrowDecision.STACK

    def _intent_not_durable(self, fen: int, exc: Exception) -> None:
        """The stack intent is not on the record, or not known to be: the note goes back, this
        intake takes no more notes (each would retry the journal blindly) and the kiosk goes
        out of service."""
        self._taking = False
        log.critical("stack intent of %d fen not journalled, the note goes back: %s", fen, exc)
        try:
            self._acceptor.disable()
            if not isinstance(exc, JournalError) and self._on_storage_failure is not None:
                self._on_storage_failure(JournalError(f"stack intent not journalled: {exc!r}"))
        except Exception:  # the note must still go back: RETURN is decided by the caller
            log.exception("going out of service after a failed stack intent failed")

    def on_bill_event(self, event: BillEvent) -> None:
        with self._lock:
            if isinstance(event, NoteCredited):
                self._credit(event.denomination_fen, power_up=False)
            elif isinstance(event, PowerUpWithNote) and event.pending_denomination_fen:
                if event.location == "stacker":
                    self._credit(event.pending_denomination_fen, power_up=True)
                else:
                    self._settle(event.pending_denomination_fen)
                    self._returned(event.pending_denomination_fen, "power_up")
            elif isinstance(event, NoteReturned):
                self._settle(event.denomination_fen)
                self._returned(event.denomination_fen, event.reason)
                self._on_change("cash.note_returned")
            elif isinstance(event, NoteRejected):
                self._on_change("cash.note_rejected")
            elif isinstance(event, NoteEscrowed):
                self._on_change("cash.note_checking")

    def _returned(self, fen: int, reason: str) -> None:
        if self._intent != fen or self._record_intent is None:
            return
        self._intent = None
        self._record_intent(STACK_RETURNED, {"denomination_fen": fen, "reason": reason})

    def _credit(self, fen: int, *, power_up: bool) -> None:
        self._settle(fen)
        self._intent = None
        # In the cash box whatever happens next: on the record before it is counted here.
        self._record_note(fen, power_up)
        self.paid_fen += fen
        self.notes_fen.append(fen)
        self._on_change("cash.paid" if self.paid_fen >= self._due else "cash.note_accepted")
        if self.paid_fen >= self._due:
            self._taking = False

    def _settle(self, fen: int) -> None:
        self._in_escrow = max(self._in_escrow - fen, 0)
        self._settled.notify_all()


class PaysThroughIntake:
    """For a flow that takes its notes through a CashIntake (bill payment, SIM sale and
    replacement): the cash router's calls go to the intake while there is one; a note in escrow
    with none is returned."""

    _intake: CashIntake | None

    def escrow_policy(self, denomination_fen: int) -> EscrowDecision:
        intake = self._intake
        return intake.escrow_policy(denomination_fen) if intake else EscrowDecision.RETURN

    def on_bill_event(self, event: BillEvent) -> None:
        if self._intake is not None:
            self._intake.on_bill_event(event)


class StackIntents:
    """The acceptor's events while no customer flow is attached (the cash router's standby):
    settles a stack intent that a crash left open, from the acceptor's evidence, by lookup.

    A flow journals `cash.stack_intent` (the note's value) before STACK goes out and closes it
    with `cash.note_credited` or `cash.stack_returned`; if that write fails in any way, the note
    is returned instead and the kiosk goes out of service (STACK never outruns its intent). A
    kiosk that died in between boots with the intent open; recovery closes the transaction for
    what was credited. Then the acceptor tells what became of the note:

    - a note found in the stacker that the driver never escrowed (vend valid after the restart,
      or power-up with a bill in the stacker: `PowerUpWithNote("stacker", None)`) — it was
      stacked: it enters the journal's cash box under the customer's transaction, as a voucher
      (the customer has gone; the transaction is closed and posted for what was credited),
      reported to central with it (voucher.v1, kiosk.vouchers; tagged with the intent's seq);
    - the note still in escrow (STACK never went out) is returned by the router (no customer):
      `NoteReturned` closes the intent as returned.

    One note is in the acceptor's path at a time: only the latest intent can be open.
    """

    def __init__(
        self,
        journal: Journal,
        on_storage_failure: Callable[[JournalError], None],
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._journal = journal
        self._on_storage_failure = on_storage_failure
        self._clock = clock
        self._lock = threading.Lock()

    def escrow_policy(self, denomination_fen: int) -> EscrowDecision:
        return EscrowDecision.RETURN  # no customer: a note in escrow goes back

    def on_bill_event(self, event: BillEvent) -> None:
        if isinstance(event, PowerUpWithNote) and event.location == "stacker":
            if event.pending_denomination_fen is None:
                self._settle("stacked", None)
        elif isinstance(event, NoteReturned):
            self._settle("returned", event.denomination_fen, event.reason)

    def open_intent(self) -> tuple[str, int, int] | None:
        """(txn id, fen, seq) of a stack intent nothing closed, if any."""
        intent = self._journal.latest_event(STACK_INTENT)
        if intent is None:
            return None
        later = self._journal.events(intent.txn_id)
        if any(seq > intent.seq and kind in INTENT_CLOSED for seq, _, kind, _ in later):
            return None
        return intent.txn_id, int(intent.payload["denomination_fen"]), intent.seq

    def _settle(self, outcome: str, fen: int | None, reason: str = "") -> None:
        with self._lock:
            found = self.open_intent()
            if found is None or (fen is not None and fen != found[1]):
                return  # a note credited before the crash (its ACK was lost), or not ours
            txn_id, note, seq = found
            if outcome == "stacked":
                payload: dict[str, Any] = {
                    "denomination_fen": note, "amount_fen": note, "intent_seq": seq,
                    "reason": "stacked_across_restart", "evidence": "acceptor_stacked",
                }  # fmt: skip
                txn = self._journal.transaction(txn_id)
                entry = vouchers.voucher_entry(
                    kiosk_id=self._journal.kiosk_id, txn_id=txn_id, event_kind=STACK_VOUCHER,
                    payload=payload, flow=txn.flow if txn else "", at=self._clock(),
                    cash_in_fen=(note,), recovered=True, tag=str(seq),
                    msisdn_masked=vouchers.masked_msisdn(txn.data) if txn else None,
                )  # fmt: skip
                log.critical("txn %s: note of %d fen stacked across a restart: vouchered",
                             txn_id, note)  # fmt: skip
            else:
                payload = {"denomination_fen": note, "reason": reason or "returned",
                           "intent_seq": seq, "recovered": True}  # fmt: skip
                entry = Entry(txn_id, STACK_RETURNED, payload)
                log.warning("txn %s: note of %d fen returned after a restart", txn_id, note)
            try:
                self._journal.record(entry)
            except JournalError as exc:
                self._on_storage_failure(exc)
