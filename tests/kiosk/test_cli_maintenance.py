"""Technician commands of the `kiosk` CLI, run as a technician would (a subprocess; the PIN on
stdin): pin-hash, cash status and collect, paper refilled, service out/in, journal verify,
queue dead-letters, logs tail."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import offline_queue
from kiosk.config import KioskConfig, load_config
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.lock import DataFolderLock
from kiosk.maintenance_auth import hash_secret, verify_secret
from tests.conftest import write_config

pytestmark = pytest.mark.timeout(120)
KIOSK = str(Path(sys.executable).parent / "kiosk")
PIN = "246813"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, *args], input=stdin, capture_output=True, text=True, timeout=100, check=False
    )


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    technicians = [{"id": "T001", "pin_hash": hash_secret(PIN, n=2**10)}]
    return load_config(write_config(tmp_path, **{"maintenance.technicians": technicians}))


def cli(config: KioskConfig, *args: str, pin: str = "") -> subprocess.CompletedProcess[str]:
    return run("-c", str(config.source), *args, stdin=pin + "\n" if pin else "")


def journal_of(config: KioskConfig) -> Journal:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return Journal(config.data_dir / "kiosk.db")


def credit(config: KioskConfig, *notes: int) -> None:
    journal = journal_of(config)
    try:
        for n, note in enumerate(notes):
            journal.record(Entry(f"t{n}", "cash.note_credited", {"denomination_fen": note},
                                 "topup.cash", "done", {}, cash_in_fen=(note,)))  # fmt: skip
    finally:
        journal.close()


def kinds(config: KioskConfig) -> list[str]:
    journal = journal_of(config)
    try:
        return [kind for _s, _t, kind, _p in journal.events()]
    finally:
        journal.close()


def test_pin_hash_prints_a_verifiable_hash() -> None:
    result = run("maintenance", "pin-hash", stdin="135790\n")
    assert result.returncode == 0, result.stderr
    encoded = result.stdout.strip()
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_secret("135790", encoded)
    assert "135790" not in encoded


@pytest.mark.parametrize("pin", ["12", "2468", "24681", "1234567890123", "24681x"])
def test_pin_hash_refuses_a_pin_not_of_6_to_12_digits(pin: str) -> None:
    result = run("maintenance", "pin-hash", stdin=f"{pin}\n")
    assert result.returncode == 2
    assert "6 to 12 digits" in result.stderr
    assert result.stdout == ""


def test_a_pin_shorter_than_6_digits_from_an_old_config_is_refused_with_a_reason(
    tmp_path: Path,
) -> None:
    """GIVEN config.yaml with the hash of a 4-digit PIN (made before PINs had 6+ digits) WHEN
    the technician gives it THEN the command is refused with a message to set a longer PIN
    (not a crash, not a wrong-PIN count), and the journal says why."""
    technicians = [{"id": "T001", "pin_hash": hash_secret("2468", n=2**10)}]
    old = load_config(write_config(tmp_path, **{"maintenance.technicians": technicians}))
    credit(old, 10000)
    result = cli(old, "paper", "refilled", "--technician", "T001", pin="2468")
    assert result.returncode == 1
    assert "set a longer PIN" in result.stderr
    assert "kiosk maintenance pin-hash" in result.stderr
    assert "Traceback" not in result.stderr
    assert kinds(old)[1:] == ["maintenance.login_refused"]
    wrong = cli(old, "paper", "refilled", "--technician", "T001", pin="000000")
    assert "4 attempts left" in wrong.stderr  # the short PIN was not counted


@pytest.mark.parametrize(
    "command",
    [["maintenance"], ["cash"], ["cash", "collect"], ["paper", "refilled"], ["service"],
     ["journal", "verify"], ["logs", "tail"], ["queue", "dead-letters"]],
)  # fmt: skip
def test_help_on_every_technician_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: kiosk" in result.stdout


def test_cash_status_and_collect(config: KioskConfig) -> None:
    credit(config, 10000, 10000, 5000, 1000)
    status = cli(config, "cash", "status")
    assert status.returncode == 0, status.stderr
    assert "¥100.00 x     2 = ¥200.00" in status.stdout
    assert "notes  4 of 1000" in status.stdout
    assert "total  ¥260.00" in status.stdout

    collect = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert collect.returncode == 0, collect.stderr
    assert "清机凭条  Cash collection slip" in collect.stdout
    assert "金额合计 Total: ¥260.00" in collect.stdout
    assert "total  ¥0.00" in cli(config, "cash", "status").stdout
    assert kinds(config)[-3:] == [
        "maintenance.login", "maintenance.cash_collected", "maintenance.logout"]  # fmt: skip


def test_wrong_pin_is_refused_journalled_and_locks_after_five(config: KioskConfig) -> None:
    credit(config, 10000)
    for attempt in range(5):
        result = cli(config, "paper", "refilled", "--technician", "T001", pin="000000")
        assert result.returncode == 1
        expected = "locked until" if attempt == 4 else f"{4 - attempt} attempts left"
        assert expected in result.stderr
    locked = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
    assert locked.returncode == 1
    assert "locked until" in locked.stderr
    assert kinds(config)[1:] == ["maintenance.pin_failed"] * 5 + ["maintenance.login_locked"]
    journal = journal_of(config)
    try:
        assert journal.cashbox() == {10000: 1}
    finally:
        journal.close()


def test_paper_and_service_switch(config: KioskConfig) -> None:
    credit(config)
    paper = cli(config, "paper", "refilled", "--technician", "T001", pin=PIN)
    assert paper.returncode == 0, paper.stderr
    out = cli(config, "service", "out", "--reason", "jam", "--technician", "T001", pin=PIN)
    assert out.stdout.strip() == "out of service"
    switch = json.loads((config.data_dir / "service_switch.json").read_text())
    assert switch["reason"] == "technician T001: jam"
    back = cli(config, "service", "in", "--technician", "T001", pin=PIN)
    assert back.stdout.strip() == "in service"
    assert json.loads((config.data_dir / "service_switch.json").read_text())["reason"] is None
    assert [k for k in kinds(config) if k not in ("maintenance.login", "maintenance.logout")] == [
        "maintenance.paper_refilled", "maintenance.out_of_service",
        "maintenance.back_in_service"]  # fmt: skip


def test_collect_next_to_the_running_kiosk(config: KioskConfig) -> None:
    credit(config, 5000)
    with DataFolderLock(config.data_dir):  # the kiosk process holds its data folder
        in_service = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
        assert in_service.returncode == 1
        assert "kiosk service out" in in_service.stderr
        cli(config, "service", "out", "--technician", "T001", pin=PIN)
        journal = journal_of(config)
        try:  # a customer is in the middle of paying
            journal.record(Entry("open-1", "cash.note_credited", {}, "topup.cash", "cash", {}))
        finally:
            journal.close()
        refused = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
        assert refused.returncode == 1
        assert "holds money" in refused.stderr
        journal = journal_of(config)
        try:
            journal.record(Entry("open-1", "topup.done", {}, "topup.cash", "done", {}))
        finally:
            journal.close()
        done = cli(config, "cash", "collect", "--technician", "T001", pin=PIN)
        assert done.returncode == 0, done.stderr
        assert "¥50.00" in done.stdout


def test_journal_verify_finds_tampering(config: KioskConfig) -> None:
    credit(config, 100, 500)
    intact = cli(config, "journal", "verify")
    assert intact.returncode == 0
    assert intact.stdout.strip() == "2 events, hash chain intact"
    with sqlite3.connect(config.data_dir / "kiosk.db") as conn:
        conn.execute("UPDATE journal SET payload = '{\"denomination_fen\":10000}' WHERE seq = 1")
    broken = cli(config, "journal", "verify")
    assert broken.returncode == 1
    assert "BROKEN" in broken.stdout


def test_dead_letters_listed(config: KioskConfig) -> None:
    journal = journal_of(config)
    try:
        journal.record(Entry("t1", "x", {}, outbox=(OutboxMessage("key-1", "topup.v1", {}),)))
    finally:
        journal.close()
    assert cli(config, "queue", "dead-letters").stdout.strip() == "no dead letters"
    store = offline_queue.OutboxStore(config.data_dir / "kiosk.db")
    try:
        store.mark_dead("key-1", "amount_fen: required")
    finally:
        store.close()
    listed = cli(config, "queue", "dead-letters").stdout
    assert "key-1  topup.v1" in listed
    assert "amount_fen: required" in listed


def test_a_dead_letter_retried_or_discarded_with_a_journalled_reason(
    config: KioskConfig,
) -> None:
    """GIVEN two dead letters WHEN a technician (PIN on stdin) retries one and discards the
    other with a reason THEN one is pending again, the other gone, and the journal names the
    technician's reason; a discard without a reason or a technician is refused."""
    journal = journal_of(config)
    try:
        for key in ("key-a", "key-b"):
            journal.record(Entry(key, "x", {}, outbox=(OutboxMessage(key, "topup.v1", {}),)))
    finally:
        journal.close()
    store = offline_queue.OutboxStore(config.data_dir / "kiosk.db")
    try:
        store.mark_dead("key-a", "amount_fen: required")
        store.mark_dead("key-b", "msisdn: unknown")
    finally:
        store.close()
    no_reason = cli(config, "queue", "dead-letters", "--discard", "key-b", "--technician", "T001",
                    pin=PIN)  # fmt: skip
    assert no_reason.returncode == 2
    anonymous = cli(config, "queue", "dead-letters", "--retry", "key-a")
    assert anonymous.returncode == 2
    retried = cli(config, "queue", "dead-letters", "--retry", "key-a", "--technician", "T001",
                  pin=PIN)  # fmt: skip
    assert retried.returncode == 0, retried.stderr
    discarded = cli(config, "queue", "dead-letters", "--discard", "key-b", "--reason",
                    "number ported out; refunded at the counter", "--technician", "T001",
                    pin=PIN)  # fmt: skip
    assert discarded.returncode == 0, discarded.stderr
    store = offline_queue.OutboxStore(config.data_dir / "kiosk.db")
    try:
        item = store.get("key-a")
        assert item is not None
        assert item.state == "pending"
        assert store.get("key-b") is None
    finally:
        store.close()
    journal = journal_of(config)
    try:
        details = [p.get("details", {}) for _, _, _, p in journal.events()]
        reasons = [d.get("reason") for d in details if d.get("key") == "key-b"]
    finally:
        journal.close()
    assert "number ported out; refunded at the counter" in reasons


def test_logs_tail_masks_personal_data(config: KioskConfig) -> None:
    folder = config.data_dir / "logs"
    folder.mkdir(parents=True)
    lines = [f'{{"n": {n}, "msg": "top-up for 13800138000"}}' for n in range(100)]
    (folder / "kiosk.log").write_text("\n".join(lines) + "\n")
    result = cli(config, "logs", "tail", "-n", "3")
    assert result.returncode == 0
    shown = result.stdout.splitlines()
    assert len(shown) == 3
    assert shown[0].startswith('{"n": 97')
    assert "13800138000" not in result.stdout
    assert "138****8000" in result.stdout
