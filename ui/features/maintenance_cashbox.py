"""The cash screen of maintenance mode (for ui/features/maintenance.py): the cash box's counts,
collecting it (asked twice: the counts go to zero) and the collection slip.

Plain Python: the view-model owns the Qt side and the calls to the core thread (`vm.call`); the
counting and journalling are kiosk/maintenance_cash.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.maintenance import MaintenanceSession, SelfTest
from kiosk.maintenance_cash import CashCollected, CashStatus
from kiosk.money import format_cny
from ui.features.maintenance_rows import EMPTY_CASH, CashView, collected_rows

if TYPE_CHECKING:
    from ui.features.maintenance import MaintenanceViewModel


class CashPanel:
    """What the cash box holds, the confirmation step, and the last collection with its slip."""

    def __init__(self, vm: MaintenanceViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.view = EMPTY_CASH
        self.confirming = False
        self.collected: CashCollected | None = None
        self.slip: SelfTest | None = None

    # --- what the screen shows --------------------------------------------------------------

    def collected_total(self) -> str:
        return format_cny(self.collected.total_fen) if self.collected else ""

    def collected_notes(self) -> int:
        return sum(self.collected.counts.values()) if self.collected else 0

    def collected_rows(self) -> list[dict[str, Any]]:
        return collected_rows(self.collected) if self.collected else []

    def slip_state(self) -> str:
        if self.slip is None:
            return ""
        return "printed" if self.slip.passed else "failed"

    def preview(self) -> None:
        self.view = CashView.of(
            CashStatus({10000: 12, 5000: 3, 1000: 7}, 1000, "2026-11-30T09:00:00+08:00")
        )

    # --- the core calls ---------------------------------------------------------------------

    def load(self) -> None:
        self.vm.call(lambda s: s.cash_status(), self._apply)

    def _apply(self, status: CashStatus) -> None:
        self.view = CashView.of(status)

    def collect(self) -> None:
        """First tap: ask to confirm (the counts go to zero)."""
        vm = self.vm
        if vm.technician_session is None:
            return
        vm.touch()
        self.confirming = True
        vm.nav.show_message("maintenance.collect_confirm")
        vm.changed.emit()

    def keep(self) -> None:
        self.vm.touch()
        self.confirming = False
        self.vm.nav.show_message("maintenance.cash")
        self.vm.changed.emit()

    def confirm(self) -> None:
        if not self.confirming:
            return
        self.confirming = False

        def work(s: MaintenanceSession) -> tuple[CashCollected, SelfTest, CashStatus]:
            collected, slip = s.collect_cash()
            return collected, slip, s.cash_status()

        def done(result: tuple[CashCollected, SelfTest, CashStatus]) -> None:
            self.collected, self.slip, status = result
            self.view = CashView.of(status)
            self.vm.nav.show_message(
                "maintenance.collected" if self.slip.passed else "maintenance.collected_no_slip"
            )

        self.vm.changed.emit()
        self.vm.call(work, done)

    def reprint_slip(self) -> None:
        def done(slip: SelfTest) -> None:
            self.slip = slip
            self.vm.nav.show_message(
                "maintenance.slip_printed" if slip.passed else "maintenance.slip_failed"
            )

        self.vm.call(lambda s: s.reprint_slip(), done)
