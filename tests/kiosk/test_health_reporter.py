"""The heartbeat against the real reference central: what it reports, remote commands run once
and acknowledged (also across a restart of the kiosk and a power cut of central), and
latest-state behaviour while central is away."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, update

from central.app import create_app
from central.db import RemoteCommand, open_storage
from central.fleet_schemas import HeartbeatRequest
from central.server import bind_socket, make_server, socket_url
from drivers.errors import DriverError
from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.health_reporter import (
    LEDGER_FILE,
    MAX_ERRORS,
    OPTIONAL_FIGURES,
    CommandRetry,
    HealthReporter,
    HealthSnapshot,
    QueueFigures,
    wire_body,
)
from kiosk.journal import Entry, Journal
from kiosk.maintenance_journal import remote_command_recorder
from kiosk.maintenance_settings import MaintenanceSection
from kiosk.maintenance_status import (
    LastErrors,
    PaperMonitor,
    ServiceSwitch,
    StatusSources,
    collect_snapshot,
)
from tests.central.conftest import KIOSKS, OPS_TOKEN
from tests.support import holds_for, wait_until

pytestmark = pytest.mark.timeout(60)
BOX_OF_FOUR = MaintenanceSection(cash_box_capacity=4, cash_box_warn_ratio=0.75)


@dataclass
class Central:
    url: str
    app: FastAPI
    beats: list[dict[str, Any]] = field(default_factory=list)

    def issue(self, kind: str) -> str:
        reply = requests.post(
            f"{self.url}/v1/ops/kiosks/K1/commands",
            json={"kind": kind},
            headers={"Authorization": f"Bearer {OPS_TOKEN}"},
            timeout=10,
        )
        assert reply.status_code == 201, reply.text
        command_id: str = reply.json()["id"]
        return command_id

    def acked(self, command_id: str) -> bool:
        with self.app.state.storage.sessions() as session:
            row = session.scalar(select(RemoteCommand).where(RemoteCommand.id == command_id))
        assert row is not None
        return row.acked_at is not None

    def forget_ack(self, command_id: str) -> None:
        """As if central lost its last seconds of writes in a power cut (it writes beats and
        acknowledgements without an fsync)."""
        with self.app.state.storage.sessions.begin() as session:
            session.execute(update(RemoteCommand).where(RemoteCommand.id == command_id)
                            .values(acked_at=None))  # fmt: skip

    def fleet_kiosk(self) -> dict[str, Any]:
        reply = requests.get(f"{self.url}/v1/ops/fleet", timeout=10,
                             headers={"Authorization": f"Bearer {OPS_TOKEN}"})  # fmt: skip
        [row] = [k for k in reply.json()["kiosks"] if k["kiosk_id"] == "K1"]
        return row  # type: ignore[no-any-return]


@contextlib.contextmanager
def serve_central(folder: Path, port: int = 0, *, old: bool = False) -> Iterator[Central]:
    """The reference central in this process, on `port` (0: a free one); every heartbeat body
    it receives is kept, so a test can count them. `old`: it refuses the optional figures
    with 422, as a central that predates them does (its models forbid unknown fields)."""
    db_url = f"sqlite:///{folder / 'central.db'}"
    open_storage(db_url, migrate=True).close()  # serve refuses a database not at head
    app = create_app(db_url, OPS_TOKEN, KIOSKS, seed=True)
    beats: list[dict[str, Any]] = []

    @app.middleware("http")
    async def keep_beats(request: Request, call_next: Callable[[Request], Any]) -> Any:
        if request.url.path == "/v1/heartbeat":
            body = json.loads(await request.body())
            beats.append(body)
            if old and (set(OPTIONAL_FIGURES) & set(body) or "last_success_at" in body["queue"]):
                return JSONResponse({"detail": [{"msg": "extra fields"}]}, status_code=422)
        return await call_next(request)

    sock = bind_socket("127.0.0.1", port)
    server = make_server(app, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(10)
        yield Central(socket_url(sock), app, beats)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.storage.close()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    with serve_central(tmp_path) as running:
        yield running


@dataclass
class Kiosk:
    """The sources a heartbeat reads, real where it matters (journal, switch, paper files)."""

    folder: Path
    journal: Journal
    devices: dict[str, DeviceHealth] = field(
        default_factory=lambda: {"printer": HEALTH_OK, "bill_acceptor": HEALTH_OK}
    )
    queue: QueueFigures = field(default_factory=lambda: QueueFigures(0, 0, None))
    ran: list[tuple[str, str]] = field(default_factory=list)
    errors: LastErrors = field(default_factory=LastErrors)

    @property
    def switch(self) -> ServiceSwitch:
        return ServiceSwitch(self.folder / "service_switch.json")

    def snapshot(self) -> HealthSnapshot:
        sources = StatusSources(
            version="1.2.3", data_dir=self.folder, settings=BOX_OF_FOUR,
            journal=self.journal, device_health=lambda: self.devices, queue=lambda: self.queue,
            switch=self.switch, paper=PaperMonitor(self.folder / "paper.json"),
            errors=self.errors,
            services_today=lambda: {"topup_cash": {"started": 3, "completed": 2, "abandoned": 1,
                                                   "failed": 0}},
        )  # fmt: skip
        return collect_snapshot(sources)

    def handler(self, kind: str) -> Callable[[str], None]:
        def run(command_id: str) -> None:
            self.ran.append((kind, command_id))
            if kind == "out_of_service":
                self.switch.set("ops", "central")

        return run

    def reporter(self, url: str, **options: Any) -> HealthReporter:
        commands = {kind: self.handler(kind) for kind in
                    ("out_of_service", "back_in_service", "restart", "sync_now")}  # fmt: skip
        options.setdefault("commands", commands)
        return HealthReporter(
            url, "K1", KIOSKS["K1"], snapshot=self.snapshot, ledger_path=self.folder / LEDGER_FILE,
            on_command=remote_command_recorder(self.journal), timeout_s=2, **options,
        )  # fmt: skip


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    folder = tmp_path / "data"
    folder.mkdir()
    journal = Journal(folder / "kiosk.db")
    yield Kiosk(folder, journal)
    journal.close()


def credit(journal: Journal, *notes: int) -> None:
    for note in notes:
        journal.record(Entry(f"n-{time.monotonic_ns()}", "cash.note_credited",
                             {"denomination_fen": note}, cash_in_fen=(note,)))  # fmt: skip


# --- content ------------------------------------------------------------------------------


def test_body_is_valid_for_centrals_schema(kiosk: Kiosk) -> None:
    credit(kiosk.journal, 10000, 10000, 5000)
    kiosk.devices["printer"] = DeviceHealth(HealthLevel.WARNING, "paper_near_end",
                                            "printer.paper_near_end")  # fmt: skip
    kiosk.queue = QueueFigures(4, 1, 12.5)
    snapshot = kiosk.snapshot()
    body = wire_body(snapshot, datetime_now(), 60, ["c1"])
    parsed = HeartbeatRequest.model_validate(body)
    assert parsed.cash_box == {"10000": 2, "5000": 1}
    assert parsed.queue.pending == 4
    assert parsed.acked_commands == ["c1"]
    assert parsed.services["topup_cash"].completed == 2
    devices = {d.name: (d.level, d.code) for d in parsed.devices}
    assert devices == {
        "printer": ("warning", "paper_near_end"),
        "bill_acceptor": ("ok", "ok"),
        "cash_box": ("warning", "cash_box_near_full"),  # 3 of 4 notes
        "paper": ("warning", "paper_near_end"),
        "disk": ("ok", "ok"),
        "system": ("warning", "recently_restarted"),
        "errors": ("ok", "ok"),
    }
    assert snapshot.disk_free_bytes is not None
    assert snapshot.disk_free_bytes > 0
    assert parsed.disk_free_bytes == snapshot.disk_free_bytes
    assert parsed.disk_total_bytes == snapshot.disk_total_bytes
    assert parsed.uptime_s is not None
    assert parsed.last_errors == []
    assert parsed.queue.last_success_at is None  # never delivered
    assert snapshot.paper == "near_end"
    assert snapshot.cash_box_fullness == 0.75


def error_record(logger: str, message: str, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc is not None else None
    return logging.LogRecord(logger, logging.ERROR, __file__, 1, message, None, exc_info)


def test_last_errors_on_the_wire_scrubbed_cut_and_at_most_ten(kiosk: Kiosk) -> None:
    now = [1_700_000_000.0]
    kiosk.errors = LastErrors(clock=lambda: now[0])
    for n in range(13):
        now[0] += 1
        kiosk.errors.emit(error_record("kiosk.flows", f"#{n} ID 110105199001011234 " + "x" * 300))
    body = wire_body(kiosk.snapshot(), datetime_now(), 60, [])
    errors = HeartbeatRequest.model_validate(body).last_errors
    assert len(errors) == MAX_ERRORS
    assert errors[0].text.startswith("ERROR kiosk.flows: #3 ID 110105********1234 ")  # oldest kept
    assert errors[-1].text.startswith("ERROR kiosk.flows: #12 ")
    assert all(len(e.text) == 200 and e.code == "kiosk.flows" for e in errors)
    assert "19900101" not in json.dumps(body)
    assert errors[-1].at.timestamp() == now[0]


def test_unreadable_disk_leaves_the_disk_figures_out(kiosk: Kiosk) -> None:
    snapshot = kiosk.snapshot()
    body = wire_body(replace(snapshot, disk_free_bytes=None, disk_total_bytes=None),
                     datetime_now(), 60, [])  # fmt: skip
    assert "disk_free_bytes" not in body
    assert "disk_total_bytes" not in body
    HeartbeatRequest.model_validate(body)


def datetime_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_heartbeat_reaches_the_fleet_view(central: Central, kiosk: Kiosk) -> None:
    credit(kiosk.journal, 10000, 10000, 10000, 10000)  # the box (capacity 4) is full
    kiosk.devices["bill_acceptor"] = DeviceHealth(HealthLevel.ERROR, "acceptor_jam", "bill.jam")
    delivered = time.time() - 42
    kiosk.queue = QueueFigures(2, 0, 30.0, last_success_at=delivered)
    kiosk.errors.emit(error_record("kiosk.sync", "central refused 13800138000"))
    offline = DriverError("offline", message_key="printer.offline")
    kiosk.errors.emit(error_record("drivers.escpos", "printer gone", offline))
    reporter = kiosk.reporter(central.url)
    try:
        assert reporter.beat()
    finally:
        reporter.stop()
    row = central.fleet_kiosk()
    assert row["status"] == "online"
    assert row["software_version"] == "1.2.3"
    assert row["out_of_service"] is False
    assert row["cash_box"] == {"10000": 4}
    assert row["cash_fen"] == 40000
    last = datetime.fromisoformat(row["queue"].pop("last_success_at"))
    assert abs(last.timestamp() - delivered) <= 1  # sent to the second
    assert row["queue"] == {"pending": 2, "dead": 0, "oldest_pending_age_s": 30.0}
    assert 0 <= row["uptime_s"] < 60
    usage = shutil.disk_usage(kiosk.folder)
    assert row["disk_total_bytes"] == usage.total
    assert 0 < row["disk_free_bytes"] <= usage.total
    assert row["disk_free_ratio"] == pytest.approx(row["disk_free_bytes"] / usage.total)
    # newest first; codes stable (the error's message key, else the logger); no phone number
    assert [(e["code"], e["text"]) for e in row["last_errors"]] == [
        ("printer.offline", "ERROR drivers.escpos: printer gone"),
        ("kiosk.sync", "ERROR kiosk.sync: central refused 138****8000"),
    ]
    alerts = {a["device"]: a["code"] for a in row["alerts"]}
    assert alerts["bill_acceptor"] == "acceptor_jam"
    assert alerts["cash_box"] == "cash_box_full"


# --- remote commands ------------------------------------------------------------------------


def test_command_round_trip_runs_once_and_is_acknowledged(central: Central, kiosk: Kiosk) -> None:
    command = central.issue("out_of_service")
    reporter = kiosk.reporter(central.url)
    try:
        assert reporter.beat()  # the answer carries the command: it runs
        assert kiosk.ran == [("out_of_service", command)]
        assert not central.acked(command)
        assert reporter.beat()  # the next beat acknowledges it
        assert central.acked(command)
        assert central.beats[-1]["acked_commands"] == [command]
        assert reporter.beat()
        assert central.beats[-1]["acked_commands"] == []  # delivered: not sent again
    finally:
        reporter.stop()
    assert kiosk.ran == [("out_of_service", command)]
    assert central.fleet_kiosk()["out_of_service"] is True
    events = [(k, p["details"]) for _s, _t, k, p in kiosk.journal.events()]
    assert events == [("maintenance.remote_command",
                       {"command_id": command, "kind": "out_of_service"})]  # fmt: skip


def test_acknowledgement_survives_a_restart(central: Central, kiosk: Kiosk) -> None:
    command = central.issue("sync_now")
    first = kiosk.reporter(central.url)
    assert first.beat()
    first.stop()  # the kiosk restarts before the beat that would acknowledge
    assert kiosk.ran == [("sync_now", command)]
    second = kiosk.reporter(central.url)
    try:
        assert second.beat()
        assert central.acked(command)
        assert kiosk.ran == [("sync_now", command)]  # not run again after the restart
    finally:
        second.stop()


def test_command_resent_after_centrals_power_cut_is_not_run_again(
    central: Central, kiosk: Kiosk
) -> None:
    command = central.issue("restart")
    reporter = kiosk.reporter(central.url)
    try:
        reporter.beat()
        reporter.beat()
        assert central.acked(command)
        central.forget_ack(command)  # central lost the acknowledgement: it sends it again
        reporter.beat()
        assert central.beats[-1]["acked_commands"] == []
        reporter.beat()  # ... and the kiosk acknowledges it again without running it
        assert central.beats[-1]["acked_commands"] == [command]
        assert central.acked(command)
    finally:
        reporter.stop()
    assert kiosk.ran == [("restart", command)]


def test_restart_is_on_the_ledger_before_it_runs(central: Central, kiosk: Kiosk) -> None:
    seen: list[dict[str, Any]] = []

    def restart(_command_id: str) -> None:
        # The process would end here: the ledger must already hold the id and its ack.
        seen.append(json.loads((kiosk.folder / LEDGER_FILE).read_text()))

    command = central.issue("restart")
    reporter = kiosk.reporter(central.url, commands={"restart": restart})
    try:
        reporter.beat()
    finally:
        reporter.stop()
    assert seen == [{"executed": [command], "pending_acks": [command]}]


def test_upload_logs_posts_lines_and_retries_when_it_fails(central: Central, kiosk: Kiosk) -> None:
    command = central.issue("upload_logs")
    attempts: list[int] = []

    def lines() -> list[str]:
        attempts.append(1)
        if len(attempts) == 1:
            raise CommandRetry("log folder busy")
        return ["line one", "line two"]

    reporter = kiosk.reporter(central.url, log_lines=lines)
    try:
        reporter.beat()  # fails: not recorded as done, not acknowledged
        reporter.beat()  # central sends it again: uploaded
        reporter.beat()
    finally:
        reporter.stop()
    assert len(attempts) == 2
    assert central.acked(command)
    reply = requests.get(f"{central.url}/v1/ops/kiosks/K1/logs", timeout=10,
                         headers={"Authorization": f"Bearer {OPS_TOKEN}"})  # fmt: skip
    [upload] = reply.json()["uploads"]
    assert upload["command_id"] == command
    assert upload["lines"] == ["line one", "line two"]


# --- offline, latest state, the thread ------------------------------------------------------


def test_offline_beats_fail_without_backlog_and_the_newest_wins(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    probe = bind_socket("127.0.0.1", 0)
    port = probe.getsockname()[1]
    url = socket_url(probe)
    probe.close()  # nothing listens there now: central is away
    reporter = kiosk.reporter(url)
    try:
        for note in (100, 500, 1000):
            credit(kiosk.journal, note)
            assert not reporter.beat()
        assert reporter.beats_failed == 3
        assert reporter.last_error is not None
        with serve_central(tmp_path, port) as central:
            credit(kiosk.journal, 2000)
            assert reporter.beat()
            assert len(central.beats) == 1  # one beat, not the three missed ones
            assert central.beats[0]["cash_box"] == {"100": 1, "500": 1, "1000": 1, "2000": 1}
            assert central.fleet_kiosk()["cash_fen"] == 3600
    finally:
        reporter.stop()


def test_a_central_older_than_the_figures_gets_the_beat_without_them(
    tmp_path: Path, kiosk: Kiosk
) -> None:
    with serve_central(tmp_path, old=True) as central:
        command = central.issue("sync_now")
        reporter = kiosk.reporter(central.url)
        try:
            assert reporter.beat()
        finally:
            reporter.stop()
        first, second = central.beats
        assert "uptime_s" in first
        assert not set(OPTIONAL_FIGURES) & set(second)
        assert "last_success_at" not in second["queue"]
        assert {k: v for k, v in first.items() if k not in OPTIONAL_FIGURES and k != "queue"} == {
            k: v for k, v in second.items() if k != "queue"
        }
        assert kiosk.ran == [("sync_now", command)]  # the answer's commands still run
        assert central.fleet_kiosk()["status"] == "online"


def test_thread_beats_at_once_on_change_and_coalesces_bursts(
    central: Central, kiosk: Kiosk
) -> None:
    reporter = kiosk.reporter(central.url, interval_s=3600, coalesce_s=0.3, min_gap_s=0.3)
    reporter.start()
    try:
        wait_until(lambda: central.beats, what="the first beat at start")
        assert len(central.beats) == 1
        kiosk.devices["printer"] = DeviceHealth(HealthLevel.ERROR, "paper_out", "printer.paper_out")
        for _ in range(20):
            reporter.notify_changed()  # returns at once, whatever the network does
        wait_until(lambda: len(central.beats) >= 2, what="the beat for the change")
        # Twenty changes, one beat: nothing more comes (coalescing window and gap are 0.3 s).
        holds_for(lambda: len(central.beats) == 2, 1.0, "no beat after the coalesced one")
        printer = [d for d in central.beats[1]["devices"] if d["name"] == "printer"]
        assert printer[0]["code"] == "paper_out"
    finally:
        reporter.stop()
