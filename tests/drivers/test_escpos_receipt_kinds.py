"""Every kind of printout the kiosk makes — customer receipts, vouchers, account statements,
the cash collection slip, the maintenance test page — printed with a rare character (生僻字) in
a name, on the simulated GB2312 printer through the driver: no line anywhere is garbled, each
is text the printer has or a picture of the line."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from drivers.escpos.charset import clean_text, printable
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.jobs import DecodedJob, DecodedLine
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import HEALTH_OK, CardApproved, ReceiptDocument
from kiosk import documents, receipt
from kiosk.central_models import (
    Balance,
    Bill,
    BillItem,
    Invoice,
    Plan,
    UsageRecord,
    ValueAddedService,
)
from kiosk.config import load_config
from kiosk.journal import Journal
from kiosk.maintenance import MaintenanceParts, MaintenanceSession
from kiosk.maintenance_auth import TechnicianIdentity
from kiosk.maintenance_cash import CashCollected, collection_slip
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch
from tests.conftest import write_config
from tests.kiosk.fakes import RecordingPrinter

pytestmark = pytest.mark.timeout(60)

REPO = Path(__file__).resolve().parents[2]
KIOSK = "𠮷祥营业厅 自助终端"  # U+20BB7: CJK Extension B, in every printout's header
NAME = "王䶮"  # U+4DAE: CJK Extension A
AT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
APPROVAL = CardApproved(5000, "622848******1234", "UnionPay", "A1B2C3", "POI-9")
PLAN = Plan(code="P1", name_zh="畅享套餐", name_en="Unlimited", monthly_fee_fen=5800,
            data_mb=10240, voice_min=500, sms=100)  # fmt: skip
SERVICE = ValueAddedService(code="V1", name_zh="彩铃", name_en="Ringtone", monthly_fee_fen=500)


def _test_page(tmp_path: Path) -> ReceiptDocument:
    """The maintenance test page, as `test_printer` prints it for a kiosk with a rare name."""
    config = load_config(write_config(tmp_path, **{"kiosk.name": KIOSK}))
    printer = RecordingPrinter()
    journal = Journal(config.data_dir / "kiosk.db")
    try:
        parts = MaintenanceParts(
            config=config, journal=journal,
            switch=ServiceSwitch(config.data_dir / "service_switch.json"),
            paper=PaperMonitor(config.data_dir / "paper.json"),
            device_health=lambda: {"printer": HEALTH_OK}, printer=printer,
        )  # fmt: skip
        session = MaintenanceSession(parts, TechnicianIdentity("T001", NAME, "badge"))
        assert session.test_printer().passed
    finally:
        journal.close()
    [page] = printer.printed
    return page


def _collection_slip(_tmp_path: Path) -> ReceiptDocument:
    body = {"event_id": "E1", "at": AT.isoformat(), "technician_id": "T001",
            "cash_counts": {"10000": 2, "5000": 1}, "total_fen": 25000}  # fmt: skip
    return collection_slip(CashCollected(1, body), kiosk_id="K1", kiosk_name=KIOSK)


KINDS: dict[str, Callable[[Path], ReceiptDocument]] = {
    "cash top-up": lambda _p: receipt.topup_receipt(
        kiosk_id="K1", kiosk_name=KIOSK, txn_id="T1", msisdn="13800138000", amount_fen=5000,
        notes_fen=(5000,), credited=True, at=AT),
    "card top-up": lambda _p: receipt.card_topup_receipt(
        kiosk_id="K1", kiosk_name=KIOSK, txn_id="T1", msisdn="13800138000", approval=APPROVAL,
        credited=False, at=AT),
    "bill payment": lambda _p: receipt.bill_payment_receipt(
        kiosk_id="K1", kiosk_name=KIOSK, txn_id="T1", msisdn="13800138000", amount_fen=5000,
        months=("2024-04",), credited=True, at=AT, approval=APPROVAL),
    "balance": lambda _p: documents.balance_slip(KIOSK, Balance(
        msisdn="13800138000", owner_name_masked=f"{NAME[1]}*", balance_fen=-120,
        status="active", plan=PLAN, services=(SERVICE,)), AT),
    "bill": lambda _p: documents.bill_statement(KIOSK, "13800138000", Bill(
        month="2024-04", items=(BillItem(code="B", name_zh="月租𠮷", name_en="Fee",
                                         amount_fen=5800),), total_fen=5800, paid=False), AT),
    "usage": lambda _p: documents.usage_statement(
        KIOSK, msisdn="13800138000", month="2024-04", kind="voice", at=AT,
        records=(UsageRecord(kind="voice", started_at=AT, direction="out",
                             peer="13900139000", duration_s=75, volume_kb=0, charge_fen=15),)),
    "invoice": lambda _p: documents.invoice_copy(KIOSK, "13800138000", Invoice(
        number="INV1", month="2024-04", title=f"{NAME}𠮷", amount_fen=5800, tax_fen=300,
        issued_on=date(2024, 5, 1), print_count=2), AT),
    "SIM sale": lambda _p: documents.sim_sale_receipt(
        KIOSK, "K1", "T1", {"msisdn": "13800138000", "iccid": "8986001", "paid_fen": 10000,
                            "price_fen": 2000}, AT),
    "SIM replacement": lambda _p: documents.sim_replacement_receipt(
        KIOSK, "K1", "T1", {"msisdn": "13800138000", "iccid": "8986002", "paid_fen": 2000,
                            "fee_fen": 1000}, AT),
    "voucher": lambda _p: documents.voucher_slip(
        KIOSK, "K1", "T1", amount_fen=5000, reason=f"出卡失败 {NAME}", at=AT, voucher_no="V1",
        msisdn="13800138000"),
    "cash collection slip": _collection_slip,
    "maintenance test page": _test_page,
}  # fmt: skip


@pytest.fixture(scope="module")
def simulator() -> Iterator[EscposPrinterSimulator]:
    with EscposPrinterSimulator(font_charset="gb2312") as running:
        yield running


def _matches(line: DecodedLine, text: str, *, double: bool) -> bool:
    """The line is that text, every character double-size when it should be."""
    return line.image is None and line.text == text and (line.double or not double)


def _check_lines(document: ReceiptDocument, job: DecodedJob) -> int:
    """Each document line is its text on paper (a double line with every character double),
    or one or more pictures (a long line wraps); returns how many lines were pictures."""
    printed = list(job.lines)
    pictures = 0
    for line in document.lines:
        text = clean_text(line.text, chinese=True)
        if printable(text, "gb2312"):
            assert printed, f"missing: {text!r}"
            assert _matches(printed.pop(0), text, double=line.double)
            continue
        pictures += 1
        assert printed, f"missing picture of {text!r}"
        assert printed[0].image is not None, f"{text!r} printed as {printed[0].text!r}"
        while printed and printed[0].image is not None and not printed[0].text:
            image = printed.pop(0).image
            assert image is not None
            assert image.width <= 512  # the TM-T88V profile's printable width
    assert printed == []
    return pictures


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_printout_with_a_rare_name_is_never_garbled(
    kind: str, simulator: EscposPrinterSimulator, tmp_path: Path
) -> None:
    """GIVEN a printout with 𠮷 in the kiosk's name (and 䶮 in a customer's name where it has
    one) WHEN printed through the driver on a GB2312 printer THEN no character is garbage and
    the lines with them are pictures, the others text."""
    document = KINDS[kind](tmp_path)
    assert any(KIOSK in line.text for line in document.lines)
    before = len(simulator.jobs)
    printer = EscposPrinter(simulator.url, timeout_s=2.0)
    try:
        printer.print_receipt(document)
    finally:
        printer.close()
    assert simulator.wait_for_jobs(before + 1)
    [job] = simulator.decoded_jobs()[before:]
    assert all("\ufffd" not in line.text for line in job.lines)
    assert "\ufffd" not in simulator.job_texts()[before]
    assert _check_lines(document, job) >= 1
    if document.qr_data:
        assert job.qr == (document.qr_data,)
    assert job.cut


def test_only_the_escpos_renderer_makes_printer_bytes() -> None:
    """Every printout goes through drivers/escpos/render.py: nothing else imports python-escpos
    or the renderer, and only the ESC/POS driver implements print_receipt."""
    offenders = []
    for folder in ("kiosk", "drivers", "central", "offline_queue"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith("drivers/escpos/"):
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError:  # someone's file mid-edit: its own tests say so
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    names = []
                if any(n == "escpos" or n.startswith(("escpos.", "drivers.escpos.render"))
                       for n in names):  # fmt: skip
                    offenders.append(relative)
                if isinstance(node, ast.FunctionDef) and node.name == "print_receipt":
                    body = node.body
                    is_protocol = len(body) <= 2 and isinstance(body[-1], ast.Expr)
                    if relative != "drivers/interfaces/printer.py" or not is_protocol:
                        offenders.append(f"{relative}: print_receipt")
    assert offenders == []
