"""The cash top-up screens' view-model: number entry, cash, result (over kiosk/flows/topup.py)."""

from __future__ import annotations

import logging
from typing import ClassVar

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.errors import KioskError
from kiosk.flows.topup import State, TopUpFlow, TopUpSnapshot
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.features.base import FeatureViewModel, UiContext
from ui.features.keypad import MOBILE_NUMBER

log = logging.getLogger(__name__)

PREVIEW_NUMBER = "13800138000"


class TopUpViewModel(FeatureViewModel):
    name = "topup"
    screens: ClassVar[dict[str, str]] = {
        "topup.number": "topup/NumberScreen.qml",
        "topup.cash": "topup/CashScreen.qml",
        "topup.result": "topup/ResultScreen.qml",
    }
    services = ("topup.cash",)
    finish_screens = frozenset({"topup.result"})
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._digits = ""
        self._flow: TopUpFlow | None = None
        self._snap: TopUpSnapshot | None = None
        self._busy = False

    # --- properties -------------------------------------------------------------------------

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

    def _get_busy(self) -> bool:
        return self._busy

    def _get_can_confirm(self) -> bool:
        snap = self._snap
        return bool(snap and snap.state is State.CASH and snap.credited_fen > 0 and not self._busy)

    def _get_receipt_printed(self) -> bool:
        return bool(self._snap and self._snap.receipt_printed)

    def _get_credited_online(self) -> bool:
        return bool(self._snap and self._snap.credited_online)

    def _get_txn_ref(self) -> str:
        return self._snap.txn_id if self._snap else ""

    def _get_simulator(self) -> bool:
        return self.app.simulator_controls is not None

    def _get_max_text(self) -> str:
        return format_cny(self.app.config.topup.max_fen)

    digits = Property(str, _get_digits, notify=changed)
    numberDisplay = Property(str, _get_number_display, notify=changed)  # noqa: N815
    numberValid = Property(bool, _get_number_valid, notify=changed)  # noqa: N815
    creditedText = Property(str, _get_credited_text, notify=changed)  # noqa: N815
    creditedFen = Property(int, _get_credited_fen, notify=changed)  # noqa: N815
    remainingText = Property(str, _get_remaining_text, notify=changed)  # noqa: N815
    noteCount = Property(int, _get_note_count, notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    canConfirm = Property(bool, _get_can_confirm, notify=changed)  # noqa: N815
    receiptPrinted = Property(bool, _get_receipt_printed, notify=changed)  # noqa: N815
    creditedOnline = Property(bool, _get_credited_online, notify=changed)  # noqa: N815
    txnRef = Property(str, _get_txn_ref, notify=changed)  # noqa: N815
    simulator = Property(bool, _get_simulator, constant=True)
    maxText = Property(str, _get_max_text, constant=True)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        try:
            self._flow = self.app.new_topup(self._post_snapshot)
        except KioskError as exc:
            self.nav.go("out_of_service", exc.message_key)
            return
        self._snap = self._flow.snapshot
        self._digits = ""
        self.changed.emit()
        self.nav.go("topup.number", "topup.enter")

    def reset(self) -> None:
        flow, snap = self._flow, self._snap
        if flow is not None and snap is not None and snap.state in (State.NUMBER, State.CASH):
            self.ctx.bridge.submit(flow.cancel)  # refused by the flow if money is in
        self._flow, self._snap, self._digits, self._busy = None, None, "", False
        self.app.end_flow()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen == "topup.cash":  # back to the number, only while no money is in
            if self._get_credited_fen() > 0:
                self.nav.show_message("topup.cannot_cancel_with_money")
                return True
            return False
        return False

    def cancel(self, screen: str) -> bool:
        if self._get_credited_fen() > 0:
            self.nav.show_message("topup.cannot_cancel_with_money")
            return True
        return False

    def can_back(self, screen: str) -> bool:
        return screen != "topup.result" and not self._busy and self._get_credited_fen() == 0

    def can_cancel(self, screen: str) -> bool:
        return screen == "topup.result" or (not self._busy and self._get_credited_fen() == 0)

    def holds_money(self) -> bool:
        snap = self._snap
        return snap is not None and snap.state is State.CASH and snap.credited_fen > 0

    def on_idle(self, screen: str) -> bool:
        if screen == "topup.cash" and self.holds_money():
            # The customer walked away with money in: top up what was paid, never keep it.
            self.confirm()
            return True
        return False

    def preview(self, screen: str) -> None:
        self._digits = PREVIEW_NUMBER
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {"digits": self._digits, "flow": self._flow, "snapshot": self._snap}

    # --- number entry -----------------------------------------------------------------------

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        typed = MOBILE_NUMBER.press(self._digits, digit)
        if typed != self._digits:
            self._digits = typed
            self.nav.show_message("topup.enter")
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self._digits = MOBILE_NUMBER.backspace(self._digits)
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._digits = MOBILE_NUMBER.clear()
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        if not is_valid_mobile(self._digits):
            self.nav.show_message("topup.invalid_number")
            return
        flow, digits = self._flow, self._digits
        if flow is None:
            return
        self._set_busy(True)
        self.ctx.bridge.submit(lambda: flow.submit_number(digits), self._on_core_error)

    # --- cash -------------------------------------------------------------------------------

    @Slot(int)
    def insertNote(self, denomination_fen: int) -> None:  # noqa: N802
        """Simulator only: put a note into the simulated acceptor."""
        controls = self.app.simulator_controls
        if controls is not None:
            controls.insert_note(denomination_fen)

    @Slot()
    def confirm(self) -> None:
        flow = self._flow
        if flow is None or not self._get_can_confirm():
            return
        self._set_busy(True)
        self.ctx.bridge.submit(flow.confirm, self._on_core_error)

    # --- core callbacks ---------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.nav.set_busy(busy)
        self.changed.emit()

    def _post_snapshot(self, snap: TopUpSnapshot) -> None:
        self.nav.post(lambda: self._apply(snap))

    def _apply(self, snap: TopUpSnapshot) -> None:
        if self._snap is None or snap.txn_id != self._snap.txn_id:
            return  # a late event of a finished session (never block on the flow's lock here)
        self._snap = snap
        if snap.state is State.CASH:
            self._set_busy(False)
            if self.nav.screen != "topup.cash":
                self.nav.go("topup.cash", snap.message_key)
            else:
                self.nav.show_message(snap.message_key)
        elif snap.state is State.DONE:
            self._set_busy(False)
            self.nav.go("topup.result", snap.message_key)
        elif snap.state is State.FAILED:
            self._set_busy(False)
            self.nav.go("out_of_service", snap.message_key)
        else:
            self.nav.show_message(snap.message_key)
        self.changed.emit()

    def _on_core_error(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("core error: %r", error)
            self.nav.show_message("error.generic")
