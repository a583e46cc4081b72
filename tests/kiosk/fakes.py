"""In-process fakes at the device interfaces, for flow tests (drivers are proven elsewhere
against their protocol simulators)."""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.errors import PrinterError
from drivers.interfaces import HEALTH_OK, DeviceHealth, PrinterStatus, ReceiptDocument


@dataclass
class RecordingPrinter:
    """Records documents, or fails on demand as a printer out of paper does."""

    fail: bool = False
    printed: list[ReceiptDocument] = field(default_factory=list)

    def print_receipt(self, document: ReceiptDocument) -> None:
        if self.fail:
            raise PrinterError("paper out", message_key="printer.paper_out")
        self.printed.append(document)

    def status(self) -> PrinterStatus:
        return PrinterStatus(True, not self.fail, False, False)

    def health(self) -> DeviceHealth:
        return HEALTH_OK

    def close(self) -> None:
        pass

    def last_text(self) -> str:
        assert self.printed, "nothing was printed"
        return self.printed[-1].plain_text()
