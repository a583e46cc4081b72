"""Taking notes toward an amount due, for flows that sell something at a price (SIM sale).

The acceptor's events arrive on its own thread. A note is money only at vend valid
(`NoteCredited`) — or, after a power cut mid-note, when the acceptor says it lies in the
stacker (protocols.md, ID-003 power-up with bill) — and `record_note` journals it with the cash
box before the customer sees it counted. Notes are taken until the amount due is reached; the
last note may overshoot it (no change is given: the flow credits the excess to the customer).
`stop()` disables the acceptor and waits for a note already decided STACK to settle, so that
no note in flight is forgotten.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

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

log = logging.getLogger(__name__)


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
    ) -> None:
        self._acceptor = acceptor
        self._due = due_fen
        self._denominations = denominations_fen
        self._record_note = record_note  # (fen, power_up): journal it durably or raise
        self._on_change = on_change  # a message key for the screen
        self._settle_timeout_s = settle_timeout_s
        self._cap = cap_fen  # the most that may be taken in all (a note beyond it goes back)
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
            self._in_escrow += denomination_fen
            return EscrowDecision.STACK

    def on_bill_event(self, event: BillEvent) -> None:
        with self._lock:
            if isinstance(event, NoteCredited):
                self._credit(event.denomination_fen, power_up=False)
            elif isinstance(event, PowerUpWithNote) and event.pending_denomination_fen:
                if event.location == "stacker":
                    self._credit(event.pending_denomination_fen, power_up=True)
                else:
                    self._settle(event.pending_denomination_fen)
            elif isinstance(event, NoteReturned):
                self._settle(event.denomination_fen)
                self._on_change("cash.note_returned")
            elif isinstance(event, NoteRejected):
                self._on_change("cash.note_rejected")
            elif isinstance(event, NoteEscrowed):
                self._on_change("cash.note_checking")

    def _credit(self, fen: int, *, power_up: bool) -> None:
        self._settle(fen)
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
