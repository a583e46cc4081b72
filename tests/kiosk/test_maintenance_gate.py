"""The maintenance gate across threads (reader, GUI, core) and its attempts left, and the
maintenance session's idle clock in the core: activity restarts it, a running action never
expires, the end is a journalled logout that the UI hears through on_end."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from drivers.interfaces import HEALTH_OK, IdCardRead, IdCardRecord, ReceiptDocument, Sex
from kiosk.config import KioskConfig, load_config
from kiosk.errors import ConfigError
from kiosk.journal import Journal
from kiosk.maintenance import MaintenanceParts, MaintenanceSession
from kiosk.maintenance_auth import (
    LOCKOUT_FILE,
    MaintenanceError,
    MaintenanceGate,
    MaintenanceLocked,
    TechnicianIdentity,
    WrongPin,
    hash_secret,
)
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch
from tests.conftest import write_config
from tests.kiosk.maintenance_rig import BADGE, FAST, PIN, Clock, config, journal
from tests.support import holds_for

__all__ = ["config", "journal"]  # fixtures (on this file's technicians)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def technicians() -> list[dict[str, Any]]:  # one technician (the shared rig has two)
    return [{"id": "T001", "name": "王工", "pin_hash": hash_secret(PIN, n=FAST),
             "badge_hashes": [hash_secret(BADGE, n=FAST)]}]  # fmt: skip


def gate_for(config: KioskConfig, journal: Journal, clock: Clock) -> MaintenanceGate:
    return MaintenanceGate(config.maintenance, journal, config.data_dir,
                           money_held=lambda: False, clock=clock, monotonic=clock)  # fmt: skip


def badge() -> IdCardRead:
    return IdCardRead(IdCardRecord(
        name="王工", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 1, 1),
        address="北京市", id_number=BADGE, issuer="北京市公安局",
        valid_from=date(2020, 1, 1), valid_to=None,
    ))  # fmt: skip


def events(journal: Journal, kind: str) -> list[dict[str, Any]]:
    return [dict(payload) for _seq, _txn, k, payload in journal.events() if k == kind]


# --- the gate: attempts left ----------------------------------------------------------------


def test_attempts_left_before_the_first_wrong_pin_and_after_each(
    config: KioskConfig, journal: Journal
) -> None:
    clock = Clock()
    gate = gate_for(config, journal, clock)
    assert gate.attempts_left == 5  # before any wrong PIN: the UI can say so at once
    gate.on_id_card_event(badge())
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as wrong:
            gate.enter_pin("000000")
        assert wrong.value.attempts_left == left
        assert gate.attempts_left == left
    with pytest.raises(MaintenanceLocked):
        gate.enter_pin("000000")
    assert gate.attempts_left == 0
    clock.now += config.maintenance.lockout_s + 1
    assert gate.attempts_left == 5  # the lock ran out: a fresh series
    gate.on_id_card_event(badge())
    with pytest.raises(WrongPin):
        gate.enter_pin("111111")
    assert gate.attempts_left == 4
    assert gate.enter_pin(PIN).id == "T001"
    assert gate.attempts_left == 5
    # A restart (a new gate over the same lock file) knows the same.
    assert gate_for(config, journal, clock).attempts_left == 5


def test_a_damaged_lock_file_leaves_no_attempts(config: KioskConfig, journal: Journal) -> None:
    gate = gate_for(config, journal, Clock())
    (config.data_dir / LOCKOUT_FILE).write_text("{not json")
    assert gate.attempts_left == 0


# --- the gate: threads ----------------------------------------------------------------------


def test_wrong_pins_checked_at_once_on_several_threads_all_count(
    config: KioskConfig, journal: Journal
) -> None:
    """GIVEN four wrong PINs checked at the same moment WHEN they are answered THEN each
    counts (the lock file is read and written by one check at a time): one attempt left."""
    gate = gate_for(config, journal, Clock())
    start = threading.Barrier(4)
    answers: list[BaseException] = []

    def wrong() -> None:
        start.wait()
        try:
            gate.authenticate("T001", "000000")
        except MaintenanceError as exc:
            answers.append(exc)

    threads = [threading.Thread(target=wrong) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.attempts_left for a in answers if isinstance(a, WrongPin)) == [1, 2, 3, 4]
    assert gate.attempts_left == 1
    assert json.loads((config.data_dir / LOCKOUT_FILE).read_text())["failures"] == 4
    assert sorted(e["details"]["failures"] for e in events(journal, "maintenance.pin_failed")) == [
        1, 2, 3, 4]  # fmt: skip


def test_reader_gui_and_core_threads_share_the_gate(config: KioskConfig, journal: Journal) -> None:
    """The reader thread presents badges, the GUI thread asks pin_expected and cancels, the
    core thread enters PINs, all at once: no error, and the last badge then PIN opens."""
    gate = MaintenanceGate(config.maintenance, journal, config.data_dir, money_held=lambda: False)
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop(step: Any) -> None:
        try:
            while not stop.is_set():
                step()
        except BaseException as exc:  # the test reports any
            errors.append(exc)

    def core() -> None:
        with contextlib.suppress(MaintenanceError):  # no card then, or it was cancelled
            gate.enter_pin(PIN)

    threads = [
        threading.Thread(target=loop, args=(lambda: gate.on_id_card_event(badge()),)),
        threading.Thread(target=loop, args=(lambda: (gate.pin_expected, gate.cancel()),)),
        threading.Thread(target=loop, args=(lambda: gate.touch("top_left"),)),
        threading.Thread(target=loop, args=(core,)),
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # the scenario: the four threads race each other for a second
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert gate.attempts_left == 5  # only the right PIN was ever entered
    gate.cancel()
    assert gate.on_id_card_event(badge())
    assert gate.pin_expected
    assert gate.enter_pin(PIN).id == "T001"
    assert not gate.pin_expected


# --- the session's idle clock ---------------------------------------------------------------


@dataclass
class SlowPrinter:
    """Prints a page that takes `takes_s` on the session's clock."""

    clock: Clock
    takes_s: float
    session: list[MaintenanceSession] = field(default_factory=list)
    expired_during: list[bool] = field(default_factory=list)

    def print_receipt(self, _document: ReceiptDocument) -> None:
        self.clock.now += self.takes_s
        self.expired_during.append(self.session[0].expire_if_idle())

    def health(self) -> Any:
        return HEALTH_OK


