"""Maintenance mode: PIN hashing, lockout (and that it survives a restart), refusal while a
customer's money is held, cash collection = journal, the slip, paper refill, self-tests against
the ESC/POS simulator, and every action on the record with its outbox item for central."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from central.kinds import KINDS
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import (
    HEALTH_OK,
    DeviceHealth,
    HealthLevel,
    IdCardRead,
    IdCardRecord,
    Sex,
)
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.config import KioskConfig, load_config
from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal
from kiosk.maintenance import (
    IdCardTap,
    MaintenanceParts,
    MaintenanceSession,
    config_summary,
    remote_commands,
)
from kiosk.maintenance_auth import (
    LOCKOUT_FILE,
    MaintenanceError,
    MaintenanceGate,
    MaintenanceLocked,
    TechnicianIdentity,
    WrongPin,
    hash_secret,
    verify_secret,
)
from kiosk.maintenance_cash import collect_cash, collection_slip, last_collection
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch
from kiosk.maintenance_store import read_json
from tests.conftest import write_config
from tests.kiosk.fakes import RecordingPrinter

pytestmark = pytest.mark.timeout(60)

FAST = 2**10  # scrypt cost for test hashes (the verifier reads it from the string)
PIN, BADGE, ICCID = "246810", "110105199001011234", "89860012345678901234"
TOUCH = ["top_left", "top_right", "top_left", "bottom_right", "bottom_left"]


@dataclass
class Clock:
    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def technicians() -> list[dict[str, Any]]:
    return [
        {"id": "T001", "name": "王工", "pin_hash": hash_secret(PIN, n=FAST),
         "badge_hashes": [hash_secret(BADGE, n=FAST)], "iccids": [ICCID]},
        {"id": "T002", "pin_hash": hash_secret("135790", n=FAST)},
    ]  # fmt: skip


@pytest.fixture
def config(tmp_path: Path, technicians: list[dict[str, Any]]) -> KioskConfig:
    return load_config(write_config(tmp_path, **{"maintenance.technicians": technicians}))


@pytest.fixture
def journal(config: KioskConfig) -> Iterator[Journal]:
    opened = Journal(config.data_dir / "kiosk.db")
    yield opened
    opened.close()


@dataclass
class Rig:
    config: KioskConfig
    journal: Journal
    clock: Clock
    money: list[bool] = field(default_factory=lambda: [False])

    def gate(self) -> MaintenanceGate:
        return MaintenanceGate(self.config.maintenance, self.journal, self.config.data_dir,
                               money_held=lambda: self.money[0], clock=self.clock)  # fmt: skip


@pytest.fixture
def rig(config: KioskConfig, journal: Journal) -> Rig:
    return Rig(config, journal, Clock())


def kinds(journal: Journal) -> list[str]:
    return [kind for _seq, _txn, kind, _payload in journal.events()]


def outbox(journal: Journal) -> list[tuple[str, str]]:
    with sqlite3.connect(journal.path) as conn:
        return [(k, b) for k, b in conn.execute("SELECT kind, body FROM outbox ORDER BY id")]


def card(number: str) -> IdCardRecord:
    return IdCardRecord(
        name="王五", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 1, 1),
        address="北京市", id_number=number, issuer="北京市公安局",
        valid_from=date(2020, 1, 1), valid_to=None,
    )  # fmt: skip


# --- PIN hashing ---------------------------------------------------------------------------


def test_pin_hash_is_self_describing_salted_and_verifies() -> None:
    first, second = hash_secret(PIN), hash_secret(PIN)
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 32
    assert len(key) == 64
    assert first != second  # a fresh salt each time
    assert PIN not in first
    assert verify_secret(PIN, first)
    assert verify_secret(PIN, second)
    assert not verify_secret("246811", first)


@pytest.mark.parametrize(
    "encoded",
    ["", "plain", "bcrypt$16384$8$1$00$00", "scrypt$1000$8$1$" + "0" * 32 + "$" + "0" * 64,
     "scrypt$" + str(2**24) + "$8$1$" + "0" * 32 + "$" + "0" * 64, "scrypt$16$8$1$zz$zz"],
)  # fmt: skip
def test_malformed_or_too_costly_hash_never_matches(encoded: str) -> None:
    assert not verify_secret(PIN, encoded)


# --- entering maintenance -----------------------------------------------------------------


def test_badge_then_pin_logs_in_and_is_journalled(rig: Rig) -> None:
    gate = rig.gate()
    assert not gate.on_id_card_event(IdCardRead(card("110105198001019999")))  # a customer
    assert kinds(rig.journal) == []  # a customer's card leaves no trace
    assert gate.on_id_card_event(IdCardRead(card(BADGE)))
    identity = gate.enter_pin(PIN)
    assert identity == TechnicianIdentity("T001", "王工", "badge")
    [(_seq, _txn, kind, payload)] = rig.journal.events()
    assert kind == "maintenance.login"
    assert payload["technician_id"] == "T001"
    assert payload["details"] == {"method": "badge"}
    assert BADGE not in str(payload)
    assert [k for k, _ in outbox(rig.journal)] == ["maintenance.v1"]


def test_badge_pin_is_that_technicians(rig: Rig) -> None:
    gate = rig.gate()
    assert gate.present_iccid(ICCID)
    with pytest.raises(WrongPin):
        gate.enter_pin("135790")  # T002's PIN does not open T001's card


def test_touch_sequence_then_any_technicians_pin(rig: Rig) -> None:
    gate = rig.gate()
    results = [gate.touch(corner) for corner in TOUCH]  # type: ignore[arg-type]
    assert results == [False, False, False, False, True]
    assert gate.enter_pin("135790").id == "T002"


def test_pin_without_card_or_sequence_is_refused(rig: Rig) -> None:
    gate = rig.gate()
    for corner in TOUCH[:-1]:
        gate.touch(corner)  # type: ignore[arg-type]
    with pytest.raises(MaintenanceError) as refused:
        gate.enter_pin(PIN)
    assert refused.value.message_key == "maintenance.card_first"


def test_five_wrong_pins_lock_for_fifteen_minutes_then_expire(rig: Rig) -> None:
    gate = rig.gate()
    for attempt in range(4):
        with pytest.raises(WrongPin) as wrong:
            gate.authenticate("T001", "000000")
        assert wrong.value.attempts_left == 4 - attempt
    with pytest.raises(MaintenanceLocked) as locked:
        gate.authenticate("T001", "000000")
    assert locked.value.until == rig.clock.now + 900
    rig.clock.now += 899
    with pytest.raises(MaintenanceLocked):
        gate.authenticate("T001", PIN)  # even the right PIN while locked
    rig.clock.now += 2
    assert gate.authenticate("T001", PIN).id == "T001"
    events = kinds(rig.journal)
    assert events == ["maintenance.pin_failed"] * 5 + ["maintenance.login_locked",
                                                       "maintenance.login"]  # fmt: skip
    last_failure = rig.journal.events()[4][3]
    assert last_failure["details"] == {"method": "cli", "failures": 5, "locked": True}


def test_lockout_survives_a_restart(rig: Rig) -> None:
    gate = rig.gate()
    for _ in range(5):
        with pytest.raises((WrongPin, MaintenanceLocked)):
            gate.authenticate("T001", "000000")
    rebooted = rig.gate()  # a new gate reads the lock file, as after a power cut
    with pytest.raises(MaintenanceLocked):
        rebooted.authenticate("T001", PIN)


def test_wrong_pins_count_across_a_restart(rig: Rig) -> None:
    for _ in range(3):
        with pytest.raises(WrongPin):
            rig.gate().authenticate("T001", "000000")
    with pytest.raises(WrongPin) as wrong:
        rig.gate().authenticate("T001", "000000")
    assert wrong.value.attempts_left == 1


def test_damaged_lock_file_means_locked(rig: Rig) -> None:
    (rig.config.data_dir / LOCKOUT_FILE).write_text("{garbage")
    with pytest.raises(MaintenanceLocked):
        rig.gate().authenticate("T001", PIN)


def test_clock_set_back_does_not_stretch_the_lock(rig: Rig) -> None:
    gate = rig.gate()
    for _ in range(5):
        with pytest.raises((WrongPin, MaintenanceLocked)):
            gate.authenticate("T001", "000000")
    rig.clock.now -= 86400  # the clock jumps a day back
    until = gate.lockout.locked_until()
    assert until is not None
    assert until <= rig.clock.now + 900


def test_unknown_technician_counts_as_a_wrong_pin(rig: Rig) -> None:
    with pytest.raises(WrongPin):
        rig.gate().authenticate("nobody", PIN)


def test_refused_while_a_customer_session_holds_money(rig: Rig) -> None:
    rig.money[0] = True
    gate = rig.gate()
    gate.present_badge(BADGE)
    with pytest.raises(MaintenanceError) as refused:
        gate.enter_pin(PIN)
    assert refused.value.message_key == "maintenance.customer_money"
    assert kinds(rig.journal) == ["maintenance.login_refused"]
    rig.money[0] = False
    assert gate.enter_pin(PIN).id == "T001"  # not counted as a wrong PIN; card still valid


# --- the lock file, shared by processes ---------------------------------------------------

COUNTER = """
import sys
from pathlib import Path
from kiosk.maintenance_store import file_lock, read_json, write_json_atomic
path = Path(sys.argv[1])
for _ in range(40):
    with file_lock(path):
        value = (read_json(path) or {"n": 0})["n"]
        write_json_atomic(path, {"n": value + 1})
