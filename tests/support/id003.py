"""The ID-003 bill acceptor as the driver, flow and crash tests set it up: the simulator on a
pseudo-terminal (powering up over three silent polls) and the real driver polling it fast
(every 10 ms, 100 ms reply timeout) so that a test spends milliseconds per note."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["fast_acceptor", "id003_sim"]

FAST: dict[str, Any] = {"poll_interval_s": 0.01, "timeout_s": 0.1, "max_silent_polls": 3}


def fast_acceptor(url: str, **overrides: Any) -> Any:
    """The real ID-003 driver on `url` with the shipped note table, polling fast."""
    from drivers.id003.driver import Id003BillAcceptor
    from drivers.id003.simulator import DEFAULT_CODES_FEN

    return Id003BillAcceptor(url, codes_fen=DEFAULT_CODES_FEN, **{**FAST, **overrides})


@pytest.fixture
def id003_sim() -> Iterator[Any]:
    """An ID-003 simulator that powers up over three polls, stopped afterwards."""
    from drivers.id003.simulator import Id003Simulator

    with Id003Simulator(power_off_polls=3) as made:
        yield made
