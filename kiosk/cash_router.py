"""Routes the one bill acceptor's events to whichever cash flow is active; none → return."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from drivers.interfaces import BillEvent, DeviceHealth, EscrowDecision, NoteCredited

log = logging.getLogger(__name__)


class CashFlow(Protocol):
    def escrow_policy(self, denomination_fen: int) -> EscrowDecision: ...

    def on_bill_event(self, event: BillEvent) -> None: ...


class CashRouter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: CashFlow | None = None
        self.last_health: DeviceHealth | None = None
        self.orphan_credits_fen: list[int] = []  # money that arrived with no flow (alarm)

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
        if flow is not None:
            flow.on_bill_event(event)
        elif isinstance(event, NoteCredited):
            log.error("note of %d fen credited with no active flow", event.denomination_fen)
            self.orphan_credits_fen.append(event.denomination_fen)
