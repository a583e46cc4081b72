"""In-process fakes at the device interfaces, for flow tests (drivers are proven elsewhere
against their protocol simulators)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from drivers.errors import PrinterError
from drivers.interfaces import HEALTH_OK, DeviceHealth, PrinterStatus, ReceiptDocument
from kiosk.journal import Entry, Journal


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


@contextlib.contextmanager
def crash_after(journal: Journal, kind: str) -> Iterator[None]:
    """The journal records as usual until an event of `kind` is written, then the process
    "dies" on the spot (SystemExit right after the durable write: nothing after it runs), as a
    power cut would. The journal is itself again afterwards."""
    original = journal.record

    def dying(entry: Entry) -> int:
        seq = original(entry)
        if entry.kind == kind:
            raise SystemExit("power cut")
        return seq

    journal.record = dying  # type: ignore[method-assign]
    try:
        yield
    finally:
        journal.record = original  # type: ignore[method-assign]
