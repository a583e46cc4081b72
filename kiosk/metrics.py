"""Per-service counts of the kiosk's business day for central (the diversion-rate figures).

For each service: sessions started, completed, abandoned (the customer gave up or walked away)
and failed (the kiosk or central could not do it); and money taken per payment method. Kept in a
small JSON file in the data folder so that a restart does not zero the day; these are statistics,
not money (the journal is the record of money), so a failed write is logged and the counts stay
in memory.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

COUNTERS = ("started", "completed", "abandoned", "failed")


class Outcome(enum.Enum):
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    FAILED = "failed"


class ServiceMetrics:
    """Thread-safe counters of today (the kiosk's local date), persisted on every change."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = datetime.now) -> None:
        self._path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._day: date = clock().date()
        self._services: dict[str, dict[str, int]] = {}
        self._amounts: dict[str, int] = {}
        self._load()

    def started(self, service: str) -> None:
        self._add(service, "started")

    def finished(self, service: str, outcome: Outcome) -> None:
        self._add(service, outcome.value)

    def paid(self, method: str, amount_fen: int) -> None:
        with self._lock:
            self._roll()
            self._amounts[method] = self._amounts.get(method, 0) + amount_fen
            self._save()

    def today(self) -> dict[str, dict[str, int]]:
        """{service: {started, completed, abandoned, failed}} — the heartbeat's `services`."""
        with self._lock:
            self._roll()
            return {name: dict(counts) for name, counts in self._services.items()}

    def amounts_today(self) -> dict[str, int]:
        """Fen taken today per payment method (cash, card)."""
        with self._lock:
            self._roll()
            return dict(self._amounts)

    def _add(self, service: str, counter: str) -> None:
        with self._lock:
            self._roll()
            counts = self._services.setdefault(service, dict.fromkeys(COUNTERS, 0))
            counts[counter] += 1
            self._save()

    def _roll(self) -> None:
        today = self._clock().date()
        if today != self._day:
            self._day, self._services, self._amounts = today, {}, {}

    def _load(self) -> None:
        try:
            data: Any = json.loads(self._path.read_text(encoding="utf-8"))
            if data.get("day") != self._day.isoformat():
                return
            services = {
                str(name): {c: int(counts[c]) for c in COUNTERS}
                for name, counts in data["services"].items()
            }
            amounts = {str(k): int(v) for k, v in data["amounts_fen"].items()}
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("metrics file %s unreadable, starting the day at zero: %s", self._path, exc)
            return
        self._services, self._amounts = services, amounts

    def _save(self) -> None:
        body = {
            "day": self._day.isoformat(),
            "services": self._services,
            "amounts_fen": self._amounts,
        }
        temporary = self._path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(body, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self._path)
        except OSError as exc:
            log.warning("metrics not saved: %s", exc)