"""


def test_state_file_read_modify_write_in_many_processes_loses_nothing(tmp_path: Path) -> None:
    """GIVEN 6 processes each adding 1 forty times to one state file under `file_lock` THEN
    the file says 240: no write collides (unique temporary names) and none is lost (the
    inter-process lock); no temporary file is left behind."""
    path = tmp_path / "counter.json"
    processes = [subprocess.Popen([sys.executable, "-c", COUNTER, str(path)]) for _ in range(6)]
    assert [process.wait(timeout=50) for process in processes] == [0] * 6
    assert read_json(path) == {"n": 240}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.json", "counter.json.lock"]


def test_a_lock_file_from_before_the_escalation_still_locks(rig: Rig) -> None:
    """A lock file written before locks escalated (no `lockouts`) is a first lock: it still
    locks, for at most the configured length, and the next lock in a row is twice as long."""
    rig.config.data_dir.mkdir(parents=True, exist_ok=True)
    (rig.config.data_dir / LOCKOUT_FILE).write_text(
        json.dumps({"failures": 5, "locked_until": rig.clock.now + 600}), encoding="utf-8"
    )
    gate = rig.gate()
    with pytest.raises(MaintenanceLocked) as locked:
        gate.authenticate("T001", PIN)
    assert locked.value.until == rig.clock.now + 600
    rig.clock.now += 600
    for _ in range(4):
        with pytest.raises(WrongPin):
            gate.authenticate("T001", "000000")
    with pytest.raises(MaintenanceLocked) as second:
        gate.authenticate("T001", "000000")
    assert second.value.until == rig.clock.now + 1800


# --- functions ----------------------------------------------------------------------------


@dataclass
class Session:
    session: MaintenanceSession
    parts: MaintenanceParts
    changes: list[int]


def session_for(rig: Rig, **parts: Any) -> Session:
    changes: list[int] = []
    built = MaintenanceParts(
        config=rig.config, journal=rig.journal,
        switch=ServiceSwitch(rig.config.data_dir / "service_switch.json"),
        paper=PaperMonitor(rig.config.data_dir / "paper.json"),
        device_health=lambda: {"printer": HEALTH_OK}, on_change=lambda: changes.append(1),
        **parts,
    )  # fmt: skip
    return Session(MaintenanceSession(built, TechnicianIdentity("T001", "王工", "badge")),
                   built, changes)  # fmt: skip


def credit(journal: Journal, *notes: int) -> None:
    for n, note in enumerate(notes):
        journal.record(Entry(f"t{n}-{time.monotonic_ns()}", "cash.note_credited",
                             {"denomination_fen": note}, cash_in_fen=(note,)))  # fmt: skip


def test_cash_collection_numbers_equal_the_journal_and_slip_says_so(rig: Rig) -> None:
    printer = RecordingPrinter()
    s = session_for(rig, printer=printer)
    credit(rig.journal, 10000, 10000, 5000, 2000, 100, 10000)
    status = s.session.cash_status()
    assert status.counts == {10000: 3, 5000: 1, 2000: 1, 100: 1}
    assert (status.notes, status.total_fen, status.last_collected_at) == (6, 37100, None)

    collected, printed = s.session.collect_cash()
    assert printed.passed
    assert collected.counts == status.counts
    assert collected.total_fen == 37100
    assert rig.journal.cashbox() == {}
    event = rig.journal.latest_event("maintenance.cash_collected")
    assert event is not None
    assert event.payload["cash_counts"] == {"100": 1, "2000": 1, "5000": 1, "10000": 3}
    [(kind, body)] = outbox(rig.journal)
    assert kind == "maintenance.v1"
    assert '"total_fen":37100' in body
    KINDS["maintenance.v1"].parse(event.payload)  # central accepts what the kiosk sends
    slip = printer.last_text()
    for expected in ("清机凭条  Cash collection slip", "¥100.00 x    3 =     ¥300.00",
                     "¥1.00 x    1 =       ¥1.00", "张数合计 Notes: 6", "金额合计 Total: ¥371.00",
                     "维护员 Technician: T001", rig.config.kiosk.id):  # fmt: skip
        assert expected in slip, slip
    assert s.changes  # the heartbeat hears of it

    credit(rig.journal, 500)  # the next period starts at zero
    assert s.session.cash_status().counts == {500: 1}
    assert s.session.cash_status().last_collected_at == event.payload["at"]


def test_collection_is_one_transaction(journal: Journal) -> None:
    credit(journal, 10000)

    def broken(_counts: object) -> Entry:
        raise JournalError("disk full")

    with pytest.raises(JournalError):
        journal.collect_cash(broken)
    assert journal.cashbox() == {10000: 1}
    assert kinds(journal) == ["cash.note_credited"]


def test_slip_that_fails_to_print_is_reprinted_from_the_journal(rig: Rig) -> None:
    printer = RecordingPrinter(fail=True)
    s = session_for(rig, printer=printer)
    credit(rig.journal, 5000)
    collected, printed = s.session.collect_cash()
    assert not printed.passed
    assert printed.code == "printer.paper_out"
    assert rig.journal.cashbox() == {}  # the collection stands
    printer.fail = False
    assert s.session.reprint_slip().passed
    assert "¥50.00" in printer.last_text()
    again = last_collection(rig.journal)
    assert again is not None
    assert again.body == collected.body


@pytest.mark.timeout(30)
def test_printer_self_test_and_paper_state_against_the_simulator(rig: Rig) -> None:
    with EscposPrinterSimulator() as simulator:
        printer = EscposPrinter(simulator.url, timeout_s=1.0)
        try:
            s = session_for(rig, printer=printer)
            result = s.session.test_printer()
            assert result.passed
            assert result.code == "ok"
            assert simulator.wait_for_jobs(1)
            assert "Printer test page" in simulator.job_texts()[0]

            paper = s.parts.paper
            simulator.faults.paper_near_end = True
            paper.observe(printer.health())
            simulator.faults.paper_near_end = False  # the sensor flickers back
            assert paper.state(printer.health()) == "near_end"  # still reported
            s.session.paper_refilled()
            assert paper.state(printer.health()) == "ok"
        finally:
            printer.close()
    assert kinds(rig.journal) == ["maintenance.self_test", "maintenance.paper_refilled"]


def test_acceptor_cycle_and_id_reader_test(rig: Rig) -> None:
    acceptor = SimulatedBillAcceptor(known_denominations_fen=frozenset({100, 10000}))
    tap = IdCardTap()
    s = session_for(rig, acceptor=acceptor, id_cards=tap)
    result = s.session.test_acceptor()
    assert result.passed
    assert acceptor._enabled == frozenset()  # left disabled

    acceptor.set_fault(DeviceHealth(HealthLevel.ERROR, "acceptor_jam", "bill.jam"))
    assert s.session.test_acceptor().code == "acceptor_jam"

    threading.Timer(0.2, tap.on_event, [IdCardRead(card("110105199001017777"))]).start()
    read = s.session.test_id_reader(timeout_s=5)
    assert read.passed
    assert read.detail == "110105********7777"
    assert s.session.test_id_reader(timeout_s=0.1).code == "no_card"
    details = [p["details"] for _s, _t, _k, p in rig.journal.events()]
    assert [(d["device"], d["passed"]) for d in details] == [
        ("bill_acceptor", True), ("bill_acceptor", False),
        ("id_card_reader", True), ("id_card_reader", False)]  # fmt: skip
    assert "7777" not in str(details)


def test_out_of_service_switch_persists_and_is_journalled(rig: Rig) -> None:
    s = session_for(rig)
    assert s.session.set_out_of_service(True, "repair")
    assert not s.session.set_out_of_service(True, "repair")  # already out: nothing recorded
    again = ServiceSwitch(rig.config.data_dir / "service_switch.json")
    assert again.reason() == "technician T001: repair"
    assert s.session.set_out_of_service(False)
    assert again.reason() is None
    assert kinds(rig.journal) == ["maintenance.out_of_service", "maintenance.back_in_service"]


def test_remote_commands_flip_the_same_switch(rig: Rig) -> None:
    switch = ServiceSwitch(rig.config.data_dir / "service_switch.json")
    calls: list[str] = []
    handlers = remote_commands(switch, sync_now=lambda: calls.append("sync"),
                               restart=lambda: calls.append("restart"))  # fmt: skip
    handlers["out_of_service"]("c1")
    assert switch.reason() == "ops (remote command c1)"
    handlers["back_in_service"]("c2")
    assert switch.reason() is None
    handlers["sync_now"]("c3")
    handlers["restart"]("c4")
    assert calls == ["sync", "restart"]


def test_session_ends_and_every_action_is_on_the_record(rig: Rig, tmp_path: Path) -> None:
    log_file = tmp_path / "kiosk.log"
    log_file.write_text("".join(f'{{"n": {n}, "msg": "call 13800138000"}}\n' for n in range(300)))
    synced: list[int] = []
    s = session_for(rig, log_file=log_file, sync_now=lambda: synced.append(1))
    lines = s.session.recent_logs(5)
    assert len(lines) == 5
    assert lines[-1].startswith('{"n": 299')
    assert "13800138000" not in lines[-1]
    assert "138****8000" in lines[-1]
    s.session.sync_now()
    assert synced == [1]
    assert s.session.dead_letters() == []
    assert s.session.queue_status() is None
    s.session.exit()
    with pytest.raises(MaintenanceError):
        s.session.paper_refilled()
    assert kinds(rig.journal) == ["maintenance.sync_now", "maintenance.logout"]
    assert [k for k, _ in outbox(rig.journal)] == ["maintenance.v1"] * 2


def test_config_summary_has_no_secrets(config: KioskConfig) -> None:
    summary = str(config_summary(config))
    assert config.central.token not in summary
    assert config.central.embedded is not None
    assert config.central.embedded.ops_token not in summary
    assert config.sim.adm_key_hex not in summary
    assert "scrypt$" not in summary
    assert ICCID not in summary
    assert "T001" in summary
    assert config.kiosk.id in summary
    assert "version" in summary


def test_slip_of_an_empty_box(rig: Rig) -> None:
    collected = collect_cash(rig.journal, "T001")
    assert collected.counts == {}
    assert collected.total_fen == 0
    text = collection_slip(collected, kiosk_id="K1", kiosk_name="终端").plain_text()
    assert "cash box empty" in text
    assert "¥0.00" in text
