"""Maintenance functions: cash collection = journal and its slip (reprinted from the journal),
printer and acceptor self-tests against the simulators, paper refill, the out-of-service switch
(also by remote command), the session on the record with its outbox items, a config summary
without secrets."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from central.kinds import KINDS
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import DeviceHealth, HealthLevel, IdCardRead
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.config import KioskConfig
from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal
from kiosk.maintenance import IdCardTap, config_summary, remote_commands
from kiosk.maintenance_auth import MaintenanceError
from kiosk.maintenance_cash import collect_cash, collection_slip, last_collection
from kiosk.maintenance_status import ServiceSwitch
from tests.kiosk.fakes import RecordingPrinter
from tests.kiosk.maintenance_rig import (
    ICCID,
    Rig,
    card,
    config,
    credit,
    journal,
    kinds,
    outbox,
    rig,
    session_for,
    technicians,
)

__all__ = ["config", "journal", "rig", "technicians"]  # fixtures

pytestmark = pytest.mark.timeout(60)


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
