"""What the maintenance screens show, as plain rows for QML (no Qt here): device health with
self-test results, the cash box, the queue, dead letters and the configuration summary.

Only formatting: every figure comes from kiosk/maintenance.py as it reported it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import offline_queue
from drivers.interfaces import DeviceHealth
from kiosk.maintenance import SelfTest
from kiosk.maintenance_cash import CashCollected, CashStatus
from kiosk.money import format_cny

# Devices with a self-test in kiosk/maintenance.py (MaintenanceSession.test_*).
SELF_TESTS = ("printer", "bill_acceptor", "id_card_reader")
ABOUT_ROWS_MAX = 400


def duration_text(seconds: float | None) -> str:
    """`3725` → `"1:02:05"`, `65` → `"1:05"`; None → `""` (nothing waiting)."""
    if seconds is None:
        return ""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def local_time_text(iso: str | None) -> str:
    """An ISO time as journalled (UTC) in the kiosk's local time, `YYYY-MM-DD HH:MM:SS`."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def self_test_row(result: SelfTest | None, running: bool) -> dict[str, Any]:
    if running:
        return {"state": "running", "code": "", "detail": ""}
    if result is None:
        return {"state": "", "code": "", "detail": ""}
    return {
        "state": "passed" if result.passed else "failed",
        "code": result.code,
        "detail": result.detail,
    }


def device_rows(
    health: Mapping[str, DeviceHealth],
    results: Mapping[str, SelfTest],
    running: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """One row per installed device: its health and, for a testable one, the last result."""
    rows = []
    for name, state in health.items():
        rows.append({
            "name": name,
            "level": state.level.value,
            "code": state.code,
            "detail": state.detail,
            "testable": name in SELF_TESTS,
            "test": self_test_row(results.get(name), name in running),
        })  # fmt: skip
    return rows


@dataclass(frozen=True)
class CashView:
    rows: list[dict[str, Any]]
    total: str
    notes: int
    capacity: int
    fullness: float  # 0..1 of the configured capacity
    last_collected: str  # ISO time as journalled; "" never

    @classmethod
    def of(cls, status: CashStatus) -> CashView:
        rows = [
            {"denomination": format_cny(d), "count": c, "subtotal": format_cny(d * c)}
            for d, c in sorted(status.counts.items(), reverse=True)
        ]
        capacity = max(status.capacity, 1)
        return cls(
            rows=rows,
            total=format_cny(status.total_fen),
            notes=status.notes,
            capacity=status.capacity,
            fullness=min(status.notes / capacity, 1.0),
            last_collected=local_time_text(status.last_collected_at),
        )


EMPTY_CASH = CashView([], format_cny(0), 0, 0, 0.0, "")


def collected_rows(collected: CashCollected) -> list[dict[str, Any]]:
    return [
        {"denomination": format_cny(d), "count": c, "subtotal": format_cny(d * c)}
        for d, c in sorted(collected.counts.items(), reverse=True)
    ]


@dataclass(frozen=True)
class QueueView:
    pending: int
    acked: int
    dead: int
    oldest: str  # age of the oldest pending item, "" none

    @classmethod
    def of(cls, stats: offline_queue.QueueStats | None) -> QueueView:
        if stats is None:
            return EMPTY_QUEUE
        return cls(
            stats.pending, stats.acked, stats.dead, duration_text(stats.oldest_pending_age_s)
        )


EMPTY_QUEUE = QueueView(0, 0, 0, "")


def dead_letter_rows(items: list[offline_queue.OutboxItem]) -> list[dict[str, Any]]:
    """Key, kind, attempts and central's reason — never the body (it may be sealed personal
    data)."""
    now = time.time()
    return [
        {
            "key": item.key,
            "kind": item.kind,
            "attempts": item.attempts,
            "error": item.last_error or "",
            "age": duration_text(now - item.created_at),
        }
        for item in items
    ]


def about_rows(summary: Mapping[str, Any], prefix: str = "") -> list[dict[str, str]]:
    """The config summary (already redacted by the core) as `dotted.key: value` rows."""
    rows: list[dict[str, str]] = []
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(about_rows(value, name + "."))
        elif isinstance(value, list):
            rows.append({"key": name, "value": ", ".join(str(v) for v in value)})
        else:
            rows.append({"key": name, "value": "" if value is None else str(value)})
    return rows[:ABOUT_ROWS_MAX]
