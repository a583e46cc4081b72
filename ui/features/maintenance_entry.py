"""The way into maintenance mode (for ui/features/maintenance.py): a technician badge on the ID
reader or the hidden corner sequence opens the PIN screen; the PIN goes to the gate
(kiosk/maintenance_auth.py, through app.ops.gate) on the core thread, which keeps the lockout.
Any PIN typed goes to the gate: the gate, not the screen, says what is wrong with it (a legacy
4- or 5-digit PIN is refused with its own message and, by the gate's rule, not counted).

Plain Python: the view-model owns the Qt side, the maintenance session and the calls to the core
thread; this class holds what the PIN screen shows and reacts to the gate's answers.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.maintenance import MaintenanceSession
from kiosk.maintenance_auth import MAX_PIN_DIGITS, MaintenanceError, MaintenanceLocked, WrongPin
from kiosk.maintenance_settings import Corner
from ui.features.keypad import DigitEntry

if TYPE_CHECKING:
    from kiosk.maintenance_auth import MaintenanceGate
    from ui.features.maintenance import MaintenanceViewModel

log = logging.getLogger(__name__)

PIN = "maintenance.pin"
HOME = "maintenance.home"
ENTRY_SCREENS = ("attract", "out_of_service")  # where a badge or the sequence is noticed
CORNERS: tuple[Corner, ...] = ("top_left", "top_right", "bottom_left", "bottom_right")
PIN_KEYS = DigitEntry(MAX_PIN_DIGITS)  # never longer; what is too short the gate says


class PinEntry:
    """The PIN as typed (never kept once submitted), the gate's attempts left and lockout."""

    def __init__(self, vm: MaintenanceViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.pin = ""
        self.pin_open = False  # the PIN screen was opened by a badge or the sequence
        self.checking = False
        self.attempts_left = -1  # unknown until the gate says (read when the screen opens)
        self.locked_until: float | None = None
        self.lock_left = 0

    def can_submit(self) -> bool:
        return bool(self.pin) and not self.checking and self.lock_left == 0

    def lock_text(self) -> str:
        return f"{self.lock_left // 60}:{self.lock_left % 60:02d}"

    def preview(self) -> None:
        self.pin, self.attempts_left = "1234", 3

    # --- noticing a technician --------------------------------------------------------------

    def poll(self, gate: MaintenanceGate, screen: str) -> bool:
        """The poll timer, on an entry or the PIN screen; True: nothing more to check."""
        vm = self.vm
        if screen in ENTRY_SCREENS:
            # A technician badge on the ID reader (the core only opens the gate when no
            # customer is there) or the sequence: the PIN is next.
            if vm.nav.session is None and gate.pin_expected:
                self.open()
            return True
        if screen == PIN and self.pin_open:
            self.tick_lock()
            if not self.checking and not gate.pin_expected:
                self.leave()  # the badge or sequence ran out before a PIN came
            return True
        return False

    def corner(self, corner: str) -> None:
        gate = self.vm.app.ops.gate
        known = next((c for c in CORNERS if c == corner), None)
        if gate is None or known is None or self.vm.nav.screen not in ENTRY_SCREENS:
            return
        if gate.touch(known) and self.vm.nav.session is None:
            self.open()

    def open(self) -> None:
        vm = self.vm
        epoch = vm.restart()
        self.pin_open = True
        vm.nav.go(PIN, "maintenance.enter_pin")
        self.read_gate(epoch)
        vm.changed.emit()

    def read_gate(self, epoch: int) -> None:
        """The lock and the attempts left, as the gate has them now: before any wrong PIN
        too, so the technician knows how many tries there are."""
        vm, gate = self.vm, self.vm.app.ops.gate
        if gate is None:
            return

        def work() -> tuple[float | None, int]:
            # The lockout lives in a file shared with the CLI: read it on the core thread.
            return gate.lockout.locked_until(), gate.attempts_left

        def done(state: tuple[float | None, int]) -> None:
            if epoch == vm.epoch:
                self.attempts_left = state[1]
                self.set_lock(state[0])

        vm.nav.run(work, done, lambda e: vm.failed(epoch, e))

    def leave(self) -> None:
        self.vm.nav.home()  # reset() cancels the gate's pending badge or sequence

    # --- the lockout ------------------------------------------------------------------------

    def set_lock(self, until: float | None) -> None:
        self.locked_until = until
        if until is not None:
            self.attempts_left = 0
            self.vm.nav.show_message("maintenance.locked")
        self.tick_lock()
        self.vm.changed.emit()

    def tick_lock(self) -> None:
        until = self.locked_until
        left = 0 if until is None else max(0, math.ceil(until - time.time()))
        if left == self.lock_left:
            return
        self.lock_left = left
        if left == 0 and until is not None:
            self.locked_until = None
            self.vm.nav.show_message("maintenance.enter_pin")
            self.read_gate(self.vm.epoch)  # a lock that ran out gives all attempts back
        self.vm.changed.emit()

    # --- the PIN ----------------------------------------------------------------------------

    def press(self, digit: str) -> None:
        self.vm.touch()
        self.pin = PIN_KEYS.press(self.pin, digit)
        self.vm.changed.emit()

    def backspace(self) -> None:
        self.pin = PIN_KEYS.backspace(self.pin)
        self.vm.changed.emit()

    def clear_pin(self) -> None:
        self.pin = PIN_KEYS.clear()
        self.vm.changed.emit()

    def submit(self) -> None:
        vm = self.vm
        gate = vm.app.ops.gate
        if gate is None or not self.can_submit():
            return
        pin, self.pin, self.checking, epoch = self.pin, "", True, vm.epoch
        ops = vm.app.ops

        def work() -> MaintenanceSession:
            # scrypt, the lockout file and the journal: the core thread. The session's setup
            # ends any customer flow (the acceptor is disabled).
            return ops.maintenance(gate.enter_pin(pin))

        vm.nav.run(work, lambda s: self.logged_in(epoch, s), lambda e: self.refused(epoch, e))
        vm.changed.emit()

    def logged_in(self, epoch: int, session: MaintenanceSession) -> None:
        vm = self.vm
        if epoch != vm.epoch:  # left the PIN screen meanwhile: close what just opened
            vm.ctx.bridge.submit(session.exit)
            return
        self.checking, self.pin_open = False, False
        vm.enter(session)

    def refused(self, epoch: int, error: BaseException) -> None:
        vm = self.vm
        if epoch != vm.epoch:
            return
        self.checking = False
        if isinstance(error, MaintenanceLocked):
            self.set_lock(error.until)
        elif isinstance(error, WrongPin):
            self.attempts_left = error.attempts_left
            vm.nav.show_message("maintenance.wrong_pin")
        elif isinstance(error, MaintenanceError) and error.message_key == "maintenance.card_first":
            self.leave()  # the badge or sequence ran out
            return
        elif isinstance(error, KioskError):
            # Among them PinTooShort ("maintenance.pin_too_short"): not counted by the gate,
            # so the attempts left stay as they are.
            vm.nav.show_message(error.message_key)
        else:
            log.error("maintenance PIN check: %r", error)
            vm.nav.show_message("error.generic")
        vm.changed.emit()
