"""Composition root: builds the kiosk from config.yaml. The only module naming drivers.

Start order: embedded central (if configured) → journal → recovery → outbox sync → devices.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import offline_queue
from drivers import registry
from drivers.errors import DriverConfigError
from drivers.interfaces import (
    BillAcceptor,
    BillAcceptorSimulatorControls,
    CardDispenser,
    CardTerminal,
    DeviceHealth,
    IdCardReader,
    ReceiptPrinter,
    SimCardReader,
)
from kiosk import catalogue, contexts
from kiosk.cash_router import CashRouter
from kiosk.catalogue import ServiceState
from kiosk.central_api import CentralApi
from kiosk.central_process import EmbeddedCentral
from kiosk.config import DeviceSection, KioskConfig
from kiosk.customer_desk import CustomerDesk
from kiosk.device_health import TRANSIENT_HEALTH as TRANSIENT_HEALTH  # noqa: PLC0414 (re-exported)
from kiosk.device_health import DeviceHealthMonitor
from kiosk.errors import ConfigError, JournalError
from kiosk.flows import bill_payment, sim_sale
from kiosk.flows.bill_payment import BillPaymentFlow
from kiosk.flows.card_topup import TOPUP, CardTopUpContext, CardTopUpFlow, settle_open_payments
from kiosk.flows.cash_intake import StackIntents
from kiosk.flows.sim_issue import SimDevices
from kiosk.flows.sim_sale import SimSaleFlow
from kiosk.flows.topup import OUTBOX_KIND as TOPUP_OUTBOX_KIND
from kiosk.flows.topup import TopUpFlow, TopUpSnapshot, counted_topup
from kiosk.journal import Entry, Journal
from kiosk.metrics import ServiceMetrics
from kiosk.operations import Operations, restart_by_systemd
from kiosk.outbox_setup import KioskOutbox
from kiosk.recovery import RecoveryAction, capture_left_cards, recover

log = logging.getLogger(__name__)

JOURNAL_FILE = "kiosk.db"
METRICS_FILE = "metrics.json"
DEVICE_SETTLE_S = 5.0
OFFLINE_OUTBOX_KINDS = (TOPUP_OUTBOX_KIND, bill_payment.OUTBOX_KIND)  # money taken offline


def start_simulator(driver: str, settings: dict[str, Any]) -> registry.Simulator:
    """A device simulator on its own, for `kiosk sim` (only this module names drivers)."""
    return registry.start_simulator(driver, settings)


def open_printer(config: KioskConfig) -> tuple[ReceiptPrinter, Callable[[], None]]:
    """The configured receipt printer on its own, for a technician's command while the kiosk
    is stopped (`kiosk cash collect`): the driver, and how to close it (and its simulator)."""
    section = config.devices.printer
    built = registry.build_device(
        "printer",
        section.driver,
        section.settings,
        simulate=section.simulate,
        key_path="devices.printer",
    )

    def close() -> None:
        built.device.close()
        if built.simulator is not None:
            built.simulator.stop()

    return built.device, close


def validate_config(config: KioskConfig) -> None:
    """Beyond the schema: each device's driver name and settings. Raises ConfigError."""
    for name, section in _device_sections(config).items():
        try:
            registry.validate_settings(
                name,  # type: ignore[arg-type]
                section.driver,
                section.settings,
                simulate=section.simulate,
                key_path=f"devices.{name}",
            )
        except DriverConfigError as exc:
            raise ConfigError(f"{config.source}: {exc}") from None


def _device_sections(config: KioskConfig) -> dict[str, DeviceSection]:
    devices = config.devices
    sections = {"bill_acceptor": devices.bill_acceptor, "printer": devices.printer}
    if devices.id_card_reader is not None:
        sections["id_card_reader"] = devices.id_card_reader
    if devices.card_dispenser is not None:
        sections["card_dispenser"] = devices.card_dispenser
    if devices.sim_reader is not None:
        sections["sim_reader"] = devices.sim_reader
    if devices.card_terminal is not None:
        sections["card_terminal"] = devices.card_terminal
    return sections


@dataclass(frozen=True)
class DeviceCheck:
    name: str
    driver: str
    health: DeviceHealth


