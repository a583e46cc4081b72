"""The technician's maintenance mode: the PIN screen after a badge or the hidden touch sequence,
then device status and self-tests, cash collection, paper refill, queue and dead letters, recent
log lines, version and config, the out-of-service switch, and exit.

Thin over the core: the gate (kiosk/maintenance_auth.py, through app.ops.gate) checks the PIN and
keeps the lockout; `app.ops.maintenance(technician)` gives the session whose functions
(kiosk/maintenance.py) do and journal every action. Everything that touches a device, the
journal, the outbox or a file runs on the core thread (nav.run); this class only shows results.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.errors import KioskError
from kiosk.maintenance import MaintenanceSession, SelfTest
from kiosk.maintenance_auth import (
    MaintenanceError,
    MaintenanceLocked,
    TechnicianIdentity,
    WrongPin,
    valid_pin,
)
from kiosk.maintenance_cash import CashCollected, CashStatus
from kiosk.maintenance_settings import Corner
from kiosk.money import format_cny
from ui.features.base import FeatureViewModel, UiContext
from ui.features.maintenance_rows import (
    EMPTY_CASH,
    EMPTY_QUEUE,
    CashView,
    QueueView,
    about_rows,
    collected_rows,
    dead_letter_rows,
    device_rows,
)

log = logging.getLogger(__name__)

PIN = "maintenance.pin"
HOME = "maintenance.home"
ENTRY_SCREENS = ("attract", "out_of_service")  # where a badge or the sequence is noticed
CORNERS: tuple[Corner, ...] = ("top_left", "top_right", "bottom_left", "bottom_right")
POLL_MS = 250
# No tap on a maintenance screen for this long: maintenance ends by itself (a technician who
# walked away must not leave the kiosk open). The core has no maintenance idle clock yet.
IDLE_EXIT_S = 300.0
ID_READER_WAIT_S = 30.0
LOG_LINES = 200
PIN_MAX = 12
# The reasons a technician can give for discarding a dead letter (journalled as this text).
DISCARD_REASONS = {
    "settled": "settled by hand at the counter (refund or manual credit)",
    "duplicate": "duplicate of an item central already has",
    "test": "test data, not a customer transaction",
    "refused": "central refuses it for good; escalated to ops",
}


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
        self._clear()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _clear(self) -> None:
        self._session: MaintenanceSession | None = None
        self._technician: TechnicianIdentity | None = None
        self._pin = ""
        self._pin_open = False  # the PIN screen was opened by a badge or the sequence
        self._checking = False
        self._attempts_left = -1  # unknown until a wrong PIN says
        self._locked_until: float | None = None
        self._lock_left = 0
        self._health: dict[str, DeviceHealth] = {}
        self._results: dict[str, SelfTest] = {}
        self._running: set[str] = set()
        self._cash = EMPTY_CASH
        self._confirm_collect = False
        self._collected: CashCollected | None = None
        self._slip: SelfTest | None = None
        self._paper = ""
        self._out_reason: str | None = None
        self._queue = EMPTY_QUEUE
        self._online = False
        self._dead: list[dict[str, Any]] = []
        self._discard_key = ""
        self._logs: list[str] = []
        self._about: list[dict[str, str]] = []
        self._version = ""
        self._last_activity = time.monotonic()

    # --- properties -------------------------------------------------------------------------

    def _get_technician(self) -> str:
        who = self._technician
        if who is None:
            return ""
        return f"{who.name} ({who.id})" if who.name else who.id

    def _get_collected_total(self) -> str:
        return format_cny(self._collected.total_fen) if self._collected else ""

    def _get_collected_notes(self) -> int:
        return sum(self._collected.counts.values()) if self._collected else 0

    def _get_collected_rows(self) -> list[dict[str, Any]]:
        return collected_rows(self._collected) if self._collected else []

    def _get_slip_state(self) -> str:
        if self._slip is None:
            return ""
        return "printed" if self._slip.passed else "failed"

    def _get_can_submit(self) -> bool:
        return valid_pin(self._pin) and not self._checking and self._lock_left == 0

    def _get_devices(self) -> list[dict[str, Any]]:
        return device_rows(self._health, self._results, frozenset(self._running))

    active = Property(bool, lambda self: self._session is not None, notify=changed)
    technician = Property(str, _get_technician, notify=changed)
    pinMask = Property(str, lambda self: "●" * len(self._pin), notify=changed)  # noqa: N815
    pinLength = Property(int, lambda self: len(self._pin), notify=changed)  # noqa: N815
    canSubmitPin = Property(bool, _get_can_submit, notify=changed)  # noqa: N815
    attemptsLeft = Property(int, lambda self: self._attempts_left, notify=changed)  # noqa: N815
    lockSecondsLeft = Property(int, lambda self: self._lock_left, notify=changed)  # noqa: N815
    lockText = Property(  # noqa: N815
        str, lambda self: f"{self._lock_left // 60}:{self._lock_left % 60:02d}", notify=changed
    )
    devices = Property("QVariantList", _get_devices, notify=changed)
    testing = Property(bool, lambda self: bool(self._running), notify=changed)
    cashRows = Property("QVariantList", lambda self: self._cash.rows, notify=changed)  # noqa: N815
    cashTotal = Property(str, lambda self: self._cash.total, notify=changed)  # noqa: N815
    cashNotes = Property(int, lambda self: self._cash.notes, notify=changed)  # noqa: N815
    cashCapacity = Property(int, lambda self: self._cash.capacity, notify=changed)  # noqa: N815
    cashFullness = Property(float, lambda self: self._cash.fullness, notify=changed)  # noqa: N815
    lastCollected = Property(str, lambda self: self._cash.last_collected, notify=changed)  # noqa: N815
    confirmingCollect = Property(bool, lambda self: self._confirm_collect, notify=changed)  # noqa: N815
    collectionDone = Property(bool, lambda self: self._collected is not None, notify=changed)  # noqa: N815
    collectedTotal = Property(str, _get_collected_total, notify=changed)  # noqa: N815
    collectedNotes = Property(int, _get_collected_notes, notify=changed)  # noqa: N815
    collectedRows = Property("QVariantList", _get_collected_rows, notify=changed)  # noqa: N815
    slipState = Property(str, _get_slip_state, notify=changed)  # noqa: N815
    paperState = Property(str, lambda self: self._paper, notify=changed)  # noqa: N815
    outOfService = Property(bool, lambda self: self._out_reason is not None, notify=changed)  # noqa: N815
    outOfServiceReason = Property(str, lambda self: self._out_reason or "", notify=changed)  # noqa: N815
    queuePending = Property(int, lambda self: self._queue.pending, notify=changed)  # noqa: N815
    queueAcked = Property(int, lambda self: self._queue.acked, notify=changed)  # noqa: N815
    queueDead = Property(int, lambda self: self._queue.dead, notify=changed)  # noqa: N815
    queueOldest = Property(str, lambda self: self._queue.oldest, notify=changed)  # noqa: N815
    online = Property(bool, lambda self: self._online, notify=changed)
    deadLetters = Property("QVariantList", lambda self: self._dead, notify=changed)  # noqa: N815
    discardKey = Property(str, lambda self: self._discard_key, notify=changed)  # noqa: N815
    discardReasons = Property("QVariantList", lambda self: list(DISCARD_REASONS), constant=True)  # noqa: N815
    logLines = Property("QVariantList", lambda self: self._logs, notify=changed)  # noqa: N815
    aboutRows = Property("QVariantList", lambda self: self._about, notify=changed)  # noqa: N815
    version = Property(str, lambda self: self._version, notify=changed)

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        raise NotImplementedError(key)  # maintenance is never on the customer menu

    def reset(self) -> None:
        """Back to attract (Cancel, exit, or any session end): the maintenance session is
        closed (journalled) and nothing of it stays on screen."""
        session = self._session
        if session is not None:
            self.ctx.bridge.submit(session.exit)
        gate = self.app.ops.gate
        if self._pin_open and gate is not None:
            gate.cancel()
        self._epoch += 1
        self._clear()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        self._touch()
        if screen == PIN:
            self._leave()
        elif screen != HOME:
            self._confirm_collect, self._discard_key = False, ""
            self.nav.go(HOME, "maintenance.choose")
        return True  # never the customer menu from here

    def can_back(self, screen: str) -> bool:
        return screen != HOME

    def preview(self, screen: str) -> None:
        self._preview()
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        # A technician's data, not a customer's, but it too must be gone once back on attract.
        return {"pin": self._pin, "session": self._session, "technician": self._technician}

    def shutdown(self) -> None:
        self._timer.stop()

    # --- core calls -------------------------------------------------------------------------

    def _touch(self) -> None:
        self._last_activity = time.monotonic()

    def _call(
        self,
        work: Callable[[MaintenanceSession], Any],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run `work(session)` on the core thread; `done(result)` back here, unless maintenance
        ended meanwhile. A refusal shows its message key."""
        session, epoch = self._session, self._epoch
        self._touch()
        if session is None:
            return

        def finished(result: Any) -> None:
            if epoch == self._epoch and done is not None:
                done(result)
                self.changed.emit()

        self.nav.run(lambda: work(session), finished, lambda e: self._failed(epoch, e))

    def _failed(self, epoch: int, error: BaseException) -> None:
        if epoch != self._epoch:
            return
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("maintenance: %r", error)
            self.nav.show_message("error.generic")
        self.changed.emit()

    # --- entry: badge or hidden sequence, then the PIN --------------------------------------

    def _poll(self) -> None:
        gate = self.app.ops.gate
        screen = self.nav.screen
        if gate is None:
            return
        if screen in ENTRY_SCREENS:
            # A technician badge on the ID reader (the core only opens the gate when no
            # customer is there) or the sequence: the PIN is next.
            if self.nav.session is None and gate.pin_expected:
                self._open_pin()
            return
        if screen == PIN and self._pin_open:
            self._tick_lock()
            if not self._checking and not gate.pin_expected:
                self._leave()  # the badge or sequence ran out before a PIN came
            return
        if self._session is not None and time.monotonic() - self._last_activity > IDLE_EXIT_S:
            log.warning("maintenance: no tap for %.0f s, leaving", IDLE_EXIT_S)
            self.nav.home()

    def _open_pin(self) -> None:
        self._epoch += 1
        self._clear()
        self._pin_open = True
        epoch = self._epoch
        self.nav.go(PIN, "maintenance.enter_pin")
        gate = self.app.ops.gate
        if gate is not None:

            def locked(until: float | None) -> None:
                if epoch == self._epoch:
                    self._set_lock(until)

            # The lockout lives in a file: read it on the core thread.
            self.nav.run(gate.lockout.locked_until, locked, lambda e: self._failed(epoch, e))
        self.changed.emit()

    def _leave(self) -> None:
        self.nav.home()  # reset() cancels the gate's pending badge or sequence

    def _set_lock(self, until: float | None) -> None:
        self._locked_until = until
        if until is not None:
            self._attempts_left = 0
            self.nav.show_message("maintenance.locked")
        self._tick_lock()
        self.changed.emit()

    def _tick_lock(self) -> None:
        until = self._locked_until
        left = 0 if until is None else max(0, math.ceil(until - time.time()))
        if left == self._lock_left:
            return
        self._lock_left = left
        if left == 0 and until is not None:
            self._locked_until, self._attempts_left = None, -1
            self.nav.show_message("maintenance.enter_pin")
        self.changed.emit()

    @Slot(str)
    def corner(self, corner: str) -> None:
        """A tap on one of the invisible corner hotspots of the attract or out-of-service
        screen; the gate knows the sequence (touch_sequence in config)."""
        gate = self.app.ops.gate
        known = next((c for c in CORNERS if c == corner), None)
        if gate is None or known is None or self.nav.screen not in ENTRY_SCREENS:
            return
        if gate.touch(known) and self.nav.session is None:
            self._open_pin()

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        self._touch()
        if len(digit) == 1 and digit.isdigit() and len(self._pin) < PIN_MAX:
            self._pin += digit
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self._pin = self._pin[:-1]
        self.changed.emit()

    @Slot()
    def clearPin(self) -> None:  # noqa: N802
        self._pin = ""
        self.changed.emit()

    @Slot()
    def submitPin(self) -> None:  # noqa: N802
        gate = self.app.ops.gate
        if gate is None or not self._get_can_submit():
            return
        pin, self._pin, self._checking, epoch = self._pin, "", True, self._epoch
        ops = self.app.ops

        def work() -> MaintenanceSession:
            # scrypt, the lockout file and the journal: the core thread. The session's setup
            # ends any customer flow (the acceptor is disabled).
            return ops.maintenance(gate.enter_pin(pin))

        self.nav.run(work, lambda s: self._logged_in(epoch, s), lambda e: self._refused(epoch, e))
        self.changed.emit()

    def _logged_in(self, epoch: int, session: MaintenanceSession) -> None:
        if epoch != self._epoch:  # left the PIN screen meanwhile: close what just opened
            self.ctx.bridge.submit(session.exit)
            return
        self._checking, self._pin_open = False, False
        self._session, self._technician = session, session.technician
        self._touch()
        self.nav.go(HOME, "maintenance.choose")
        self.changed.emit()

    def _refused(self, epoch: int, error: BaseException) -> None:
        if epoch != self._epoch:
            return
        self._checking = False
        if isinstance(error, MaintenanceLocked):
            self._set_lock(error.until)
        elif isinstance(error, WrongPin):
            self._attempts_left = error.attempts_left
            self.nav.show_message("maintenance.wrong_pin")
        elif isinstance(error, MaintenanceError) and error.message_key == "maintenance.card_first":
            self._leave()  # the badge or sequence ran out
            return
        elif isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("maintenance PIN check: %r", error)
            self.nav.show_message("error.generic")
        self.changed.emit()

    # --- the maintenance screens ------------------------------------------------------------

    @Slot(str)
    def openScreen(self, what: str) -> None:  # noqa: N802
        """A tile on the maintenance home screen."""
        screen = f"maintenance.{what}"
        if self._session is None or screen not in self.screens or screen in (PIN, HOME):
            return
        self._confirm_collect, self._discard_key = False, ""
        self.nav.go(screen, f"maintenance.{what}")
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Read the current screen's figures again (on the core thread)."""
        loaders = {
            "maintenance.devices": self._load_devices,
            "maintenance.cash": self._load_cash,
            "maintenance.paper": self._load_paper,
            "maintenance.queue": self._load_queue,
            "maintenance.logs": self._load_logs,
            "maintenance.about": self._load_about,
            "maintenance.service": self._load_service,
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
        self._session = None  # reset() must not close it a second time
        self._epoch += 1
        self.nav.run(session.exit, lambda _r: self.nav.home(), lambda _e: self.nav.home())

    # devices

    def _load_devices(self) -> None:
        self._call(lambda s: s.device_status(), self._apply_health)

    def _apply_health(self, health: dict[str, DeviceHealth]) -> None:
        self._health = health

    @Slot(str)
    def selfTest(self, device: str) -> None:  # noqa: N802
        session = self._session
        if session is None or device in self._running:
            return
        self._touch()
        if device == "id_card_reader":
            self._test_id_reader(session)
            return
        tests = {"printer": session.test_printer, "bill_acceptor": session.test_acceptor}
        test = tests.get(device)
        if test is None:
            return
        self._running.add(device)
        self.changed.emit()

        def work(s: MaintenanceSession) -> tuple[SelfTest, dict[str, DeviceHealth]]:
            return test(), s.device_status()

        def done(result: tuple[SelfTest, dict[str, DeviceHealth]]) -> None:
            self._running.discard(device)
            self._results[device], self._health = result
            self.nav.show_message(self._test_message(result[0]))

        self._call(work, done)

    def _test_id_reader(self, session: MaintenanceSession) -> None:
        """The reader test waits up to 30 s for a card: its own thread, so neither the core
        thread nor the screen waits; the result comes back through the bridge."""
        self._running.add("id_card_reader")
        self.nav.show_message("maintenance.place_card")
        self.changed.emit()
        epoch = self._epoch

        def wait() -> None:
            try:
                outcome: SelfTest | BaseException = session.test_id_reader(ID_READER_WAIT_S)
            except Exception as exc:  # handed to the GUI thread
                outcome = exc
            try:
                self.nav.post(lambda: self._id_reader_done(epoch, outcome))
            except RuntimeError:
                log.info("ID reader test ended after the UI closed")

        threading.Thread(target=wait, name="maint-idtest", daemon=True).start()

    def _id_reader_done(self, epoch: int, outcome: SelfTest | BaseException) -> None:
        if epoch != self._epoch:
            return
        self._running.discard("id_card_reader")
        if isinstance(outcome, BaseException):
            self._failed(epoch, outcome)
            return
        self._results["id_card_reader"] = outcome
        self.nav.show_message(self._test_message(outcome))
        self.changed.emit()

    @staticmethod
    def _test_message(result: SelfTest) -> str:
        return "maintenance.test_passed" if result.passed else "maintenance.test_failed"

    # cash

    def _load_cash(self) -> None:
        self._call(lambda s: s.cash_status(), self._apply_cash)

    def _apply_cash(self, status: CashStatus) -> None:
        self._cash = CashView.of(status)

    @Slot()
    def collectCash(self) -> None:  # noqa: N802
        """First tap: ask to confirm (the counts go to zero)."""
        if self._session is None:
            return
        self._touch()
        self._confirm_collect = True
        self.nav.show_message("maintenance.collect_confirm")
        self.changed.emit()

    @Slot()
    def keepCash(self) -> None:  # noqa: N802
        self._touch()
        self._confirm_collect = False
        self.nav.show_message("maintenance.cash")
        self.changed.emit()

    @Slot()
    def confirmCollect(self) -> None:  # noqa: N802
        if not self._confirm_collect:
            return
        self._confirm_collect = False

        def work(s: MaintenanceSession) -> tuple[CashCollected, SelfTest, CashStatus]:
            collected, slip = s.collect_cash()
            return collected, slip, s.cash_status()

        def done(result: tuple[CashCollected, SelfTest, CashStatus]) -> None:
            self._collected, self._slip, status = result
            self._cash = CashView.of(status)
            self.nav.show_message(
                "maintenance.collected" if self._slip.passed else "maintenance.collected_no_slip"
            )

        self.changed.emit()
        self._call(work, done)

    @Slot()
    def reprintSlip(self) -> None:  # noqa: N802
        def done(slip: SelfTest) -> None:
            self._slip = slip
            self.nav.show_message(
                "maintenance.slip_printed" if slip.passed else "maintenance.slip_failed"
            )

        self._call(lambda s: s.reprint_slip(), done)

    # paper

    def _paper_state(self, session: MaintenanceSession) -> str:
        return self.app.ops.paper.state(session.device_status().get("printer"))

    def _load_paper(self) -> None:
        self._call(self._paper_state, self._apply_paper)

    def _apply_paper(self, state: str) -> None:
        self._paper = state

    @Slot()
    def paperRefilled(self) -> None:  # noqa: N802
        def work(s: MaintenanceSession) -> str:
            s.paper_refilled()
            return self._paper_state(s)

        def done(state: str) -> None:
            self._paper = state
            self.nav.show_message("maintenance.paper_refilled")

        self._call(work, done)

    # out of service

    def _load_service(self) -> None:
        self._call(lambda _s: self.app.ops.out_of_service_reason(), self._apply_service)

    def _apply_service(self, reason: str | None) -> None:
        self._out_reason = reason

    @Slot(bool)
    def setOutOfService(self, out: bool) -> None:  # noqa: N802
        def work(s: MaintenanceSession) -> str | None:
            s.set_out_of_service(out)
            return self.app.ops.out_of_service_reason()

        def done(reason: str | None) -> None:
            self._out_reason = reason
            self.nav.show_message(
                "maintenance.now_out_of_service" if reason else "maintenance.now_in_service"
            )

        self._call(work, done)

    # queue and dead letters

    def _queue_figures(self, s: MaintenanceSession) -> tuple[QueueView, list[Any], bool]:
        return QueueView.of(s.queue_status()), dead_letter_rows(s.dead_letters()), self.app.online

    def _load_queue(self) -> None:
        self._call(self._queue_figures, self._apply_queue)

    def _apply_queue(self, figures: tuple[QueueView, list[dict[str, Any]], bool]) -> None:
        self._queue, self._dead, self._online = figures

    @Slot()
    def syncNow(self) -> None:  # noqa: N802
        def work(s: MaintenanceSession) -> tuple[QueueView, list[Any], bool]:
            s.sync_now()
            return self._queue_figures(s)

        def done(figures: tuple[QueueView, list[dict[str, Any]], bool]) -> None:
            self._apply_queue(figures)
            self.nav.show_message("maintenance.sync_started")

        self._call(work, done)

    @Slot(str)
    def retryDeadLetter(self, key: str) -> None:  # noqa: N802
        def work(s: MaintenanceSession) -> tuple[bool, tuple[QueueView, list[Any], bool]]:
            return s.retry_dead_letter(key), self._queue_figures(s)

        def done(result: tuple[bool, tuple[QueueView, list[dict[str, Any]], bool]]) -> None:
            retried, figures = result
            self._apply_queue(figures)
            self.nav.show_message("maintenance.retried" if retried else "maintenance.not_dead")

        self._discard_key = ""
        self._call(work, done)

    @Slot(str)
    def askDiscard(self, key: str) -> None:  # noqa: N802
        """Discarding needs a reason: show the reasons for this dead letter."""
        self._touch()
        self._discard_key = key
        self.nav.show_message("maintenance.discard_reason")
        self.changed.emit()

    @Slot()
    def keepDeadLetter(self) -> None:  # noqa: N802
        self._touch()
        self._discard_key = ""
        self.nav.show_message("maintenance.queue")
        self.changed.emit()

    @Slot(str)
    def discardDeadLetter(self, reason: str) -> None:  # noqa: N802
        key, text = self._discard_key, DISCARD_REASONS.get(reason)
        if not key or text is None:
            return

        def work(s: MaintenanceSession) -> tuple[bool, tuple[QueueView, list[Any], bool]]:
            return s.discard_dead_letter(key, text), self._queue_figures(s)

        def done(result: tuple[bool, tuple[QueueView, list[dict[str, Any]], bool]]) -> None:
            discarded, figures = result
            self._apply_queue(figures)
            self.nav.show_message("maintenance.discarded" if discarded else "maintenance.not_dead")

        self._discard_key = ""
        self._call(work, done)
        self.changed.emit()

    # logs and about

    def _load_logs(self) -> None:
        self._call(lambda s: s.recent_logs(LOG_LINES), self._apply_logs)

    def _apply_logs(self, lines: list[str]) -> None:
        self._logs = list(reversed(lines))  # newest first

    def _load_about(self) -> None:
        self._call(lambda s: s.about(), self._apply_about)

    def _apply_about(self, summary: dict[str, Any]) -> None:
        self._version = str(summary.get("version", ""))
        self._about = about_rows({k: v for k, v in summary.items() if k != "version"})

    # --- example data for the screen tests --------------------------------------------------

    def _preview(self) -> None:
        self._technician = TechnicianIdentity("T001", "王工", "badge")
        self._pin, self._attempts_left = "1234", 3
        self._health = {
            "bill_acceptor": HEALTH_OK,
            "printer": DeviceHealth(
                HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end"
            ),
            "id_card_reader": HEALTH_OK,
            "card_terminal": DeviceHealth(HealthLevel.ERROR, "offline", "device.unavailable"),
        }
        self._results = {"printer": SelfTest("printer", True, "ok")}
        self._running = {"id_card_reader"}
        self._cash = CashView.of(
            CashStatus({10000: 12, 5000: 3, 1000: 7}, 1000, "2026-11-30T09:00:00+08:00")
        )
        self._paper = "near_end"
        self._out_reason = "technician T001: maintenance"
        self._queue = QueueView(3, 120, 1, "2:05")
        self._online = True
        self._dead = [
            {"key": "topup-5f2c", "kind": "topup.v1", "attempts": 1,
             "error": "msisdn: unknown", "age": "1:02:03"},
        ]  # fmt: skip
        self._logs = [
            '{"level": "WARNING", "logger": "kiosk.app", "message": "printer: paper near end"}',
            '{"level": "INFO", "logger": "kiosk.sync", "message": "batch delivered (3)"}',
        ]
        self._version = "0.1.0"
        self._about = about_rows({
            "kiosk": {"id": "KIOSK-DEMO-0001", "language": "zh_CN"},
            "central": {"url": "https://central", "token": "***"},
        })  # fmt: skip
