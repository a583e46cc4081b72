"""The kiosk's state as maintenance and the heartbeat see it: the out-of-service switch, the
paper state, recent errors and log lines, disk space, and the snapshot that combines them with
device health, queue and cash box."""

from __future__ import annotations

import collections
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import offline_queue
from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.health_reporter import MAX_ERRORS, ErrorReport, HealthSnapshot, QueueFigures
from kiosk.journal import Journal
from kiosk.logging_setup import scrub
from kiosk.maintenance_settings import MaintenanceSection
from kiosk.maintenance_store import read_json, write_json_atomic

SERVICE_FILE = "service_switch.json"
PAPER_FILE = "paper.json"
PAPER_CODES_NEAR_END = frozenset({"paper_near_end", "paper_low"})
PAPER_CODES_OUT = frozenset({"paper_out"})
RECENT_RESTART_S = 600.0
ERRORS_SHOWN_S = 900.0  # an error logged within this window shows in the heartbeat


class ServiceSwitch:
    """The out-of-service switch a technician or ops flips, in a file: it survives a restart
    (a kiosk taken out for repair must not come back by itself) and the CLI can flip it for the
    running kiosk. Asked often (the UI's menu, every customer), so the file is read only when
    its identity changed: a stat per question, not a read and a JSON parse on the GUI thread;
    a flip is an atomic rename, so a new inode, never missed."""

    def __init__(self, path: Path, on_change: Callable[[], None] | None = None) -> None:
        self._path = path
        self._on_change = on_change
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None  # inode, mtime ns, size of the last read
        self._reason: str | None = None

    def reason(self) -> str | None:
        """Why the kiosk is out of service; None: in service."""
        try:
            stat = os.stat(self._path)
        except OSError:
            identity = None  # no file (in service), or read_json below says why not
        else:
            identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if identity is not None and identity == self._seen:
                return self._reason
            data = read_json(self._path)
            reason = data.get("reason") if data is not None else None
            self._reason = str(reason) if reason else None
            self._seen = identity
            return self._reason

    def set(self, reason: str | None, by: str | None) -> bool:
        """Out of service with `reason` (None: back in service); True if that changed it."""
        if self.reason() == reason:
            return False
        write_json_atomic(self._path, {"reason": reason, "by": by, "at": time.time()})
        with self._lock:
            # Read again next time even if the new file's inode, mtime and size all match the
            # old one's (an inode reused within one tick of a coarse file-system clock).
            self._seen = None
        if self._on_change is not None:
            self._on_change()
        return True


class PaperMonitor:
    """Paper state: a near-end seen once stays reported until a technician confirms a refill
    (the sensor flickers as the roll turns); paper out is the printer's live state."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def _latched(self) -> bool:
        data = read_json(self._path)
        return bool(data and data.get("near_end"))

    def observe(self, printer: DeviceHealth | None) -> None:
        if printer is None or printer.code not in PAPER_CODES_NEAR_END | PAPER_CODES_OUT:
            return
        with self._lock:
            if not self._latched():
                write_json_atomic(self._path, {"near_end": True, "since": time.time()})

    def state(self, printer: DeviceHealth | None) -> str:
        """ok | near_end | out | unknown."""
        if printer is not None and printer.code in PAPER_CODES_OUT:
            return "out"
        if self._latched() or (printer is not None and printer.code in PAPER_CODES_NEAR_END):
            return "near_end"
        if printer is None or printer.level is HealthLevel.UNKNOWN:
            return "unknown"
        return "ok"

    def refilled(self) -> None:
        with self._lock:
            write_json_atomic(self._path, {"near_end": False, "refilled_at": time.time()})


def error_code(record: logging.LogRecord) -> str:
    """A stable code for a logged error: the message key of the exception it carries (a
    KioskError or DriverError has one), else the name of the logger that logged it."""
    exc = record.exc_info[1] if record.exc_info else None
    key = getattr(exc, "message_key", None)
    if isinstance(key, str) and key:
        return key[:64]
    return (record.name or "root")[:64]


class LastErrors(logging.Handler):
    """Keeps the last ERROR and CRITICAL log records (scrubbed of personal data: the whole
    text is scrubbed before it is cut, so no number is left half masked)."""

    def __init__(self, keep: int = 20, clock: Callable[[], float] = time.time) -> None:
        super().__init__(logging.ERROR)
        self._records: collections.deque[ErrorReport] = collections.deque(maxlen=keep)
        self._clock = clock

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = scrub(f"{record.levelname} {record.name}: {record.getMessage()}")
            code = error_code(record)
        except Exception:  # a log call with bad arguments must not break logging
            text = f"{record.levelname} {record.name}: (unformattable message)"
            code = "log.unformattable"
        self._records.append(ErrorReport(self._clock(), code, text[:500]))

    def reports(self, within_s: float | None = None) -> tuple[ErrorReport, ...]:
        """The kept errors, oldest first (those of the last `within_s` seconds if given)."""
        cutoff = None if within_s is None else self._clock() - within_s
        return tuple(r for r in list(self._records) if cutoff is None or r.at >= cutoff)

    def recent(self, within_s: float | None = None) -> tuple[str, ...]:
        return tuple(report.text for report in self.reports(within_s))


def recent_log_lines(path: Path, count: int = 200, block: int = 65536) -> list[str]:
    """The last `count` lines of a log file (oldest first), scrubbed; [] if there is none."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            data = b""
            while end > 0 and data.count(b"\n") <= count:
                start = max(0, end - block)
                handle.seek(start)
                data = handle.read(end - start) + data
                end = start
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"(log file {path} unreadable: {exc})"]
    lines = data.decode("utf-8", errors="replace").splitlines()
    return [scrub(line) for line in lines[-count:]]


