"""The health model every device reports: level, stable code, message key for the UI."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class HealthLevel(enum.Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    UNKNOWN = "unknown"  # no answer is never "ok" (docs/protocols.md#real-time-status-dle-eot)


@dataclass(frozen=True)
class DeviceHealth:
    """One device's health: a stable machine code plus a message key the UI translates."""

    level: HealthLevel
    code: str
    message_key: str
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.level in (HealthLevel.OK, HealthLevel.WARNING)


HEALTH_OK = DeviceHealth(HealthLevel.OK, "ok", "device.ok")
