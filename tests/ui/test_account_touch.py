"""The account services driven by touch through the real view-model against the embedded
reference central and the simulated ESC/POS printer: what the screens show is what central
holds (read from central's own database), records page through central's pages, prints reach
the printer, an empty printer says so, and nothing of the customer stays behind."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickWindow
from PySide6.QtTest import QTest

from kiosk.app import KioskApp
from kiosk.money import format_cny, format_signed_cny
from kiosk.msisdn import mask_mobile
from tests.ui.conftest import save_screen
from tests.ui.helpers import central_db, log_in, printer_jobs, text_of
from ui.features.account import INVOICES_PER_PAGE, PAGE_SIZE
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, wait_until
from ui.touch import tap as touch_tap

pytestmark = pytest.mark.timeout(120)

NUMBER = "13800138000"  # the reference central's demo account (central/seed.py)
PASSWORD = "123456"
KIND_ZH = {"voice": "通话", "sms": "短信", "data": "上网"}


class CentralDb:
    """What central holds, read from its own database (read-only)."""

    def __init__(self, app: KioskApp) -> None:
        self._app = app

    def rows(self, sql: str, *args: object) -> list[sqlite3.Row]:
        with closing(central_db(self._app)) as db:
            db.row_factory = sqlite3.Row
            return db.execute(sql, args).fetchall()

    def balance_fen(self) -> int:
        return int(self.rows("SELECT balance_fen FROM accounts WHERE msisdn=?", NUMBER)[0][0])

    def bills(self) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM bills WHERE msisdn=? ORDER BY month DESC", NUMBER)

    def usage(self, month: str, kind: str | None = None) -> list[sqlite3.Row]:
        where, args = "msisdn=? AND month=?", [NUMBER, month]
        if kind:
            where, args = where + " AND kind=?", [*args, kind]
        return self.rows(
            f"SELECT * FROM usage_records WHERE {where} ORDER BY started_at DESC, id DESC",  # noqa: S608
            *args,
        )

    def invoices(self) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM invoices WHERE msisdn=? ORDER BY month DESC", NUMBER)

    def print_count(self, number: str) -> int:
        return int(self.rows("SELECT print_count FROM invoices WHERE number=?", number)[0][0])


def _when(row: sqlite3.Row) -> str:
    """A record's time as the screen shows it: central's UTC in the kiosk's local time."""
    stored = datetime.fromisoformat(str(row["started_at"])).replace(tzinfo=UTC)
    return stored.astimezone().strftime("%m-%d %H:%M")


def _rendered(window: QQuickWindow) -> None:
    """Let the window draw a frame: positioners (Column, Row) lay their children out when the
    scene is polished for a frame, so an item's place is only right after one."""
    swapped: list[bool] = []

    def on_swap() -> None:
        swapped.append(True)

    window.frameSwapped.connect(on_swap)
    try:
        window.update()
        assert wait_until(lambda: bool(swapped), 5), "no frame rendered"
    finally:
        window.frameSwapped.disconnect(on_swap)


class _Taps:
    """Taps as a customer makes them: a second tap on the same spot within the double-click
    interval is a double-click to Qt, and a MouseArea does not report it as a click."""

    last: tuple[float, QPointF] | None = None


def tap(window: QQuickWindow, name: str) -> None:
    """Tap `name` where it is on the frame the customer sees."""
    _rendered(window)
    item = find_item(window, name)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    last = _Taps.last
    hints = QGuiApplication.styleHints()
    if (
        last is not None
        and (centre - last[1]).manhattanLength() <= hints.mouseDoubleClickDistance()
    ):
        wait = hints.mouseDoubleClickInterval() / 1000 + 0.05 - (time.monotonic() - last[0])
        if wait > 0:
            QTest.qWait(int(wait * 1000))
    touch_tap(window, name)
    _Taps.last = (time.monotonic(), centre)


def _faults(app: KioskApp) -> Any:
    return app.simulators["printer"].handle.faults  # type: ignore[attr-defined]


@pytest.fixture
def central(kiosk_app: KioskApp) -> CentralDb:
    return CentralDb(kiosk_app)


@pytest.fixture
def logged_in(ui_session: UiSession) -> UiSession:
    """On the menu with the demo customer logged in through the core session (the login
    screens are another feature's; these tests do not depend on them)."""
    log_in(ui_session, NUMBER, PASSWORD)
    return ui_session


def _settle(ui: UiSession, timeout_s: float = 15) -> None:
    assert wait_until(lambda: not ui.vm.busy, timeout_s), "still waiting for central"


