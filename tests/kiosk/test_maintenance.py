"""Maintenance mode's entry: PIN hashing, badge or touch sequence then PIN, lockout (and that it
survives a restart and is shared by processes), refusal while a customer's money is held (the
functions once in: test_maintenance_functions.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.interfaces import IdCardRead
from kiosk.maintenance_auth import (
    LOCKOUT_FILE,
    MaintenanceError,
    MaintenanceLocked,
    TechnicianIdentity,
    WrongPin,
    hash_secret,
    verify_secret,
)
from kiosk.maintenance_store import read_json
from tests.kiosk.maintenance_rig import (
    BADGE,
    ICCID,
    PIN,
    TOUCH,
    Rig,
    card,
    config,
    journal,
    kinds,
    outbox,
    rig,
    technicians,
)

__all__ = ["config", "journal", "rig", "technicians"]  # fixtures

pytestmark = pytest.mark.timeout(60)

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
