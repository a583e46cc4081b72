"""The system screens of maintenance mode (for ui/features/maintenance.py): the outbox queue and
its dead letters (retry, or discard with a reason), the out-of-service switch, recent log lines,
version and config.

Plain Python: the view-model owns the Qt side and the calls to the core thread (`vm.call`); every
action is done and journalled by kiosk/maintenance.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.maintenance import MaintenanceSession
from ui.features.maintenance_rows import EMPTY_QUEUE, QueueView, about_rows, dead_letter_rows

if TYPE_CHECKING:
    from ui.features.maintenance import MaintenanceViewModel

LOG_LINES = 200
# The reasons a technician can give for discarding a dead letter (journalled as this text).
DISCARD_REASONS = {
    "settled": "settled by hand at the counter (refund or manual credit)",
    "duplicate": "duplicate of an item central already has",
    "test": "test data, not a customer transaction",
    "refused": "central refuses it for good; escalated to ops",
}

QueueFigures = tuple[QueueView, list[dict[str, Any]], bool]


class SystemPanel:
    """Queue figures, dead letters and the one being discarded, whether central answers, the
    out-of-service reason, log lines (newest first), and the config summary."""

    def __init__(self, vm: MaintenanceViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.out_reason: str | None = None
        self.queue = EMPTY_QUEUE
        self.online = False
        self.dead: list[dict[str, Any]] = []
        self.discard_key = ""
        self.logs: list[str] = []
        self.about: list[dict[str, str]] = []
        self.version = ""

    def preview(self) -> None:
        self.out_reason = "technician T001: maintenance"
        self.queue = QueueView(3, 120, 1, "2:05")
        self.online = True
        self.dead = [
            {"key": "topup-5f2c", "kind": "topup.v1", "attempts": 1,
             "error": "amount_fen: Field required", "age": "1:02:03"},
        ]  # fmt: skip
        self.logs = [  # as kiosk/logging_setup.py writes them
            '{"ts": "2026-11-30T08:15:02.120+00:00", "level": "WARNING", "logger": "kiosk.app", '
            '"msg": "printer: paper near end", "where": "app:412"}',
            '{"ts": "2026-11-30T08:14:57.003+00:00", "level": "INFO", "logger": "kiosk.sync", '
            '"msg": "batch delivered (3)"}',
        ]
        self.version = "0.1.0"
        self.about = about_rows({
            "kiosk": {"id": "KIOSK-DEMO-0001", "language": "zh_CN"},
            "central": {"url": "https://central", "token": "***"},
        })  # fmt: skip

    # --- out of service ---------------------------------------------------------------------

    def load_service(self) -> None:
        self.vm.call(lambda _s: self.vm.app.ops.out_of_service_reason(), self._apply_service)

    def _apply_service(self, reason: str | None) -> None:
        self.out_reason = reason

    def set_out_of_service(self, out: bool) -> None:
        def work(s: MaintenanceSession) -> str | None:
            s.set_out_of_service(out)
            return self.vm.app.ops.out_of_service_reason()

        def done(reason: str | None) -> None:
            self.out_reason = reason
            self.vm.nav.show_message(
                "maintenance.now_out_of_service" if reason else "maintenance.now_in_service"
            )

        self.vm.call(work, done)

    # --- queue and dead letters -------------------------------------------------------------

    def _figures(self, s: MaintenanceSession) -> QueueFigures:
        return (
            QueueView.of(s.queue_status()),
            dead_letter_rows(s.dead_letters()),
            self.vm.app.online,
        )

    def load_queue(self) -> None:
        self.vm.call(self._figures, self._apply_queue)

    def _apply_queue(self, figures: QueueFigures) -> None:
        self.queue, self.dead, self.online = figures

    def sync_now(self) -> None:
        def work(s: MaintenanceSession) -> QueueFigures:
            s.sync_now()
            return self._figures(s)

        def done(figures: QueueFigures) -> None:
            self._apply_queue(figures)
            self.vm.nav.show_message("maintenance.sync_started")

        self.vm.call(work, done)

    def retry(self, key: str) -> None:
        def work(s: MaintenanceSession) -> tuple[bool, QueueFigures]:
            return s.retry_dead_letter(key), self._figures(s)

        def done(result: tuple[bool, QueueFigures]) -> None:
            retried, figures = result
            self._apply_queue(figures)
            self.vm.nav.show_message("maintenance.retried" if retried else "maintenance.not_dead")

        self.discard_key = ""
        self.vm.call(work, done)

    def ask_discard(self, key: str) -> None:
        """Discarding needs a reason: show the reasons for this dead letter."""
        self.vm.touch()
        self.discard_key = key
        self.vm.nav.show_message("maintenance.discard_reason")
        self.vm.changed.emit()

    def keep(self) -> None:
        self.vm.touch()
        self.discard_key = ""
        self.vm.nav.show_message("maintenance.queue")
        self.vm.changed.emit()

    def discard(self, reason: str) -> None:
        key, text = self.discard_key, DISCARD_REASONS.get(reason)
        if not key or text is None:
            return

        def work(s: MaintenanceSession) -> tuple[bool, QueueFigures]:
            return s.discard_dead_letter(key, text), self._figures(s)

        def done(result: tuple[bool, QueueFigures]) -> None:
            discarded, figures = result
            self._apply_queue(figures)
            self.vm.nav.show_message(
                "maintenance.discarded" if discarded else "maintenance.not_dead"
            )

        self.discard_key = ""
        self.vm.call(work, done)
        self.vm.changed.emit()

    # --- logs and about ---------------------------------------------------------------------

    def load_logs(self) -> None:
        self.vm.call(lambda s: s.recent_logs(LOG_LINES), self._apply_logs)

    def _apply_logs(self, lines: list[str]) -> None:
        self.logs = list(reversed(lines))  # newest first

    def load_about(self) -> None:
        self.vm.call(lambda s: s.about(), self._apply_about)

    def _apply_about(self, summary: dict[str, Any]) -> None:
        self.version = str(summary.get("version", ""))
        self.about = about_rows({k: v for k, v in summary.items() if k != "version"})
