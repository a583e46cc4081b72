"""Heartbeats to central (`POST /v1/heartbeat`) and the remote commands central answers with.

A beat goes every `interval_s`, and at once (bursts coalesced) after `notify_changed()`. Beats
are latest-state: one that fails is dropped, never queued — the next beat is built from the
kiosk as it is then, so when central comes back the newest state is all it gets.

Commands (out of service, back in service, restart, sync now, upload logs) run once per id: the
id is written to a ledger file before the command runs and its acknowledgement waits there
until a beat carrying it has been answered, so neither a restart nor central re-sending a
command after a power cut of its own makes a command run twice or lose its acknowledgement.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from drivers.interfaces import DeviceHealth
from kiosk.central_http import CentralSession
from kiosk.errors import KioskError
from kiosk.maintenance_store import read_json, write_json_atomic

log = logging.getLogger(__name__)

COMMAND_KINDS = frozenset(
    {"out_of_service", "back_in_service", "restart", "sync_now", "upload_logs"}
)
LEDGER_FILE = "remote_commands.json"
SERVICE_COUNTERS = ("started", "completed", "abandoned", "failed")
MAX_DEVICES = 32  # central's limits (central/fleet_schemas.py)
MAX_ACKS = 100
MAX_ERRORS, MAX_ERROR_TEXT, MAX_CODE = 10, 200, 64
MAX_LOG_LINES, MAX_LOG_LINE = 2000, 2000
KEEP_EXECUTED = 500  # ids remembered; central re-sends only commands it has not seen acked


class CommandRetry(KioskError):
    """Raised by a command callback that could not do it now (central down for an upload):
    the command is not recorded as done, and runs when central sends it again."""

    message_key = "health.command_retry"


@dataclass(frozen=True)
class QueueFigures:
    pending: int
    dead: int
    oldest_pending_age_s: float | None
    # When central last acked a delivery (epoch seconds); None: never, as far as this kiosk
    # knows. Sent as queue.last_success_at.
    last_success_at: float | None = None


@dataclass(frozen=True)
class ErrorReport:
    """One logged error as the heartbeat reports it: when (epoch seconds), a stable code (the
    error's message key, else the logger's name) and the text, already scrubbed of personal
    data (kiosk.logging_setup.scrub)."""

    at: float
    code: str
    text: str


@dataclass(frozen=True)
class HealthSnapshot:
    """The kiosk as a heartbeat reports it. `devices` holds the real devices and the derived
    ones (cash_box, paper, disk, system, errors) with stable codes; uptime, disk space, the
    latest errors and the queue's last delivery go on the wire as figures too; paper state and
    cash box fullness are for the maintenance screen (central reads them from the devices)."""

    software_version: str
    out_of_service_reason: str | None
    devices: Mapping[str, DeviceHealth]
    queue: QueueFigures
    cash_box: Mapping[int, int]
    services: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    paper: str = "unknown"
    cash_box_fullness: float = 0.0
    disk_free_bytes: int | None = None
    uptime_s: float = 0.0
    last_errors: tuple[str, ...] = ()  # texts of errors of the last ERRORS_SHOWN_S
    disk_total_bytes: int | None = None
    error_reports: tuple[ErrorReport, ...] = ()  # the latest errors, oldest first


def wire_body(
    snapshot: HealthSnapshot,
    sent_at: datetime,
    interval_s: int,
    acked: Sequence[str],
    place: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The heartbeat body exactly as central's HeartbeatRequest accepts it. Figures the kiosk
    could not read (disk space) are left out; central takes every optional field as absent."""
    devices = [
        {
            "name": name[:64],
            "level": health.level.value,
            "code": health.code[:64],
            "message_key": health.message_key[:128],
        }
        for name, health in list(snapshot.devices.items())[:MAX_DEVICES]
    ]
    body: dict[str, Any] = {
        "sent_at": sent_at.isoformat(timespec="seconds"),
        "software_version": snapshot.software_version[:64] or "unknown",
        "interval_s": interval_s,
        "out_of_service": snapshot.out_of_service_reason is not None,
        "devices": devices,
        "queue": {
            "pending": snapshot.queue.pending,
            "dead": snapshot.queue.dead,
            "oldest_pending_age_s": snapshot.queue.oldest_pending_age_s,
            "last_success_at": _iso(snapshot.queue.last_success_at),
        },
        "cash_box": {str(d): c for d, c in sorted(snapshot.cash_box.items()) if c > 0},
        "acked_commands": list(acked[:MAX_ACKS]),
        "services": {
            name: {key: int(counts.get(key, 0)) for key in SERVICE_COUNTERS}
            for name, counts in snapshot.services.items()
        },
        "uptime_s": max(0, int(snapshot.uptime_s)),
        "last_errors": [
            {
                "at": _iso(e.at),
                "code": e.code[:MAX_CODE] or "error",
                "text": e.text[:MAX_ERROR_TEXT],
            }
            for e in snapshot.error_reports[-MAX_ERRORS:]
        ],
    }
    body.update(place or {})  # region / city / hall / location: where the kiosk stands
    free, total = snapshot.disk_free_bytes, snapshot.disk_total_bytes
    if free is not None and total and 0 <= free <= total:
        body["disk_free_bytes"] = free
        body["disk_total_bytes"] = total
    return body


