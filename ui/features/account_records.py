"""The call detail records (详单) screen's state for ui/features/account.py: the months to pick
from, the month and kind chosen, and the page of records central sent (PAGE_SIZE per screen).

Plain Python: the view-model owns the Qt side and the calls to the core thread (`vm.call`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kiosk.central_models import UsageKind, UsagePage
from kiosk.flows.account import AccountServices
from ui.features.account_rows import KINDS, PAGE_SIZE, record_row

if TYPE_CHECKING:
    from ui.features.account import AccountViewModel


class RecordsPager:
    """Central's pages of call records: asked for one page at a time, in the month and of the
    kind the customer chose; an answer for another month or kind is dropped."""

    def __init__(self, vm: AccountViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.months: tuple[str, ...] = ()
        self.month = ""
        self.kind = ""
        self.usage: UsagePage | None = None

    def start(self, months: Iterable[str]) -> None:
        """The overview arrived: these months to pick from, the newest chosen, none loaded."""
        self.months = tuple(months)
        self.month, self.usage = self.months[0], None

    # --- what the screen shows --------------------------------------------------------------

    def rows(self) -> list[dict[str, str]]:
        return [record_row(r) for r in self.usage.records] if self.usage else []

    def page(self) -> int:
        return self.usage.page if self.usage else 0

    def pages(self) -> int:
        return self.usage.pages if self.usage else 0

    def total(self) -> int:
        return self.usage.total if self.usage else 0

    def can_previous(self) -> bool:
        return self.page() > 1

    def can_next(self) -> bool:
        return 0 < self.page() < self.pages()

    def kind_arg(self) -> UsageKind | None:
        kinds: dict[str, UsageKind] = {"voice": "voice", "sms": "sms", "data": "data"}
        return kinds.get(self.kind)

    # --- the customer's choices -------------------------------------------------------------

    def choose_month(self, month: str) -> None:
        if month in self.months and month != self.month:
            self.month = month
            self.vm.clear_print()
            self.load(1)

    def choose_kind(self, kind: str) -> None:
        if kind in KINDS and kind != self.kind:
            self.kind = kind
            self.vm.clear_print()
            self.load(1)

    def next_page(self) -> None:
        if self.can_next():
            self.load(self.page() + 1)

    def previous_page(self) -> None:
        if self.can_previous():
            self.load(self.page() - 1)

    # --- loading ----------------------------------------------------------------------------

    def load(self, page: int) -> None:
        month, kind = self.month, self.kind_arg()

        def load(services: AccountServices) -> UsagePage:
            return services.usage(month, kind, page=page, page_size=PAGE_SIZE)

        self.vm.call(load, self._loaded)

    def _loaded(self, usage: UsagePage) -> None:
        if usage.month != self.month or (usage.kind or "") != self.kind:
            return  # the customer chose another month or kind meanwhile
        self.usage = usage
        self.vm.changed.emit()
        self.vm.nav.show_message("account.records_hint" if usage.total else "account.no_records")
