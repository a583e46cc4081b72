"""The ID card reader as the driver and kiosk tests set it up: the SAM simulator on a
pseudo-terminal, the real driver polling it (at its 300 ms floor) and started with a listener,
healthy before the test begins; closed afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.waiting import wait_until

__all__ = ["idcard_reader"]


@contextmanager
def idcard_reader(listener: Callable[[Any], object]) -> Iterator[tuple[Any, Any]]:
    """(simulator, driver): the driver started with `listener` and reporting OK."""
    from drivers.idcard.driver import IdCardReaderDriver
    from drivers.idcard.simulator import IdCardSimulator
    from drivers.interfaces import HealthLevel

    with IdCardSimulator() as sim:
        driver = IdCardReaderDriver(sim.url, timeout_s=0.3)
        driver.start(listener)
        try:
            wait_until(
                lambda: driver.health().level is HealthLevel.OK,
                what=lambda: f"the ID card reader to be healthy (is {driver.health()})",
            )
            yield sim, driver
        finally:
            driver.close()
