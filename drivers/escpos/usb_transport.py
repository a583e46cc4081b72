"""USB transport for ESC/POS printers through pyusb (libusb): the same small surface as a
pyserial port (write, flush, read, reset_input_buffer, close), so the driver is unchanged.

USB errors become OSError, which the driver answers by closing and reopening on the next call:
printers report "resource busy" and vanish after a power cycle
(docs/protocols.md#known-field-problems).
"""

from __future__ import annotations

import contextlib
from typing import Any

import usb.core
import usb.util

from drivers.errors import DeviceUnavailable


class UsbTransport:
    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        interface: int = 0,
        out_endpoint: int = 0x01,
        in_endpoint: int = 0x82,
        timeout_s: float = 2.0,
    ) -> None:
        self.name = f"usb://{vendor_id:04x}:{product_id:04x}"
        self._interface = interface
        self._out = out_endpoint
        self._in = in_endpoint
        self._timeout_ms = int(timeout_s * 1000)
        device: Any = usb.core.find(idVendor=vendor_id, idProduct=product_id)
        if device is None:
            raise DeviceUnavailable(f"no USB printer {self.name}")
        try:
            if device.is_kernel_driver_active(interface):
                device.detach_kernel_driver(interface)  # usblp holds it otherwise: busy
        except (NotImplementedError, usb.core.USBError):
            pass  # not every backend can tell; claiming below says the truth
        try:
            device.set_configuration()
            usb.util.claim_interface(device, interface)
        except usb.core.USBError as exc:
            usb.util.dispose_resources(device)
            raise DeviceUnavailable(f"cannot claim {self.name}: {exc}") from exc
        self._device = device

    def write(self, data: bytes) -> int:
        try:
            written: int = self._device.write(self._out, data, self._timeout_ms)
        except usb.core.USBError as exc:
            raise OSError(f"{self.name}: {exc}") from exc
        return written

    def flush(self) -> None:
        """Bulk writes are synchronous: nothing is buffered here."""

    def read(self, size: int) -> bytes:
        try:
            return bytes(self._device.read(self._in, size, self._timeout_ms))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise OSError(f"{self.name}: {exc}") from exc

    def reset_input_buffer(self) -> None:
        """Drain what the printer sent unasked, so a status reply is matched to its query."""
        for _ in range(64):
            try:
                if not self._device.read(self._in, 64, 1):
                    return
            except usb.core.USBTimeoutError:
                return
            except usb.core.USBError as exc:
                raise OSError(f"{self.name}: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(usb.core.USBError):  # gone (unplugged): nothing to release
            usb.util.release_interface(self._device, self._interface)
        usb.util.dispose_resources(self._device)
