"""The customer desk: one customer session at a time and the services inside it.

The UI (a thin view over this) starts a session when a customer touches the screen, logs them
in once, opens account services and changes in that session, and ends it; the desk's idle watch
ends it by itself when the customer walks away. Ending a session closes what was opened in it
(a change waiting for its code is abandoned, the services' counts are closed) and leaves nothing
of the customer behind for the next one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drivers.errors import DriverError
from drivers.interfaces import BillAcceptor, CardTerminal, ReceiptPrinter
from kiosk.central_api import CentralApi
from kiosk.customer_session import CustomerSession, EndReason, IdleStatus, SessionEnded
from kiosk.errors import JournalError, SessionError
from kiosk.flows.account import AccountContext, AccountServices
from kiosk.flows.change import ChangeContext, ChangeFlow, ChangeRequest
from kiosk.flows.sim_issue import SimDevices
from kiosk.flows.sim_replacement import SimReplacementContext, SimReplacementFlow
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics

log = logging.getLogger(__name__)

IDLE_TICK_S = 0.5


@dataclass(frozen=True)
class DeskParts:
    api: CentralApi
    journal: Journal
    printer: ReceiptPrinter | None
    metrics: ServiceMetrics
    kiosk_name: str
    idle_timeout_s: float
    idle_warning_s: float
    on_storage_failure: Callable[[JournalError], None]
    kiosk_id: str = ""
    sim_devices: SimDevices | None = None  # SIM reader/writer and dispenser, if installed
    # SIM replacement's fee (config sim.replacement_fee_fen) and the ways to pay it.
    sim_replacement_fee_fen: int = 0
    acceptor: BillAcceptor | None = None
    denominations_fen: frozenset[int] = frozenset()
    attach_cash: Callable[[Any], None] | None = None  # the cash router's attach
    terminal: CardTerminal | None = None
    paying: set[str] = field(default_factory=set)  # card payments a flow is waiting on


class CustomerDesk:
    """Thread-safe. `on_end` hears every session that ends (the UI returns to attract)."""

    def __init__(
        self, parts: DeskParts, on_end: Callable[[SessionEnded], None] | None = None
    ) -> None:
        self._parts = parts
        self._on_end = on_end
        self._lock = threading.RLock()
        self._session: CustomerSession | None = None
        self._account: AccountServices | None = None
        self._changes: list[ChangeFlow] = []
        self._replacements: list[SimReplacementFlow] = []
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None

    def listen(self, on_end: Callable[[SessionEnded], None] | None) -> None:
        """Who hears that a session ended (the UI, to go back to the attract screen)."""
        with self._lock:
            self._on_end = on_end

    # --- sessions -------------------------------------------------------------------------

    @property
    def session(self) -> CustomerSession | None:
        with self._lock:
            return self._session

    def start_session(self) -> CustomerSession:
        """A new customer: the previous session, if any, is finished first."""
        with self._lock:
            if self._session is not None and self._session.ended is None:
                self._session.end(EndReason.FINISHED)
            session = CustomerSession(
                self._parts.api,
                idle_timeout_s=self._parts.idle_timeout_s,
                warning_s=self._parts.idle_warning_s,
                on_end=self._ended,
            )
            self._session = session
            return session

    def end_session(self, reason: EndReason = EndReason.LOGOUT) -> None:
        with self._lock:
            session = self._session
        if session is not None:
            session.end(reason)

    def _ended(self, event: SessionEnded) -> None:
        """Called by the session as it ends: close everything opened in it."""
        with self._lock:
            if self._session is None or self._session.session_id != event.session_id:
                return
            account, changes = self._account, self._changes
            replacements = self._replacements
            self._session, self._account, self._changes = None, None, []
            self._replacements = []
        for replacement in replacements:  # a fee taken and no card: a voucher or a refund
            try:
                replacement.cancel()
            except (JournalError, DriverError):
                log.exception("could not close a replacement left by the customer")
        for change in changes:
            try:
                change.abandon()
            except JournalError:
                log.exception("could not journal an abandoned change")
        if account is not None:
            account.close()
        if self._on_end is not None:
            try:
                self._on_end(event)
            except Exception:  # a UI bug must not keep the session's data alive
                log.exception("session end listener failed")

    def _current(self) -> CustomerSession:
        session = self._session
        if session is None or session.ended is not None:
            raise SessionError("no customer session", message_key="session.required")
        return session

    # --- services in the session ----------------------------------------------------------

    def account(self) -> AccountServices:
        with self._lock:
            session = self._current()
            if self._account is None:
                parts = self._parts
                context = AccountContext(parts.api, parts.printer, parts.kiosk_name, parts.metrics)
                self._account = AccountServices(context, session)
            return self._account

    def change(self, request: ChangeRequest) -> ChangeFlow:
        with self._lock:
            session = self._current()
            parts = self._parts
            context = ChangeContext(parts.api, parts.journal, parts.metrics,
                                    parts.on_storage_failure)  # fmt: skip
            flow = ChangeFlow(context, session, request)
            self._changes.append(flow)
            return flow

    def sim_replacement(self) -> SimReplacementFlow:
        """A replacement card for the customer logged in with their ID card."""
        with self._lock:
            session = self._current()
            parts = self._parts
            if parts.sim_devices is None:
                raise SessionError("no SIM writer here", message_key="service.not_installed")
            context = SimReplacementContext(
                parts.kiosk_id, parts.api, parts.journal, parts.sim_devices, parts.metrics,
                parts.on_storage_failure, fee_fen=parts.sim_replacement_fee_fen,
                kiosk_name=parts.kiosk_name, printer=parts.printer, acceptor=parts.acceptor,
                denominations_fen=parts.denominations_fen,
                attach_cash=parts.attach_cash or (lambda _flow: None), terminal=parts.terminal,
                paying=parts.paying,
            )  # fmt: skip
            flow = SimReplacementFlow(context, session)
            self._replacements.append(flow)
            return flow

    # --- the idle watch -------------------------------------------------------------------

    def tick(self) -> IdleStatus | None:
        with self._lock:
            session = self._session
        return None if session is None else session.tick()

    def start(self) -> None:
        if self._watch is None:
            self._watch = threading.Thread(target=self._run, name="idle-watch", daemon=True)
            self._watch.start()

    def _run(self) -> None:
        while not self._stopping.wait(IDLE_TICK_S):
            try:
                self.tick()
            except Exception:
                log.exception("idle watch")

    def stop(self) -> None:
        self._stopping.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
            self._watch = None
        self.end_session(EndReason.SHUTDOWN)
