"""pcscd + vpcd for the end-to-end SIM tests: the real PC/SC stack, a virtual card on vpcd.

A session fixture starts the suite's own `pcscd --foreground` (tests/support/pcscd.py: its own
socket and vpcd port, so a pcscd already running on the machine is left alone and never reused)
and stops it at the end. Everything waits by polling PC/SC, never by fixed sleeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pcscd import (
    PCSCD_DIR_ENV,
    READER,
    Pcscd,
    card_in_reader,
    emulator_port,
    pick_vpcd_port,
    reader_state,
    unavailable_reason,
    wait_card,
)
from tests.support.waiting import WaitTimeout

# Imported from here by tests/ui/test_sim_touch.py and tests/reliability/test_device_faults.py.
__all__ = ["READER", "Pcscd", "card_in_reader", "pcscd", "reader_state", "wait_card"]


@pytest.fixture(scope="session")
def pcscd() -> Iterator[Pcscd]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    daemon = Pcscd(Path(os.environ[PCSCD_DIR_ENV]), pick_vpcd_port())
    try:
        daemon.start()
    except (OSError, WaitTimeout, RuntimeError) as exc:
        pytest.skip(f"pcscd could not be started: {exc}\n{daemon.log_tail()}")
    try:
        with emulator_port(daemon.vpcd_port):
            yield daemon
    finally:
        daemon.stop()
