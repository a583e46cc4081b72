"""Small JSON state files in the data folder (lockout, service switch, paper, command ledger),
written atomically and durably: a power cut leaves the old file or the new one, never half.
Writers in several processes (the kiosk and technician CLI commands) each write their own
uniquely named temporary file; `file_lock` serialises a read-modify-write across processes."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

log = logging.getLogger(__name__)


class StateFileError(KioskError):
    """A state file could not be written (a full or failing disk)."""

    message_key = "error.storage"


def write_json_atomic(path: Path, value: object) -> None:
    """Write `value` to a fresh temporary file in `path`'s folder (a unique name, so concurrent
    writers never share one), fsync it, rename it over `path`, fsync the folder."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
        temporary = None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise StateFileError(f"cannot write {path}: {exc}") from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for `path` against other processes (fcntl.flock on `<name>.lock`
    next to it, which is created and never removed) and other threads of this one. Blocks until
    the lock is free; StateFileError if the lock file cannot be opened or locked."""
    lock_path = path.with_name(path.name + ".lock")
    with _thread_locks_guard:
        in_process = _thread_locks.setdefault(str(lock_path.absolute()), threading.Lock())
    with in_process:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateFileError(f"cannot open {lock_path}: {exc}") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as exc:
                raise StateFileError(f"cannot lock {lock_path}: {exc}") from exc
            yield  # closing the descriptor releases the flock
        finally:
            os.close(fd)