def _open(ui: UiSession, service: str, screen: str) -> None:
    tap(ui.window, f"menu.{service}")
    assert wait_until(lambda: ui.vm.screen == screen)
    _settle(ui)


def _print_done(ui: UiSession) -> str:
    account = ui.features["account"]
    assert wait_until(lambda: account.printState in ("printed", "failed"), 20)
    _settle(ui)
    return str(account.printState)


def _end_and_check_nothing_left(ui: UiSession) -> None:
    tap(ui.window, "nav.cancel")
    assert wait_until(lambda: ui.vm.screen == "attract")
    held = ui.features["account"].customer_data()
    assert all(not value for value in held.values()), held
    assert ui.warnings == []


def test_overview_and_bills_show_what_central_holds(
    logged_in: UiSession, kiosk_app: KioskApp, central: CentralDb
) -> None:
    """GIVEN the demo customer logged in WHEN they open Balance and bills and pick each month
    THEN balance, latest bill, every item and total are central's figures; Print bill prints
    that month's statement on the printer."""
    ui, window = logged_in, logged_in.window
    _open(ui, "account.query", "account.overview")
    bills = central.bills()
    assert text_of(ui, "account.balance") == format_signed_cny(central.balance_fen())
    assert text_of(ui, "account.latestBill") == format_signed_cny(bills[0]["total_fen"])
    assert mask_mobile(NUMBER) in text_of(ui, "account.owner")
    assert NUMBER not in text_of(ui, "account.owner")
    assert "张三" not in text_of(ui, "account.owner")  # the owner's name only masked
    save_screen(ui, "account-01-overview")

    tap(window, "account.showBill")
    assert wait_until(lambda: ui.vm.screen == "account.bill")
    assert len(bills) == 6
    for bill in bills:
        tap(window, f"account.billMonth.{bill['month']}")
        assert ui.features["account"].billMonth == bill["month"]
        items = json.loads(bill["items_json"])
        for index, item in enumerate(items):
            assert text_of(ui, f"account.billItem.{index}") == format_signed_cny(item["amount_fen"])
        assert text_of(ui, "account.billTotal") == format_signed_cny(bill["total_fen"])
        assert text_of(ui, "account.billStatus") == ("已缴清" if bill["paid"] else "尚未缴费")
    save_screen(ui, "account-02-bill")

    month = bills[1]["month"]
    tap(window, f"account.billMonth.{month}")
    before = len(printer_jobs(kiosk_app))
    tap(window, "account.printBill")
    assert _print_done(ui) == "printed"
    assert len(printer_jobs(kiosk_app)) == before + 1
    receipt = kiosk_app.simulated_receipt_texts()[-1]
    assert f"月账单 Bill {month}" in receipt
    assert format_cny(bills[1]["total_fen"]) in receipt.replace("￥", "¥")
    assert "请从屏幕下方出纸口取走" in text_of(ui, "account.printResult.text")
    save_screen(ui, "account-03-bill-printed")

    tap(window, "nav.back")  # back to the overview, still logged in
    assert wait_until(lambda: ui.vm.screen == "account.overview")
    _end_and_check_nothing_left(ui)


