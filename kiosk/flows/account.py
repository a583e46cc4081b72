"""Account services of a logged-in customer: balance, monthly bills, call detail records and
invoices — query, show and print. Nothing here moves money, so nothing is journalled; every
call goes through the customer's session (unified authentication) and is counted for central.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from drivers.errors import DriverError
from drivers.interfaces import ReceiptDocument, ReceiptPrinter
from kiosk import documents
from kiosk.central_api import CentralApi
from kiosk.central_models import Balance, Bill, Invoice, UsageKind, UsagePage, UsageRecord
from kiosk.customer_session import CustomerSession
from kiosk.errors import CentralRefused, CentralUnavailable, KioskError, PrintFailed
from kiosk.metrics import Outcome, ServiceMetrics

log = logging.getLogger(__name__)
T = TypeVar("T")

QUERY = "account.query"  # balance, bills and call detail records (catalogue keys)
INVOICE = "account.invoice"
# A printed statement of call records is capped: a month of data sessions can run to
# thousands of lines, which no receipt roll should carry; the screen pages through them all.
MAX_PRINTED_RECORDS = 200
PAGE_SIZE = 50


@dataclass(frozen=True)
class AccountContext:
    api: CentralApi
    printer: ReceiptPrinter | None
    kiosk_name: str
    metrics: ServiceMetrics
    clock: Callable[[], datetime] = datetime.now


class AccountServices:
    """What a logged-in customer can look at and print. Calls block: run them off the GUI."""

    def __init__(self, context: AccountContext, session: CustomerSession) -> None:
        self._ctx = context
        self._session = session
        # One customer session counts once per service: started at first use, completed at
        # the first success; `close()` counts the rest as failed or abandoned.
        self._started: set[str] = set()
        self._completed: set[str] = set()
        self._failed: set[str] = set()

    def close(self) -> None:
        """The customer session ended: count what was started and never done."""
        for service in sorted(self._started - self._completed):
            outcome = Outcome.FAILED if service in self._failed else Outcome.ABANDONED
            self._ctx.metrics.finished(service, outcome)
        self._started.clear()

    # --- queries --------------------------------------------------------------------------

    def balance(self) -> Balance:
        return self._counted(QUERY, lambda: self._session.call(self._ctx.api.balance))

    def bills(self) -> tuple[Bill, ...]:
        return self._counted(QUERY, lambda: self._session.call(self._ctx.api.bills).bills)

    def bill(self, month: str) -> Bill:
        return self._counted(
            QUERY, lambda: self._session.call(lambda t: self._ctx.api.bill(t, month))
        )

    def usage(
        self, month: str, kind: UsageKind | None = None, page: int = 1, page_size: int = 20
    ) -> UsagePage:
        def fetch() -> UsagePage:
            return self._session.call(
                lambda t: self._ctx.api.usage(t, month, kind=kind, page=page, page_size=page_size)
            )

        return self._counted(QUERY, fetch)

    def invoices(self) -> tuple[Invoice, ...]:
        return self._counted(INVOICE, lambda: self._session.call(self._ctx.api.invoices).invoices)

    # --- printing -------------------------------------------------------------------------

    @property
    def can_print(self) -> bool:
        printer = self._ctx.printer
        if printer is None:
            return False
        try:
            return printer.health().usable
        except DriverError:
            return False

    def print_balance(self) -> Balance:
        balance = self.balance()
        self._print(documents.balance_slip(self._ctx.kiosk_name, balance, self._ctx.clock()))
        return balance

    def print_bill(self, month: str) -> Bill:
        bill = self.bill(month)
        msisdn = self._msisdn()
        self._print(documents.bill_statement(self._ctx.kiosk_name, msisdn, bill, self._ctx.clock()))
        return bill

    def print_usage(self, month: str, kind: UsageKind | None = None) -> int:
        """Print a month's records (up to MAX_PRINTED_RECORDS, newest first); return how many."""
        records: list[UsageRecord] = []
        page = 1
        while len(records) < MAX_PRINTED_RECORDS:
            fetched = self.usage(month, kind, page=page, page_size=PAGE_SIZE)
            records.extend(fetched.records)
            if page >= fetched.pages:
                break
            page += 1
        records = records[:MAX_PRINTED_RECORDS]
        document = documents.usage_statement(
            self._ctx.kiosk_name,
            msisdn=self._msisdn(),
            month=month,
            kind=kind,
            records=records,
            at=self._ctx.clock(),
        )
        self._print(document)
        return len(records)

    def print_invoice(self, number: str) -> Invoice:
        """Print the invoice, then record the print at central: only a copy the printer
        confirmed counts (issue 19: a printer out of paper left the invoice "printed once",
        and the customer's first real copy said 补打). Whether this copy is a reprint comes from
        the count central holds now; a print central then fails to record is logged for ops
        (the customer has their paper; the count is one short, never one long)."""
        self._require_printer()

        def current() -> Invoice:
            listed = self._session.call(self._ctx.api.invoices).invoices
            for invoice in listed:
                if invoice.number == number:
                    return invoice
            raise CentralRefused(
                f"no invoice {number} for this line", code="invoice.not_found", status=404
            )

        invoice = self._counted(INVOICE, current)
        copy = invoice.model_copy(update={"print_count": invoice.print_count + 1})
        document = documents.invoice_copy(
            self._ctx.kiosk_name, self._msisdn(), copy, self._ctx.clock()
        )
        self._print(document)  # PrintFailed: nothing recorded, the customer may try again
        try:
            return self._session.call(lambda t: self._ctx.api.record_invoice_print(t, number))
        except KioskError as exc:
            log.error("invoice %s printed (copy %d) but central did not record it: %s",
                      number, copy.print_count, exc)  # fmt: skip
            return copy

    # --- internals ------------------------------------------------------------------------

    def _msisdn(self) -> str:
        customer = self._session.customer
        return customer.msisdn if customer else ""

    def _require_printer(self) -> ReceiptPrinter:
        printer = self._ctx.printer
        if printer is None or not self.can_print:
            raise PrintFailed("no usable printer", message_key="service.printer_down")
        return printer

    def _print(self, document: ReceiptDocument) -> None:
        printer = self._require_printer()
        try:
            printer.print_receipt(document)
        except DriverError as exc:
            raise PrintFailed(str(exc), message_key=exc.message_key) from exc

    def _counted(self, service: str, call: Callable[[], T]) -> T:
        metrics = self._ctx.metrics
        if service not in self._started:
            self._started.add(service)
            metrics.started(service)
        try:
            result = call()
        except (CentralUnavailable, CentralRefused):
            self._failed.add(service)
            raise
        if service not in self._completed:
            self._completed.add(service)
            metrics.finished(service, Outcome.COMPLETED)
        return result
