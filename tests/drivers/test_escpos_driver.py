"""The ESC/POS driver against its protocol simulator over real loopback TCP (socket://)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.errors import PrinterError
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import HealthLevel, ReceiptDocument, ReceiptLine

pytestmark = pytest.mark.timeout(30)

DOC = ReceiptDocument((ReceiptLine("话费充值"), ReceiptLine("金额 Amount: ¥88.00")), qr_data="T:1")


@pytest.fixture
def simulator() -> Iterator[EscposPrinterSimulator]:
    with EscposPrinterSimulator() as sim:
        yield sim


@pytest.fixture
def printer(simulator: EscposPrinterSimulator) -> Iterator[EscposPrinter]:
    driver = EscposPrinter(simulator.url, timeout_s=0.5)
    yield driver
    driver.close()


def test_prints_a_receipt(simulator: EscposPrinterSimulator, printer: EscposPrinter) -> None:
    printer.print_receipt(DOC)
    assert simulator.wait_for_jobs(1)
    assert simulator.job_texts() == ["话费充值\n金额 Amount: ￥88.00\n[QR T:1]\n"]
    assert simulator.protocol_errors == 0
    assert printer.health().level is HealthLevel.OK


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        ("paper_out", "printer.paper_out"),
        ("cover_open", "printer.cover_open"),
        ("offline", "printer.offline"),
        ("cutter_error", "printer.cutter_error"),
        ("silent", "printer.no_answer"),
        ("garbled_status", "printer.error"),
    ],
)
def test_fault_refuses_to_print(
    simulator: EscposPrinterSimulator, printer: EscposPrinter, fault: str, key: str
) -> None:
    setattr(simulator.faults, fault, True)
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(DOC)
    assert caught.value.message_key == key
    assert not simulator.wait_for_jobs(1, timeout_s=0.3)
    assert not printer.health().usable


def test_silent_printer_is_unknown_not_ok(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.silent = True
    status = printer.status()
    assert status.online is None
    assert status.paper_present is None
    assert printer.health().level is HealthLevel.UNKNOWN


def test_near_end_prints_with_a_warning(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.paper_near_end = True
    printer.print_receipt(DOC)
    assert simulator.wait_for_jobs(1)
    assert printer.health().level is HealthLevel.WARNING


def test_reconnects_after_the_printer_vanishes(simulator: EscposPrinterSimulator) -> None:
    """GIVEN a printer that power-cycles (connection gone, back on the same port)
    THEN the driver fails one job cleanly and prints the next one."""
    port = int(simulator.url.rsplit(":", 1)[1])
    driver = EscposPrinter(simulator.url, timeout_s=0.5)
    driver.print_receipt(DOC)
    simulator.stop()
    with pytest.raises(PrinterError):
        driver.print_receipt(DOC)
    revived = EscposPrinterSimulator(port=port)
    revived.start()
    try:
        driver.print_receipt(DOC)
        assert revived.wait_for_jobs(1)
    finally:
        driver.close()
        revived.stop()


def test_connection_dropped_mid_job_is_an_error_not_a_hang(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.drop_connection_after_bytes = 20
    with pytest.raises(PrinterError):
        printer.print_receipt(DOC)
    assert simulator.jobs == []


def test_nothing_listening_is_unavailable() -> None:
    driver = EscposPrinter("socket://127.0.0.1:9", timeout_s=0.3)
    health = driver.health()
    assert (health.level, health.message_key) == (HealthLevel.ERROR, "printer.unavailable")
    with pytest.raises(PrinterError) as caught:
        driver.print_receipt(DOC)
    assert caught.value.message_key == "printer.unavailable"


def test_a_device_that_echoes_is_garbage_not_ok() -> None:
    """GIVEN loop:// (every byte comes back: a wrong device on the port) THEN the echoed
    DLE byte fails the fixed-bit check and the printer is in error, never ok."""
    driver = EscposPrinter("loop://", timeout_s=0.3)
    health = driver.health()
    assert (health.level, health.code) == (HealthLevel.ERROR, "garbled")
    with pytest.raises(PrinterError) as caught:
        driver.print_receipt(DOC)
    assert caught.value.message_key == "printer.error"
    driver.close()


def test_a_topup_receipt_reads_back_with_amount_masked_number_and_reference(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    from datetime import datetime

    from kiosk.receipt import topup_receipt

    document = topup_receipt(
        kiosk_id="K-9", kiosk_name="自助终端", txn_id="abc123def", msisdn="13912345678",
        amount_fen=12300, notes_fen=(10000, 2000, 100, 100, 100), credited=False,
        at=datetime(2026, 11, 22, 9, 30),
    )  # fmt: skip
    printer.print_receipt(document)
    assert simulator.wait_for_jobs(1)
    text = simulator.job_texts()[0]
    assert "金额 Amount: ￥123.00" in text
    assert "手机号码 Number: 139****5678" in text
    assert "13912345678" not in text
    assert "流水号 Ref: abc123def" in text
    assert "[QR TOPUP:abc123def]" in text
    assert "￥1.00 x 3" in text
    assert "处理中" in text
    assert "Status: pending" in text


def test_receipt_picture(
    simulator: EscposPrinterSimulator, printer: EscposPrinter, tmp_path: Path
) -> None:
    from PIL import Image

    printer.print_receipt(DOC)
    assert simulator.wait_for_jobs(1)
    path = simulator.save_png(0, tmp_path / "r.png")
    with Image.open(path) as image:
        assert image.width == 576
        assert image.height > 60
        assert image.getextrema() == (0, 255)  # black ink on white paper
