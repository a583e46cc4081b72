"""The composition root on the shipped config (simulators + embedded central)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.interfaces import EscrowDecision
from kiosk.app import KioskApp
from kiosk.config import load_config
from tests.conftest import write_config
from tests.support import holds_for, wait_until

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
        "card_terminal": "ok",
        "sim_reader": "ok",  # the in-process SIM card (no pcscd)
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
    wait_until(app.journal.cashbox, what="the orphan note in the cash box")
    assert app.journal.cashbox() == {5000: 1}
    kinds = [e[2] for e in app.journal.events()]
    assert kinds == ["cash.orphan_note"]


def test_out_of_service_refuses_new_customers(app: KioskApp) -> None:
    from kiosk.errors import JournalError

    assert app.out_of_service() is None
    app.ops.service_switch.set("paper refill", "technician")
    assert app.out_of_service() == "paper refill"
    app.out_of_service_reason = "disk I/O error"
    assert app.out_of_service() == "disk I/O error"  # the app's own reason first
    app.ops.service_switch.set(None, "technician")
    assert app.out_of_service() == "disk I/O error"
    with pytest.raises(JournalError) as caught:
        app.new_topup(lambda _s: None)
    assert caught.value.message_key == "error.out_of_service"


def _fill(journal: object) -> None:
    """Write until not even a tiny event fits any more."""
    from kiosk.errors import JournalError
    from kiosk.journal import Entry

    for size in (4000, 1000, 200, 20, 1):
        try:
            for n in range(10_000):
                journal.record(Entry(f"filler-{size}-{n}", "filler", {"blob": "x" * size}))  # type: ignore[attr-defined]
        except JournalError:
            continue


def test_full_disk_puts_the_kiosk_out_of_service_and_takes_no_money(app: KioskApp) -> None:
    """GIVEN the journal's disk is full (SQLITE_FULL, simulated with max_page_count)
    WHEN a customer's step must be journalled THEN the kiosk goes out of service, refuses new
    customers, and the acceptor takes no further note."""
    from kiosk.errors import JournalError

    journal = app.journal
    assert journal is not None
    conn = journal._conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    _fill(journal)
    flow = app.new_topup(lambda _s: None)
    with pytest.raises(JournalError) as caught:
        flow.submit_number("13800138000")
    assert "full" in str(caught.value)
    assert app.out_of_service_reason is not None
    with pytest.raises(JournalError):
        app.new_topup(lambda _s: None)
    controls = app.simulator_controls
    assert controls is not None
    controls.insert_note(10000)
    simulator = app.simulators["bill_acceptor"].handle
    # The scenario: a note offered to a kiosk out of service is never taken.
    holds_for(lambda: simulator.stacked_fen == [] and journal.cashbox() == {}, 1.0,  # type: ignore[attr-defined]
              "nothing stacked, nothing in the cash box")  # fmt: skip


def test_a_queue_key_others_can_read_stops_the_start(tmp_path: Path) -> None:
    """GIVEN a sealing key file with mode 0644 WHEN the kiosk starts THEN it refuses with a
    config error naming the key (personal data must not sit under a readable key)."""
    from kiosk.errors import ConfigError

    config = load_config(write_config(tmp_path))
    config.data_dir.mkdir(parents=True)
    key = config.data_dir / "queue.key"
    key.write_bytes(bytes(32))
    key.chmod(0o644)
    app = KioskApp(config)
    with pytest.raises(ConfigError, match=r"sync.sealing_key_file: .*readable by others"):
        app.start()
    app.stop()


def test_the_queue_key_is_made_private_on_first_start(app: KioskApp) -> None:
    key = app.data_dir / "queue.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert app.sealer is not None
    # The outbox's parts as operations and the UI reach them on the app.
    assert app.sealer is app.outbox.sealer
    assert app.store is app.outbox.store
    assert app.worker is app.outbox.worker
    assert app.online == app.outbox.online


def test_the_running_kiosk_reports_to_central_and_obeys_the_switch(app: KioskApp) -> None:
    """GIVEN the kiosk running on the shipped config WHEN it starts THEN its heartbeat reaches
    central (the fleet lists it online); WHEN a technician switches it out of service THEN
    no service is offered and no customer flow starts, and switching back restores them."""
    import requests

    from kiosk.errors import JournalError

    embedded = app.config.central.embedded
    assert embedded is not None
    headers = {"Authorization": f"Bearer {embedded.ops_token}"}

    def fleet_row() -> dict[str, object]:
        reply = requests.get(f"{app.central_url}/v1/ops/fleet", headers=headers, timeout=5)
        reply.raise_for_status()
        rows = [k for k in reply.json()["kiosks"] if k["kiosk_id"] == app.config.kiosk.id]
        return rows[0] if rows else {}

    def eventually(check: Callable[[dict[str, object]], bool]) -> bool:
        return wait_until(lambda: check(fleet_row()), 20, "central's fleet row", interval=0.2)

    assert eventually(lambda row: row.get("status") == "online"), "no heartbeat reached central"
    assert app.service("topup.cash").available
    app.ops.service_switch.set("cash collection", "technician")
    assert app.service("topup.cash").reason_key == "error.out_of_service"
    # The switch is a state change: central hears it at once, not at the next interval (60 s).
    assert eventually(lambda row: row.get("out_of_service") is True)
    with pytest.raises(JournalError):
        app.new_topup(lambda _s: None)
    app.ops.service_switch.set(None, "technician")
    assert app.service("topup.cash").available
