"""Registers the fuzz profiles ("ci", "soak") so `--hypothesis-profile` can name them too, and
the leak scan that reads every file the session wrote when it ends (suite_leak_scan.py)."""

import os
from pathlib import Path

import pytest

from tests.security import fuzzing  # noqa: F401  (registration happens on import)
from tests.security.suite_leak_scan import ARTIFACTS_ENV, SuiteLeakScan


def pytest_configure(config: pytest.Config) -> None:
    # The leak scan of everything the session wrote (tests/security/suite_leak_scan.py).
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    SuiteLeakScan.install(config, Path(os.environ.get(ARTIFACTS_ENV, artifacts)))
