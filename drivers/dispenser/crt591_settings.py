"""Settings of the CRT-591-M dispenser, validated where config enters (extra keys refused)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from drivers.dispenser.crt591_codec import MAX_ADDRESS


class Crt591Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # serial_for_url URL of the unit's port: /dev/ttyUSB0, rfc2217://..., spy://...
    url: str = Field(default="", description="empty with simulate: the simulator's pty")
    # §1.1.1: the unit detects any of these on its first reset; 8N1.
    baudrate: Literal[9600, 19200, 38400, 57600] = 9600
    address: int = Field(default=0, ge=0, le=MAX_ADDRESS, description="§1.3 DIP switches")
    ack_timeout_s: float = Field(default=0.3, gt=0, le=5)  # §1.4.2 case 1: 300 ms
    reply_timeout_s: float = Field(default=8.0, gt=0, le=60)  # a movement's execution
    retries: int = Field(default=3, ge=0, le=10)  # per NAK or missing ACK / unreadable reply
    capture_after_s: float = Field(default=30.0, gt=0, le=600)  # card left at the mouth
    take_poll_s: float = Field(default=0.25, gt=0, le=5)
    # The simulator's mechanism (simulate: true only).
    sim_stock: int = Field(default=50, ge=0)
    sim_low_at: int = Field(default=5, ge=0)
    sim_bin_capacity: int = Field(default=30, ge=1)
