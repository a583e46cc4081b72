"""Which services this kiosk can offer right now, and why not: from the services config offers,
device health, the network and the out-of-service switch. The UI greys out what is unavailable
and says why (`reason_key`), or warns (`warning_key`) when a service works without a receipt.

Rules (docs/design.md#services-and-when-they-run): cash and card payments work offline (stored
and forwarded); everything that asks central something needs the network; a print service
needs the printer; a payment without a working printer warns "no receipt" or is stopped,
as `devices.printer.required` says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drivers.interfaces import DeviceHealth


@dataclass(frozen=True)
class ServiceState:
    key: str
    available: bool
    reason_key: str = ""  # why not, when unavailable
    warning_key: str = ""  # available, but the customer should know (e.g. no receipt)


@dataclass(frozen=True)
class Needs:
    """What one service needs to run."""

    devices: tuple[str, ...] = ()  # all of these
    any_of: tuple[str, ...] = ()  # at least one of these (ways to pay)
    network: bool = False
    receipt: bool = False  # takes money: a receipt is due (printer policy applies)
    printer: bool = False  # printing is the service itself


NEEDS: dict[str, Needs] = {
    "topup.cash": Needs(devices=("bill_acceptor",), receipt=True),
    "topup.card": Needs(devices=("card_terminal",), receipt=True),
    # Bill payment works offline like a top-up (the customer enters the amount then).
    "bill.cash": Needs(devices=("bill_acceptor",), receipt=True),
    "bill.card": Needs(devices=("card_terminal",), receipt=True),
    "account.query": Needs(network=True),
    "account.invoice": Needs(network=True, printer=True),
    "change.plan": Needs(network=True),
    "change.service": Needs(network=True),
    "sim.sale": Needs(
        devices=("id_card_reader", "sim_reader", "card_dispenser"),
        any_of=("bill_acceptor", "card_terminal"),
        network=True,
        receipt=True,
    ),
    "sim.replacement": Needs(
        devices=("id_card_reader", "sim_reader", "card_dispenser"), network=True
    ),
}
# SIM replacement with a fee (config `sim.replacement_fee_fen` > 0): a way to pay, a receipt.
PAID_REPLACEMENT = Needs(
    devices=("id_card_reader", "sim_reader", "card_dispenser"),
    any_of=("bill_acceptor", "card_terminal"),
    network=True,
    receipt=True,
)
DEVICE_DOWN = {
    "bill_acceptor": "service.acceptor_down",
    "card_terminal": "service.card_terminal_down",
    "id_card_reader": "service.id_reader_down",
    "sim_reader": "service.sim_reader_down",
    "card_dispenser": "service.dispenser_down",
    "printer": "service.printer_down",
}


def _usable(health: Mapping[str, DeviceHealth], device: str) -> bool:
    state = health.get(device)
    return state is not None and state.usable


def _blocked(needs: Needs, health: Mapping[str, DeviceHealth], online: bool) -> str:
    """Why a service cannot run (a reason key), or "" if nothing blocks it."""
    for device in needs.devices:
        if device not in health:
            return "service.not_installed"
        if not _usable(health, device):
            return DEVICE_DOWN[device]
    checks = (
        (bool(needs.any_of) and not any(_usable(health, d) for d in needs.any_of),
         "service.no_payment_device"),
        (needs.network and not online, "service.offline"),
        (needs.printer and not _usable(health, "printer"), "service.printer_down"),
    )  # fmt: skip
    return next((reason for failed, reason in checks if failed), "")


def service_state(
    key: str,
    health: Mapping[str, DeviceHealth],
    *,
    online: bool,
    printer_required: bool,
    out_of_service: bool,
    replacement_fee_fen: int = 0,
) -> ServiceState:
    """One service's availability. `health` has an entry for every installed device; a
    device with no entry is not installed at this kiosk. A SIM replacement with a fee needs
    a way to pay (and a receipt) like a sale."""
    needs = NEEDS[key]
    if key == "sim.replacement" and replacement_fee_fen > 0:
        needs = PAID_REPLACEMENT
    reason = "error.out_of_service" if out_of_service else _blocked(needs, health, online)
    if reason:
        return ServiceState(key, False, reason)
    printer_ok = _usable(health, "printer")
    if needs.receipt and not printer_ok:
        if printer_required:
            return ServiceState(key, False, "service.printer_down")
        return ServiceState(key, True, warning_key="service.no_receipt")
    warning = "service.no_print" if key == "account.query" and not printer_ok else ""
    return ServiceState(key, True, warning_key=warning)


def services_now(
    offered: Sequence[str],
    health: Mapping[str, DeviceHealth],
    *,
    online: bool,
    printer_required: bool,
    out_of_service: bool,
    replacement_fee_fen: int = 0,
) -> list[ServiceState]:
    """Every offered service, in the configured order, with whether it works right now."""
    return [
        service_state(
            key,
            health,
            online=online,
            printer_required=printer_required,
            out_of_service=out_of_service,
            replacement_fee_fen=replacement_fee_fen,
        )
        for key in offered
    ]


def topup_cash(
    health: Mapping[str, DeviceHealth],
    *,
    printer_required: bool,
    out_of_service: bool,
) -> ServiceState:
    """Cash top-up works offline (stored and forwarded), so the network is no reason here."""
    state = service_state(
        "topup.cash",
        health,
        online=True,
        printer_required=printer_required,
        out_of_service=out_of_service,
    )
    if state.reason_key == "service.not_installed":
        return ServiceState(state.key, False, "service.acceptor_down")
    return state
