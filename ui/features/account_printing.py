"""Printing from the account screens (for ui/features/account.py): one print at a time, its state
on screen ("" | printing | printed | failed) with a message key, and the printer's own reason when
the core only says it cannot print.

Plain Python: the view-model owns the Qt side and the calls to the core thread (`vm.call`); the
print itself is kiosk/flows/account.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.errors import KioskError, PrintFailed
from kiosk.flows.account import AccountServices

if TYPE_CHECKING:
    from ui.features.account import AccountViewModel

log = logging.getLogger(__name__)

PRINTER_DOWN = "service.printer_down"


class PrintJob:
    def __init__(self, vm: AccountViewModel) -> None:
        self.vm = vm
        self.clear()

    def clear(self) -> None:
        self.state = ""  # "" | printing | printed | failed
        self.key = ""
        self.printed_records = 0

    def forget(self) -> None:
        """Another screen, month or page: the last print's outcome no longer applies."""
        self.state = self.key = ""

    def run(
        self,
        work: Callable[[AccountServices], Any],
        on_printed: Callable[[Any], None] | None = None,
        on_failed: Callable[[], None] | None = None,
    ) -> None:
        vm = self.vm
        if self.state == "printing":
            return
        self.state, self.key = "printing", "account.printing"
        vm.changed.emit()

        def run(services: AccountServices) -> Any:
            try:
                return work(services)
            except PrintFailed as exc:
                raise PrintFailed(str(exc), message_key=self.reason(exc)) from exc

        def printed(result: Any) -> None:
            self.state, self.key = "printed", "account.printed"
            if on_printed is not None:
                on_printed(result)
            vm.changed.emit()

        def failed(error: BaseException) -> None:
            key = error.message_key if isinstance(error, KioskError) else "error.generic"
            if not isinstance(error, KioskError):
                log.error("printing failed: %r", error)
            self.state, self.key = "failed", key
            vm.changed.emit()
            if on_failed is not None:
                on_failed()

        vm.call(run, printed, failed)

    def reason(self, error: PrintFailed) -> str:
        """On the core thread: the printer's own reason (out of paper, cover open) when the core
        only says it is not usable — the customer should know why nothing came out."""
        printer = self.vm.app.printer
        if error.message_key != PRINTER_DOWN or printer is None:
            return error.message_key
        health = printer.health()
        return health.message_key if not health.usable and health.message_key else PRINTER_DOWN

    def records_printed(self, count: int) -> None:
        self.printed_records = count
        self.key = "account.printed_records"
