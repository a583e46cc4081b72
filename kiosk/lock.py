"""One kiosk process per data folder: an exclusive lock file, released when the process dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from kiosk.errors import KioskError


class DataFolderLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "kiosk.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="ascii")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise KioskError(
                f"another kiosk process (pid {holder}) uses {self.path.parent}",
                message_key="error.already_running",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> DataFolderLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
