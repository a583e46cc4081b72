"""The account screens' view-model: balance, monthly bill, call detail records (详单) and
invoices — show and print (over kiosk/flows/account.py, through the customer's session).

Every call to central and every print runs on the core thread (`nav.run`); results come back
here and are turned into display strings (money with kiosk.money, numbers masked). Nothing is
decided here: what central answers is what the screen shows. The records screen pages through
central's pages (PAGE_SIZE per screen), the invoice list pages locally (central sends it whole).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.central_models import Balance, Bill, Invoice, UsageKind, UsagePage, UsageRecord
from kiosk.errors import KioskError, PrintFailed
from kiosk.flows.account import AccountServices
from kiosk.money import format_cny, format_signed_cny
from kiosk.msisdn import mask_mobile
from ui.features.base import FeatureViewModel, UiContext

log = logging.getLogger(__name__)

PAGE_SIZE = 7  # call records on one screen page (rows stay large enough to read)
INVOICES_PER_PAGE = 4
MONTHS = 6  # the month picker offers the last six months
KINDS: tuple[str, ...] = ("", "voice", "sms", "data")  # "" = all kinds
PRINTER_DOWN = "service.printer_down"

OVERVIEW, BILL, RECORDS, INVOICES = (
    "account.overview",
    "account.bill",
    "account.records",
    "account.invoices",
)


def _months_before(today: date, count: int) -> list[str]:
    """The `count` months before `today`'s month, newest first ("YYYY-MM")."""
    year, month, months = today.year, today.month, []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    return months


def _volume(kb: int) -> str:
    """Data volume for the screen: KB below 1 MB, else MB with one decimal (integer maths)."""
    if kb < 1024:
        return f"{kb} KB"
    tenths = kb * 10 // 1024
    return f"{tenths // 10}.{tenths % 10} MB"


