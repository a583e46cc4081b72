"""The account screens' view-model: balance, monthly bill, call detail records (详单) and
invoices — show and print (over kiosk/flows/account.py, through the customer's session).

Every call to central and every print runs on the core thread (`nav.run`); results come back
here and are turned into display strings (money with kiosk.money, numbers masked). Nothing is
decided here: what central answers is what the screen shows. The records screen pages through
central's pages (PAGE_SIZE per screen), the invoice list pages locally (central sends it whole).
The screens' state is in plain Python helpers: the overview and bill (account_overview.py), the
records (account_records.py), the invoices (account_invoices.py), printing (account_printing.py);
rows and sizes in account_rows.py, example data in account_preview.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.central_models import Balance, Bill, Invoice, UsagePage
from kiosk.errors import KioskError
from kiosk.flows.account import AccountServices
from ui.features.account_invoices import InvoiceList
from ui.features.account_overview import Overview
from ui.features.account_preview import (
    PREVIEW_BALANCE,
    PREVIEW_BILLS,
    PREVIEW_INVOICES,
    PREVIEW_USAGE,
)
from ui.features.account_printing import PrintJob
from ui.features.account_records import RecordsPager
from ui.features.account_rows import INVOICES_PER_PAGE, MONTHS, PAGE_SIZE, months_before
from ui.features.base import FeatureViewModel, UiContext

# The page sizes are named here too (the touch tests page by them).
__all__ = ["INVOICES_PER_PAGE", "PAGE_SIZE", "AccountViewModel"]

log = logging.getLogger(__name__)

OVERVIEW, BILL, RECORDS, INVOICES = (
    "account.overview",
    "account.bill",
    "account.records",
    "account.invoices",
)


class AccountViewModel(FeatureViewModel):
    name = "account"
    screens: ClassVar[dict[str, str]] = {
        OVERVIEW: "account/AccountOverviewScreen.qml",
        BILL: "account/AccountBillScreen.qml",
        RECORDS: "account/AccountRecordsScreen.qml",
        INVOICES: "account/AccountInvoicesScreen.qml",
    }
    services: ClassVar[tuple[str, ...]] = ("account.query", "account.invoice")
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._generation = 0  # a result of an earlier customer (or screen) is dropped
        self._overview = Overview()
        self._records = RecordsPager(self)
        self._invoices = InvoiceList(self)
        self._printing = PrintJob(self)

    def _clear(self) -> None:
        self._overview.clear()
        self._records.clear()
        self._invoices.clear()
        self._printing.clear()

    # --- properties -------------------------------------------------------------------------

    # the overview
    loaded = Property(bool, lambda self: self._overview.loaded, notify=changed)
    ownerName = Property(str, lambda self: self._overview.owner_name(), notify=changed)  # noqa: N815
    numberDisplay = Property(str, lambda self: self._overview.number_display(), notify=changed)  # noqa: N815
    balanceText = Property(str, lambda self: self._overview.balance_text(), notify=changed)  # noqa: N815
    balanceNegative = Property(bool, lambda self: self._overview.balance_negative(), notify=changed)  # noqa: N815
    accountStatus = Property(str, lambda self: self._overview.status(), notify=changed)  # noqa: N815
    planNameZh = Property(str, lambda self: self._overview.plan_zh(), notify=changed)  # noqa: N815
    planNameEn = Property(str, lambda self: self._overview.plan_en(), notify=changed)  # noqa: N815
    latestBillMonth = Property(str, lambda self: self._overview.latest_month(), notify=changed)  # noqa: N815
    latestBillTotal = Property(str, lambda self: self._overview.latest_total(), notify=changed)  # noqa: N815
    latestBillPaid = Property(bool, lambda self: self._overview.latest_paid(), notify=changed)  # noqa: N815
    # the monthly bill
    billMonths = Property("QVariantList", lambda self: self._overview.bill_months(), notify=changed)  # noqa: N815
    billMonth = Property(str, lambda self: self._overview.bill_month, notify=changed)  # noqa: N815
    billItems = Property("QVariantList", lambda self: self._overview.bill_items(), notify=changed)  # noqa: N815
    billTotal = Property(str, lambda self: self._overview.bill_total(), notify=changed)  # noqa: N815
    billPaid = Property(bool, lambda self: self._overview.bill_paid(), notify=changed)  # noqa: N815
    # call detail records
    recordMonths = Property("QVariantList", lambda self: list(self._records.months), notify=changed)  # noqa: N815
    recordsMonth = Property(str, lambda self: self._records.month, notify=changed)  # noqa: N815
    kind = Property(str, lambda self: self._records.kind, notify=changed)
    records = Property("QVariantList", lambda self: self._records.rows(), notify=changed)
    page = Property(int, lambda self: self._records.page(), notify=changed)
    pages = Property(int, lambda self: self._records.pages(), notify=changed)
    recordsTotal = Property(int, lambda self: self._records.total(), notify=changed)  # noqa: N815
    recordsLoaded = Property(bool, lambda self: self._records.usage is not None, notify=changed)  # noqa: N815
    canPrevious = Property(bool, lambda self: self._records.can_previous(), notify=changed)  # noqa: N815
    canNext = Property(bool, lambda self: self._records.can_next(), notify=changed)  # noqa: N815
    # invoices
    invoices = Property("QVariantList", lambda self: self._invoices.rows(), notify=changed)
    invoicePage = Property(int, lambda self: self._invoices.page, notify=changed)  # noqa: N815
    invoicePages = Property(int, lambda self: self._invoices.pages(), notify=changed)  # noqa: N815
    invoicesTotal = Property(int, lambda self: len(self._invoices.invoices), notify=changed)  # noqa: N815
    invoicesLoaded = Property(bool, lambda self: self._invoices.loaded, notify=changed)  # noqa: N815
    # printing
    printState = Property(str, lambda self: self._printing.state, notify=changed)  # noqa: N815
    printMessageKey = Property(str, lambda self: self._printing.key, notify=changed)  # noqa: N815
    printedRecords = Property(int, lambda self: self._printing.printed_records, notify=changed)  # noqa: N815

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        self.reset()
        if key == "account.invoice":
            self.nav.require_auth(self._open_invoices)
        else:
            self.nav.require_auth(self._open_overview)

    def reset(self) -> None:
        self._generation += 1
        self._clear()
        self.changed.emit()

    def back(self, screen: str) -> bool:
        if screen in (BILL, RECORDS) and self._overview.loaded:
            self._show(OVERVIEW, "account.overview")
            return True
        return False

    def preview(self, screen: str) -> None:
        self._clear()
        overview, records, invoices = self._overview, self._records, self._invoices
        overview.balance = Balance.model_validate(PREVIEW_BALANCE)
        overview.bills = tuple(Bill.model_validate(b) for b in PREVIEW_BILLS)
        overview.loaded = True
        overview.bill_month = overview.bills[0].month
        records.start(b.month for b in overview.bills)
        records.usage = UsagePage.model_validate(PREVIEW_USAGE)
        invoices.invoices = tuple(Invoice.model_validate(i) for i in PREVIEW_INVOICES)
        invoices.loaded = True
        self._printing.state, self._printing.key = "failed", "printer.paper_out"
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {
            "balance": self._overview.balance,
            "bills": self._overview.bills,
            "bill_month": self._overview.bill_month,
            "record_months": self._records.months,
            "records_month": self._records.month,
            "usage": self._records.usage,
            "invoices": self._invoices.invoices,
            "print_key": self._printing.key,
        }

    # --- slots: moving between the screens --------------------------------------------------

    @Slot()
    def showBill(self) -> None:  # noqa: N802
        overview = self._overview
        if not overview.bills:
            return
        overview.bill_month = overview.bill_month or overview.bills[0].month
        self._show(BILL, "account.choose_month")

    @Slot()
    def showRecords(self) -> None:  # noqa: N802
        records = self._records
        if not records.months:
            return
        records.month = records.month or records.months[0]
        self._show(RECORDS, "account.records_hint")
        if records.usage is None:
            records.load(1)

    @Slot()
    def reload(self) -> None:
        """Try again after central could not be reached."""
        screen = self.nav.screen
        if screen == INVOICES:
            self._open_invoices()
        elif screen == RECORDS:
            self._records.load(self._records.page() or 1)
        else:
            self._open_overview()

    @Slot(str)
    def chooseBillMonth(self, month: str) -> None:  # noqa: N802
        if self._overview.has_month(month):
            self._overview.bill_month = month
            self.clear_print()

    @Slot(str)
    def chooseRecordsMonth(self, month: str) -> None:  # noqa: N802
        self._records.choose_month(month)

    @Slot(str)
    def chooseKind(self, kind: str) -> None:  # noqa: N802
        self._records.choose_kind(kind)

    @Slot()
    def nextPage(self) -> None:  # noqa: N802
        self._records.next_page()

    @Slot()
    def previousPage(self) -> None:  # noqa: N802
        self._records.previous_page()

    @Slot()
    def nextInvoicePage(self) -> None:  # noqa: N802
        self._invoices.next_page()

    @Slot()
    def previousInvoicePage(self) -> None:  # noqa: N802
        self._invoices.previous_page()

    # --- slots: printing --------------------------------------------------------------------

    @Slot()
    def printBalance(self) -> None:  # noqa: N802
        self._print(lambda services: services.print_balance(), self._balance_printed)

    @Slot()
    def printBill(self) -> None:  # noqa: N802
        month = self._overview.bill_month
        if month:
            self._print(lambda services: services.print_bill(month))

    @Slot()
    def printRecords(self) -> None:  # noqa: N802
        month, kind = self._records.month, self._records.kind_arg()
        if month:
            self._print(
                lambda services: services.print_usage(month, kind), self._printing.records_printed
            )

    @Slot(str)
    def printInvoice(self, number: str) -> None:  # noqa: N802
        if self._invoices.has(number):
            self._print(lambda services: services.print_invoice(number), self._invoices.printed)

    # --- loading ----------------------------------------------------------------------------

    def _services(self) -> AccountServices:
        """On the core thread: the logged-in customer's account services."""
        desk = self.app.desk
        if desk is None:
            raise KioskError("no customer desk", message_key="service.not_offered")
        return desk.account()

    def call(
        self,
        work: Callable[[AccountServices], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """`work(services)` on the core thread; the answer here, unless the customer (or the
        screen) changed meanwhile. No `on_error`: the error's message is shown."""
        generation = self._generation

        def done(result: Any) -> None:
            if generation == self._generation:
                on_result(result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                (on_error or self._show_error)(error)

        self.nav.run(lambda: work(self._services()), done, failed)

    def _open_overview(self) -> None:
        self._show(OVERVIEW, "account.loading")

        def load(services: AccountServices) -> tuple[Balance, tuple[Bill, ...]]:
            return services.balance(), services.bills()

        self.call(load, self._overview_loaded)

    def _overview_loaded(self, result: tuple[Balance, tuple[Bill, ...]]) -> None:
        overview = self._overview
        overview.balance, overview.bills = result
        overview.loaded = True
        months = [bill.month for bill in overview.bills[:MONTHS]]
        overview.bill_month = overview.bills[0].month if overview.bills else ""
        self._records.start(months or months_before(date.today(), MONTHS))
        self.changed.emit()
        self.nav.show_message("account.overview")

    def _open_invoices(self) -> None:
        self._show(INVOICES, "account.loading")
        self.call(lambda services: services.invoices(), self._invoices.arrived)

    # --- printing ---------------------------------------------------------------------------

    def _print(
        self,
        work: Callable[[AccountServices], Any],
        on_printed: Callable[[Any], None] | None = None,
    ) -> None:
        self._printing.run(work, on_printed, self._recount_invoices)

    def _recount_invoices(self) -> None:
        """A print failed: on the invoice list, central may have counted the print before the
        printer failed — show its count."""
        if self.nav.screen == INVOICES:
            self.call(lambda s: s.invoices(), self._invoices.arrived, lambda _e: None)

    def _balance_printed(self, balance: Balance) -> None:
        self._overview.balance = balance  # what was printed is what the screen shows

    # --- helpers ----------------------------------------------------------------------------

    def _show(self, screen: str, message_key: str) -> None:
        self._printing.forget()
        self.changed.emit()
        self.nav.go(screen, message_key)

    def clear_print(self) -> None:
        self._printing.forget()
        self.changed.emit()

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("account call failed: %r", error)
            self.nav.show_message("error.generic")
