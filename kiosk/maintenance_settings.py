"""config.yaml `maintenance:` section: who may enter maintenance mode and how (see maintenance)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MaintenanceSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Wrong PINs in a row before maintenance locks, and for how long.
    max_pin_attempts: int = Field(default=5, ge=1, le=20)
    lockout_s: int = Field(default=900, ge=60, le=86400)
