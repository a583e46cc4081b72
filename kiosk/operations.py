"""The running kiosk's side for technicians and central ops: the out-of-service switch, the
paper state, recent errors, the heartbeat to central (with its remote commands) and the way
into maintenance mode. Built and started by the app (kiosk/app.py) once the journal, the outbox
and the devices run; the modules it wires are kiosk/health_reporter.py and kiosk/maintenance*.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.interfaces import IdCardEvent
from kiosk import __version__
from kiosk.health_reporter import LEDGER_FILE, HealthReporter
from kiosk.logging_setup import log_folder
from kiosk.maintenance import IdCardTap, MaintenanceParts, MaintenanceSession, remote_commands
from kiosk.maintenance_auth import MaintenanceGate, TechnicianIdentity
from kiosk.maintenance_journal import remote_command_recorder
from kiosk.maintenance_status import (
    PAPER_FILE,
    SERVICE_FILE,
    LastErrors,
    PaperMonitor,
    ServiceSwitch,
    StatusSources,
    collect_snapshot,
    queue_figures,
    recent_log_lines,
)

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)

LOG_LINES_UPLOADED = 500


class Operations:
    def __init__(self, app: KioskApp) -> None:
        self._app = app
        config = app.config
        self.service_switch = ServiceSwitch(app.data_dir / SERVICE_FILE, on_change=self.changed)
        self.paper = PaperMonitor(app.data_dir / PAPER_FILE)
        self.id_cards = IdCardTap()
        self.last_errors = LastErrors()
        self.gate: MaintenanceGate | None = None
        self._customer_present: Callable[[], bool] = lambda: False
        self.reporter: HealthReporter | None = None
        name = config.logging.file.name if config.logging.file else "kiosk.log"
        self.log_file = log_folder(config) / name

    def start(
        self,
        *,
        money_held: Callable[[], bool],
        restart: Callable[[], None],
        customer_present: Callable[[], bool] = lambda: False,
    ) -> None:
        app = self._app
        self._customer_present = customer_present
        assert app.journal is not None
        assert app.metrics is not None
        assert app.worker is not None
        logging.getLogger().addHandler(self.last_errors)
        self.gate = MaintenanceGate(
            app.config.maintenance, app.journal, app.data_dir, money_held=money_held
        )
        sources = StatusSources(
            version=__version__,
            data_dir=app.data_dir,
            settings=app.config.maintenance,
            journal=app.journal,
            device_health=app.device_health,
            queue=lambda: queue_figures(app.store, app.outbox.last_success_at),
            switch=self.service_switch,
            paper=self.paper,
            app_out_of_service=lambda: app.out_of_service_reason,
            services_today=app.metrics.today,
            errors=self.last_errors,
        )
        central = app.config.central
        self.reporter = HealthReporter(
            app.central_url,
            app.config.kiosk.id,
            central.token,
            snapshot=lambda: collect_snapshot(sources),
            commands=remote_commands(
                self.service_switch, sync_now=app.worker.kick, restart=restart
            ),
            ledger_path=app.data_dir / LEDGER_FILE,
            log_lines=lambda: recent_log_lines(self.log_file, LOG_LINES_UPLOADED),
            on_command=remote_command_recorder(app.journal),
            interval_s=app.config.health.interval_s,
            timeout_s=app.config.health.timeout_s,
            ca_bundle=central.ca_bundle_path,
            client_cert=central.client_pair,
            place=app.config.kiosk.place(),
        )
        self.reporter.start()

    def changed(self) -> None:
        """Something central should hear about now, not at the next interval."""
        if self.reporter is not None:
            self.reporter.notify_changed()

    def on_id_card_event(self, event: IdCardEvent) -> None:
        """The ID card reader's listener (on its thread). Records mask themselves in logs.
        Every event reaches `id_cards` (screens, self-test); a technician's badge opens the
        maintenance gate (the PIN is asked next) while no customer session uses the reader."""
        log.info("ID card reader: %s", event)
        self.id_cards.on_event(event)
        gate = self.gate
        if gate is not None and not self._customer_present() and gate.on_id_card_event(event):
            log.warning("technician badge presented: maintenance PIN expected")

    def out_of_service_reason(self) -> str | None:
        return self.service_switch.reason()

    def maintenance(self, technician: TechnicianIdentity) -> MaintenanceSession:
        """A technician got through the gate: the maintenance functions, journalled as theirs."""
        app = self._app
        assert app.journal is not None
        app.end_flow()  # no customer flow keeps the acceptor while a technician cycles it
        parts = MaintenanceParts(
            config=app.config,
            journal=app.journal,
            switch=self.service_switch,
            paper=self.paper,
            device_health=app.device_health,
            store=app.store,
            printer=app.printer,
            acceptor=app.acceptor,
            id_cards=self.id_cards,
            sync_now=app.worker.kick if app.worker else None,
            log_file=self.log_file,
            on_change=self.changed,
        )
        return MaintenanceSession(parts, technician)

    def stop(self) -> None:
        if self.reporter is not None:
            self.reporter.stop()
            self.reporter = None
        logging.getLogger().removeHandler(self.last_errors)


def restart_by_systemd() -> None:
    """Central's `restart`: end the process in order; systemd's Restart=always starts it
    again (and a developer's terminal simply sees the kiosk stop)."""
    log.warning("restart asked by central")
    os.kill(os.getpid(), signal.SIGTERM)
