"""config.yaml `logging:` section: structured log output and per-device traffic logs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The device roles of `devices:` in config.yaml; a traffic log is switched on by role.
DeviceRole = Literal[
    "bill_acceptor", "printer", "id_card_reader", "card_dispenser", "sim_reader", "card_terminal"
]


class LoggingSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # JSON lines on the console; under systemd both streams go to the journal. stderr by
    # default so a command's own output on stdout (`kiosk queue status`) stays clean.
    console: Literal["stderr", "stdout", "off"] = "stderr"
    # Rotating JSON-lines file, relative to the data folder; empty: stdout/journald only.
    file: Path | None = Path("logs/kiosk.log")
    max_bytes: int = Field(default=5_000_000, ge=10_000)
    backups: int = Field(default=5, ge=0, le=100)
    # Diagnosis: these devices' driver loggers go to DEBUG into logs/traffic-<role>.log
    # (same rotation), e.g. `traffic: [bill_acceptor, printer]`. Personal data is scrubbed
    # there too. Switch off again after diagnosis: traffic logs are large.
    traffic: tuple[DeviceRole, ...] = ()

    @field_validator("traffic")
    @classmethod
    def _unique(cls, value: tuple[DeviceRole, ...]) -> tuple[DeviceRole, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a device is listed twice")
        return value
