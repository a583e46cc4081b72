"""config.yaml `logging:` section: structured log output and per-device traffic logs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LoggingSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Rotating JSON-lines file, relative to the data folder; empty: stdout/journald only.
    file: Path | None = Path("logs/kiosk.log")
    max_bytes: int = Field(default=5_000_000, ge=10_000)
    backups: int = Field(default=5, ge=0, le=100)
