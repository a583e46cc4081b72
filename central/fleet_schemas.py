"""Models of the heartbeat, remote command and fleet APIs; every request model forbids extras.

Numbers and flags are strict (a JSON string "5" is not an int, "true" is not a bool), and a
date-time is an ISO-8601 string with a UTC offset (a number is not taken as Unix time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from central.schemas import IsoDateTime

DeviceLevel = Literal["ok", "warning", "error", "unknown"]
AlertLevel = Literal["error", "warning", "unknown"]
CommandKind = Literal["out_of_service", "back_in_service", "restart", "sync_now", "upload_logs"]
KioskStatus = Literal["online", "offline"]

MAX_DEVICES = 32
MAX_DENOMINATIONS = 32
MAX_ACKS = 100
MAX_COUNT = 1_000_000_000
# A denomination in fen: a positive integer without leading zeros, at most ¥100,000.
Denomination = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,6}$")]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, Field(min_length=1, max_length=64)]
CommandId = Annotated[str, Field(min_length=1, max_length=64)]
Place = Annotated[str, Field(min_length=1, max_length=64)]


class DeviceState(BaseModel):
    """One device as the kiosk sees it; `code` names the fault (paper_out, acceptor_jam...)."""

    model_config = ConfigDict(extra="forbid")

    name: Text
    level: DeviceLevel
    code: Annotated[str, Field(max_length=64)]
    message_key: Annotated[str, Field(max_length=128)]


class QueueState(BaseModel):
    """The kiosk's outbox: items waiting, items given up on, age of the oldest waiting one."""

    model_config = ConfigDict(extra="forbid")

    pending: Count
    dead: Count
    oldest_pending_age_s: Annotated[StrictFloat, Field(ge=0, allow_inf_nan=False)] | None
    last_success_at: IsoDateTime | None = Field(
        default=None,
        description="when central last acknowledged a delivery of this outbox (null: never)",
    )


MAX_ERRORS = 10
MAX_ERROR_TEXT = 200
MAX_BYTES = 2**60  # far above any disk, small enough for a BIGINT column


class ErrorReport(BaseModel):
    """One of the kiosk's latest errors: a stable code and a short text free of personal data
    (the kiosk masks ID numbers, phone numbers and names before sending)."""

    model_config = ConfigDict(extra="forbid")

    at: IsoDateTime
    code: Text
    text: Annotated[str, Field(max_length=MAX_ERROR_TEXT)]


ServiceName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.]{0,31}$")]  # e.g. topup.cash
MAX_SERVICES = 32


class ServiceCounts(BaseModel):
    """Customer sessions of one service on the kiosk's current business day."""

    model_config = ConfigDict(extra="forbid")

    started: Count
    completed: Count
    abandoned: Count
    failed: Count


class HeartbeatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sent_at: IsoDateTime = Field(description="ISO-8601 with a UTC offset, the kiosk's clock")
    software_version: Text
    interval_s: Annotated[StrictInt, Field(ge=5, le=3600)] = Field(
        description="seconds until the next heartbeat; offline after 3 intervals without one"
    )
    out_of_service: StrictBool
    devices: list[DeviceState] = Field(max_length=MAX_DEVICES)
    queue: QueueState
    cash_box: dict[Denomination, Count] = Field(
        max_length=MAX_DENOMINATIONS,
        description="notes or coins in the cash box: denomination in fen (as a string) → count",
    )
    acked_commands: list[CommandId] = Field(
        max_length=MAX_ACKS, description="ids of commands carried out since the last heartbeat"
    )
    services: dict[ServiceName, ServiceCounts] = Field(
        default_factory=dict,
        max_length=MAX_SERVICES,
        description=(
            "today's customer sessions per service (the kiosk's business day, the date of "
            "sent_at): the base of the fleet's diversion rate"
        ),
    )
    # Optional: heartbeats of kiosks that predate these fields stay valid without them.
    uptime_s: Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)] | None = Field(
        default=None, description="seconds since the kiosk software started"
    )
    disk_free_bytes: Annotated[StrictInt, Field(ge=0, le=MAX_BYTES)] | None = Field(
        default=None, description="free space of the kiosk's data folder's file system"
    )
    disk_total_bytes: Annotated[StrictInt, Field(ge=1, le=MAX_BYTES)] | None = Field(
        default=None, description="size of that file system"
    )
    last_errors: list[ErrorReport] = Field(
        default_factory=list,
        max_length=MAX_ERRORS,
        description="the kiosk's latest errors, oldest first",
    )
    region: Place | None = Field(default=None, description="where the kiosk stands: region (大区)")
    city: Place | None = Field(default=None, description="city (城市)")
    hall: Place | None = Field(default=None, description="business hall (营业厅)")
    location: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="the spot in the hall, e.g. 'entrance, left'"
    )

    @model_validator(mode="after")
    def _disk_free_within_total(self) -> HeartbeatRequest:
        free, total = self.disk_free_bytes, self.disk_total_bytes
        if free is not None and total is not None and free > total:
            raise PydanticCustomError("disk", "disk_free_bytes must not exceed disk_total_bytes")
        return self


