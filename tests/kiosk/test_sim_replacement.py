"""SIM replacement against the reference central: ID-card login, sealed data opened on the
kiosk, card written and dispensed (dispenser simulator; the SIM writer faked at its interface —
the PC/SC driver itself is proven through pcscd in tests/simcard), the line moved at central
through the outbox, failures captured, and recovery of every journalled state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator, Position
from drivers.errors import DriverError
from drivers.interfaces import (
    HEALTH_OK,
    DeviceHealth,
    IdCardRecord,
    Sex,
    SimCardInfo,
    SimPersonalisation,
)
from kiosk.central_api import CentralApi
from kiosk.customer_session import CustomerSession
from kiosk.errors import CentralRefused, FlowError, JournalError
from kiosk.flows import sim_replacement
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed
from kiosk.flows.sim_replacement import SimReplacementContext, SimReplacementFlow
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.business_client import ZHANG_SAN_CARD, Biz
from tests.central.conftest import KIOSKS, Central
from tests.kiosk.fakes import crash_after

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 11, 22, 10, 30).astimezone()
ADM = bytes.fromhex("3131313131313131")


@dataclass
class FakeSimWriter:
    """The SIM reader/writer at its interface: records what it wrote, fails on demand."""

    failures: list[DriverError] = field(default_factory=list)
    written: list[SimPersonalisation] = field(default_factory=list)
    keys: list[bytes] = field(default_factory=list)

    def start(self, listener: Any) -> None:
        pass

    def read_card(self) -> SimCardInfo:
        raise NotImplementedError

    def write_blank(self, data: SimPersonalisation, adm_key: bytes) -> None:
        self.keys.append(adm_key)
        if self.failures:
            raise self.failures.pop(0)
        self.written.append(data)

    def health(self) -> DeviceHealth:
        return HEALTH_OK

    def close(self) -> None:
        pass


@dataclass
class Rig:
    flow: SimReplacementFlow
    journal: Journal
    writer: FakeSimWriter
    mechanism: DispenserSimulator
    session: CustomerSession
    context: SimReplacementContext


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    journal = Journal(tmp_path / "kiosk.db")
    yield journal
    journal.close()


def zhang_san() -> IdCardRecord:
    return IdCardRecord(
        name=ZHANG_SAN_CARD["name"], sex=Sex.MALE, ethnicity_code="01",
        birth_date=date(1990, 3, 7), address="北京市东城区",
        id_number=ZHANG_SAN_CARD["id_number"], issuer="北京市公安局东城分局",
        valid_from=date(2020, 1, 1), valid_to=date(2040, 1, 1),
    )  # fmt: skip


@pytest.fixture
def rig(api: CentralApi, journal: Journal, tmp_path: Path) -> Rig:
    writer = FakeSimWriter()
    mechanism = DispenserSimulator(stock=10)
    devices = SimDevices(writer, DispenserDriver(mechanism), ADM)
    failures: list[JournalError] = []
    context = SimReplacementContext(
        "K1", api, journal, devices, ServiceMetrics(tmp_path / "m.json"), failures.append,
        clock=lambda: NOW,
    )  # fmt: skip
    session = CustomerSession(api, idle_timeout_s=90)
    session.login_id_card("13800138000", zhang_san(), date(2026, 11, 22))
    return Rig(SimReplacementFlow(context, session), journal, writer, mechanism, session, context)


def _deliver(journal: Journal, central: Central) -> list[dict[str, Any]]:
    store = OutboxStore(journal.path)
    try:
        worker = SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"]))
        worker.run_once()
        return [i.result or {} for i in [store.get(k) for k in _keys(journal)] if i is not None]
    finally:
        store.close()


def _keys(journal: Journal) -> list[str]:
    return [p["outbox_key"] for _, _, _, p in journal.events() if "outbox_key" in p]


def test_replacement_written_dispensed_and_moved_at_central(
    rig: Rig,
    central: Central,
) -> None:
    """GIVEN the owner logged in with their ID card WHEN they ask for a replacement THEN the
    opened data is written with the ADM key, the card is dispensed, and central, once the
    outbox delivers, moves the line to the new card."""
    result = rig.flow.run()
    [written] = rig.writer.written
    assert written.iccid == result.iccid
    assert written.imsi.startswith("460")
    assert rig.writer.keys == [ADM]
    assert rig.mechanism.dispensed == 1
    kinds = [kind for _, _, kind, _ in rig.journal.events(result.txn_id)]
    assert kinds == [
        "sim_replacement.started", "sim.data_received", "sim.card_to_reader", "sim.writing",
        "sim.dispensing", "sim_replacement.done",
    ]  # fmt: skip
    journal_text = repr(rig.journal.events())
    assert written.ki_encrypted.hex() not in journal_text  # secrets never journalled
    assert written.pin1 not in journal_text.replace(result.iccid, "")
    [answer] = _deliver(rig.journal, central)
    assert answer, "central acknowledged the replacement"
    record = rig.journal.transaction(result.txn_id)
    assert record is not None
    assert record.state == "done"


def test_password_login_is_not_enough(api: CentralApi, rig: Rig) -> None:
    session = CustomerSession(api, idle_timeout_s=90)
    session.login_password("13800138000", "123456")
    flow = SimReplacementFlow(rig.context, session)
    with pytest.raises(FlowError) as refused:
        flow.run()
    assert refused.value.message_key == "auth.id_card_required"
    assert rig.journal.events() == []


def test_a_bad_card_is_captured_and_the_next_blank_used(rig: Rig) -> None:
    rig.writer.failures.append(DriverError("write error", message_key="sim.write_error"))
    result = rig.flow.run()
    assert len(rig.writer.written) == 1
    assert rig.mechanism.rejected == 1
    assert rig.mechanism.dispensed == 1
    kinds = [kind for _, _, kind, _ in rig.journal.events(result.txn_id)]
    assert kinds.count("sim.card_captured") == 1
    assert kinds[-1] == "sim_replacement.done"


def test_two_bad_cards_end_the_replacement_with_nothing_posted(rig: Rig) -> None:
    rig.writer.failures.extend(
        DriverError("write error", message_key="sim.write_error") for _ in range(2)
    )
    with pytest.raises(SimIssueFailed) as failed:
        rig.flow.run()
    assert failed.value.captured
    assert failed.value.message_key == "sim.write_failed"
    assert rig.mechanism.rejected == 2
    assert _keys(rig.journal) == []
    record = rig.journal.transaction(rig.flow.txn_id)
    assert record is not None
    assert record.state == "cancelled"


def test_a_jam_at_the_exit_captures_the_written_card(rig: Rig) -> None:
    real_dispense = rig.mechanism.dispense

    def jam() -> None:
        rig.mechanism.faults.jam = True
        real_dispense()

    rig.mechanism.dispense = jam  # type: ignore[method-assign]
    with pytest.raises(SimIssueFailed) as failed:
        rig.flow.run()
    assert failed.value.captured
    assert _keys(rig.journal) == []


def test_refused_by_central_is_journalled_and_nothing_moves(
    rig: Rig,
    central: Central,
) -> None:
    Biz(central).ok("POST", "/v1/customer/logout", session=rig.session.token())
    with pytest.raises(CentralRefused):
        rig.flow.run()
    assert rig.mechanism.dispensed == 0
    assert rig.mechanism.position is Position.NONE
    record = rig.journal.transaction(rig.flow.txn_id)
    assert record is not None
    assert record.state == "cancelled"


@pytest.mark.parametrize(
    ("stop_after", "action", "posted"),
    [
        ("sim_replacement.started", "cancelled", False),
        ("sim.data_received", "cancelled", False),
        ("sim.writing", "capture_card", False),
        ("sim.dispensing", "completed", True),
    ],
)
def test_recovery_after_a_crash_at_each_state(
    rig: Rig,
    central: Central,
    stop_after: str,
    action: str,
    posted: bool,
) -> None:
    """GIVEN the kiosk died right after journalling `stop_after` WHEN it boots THEN recovery
    cancels, asks for the card to be captured, or finishes the replacement at central."""
    journal = rig.journal
    with crash_after(journal, stop_after), pytest.raises(SystemExit):
        rig.flow.run()
    [recovered] = recover(journal, NOW)
    assert recovered.action == action
    assert journal.open_transactions() == []
    keys = _keys(journal)
    assert bool(keys) is posted
    if posted:
        assert keys == [sim_replacement.outbox_key(rig.flow.txn_id)]
        assert _deliver(journal, central)