def test_call_records_page_filter_and_print(
    logged_in: UiSession, kiosk_app: KioskApp, central: CentralDb
) -> None:
    """GIVEN the records screen WHEN the customer turns pages, filters by kind and picks
    another month THEN each page holds central's records in central's order with "page x of y"
    and Print prints the chosen month and kind."""
    ui, window = logged_in, logged_in.window
    account = ui.features["account"]
    _open(ui, "account.query", "account.overview")
    tap(window, "account.showRecords")
    assert wait_until(lambda: ui.vm.screen == "account.records")
    _settle(ui)
    months = [bill["month"] for bill in central.bills()]
    assert account.recordMonths == months  # the last six months, newest first
    month = months[0]
    rows = central.usage(month)
    pages = math.ceil(len(rows) / PAGE_SIZE)
    assert pages > 2
    assert text_of(ui, "account.page.label") == f"第 1 页，共 {pages} 页"
    with pytest.raises(TouchError):
        tap(window, "account.page.previous")  # nothing before the first page

    def shown_page(number: int, expected: list[sqlite3.Row]) -> None:
        chunk = expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        assert len(account.records) == len(chunk)
        for index, row in enumerate(chunk):
            assert text_of(ui, f"account.record.{index}.0") == _when(row)
            assert text_of(ui, f"account.record.{index}.1") == KIND_ZH[row["kind"]]
            assert text_of(ui, f"account.record.{index}.5") == format_cny(row["charge_fen"])
            peer = text_of(ui, f"account.record.{index}.3")
            if row["kind"] != "data":
                assert peer == mask_mobile(row["peer"])  # another party's number, masked

    shown_page(1, rows)
    tap(window, "account.page.next")
    _settle(ui)
    assert text_of(ui, "account.page.label") == f"第 2 页，共 {pages} 页"
    shown_page(2, rows)
    save_screen(ui, "account-04-records-page2")
    for _ in range(pages - 2):
        tap(window, "account.page.next")
        _settle(ui)
    assert account.page == pages
    shown_page(pages, rows)
    with pytest.raises(TouchError):
        tap(window, "account.page.next")  # the last page
    tap(window, "account.page.previous")
    _settle(ui)
    assert account.page == pages - 1
    shown_page(pages - 1, rows)

    tap(window, "account.kind.voice")
    _settle(ui)
    calls = central.usage(month, "voice")
    assert account.recordsTotal == len(calls)
    assert text_of(ui, "account.page.label") == (
        f"第 1 页，共 {math.ceil(len(calls) / PAGE_SIZE)} 页"
    )
    shown_page(1, calls)

    other = months[3]
    tap(window, f"account.recordsMonth.{other}")
    _settle(ui)
    assert account.recordsMonth == other
    assert account.page == 1
    shown_page(1, central.usage(other, "voice"))
    save_screen(ui, "account-05-records-calls")

    before = len(printer_jobs(kiosk_app))
    tap(window, "account.printRecords")
    assert _print_done(ui) == "printed"
    assert len(printer_jobs(kiosk_app)) == before + 1
    receipt = kiosk_app.simulated_receipt_texts()[-1]
    count = len(central.usage(other, "voice"))
    assert f"详单 Records {other}" in receipt
    assert f"共 {count} 条" in receipt
    assert account.printedRecords == count
    assert text_of(ui, "account.printResult.text") == (
        f"已打印 {count} 条记录，请从屏幕下方出纸口取走。"
    )
    assert mask_mobile(NUMBER) in receipt
    save_screen(ui, "account-06-records-printed")
    _end_and_check_nothing_left(ui)


def test_invoice_print_reprint_and_paper_out(
    logged_in: UiSession, kiosk_app: KioskApp, central: CentralDb
) -> None:
    """GIVEN the invoice list WHEN the customer prints one, the printer runs out of paper for
    the next and paper is put back for a reprint THEN central counts exactly the prints that
    happened, the screen says the printer is out of paper, and the reprint says 补打."""
    ui, window = logged_in, logged_in.window
    account = ui.features["account"]
    _open(ui, "account.invoice", "account.invoices")
    invoices = central.invoices()
    assert len(invoices) > INVOICES_PER_PAGE  # two pages
    pages = math.ceil(len(invoices) / INVOICES_PER_PAGE)
    assert text_of(ui, "account.invoicePage.label") == f"第 1 页，共 {pages} 页"
    for index, invoice in enumerate(invoices[:INVOICES_PER_PAGE]):
        assert text_of(ui, f"account.invoice.{index}.number") == f"发票号码 {invoice['number']}"
        assert text_of(ui, f"account.invoice.{index}.amount") == format_cny(invoice["amount_fen"])
        assert text_of(ui, f"account.invoice.{index}.printed") == "尚未打印"
    save_screen(ui, "account-07-invoices")

    first, second = invoices[0]["number"], invoices[1]["number"]
    before = len(printer_jobs(kiosk_app))
    tap(window, "account.invoice.0.print")
    assert _print_done(ui) == "printed"
    assert central.print_count(first) == 1
    assert len(printer_jobs(kiosk_app)) == before + 1
    receipt = kiosk_app.simulated_receipt_texts()[-1]
    assert first in receipt
    assert "补打" not in receipt
    assert text_of(ui, "account.invoice.0.printed") == "已打印 1 次"

    _faults(kiosk_app).paper_out = True
    tap(window, "account.invoice.1.print")
    assert _print_done(ui) == "failed"
    assert account.printMessageKey == "printer.paper_out"
    assert text_of(ui, "account.printResult.text") == "打印机缺纸，未能打印。请联系工作人员。"
    assert central.print_count(second) == 0  # refused before central counted a print
    assert len(printer_jobs(kiosk_app)) == before + 1
    save_screen(ui, "account-08-invoice-paper-out")

    _faults(kiosk_app).paper_out = False
    tap(window, "account.invoice.0.print")  # "补打": a reprint of the first
    assert _print_done(ui) == "printed"
    assert central.print_count(first) == 2
    assert "补打" in kiosk_app.simulated_receipt_texts()[-1]
    assert text_of(ui, "account.invoice.0.printed") == "已打印 2 次"

    tap(window, "account.invoicePage.next")
    assert text_of(ui, "account.invoicePage.label") == f"第 2 页，共 {pages} 页"
    rest = invoices[INVOICES_PER_PAGE:]
    assert len(account.invoices) == len(rest)
    assert text_of(ui, "account.invoice.0.number") == f"发票号码 {rest[0]['number']}"
    with pytest.raises(TouchError):
        tap(window, "account.invoicePage.next")
    save_screen(ui, "account-09-invoices-page2")
    _end_and_check_nothing_left(ui)