class Command(BaseModel):
    id: str
    kind: CommandKind
    issued_at: datetime


class HeartbeatResponse(BaseModel):
    commands: list[Command] = Field(description="commands not acknowledged yet, oldest first")


class CommandRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CommandKind


class IssuedCommand(BaseModel):
    id: str
    kiosk_id: str
    kind: CommandKind
    issued_at: datetime
    status: Literal["pending"]


class DeviceAlert(BaseModel):
    """A device at level error, warning or unknown (not answering), or `disk` with less than
    10 % free (raised by central from disk_free_bytes / disk_total_bytes)."""

    device: str
    level: AlertLevel
    code: str
    message_key: str


class QueueBacklog(BaseModel):
    pending: int
    dead: int
    oldest_pending_age_s: float | None
    last_success_at: datetime | None = Field(
        description="when central last acknowledged a delivery, as the kiosk reports it"
    )


class ReportedError(BaseModel):
    at: datetime
    code: str
    text: str


MaintenanceDetailValue = str | int | bool | None


class MaintenanceEventOut(BaseModel):
    """One maintenance action at a kiosk as central recorded it (sync kind maintenance.v1)."""

    id: int = Field(description="central's sequence number; page older events with before_id")
    event_id: str
    action: str = Field(description="login, pin_wrong, lockout, cash_collected, self_test...")
    technician_id: str | None = Field(description="null: a remote command or the system")
    at: datetime = Field(description="when it happened, the kiosk's clock")
    received_at: datetime
    details: dict[str, MaintenanceDetailValue]
    cash_counts: dict[str, int] | None = Field(
        description="a cash collection: denomination in fen (as a string) → notes"
    )
    total_fen: int | None


class MaintenanceEventList(BaseModel):
    kiosk_id: str
    events: list[MaintenanceEventOut] = Field(description="newest first")


class ServiceVolume(BaseModel):
    """Business central recorded today for one service: how many, and the money taken."""

    service: str
    count: int
    amount_fen: int


class FleetKiosk(BaseModel):
    """One kiosk as of its latest heartbeat (null fields: it never sent one)."""

    kiosk_id: str
    status: KioskStatus
    last_seen: datetime | None
    last_heartbeat_at: datetime | None = Field(description="when central received it")
    last_heartbeat_sent_at: datetime | None = Field(description="sent_at, the kiosk's clock")
    interval_s: int | None
    software_version: str | None
    out_of_service: bool | None
    alerts: list[DeviceAlert]
    queue: QueueBacklog | None
    uptime_s: int | None
    disk_free_bytes: int | None
    disk_total_bytes: int | None
    disk_free_ratio: float | None = Field(description="free / total (null: not reported)")
    last_errors: list[ReportedError] = Field(description="latest errors, newest first")
    recent_maintenance: list[MaintenanceEventOut] = Field(
        description="the kiosk's last few maintenance events, newest first"
    )
    cash_box: dict[str, int]
    cash_fen: int
    topups_today: int
    topups_today_fen: int
    volume_today: list[ServiceVolume]
    sessions_started_today: int
    sessions_completed_today: int
    diversion_rate: float | None = Field(
        description=(
            "completed / started customer sessions today as the kiosk reports them: the share "
            "of customers the kiosk served without sending them to a counter (null: none yet)"
        )
    )


class FleetSummary(BaseModel):
    kiosks: int
    online: int
    out_of_service: int
    alerts: int
    cash_fen: int
    topups_today: int
    topups_today_fen: int
    volume_today: list[ServiceVolume]
    diversion_rate: float | None


class Fleet(BaseModel):
    generated_at: datetime
    day: str = Field(description="the business day `topups_today` counts, YYYY-MM-DD")
    utc_offset: str = Field(description="UTC offset of that day, e.g. +08:00")
    summary: FleetSummary
    kiosks: list[FleetKiosk]
