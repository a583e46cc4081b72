"""The card terminal's registry entry: simulate starts the nexo simulator and points the driver
at it, real transports are built from settings, bad settings are refused."""

from __future__ import annotations

import pytest

from drivers import registry
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import TerminalSimulator
from drivers.errors import DriverConfigError
from drivers.interfaces import CardApproved
from tests.drivers.test_cardterminal_driver import make_driver

pytestmark = pytest.mark.timeout(60)


# --- registry ---------------------------------------------------------------------------------

SETTINGS = {"sale_id": "KIOSK01", "poi_id": "POI01"}


@pytest.mark.parametrize("transport", ["tcp", "http"])
def test_registry_simulate_starts_the_terminal_and_points_the_driver_at_it(transport: str) -> None:
    built = registry.build_device(
        "card_terminal", "nexo", {**SETTINGS, "transport": transport, "recovery_s": 1},
        simulate=True, key_path="devices.card_terminal",
    )  # fmt: skip
    assert built.simulator is not None
    try:
        assert isinstance(built.device, NexoCardTerminal)
        assert isinstance(built.simulator.handle, TerminalSimulator)
        assert built.device.transport.url == built.simulator.url
        assert built.simulator.url.startswith(transport)
        assert built.device.recovery_s == 1
        outcome = built.device.pay(300, "SALE-R", built.device.new_service_id())
        assert isinstance(outcome, CardApproved)
        assert outcome.amount_fen == 300
    finally:
        built.device.close()
        built.simulator.stop()


def test_registry_builds_real_transports_from_settings() -> None:
    tcp = registry.build_device(
        "card_terminal", "nexo", {**SETTINGS, "host": "10.0.0.9", "port": 9000},
        simulate=False, key_path="k",
    )  # fmt: skip
    assert tcp.device.transport.url == "tcp://10.0.0.9:9000"
    assert tcp.device.transport.width == 4
    https = registry.build_device(
        "card_terminal", "nexo",
        {**SETTINGS, "transport": "http", "url": "https://10.0.0.9:8443/nexo"},
        simulate=False, key_path="k",
    )  # fmt: skip
    assert https.device.transport.url == "https://10.0.0.9:8443/nexo"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "k.settings.sale_id: Field required"),
        ({**SETTINGS, "speed": 1}, "k.settings.speed: unknown key"),
        ({**SETTINGS, "transport": "udp"}, "k.settings.transport"),
        ({**SETTINGS, "url": "ftp://x"}, "k.settings.url"),
        ({**SETTINGS, "length_prefix_bytes": 3}, "k.settings.length_prefix_bytes"),
        ({**SETTINGS, "payment_timeout_s": 0}, "k.settings.payment_timeout_s"),
        ({**SETTINGS, "port": 70000}, "k.settings.port"),
    ],
)
def test_registry_refuses_bad_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(DriverConfigError) as caught:
        registry.validate_settings("card_terminal", "nexo", settings, simulate=False, key_path="k")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "settings",
    [{**SETTINGS}, {**SETTINGS, "host": "h"}, {**SETTINGS, "transport": "http"},
     {**SETTINGS, "transport": "http", "url": "http://h/", "port": 1}],
)  # fmt: skip
def test_registry_needs_an_address_without_simulate(settings: dict[str, object]) -> None:
    with pytest.raises(DriverConfigError, match="needs settings"):
        registry.build_device("card_terminal", "nexo", settings, simulate=False, key_path="k")


def test_registry_starts_the_simulator_on_its_own_for_kiosk_sim() -> None:
    sim = registry.start_simulator("nexo", {**SETTINGS, "transport": "http"})
    try:
        assert isinstance(sim.handle, TerminalSimulator)
        assert sim.url.startswith("http://127.0.0.1:")
        driver = make_driver(sim.url)
        assert isinstance(driver.pay(100, "SALE-SIM", driver.new_service_id()), CardApproved)
    finally:
        sim.stop()
