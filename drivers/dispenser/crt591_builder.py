"""The functions the driver registry calls to build the CRT-591-M driver and to start its pty
simulator (the settings live in crt591_settings, light enough for the registry to import)."""

from __future__ import annotations

from drivers.dispenser.crt591_driver import Crt591Dispenser
from drivers.dispenser.crt591_link import Crt591Link
from drivers.dispenser.crt591_settings import Crt591Settings
from drivers.dispenser.crt591_simulator import Crt591Simulator
from drivers.errors import DriverConfigError


def build_crt591(settings: Crt591Settings, url: str | None = None) -> Crt591Dispenser:
    """The driver on `url` (a running simulator's) or on `settings.url`."""
    target = url or settings.url
    if not target:
        raise DriverConfigError("dispenser.crt591 needs settings.url (or simulate: true)")
    link = Crt591Link(
        target,
        baudrate=settings.baudrate,
        address=settings.address,
        ack_timeout_s=settings.ack_timeout_s,
        reply_timeout_s=settings.reply_timeout_s,
        retries=settings.retries,
    )
    return Crt591Dispenser(
        link, capture_after_s=settings.capture_after_s, take_poll_s=settings.take_poll_s
    )


def start_crt591_simulator(settings: Crt591Settings) -> Crt591Simulator:
    simulator = Crt591Simulator(
        stock=settings.sim_stock,
        low_at=settings.sim_low_at,
        bin_capacity=settings.sim_bin_capacity,
        address=settings.address,
    )
    simulator.start()
    return simulator
