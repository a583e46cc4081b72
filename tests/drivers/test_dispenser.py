"""SIM card dispenser: card path, stock, and every fault as a typed error and a health code."""

from __future__ import annotations

import pytest

from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator, Position
from drivers.errors import DriverError
from drivers.interfaces import CardDispenser, HealthLevel


def make(stock: int = 10) -> tuple[DispenserDriver, DispenserSimulator]:
    sim = DispenserSimulator(stock=stock)
    return DispenserDriver(sim, low_at=3), sim


def test_card_goes_to_reader_then_out() -> None:
    driver, sim = make()
    assert isinstance(driver, CardDispenser)
    driver.card_to_reader()
    assert sim.position is Position.READER
    driver.dispense()
    assert (sim.position, sim.dispensed, sim.stock) == (Position.NONE, 1, 9)
    assert driver.health().level is HealthLevel.OK


def test_failed_card_is_retained() -> None:
    driver, sim = make()
    driver.card_to_reader()
    driver.retain()
    assert (sim.position, sim.rejected, sim.dispensed) == (Position.NONE, 1, 0)


@pytest.mark.parametrize(
    ("setup", "action", "key"),
    [
        (lambda d, s: None, "dispense", "dispenser.no_card"),
        (lambda d, s: None, "retain", "dispenser.no_card"),
        (lambda d, s: d.card_to_reader(), "card_to_reader", "dispenser.card_in_path"),
        (lambda d, s: setattr(s.faults, "jam", True), "card_to_reader", "dispenser.jam"),
    ],
)
def test_errors_are_typed(setup: object, action: str, key: str) -> None:
    driver, sim = make()
    setup(driver, sim)  # type: ignore[operator]
    with pytest.raises(DriverError) as caught:
        getattr(driver, action)()
    assert caught.value.message_key == key


def test_stock_low_and_empty() -> None:
    driver, _sim = make(stock=4)
    assert driver.stock().low is False
    driver.card_to_reader()
    driver.dispense()
    assert driver.stock().low is True
    assert driver.health().code == "stock_low"
    for _ in range(3):
        driver.card_to_reader()
        driver.dispense()
    assert driver.stock().empty is True
    assert driver.health().code == "empty"
    with pytest.raises(DriverError) as caught:
        driver.card_to_reader()
    assert caught.value.message_key == "dispenser.empty"


def test_jam_and_card_left_at_exit_show_in_health() -> None:
    driver, sim = make()
    sim.faults.jam = True
    assert driver.health().code == "jam"
    sim.faults.jam = False
    sim.faults.stuck_at_exit = True
    driver.card_to_reader()
    driver.dispense()
    assert driver.health().code == "card_at_exit"
