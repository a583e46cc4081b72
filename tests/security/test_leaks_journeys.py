"""Real journeys, then a leak scan of everything they wrote: a cash top-up and a card top-up
(nexo terminal simulator) through the whole app on the shipped config (ID-003, ESC/POS and SAM
simulators, embedded central), and a SIM sale whose ID card is read over the SAM protocol from
the simulator, paid in cash, written and dispensed, against the reference central. Logs at DEBUG
with every device's traffic log on. Afterwards the data folders, journals, outboxes, metrics,
both central databases, logs and the receipts the printer simulators received must hold no
card number and no unmasked ID number."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.idcard.driver import IdCardReaderDriver
from drivers.idcard.simulator import IdCardSimulator
from drivers.interfaces import IdCardEvent, IdCardRead
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.app import KioskApp
from kiosk.cash_router import CashRouter
from kiosk.central_api import CentralApi
from kiosk.config import NOTE_DENOMINATIONS_FEN, load_config
from kiosk.flows.sim_issue import SimDevices
from kiosk.flows.sim_sale import SimSaleContext, SimSaleFlow, State
from kiosk.flows.topup import TopUpSnapshot
from kiosk.journal import Journal
from kiosk.logging_setup import configure_logging, unconfigure_logging
from kiosk.metrics import ServiceMetrics
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.conftest import KIOSKS, Central, central, shared_central  # noqa: F401
from tests.conftest import write_config
from tests.kiosk.test_sim_replacement import ADM, FakeSimWriter
from tests.security.leak_scanner import scan_paths
from tests.support import wait_until

pytestmark = pytest.mark.timeout(120)
ID_NUMBER = "110101199003074477"  # the simulator's "valid" card; central's registry knows it
TRAFFIC = ["bill_acceptor", "printer", "id_card_reader", "card_terminal"]


@pytest.fixture
def api(central: Central) -> Iterator[CentralApi]:  # noqa: F811
    client = CentralApi(central.url, "K1", KIOSKS["K1"], timeout_s=5)
    yield client
    client.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    overrides = {"logging.level": "DEBUG", "logging.console": "off", "logging.traffic": TRAFFIC}
    config = load_config(write_config(tmp_path, **overrides))
    configure_logging(config, 2)
    started = KioskApp(config)
    try:
        started.start()
        yield started
    finally:
        started.stop()
        unconfigure_logging()
        logging.getLogger().setLevel(logging.WARNING)


def _app_journeys(app: KioskApp) -> None:
    """A cash top-up (¥50 note) and a card top-up (¥30), both delivered to central."""
    snaps: list[TopUpSnapshot] = []
    cash = app.new_topup(snaps.append)
    cash.submit_number("13800138000")
    controls = app.simulator_controls
    assert controls is not None
    controls.insert_note(5000)
    wait_until(lambda: cash.snapshot.credited_fen == 5000)
    done = cash.confirm()
    app.end_flow()
    card = app.new_card_topup().pay("13900139000", 3000)
    assert card.approved
    assert app.store is not None
    for key in (f"{done.txn_id}:topup", f"{card.txn_id}:topup"):
        assert app.store.wait_until_acked(key, 15) is not None, key
    printer = app.simulators["printer"].handle
    wait_until(lambda: len(printer.jobs) >= 2)  # type: ignore[attr-defined]


def _read_id_card() -> IdCardRead:
    """The customer's card on the SAM reader simulator, read by the real driver."""
    events: queue.Queue[IdCardEvent] = queue.Queue()
    with IdCardSimulator() as sim:
        driver = IdCardReaderDriver(sim.url, timeout_s=0.3)
        driver.start(events.put)
        try:
            sim.place_card("valid")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    event = events.get(timeout=0.1)
                except queue.Empty:
                    continue
                if isinstance(event, IdCardRead):
                    return event
        finally:
            driver.close()
    raise AssertionError("the ID card was not read")


