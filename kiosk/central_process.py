"""Starts the embedded reference central backend as a child process and waits until it serves.

A process boundary, not an import: central/ and the kiosk share only the HTTP contract.
Secrets never go on its command line (`ps` shows argv to every user): the ops token is passed
in its environment, the kiosk's token in a kiosks file only the kiosk's user can read. It
migrates and seeds its own database (`serve --migrate --seed`): it is the demo's and a lone
kiosk's central, the only instance on that database.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config import CentralSection
from kiosk.errors import CentralUnavailable

READY_PREFIX = "central listening on "
OPS_TOKEN_ENV = "CENTRAL_OPS_TOKEN"  # noqa: S105 - the name of a variable, not a secret
KIOSKS_FILE = "central-kiosks"


class EmbeddedCentral:
    def __init__(self, section: CentralSection, kiosk_id: str, data_dir: Path) -> None:
        if section.embedded is None:
            raise ValueError("central.embedded is not configured")
        self._section = section
        self._embedded = section.embedded
        self._kiosk_id = kiosk_id
        self._data_dir = data_dir
        self._process: subprocess.Popen[str] | None = None
        self.url = section.url
        self.log_lines: list[str] = []

    def _db_url(self) -> str:
        db = self._embedded.db
        return db if "://" in db else f"sqlite:///{self._data_dir / db}"

    def _kiosks_file(self) -> Path:
        """This kiosk's `ID:TOKEN` for central, readable by this user only. central registers
        it if it is not registered yet (a token rotated in central's database stays)."""
        self._data_dir.mkdir(parents=True, exist_ok=True)
        path = self._data_dir / KIOSKS_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)  # also when the file was there with other modes
            file.write(f"{self._kiosk_id}:{self._section.token}\n")
        return path

    def start(self) -> str:
        """Start central; return the URL it listens on (port 0 in the config picks a free one)."""
        parts = urlsplit(self._section.url)
        command = [
            sys.executable, "-m", "central", "serve",
            "--host", parts.hostname or "127.0.0.1",
            "--port", str(parts.port if parts.port is not None else 80),  # 0: a free port
            "--db", self._db_url(),
            "--kiosks-file", str(self._kiosks_file()),
            "--migrate", "--seed",
        ]  # fmt: skip
        env = {**os.environ, OPS_TOKEN_ENV: self._embedded.ops_token}
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=env,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(
            target=self._pump, args=(self._process, lines), name="central-log", daemon=True
        ).start()
        while True:
            try:
                line = lines.get(timeout=self._embedded.start_timeout_s)
            except queue.Empty:
                self.stop()
                raise CentralUnavailable("embedded central did not start in time") from None
            if line is None:
                tail = " | ".join(self.log_lines[-3:])
                raise CentralUnavailable(f"embedded central exited: {tail}")
            if line.startswith(READY_PREFIX):
                self.url = line[len(READY_PREFIX) :].strip().rstrip("/")
                return self.url

    def _pump(self, process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.log_lines.append(line.rstrip())
            del self.log_lines[:-200]
            lines.put(line)
        lines.put(None)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
