"""`kiosk cash collect` prints the collection slip on the kiosk's receipt printer (the ESC/POS
protocol simulator on a TCP port here, as a network printer) and echoes it on stdout; a
printer that fails is said so, the collection stays journalled, and `kiosk cash slip`
prints it again."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.escpos.simulator import EscposPrinterSimulator
from kiosk.config import KioskConfig, load_config
from kiosk.journal import Journal
from kiosk.lock import DataFolderLock
from kiosk.maintenance_auth import hash_secret
from tests.conftest import write_config
from tests.kiosk.test_cli_maintenance import PIN, cli, credit, kinds

pytestmark = pytest.mark.timeout(120)
SLIP_TITLE = "清机凭条  Cash collection slip"


@pytest.fixture
def printer() -> Iterator[EscposPrinterSimulator]:
    simulator = EscposPrinterSimulator()
    simulator.start()
    yield simulator
    simulator.stop()


def printer_config(tmp_path: Path, url: str) -> KioskConfig:
    technicians = [{"id": "T001", "pin_hash": hash_secret(PIN, n=2**10)}]
    return load_config(
        write_config(
            tmp_path,
            **{
                "maintenance.technicians": technicians,
                "devices.printer.settings.url": url,
                "devices.printer.simulate": False,  # a printer of its own, not the kiosk's
            },
        )
    )


def free_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"socket://127.0.0.1:{probe.getsockname()[1]}"


def cashbox(config: KioskConfig) -> dict[int, int]:
    journal = Journal(config.data_dir / "kiosk.db")
    try:
        return {d: c for d, c in journal.cashbox().items() if c}
    finally:
        journal.close()


def test_slip_goes_to_the_printer_and_to_stdout(
    tmp_path: Path, printer: EscposPrinterSimulator
) -> None:
    config = printer_config(tmp_path, printer.url)
    credit(config, 10000, 10000, 5000)
    result = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert result.returncode == 0, result.stderr
    assert SLIP_TITLE in result.stdout
    assert "金额合计 Total: ¥250.00" in result.stdout
    assert "slip printed on the receipt printer" in result.stdout
    assert "NOT printed" not in result.stderr
    [job] = printer.job_texts()
    assert "Cash collection slip" in job
    assert "250.00" in job  # the printer shows the full-width ￥
    assert "T001" in job
    assert cashbox(config) == {}
    assert kinds(config)[-3:] == [
        "maintenance.login", "maintenance.cash_collected", "maintenance.logout"]  # fmt: skip


def test_printer_fault_is_reported_and_the_slip_reprinted(
    tmp_path: Path, printer: EscposPrinterSimulator
) -> None:
    config = printer_config(tmp_path, printer.url)
    credit(config, 10000, 2000)
    printer.engine.faults.paper_out = True
    result = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert result.returncode == 0, result.stderr  # the box was emptied: that stands
    assert "金额合计 Total: ¥120.00" in result.stdout  # the slip, here at least
    assert "the slip was NOT printed" in result.stderr
    assert "kiosk cash slip --technician T001" in result.stderr
    assert printer.job_texts() == []
    assert cashbox(config) == {}
    assert "maintenance.cash_collected" in kinds(config)

    printer.engine.faults.paper_out = False  # a new roll
    again = cli(config, "cash", "slip", "--technician", "T001", pin=PIN)
    assert again.returncode == 0, again.stderr
    assert "金额合计 Total: ¥120.00" in again.stdout
    assert "slip printed on the receipt printer" in again.stdout
    [job] = printer.job_texts()
    assert "120.00" in job
    assert kinds(config).count("maintenance.cash_collected") == 1  # a reprint collects nothing


def test_unreachable_printer_is_reported(tmp_path: Path) -> None:
    config = printer_config(tmp_path, free_port_url())  # nothing listens there
    credit(config, 5000)
    result = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert result.returncode == 0, result.stderr
    assert "¥50.00" in result.stdout
    assert "the slip was NOT printed: printer.unavailable" in result.stderr
    assert cashbox(config) == {}


def test_running_kiosk_keeps_its_printer(tmp_path: Path, printer: EscposPrinterSimulator) -> None:
    config = printer_config(tmp_path, printer.url)
    credit(config, 5000)
    with DataFolderLock(config.data_dir):  # the kiosk process runs and holds the printer
        cli(config, "service", "out", "--technician", "T001", pin=PIN)
        result = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert result.returncode == 0, result.stderr
    assert "¥50.00" in result.stdout
    assert "NOT printed: the running kiosk holds the receipt printer" in result.stderr
    assert printer.connections == 0  # never touched


def test_slip_before_any_collection(tmp_path: Path, printer: EscposPrinterSimulator) -> None:
    config = printer_config(tmp_path, printer.url)
    credit(config)
    result = cli(config, "cash", "slip", "--technician", "T001", pin=PIN)
    assert result.returncode == 1
    assert "no cash collection yet" in result.stderr
    assert printer.job_texts() == []
