"""Exception hierarchy of the drivers package; every error carries a stable message key."""

from __future__ import annotations


class DriverError(Exception):
    """A device failed; `message_key` is translated by the UI, `str()` is for logs."""

    message_key = "device.error"

    def __init__(self, detail: str, *, message_key: str | None = None) -> None:
        super().__init__(detail)
        if message_key is not None:
            self.message_key = message_key


class DeviceUnavailable(DriverError):
    """The device cannot be opened or does not answer."""

    message_key = "device.unavailable"


class ProtocolError(DriverError):
    """The device answered with bytes that do not fit its protocol."""

    message_key = "device.protocol_error"


class PrinterError(DriverError):
    """The receipt printer could not print (paper out, cover open, offline, ...)."""

    message_key = "printer.error"


class DriverConfigError(DriverError):
    """A driver name or its settings are not valid."""

    message_key = "config.invalid"


class PciViolation(ProtocolError):
    """The card terminal sent card data beyond a masked PAN; refused, never logged in full."""

    message_key = "card_terminal.pci_violation"


class AnswerLost(DeviceUnavailable):
    """A request went out but no usable answer came back: its outcome is unknown."""

    message_key = "device.no_answer"