def _sim_sale(
    folder: Path,
    api: CentralApi,
    central: Central,  # noqa: F811
) -> EscposPrinterSimulator:
    """ID card read → real-name check → number → agreement → cash → write → dispense, with the
    receipt printed over ESC/POS to a printer simulator; the outbox delivered to central."""
    read = _read_id_card()
    assert read.record.id_number == ID_NUMBER
    folder.mkdir()
    journal = Journal(folder / "kiosk.db")
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    printer_sim = EscposPrinterSimulator()
    printer_sim.start()
    printer = EscposPrinter(printer_sim.url)
    try:
        context = SimSaleContext(
            kiosk_id="K1", kiosk_name="测试终端", api=api, journal=journal, acceptor=acceptor,
            denominations_fen=NOTE_DENOMINATIONS_FEN,
            devices=SimDevices(FakeSimWriter(), DispenserDriver(DispenserSimulator(stock=2)), ADM),
            printer=printer, metrics=ServiceMetrics(folder / "metrics.json"),
            plan_code=api.catalogue().plans[0].code, attach_cash=router.attach,
            on_storage_failure=lambda exc: None,
        )  # fmt: skip
        flow = SimSaleFlow(context)
        flow.check_identity(read.record, date.today())
        number = next(n for n in flow.numbers(page_size=50).numbers if n.price_fen > 0)
        reservation = flow.reserve(number.msisdn)
        flow.accept_agreement()
        flow.start_cash()
        paid = 0
        while paid < reservation.price_fen:
            acceptor.insert_note(10000)
            paid += 10000
            wait_until(lambda: flow._data["paid_fen"] == paid)  # noqa: B023
        flow.finish_payment()
        flow.issue()
        assert flow.state is State.DONE
        store = OutboxStore(journal.path)
        try:
            SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
            stats = store.stats()
            assert (stats.pending, stats.dead) == (0, 0)
            assert stats.acked >= 1
        finally:
            store.close()
        assert printer_sim.wait_for_jobs(1)
        return printer_sim
    finally:
        printer.close()
        printer_sim.stop()
        acceptor.close()
        journal.close()


def test_journeys_leave_no_card_or_id_number_behind(
    app: KioskApp,
    api: CentralApi,
    central: Central,  # noqa: F811
    tmp_path: Path,
) -> None:
    _app_journeys(app)
    sim_printer = _sim_sale(tmp_path / "sim-kiosk", api, central)
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    jobs = [*app.simulators["printer"].handle.jobs, *sim_printer.jobs]  # type: ignore[attr-defined]
    for index, job in enumerate(jobs):
        (receipts / f"{index:03d}.escpos").write_bytes(job)
    app.stop()  # everything flushed and closed before the scan
    unconfigure_logging()

    report = scan_paths([tmp_path])
    assert report.findings == [], "\n".join(map(str, report.findings or []))

    # The scan saw what the journeys wrote: journals with outboxes, metrics, both centrals'
    # databases, the log and every device's traffic log, three receipts.
    names = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {"data/kiosk.db", "data/central.db", "central.db", "sim-kiosk/kiosk.db"} <= names
    assert {"data/logs/kiosk.log", *(f"data/logs/traffic-{r}.log" for r in TRAFFIC)} <= names
    assert len(jobs) >= 3
    assert any("metrics" in name for name in names)
    # ...and the ID number went through them, masked (central keeps the owner's ID masked).
    masked = f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}".encode()
    assert any(masked in p.read_bytes() for p in tmp_path.rglob("*.db"))
    # Control in the same tree: the unmasked number written once is found, and only it.
    (tmp_path / "control.log").write_text(f"id {ID_NUMBER}", encoding="utf-8")
    control = scan_paths([tmp_path])
    assert control.findings is not None
    assert [(f.path.name, f.digits) for f in control.findings] == [("control.log", ID_NUMBER)]
    (tmp_path / "control.log").unlink()  # the session's own scan must not see it
    print(f"journeys leak scan: {report.files} files, {report.bytes} bytes, 0 findings")
