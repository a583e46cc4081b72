"""The composition root on the shipped config (simulators + embedded central)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.interfaces import EscrowDecision
from kiosk.app import KioskApp
from kiosk.config import load_config
from tests.conftest import write_config

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    started = KioskApp(load_config(write_config(tmp_path)))
    started.start()
    yield started
    started.stop()


def test_every_configured_device_is_built_and_healthy(app: KioskApp) -> None:
    checks = {c.name: c.health.code for c in app.doctor()}
    assert checks == {
        "bill_acceptor": "ok",
        "printer": "ok",
        "id_card_reader": "ok",
        "card_dispenser": "ok",
    }
    assert app.simulator_controls is not None


def test_with_no_customer_flow_notes_are_returned(app: KioskApp) -> None:
    assert app.router.escrow_policy(10000) is EscrowDecision.RETURN


def test_orphan_note_is_journalled_with_its_cash(app: KioskApp) -> None:
    """GIVEN no customer flow WHEN a credit arrives anyway (e.g. after a power cut) THEN the
    money is on the record for ops, cash box included."""
    from drivers.interfaces import NoteCredited

    app.router.on_event(NoteCredited(5000))
    assert app.journal is not None
    deadline = time.monotonic() + 5
    while not app.journal.cashbox() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert app.journal.cashbox() == {5000: 1}
    kinds = [e[2] for e in app.journal.events()]
    assert kinds == ["cash.orphan_note"]


def test_out_of_service_refuses_new_customers(app: KioskApp) -> None:
    from kiosk.errors import JournalError

    app.out_of_service_reason = "disk I/O error"
    with pytest.raises(JournalError) as caught:
        app.new_topup(lambda _s: None)
    assert caught.value.message_key == "error.out_of_service"