def session_for(
    config: KioskConfig, journal: Journal, **kwargs: Any
) -> tuple[MaintenanceSession, MaintenanceParts]:
    printer = kwargs.pop("printer", None)
    parts = MaintenanceParts(
        config=config, journal=journal,
        switch=ServiceSwitch(config.data_dir / "service_switch.json"),
        paper=PaperMonitor(config.data_dir / "paper.json"),
        device_health=lambda: {"printer": HEALTH_OK}, printer=printer,
    )  # fmt: skip
    technician = TechnicianIdentity("T001", "王工", "badge")
    return MaintenanceSession(parts, technician, **kwargs), parts


def test_the_idle_timeout_is_configured_300_s_by_default(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path)).maintenance.idle_timeout_s == 300
    configured = load_config(write_config(tmp_path, **{"maintenance.idle_timeout_s": 600}))
    assert configured.maintenance.idle_timeout_s == 600
    with pytest.raises((ConfigError, ValidationError)):
        load_config(write_config(tmp_path, **{"maintenance.idle_timeout_s": 5}))


def test_idle_session_ends_with_a_journalled_logout(config: KioskConfig, journal: Journal) -> None:
    clock = Clock()
    session, _parts = session_for(config, journal, monotonic=clock)
    ended: list[str] = []
    session.on_end(ended.append)
    assert session.idle_timeout_s == 300
    assert session.idle_remaining_s() == 300
    clock.now += 299
    assert not session.expire_if_idle()
    session.touch()  # a tap
    assert session.idle_remaining_s() == 300
    clock.now += 250
    session.paper_refilled()  # an action is activity too
    clock.now += 299
    assert not session.expire_if_idle()
    assert session.open
    clock.now += 2
    assert session.expire_if_idle()
    assert not session.open
    assert session.end_reason == "idle"
    assert ended == ["idle"]
    assert session.idle_remaining_s() == 0
    assert [e["details"] for e in events(journal, "maintenance.logout")] == [{"reason": "idle"}]
    with pytest.raises(MaintenanceError):
        session.paper_refilled()
    session.exit()  # the UI's Cancel arriving late: no second logout
    assert len(events(journal, "maintenance.logout")) == 1
    late: list[str] = []
    session.on_end(late.append)
    assert late == ["idle"]  # a listener added after the end hears it at once


def test_a_running_action_never_expires(config: KioskConfig, journal: Journal) -> None:
    clock = Clock()
    printer = SlowPrinter(clock, takes_s=400)
    session, _parts = session_for(config, journal, monotonic=clock, printer=printer)
    printer.session.append(session)
    assert session.test_printer().passed
    assert printer.expired_during == [False]
    assert session.open
    assert session.idle_remaining_s() == 300  # the action's end restarted the clock
    assert [e["details"]["device"] for e in events(journal, "maintenance.self_test")] == [
        "printer"]  # fmt: skip


def test_the_clock_ends_the_session_by_itself(config: KioskConfig, journal: Journal) -> None:
    session, _parts = session_for(config, journal, idle_timeout_s=0.3)
    ended = threading.Event()
    reasons: list[str] = []
    threads: list[str] = []

    def on_end(reason: str) -> None:
        reasons.append(reason)
        threads.append(threading.current_thread().name)
        ended.set()

    session.on_end(on_end)
    assert ended.wait(5)
    assert reasons == ["idle"]
    assert threads == ["maintenance-idle"]
    assert not session.open
    assert len(events(journal, "maintenance.logout")) == 1


def test_exit_ends_the_clock_and_says_logout(config: KioskConfig, journal: Journal) -> None:
    session, _parts = session_for(config, journal, idle_timeout_s=0.3)
    ended: list[str] = []
    unsubscribed: list[str] = []
    session.on_end(ended.append)
    session.on_end(unsubscribed.append)()
    session.exit()
    # Past the idle time (0.3 s): the stopped clock ends nothing more.
    holds_for(lambda: ended == ["logout"], 0.6, "no end after the logout")
    assert unsubscribed == []
    assert session.end_reason == "logout"
    assert [e["details"] for e in events(journal, "maintenance.logout")] == [{}]
