"""Structured logging for the kiosk: JSON lines to the console (the journal under systemd) and to
a rotating file, personal data scrubbed from every record, per-device traffic logs on demand.

`configure_logging(config, verbose)` is called once by the CLI; calling it again replaces what
an earlier call installed (tests, a reloaded config).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from kiosk.config import KioskConfig
from kiosk.log_settings import DeviceRole

log = logging.getLogger(__name__)

# --- personal data -------------------------------------------------------------------------

# Resident ID number: 6-digit region, 8-digit birth date, 3-digit sequence, check digit or X.
# Digit boundaries only (not word boundaries): "ID110105199001011234" must be masked too.
_RESIDENT_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
# Mainland mobile number, with an optional +86/86 prefix: keep 3 + 4 digits (138****8000).
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)\d{4}(\d{4})(?!\d)")
# Card PAN candidates: 13-19 digits, contiguous or split by single spaces or dashes; masked
# only when the Luhn check passes (every real PAN does), so timestamps and counters survive.
_PAN_CANDIDATE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_pan(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not _luhn_ok(digits):
        return match.group(0)
    # First 6 (issuer) and last 4, as on the terminal's own masked PAN.
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def scrub(text: str) -> str:
    """Mask resident ID numbers, mobile numbers and card PANs in free text.

    Order matters: ID numbers (18 characters) first, then mobiles, then PANs; each mask
    inserts `*`, so a masked number is never matched again by a later rule."""
    text = _RESIDENT_ID.sub(r"\1********\2", text)
    text = _MOBILE.sub(r"\1****\2", text)
    return _PAN_CANDIDATE.sub(_mask_pan, text)


# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_FIELDS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}


def _scrub_value(value: Any) -> Any:
    """An `extra=` field, scrubbed; its JSON shape kept where it has one."""
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):  # a bare int can be a mobile number or a PAN too
        text = str(value)
        masked = scrub(text)
        return value if masked == text else masked
    if isinstance(value, Mapping):
        return {str(key): _scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub_value(item) for item in value]
    return scrub(str(value))


class PersonalDataFilter(logging.Filter):
    """Rewrites each record in place: message (with its arguments merged), exception text,
    stack and `extra=` fields. Installed on every handler (a logger's own filters would miss
    records propagated from child loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record (or leak its args)
            message = f"{record.msg!s} (bad log arguments)"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _RECORD_FIELDS:
                setattr(record, key, _scrub_value(value))
        return True


# --- JSON lines ----------------------------------------------------------------------------

# syslog priorities: journald reads a leading "<N>" on a stdout/stderr line as the level.
_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def _priority(levelno: int) -> int:
    for threshold in sorted(_PRIORITY, reverse=True):
        if levelno >= threshold:
            return _PRIORITY[threshold]
    return 7


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC, ms), level, logger, msg, then `static` fields
    (the kiosk id), exc/stack when present, and any `extra=` fields."""

    def __init__(
        self, static: Mapping[str, str] | None = None, *, journal_prefix: bool = False
    ) -> None:
        super().__init__()
        self._static = dict(static or {})
        self._journal_prefix = journal_prefix

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **self._static,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        if record.levelno >= logging.WARNING:
            entry["where"] = f"{record.module}:{record.lineno}"
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return f"<{_priority(record.levelno)}>{line}" if self._journal_prefix else line


def _is_journal_stream(stream: IO[str]) -> bool:
    """True when `stream` is connected to journald (systemd sets JOURNAL_STREAM=dev:inode)."""
    expected = os.environ.get("JOURNAL_STREAM", "")
    if not expected:
        return False
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return expected == f"{info.st_dev}:{info.st_ino}"


# --- handlers ------------------------------------------------------------------------------

_OWNED = "_kiosk_logging_setup"  # marks handlers this module installed
_traffic_loggers: list[str] = []

# Device driver name (config `driver:`) → package under drivers/ whose loggers carry its traffic.
_DRIVER_PACKAGES = {"pcsc": "simcard", "nexo": "cardterminal"}


def traffic_logger_name(driver: str) -> str:
    """`escpos.network` → `drivers.escpos`; `pcsc` → `drivers.simcard`; `nexo` →
    `drivers.cardterminal`."""
    family = driver.split(".", 1)[0]
    return f"drivers.{_DRIVER_PACKAGES.get(family, family)}"


def _own(handler: logging.Handler, level: int) -> logging.Handler:
    handler.setLevel(level)
    handler.addFilter(PersonalDataFilter())
    setattr(handler, _OWNED, True)
    return handler


def unconfigure_logging() -> None:
    """Remove everything configure_logging installed (handlers, traffic logger levels)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in _traffic_loggers)]
    for logger in loggers:
        for handler in list(logger.handlers):
            if getattr(handler, _OWNED, False):
                logger.removeHandler(handler)
                handler.close()
    for name in _traffic_loggers:
        logging.getLogger(name).setLevel(logging.NOTSET)
    _traffic_loggers.clear()


