"""The invoice (发票) list's state for ui/features/account.py: central sends the customer's
invoices whole, the screen pages through them locally (INVOICES_PER_PAGE at a time).

Plain Python: the view-model owns the Qt side and the calls to the core thread (`vm.call`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.central_models import Invoice
from ui.features.account_rows import INVOICES_PER_PAGE, invoice_row

if TYPE_CHECKING:
    from ui.features.account import AccountViewModel


class InvoiceList:
    def __init__(self, vm: AccountViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.invoices: tuple[Invoice, ...] = ()
        self.loaded = False
        self.page = 1

    # --- what the screen shows --------------------------------------------------------------

    def pages(self) -> int:
        return max(1, -(-len(self.invoices) // INVOICES_PER_PAGE))

    def rows(self) -> list[dict[str, Any]]:
        start = (self.page - 1) * INVOICES_PER_PAGE
        return [invoice_row(i) for i in self.invoices[start : start + INVOICES_PER_PAGE]]

    def has(self, number: str) -> bool:
        return any(i.number == number for i in self.invoices)

    # --- paging -----------------------------------------------------------------------------

    def next_page(self) -> None:
        if self.page < self.pages():
            self.page += 1
            self.vm.clear_print()

    def previous_page(self) -> None:
        if self.page > 1:
            self.page -= 1
            self.vm.clear_print()

    # --- central's answers ------------------------------------------------------------------

    def arrived(self, invoices: tuple[Invoice, ...]) -> None:
        self.invoices, self.loaded = invoices, True
        self.page = min(self.page, self.pages())
        self.vm.changed.emit()
        self.vm.nav.show_message("account.invoices_hint" if invoices else "account.no_invoices")

    def printed(self, invoice: Invoice) -> None:
        """Central's count of prints for the invoice just printed."""
        self.invoices = tuple(invoice if i.number == invoice.number else i for i in self.invoices)
