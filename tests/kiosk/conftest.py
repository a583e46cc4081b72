"""Kiosk tests against the reference central: one server for all of them (switched to a fresh
seeded database per test), and the kiosk's own client of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.central_api import CentralApi
from tests.central.conftest import KIOSKS, Central, central, clock, shared_central  # noqa: F401


@pytest.fixture
def api(central: Central) -> Iterator[CentralApi]:  # noqa: F811
    client = CentralApi(central.url, "K1", KIOSKS["K1"], timeout_s=5)
    yield client
    client.close()
