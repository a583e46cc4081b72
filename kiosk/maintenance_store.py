"""Small JSON state files in the data folder (lockout, service switch, paper, command ledger),
written atomically and durably: a power cut leaves the old file or the new one, never half."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

log = logging.getLogger(__name__)


class StateFileError(KioskError):
    """A state file could not be written (a full or failing disk)."""

    message_key = "error.storage"


def write_json_atomic(path: Path, value: object) -> None:
    """Write `value` to a temporary file, fsync it, rename it over `path`, fsync the folder."""
    temporary = path.with_name(path.name + ".tmp")
    data = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        raise StateFileError(f"cannot write {path}: {exc}") from exc


def read_json(path: Path) -> dict[str, Any] | None:
    """The object in `path`; None if there is no file. A damaged file is logged and treated as
    absent — callers pick the safe default for their state."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.error("state file %s unreadable: %s", path, exc)
        return None
    if not isinstance(value, dict):
        log.error("state file %s does not hold an object", path)
        return None
    return value
