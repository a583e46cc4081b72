"""The ESC/POS driver over serial-line URLs: a pseudo-terminal printer (as /dev/ttyUSB0 would
be), the same through spy:// for a traffic trace, and loop:// (a wrong device that echoes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import DeviceUnavailable, PrinterError
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPtySimulator
from drivers.interfaces import DeviceHealth, HealthLevel, ReceiptDocument, ReceiptLine

pytestmark = pytest.mark.timeout(30)

DOC = ReceiptDocument((ReceiptLine("补打发票"), ReceiptLine("Invoice reprint")), qr_data="INV:7")


@pytest.fixture
def pty_printer() -> Iterator[EscposPtySimulator]:
    with EscposPtySimulator() as sim:
        yield sim


def test_prints_over_a_serial_line(pty_printer: EscposPtySimulator) -> None:
    assert pty_printer.url.startswith("/dev/pts/")
    driver = EscposPrinter(pty_printer.url, timeout_s=0.3)
    try:
        driver.print_receipt(DOC)
        assert pty_printer.wait_for_jobs(1)
        assert pty_printer.job_texts() == ["补打发票\nInvoice reprint\n[QR INV:7]\n"]
        pty_printer.faults.cover_open = True
        with pytest.raises(PrinterError) as caught:
            driver.print_receipt(DOC)
        assert caught.value.message_key == "printer.cover_open"
        assert len(pty_printer.jobs) == 1
    finally:
        driver.close()


def test_spy_url_traces_the_status_round(pty_printer: EscposPtySimulator, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    driver = EscposPrinter(f"spy://{pty_printer.url}?file={trace}", timeout_s=0.3)
    pty_printer.faults.paper_near_end = True
    try:
        health = driver.health()
    finally:
        driver.close()
    assert health == DeviceHealth(
        HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end", "paper_near_end"
    )
    lines = trace.read_text().splitlines()
    sent = [line.split()[3:6] for line in lines if line.split()[1] == "TX"]
    read = [line.split()[3] for line in lines if line.split()[1] == "RX"]
    assert sent == [["10", "04", "01"], ["10", "04", "02"], ["10", "04", "03"], ["10", "04", "04"]]
    assert read == ["12", "12", "12", "1E"]  # n=4: bits 2-3 near end


def test_a_device_that_echoes_is_garbage_not_ok() -> None:
    """GIVEN loop:// (every byte comes back: a wrong device on the port) THEN the echoed DLE
    byte fails the fixed-bit check and the printer is in error, never ok."""
    driver = EscposPrinter("loop://", timeout_s=0.3)
    try:
        health = driver.health()
        assert (health.level, health.code, health.message_key) == (
            HealthLevel.ERROR,
            "garbled",
            "printer.error",
        )
        with pytest.raises(PrinterError) as caught:
            driver.print_receipt(DOC)
        assert caught.value.message_key == "printer.error"
    finally:
        driver.close()


def test_a_missing_serial_port_is_unavailable() -> None:
    driver = EscposPrinter("/dev/ttyUSB-not-here", timeout_s=0.3)
    assert driver.health().code == "unavailable"
    with pytest.raises(DeviceUnavailable):
        driver.status()
    with pytest.raises(PrinterError) as caught:
        driver.print_receipt(DOC)
    assert caught.value.message_key == "printer.unavailable"
