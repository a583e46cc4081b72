"""Service availability from device health and the out-of-service switch."""

from __future__ import annotations

import pytest

from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.catalogue import NEEDS, ServiceState, services_now, topup_cash

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


DEVICES = (
    "bill_acceptor", "printer", "id_card_reader", "sim_reader", "card_dispenser", "card_terminal"
)  # fmt: skip
ALL_UP = dict.fromkeys(DEVICES, HEALTH_OK)
OFFERED = tuple(NEEDS)


def _states(
    health: dict[str, DeviceHealth], *, online: bool = True, required: bool = False
) -> dict[str, ServiceState]:
    states = services_now(
        OFFERED, health, online=online, printer_required=required, out_of_service=False
    )
    return {state.key: state for state in states}


def test_everything_up_everything_available() -> None:
    assert all(state.available for state in _states(ALL_UP).values())


def test_offline_leaves_only_the_payments() -> None:
    """docs/design.md#services-and-when-they-run: cash and card payments work offline;
    everything asking central does not."""
    states = _states(ALL_UP, online=False)
    payments = {"topup.cash", "topup.card", "bill.cash", "bill.card"}
    assert {k for k, s in states.items() if s.available} == payments
    assert {s.reason_key for k, s in states.items() if not s.available} == {"service.offline"}


def test_bill_payment_follows_its_payment_device() -> None:
    without_terminal = {k: v for k, v in ALL_UP.items() if k != "card_terminal"}
    states = _states({**without_terminal, "bill_acceptor": JAM})
    assert states["bill.cash"].reason_key == "service.acceptor_down"
    assert states["bill.card"].reason_key == "service.not_installed"
    no_paper = _states({**ALL_UP, "printer": PAPER_OUT})
    assert no_paper["bill.cash"].warning_key == "service.no_receipt"
    assert _states({**ALL_UP, "printer": PAPER_OUT}, required=True)["bill.card"].reason_key == (
        "service.printer_down"
    )


def test_no_printer_stops_invoices_and_warns_payments() -> None:
    states = _states({**ALL_UP, "printer": PAPER_OUT})
    assert states["account.invoice"] == ServiceState(
        "account.invoice", False, "service.printer_down"
    )
    assert states["topup.cash"].warning_key == "service.no_receipt"
    assert states["account.query"] == ServiceState(
        "account.query", True, warning_key="service.no_print"
    )
    required = _states({**ALL_UP, "printer": PAPER_OUT}, required=True)
    assert required["topup.cash"].reason_key == "service.printer_down"
    assert required["sim.sale"].reason_key == "service.printer_down"
    assert required["account.query"].available


def test_missing_and_broken_devices_name_the_reason() -> None:
    without_terminal = {k: v for k, v in ALL_UP.items() if k != "card_terminal"}
    states = _states(without_terminal)
    assert states["topup.card"].reason_key == "service.not_installed"
    assert states["sim.sale"].available  # cash still pays for it
    states = _states({**without_terminal, "bill_acceptor": JAM})
    assert states["sim.sale"].reason_key == "service.no_payment_device"
    assert states["sim.replacement"].available  # no payment needed
    states = _states({**ALL_UP, "sim_reader": SILENT})
    assert states["sim.sale"].reason_key == "service.sim_reader_down"
    assert states["sim.replacement"].reason_key == "service.sim_reader_down"


def test_out_of_service_beats_everything() -> None:
    states = services_now(OFFERED, ALL_UP, online=True, printer_required=False, out_of_service=True)
    assert {s.reason_key for s in states} == {"error.out_of_service"}


def test_offered_order_is_kept() -> None:
    offered = ("account.query", "topup.cash")
    states = services_now(
        offered, ALL_UP, online=True, printer_required=False, out_of_service=False
    )
    assert [s.key for s in states] == list(offered)


def test_a_replacement_fee_needs_a_way_to_pay_and_a_receipt() -> None:
    """sim.replacement_fee_fen > 0: the replacement takes money like a sale does."""
    without_terminal = {k: v for k, v in ALL_UP.items() if k != "card_terminal"}
    no_payment = {**without_terminal, "bill_acceptor": JAM}

    def replacement(health: dict[str, DeviceHealth], fee: int, required: bool = False) -> str:
        [state] = services_now(("sim.replacement",), health, online=True,
                               printer_required=required, out_of_service=False,
                               replacement_fee_fen=fee)  # fmt: skip
        return "" if state.available else state.reason_key

    assert replacement(no_payment, 0) == ""  # free: no payment device needed
    assert replacement(no_payment, 1000) == "service.no_payment_device"
    assert replacement(without_terminal, 1000) == ""  # cash pays it
    assert replacement({**ALL_UP, "bill_acceptor": JAM}, 1000) == ""  # the card pays it
    assert replacement({**ALL_UP, "printer": PAPER_OUT}, 0, required=True) == ""
    assert replacement({**ALL_UP, "printer": PAPER_OUT}, 1000, required=True) == (
        "service.printer_down"
    )