@dataclass(frozen=True)
class DiskSpace:
    free_bytes: int | None  # None: unreadable
    total_bytes: int | None = None


def disk_health(folder: Path, warn_mb: int, error_mb: int) -> tuple[DeviceHealth, DiskSpace]:
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        unknown = DeviceHealth(HealthLevel.UNKNOWN, "disk_unknown", "disk.unknown", str(exc))
        return unknown, DiskSpace(None)
    space = DiskSpace(usage.free, usage.total)
    mb = usage.free // (1024 * 1024)
    if mb < error_mb:
        return DeviceHealth(HealthLevel.ERROR, "disk_full", "disk.full", f"{mb} MB free"), space
    if mb < warn_mb:
        return DeviceHealth(HealthLevel.WARNING, "disk_low", "disk.low", f"{mb} MB free"), space
    return HEALTH_OK, space


def cash_box_health(counts: Mapping[int, int], settings: MaintenanceSection) -> DeviceHealth:
    notes = sum(counts.values())
    detail = f"{notes}/{settings.cash_box_capacity} notes"
    if notes >= settings.cash_box_capacity:
        return DeviceHealth(HealthLevel.ERROR, "cash_box_full", "cash_box.full", detail)
    if notes >= settings.cash_box_capacity * settings.cash_box_warn_ratio:
        return DeviceHealth(HealthLevel.WARNING, "cash_box_near_full", "cash_box.near_full", detail)
    return DeviceHealth(HealthLevel.OK, "ok", "device.ok", detail)


def queue_figures(
    store: offline_queue.OutboxStore | None, last_success_at: float | None = None
) -> QueueFigures:
    """The outbox's backlog for the heartbeat (zeros before the store is open), and when
    central last acked a delivery (kiosk.outbox_setup keeps that)."""
    if store is None:
        return QueueFigures(0, 0, None, last_success_at)
    stats = store.stats()
    return QueueFigures(stats.pending, stats.dead, stats.oldest_pending_age_s, last_success_at)


PAPER_HEALTH = {
    "ok": HEALTH_OK,
    "near_end": DeviceHealth(HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end"),
    "out": DeviceHealth(HealthLevel.ERROR, "paper_out", "printer.paper_out"),
    "unknown": DeviceHealth(HealthLevel.UNKNOWN, "paper_unknown", "printer.unknown"),
}


@dataclass
class StatusSources:
    """Where the snapshot's figures come from; every source is a plain callable or object so
    the composition root wires them and tests fake them."""

    version: str
    data_dir: Path
    settings: MaintenanceSection
    journal: Journal
    device_health: Callable[[], Mapping[str, DeviceHealth]]
    queue: Callable[[], QueueFigures]
    switch: ServiceSwitch
    paper: PaperMonitor
    # Out of service for a reason the app found itself (a failing disk), besides the switch.
    app_out_of_service: Callable[[], str | None] = lambda: None
    services_today: Callable[[], Mapping[str, Mapping[str, int]]] = dict
    errors: LastErrors | None = None
    started: float = field(default_factory=time.monotonic)
    printer_name: str = "printer"


def collect_snapshot(sources: StatusSources) -> HealthSnapshot:
    """The kiosk now: devices (real and derived), queue, cash box, paper, disk, uptime."""
    settings = sources.settings
    devices = dict(sources.device_health())
    printer = devices.get(sources.printer_name)
    sources.paper.observe(printer)
    paper = sources.paper.state(printer)
    cash = sources.journal.cashbox()
    disk, space = disk_health(sources.data_dir, settings.disk_warn_mb, settings.disk_error_mb)
    uptime = time.monotonic() - sources.started
    reports = sources.errors.reports() if sources.errors is not None else ()
    errors = sources.errors.recent(ERRORS_SHOWN_S) if sources.errors is not None else ()
    devices["cash_box"] = cash_box_health(cash, settings)
    devices["paper"] = PAPER_HEALTH[paper]
    devices["disk"] = disk
    devices["system"] = (
        DeviceHealth(HealthLevel.WARNING, "recently_restarted", "system.restarted")
        if uptime < RECENT_RESTART_S
        else HEALTH_OK
    )
    devices["errors"] = (
        DeviceHealth(HealthLevel.WARNING, "recent_errors", "system.recent_errors", errors[-1])
        if errors
        else HEALTH_OK
    )
    reason = sources.switch.reason() or sources.app_out_of_service()
    return HealthSnapshot(
        software_version=sources.version,
        out_of_service_reason=reason,
        devices=devices,
        queue=sources.queue(),
        cash_box=cash,
        services=sources.services_today(),
        paper=paper,
        cash_box_fullness=sum(cash.values()) / settings.cash_box_capacity,
        disk_free_bytes=space.free_bytes,
        uptime_s=uptime,
        last_errors=errors,
        disk_total_bytes=space.total_bytes,
        error_reports=reports[-MAX_ERRORS:],
    )