class KioskApp:
    """Owns every long-lived object. Not thread-affine; the UI calls it via the core thread."""

    def __init__(self, config: KioskConfig) -> None:
        validate_config(config)
        self.config = config
        self.data_dir = config.data_dir
        self.central: EmbeddedCentral | None = None
        self.central_url = config.central.url
        self.journal: Journal | None = None
        self.outbox = KioskOutbox(config, self.data_dir / JOURNAL_FILE,
                                  offline_kinds=OFFLINE_OUTBOX_KINDS,
                                  on_storage_failure=self._storage_failed)  # fmt: skip
        self.acceptor: BillAcceptor | None = None
        self.printer: ReceiptPrinter | None = None
        self.id_card_reader: IdCardReader | None = None
        self.card_dispenser: CardDispenser | None = None
        self.sim_reader: SimCardReader | None = None
        self.card_terminal: CardTerminal | None = None
        self._card_paying: set[str] = set()  # card payments a flow is waiting on right now
        self.simulators: dict[str, registry.Simulator] = {}
        self.router = CashRouter(on_orphan=self._orphan_note)
        self.recovered: list[RecoveryAction] = []
        self.out_of_service_reason: str | None = None
        self.api: CentralApi | None = None
        self.metrics: ServiceMetrics | None = None
        self.desk: CustomerDesk | None = None
        self.ops = Operations(self)  # out-of-service switch, heartbeat, maintenance gate
        # Device health every few seconds on its own thread (started last, by `start`); a
        # change tells operations at once. In-doubt card payments are settled there too.
        self.health = DeviceHealthMonitor(self._devices, self.ops.changed,
                                          settle_cards=self.settle_card_payments)  # fmt: skip

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JournalError(f"cannot create data folder {self.data_dir}: {exc}") from exc
        if self.config.central.embedded is not None:
            self.central = EmbeddedCentral(self.config.central, self.config.kiosk.id, self.data_dir)
            self.central_url = self.central.start()
        self.journal = Journal(self.data_dir / JOURNAL_FILE)
        self.journal.set_kiosk_id(self.config.kiosk.id)  # whose vouchers recovery reports
        # Before the devices start: a note that was stacking when the kiosk died is reported by
        # the restarted acceptor with no flow attached, and only the journal knows its value.
        self.router.standby = StackIntents(self.journal, self._storage_failed)
        self.recovered = recover(self.journal)
        self.metrics = ServiceMetrics(self.data_dir / METRICS_FILE)
        self.outbox.start(self.central_url)
        self._start_devices()
        self.health.settle(DEVICE_SETTLE_S)
        capture_left_cards(self.recovered, self.card_dispenser)
        self._start_desk()
        self.settle_card_payments()
        self.ops.start(money_held=lambda: self.router.active is not None,
                       customer_present=lambda: bool(self.desk and self.desk.session),
                       restart=restart_by_systemd)  # fmt: skip
        self.health.start()

    def _devices(self) -> dict[str, Any]:
        built = {
            "bill_acceptor": self.acceptor,
            "printer": self.printer,
            "id_card_reader": self.id_card_reader,
            "card_dispenser": self.card_dispenser,
            "sim_reader": self.sim_reader,
            "card_terminal": self.card_terminal,
        }
        return {name: built[name] for name in _device_sections(self.config)}

    def refresh_health(self) -> dict[str, DeviceHealth]:
        """Ask every device for its health now (I/O: off the GUI thread)."""
        return self.health.refresh()

    def device_health(self) -> dict[str, DeviceHealth]:
        """The last health of every device (refreshed every few seconds; no I/O here)."""
        return self.health.last()

    def services(self) -> list[ServiceState]:
        """Every service this kiosk offers, with whether it works right now and why not."""
        return catalogue.services_now(
            self.config.services.offered,
            self.device_health(),
            online=self.outbox.online,
            printer_required=self.config.devices.printer.required,
            out_of_service=self.out_of_service() is not None,
            replacement_fee_fen=self.config.sim.replacement_fee_fen,
        )

    def out_of_service(self) -> str | None:
        """Why no customer is served now (None: in service): a failing disk
        (`out_of_service_reason`), or the switch a technician or central ops flipped."""
        return self.out_of_service_reason or self.ops.out_of_service_reason()

    def service(self, key: str) -> ServiceState:
        """One service's state (not offered here: unavailable, "service.not_offered")."""
        for state in self.services():
            if state.key == key:
                return state
        return ServiceState(key, False, "service.not_offered")

    # The outbox's parts, as operations, ui/ and tests know them on the app.
    @property
    def online(self) -> bool:
        """Central answered the last time the kiosk asked (sync or health check)."""
        return self.outbox.online

    @property
    def store(self) -> offline_queue.OutboxStore | None:
        return self.outbox.store

    @property
    def sealer(self) -> offline_queue.FieldSealer | None:
        return self.outbox.sealer

    @property
    def worker(self) -> offline_queue.SyncWorker | None:
        return self.outbox.worker

    def wait_delivered(self, key: str, timeout_s: float) -> dict[str, Any] | None:
        return self.outbox.wait_delivered(key, timeout_s)

    def _start_desk(self) -> None:
        central = self.config.central
        self.api = CentralApi(
            self.central_url,
            self.config.kiosk.id,
            central.token,
            timeout_s=central.timeout_s,
            ca_bundle=central.ca_bundle_path,
            client_cert=central.client_pair,
        )
        self.desk = CustomerDesk(contexts.desk_parts(
            self._parts(), self._sim_devices(), acceptor=self.acceptor,
            attach_cash=self.router.attach, terminal=self.card_terminal, paying=self._card_paying,
        ))  # fmt: skip
        self.desk.start()

    def _parts(self) -> contexts.CoreParts:
        assert self.journal is not None
        assert self.metrics is not None
        assert self.api is not None
        return contexts.CoreParts(
            config=self.config,
            journal=self.journal,
            metrics=self.metrics,
            api=self.api,
            printer=self.printer,
            is_online=self.outbox.is_online,
            on_storage_failure=self._storage_failed,
            wait_delivered=self.wait_delivered,
        )

    def _start_devices(self) -> None:
        devices = self.config.devices
        acceptor = self._build("bill_acceptor", devices.bill_acceptor)
        acceptor.start(self.router.on_event, self.router.escrow_policy)
        self.acceptor = acceptor
        self.printer = self._build("printer", devices.printer)
        if devices.id_card_reader is not None:
            reader = self._build("id_card_reader", devices.id_card_reader)
            reader.start(self.ops.on_id_card_event)
            self.id_card_reader = reader
        if devices.card_dispenser is not None:
            self.card_dispenser = self._build("card_dispenser", devices.card_dispenser)
        if devices.sim_reader is not None:
            sim_reader = self._build("sim_reader", devices.sim_reader)
            sim_reader.start(self._on_device_event)
            self.sim_reader = sim_reader
        if devices.card_terminal is not None:
            self.card_terminal = self._build("card_terminal", devices.card_terminal)

    def _on_device_event(self, event: object) -> None:
        log.info("device event: %s", event)

    def _build(self, kind: registry.DeviceKind, section: DeviceSection) -> Any:
        built = registry.build_device(
            kind,
            section.driver,
            section.settings,
            simulate=section.simulate,
            key_path=f"devices.{kind}",
            context={"denominations_fen": self.config.topup.denominations_fen},
        )
        if built.simulator is not None:
            self.simulators[kind] = built.simulator
        return built.device

    def stop(self) -> None:
        self.health.stop()
        for closer in (
            self.ops.stop,
            self.desk.stop if self.desk else None,
            self.api.close if self.api else None,
            self.acceptor.close if self.acceptor else None,
            self.id_card_reader.close if self.id_card_reader else None,
            self.card_dispenser.close if self.card_dispenser else None,
            self.sim_reader.close if self.sim_reader else None,
            self.card_terminal.close if self.card_terminal else None,
            self.printer.close if self.printer else None,
            *(sim.stop for sim in self.simulators.values()),
            self.outbox.stop,
            self.journal.close if self.journal else None,
            self.central.stop if self.central else None,
        ):
            if closer is None:
                continue
            try:
                closer()
            except Exception:
                log.exception("error while stopping")

    # --- services ---------------------------------------------------------------------------

    def new_topup(self, listener: Callable[[TopUpSnapshot], None]) -> TopUpFlow:
        self._require_in_service()
        assert self.acceptor is not None
        context = contexts.topup_context(
            self._parts(), self.acceptor, self.outbox.offline_headroom_fen
        )
        flow = TopUpFlow(context, counted_topup(self.metrics, listener))
        self.router.attach(flow)
        return flow

    def new_card_topup(self) -> CardTopUpFlow:
        """A top-up by bank card (`pay(msisdn, amount_fen)` blocks: off the GUI thread)."""
        self._require_in_service()
        if self.card_terminal is None:
            raise JournalError("no card terminal", message_key="service.not_installed")
        return CardTopUpFlow(self._card_context(self.card_terminal))

    def settle_card_payments(self) -> list[tuple[str, str]]:
        """Ask the terminal about card payments left open (after a crash or a lost answer)."""
        if self.card_terminal is None or self.journal is None:
            return []
        purposes = (TOPUP, bill_payment.CARD_PURPOSE)
        settled = settle_open_payments(self._card_context(self.card_terminal), purposes)
        return settled + sim_sale.settle_open_card_payments(
            self.journal, self.card_terminal, paying=self._card_paying
        )

    def new_bill_payment(self) -> BillPaymentFlow:
        """A bill payment by cash or card for any number (`look_up(msisdn)` first; it and
        `pay_card` block: off the GUI thread). Cash notes are routed to it by `start_cash`."""
        self._require_in_service()
        card = self._card_context(self.card_terminal) if self.card_terminal else None
        context = contexts.bill_payment_context(
            self._parts(), self.acceptor, card, self.router.attach, self.outbox.offline_headroom_fen
        )
        return BillPaymentFlow(context)  # fmt: skip

    def _card_context(self, terminal: CardTerminal) -> CardTopUpContext:
        return contexts.card_topup_context(self._parts(), terminal, self._card_paying)

    def _require_in_service(self) -> None:
        reason = self.out_of_service()
        if reason:
            raise JournalError(reason, message_key="error.out_of_service")

    def _sim_devices(self) -> SimDevices | None:
        if self.sim_reader is None or self.card_dispenser is None:
            return None
        return SimDevices(self.sim_reader, self.card_dispenser, self.config.sim.adm_key)

    def new_sim_sale(self) -> SimSaleFlow:
        """A SIM sale: the ID card is read into it, no login needed
        (docs/design.md#unified-authentication)."""
        self._require_in_service()
        devices = self._sim_devices()
        if devices is None or self.acceptor is None:
            raise JournalError("SIM sale needs the SIM writer, dispenser and acceptor",
                               message_key="service.not_installed")  # fmt: skip
        context = contexts.sim_sale_context(self._parts(), self.acceptor, devices,
                                            self.router.attach, terminal=self.card_terminal,
                                            paying=self._card_paying)  # fmt: skip
        return SimSaleFlow(context)

    def end_flow(self) -> None:
        self.router.attach(None)
        if self.acceptor is not None:
            self.acceptor.disable()

    def _orphan_note(self, fen: int) -> None:
        """A note reached the cash box with no customer flow: on the record for ops."""
        if self.journal is None:
            return
        try:
            self.journal.record(
                Entry(f"orphan-{uuid.uuid4().hex}", "cash.orphan_note",
                      {"denomination_fen": fen}, cash_in_fen=(fen,))
            )  # fmt: skip
        except JournalError as exc:
            self._storage_failed(exc)

    def _storage_failed(self, error: JournalError) -> None:
        # A disk that cannot record makes the kiosk stop taking money; no blind fsync retry.
        log.critical("out of service: %s", error)
        self.out_of_service_reason = str(error)
        if self.acceptor is not None:
            self.acceptor.disable()
        self.ops.changed()

    @property
    def simulator_controls(self) -> BillAcceptorSimulatorControls | None:
        """Where notes can be "inserted" by hand: the in-process acceptor, or the protocol
        simulator behind a real driver. None on real hardware."""
        simulator = self.simulators.get("bill_acceptor")
        for candidate in (self.acceptor, simulator.handle if simulator else None):
            if isinstance(candidate, BillAcceptorSimulatorControls):
                return candidate
        return None

    def _printer_simulator(self) -> Any:
        from drivers.escpos.simulator import EscposPrinterSimulator

        simulator = self.simulators.get("printer")
        if simulator is None or not isinstance(simulator.handle, EscposPrinterSimulator):
            return None
        return simulator.handle

    def simulated_receipt_texts(self) -> list[str]:
        """Receipts the simulated printer received, as text (demo and tests)."""
        simulator = self._printer_simulator()
        return [] if simulator is None else list(simulator.job_texts())

    def save_simulated_receipt(self, path: Path) -> Path | None:
        """A PNG of the last simulated receipt, or None without a simulated printer."""
        simulator = self._printer_simulator()
        if simulator is None or not simulator.jobs:
            return None
        saved: Path = simulator.save_png(-1, path)
        return saved

    def doctor(self, settle_s: float = 5.0) -> list[DeviceCheck]:
        """Ask each device for its health, after giving a just-started device time to settle
        (an acceptor reports power-up and initialises first)."""
        health = self.health.settle(settle_s)
        return [
            DeviceCheck(name, section.driver, health[name])
            for name, section in _device_sections(self.config).items()
        ]
