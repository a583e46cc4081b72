"""Service availability from device health and the out-of-service switch."""

from __future__ import annotations

import pytest

from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.catalogue import ServiceState, topup_cash

JAM = DeviceHealth(HealthLevel.ERROR, "acceptor_jam", "acceptor.jam")
PAPER_OUT = DeviceHealth(HealthLevel.ERROR, "paper_out", "printer.paper_out")
NEAR_END = DeviceHealth(HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end")
SILENT = DeviceHealth(HealthLevel.UNKNOWN, "no_answer", "printer.no_answer")


@pytest.mark.parametrize(
    ("acceptor", "printer", "required", "oos", "expected"),
    [
        (HEALTH_OK, HEALTH_OK, True, False, ServiceState("topup.cash", True)),
        (HEALTH_OK, NEAR_END, True, False, ServiceState("topup.cash", True)),
        (JAM, HEALTH_OK, False, False, ServiceState("topup.cash", False, "service.acceptor_down")),
        (HEALTH_OK, PAPER_OUT, True, False,
         ServiceState("topup.cash", False, "service.printer_down")),
        (HEALTH_OK, PAPER_OUT, False, False,
         ServiceState("topup.cash", True, warning_key="service.no_receipt")),
        (HEALTH_OK, SILENT, False, False,
         ServiceState("topup.cash", True, warning_key="service.no_receipt")),
        (HEALTH_OK, HEALTH_OK, False, True,
         ServiceState("topup.cash", False, "error.out_of_service")),
        (None, HEALTH_OK, False, False,
         ServiceState("topup.cash", False, "service.acceptor_down")),
    ],
)  # fmt: skip
def test_topup_cash(
    acceptor: DeviceHealth | None,
    printer: DeviceHealth,
    required: bool,
    oos: bool,
    expected: ServiceState,
) -> None:
    health = {"printer": printer} | ({"bill_acceptor": acceptor} if acceptor else {})
    assert topup_cash(health, printer_required=required, out_of_service=oos) == expected
