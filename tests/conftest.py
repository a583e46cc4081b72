"""Shared fixtures: a config file in a temporary folder that runs on simulators only."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cardterminal import nexo_terminal
from tests.support.id003 import id003_sim
from tests.support.pcscd import set_up_client_socket

# Fixtures every test directory may use (tests/support).
__all__ = ["id003_sim", "nexo_terminal"]

REPO = Path(__file__).resolve().parent.parent
_PCSCD_DIR: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    # Every PC/SC client of the run (this process, xdist workers, subprocesses) talks to the
    # suite's own pcscd (tests/support/pcscd.py), never to one the machine already runs; set
    # before any client connects, as libpcsclite reads it once per process.
    global _PCSCD_DIR  # noqa: PLW0603 - one folder per run, removed by the process that made it
    _PCSCD_DIR = set_up_client_socket()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PCSCD_DIR is not None:
        shutil.rmtree(_PCSCD_DIR, ignore_errors=True)


def write_config(folder: Path, **overrides: Any) -> Path:
    """A copy of the shipped config.yaml with its data folder in `folder` and free ports."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["kiosk"]["data_dir"] = str(folder / "data")
    data["central"]["url"] = "http://127.0.0.1:0"
    data["sync"]["idle_poll_s"] = 0.5
    data["sync"]["backoff_base_s"] = 0.1
    data["sync"]["backoff_max_s"] = 1.0
    data["ui"]["fullscreen"] = False
    for dotted, value in overrides.items():
        node = data
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


# Tests that drive pcscd's one virtual reader (vpcd, TCP 35963: a second card emulator would
# answer the first test's APDUs) are marked `pcscd`: `make test` runs everything else on
# pytest-xdist workers, then these one after another.
PCSCD_TESTS = (
    # the emulator's own unit tests (test_virtual_*.py, test_apdu.py) need no pcscd
    "tests/simcard/test_driver.py",
    "tests/simcard/test_kiosk_doctor.py",
    "tests/simcard/test_tools.py",
    "tests/reliability/test_device_faults.py",  # SIM journeys on the PC/SC writer
    "tests/ui/test_sim_touch.py",
)


@pytest.hookimpl(tryfirst=True)  # before -m selects by marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(PCSCD_TESTS):
            item.add_marker(pytest.mark.pcscd)
