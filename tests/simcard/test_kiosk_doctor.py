"""`kiosk doctor` (KioskApp.doctor) reports the PC/SC SIM reader through the real pcscd."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.config import load_config
from tests.conftest import write_config

pytestmark = pytest.mark.timeout(60)


def test_doctor_sees_the_sim_reader(tmp_path: Path, pcscd: object) -> None:
    config = write_config(
        tmp_path,
        **{"devices.sim_reader": {"driver": "pcsc", "settings": {"reader": "Virtual PCD 00 00"}}},
    )
    app = KioskApp(load_config(config))
    app.start()
    try:
        checks = {c.name: c.health for c in app.doctor()}
        assert checks["sim_reader"].code == "ok"
        assert checks["sim_reader"].detail.startswith("Virtual PCD 00 00")
    finally:
        app.stop()


def test_doctor_without_the_reader_says_so(tmp_path: Path, pcscd: object) -> None:
    config = write_config(
        tmp_path,
        **{"devices.sim_reader": {"driver": "pcsc", "settings": {"reader": "No Such Reader"}}},
    )
    app = KioskApp(load_config(config))
    app.start()
    try:
        health = {c.name: c.health for c in app.doctor()}["sim_reader"]
        assert (health.code, health.message_key) == ("no_reader", "sim.no_reader")
    finally:
        app.stop()
