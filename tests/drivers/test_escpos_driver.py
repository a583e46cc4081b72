"""The ESC/POS driver against its protocol simulator over real loopback TCP (socket://)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.errors import PrinterError
from drivers.escpos.charset import FontCharset
from drivers.escpos.decode import DecodedJob, DecodedLine
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import (
    Align,
    DeviceHealth,
    HealthLevel,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPrinter,
)
from tests.support import holds_for, wait_until

pytestmark = pytest.mark.timeout(30)

DOC = ReceiptDocument(
    (
        ReceiptLine("话费充值", Align.CENTER, bold=True),
        ReceiptLine("手机号码 138****8000"),
        ReceiptLine("金额 Amount: ¥88.00", Align.CENTER, bold=True, double=True),
    ),
    qr_data="T:1",
)
PRINTED = DecodedJob(
    (
        DecodedLine("话费充值", Align.CENTER, bold=True),
        DecodedLine("手机号码 138****8000"),
        DecodedLine("金额 Amount: ￥88.00", Align.CENTER, bold=True, width=2, height=2),
    ),
    cut=True,
    qr=("T:1",),
)


@pytest.fixture
def simulator() -> Iterator[EscposPrinterSimulator]:
    with EscposPrinterSimulator() as sim:
        yield sim


@pytest.fixture
def printer(simulator: EscposPrinterSimulator) -> Iterator[EscposPrinter]:
    driver = EscposPrinter(simulator.url, timeout_s=0.3)
    yield driver
    driver.close()


def test_is_a_receipt_printer(printer: EscposPrinter) -> None:
    assert isinstance(printer, ReceiptPrinter)


def test_prints_a_receipt(simulator: EscposPrinterSimulator, printer: EscposPrinter) -> None:
    printer.print_receipt(DOC)
    assert simulator.wait_for_jobs(1)
    assert simulator.job_texts() == [
        "话费充值\n手机号码 138****8000\n金额 Amount: ￥88.00\n[QR T:1]\n"
    ]
    assert simulator.decoded_jobs() == [PRINTED]
    assert simulator.status_queries == 8  # four before the job, four after
    assert simulator.protocol_errors == 0
    assert simulator.spoiled_jobs == []
    assert printer.health() == DeviceHealth(HealthLevel.OK, "ok", "printer.ok")


@pytest.mark.parametrize(
    ("fault", "key", "code"),
    [
        ("paper_out", "printer.paper_out", "paper_out"),
        ("cover_open", "printer.cover_open", "cover_open"),
        ("offline", "printer.offline", "offline"),
        ("cutter_error", "printer.cutter_error", "cutter_error"),
        ("unrecoverable_error", "printer.error", "unrecoverable_error"),
        ("garbled_status", "printer.error", "garbled"),
    ],
)
def test_fault_refuses_to_print(
    simulator: EscposPrinterSimulator, printer: EscposPrinter, fault: str, key: str, code: str
) -> None:
    setattr(simulator.faults, fault, True)
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(DOC)
    assert caught.value.message_key == key
    # Nothing but status queries went out: nothing arrives a while later either.
    holds_for(lambda: simulator.print_bytes == 0 and simulator.jobs == [], 0.1, "no print bytes")
    health = printer.health()
    assert (health.level, health.code, health.message_key) == (HealthLevel.ERROR, code, key)
    setattr(simulator.faults, fault, False)
    printer.print_receipt(DOC)  # the fault cleared: the same driver prints
    assert simulator.wait_for_jobs(1)


def test_silent_printer_is_unknown_not_ok(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.silent = True
    status = printer.status()
    assert (status.online, status.paper_present, status.paper_near_end) == (None, None, None)
    assert simulator.status_queries == 1  # the first silence ends the round
    assert printer.health() == DeviceHealth(HealthLevel.UNKNOWN, "no_answer", "printer.no_answer")
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(DOC)
    assert caught.value.message_key == "printer.no_answer"
    assert simulator.print_bytes == 0


def test_near_end_prints_with_a_warning(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.paper_near_end = True
    printer.print_receipt(DOC)
    assert simulator.wait_for_jobs(1)
    assert simulator.decoded_jobs() == [PRINTED]
    health = printer.health()
    assert (health.level, health.message_key) == (HealthLevel.WARNING, "printer.paper_near_end")
    assert health.usable


def test_paper_running_out_during_the_job_is_an_error(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.paper_out_after_bytes = 40
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(DOC)
    assert caught.value.message_key == "printer.paper_out"
    assert "after sending the job" in str(caught.value)
    assert simulator.jobs == []
    assert len(simulator.spoiled_jobs) == 1


def test_slow_answers_within_the_timeout_are_fine(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.status_delay_s = 0.05
    assert printer.health().level is HealthLevel.OK


def test_answers_later_than_the_timeout_are_unknown_then_drained(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    answered = threading.Event()
    answer = simulator.engine._answer

    def answer_and_tell(n: int, send: Callable[[bytes], None]) -> None:
        answer(n, send)
        answered.set()

    simulator.engine._answer = answer_and_tell  # type: ignore[method-assign]
    simulator.faults.status_delay_s = 0.5
    simulator.faults.offline = True  # the late answer would say "offline"
    assert printer.health().level is HealthLevel.UNKNOWN
    simulator.faults.status_delay_s = 0.0
    # The late byte is sent now; the next round must not take it for its own.
    wait_until(answered.is_set, what="the late status answer to be sent")
    simulator.faults.offline = False
    assert printer.health() == DeviceHealth(HealthLevel.OK, "ok", "printer.ok")


def test_reconnects_after_the_printer_vanishes(simulator: EscposPrinterSimulator) -> None:
    """GIVEN a network printer that power-cycles (connection gone, back on the same port)
    THEN the driver fails cleanly while it is away and prints once it is back."""
    port = int(simulator.url.rsplit(":", 1)[1])
    driver = EscposPrinter(simulator.url, timeout_s=0.3)
    try:
        driver.print_receipt(DOC)
        assert simulator.wait_for_jobs(1)
        simulator.stop()
        with pytest.raises(PrinterError) as caught:
            driver.print_receipt(DOC)
        assert caught.value.message_key == "printer.unavailable"
        assert driver.health().message_key == "printer.unavailable"
        with EscposPrinterSimulator(port=port) as revived:
            driver.print_receipt(DOC)
            assert revived.wait_for_jobs(1)
            assert revived.decoded_jobs() == [PRINTED]
            assert revived.connections == 1
    finally:
        driver.close()


def test_connection_dropped_mid_job_is_an_error_not_a_hang(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    simulator.faults.drop_connection_after_bytes = 12 + 30  # the status round, then 30 bytes
    with pytest.raises(PrinterError) as caught:  # a hang would end at the test's timeout
        printer.print_receipt(DOC)
    assert caught.value.message_key == "printer.unavailable"
    assert simulator.jobs == []
    simulator.faults.drop_connection_after_bytes = None
    printer.print_receipt(DOC)  # a new connection, a whole job
    assert simulator.wait_for_jobs(1)
    assert simulator.decoded_jobs() == [PRINTED]
    assert len(simulator.spoiled_jobs) == 1  # the cut-off start of the first job
    assert simulator.connections == 2


def test_nothing_listening_is_unavailable() -> None:
    with EscposPrinterSimulator() as sim:
        url = sim.url  # a port that was free a moment ago
    driver = EscposPrinter(url, timeout_s=0.3)
    health = driver.health()
    assert (health.level, health.code, health.message_key) == (
        HealthLevel.ERROR,
        "unavailable",
        "printer.unavailable",
    )
    with pytest.raises(PrinterError) as caught:
        driver.print_receipt(DOC)
    assert caught.value.message_key == "printer.unavailable"


def test_threads_printing_at_once_do_not_interleave(
    simulator: EscposPrinterSimulator, printer: EscposPrinter
) -> None:
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            printer.print_receipt(ReceiptDocument((ReceiptLine(f"收据 {number}"),)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert simulator.wait_for_jobs(6)
    assert sorted(simulator.job_texts()) == [f"收据 {n}\n" for n in range(6)]
    assert simulator.protocol_errors == 0


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


@pytest.mark.parametrize(
    ("driver_charset", "printer_charset", "texts"),
    [
        ("gb2312", "gb2312", ("",)),  # a picture
        ("gb18030", "gb18030", ("王䶮",)),  # a printer whose font has it: text
        ("gb18030", "gb2312", ("王\ufffd",)),  # configured wrong: the simulator shows garbage
    ],
)
def test_the_font_setting_decides_what_is_text(
    driver_charset: FontCharset, printer_charset: FontCharset, texts: tuple[str, ...]
) -> None:
    with EscposPrinterSimulator(font_charset=printer_charset) as sim:
        driver = EscposPrinter(sim.url, timeout_s=0.5, font_charset=driver_charset)
        try:
            driver.print_receipt(ReceiptDocument((ReceiptLine("王䶮"),)))
        finally:
            driver.close()
        assert sim.wait_for_jobs(1)
        assert sim.decoded_jobs()[0].texts == texts


def test_bad_font_or_width_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="font_charset"):
        EscposPrinter("loop://", font_charset="big5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="paper_dots"):
        EscposPrinter("loop://", paper_dots=4)
