"""escpos.usb: the USB transport over pyusb, against a fake libusb device that answers
DLE EOT like the printer simulator does. No USB hardware can be attached here, so this proves
the transport's logic (claim, busy, vanish and reopen), not a real device."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import usb.core

from drivers import registry
from drivers.errors import PrinterError
from drivers.escpos.decode import StatusQuery, StreamDecoder, receipt_text
from drivers.escpos.simulator import PrinterFaults, status_byte
from drivers.interfaces import HealthLevel, ReceiptDocument, ReceiptLine

pytestmark = pytest.mark.timeout(30)
DOC = ReceiptDocument((ReceiptLine("话费充值 ¥10.00"),))


@dataclass
class FakeUsbPrinter:
    """Enough of a pyusb Device: bulk OUT collects ESC/POS, bulk IN answers status queries."""

    faults: PrinterFaults = field(default_factory=PrinterFaults)
    received: bytearray = field(default_factory=bytearray)
    printed: bytearray = field(default_factory=bytearray)  # all but the status queries
    pending: bytearray = field(default_factory=bytearray)
    busy: bool = False
    vanished: bool = False
    decoder: StreamDecoder = field(default_factory=StreamDecoder)

    def is_kernel_driver_active(self, _interface: int) -> bool:
        return True

    def detach_kernel_driver(self, _interface: int) -> None:
        pass

    def set_configuration(self) -> None:
        if self.busy:
            raise usb.core.USBError("Resource busy", errno=16)

    def write(self, endpoint: int, data: bytes, _timeout: int) -> int:
        assert endpoint == 0x01
        if self.vanished:
            raise usb.core.USBError("No such device", errno=19)
        self.received += data
        for event, raw in self.decoder.feed_raw(bytes(data)):
            if isinstance(event, StatusQuery):
                self.pending.append(status_byte(event.n, self.faults))
            else:
                self.printed += raw
        return len(data)

    def read(self, endpoint: int, size: int, _timeout: int) -> bytes:
        assert endpoint == 0x82
        if self.vanished:
            raise usb.core.USBError("No such device", errno=19)
        if not self.pending:
            raise usb.core.USBTimeoutError("timeout", errno=110)
        data, self.pending[:] = bytes(self.pending[:size]), self.pending[size:]
        return data


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeUsbPrinter:
    device = FakeUsbPrinter()
    present = {"device": device}
    monkeypatch.setattr(usb.core, "find", lambda **_kw: present["device"])
    monkeypatch.setattr(usb.util, "claim_interface", lambda *_a: None)
    monkeypatch.setattr(usb.util, "release_interface", lambda *_a: None)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda *_a: None)
    device.present = present  # type: ignore[attr-defined]
    return device


def _printer() -> object:
    built = registry.build_device(
        "printer", "escpos.usb", {"vendor_id": 0x0416, "product_id": 0x5011, "timeout_s": 0.2},
        simulate=False, key_path="devices.printer",
    )  # fmt: skip
    return built.device


def test_prints_over_usb(fake: FakeUsbPrinter) -> None:
    printer = _printer()
    printer.print_receipt(DOC)  # type: ignore[attr-defined]
    assert receipt_text(bytes(fake.printed)) == "话费充值 ￥10.00\n"
    assert printer.health().level is HealthLevel.OK  # type: ignore[attr-defined]


def test_paper_out_over_usb(fake: FakeUsbPrinter) -> None:
    fake.faults.paper_out = True
    with pytest.raises(PrinterError) as caught:
        _printer().print_receipt(DOC)  # type: ignore[attr-defined]
    assert caught.value.message_key == "printer.paper_out"


def test_busy_device_is_unavailable_then_recovers(fake: FakeUsbPrinter) -> None:
    fake.busy = True
    printer = _printer()
    health = printer.health()  # type: ignore[attr-defined]
    assert (health.level, health.code) == (HealthLevel.ERROR, "unavailable")
    assert "Resource busy" in health.detail
    fake.busy = False
    assert printer.health().level is HealthLevel.OK  # type: ignore[attr-defined]


def test_vanished_after_power_cycle_reopens(fake: FakeUsbPrinter) -> None:
    printer = _printer()
    printer.print_receipt(DOC)  # type: ignore[attr-defined]
    fake.vanished = True
    with pytest.raises(PrinterError):
        printer.print_receipt(DOC)  # type: ignore[attr-defined]
    fake.present["device"] = None  # type: ignore[attr-defined]
    assert printer.health().code == "unavailable"  # type: ignore[attr-defined]
    fake.vanished = False
    fake.present["device"] = fake  # type: ignore[attr-defined]
    printer.print_receipt(DOC)  # type: ignore[attr-defined]
    assert fake.received.count(b"\x1b@") == 2


def test_usb_settings_are_checked() -> None:
    from drivers.errors import DriverConfigError

    with pytest.raises(DriverConfigError, match="vendor_id"):
        registry.validate_settings("printer", "escpos.usb", {"product_id": 1}, simulate=False,
                                   key_path="p")  # fmt: skip