def test_balance_slip_and_paper_out(
    logged_in: UiSession, kiosk_app: KioskApp, central: CentralDb
) -> None:
    """GIVEN the overview WHEN Print balance is tapped with the printer out of paper THEN the
    screen says so and nothing is printed; with paper THEN the balance slip is printed."""
    ui, window = logged_in, logged_in.window
    _open(ui, "account.query", "account.overview")
    before = len(printer_jobs(kiosk_app))
    _faults(kiosk_app).paper_out = True
    tap(window, "account.printBalance")
    assert _print_done(ui) == "failed"
    assert text_of(ui, "account.printResult.text") == "打印机缺纸，未能打印。请联系工作人员。"
    assert len(printer_jobs(kiosk_app)) == before
    save_screen(ui, "account-10-balance-paper-out")

    _faults(kiosk_app).paper_out = False
    tap(window, "account.printBalance")
    assert _print_done(ui) == "printed"
    assert len(printer_jobs(kiosk_app)) == before + 1
    receipt = kiosk_app.simulated_receipt_texts()[-1]
    assert "余额查询  Balance" in receipt
    assert format_signed_cny(central.balance_fen()) in receipt.replace("￥", "¥")
    assert NUMBER not in receipt
    _end_and_check_nothing_left(ui)


def test_central_unreachable_says_so_and_keeps_the_screen(
    logged_in: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the overview loaded WHEN central goes away and the customer opens the records
    THEN the screen says central cannot be reached and offers Try again; nothing is faked."""
    ui, window = logged_in, logged_in.window
    account = ui.features["account"]
    _open(ui, "account.query", "account.overview")
    assert kiosk_app.central is not None
    kiosk_app.central.stop()
    tap(window, "account.showRecords")
    assert wait_until(lambda: ui.vm.screen == "account.records")
    _settle(ui, 30)
    assert ui.vm.messageKey == "error.central_unavailable"
    # said in words (whichever feature's text for this core key is found first)
    assert "稍后再试" in text_of(ui, "account.message")
    assert account.recordsLoaded is False
    assert account.records == []
    tap(window, "account.retry")  # still down: the same clear message
    _settle(ui, 30)
    assert ui.vm.messageKey == "error.central_unavailable"
    save_screen(ui, "account-11-central-down")
    _end_and_check_nothing_left(ui)


def test_session_end_drops_everything(logged_in: UiSession) -> None:
    """GIVEN records and invoices loaded WHEN the customer taps Cancel THEN the session ends
    and the account view-model holds nothing of them."""
    ui, window = logged_in, logged_in.window
    account = ui.features["account"]
    _open(ui, "account.query", "account.overview")
    tap(window, "account.showRecords")
    _settle(ui)
    assert account.records
    assert any(account.customer_data().values())
    _end_and_check_nothing_left(ui)
    assert account.balanceText == ""
    assert account.records == []


def test_late_answer_after_the_session_ended_is_dropped(logged_in: UiSession) -> None:
    """GIVEN a page of records on its way from central WHEN the session ends before it arrives
    (idle timeout, central expiring it) THEN the late answer is not shown or kept."""
    ui = logged_in
    account = ui.features["account"]
    _open(ui, "account.query", "account.overview")
    tap(ui.window, "account.showRecords")
    assert ui.vm.busy  # the page is being fetched on the core thread
    ui.vm.home()
    assert ui.vm.screen == "attract"
    done = ui.bridge.submit(lambda: None)  # the core thread is past the fetch after this
    assert wait_until(done.done, 15)
    QTest.qWait(100)  # and its answer has been delivered to the GUI thread
    held = account.customer_data()
    assert all(not value for value in held.values()), held
    assert ui.vm.screen == "attract"
    assert ui.warnings == []
