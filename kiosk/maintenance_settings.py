"""config.yaml `maintenance:` section: who may enter maintenance mode and how (see maintenance).

A technician is identified by a card — the ID-format technician badge read by the ID card
reader, or a configured SIM (its ICCID) put in the SIM reader — or by the hidden touch sequence
on the attract screen; then a PIN of 6 to 12 digits. PINs and badge numbers are stored only as
scrypt hashes (`kiosk maintenance pin-hash` makes one, and refuses a PIN shorter than 6 digits),
so this file never holds a usable secret — nor a PIN's length: a hash made of a 4- or 5-digit
PIN (accepted once) cannot be told at load time, and that PIN is refused when entered with a
message telling the technician to set a longer one (maintenance_auth.PinTooShort).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCRYPT_PATTERN = r"^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[0-9a-f]{32}\$[0-9a-f]{64}$"
# The four corners of the attract screen, as the UI names a touch there.
Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Technician(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(default="", max_length=64)
    pin_hash: str = Field(pattern=SCRYPT_PATTERN)
    # scrypt hashes of the number on the technician's ID-format badge (never the number).
    badge_hashes: tuple[str, ...] = ()
    # ICCIDs of the technician's service SIMs (a card identifier, not personal data).
    iccids: tuple[str, ...] = ()

    @field_validator("badge_hashes")
    @classmethod
    def _hashes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not re.match(SCRYPT_PATTERN, item):
                raise ValueError("badge_hashes must be scrypt$n$r$p$salt$hash strings")
        return value

    @field_validator("iccids")
    @classmethod
    def _iccids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not (18 <= len(item) <= 20 and item.isascii() and item.isdigit()):
                raise ValueError("an ICCID is 18 to 20 digits")
        return value


class MaintenanceSection(_Strict):
    # Wrong PINs in a row before maintenance locks, and for how long: each further lock with no
    # right PIN in between lasts twice as long, up to 24 h (maintenance_auth.MAX_LOCKOUT_S).
    max_pin_attempts: int = Field(default=5, ge=1, le=20)
    lockout_s: int = Field(default=900, ge=60, le=86400)
    technicians: tuple[Technician, ...] = ()
    # Corners touched in this order, each within `touch_window_s` of the previous one, open
    # the PIN screen (empty: no touch entry, cards only).
    touch_sequence: tuple[Corner, ...] = (
        "top_left",
        "top_right",
        "top_left",
        "bottom_right",
        "bottom_left",
    )
    touch_window_s: float = Field(default=2.0, gt=0, le=10)
    # The PIN screen waits this long after a card or the sequence, then forgets it.
    pin_entry_timeout_s: int = Field(default=60, ge=10, le=600)
    # A maintenance session with no technician action for this long ends (logout journalled).
    idle_timeout_s: int = Field(default=300, ge=30, le=3600)
    # Notes the cash box holds; the heartbeat warns from `cash_box_warn_ratio` of it.
    cash_box_capacity: int = Field(default=1000, ge=1, le=100_000)
    cash_box_warn_ratio: float = Field(default=0.9, gt=0, le=1)
    # Free space of the data folder below which the heartbeat warns / reports an error.
    disk_warn_mb: int = Field(default=500, ge=1)
    disk_error_mb: int = Field(default=50, ge=1)

    @field_validator("technicians")
    @classmethod
    def _unique(cls, value: tuple[Technician, ...]) -> tuple[Technician, ...]:
        ids = [technician.id for technician in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a technician id is listed twice")
        return value
