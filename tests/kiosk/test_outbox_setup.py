"""The running kiosk's outbox wiring (kiosk.outbox_setup.KioskOutbox): store under the sealing
key, sync worker, the online flag the sync events drive, a failing disk reported to the app,
delivery waited on, and the money taken offline that central has not confirmed yet."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

import offline_queue
from kiosk.cli import cmd_queue_status
from kiosk.config import KioskConfig, load_config
from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.maintenance_journal import record_action
from kiosk.maintenance_status import queue_figures
from kiosk.outbox_setup import LAST_SUCCESS_FILE, KioskOutbox, read_last_success
from tests.central.conftest import KIOSKS, Central
from tests.conftest import write_config
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)

OFFLINE_KINDS = ("topup.v1", "bill_payment.v1")


def _outbox(
    config: KioskConfig, failures: list[JournalError], clock: Callable[[], float] = time.time
) -> KioskOutbox:
    return KioskOutbox(
        config,
        config.data_dir / "kiosk.db",
        offline_kinds=OFFLINE_KINDS,
        on_storage_failure=failures.append,
        clock=clock,
    )


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    """Central at a port nobody listens on: the kiosk runs offline."""
    return load_config(write_config(tmp_path, **{"central.embedded": None}))


@pytest.fixture
def journal(config: KioskConfig) -> Iterator[Journal]:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    opened = Journal(config.data_dir / "kiosk.db")
    yield opened
    opened.close()


def test_starts_offline_when_central_does_not_answer(config: KioskConfig, journal: Journal) -> None:
    failures: list[JournalError] = []
    outbox = _outbox(config, failures)
    assert (outbox.store, outbox.worker, outbox.sealer) == (None, None, None)
    outbox.start(config.central.url)
    try:
        assert outbox.store is not None
        assert outbox.worker is not None
        assert outbox.sealer is not None
        assert not outbox.online
        assert not outbox.is_online()
        assert outbox.wait_delivered("no-such-key", 0.2) is None
    finally:
        outbox.stop()
    assert failures == []


def test_sync_events_drive_online_and_a_failing_disk_reaches_the_app(
    config: KioskConfig,
) -> None:
    failures: list[JournalError] = []
    outbox = _outbox(config, failures, clock=lambda: 1_700_000_000.0)
    outbox.on_sync_event(offline_queue.BatchDelivered(acked=0, dead=1, retried=2))
    assert outbox.online
    assert outbox.last_success_at is None  # central answered, but acked nothing
    outbox.on_sync_event(offline_queue.BatchDelivered(acked=1, dead=0, retried=0))
    assert outbox.online
    outbox.on_sync_event(offline_queue.TransientFailure("connection refused", 1.0))
    assert not outbox.online
    outbox.on_sync_event(offline_queue.BatchDelivered(acked=0, dead=0, retried=1))
    assert outbox.online
    outbox.on_sync_event(offline_queue.AuthFailure("401", 1.0, 401))
    assert not outbox.online
    assert outbox.last_success_at == 1_700_000_000.0
    outbox.on_sync_event(offline_queue.StorageFailure("database is locked"))
    assert failures == []  # a busy lock is no failing disk
    outbox.on_sync_event(offline_queue.StorageFailure("disk I/O error"))
    assert len(failures) == 1
    assert "outbox storage failed: disk I/O error" in str(failures[0])


def _taken(journal: Journal, key: str, kind: str, amount_fen: int) -> None:
    body = {"amount_fen": amount_fen, "msisdn": "13800138000"}
    journal.record(Entry(key, "test.money", body, outbox=(OutboxMessage(key, kind, body),)))


def test_offline_headroom_counts_only_money_central_has_not_confirmed(
    config: KioskConfig, journal: Journal
) -> None:
    outbox = _outbox(config, [])
    outbox.start(config.central.url)
    try:
        cap = config.topup.offline_total_fen
        assert outbox.pending_offline_fen() == 0
        assert outbox.offline_headroom_fen() == cap
        _taken(journal, "t-1", "topup.v1", 5000)
        _taken(journal, "b-1", "bill_payment.v1", 3000)
        _taken(journal, "x-1", "sim_sale.v1", 9900)  # not money taken offline
        record_action(journal, "sync_now", "T001")
        assert outbox.pending_offline_fen() == 8000
        assert outbox.offline_headroom_fen() == cap - 8000
        assert outbox.store is not None
        assert outbox.store.mark_acked("t-1", {})
        assert outbox.offline_headroom_fen() == cap - 3000
    finally:
        outbox.stop()


def test_delivers_to_central_and_waits_for_the_answer(tmp_path: Path, central: Central) -> None:
    overrides = {"central.embedded": None, "central.url": central.url,
                 "central.token": KIOSKS["K1"], "kiosk.id": "K1"}  # fmt: skip
    config = load_config(write_config(tmp_path, **overrides))
    config.data_dir.mkdir(parents=True)
    journal = Journal(config.data_dir / "kiosk.db")
    outbox = _outbox(config, [])
    outbox.start(central.url)
    try:
        assert outbox.online
        assert outbox.last_success_at is None
        before = time.time()
        record_action(journal, "sync_now", "T001")
        [(_seq, key, _kind, _payload)] = journal.events()
        assert outbox.wait_delivered(key, 10) is not None
        assert outbox.store is not None
        assert outbox.store.stats().pending == 0
        wait_until(lambda: outbox.last_success_at is not None)
        last = outbox.last_success_at
        assert last is not None
        assert before <= last <= time.time()
        assert queue_figures(outbox.store, outbox.last_success_at).last_success_at == last
    finally:
        outbox.stop()
        journal.close()
    # Kept across a restart, and what `kiosk queue status` (another process) shows.
    assert read_last_success(config.data_dir) == last
    assert _outbox(config, []).last_success_at == last


def test_queue_status_shows_the_last_delivery(
    config: KioskConfig, journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cmd_queue_status(config) == 0
    assert "last delivered -" in capsys.readouterr().out
    (config.data_dir / LAST_SUCCESS_FILE).write_text('{"at": 1700000000.0}')
    assert cmd_queue_status(config) == 0
    shown = datetime.fromtimestamp(1_700_000_000).astimezone().isoformat(timespec="seconds")
    assert f"last delivered {shown}" in capsys.readouterr().out
    (config.data_dir / LAST_SUCCESS_FILE).write_text("{damaged")
    assert read_last_success(config.data_dir) is None
