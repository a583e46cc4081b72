"""Routes the one bill acceptor's events to whichever cash flow is active; none → return."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from drivers.interfaces import (
    BillEvent,
    DeviceHealth,
    EscrowDecision,
    NoteCredited,
    PowerUpWithNote,
)

log = logging.getLogger(__name__)


class CashFlow(Protocol):
    def escrow_policy(self, denomination_fen: int) -> EscrowDecision: ...

    def on_bill_event(self, event: BillEvent) -> None: ...


class CashRouter:
    def __init__(
        self, on_orphan: Callable[[int], None] | None = None, standby: CashFlow | None = None
    ) -> None:
        self._on_orphan = on_orphan  # journals money that arrived with no flow, for ops
        # Sees the acceptor's events while no flow is attached: a note a crash left in flight
        # (kiosk.flows.cash_intake.StackIntents). Set it before the acceptor starts.
        self.standby = standby
        self._lock = threading.Lock()
        self._active: CashFlow | None = None
        self.last_health: DeviceHealth | None = None
        self.orphan_credits_fen: list[int] = []  # money that arrived with no flow (alarm)

    @property
    def active(self) -> CashFlow | None:
        """The flow taking cash now (a customer is paying), if any."""
        with self._lock:
            return self._active

    def attach(self, flow: CashFlow | None) -> None:
        with self._lock:
            self._active = flow

    def escrow_policy(self, denomination_fen: int) -> EscrowDecision:
        with self._lock:
            flow = self._active
        return flow.escrow_policy(denomination_fen) if flow else EscrowDecision.RETURN

    def on_event(self, event: BillEvent) -> None:
        with self._lock:
            flow = self._active
        unknown_note = isinstance(event, PowerUpWithNote) and event.pending_denomination_fen is None
        if self.standby is not None and (flow is None or unknown_note):
            # A note no flow of this process escrowed: only the journal can name it.
            self.standby.on_bill_event(event)
        if flow is not None:
            flow.on_bill_event(event)
            return
        if isinstance(event, NoteCredited):
            log.error("note of %d fen credited with no active flow", event.denomination_fen)
            self._orphan(event.denomination_fen)
        elif (
            isinstance(event, PowerUpWithNote)
            and event.location == "stacker"
            and event.pending_denomination_fen is not None
        ):
            log.error("note of %d fen stacked at power-up with no active flow",
                      event.pending_denomination_fen)  # fmt: skip
            self._orphan(event.pending_denomination_fen)

    def _orphan(self, fen: int) -> None:
        self.orphan_credits_fen.append(fen)
        if self._on_orphan is not None:
            self._on_orphan(fen)
