"""Which services this kiosk can offer right now, and why not: from device health, the
network and the out-of-service switch. The UI greys out what is unavailable and says why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drivers.interfaces import DeviceHealth


@dataclass(frozen=True)
class ServiceState:
    key: str
    available: bool
    reason_key: str = ""  # why not, when unavailable
    warning_key: str = ""  # available, but the customer should know (e.g. no receipt)


def _usable(health: Mapping[str, DeviceHealth], device: str) -> bool:
    state = health.get(device)
    return state is not None and state.usable


def topup_cash(
    health: Mapping[str, DeviceHealth],
    *,
    printer_required: bool,
    out_of_service: bool,
) -> ServiceState:
    """Cash top-up works offline (stored and forwarded), so the network is no reason here."""
    key = "topup.cash"
    if out_of_service:
        return ServiceState(key, False, "error.out_of_service")
    if not _usable(health, "bill_acceptor"):
        return ServiceState(key, False, "service.acceptor_down")
    if not _usable(health, "printer"):
        if printer_required:
            return ServiceState(key, False, "service.printer_down")
        return ServiceState(key, True, warning_key="service.no_receipt")
    return ServiceState(key, True)