def _record_row(record: UsageRecord) -> dict[str, str]:
    if record.kind == "voice":
        minutes, seconds = divmod(record.duration_s, 60)
        amount = f"{minutes}:{seconds:02d}"
    elif record.kind == "data":
        amount = _volume(record.volume_kb)
    else:
        amount = ""
    peer = mask_mobile(record.peer) if len(record.peer) == 11 else record.peer
    return {
        "when": record.started_at.astimezone().strftime("%m-%d %H:%M"),  # central's UTC, local
        "kind": record.kind,
        "direction": record.direction,
        "peer": peer,
        "amount": amount,
        "charge": format_cny(record.charge_fen),
    }


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "month": invoice.month,
        "amount": format_cny(invoice.amount_fen),
        "tax": format_cny(invoice.tax_fen),
        "issuedOn": invoice.issued_on.isoformat(),
        "printCount": invoice.print_count,
    }


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
        self._clear()

    def _clear(self) -> None:
        self._loaded = False
        self._balance: Balance | None = None
        self._bills: tuple[Bill, ...] = ()
        self._bill_month = ""
        self._record_months: tuple[str, ...] = ()
        self._records_month = ""
        self._kind = ""
        self._usage: UsagePage | None = None
        self._invoices: tuple[Invoice, ...] = ()
        self._invoices_loaded = False
        self._invoice_page = 1
        self._print_state = ""  # "" | printing | printed | failed
        self._print_key = ""
        self._printed_records = 0

    # --- properties: overview ---------------------------------------------------------------

    def _get_loaded(self) -> bool:
        return self._loaded

    def _get_owner_name(self) -> str:
        return self._balance.owner_name_masked if self._balance else ""

    def _get_number_display(self) -> str:
        return mask_mobile(self._balance.msisdn) if self._balance else ""

    def _get_balance_text(self) -> str:
        return format_signed_cny(self._balance.balance_fen) if self._balance else ""

    def _get_balance_negative(self) -> bool:
        return bool(self._balance and self._balance.balance_fen < 0)

    def _get_account_status(self) -> str:
        return self._balance.status if self._balance else ""

    def _get_plan_zh(self) -> str:
        return self._balance.plan.name_zh if self._balance else ""

    def _get_plan_en(self) -> str:
        return self._balance.plan.name_en if self._balance else ""

    def _latest(self) -> Bill | None:
        return self._bills[0] if self._bills else None

    def _get_latest_month(self) -> str:
        latest = self._latest()
        return latest.month if latest else ""

    def _get_latest_total(self) -> str:
        latest = self._latest()
        return format_signed_cny(latest.total_fen) if latest else ""

    def _get_latest_paid(self) -> bool:
        latest = self._latest()
        return bool(latest and latest.paid)

    loaded = Property(bool, _get_loaded, notify=changed)
    ownerName = Property(str, _get_owner_name, notify=changed)  # noqa: N815
    numberDisplay = Property(str, _get_number_display, notify=changed)  # noqa: N815
    balanceText = Property(str, _get_balance_text, notify=changed)  # noqa: N815
    balanceNegative = Property(bool, _get_balance_negative, notify=changed)  # noqa: N815
    accountStatus = Property(str, _get_account_status, notify=changed)  # noqa: N815
    planNameZh = Property(str, _get_plan_zh, notify=changed)  # noqa: N815
    planNameEn = Property(str, _get_plan_en, notify=changed)  # noqa: N815
    latestBillMonth = Property(str, _get_latest_month, notify=changed)  # noqa: N815
    latestBillTotal = Property(str, _get_latest_total, notify=changed)  # noqa: N815
    latestBillPaid = Property(bool, _get_latest_paid, notify=changed)  # noqa: N815

    # --- properties: the monthly bill -------------------------------------------------------

    def _bill(self) -> Bill | None:
        return next((b for b in self._bills if b.month == self._bill_month), None)

    def _get_bill_months(self) -> list[str]:
        return [bill.month for bill in self._bills[:MONTHS]]

    def _get_bill_month(self) -> str:
        return self._bill_month

    def _get_bill_items(self) -> list[dict[str, str]]:
        bill = self._bill()
        if bill is None:
            return []
        return [
            {"nameZh": i.name_zh, "nameEn": i.name_en, "amount": format_signed_cny(i.amount_fen)}
            for i in bill.items
        ]

    def _get_bill_total(self) -> str:
        bill = self._bill()
        return format_signed_cny(bill.total_fen) if bill else ""

    def _get_bill_paid(self) -> bool:
        bill = self._bill()
        return bool(bill and bill.paid)

    billMonths = Property("QVariantList", _get_bill_months, notify=changed)  # noqa: N815
    billMonth = Property(str, _get_bill_month, notify=changed)  # noqa: N815
    billItems = Property("QVariantList", _get_bill_items, notify=changed)  # noqa: N815
    billTotal = Property(str, _get_bill_total, notify=changed)  # noqa: N815
    billPaid = Property(bool, _get_bill_paid, notify=changed)  # noqa: N815

    # --- properties: call detail records ----------------------------------------------------

    def _get_record_months(self) -> list[str]:
        return list(self._record_months)

    def _get_records_month(self) -> str:
        return self._records_month

    def _get_kind(self) -> str:
        return self._kind

    def _get_records(self) -> list[dict[str, str]]:
        return [_record_row(r) for r in self._usage.records] if self._usage else []

    def _get_page(self) -> int:
        return self._usage.page if self._usage else 0

    def _get_pages(self) -> int:
        return self._usage.pages if self._usage else 0

    def _get_records_total(self) -> int:
        return self._usage.total if self._usage else 0

    def _get_records_loaded(self) -> bool:
        return self._usage is not None

    def _get_can_previous(self) -> bool:
        return self._get_page() > 1

    def _get_can_next(self) -> bool:
        return 0 < self._get_page() < self._get_pages()

    recordMonths = Property("QVariantList", _get_record_months, notify=changed)  # noqa: N815
    recordsMonth = Property(str, _get_records_month, notify=changed)  # noqa: N815
    kind = Property(str, _get_kind, notify=changed)
    records = Property("QVariantList", _get_records, notify=changed)
    page = Property(int, _get_page, notify=changed)
    pages = Property(int, _get_pages, notify=changed)
    recordsTotal = Property(int, _get_records_total, notify=changed)  # noqa: N815
    recordsLoaded = Property(bool, _get_records_loaded, notify=changed)  # noqa: N815
    canPrevious = Property(bool, _get_can_previous, notify=changed)  # noqa: N815
    canNext = Property(bool, _get_can_next, notify=changed)  # noqa: N815

    # --- properties: invoices ---------------------------------------------------------------

    def _get_invoice_pages(self) -> int:
        return max(1, -(-len(self._invoices) // INVOICES_PER_PAGE))

    def _get_invoice_rows(self) -> list[dict[str, Any]]:
        start = (self._invoice_page - 1) * INVOICES_PER_PAGE
        return [_invoice_row(i) for i in self._invoices[start : start + INVOICES_PER_PAGE]]

    def _get_invoice_page(self) -> int:
        return self._invoice_page

    def _get_invoices_total(self) -> int:
        return len(self._invoices)

    def _get_invoices_loaded(self) -> bool:
        return self._invoices_loaded

    invoices = Property("QVariantList", _get_invoice_rows, notify=changed)
    invoicePage = Property(int, _get_invoice_page, notify=changed)  # noqa: N815
    invoicePages = Property(int, _get_invoice_pages, notify=changed)  # noqa: N815
    invoicesTotal = Property(int, _get_invoices_total, notify=changed)  # noqa: N815
    invoicesLoaded = Property(bool, _get_invoices_loaded, notify=changed)  # noqa: N815

    # --- properties: printing ---------------------------------------------------------------

    def _get_print_state(self) -> str:
        return self._print_state

    def _get_print_key(self) -> str:
        return self._print_key

    def _get_printed_records(self) -> int:
        return self._printed_records

    printState = Property(str, _get_print_state, notify=changed)  # noqa: N815
    printMessageKey = Property(str, _get_print_key, notify=changed)  # noqa: N815
    printedRecords = Property(int, _get_printed_records, notify=changed)  # noqa: N815

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
        if screen in (BILL, RECORDS) and self._loaded:
            self._show(OVERVIEW, "account.overview")
            return True
        return False

    def preview(self, screen: str) -> None:
        self._clear()
        self._balance = Balance.model_validate(PREVIEW_BALANCE)
        self._bills = tuple(Bill.model_validate(b) for b in PREVIEW_BILLS)
        self._loaded = True
        self._bill_month = self._bills[0].month
        self._record_months = tuple(b.month for b in self._bills)
        self._records_month = self._record_months[0]
        self._usage = UsagePage.model_validate(PREVIEW_USAGE)
        self._invoices = tuple(Invoice.model_validate(i) for i in PREVIEW_INVOICES)
        self._invoices_loaded = True
        self._print_state, self._print_key = "failed", "printer.paper_out"
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {
            "balance": self._balance,
            "bills": self._bills,
            "bill_month": self._bill_month,
            "record_months": self._record_months,
            "records_month": self._records_month,
            "usage": self._usage,
            "invoices": self._invoices,
            "print_key": self._print_key,
        }

    # --- slots: moving between the screens --------------------------------------------------

    @Slot()
    def showBill(self) -> None:  # noqa: N802
        if not self._bills:
            return
        self._bill_month = self._bill_month or self._bills[0].month
        self._show(BILL, "account.choose_month")

    @Slot()
    def showRecords(self) -> None:  # noqa: N802
        if not self._record_months:
            return
        self._records_month = self._records_month or self._record_months[0]
        self._show(RECORDS, "account.records_hint")
        if self._usage is None:
            self._load_records(1)

    @Slot()
    def reload(self) -> None:
        """Try again after central could not be reached."""
        screen = self.nav.screen
        if screen == INVOICES:
            self._open_invoices()
        elif screen == RECORDS:
            self._load_records(self._get_page() or 1)
        else:
            self._open_overview()

    @Slot(str)
    def chooseBillMonth(self, month: str) -> None:  # noqa: N802
        if any(b.month == month for b in self._bills):
            self._bill_month = month
            self._clear_print()

    @Slot(str)
    def chooseRecordsMonth(self, month: str) -> None:  # noqa: N802
        if month in self._record_months and month != self._records_month:
            self._records_month = month
            self._clear_print()
            self._load_records(1)

    @Slot(str)
    def chooseKind(self, kind: str) -> None:  # noqa: N802
        if kind in KINDS and kind != self._kind:
            self._kind = kind
            self._clear_print()
            self._load_records(1)

    @Slot()
    def nextPage(self) -> None:  # noqa: N802
        if self._get_can_next():
            self._load_records(self._get_page() + 1)

    @Slot()
    def previousPage(self) -> None:  # noqa: N802
        if self._get_can_previous():
            self._load_records(self._get_page() - 1)

    @Slot()
    def nextInvoicePage(self) -> None:  # noqa: N802
        if self._invoice_page < self._get_invoice_pages():
            self._invoice_page += 1
            self._clear_print()

    @Slot()
    def previousInvoicePage(self) -> None:  # noqa: N802
        if self._invoice_page > 1:
            self._invoice_page -= 1
            self._clear_print()

    # --- slots: printing --------------------------------------------------------------------

    @Slot()
    def printBalance(self) -> None:  # noqa: N802
        self._print(lambda services: services.print_balance(), self._balance_printed)

    @Slot()
    def printBill(self) -> None:  # noqa: N802
        month = self._bill_month
        if month:
            self._print(lambda services: services.print_bill(month))

    @Slot()
    def printRecords(self) -> None:  # noqa: N802
        month, kind = self._records_month, self._kind_arg()
        if month:
            self._print(lambda services: services.print_usage(month, kind), self._records_printed)

    @Slot(str)
    def printInvoice(self, number: str) -> None:  # noqa: N802
        if any(i.number == number for i in self._invoices):
            self._print(lambda services: services.print_invoice(number), self._invoice_printed)

    # --- loading ----------------------------------------------------------------------------

    def _services(self) -> AccountServices:
        """On the core thread: the logged-in customer's account services."""
        desk = self.app.desk
        if desk is None:
            raise KioskError("no customer desk", message_key="service.not_offered")
        return desk.account()

    def _call(
        self,
        work: Callable[[AccountServices], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
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

        self._call(load, self._overview_loaded)

    def _overview_loaded(self, result: tuple[Balance, tuple[Bill, ...]]) -> None:
        self._balance, self._bills = result
        self._loaded = True
        months = [bill.month for bill in self._bills[:MONTHS]]
        self._record_months = tuple(months or _months_before(date.today(), MONTHS))
        self._bill_month = self._bills[0].month if self._bills else ""
        self._records_month, self._usage = self._record_months[0], None
        self.changed.emit()
        self.nav.show_message("account.overview")

    def _open_invoices(self) -> None:
        self._show(INVOICES, "account.loading")
        self._call(lambda services: services.invoices(), self._invoices_loaded_now)

    def _invoices_loaded_now(self, invoices: tuple[Invoice, ...]) -> None:
        self._invoices, self._invoices_loaded = invoices, True
        self._invoice_page = min(self._invoice_page, self._get_invoice_pages())
        self.changed.emit()
        self.nav.show_message("account.invoices_hint" if invoices else "account.no_invoices")

    def _load_records(self, page: int) -> None:
        month, kind = self._records_month, self._kind_arg()

        def load(services: AccountServices) -> UsagePage:
            return services.usage(month, kind, page=page, page_size=PAGE_SIZE)

        self._call(load, self._records_loaded)

    def _records_loaded(self, usage: UsagePage) -> None:
        if usage.month != self._records_month or (usage.kind or "") != self._kind:
            return  # the customer chose another month or kind meanwhile
        self._usage = usage
        self.changed.emit()
        self.nav.show_message("account.records_hint" if usage.total else "account.no_records")

    def _kind_arg(self) -> UsageKind | None:
        kinds: dict[str, UsageKind] = {"voice": "voice", "sms": "sms", "data": "data"}
        return kinds.get(self._kind)

    # --- printing ---------------------------------------------------------------------------

    def _print(
        self,
        work: Callable[[AccountServices], Any],
        on_printed: Callable[[Any], None] | None = None,
    ) -> None:
        if self._print_state == "printing":
            return
        self._print_state, self._print_key = "printing", "account.printing"
        self.changed.emit()

        def run(services: AccountServices) -> Any:
            try:
                return work(services)
            except PrintFailed as exc:
                raise PrintFailed(str(exc), message_key=self._print_reason(exc)) from exc

        def printed(result: Any) -> None:
            self._print_state, self._print_key = "printed", "account.printed"
            if on_printed is not None:
                on_printed(result)
            self.changed.emit()

        def failed(error: BaseException) -> None:
            key = error.message_key if isinstance(error, KioskError) else "error.generic"
            if not isinstance(error, KioskError):
                log.error("printing failed: %r", error)
            self._print_state, self._print_key = "failed", key
            self.changed.emit()
            if self.nav.screen == INVOICES:
                # Central may have counted the print before the printer failed: show its count.
                self._call(lambda s: s.invoices(), self._invoices_loaded_now, lambda _e: None)

        self._call(run, printed, failed)

    def _print_reason(self, error: PrintFailed) -> str:
        """On the core thread: the printer's own reason (out of paper, cover open) when the core
        only says it is not usable — the customer should know why nothing came out."""
        printer = self.app.printer
        if error.message_key != PRINTER_DOWN or printer is None:
            return error.message_key
        health = printer.health()
        return health.message_key if not health.usable and health.message_key else PRINTER_DOWN

    def _balance_printed(self, balance: Balance) -> None:
        self._balance = balance  # what was printed is what the screen shows

    def _records_printed(self, count: int) -> None:
        self._printed_records = count
        self._print_key = "account.printed_records"

    def _invoice_printed(self, invoice: Invoice) -> None:
        self._invoices = tuple(invoice if i.number == invoice.number else i for i in self._invoices)

    # --- helpers ----------------------------------------------------------------------------

    def _show(self, screen: str, message_key: str) -> None:
        self._print_state = self._print_key = ""
        self.changed.emit()
        self.nav.go(screen, message_key)

    def _clear_print(self) -> None:
        self._print_state = self._print_key = ""
        self.changed.emit()

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("account call failed: %r", error)
            self.nav.show_message("error.generic")


# --- preview data (the every-screen test and screenshots) -----------------------------------

_PLAN = {"code": "P58", "name_zh": "畅享58元套餐", "name_en": "Plus 58", "monthly_fee_fen": 5800,
         "data_mb": 30720, "voice_min": 300, "sms": 100}  # fmt: skip
PREVIEW_BALANCE: dict[str, Any] = {
    "msisdn": "13800138000",
    "owner_name_masked": "张*",
    "balance_fen": 5000,
    "status": "active",
    "plan": _PLAN,
    "services": [],
}


def _item(code: str, zh: str, en: str, fen: int) -> dict[str, Any]:
    return {"code": code, "name_zh": zh, "name_en": en, "amount_fen": fen}


PREVIEW_BILLS: list[dict[str, Any]] = [
    {
        "month": month,
        "items": [
            _item("plan", "套餐月费", "Plan fee", 5800),
            _item("voice", "语音通话费", "Voice calls", 150 * n),
            _item("sms", "短信费", "Text messages", 10 * n),
        ],
        "total_fen": 5800 + 160 * n,
        "paid": n > 0,
    }
    for n, month in enumerate(_months_before(date(2026, 11, 22), MONTHS))
]
PREVIEW_USAGE: dict[str, Any] = {
    "month": "2026-10",
    "kind": None,
    "page": 2,
    "page_size": PAGE_SIZE,
    "total": 45,
    "records": [
        {
            "kind": kind,
            "started_at": datetime(2026, 10, 20 - n, 9 + n, 5 * n),
            "direction": "out" if n % 2 else "in",
            "peer": "cmnet" if kind == "data" else f"1390013{n:04d}",
            "duration_s": 125 * n if kind == "voice" else 0,
            "volume_kb": 123_456 if kind == "data" else 0,
            "charge_fen": 15 * n if kind == "voice" else (10 if kind == "sms" else 0),
        }
        for n, kind in enumerate(("voice", "sms", "data", "voice", "voice", "sms", "data"))
    ],
}
PREVIEW_INVOICES: list[dict[str, Any]] = [
    {
        "number": f"2610000{n:03d}123456",
        "month": month,
        "title": "张三",
        "amount_fen": 5800 + 160 * n,
        "tax_fen": (5800 + 160 * n) * 6 // 106,
        "issued_on": date(2026, 11, 1),
        "print_count": n % 2,
    }
    for n, month in enumerate(_months_before(date(2026, 11, 22), MONTHS))
]
