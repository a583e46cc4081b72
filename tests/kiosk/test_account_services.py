"""Balance, bills, call detail records and invoices: query, show, print — against the reference
central, through one customer session; plus the counts central gets for the diversion rate."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.central_api import CentralApi
from kiosk.customer_session import CustomerSession, EndReason
from kiosk.errors import CentralRefused, CentralUnavailable, PrintFailed, SessionError
from kiosk.flows.account import MAX_PRINTED_RECORDS, AccountContext, AccountServices
from kiosk.metrics import ServiceMetrics
from tests.central.conftest import KIOSKS
from tests.kiosk.fakes import RecordingPrinter

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 11, 22, 10, 30)


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


@pytest.fixture
def metrics(tmp_path: Path) -> ServiceMetrics:
    return ServiceMetrics(tmp_path / "metrics.json", clock=lambda: NOW)


@pytest.fixture
def session(api: CentralApi) -> CustomerSession:
    session = CustomerSession(api, idle_timeout_s=90)
    session.login_password("13800138000", "123456")
    return session


@pytest.fixture
def account(
    api: CentralApi, printer: RecordingPrinter, metrics: ServiceMetrics, session: CustomerSession
) -> AccountServices:
    context = AccountContext(api, printer, "测试营业厅", metrics, clock=lambda: NOW)
    return AccountServices(context, session)


def test_balance_printed_masked(account: AccountServices, printer: RecordingPrinter) -> None:
    balance = account.print_balance()
    text = printer.last_text()
    assert "余额查询  Balance" in text
    assert "138****8000" in text
    assert "13800138000" not in text
    yuan, fen = divmod(abs(balance.balance_fen), 100)
    assert f"¥{yuan}.{fen:02d}" in text
    assert balance.plan.name_zh in text


def test_bill_statement_adds_up(account: AccountServices, printer: RecordingPrinter) -> None:
    bills = account.bills()
    assert len(bills) >= 3
    month = bills[0].month
    bill = account.print_bill(month)
    assert sum(item.amount_fen for item in bill.items) == bill.total_fen
    text = printer.last_text()
    assert f"月账单 Bill {month}" in text
    for item in bill.items:
        assert item.name_zh in text


def test_unknown_month_is_refused(account: AccountServices) -> None:
    with pytest.raises(CentralRefused) as refused:
        account.bill("2001-01")
    assert refused.value.code == "bill.not_found"


def test_usage_pages_cover_the_month_once(account: AccountServices) -> None:
    month = account.bills()[0].month
    first = account.usage(month, page=1, page_size=10)
    seen = list(first.records)
    for page in range(2, first.pages + 1):
        seen.extend(account.usage(month, page=page, page_size=10).records)
    assert len(seen) == first.total
    assert len({(r.started_at, r.peer, r.kind) for r in seen}) == first.total
    times = [r.started_at for r in seen]
    assert times == sorted(times, reverse=True)


def test_usage_by_kind_printed(account: AccountServices, printer: RecordingPrinter) -> None:
    month = account.bills()[0].month
    total_sms = account.usage(month, "sms").total
    printed = account.print_usage(month, "sms")
    assert printed == min(total_sms, MAX_PRINTED_RECORDS)
    text = printer.last_text()
    assert "短信 SMS" in text
    assert f"共 {printed} 条" in text
    # Other parties' numbers are masked on paper too.
    assert not re.search(r"1\d{10}", text)
    assert text.count("****") >= printed


def test_invoice_reprint_is_marked(account: AccountServices, printer: RecordingPrinter) -> None:
    number = account.invoices()[0].number
    first = account.print_invoice(number)
    second = account.print_invoice(number)
    assert second.print_count == first.print_count + 1
    first_text, second_text = (doc.plain_text() for doc in printer.printed[-2:])
    if first.print_count == 1:
        assert "补打" not in first_text
    assert "补打 Reprint" in second_text
    assert printer.printed[-1].qr_data == f"INVOICE:{number}"


def test_printer_failure_is_a_clear_error(
    account: AccountServices, printer: RecordingPrinter
) -> None:
    printer.fail = True
    with pytest.raises(PrintFailed) as failed:
        account.print_balance()
    assert failed.value.message_key == "printer.paper_out"


def test_an_invoice_the_printer_did_not_print_is_not_counted(
    account: AccountServices, printer: RecordingPrinter
) -> None:
    """GIVEN a printer out of paper WHEN the customer prints an invoice THEN the print fails
    and central counts nothing; WHEN the paper is back THEN the first real copy is the original
    (no 补打), counted once (issue 19: it was recorded before printing and said 已打印 1 次)."""
    invoice = account.invoices()[0]
    printer.fail = True
    with pytest.raises(PrintFailed) as failed:
        account.print_invoice(invoice.number)
    assert failed.value.message_key == "printer.paper_out"
    assert account.invoices()[0].print_count == invoice.print_count
    printer.fail = False
    printed = account.print_invoice(invoice.number)
    assert printed.print_count == invoice.print_count + 1
    assert account.invoices()[0].print_count == invoice.print_count + 1
    if invoice.print_count == 0:
        assert "补打" not in printer.printed[-1].plain_text()


def test_no_printer_means_no_invoice_and_no_print_recorded(
    api: CentralApi, metrics: ServiceMetrics, session: CustomerSession
) -> None:
    account = AccountServices(AccountContext(api, None, "K", metrics), session)
    number = account.invoices()[0].number
    before = account.invoices()[0].print_count
    assert not account.can_print
    with pytest.raises(PrintFailed) as failed:
        account.print_invoice(number)
    assert failed.value.message_key == "service.printer_down"
    assert account.invoices()[0].print_count == before


def test_queries_need_the_session(account: AccountServices, session: CustomerSession) -> None:
    session.end(EndReason.LOGOUT)
    with pytest.raises(SessionError):
        account.balance()


def test_counts_one_session_per_service(
    account: AccountServices, metrics: ServiceMetrics, tmp_path: Path
) -> None:
    """GIVEN a customer who pages through records and prints, then asks for a missing bill
    WHEN the session closes THEN central's counts show one query session completed, and the
    invoices service (never opened) nothing; the counts survive a restart."""
    month = account.bills()[0].month
    account.usage(month)
    account.usage(month, page=2)
    with pytest.raises(CentralRefused):
        account.bill("2001-01")
    account.close()
    counts = {"started": 1, "completed": 1, "abandoned": 0, "failed": 0}
    assert metrics.today() == {"account.query": counts}
    reloaded = ServiceMetrics(tmp_path / "metrics.json", clock=lambda: NOW)
    assert reloaded.today() == metrics.today()


def test_a_service_central_could_not_answer_is_counted_failed(
    api: CentralApi, metrics: ServiceMetrics, session: CustomerSession
) -> None:
    broken = CentralApi("http://127.0.0.1:9", "K1", KIOSKS["K1"], timeout_s=1)
    failing = AccountServices(AccountContext(broken, None, "K", metrics), session)
    with pytest.raises(CentralUnavailable):
        failing.invoices()
    failing.close()
    assert metrics.today()["account.invoice"]["failed"] == 1