# Left out of the retry a central older than the field refuses (422): figures, and where the
# kiosk stands (central before its migration 0002).
OPTIONAL_FIGURES = (
    "uptime_s", "disk_free_bytes", "disk_total_bytes", "last_errors",
    "region", "city", "hall", "location",
)  # fmt: skip


def legacy_body(body: dict[str, Any]) -> dict[str, Any]:
    """`body` without the optional figures: what a central that predates them accepts."""
    legacy = {key: value for key, value in body.items() if key not in OPTIONAL_FIGURES}
    legacy["queue"] = {k: v for k, v in body["queue"].items() if k != "last_success_at"}
    return legacy


def _iso(epoch_s: float | None) -> str | None:
    if epoch_s is None:
        return None
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="seconds")


class CommandLedger:
    """Ids of commands run (newest KEEP_EXECUTED) and acknowledgements not yet delivered, in a
    file in the data folder. Used by one thread at a time (the reporter's beat lock)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        data = read_json(path) or {}
        executed = data.get("executed", [])
        acks = data.get("pending_acks", [])
        self._executed: list[str] = [str(i) for i in executed] if isinstance(executed, list) else []
        self._acks: list[str] = [str(i) for i in acks] if isinstance(acks, list) else []

    def _save(self) -> None:
        write_json_atomic(
            self._path,
            {"executed": self._executed[-KEEP_EXECUTED:], "pending_acks": self._acks},
        )

    def executed(self, command_id: str) -> bool:
        return command_id in self._executed

    def pending_acks(self) -> list[str]:
        return list(self._acks)

    def begin(self, command_id: str) -> None:
        """Before running: from now on this id never runs again, and will be acknowledged."""
        self._executed.append(command_id)
        if command_id not in self._acks:
            self._acks.append(command_id)
        self._save()

    def undo(self, command_id: str) -> None:
        """The command could not run (CommandRetry): central may send it again."""
        self._executed = [i for i in self._executed if i != command_id]
        self._acks = [i for i in self._acks if i != command_id]
        self._save()

    def ack_again(self, command_id: str) -> None:
        """Central sent a command already run: its acknowledgement got lost; send it again."""
        if command_id not in self._acks:
            self._acks.append(command_id)
            self._save()

    def delivered(self, command_ids: Sequence[str]) -> None:
        if command_ids:
            self._acks = [i for i in self._acks if i not in set(command_ids)]
            self._save()


class HealthReporter:
    """The heartbeat thread. `snapshot()` is called on that thread; `commands[kind](id)` runs
    a remote command (raise CommandRetry to have it sent again). `upload_logs` is built in when
    `log_lines` is given: it posts those lines to central's `/v1/logs`."""

    def __init__(
        self,
        url: str,
        kiosk_id: str,
        token: str,
        *,
        snapshot: Callable[[], HealthSnapshot],
        commands: Mapping[str, Callable[[str], None]],
        ledger_path: Path,
        log_lines: Callable[[], list[str]] | None = None,
        on_command: Callable[[str, str], None] | None = None,
        interval_s: int = 60,
        timeout_s: float = 5.0,
        coalesce_s: float = 0.5,
        min_gap_s: float = 1.0,
        ca_bundle: str | None = None,
        client_cert: tuple[str, str] | None = None,
        place: Mapping[str, str] | None = None,
    ) -> None:
        self._base = url.rstrip("/")
        self._place = dict(place or {})
        self._snapshot = snapshot
        self._commands = dict(commands)
        if log_lines is not None:
            self._log_lines = log_lines
            self._commands.setdefault("upload_logs", self._upload_logs)
        self._on_command = on_command  # journals (id, kind) before the command runs
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._coalesce_s = coalesce_s
        self._min_gap_s = min_gap_s
        self._session = CentralSession(
            kiosk_id, token, ca_bundle=ca_bundle, client_cert=client_cert
        )
        self._ledger = CommandLedger(ledger_path)
        self._beat_lock = threading.Lock()
        self._wake = threading.Condition()
        self._changed = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        self.last_snapshot: HealthSnapshot | None = None
        self.last_success: datetime | None = None
        self.beats_sent = 0  # answered by central
        self.beats_failed = 0

    # --- the thread ------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout_s + 5)
            self._thread = None
        self._session.close()

    def notify_changed(self) -> None:
        """Something the heartbeat reports changed: beat soon. Never blocks."""
        with self._wake:
            self._changed = True
            self._wake.notify_all()

    def _wait(self, seconds: float, *, until_changed: bool) -> bool:
        """Sleep `seconds` (or until a change, if asked); False once stopping."""
        deadline = time.monotonic() + seconds
        with self._wake:
            while not self._stopping and not (until_changed and self._changed):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._wake.wait(remaining)
            return not self._stopping

    def _run(self) -> None:
        while True:
            started = time.monotonic()
            self.beat()
            if not self._wait(self._interval_s, until_changed=True):
                return
            if self._changed:
                # A burst of changes (a device flapping, a note after a note) is one beat: let
                # it settle, and keep a flapping device from beating more than once a gap.
                pause = max(self._coalesce_s, started + self._min_gap_s - time.monotonic())
                if not self._wait(pause, until_changed=False):
                    return
            with self._wake:
                self._changed = False

    # --- one beat --------------------------------------------------------------------------

    def beat(self) -> bool:
        """Send one heartbeat now and run the commands of the answer; False if it failed
        (nothing is kept for later: the next beat reports the state of its own time)."""
        with self._beat_lock:
            try:
                snapshot = self._snapshot()
            except Exception as exc:  # a broken source must not kill the heartbeat thread
                log.exception("heartbeat snapshot failed")
                self.last_error = f"snapshot: {exc}"
                self.beats_failed += 1
                return False
            self.last_snapshot = snapshot
            acked = self._ledger.pending_acks()[:MAX_ACKS]
            body = wire_body(snapshot, datetime.now(UTC), self._interval_s, acked, self._place)
            try:
                commands = self._post_compatible(body)
            except (requests.RequestException, ValueError) as exc:
                self.last_error = str(exc)
                self.beats_failed += 1
                log.warning("heartbeat failed: %s", exc)
                return False
            self.last_error = None
            self.last_success = datetime.now(UTC)
            self.beats_sent += 1
            self._ledger.delivered(acked)
            ran = self._run_commands(commands)
        if ran:
            self.notify_changed()  # acknowledge (and report what the command changed) soon
        return True

    def _post_compatible(self, body: dict[str, Any]) -> list[tuple[str, str]]:
        """Post `body`; a central older than the optional figures refuses them (422, its
        models forbid unknown fields): then the same beat goes once more without them."""
        try:
            return self._post(body)
        except requests.HTTPError as exc:
            legacy = legacy_body(body)
            if exc.response is None or exc.response.status_code != 422 or legacy == body:
                raise
        log.info("central refused the heartbeat's optional figures; sent without them")
        return self._post(legacy)

    def _post(self, body: dict[str, Any]) -> list[tuple[str, str]]:
        reply = self._session.post(f"{self._base}/v1/heartbeat", json=body, timeout=self._timeout_s)
        reply.raise_for_status()
        answer = reply.json()
        raw = answer.get("commands") if isinstance(answer, dict) else None
        if not isinstance(raw, list):
            raise ValueError("central's heartbeat answer has no command list")
        commands = []
        for item in raw:
            if not isinstance(item, dict):
                raise ValueError("a command in central's answer is not an object")
            command_id, kind = item.get("id"), item.get("kind")
            if not isinstance(command_id, str) or not 1 <= len(command_id) <= 64:
                raise ValueError("a command in central's answer has no valid id")
            commands.append((command_id, str(kind)))
        return commands

    def _run_commands(self, commands: list[tuple[str, str]]) -> bool:
        ran = False
        for command_id, kind in commands:
            if self._ledger.executed(command_id):
                # Central lost our acknowledgement (a power cut of its own): never run twice.
                self._ledger.ack_again(command_id)
                ran = True
                continue
            handler = self._commands.get(kind)
            if handler is None:
                # Left unacknowledged on purpose: ops keep seeing it pending, not "done".
                log.warning(
                    "remote command %s of unknown kind %r not carried out", command_id, kind
                )
                continue
            self._ledger.begin(command_id)  # before running: a restart command ends this process
            ran = True
            log.info("remote command %s: %s", command_id, kind)
            if self._on_command is not None:
                try:
                    self._on_command(command_id, kind)
                except Exception:
                    # Not on the record, so not run: central sends it again with a later answer.
                    log.exception("remote command %s not journalled; not carried out", command_id)
                    self._ledger.undo(command_id)
                    continue
            try:
                handler(command_id)
            except CommandRetry as exc:
                log.warning("remote command %s (%s) deferred: %s", command_id, kind, exc)
                self._ledger.undo(command_id)
            except Exception:
                # Run once means once: a failed command is acknowledged, and the log says why.
                log.exception("remote command %s (%s) failed", command_id, kind)
        return ran

    def _upload_logs(self, command_id: str) -> None:
        lines = [line[:MAX_LOG_LINE] for line in self._log_lines()][-MAX_LOG_LINES:]
        try:
            reply = self._session.post(
                f"{self._base}/v1/logs",
                json={"command_id": command_id, "lines": lines},
                timeout=self._timeout_s,
            )
        except requests.RequestException as exc:
            raise CommandRetry(f"log upload failed: {exc}") from None
        if reply.status_code >= 500 or reply.status_code in (408, 429):
            raise CommandRetry(f"log upload failed: HTTP {reply.status_code}")
        # Any other refusal would be refused again: fail (logged, acknowledged) instead.
        reply.raise_for_status()
