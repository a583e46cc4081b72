"""What the maintenance tests share: technicians with fast PIN hashes (T001 with a badge and a
SIM, T002 with a PIN only), a config and journal in the test's folder, a settable clock, the gate
on them (`rig`), a maintenance session's parts, and readers of the journal and its outbox."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from drivers.interfaces import HEALTH_OK, IdCardRecord, Sex
from kiosk.config import KioskConfig, load_config
from kiosk.journal import Entry, Journal
from kiosk.maintenance import MaintenanceParts, MaintenanceSession
from kiosk.maintenance_auth import MaintenanceGate, TechnicianIdentity, hash_secret
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch
from tests.conftest import write_config

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
    config.data_dir.mkdir(parents=True, exist_ok=True)
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
