"""The kiosk's view-model: screen navigation and the cash top-up, as Qt properties and slots.

Thin by design (the Electrum pattern): every decision lives in kiosk/; this class turns core
snapshots into display strings and forwards taps to the core thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.app import KioskApp
from kiosk.errors import KioskError
from kiosk.flows.topup import State, TopUpFlow, TopUpSnapshot
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.bridge import GuiBridge

log = logging.getLogger(__name__)

SCREENS = ("attract", "menu", "number", "cash", "result", "out_of_service")
RESULT_SCREEN_TIMEOUT_MS = 20_000
IDLE_WARNING_S = 15  # the countdown shown before a session ends for inactivity


class KioskViewModel(QObject):
    changed = Signal()
    languageChanged = Signal(str)  # noqa: N815 (Qt naming)

    def __init__(
        self,
        app: KioskApp,
        bridge: GuiBridge,
        *,
        on_language: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._bridge = bridge
        self._on_language = on_language
        self._screen = "attract"
        self._language = app.config.kiosk.language
        self._digits = ""
        self._flow: TopUpFlow | None = None
        self._snap: TopUpSnapshot | None = None
        self._message_key = ""
        self._busy = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        self._idle_ms = app.config.kiosk.idle_timeout_s * 1000
        self._topup = app.service("topup.cash")
        self._services_timer = QTimer(self)  # device health changes: keep the menu honest
        self._services_timer.setInterval(2000)
        self._services_timer.timeout.connect(self._refresh_services)
        self._services_timer.start()
        self._countdown = QTimer(self)  # ticks the "are you still there?" countdown
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        if app.out_of_service_reason:
            self._screen = "out_of_service"

    def shutdown(self) -> None:
        """Stop the timers on the GUI thread. A QObject whose timers are still running must not
        be left to Python's garbage collector: it may run on any thread (a device's, say), and
        Qt cannot stop timers from another thread — the next tick hits a deleted object."""
        for timer in (self._idle, self._services_timer, self._countdown):
            timer.stop()

    # --- properties -------------------------------------------------------------------------

    def _get_screen(self) -> str:
        return self._screen

    def _get_language(self) -> str:
        return self._language

    def _get_digits(self) -> str:
        return self._digits

    def _get_number_display(self) -> str:
        return group_mobile(self._digits)

    def _get_number_valid(self) -> bool:
        return is_valid_mobile(self._digits)

    def _get_credited_text(self) -> str:
        return format_cny(self._snap.credited_fen if self._snap else 0)

    def _get_credited_fen(self) -> int:
        return self._snap.credited_fen if self._snap else 0

    def _get_remaining_text(self) -> str:
        return format_cny(self._snap.remaining_fen if self._snap else 0)

    def _get_note_count(self) -> int:
        return len(self._snap.notes_fen) if self._snap else 0

    def _get_message_key(self) -> str:
        return self._message_key

    def _get_busy(self) -> bool:
        return self._busy

    def _get_can_confirm(self) -> bool:
        snap = self._snap
        return bool(snap and snap.state is State.CASH and snap.credited_fen > 0 and not self._busy)

    def _get_can_cancel(self) -> bool:
        snap = self._snap
        return not self._busy and not (snap and snap.credited_fen > 0)

    def _get_receipt_printed(self) -> bool:
        return bool(self._snap and self._snap.receipt_printed)

    def _get_credited_online(self) -> bool:
        return bool(self._snap and self._snap.credited_online)

    def _get_txn_ref(self) -> str:
        return self._snap.txn_id if self._snap else ""

    def _refresh_services(self) -> None:
        state = self._app.service("topup.cash")  # cached health: no device I/O on the GUI thread
        if state != self._topup:
            self._topup = state
            self.changed.emit()

    def _get_topup_available(self) -> bool:
        return self._topup.available

    def _get_topup_reason(self) -> str:
        return self._topup.reason_key

    def _get_topup_warning(self) -> str:
        return self._topup.warning_key

    def _get_simulator(self) -> bool:
        return self._app.simulator_controls is not None

    def _get_kiosk_name(self) -> str:
        return self._app.config.kiosk.name

    def _get_max_text(self) -> str:
        return format_cny(self._app.config.topup.max_fen)

    screen = Property(str, _get_screen, notify=changed)
    language = Property(str, _get_language, notify=changed)
    digits = Property(str, _get_digits, notify=changed)
    numberDisplay = Property(str, _get_number_display, notify=changed)  # noqa: N815
    numberValid = Property(bool, _get_number_valid, notify=changed)  # noqa: N815
    creditedText = Property(str, _get_credited_text, notify=changed)  # noqa: N815
    creditedFen = Property(int, _get_credited_fen, notify=changed)  # noqa: N815
    remainingText = Property(str, _get_remaining_text, notify=changed)  # noqa: N815
    noteCount = Property(int, _get_note_count, notify=changed)  # noqa: N815
    messageKey = Property(str, _get_message_key, notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    canConfirm = Property(bool, _get_can_confirm, notify=changed)  # noqa: N815
    canCancel = Property(bool, _get_can_cancel, notify=changed)  # noqa: N815
    receiptPrinted = Property(bool, _get_receipt_printed, notify=changed)  # noqa: N815
    creditedOnline = Property(bool, _get_credited_online, notify=changed)  # noqa: N815
    txnRef = Property(str, _get_txn_ref, notify=changed)  # noqa: N815
    topupAvailable = Property(bool, _get_topup_available, notify=changed)  # noqa: N815
    topupReason = Property(str, _get_topup_reason, notify=changed)  # noqa: N815
    topupWarning = Property(str, _get_topup_warning, notify=changed)  # noqa: N815
    simulator = Property(bool, _get_simulator, constant=True)
    kioskName = Property(str, _get_kiosk_name, constant=True)  # noqa: N815
    maxText = Property(str, _get_max_text, constant=True)  # noqa: N815

    # --- navigation -------------------------------------------------------------------------

    def _go(self, screen: str, message_key: str = "") -> None:
        assert screen in SCREENS, screen
        self._screen = screen
        self._message_key = message_key
        self._touch()
        self.changed.emit()

    def _touch(self) -> None:
        if self._screen in ("attract", "out_of_service"):
            self._idle.stop()
            self._countdown.stop()
        else:
            timeout = RESULT_SCREEN_TIMEOUT_MS if self._screen == "result" else self._idle_ms
            self._idle.start(timeout)
            self._countdown.start()
        self._tick()

    def _tick(self) -> None:
        left = self._get_idle_seconds_left()
        if left != getattr(self, "_shown_left", None):
            self._shown_left = left
            self.changed.emit()

    def _get_idle_seconds_left(self) -> int:
        """Seconds before the session ends, when the warning should show; else 0."""
        if not self._idle.isActive() or self._screen == "result":
            return 0
        left = -(-self._idle.remainingTime() // 1000)  # ceiling
        return left if 0 < left <= IDLE_WARNING_S else 0

    idleSecondsLeft = Property(int, _get_idle_seconds_left, notify=changed)  # noqa: N815

    @Slot()
    def touched(self) -> None:
        """Any tap on the screen: the customer is still there."""
        self._touch()

    @Slot(str)
    def setLanguage(self, language: str) -> None:  # noqa: N802
        if language not in ("zh_CN", "en") or language == self._language:
            return
        self._language = language
        if self._on_language is not None:
            self._on_language(language)
        self.changed.emit()

    @Slot()
    def start(self) -> None:
        if self._app.out_of_service_reason:
            self._go("out_of_service")
            return
        self._go("menu")

    @Slot()
    def home(self) -> None:
        """Back to the attract screen; the session's data is dropped."""
        self._flow, self._snap, self._digits, self._busy = None, None, "", False
        self._app.end_flow()
        self._language = self._app.config.kiosk.language
        if self._on_language is not None:
            self._on_language(self._language)
        self._go("out_of_service" if self._app.out_of_service_reason else "attract")

    @Slot()
    def chooseTopUp(self) -> None:  # noqa: N802
        self._refresh_services()
        if not self._topup.available:
            self._message_key = self._topup.reason_key
            self.changed.emit()
            return
        try:
            self._flow = self._app.new_topup(self._post_snapshot)
        except KioskError as exc:
            self._go("out_of_service", exc.message_key)
            return
        self._snap = self._flow.snapshot
        self._digits = ""
        self._go("number", "topup.enter")

    # --- number entry -----------------------------------------------------------------------

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        if len(digit) == 1 and digit.isdigit() and len(self._digits) < 11:
            self._digits += digit
            self._message_key = "topup.enter"
        self._touch()
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self._digits = self._digits[:-1]
        self._touch()
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._digits = ""
        self._touch()
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        if not is_valid_mobile(self._digits):
            self._message_key = "topup.invalid_number"
            self.changed.emit()
            return
        flow, digits = self._flow, self._digits
        if flow is None:
            return
        self._busy = True
        self.changed.emit()
        self._bridge.submit(lambda: flow.submit_number(digits), self._on_core_error)

    # --- cash -------------------------------------------------------------------------------

    @Slot(int)
    def insertNote(self, denomination_fen: int) -> None:  # noqa: N802
        """Simulator only: put a note into the simulated acceptor."""
        controls = self._app.simulator_controls
        if controls is not None:
            controls.insert_note(denomination_fen)

    @Slot()
    def confirm(self) -> None:
        flow = self._flow
        if flow is None or not self._get_can_confirm():
            return
        self._busy = True
        self.changed.emit()
        self._bridge.submit(flow.confirm, self._on_core_error)

    @Slot()
    def cancel(self) -> None:
        flow = self._flow
        if flow is None or (self._snap and self._snap.credited_fen > 0):
            self._message_key = "topup.cannot_cancel_with_money"
            self.changed.emit()
            return
        self._bridge.submit(flow.cancel, self._on_core_error)
        self.home()

    @Slot()
    def back(self) -> None:
        """One step back: cash → number is not possible once money is in."""
        if self._screen == "number":
            self.cancel()
        elif self._screen == "menu":
            self.home()
        elif self._screen == "cash":
            self.cancel()

    # --- core callbacks ---------------------------------------------------------------------

    def _post_snapshot(self, snap: TopUpSnapshot) -> None:
        self._bridge.post(lambda: self._apply(snap))

    def _apply(self, snap: TopUpSnapshot) -> None:
        if self._snap is None or snap.txn_id != self._snap.txn_id:
            return  # a late event of a finished session (never block on the flow's lock here)
        self._snap = snap
        self._message_key = snap.message_key
        if snap.state is State.CASH:
            self._busy = False
            if self._screen != "cash":
                self._go("cash", snap.message_key)
        elif snap.state is State.DONE:
            self._busy = False
            self._go("result", snap.message_key)
        elif snap.state is State.FAILED:
            self._busy = False
            self._go("out_of_service", snap.message_key)
        self._touch()
        self.changed.emit()

    def _on_core_error(self, error: BaseException) -> None:
        self._busy = False
        if isinstance(error, KioskError):
            self._message_key = error.message_key
        else:
            log.error("core error: %r", error)
            self._message_key = "error.generic"
        self.changed.emit()

    def _on_idle(self) -> None:
        snap = self._snap
        if self._screen == "cash" and snap is not None and snap.credited_fen > 0:
            # The customer walked away with money in: top up what was paid, never keep it.
            self.confirm()
            return
        if self._screen in ("menu", "number", "cash", "result"):
            if self._flow is not None and self._screen in ("number", "cash"):
                self._bridge.submit(self._flow.cancel)
            self.home()
