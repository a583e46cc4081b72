"""Heartbeats to central: device health, queue depth and age, cash box, version; and the remote
commands central answers with (out of service, back in service, sync now), acknowledged on the
next beat. Runs on its own thread; a failed beat is only logged (the next one carries it all)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

log = logging.getLogger(__name__)

COMMAND_KINDS = frozenset(
    {"out_of_service", "back_in_service", "restart", "sync_now", "upload_logs"}
)


@dataclass(frozen=True)
class KioskSnapshot:
    """What a heartbeat reports, read from the running kiosk."""

    software_version: str
    out_of_service: bool
    devices: list[dict[str, str]]
    queue: dict[str, Any]
    cash_box: dict[str, int]


class HealthReporter:
    def __init__(
        self,
        url: str,
        kiosk_id: str,
        token: str,
        *,
        snapshot: Callable[[], KioskSnapshot],
        on_command: Callable[[str], bool],
        interval_s: int = 15,
        timeout_s: float = 5.0,
    ) -> None:
        self._url = url.rstrip("/") + "/v1/heartbeat"
        self._snapshot = snapshot
        self._on_command = on_command  # True: carried out (acknowledged on the next beat)
        self._interval_s = interval_s
        self._timeout_s = timeout_s
        self._session = requests.Session()
        self._session.headers.update({"X-Kiosk-Id": kiosk_id, "Authorization": f"Bearer {token}"})
        self._acked: list[str] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def beat(self) -> list[dict[str, Any]]:
        """Send one heartbeat; carry out the commands in the answer; return them."""
        snap = self._snapshot()
        body = {
            "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "software_version": snap.software_version,
            "interval_s": self._interval_s,
            "out_of_service": snap.out_of_service,
            "devices": snap.devices,
            "queue": snap.queue,
            "cash_box": snap.cash_box,
            "acked_commands": list(self._acked),
        }
        try:
            reply = self._session.post(self._url, json=body, timeout=self._timeout_s)
            reply.raise_for_status()
            commands = reply.json()["commands"]
            if not isinstance(commands, list):
                raise TypeError("commands is not a list")
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            self.last_error = str(exc)
            log.warning("heartbeat failed: %s", exc)
            return []
        self.last_error = None
        self._acked = []
        for command in commands:
            kind = command.get("kind") if isinstance(command, dict) else None
            if kind in COMMAND_KINDS and self._on_command(str(kind)):
                self._acked.append(str(command.get("id")))
            else:
                log.warning("remote command not carried out: %r", command)
        return commands

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.beat()
            self._stopping.wait(self._interval_s)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout_s + 1)
            self._thread = None
        self._session.close()
