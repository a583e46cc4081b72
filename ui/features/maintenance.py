"""The technician's maintenance mode: the PIN screen after a badge or the hidden touch sequence,
then device status and self-tests, cash collection, paper refill, queue and dead letters, recent
log lines, version and config, the out-of-service switch, and exit.

Thin over the core: the gate (kiosk/maintenance_auth.py, through app.ops.gate) checks the PIN and
keeps the lockout; `app.ops.maintenance(technician)` gives the session whose functions
(kiosk/maintenance.py) do and journal every action. Everything that touches a device, the
journal, the outbox or a file runs on the core thread (nav.run); this class only shows results.
The session's idle clock is the core's (MaintenanceSession.touch/on_end): every technician tap
restarts it, and its end (on the clock's own thread) comes back through nav.post to leave.
Its screens' state and logic are in plain Python helpers: the way in (maintenance_entry.py), the
devices and paper (maintenance_devices.py), the cash box (maintenance_cashbox.py), and the queue,
out-of-service switch, logs and config (maintenance_system.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.errors import KioskError
from kiosk.maintenance import MaintenanceSession
from kiosk.maintenance_auth import TechnicianIdentity
from ui.features.base import FeatureViewModel, UiContext
from ui.features.maintenance_cashbox import CashPanel
from ui.features.maintenance_devices import DevicePanel
from ui.features.maintenance_entry import HOME, PIN, PinEntry
from ui.features.maintenance_system import DISCARD_REASONS, SystemPanel

log = logging.getLogger(__name__)

POLL_MS = 250  # the badge, the sequence's timeout and the lock's countdown (not idleness)


class MaintenanceViewModel(FeatureViewModel):
    name = "maintenance"
    screens: ClassVar[dict[str, str]] = {
        PIN: "maintenance/MaintenancePin.qml",
        HOME: "maintenance/MaintenanceHome.qml",
        "maintenance.devices": "maintenance/MaintenanceDevices.qml",
        "maintenance.cash": "maintenance/MaintenanceCash.qml",
        "maintenance.paper": "maintenance/MaintenancePaper.qml",
        "maintenance.queue": "maintenance/MaintenanceQueue.qml",
        "maintenance.logs": "maintenance/MaintenanceLogs.qml",
        "maintenance.about": "maintenance/MaintenanceAbout.qml",
        "maintenance.service": "maintenance/MaintenanceService.qml",
    }
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._epoch = 0  # bumped by reset(): a late core answer of an ended session is dropped
        self._entry = PinEntry(self)
        self._devices = DevicePanel(self)
        self._cash = CashPanel(self)
        self._system = SystemPanel(self)
        self._unsubscribe: Callable[[], None] | None = None
        self._clear()
        # A tap anywhere the screen's own controls do not take (the root's catch-all area).
        activity = getattr(self.nav, "userActivity", None)
        if activity is not None:
            activity.connect(self.touch)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _clear(self) -> None:
        self._forget_end()
        self._session: MaintenanceSession | None = None
        self._technician: TechnicianIdentity | None = None
        for panel in (self._entry, self._devices, self._cash, self._system):
            panel.clear()

    def _forget_end(self) -> None:
        """Stop listening for the current session's end (we are leaving it ourselves)."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()

    # --- properties -------------------------------------------------------------------------

    def _get_technician(self) -> str:
        who = self._technician
        if who is None:
            return ""
        return f"{who.name} ({who.id})" if who.name else who.id

    def _get_collected_rows(self) -> list[dict[str, Any]]:
        return self._cash.collected_rows()

    active = Property(bool, lambda self: self._session is not None, notify=changed)
    technician = Property(str, _get_technician, notify=changed)
    pinMask = Property(str, lambda self: "●" * len(self._entry.pin), notify=changed)  # noqa: N815
    pinLength = Property(int, lambda self: len(self._entry.pin), notify=changed)  # noqa: N815
    canSubmitPin = Property(bool, lambda self: self._entry.can_submit(), notify=changed)  # noqa: N815
    attemptsLeft = Property(int, lambda self: self._entry.attempts_left, notify=changed)  # noqa: N815
    lockSecondsLeft = Property(int, lambda self: self._entry.lock_left, notify=changed)  # noqa: N815
    lockText = Property(str, lambda self: self._entry.lock_text(), notify=changed)  # noqa: N815
    devices = Property("QVariantList", lambda self: self._devices.rows(), notify=changed)
    testing = Property(bool, lambda self: bool(self._devices.running), notify=changed)
    cashRows = Property("QVariantList", lambda self: self._cash.view.rows, notify=changed)  # noqa: N815
    cashTotal = Property(str, lambda self: self._cash.view.total, notify=changed)  # noqa: N815
    cashNotes = Property(int, lambda self: self._cash.view.notes, notify=changed)  # noqa: N815
    cashCapacity = Property(int, lambda self: self._cash.view.capacity, notify=changed)  # noqa: N815
    cashFullness = Property(float, lambda self: self._cash.view.fullness, notify=changed)  # noqa: N815
    lastCollected = Property(str, lambda self: self._cash.view.last_collected, notify=changed)  # noqa: N815
    confirmingCollect = Property(bool, lambda self: self._cash.confirming, notify=changed)  # noqa: N815
    collectionDone = Property(bool, lambda self: self._cash.collected is not None, notify=changed)  # noqa: N815
    collectedTotal = Property(str, lambda self: self._cash.collected_total(), notify=changed)  # noqa: N815
    collectedNotes = Property(int, lambda self: self._cash.collected_notes(), notify=changed)  # noqa: N815
    collectedRows = Property("QVariantList", _get_collected_rows, notify=changed)  # noqa: N815
    slipState = Property(str, lambda self: self._cash.slip_state(), notify=changed)  # noqa: N815
    paperState = Property(str, lambda self: self._devices.paper, notify=changed)  # noqa: N815
    outOfService = Property(bool, lambda self: self._system.out_reason is not None, notify=changed)  # noqa: N815
    outOfServiceReason = Property(str, lambda self: self._system.out_reason or "", notify=changed)  # noqa: N815
    queuePending = Property(int, lambda self: self._system.queue.pending, notify=changed)  # noqa: N815
    queueAcked = Property(int, lambda self: self._system.queue.acked, notify=changed)  # noqa: N815
    queueDead = Property(int, lambda self: self._system.queue.dead, notify=changed)  # noqa: N815
    queueOldest = Property(str, lambda self: self._system.queue.oldest, notify=changed)  # noqa: N815
    online = Property(bool, lambda self: self._system.online, notify=changed)
    deadLetters = Property("QVariantList", lambda self: self._system.dead, notify=changed)  # noqa: N815
    discardKey = Property(str, lambda self: self._system.discard_key, notify=changed)  # noqa: N815
    discardReasons = Property("QVariantList", lambda self: list(DISCARD_REASONS), constant=True)  # noqa: N815
    logLines = Property("QVariantList", lambda self: self._system.logs, notify=changed)  # noqa: N815
    aboutRows = Property("QVariantList", lambda self: self._system.about, notify=changed)  # noqa: N815
    version = Property(str, lambda self: self._system.version, notify=changed)

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        raise NotImplementedError(key)  # maintenance is never on the customer menu

    def reset(self) -> None:
        """Back to attract (Cancel, exit, or any session end): the maintenance session is
        closed (journalled) and nothing of it stays on screen."""
        session = self._session
        self._forget_end()
        if session is not None:
            self.ctx.bridge.submit(session.exit)
        gate = self.app.ops.gate
        if self._entry.pin_open and gate is not None:
            gate.cancel()
        self._epoch += 1
        self._clear()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        self.touch()
        if screen == PIN:
            self._entry.leave()
        elif screen != HOME:
            self._close_questions()
            self.nav.go(HOME, "maintenance.choose")
        return True  # never the customer menu from here

    def can_back(self, screen: str) -> bool:
        return screen != HOME

    def preview(self, screen: str) -> None:
        self._technician = TechnicianIdentity("T001", "王工", "badge")
        for panel in (self._entry, self._devices, self._cash, self._system):
            panel.preview()
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        # A technician's data, not a customer's, but it too must be gone once back on attract.
        return {"pin": self._entry.pin, "session": self._session, "technician": self._technician}

    def shutdown(self) -> None:
        self._timer.stop()

    # --- for the helpers: the session, the epoch, core calls --------------------------------

    @property
    def epoch(self) -> int:
        """Bumped whenever maintenance starts over: an answer made for an older one is late."""
        return self._epoch

    @property
    def technician_session(self) -> MaintenanceSession | None:
        return self._session

    def restart(self) -> int:
        """A new way in (the PIN screen opens): nothing of before stays; the new epoch."""
        self._epoch += 1
        self._clear()
        return self._epoch

    def enter(self, session: MaintenanceSession) -> None:
        """The gate let the technician in: the maintenance home screen."""
        self._session, self._technician = session, session.technician
        self.nav.go(HOME, "maintenance.choose")
        # Called on the thread that ended the session (the idle clock's own): the GUI thread
        # hears it through the bridge. A session ended already calls back at once.
        self._unsubscribe = session.on_end(
            lambda reason: self.nav.post(lambda: self._ended(session, reason))
        )
        self.changed.emit()

    def _ended(self, session: MaintenanceSession, reason: str) -> None:
        """The core ended the session (its idle clock ran out): back to attract. An end we
        asked for ourselves (Exit, Cancel) has moved on already and is ignored here."""
        if session is not self._session:
            return
        log.warning("maintenance ended by the core (%s): back to attract", reason)
        self._session = None  # closed already: reset() must not close it again
        self.nav.home()

    @Slot()
    def touch(self) -> None:
        """The technician is there (any tap): the core's idle clock starts again."""
        session = self._session
        if session is not None:
            session.touch()  # a lock and a clock read: fine on the GUI thread

    def call(
        self,
        work: Callable[[MaintenanceSession], Any],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run `work(session)` on the core thread; `done(result)` back here, unless maintenance
        ended meanwhile. A refusal shows its message key."""
        session, epoch = self._session, self._epoch
        if session is None:
            return

        def finished(result: Any) -> None:
            if epoch == self._epoch and done is not None:
                done(result)
                self.changed.emit()

        self.nav.run(lambda: work(session), finished, lambda e: self.failed(epoch, e))

    def failed(self, epoch: int, error: BaseException) -> None:
        if epoch != self._epoch:
            return
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("maintenance: %r", error)
            self.nav.show_message("error.generic")
        self.changed.emit()

    def _poll(self) -> None:
        gate = self.app.ops.gate
        if gate is not None:
            self._entry.poll(gate, self.nav.screen)

    def _close_questions(self) -> None:
        """Leaving a screen drops its pending question (collect the cash? discard why?)."""
        self._cash.confirming, self._system.discard_key = False, ""

    # --- slots: the way in ------------------------------------------------------------------

    @Slot(str)
    def corner(self, corner: str) -> None:
        """A tap on one of the invisible corner hotspots of the attract or out-of-service
        screen; the gate knows the sequence (touch_sequence in config)."""
        if not self.nav.ready:
            return  # the core is still starting: no gate to ask yet
        self._entry.corner(corner)

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        self._entry.press(digit)

    @Slot()
    def backspace(self) -> None:
        self._entry.backspace()

    @Slot()
    def clearPin(self) -> None:  # noqa: N802
        self._entry.clear_pin()

    @Slot()
    def submitPin(self) -> None:  # noqa: N802
        self._entry.submit()

    # --- slots: the maintenance screens -----------------------------------------------------

    @Slot(str)
    def openScreen(self, what: str) -> None:  # noqa: N802
        """A tile on the maintenance home screen."""
        self.touch()
        screen = f"maintenance.{what}"
        if self._session is None or screen not in self.screens or screen in (PIN, HOME):
            return
        self._close_questions()
        self.nav.go(screen, f"maintenance.{what}")
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Read the current screen's figures again (on the core thread)."""
        self.touch()
        loaders = {
            "maintenance.devices": self._devices.load,
            "maintenance.cash": self._cash.load,
            "maintenance.paper": self._devices.load_paper,
            "maintenance.queue": self._system.load_queue,
            "maintenance.logs": self._system.load_logs,
            "maintenance.about": self._system.load_about,
            "maintenance.service": self._system.load_service,
        }
        loader = loaders.get(self.nav.screen)
        if loader is not None:
            loader()

    @Slot()
    def exitMaintenance(self) -> None:  # noqa: N802
        """Leave maintenance (journalled by the core), back to the attract screen."""
        session = self._session
        if session is None:
            self.nav.home()
            return
        self._forget_end()
        self._session = None  # reset() must not close it a second time
        self._epoch += 1
        self.nav.run(session.exit, lambda _r: self.nav.home(), lambda _e: self.nav.home())

    @Slot(str)
    def selfTest(self, device: str) -> None:  # noqa: N802
        self.touch()
        self._devices.self_test(device)

    @Slot()
    def collectCash(self) -> None:  # noqa: N802
        """First tap: ask to confirm (the counts go to zero)."""
        self.touch()
        self._cash.collect()

    @Slot()
    def keepCash(self) -> None:  # noqa: N802
        self.touch()
        self._cash.keep()

    @Slot()
    def confirmCollect(self) -> None:  # noqa: N802
        self.touch()
        self._cash.confirm()

    @Slot()
    def reprintSlip(self) -> None:  # noqa: N802
        self.touch()
        self._cash.reprint_slip()

    @Slot()
    def paperRefilled(self) -> None:  # noqa: N802
        self.touch()
        self._devices.paper_refilled()

    @Slot(bool)
    def setOutOfService(self, out: bool) -> None:  # noqa: N802
        self.touch()
        self._system.set_out_of_service(out)

    @Slot()
    def syncNow(self) -> None:  # noqa: N802
        self.touch()
        self._system.sync_now()

    @Slot(str)
    def retryDeadLetter(self, key: str) -> None:  # noqa: N802
        self.touch()
        self._system.retry(key)

    @Slot(str)
    def askDiscard(self, key: str) -> None:  # noqa: N802
        """Discarding needs a reason: show the reasons for this dead letter."""
        self.touch()
        self._system.ask_discard(key)

    @Slot()
    def keepDeadLetter(self) -> None:  # noqa: N802
        self.touch()
        self._system.keep()

    @Slot(str)
    def discardDeadLetter(self, reason: str) -> None:  # noqa: N802
        self.touch()
        self._system.discard(reason)
