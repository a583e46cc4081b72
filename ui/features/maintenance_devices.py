"""The device screens of maintenance mode (for ui/features/maintenance.py): device status with
the self-tests (printer, bill acceptor, ID card reader) and the receipt paper.

Plain Python: the view-model owns the Qt side and the calls to the core thread (every device
call runs there, through `vm.call`); the ID reader's test waits for a card on its own thread.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.maintenance import MaintenanceSession, SelfTest
from ui.features.maintenance_rows import device_rows

if TYPE_CHECKING:
    from ui.features.maintenance import MaintenanceViewModel

log = logging.getLogger(__name__)

ID_READER_WAIT_S = 30.0


def result_message(result: SelfTest) -> str:
    return "maintenance.test_passed" if result.passed else "maintenance.test_failed"


class DevicePanel:
    """Health as the core reported it, the last self-test result per device, the tests under
    way, and the printer's paper state."""

    def __init__(self, vm: MaintenanceViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.health: dict[str, DeviceHealth] = {}
        self.results: dict[str, SelfTest] = {}
        self.running: set[str] = set()
        self.paper = ""

    def rows(self) -> list[dict[str, Any]]:
        return device_rows(self.health, self.results, frozenset(self.running))

    def preview(self) -> None:
        self.health = {
            "bill_acceptor": HEALTH_OK,
            "printer": DeviceHealth(
                HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end"
            ),
            "id_card_reader": HEALTH_OK,
            "card_terminal": DeviceHealth(HealthLevel.ERROR, "offline", "device.unavailable"),
        }
        self.results = {"printer": SelfTest("printer", True, "ok")}
        self.running = {"id_card_reader"}
        self.paper = "near_end"

    # --- status and self-tests --------------------------------------------------------------

    def load(self) -> None:
        self.vm.call(lambda s: s.device_status(), self._apply_health)

    def _apply_health(self, health: dict[str, DeviceHealth]) -> None:
        self.health = health

    def self_test(self, device: str) -> None:
        vm = self.vm
        session = vm.technician_session
        if session is None or device in self.running:
            return
        vm.touch()
        if device == "id_card_reader":
            self._test_id_reader(session)
            return
        tests = {"printer": session.test_printer, "bill_acceptor": session.test_acceptor}
        test = tests.get(device)
        if test is None:
            return
        self.running.add(device)
        vm.changed.emit()

        def work(s: MaintenanceSession) -> tuple[SelfTest, dict[str, DeviceHealth]]:
            return test(), s.device_status()

        def done(result: tuple[SelfTest, dict[str, DeviceHealth]]) -> None:
            self.running.discard(device)
            self.results[device], self.health = result
            vm.nav.show_message(result_message(result[0]))

        vm.call(work, done)

    def _test_id_reader(self, session: MaintenanceSession) -> None:
        """The reader test waits up to 30 s for a card: its own thread, so neither the core
        thread nor the screen waits; the result comes back through the bridge."""
        vm = self.vm
        self.running.add("id_card_reader")
        vm.nav.show_message("maintenance.place_card")
        vm.changed.emit()
        epoch = vm.epoch

        def wait() -> None:
            try:
                outcome: SelfTest | BaseException = session.test_id_reader(ID_READER_WAIT_S)
            except Exception as exc:  # handed to the GUI thread
                outcome = exc
            try:
                vm.nav.post(lambda: self._id_reader_done(epoch, outcome))
            except RuntimeError:
                log.info("ID reader test ended after the UI closed")

        threading.Thread(target=wait, name="maint-idtest", daemon=True).start()

    def _id_reader_done(self, epoch: int, outcome: SelfTest | BaseException) -> None:
        vm = self.vm
        if epoch != vm.epoch:
            return
        self.running.discard("id_card_reader")
        if isinstance(outcome, BaseException):
            vm.failed(epoch, outcome)
            return
        self.results["id_card_reader"] = outcome
        vm.nav.show_message(result_message(outcome))
        vm.changed.emit()

    # --- paper ------------------------------------------------------------------------------

    def _paper_state(self, session: MaintenanceSession) -> str:
        return self.vm.app.ops.paper.state(session.device_status().get("printer"))

    def load_paper(self) -> None:
        self.vm.call(self._paper_state, self._apply_paper)

    def _apply_paper(self, state: str) -> None:
        self.paper = state

    def paper_refilled(self) -> None:
        def work(s: MaintenanceSession) -> str:
            s.paper_refilled()
            return self._paper_state(s)

        def done(state: str) -> None:
            self.paper = state
            self.vm.nav.show_message("maintenance.paper_refilled")

        self.vm.call(work, done)