def _rotating(path: Path, config: KioskConfig) -> logging.Handler:
    settings = config.logging
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    return logging.handlers.RotatingFileHandler(
        path, maxBytes=settings.max_bytes, backupCount=settings.backups, encoding="utf-8"
    )


def log_folder(config: KioskConfig) -> Path:
    """Where the rotating log and traffic logs live (inside the data folder by default)."""
    settings = config.logging
    if settings.file is not None:
        return (config.data_dir / settings.file).parent
    return config.data_dir / "logs"


def configure_logging(config: KioskConfig, verbose: int, *, to_file: bool = True) -> None:
    """Install the kiosk's handlers on the root logger. `verbose` (-v, -vv) lowers the
    configured level to INFO or DEBUG. `to_file=False` keeps a short-lived command (a
    technician's `kiosk queue status` next to the running kiosk) off the shared rotating file:
    RotatingFileHandler is not safe across processes."""
    settings = config.logging
    level = logging.getLevelNamesMapping()[settings.level]
    if verbose >= 2:
        level = logging.DEBUG
    elif verbose == 1:
        level = min(level, logging.INFO)
    unconfigure_logging()
    root = logging.getLogger()
    root.setLevel(level)
    static = {"kiosk": config.kiosk.id}
    problems: list[str] = []

    if settings.console != "off":
        stream = sys.stdout if settings.console == "stdout" else sys.stderr
        console = logging.StreamHandler(stream)
        console.setFormatter(JsonFormatter(static, journal_prefix=_is_journal_stream(stream)))
        root.addHandler(_own(console, level))

    if to_file and settings.file is not None:
        path = config.data_dir / settings.file
        try:
            handler = _rotating(path, config)
        except OSError as exc:
            # Logs are not money: a read-only or full disk must not stop the kiosk from starting
            # (the disk check of the health reporter puts it out of service if it matters).
            problems.append(f"log file {path} unavailable, logging to the console only: {exc}")
        else:
            handler.setFormatter(JsonFormatter(static))
            root.addHandler(_own(handler, level))

    for role in settings.traffic if to_file else ():
        problem = _add_traffic_log(config, role, static)
        if problem:
            problems.append(problem)

    logging.captureWarnings(True)
    for problem in problems:
        log.warning("%s", problem)


def _add_traffic_log(config: KioskConfig, role: DeviceRole, static: Mapping[str, str]) -> str:
    section = getattr(config.devices, role)
    if section is None:
        return f"traffic log for {role}: no such device configured"
    name = traffic_logger_name(section.driver)
    path = log_folder(config) / f"traffic-{role}.log"
    try:
        handler = _rotating(path, config)
    except OSError as exc:
        return f"traffic log for {role} at {path} unavailable: {exc}"
    handler.setFormatter(JsonFormatter({**static, "device": role}))
    logger = logging.getLogger(name)
    logger.setLevel(logging.DEBUG)  # the console and main file keep their own level
    logger.addHandler(_own(handler, logging.DEBUG))
    _traffic_loggers.append(name)
    return ""
