"""The bank card terminal as the flow tests set it up: the nexo terminal simulator on loopback
TCP answering in 10 ms stages, and the kiosk's real nexo driver talking to it with short
timeouts (a test waits seconds, not the customer's minute, for an answer that never comes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["nexo_driver", "nexo_terminal"]


def nexo_driver(url: str) -> Any:
    """The kiosk's nexo driver on `url` (sale K1, POI SIMPOI01), with test-sized timeouts."""
    from drivers.cardterminal.driver import NexoCardTerminal
    from drivers.cardterminal.transport import transport_for_url

    return NexoCardTerminal(
        transport_for_url(url, width=4),
        sale_id="K1",
        poi_id="SIMPOI01",
        payment_timeout_s=5,
        request_timeout_s=2,
        recovery_s=3,
        status_interval_s=0.1,
    )


@pytest.fixture
def nexo_terminal() -> Iterator[tuple[Any, Any]]:
    """(simulator, driver): the terminal simulator started and the driver on it; both closed."""
    from drivers.cardterminal.simulator import TerminalSimulator

    simulator = TerminalSimulator("tcp", stage_s=0.01)
    simulator.start()
    driver = nexo_driver(simulator.url)
    try:
        yield simulator, driver
    finally:
        driver.close()
        simulator.stop()
