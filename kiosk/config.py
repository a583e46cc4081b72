"""config.yaml loaded into strict pydantic models; every problem becomes one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kiosk.errors import ConfigError
from kiosk.log_settings import LoggingSection
from kiosk.maintenance_settings import MaintenanceSection

DEFAULT_CONFIG_NAME = "config.yaml"
NOTE_DENOMINATIONS_FEN = frozenset({100, 500, 1000, 2000, 5000, 10000})

PositiveFen = Annotated[int, Field(gt=0, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(_Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = "自助终端"
    name_en: str = Field(default="", max_length=64)  # the name on English screens; "": generic
    data_dir: Path = Path("data")
    language: Literal["zh_CN", "en"] = "zh_CN"
    idle_timeout_s: int = Field(default=90, ge=10, le=3600)
    # The last seconds of the idle timeout show a countdown ("still there? touch the screen").
    idle_warning_s: int = Field(default=20, ge=3, le=120)
    # Where the kiosk stands, sent with each heartbeat: central's ops console groups, filters
    # and charts the fleet by region (大区) / city / hall (营业厅); location is the spot in the
    # hall ("entrance, left"). Optional: a kiosk that does not say is in no group.
    region: str | None = Field(default=None, min_length=1, max_length=64)
    city: str | None = Field(default=None, min_length=1, max_length=64)
    hall: str | None = Field(default=None, min_length=1, max_length=64)
    location: str | None = Field(default=None, min_length=1, max_length=128)

    def place(self) -> dict[str, str]:
        """region / city / hall / location as set (the heartbeat's optional fields)."""
        fields = {"region": self.region, "city": self.city, "hall": self.hall}
        fields["location"] = self.location
        return {name: value for name, value in fields.items() if value is not None}


class EmbeddedCentral(_Strict):
    """Start the reference central backend as a child process (demo, tests, a lone kiosk)."""

    db: str = "central.db"  # relative to the data folder, or an SQLAlchemy URL
    ops_token: str = Field(min_length=8)
    start_timeout_s: float = Field(default=20.0, gt=0)


class CentralSection(_Strict):
    url: str
    token: str = Field(min_length=8)
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    ca_bundle: Path | None = None
    # mTLS: the kiosk's client certificate and key (PEM), both or neither.
    client_cert: Path | None = None
    client_key: Path | None = None
    embedded: EmbeddedCentral | None = None

    @model_validator(mode="after")
    def _cert_pair(self) -> CentralSection:
        if (self.client_cert is None) != (self.client_key is None):
            raise ValueError("client_cert and client_key go together")
        return self

    @property
    def ca_bundle_path(self) -> str | None:
        return str(self.ca_bundle) if self.ca_bundle else None

    @property
    def client_pair(self) -> tuple[str, str] | None:
        if self.client_cert is None or self.client_key is None:
            return None
        return str(self.client_cert), str(self.client_key)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value.rstrip("/")


class SyncSection(_Strict):
    batch_size: int = Field(default=100, ge=1, le=500)
    backoff_base_s: float = Field(default=1.0, gt=0)
    backoff_max_s: float = Field(default=300.0, gt=0)
    idle_poll_s: float = Field(default=5.0, gt=0)
    # How long a payment waits for central's answer before its receipt says "pending".
    receipt_wait_s: float = Field(default=3.0, ge=0, le=30)
    # AES key (32 bytes, mode 0600) sealing personal data while it waits in the outbox;
    # relative to the data folder; made on first start.
    sealing_key_file: Path = Path("queue.key")


class TopUpSection(_Strict):
    """Limits of top-ups and bill payments. Cash takes whole notes, so `min_fen` binds card
    payments and preset amounts; the offline caps bound what the kiosk owes customers while
    central cannot confirm: per transaction, and in total over everything not yet confirmed."""

    min_fen: PositiveFen = 100
    max_fen: PositiveFen = 100_000
    offline_max_fen: PositiveFen = 20_000
    offline_total_fen: PositiveFen = 200_000
    denominations_fen: frozenset[int] = NOTE_DENOMINATIONS_FEN

    @model_validator(mode="after")
    def _ordered(self) -> TopUpSection:
        if self.min_fen > self.max_fen:
            raise ValueError("min_fen must not exceed max_fen")
        if self.offline_max_fen > self.max_fen:
            raise ValueError("offline_max_fen must not exceed max_fen")
        if self.offline_total_fen < self.offline_max_fen:
            raise ValueError("offline_total_fen must be at least offline_max_fen")
        return self

    @field_validator("denominations_fen")
    @classmethod
    def _known_notes(cls, value: frozenset[int]) -> frozenset[int]:
        unknown = value - NOTE_DENOMINATIONS_FEN
        if unknown:
            raise ValueError(f"not a CNY note in fen: {sorted(unknown)}")
        if not value:
            raise ValueError("at least one denomination must be accepted")
        return value


class DeviceSection(_Strict):
    """One device: `driver` picks the implementation, `settings` are checked by that driver."""

    driver: str
    settings: dict[str, Any] = Field(default_factory=dict)
    # Start the driver's protocol simulator and point the driver at it.
    simulate: bool = False
    # A required device that is down makes the services that need it unavailable.
    required: bool = True


class DevicesSection(_Strict):
    bill_acceptor: DeviceSection
    printer: DeviceSection
    id_card_reader: DeviceSection | None = None  # needed by SIM sale and replacement
    card_dispenser: DeviceSection | None = None  # needed by SIM sale
    sim_reader: DeviceSection | None = None  # PC/SC SIM reader/writer (needs pcscd running)
    card_terminal: DeviceSection | None = None  # bank card terminal (nexo Sale-to-POI)


class HealthSection(_Strict):
    """Heartbeats to central: every interval, and at once on any state change."""

    interval_s: int = Field(default=60, ge=5, le=3600)
    timeout_s: float = Field(default=5.0, gt=0, le=60)


class SimSection(_Strict):
    """SIM sale and replacement: the blank cards' administrative key, a new line's plan and
    the replacement fee."""

    # ADM key of the vendor's blank cards, hex (8 bytes). The default is the simulator's
    # factory key; a real deployment sets its own (and keeps this file 0600).
    adm_key_hex: str = Field(default="3131313131313131", pattern=r"^([0-9A-Fa-f]{2}){8}$")
    new_line_plan: str = Field(default="P38", min_length=1, max_length=32)
    # The SIM replacement (补换卡) fee, in fen, paid in cash or by card before the card is
    # written; 0: free. At most ¥1000.00 (more is surely a slip of a digit).
    replacement_fee_fen: int = Field(default=0, ge=0, le=100_000, strict=True)

    @property
    def adm_key(self) -> bytes:
        return bytes.fromhex(self.adm_key_hex)


ServiceKey = Literal[
    "topup.cash",
    "topup.card",
    "bill.cash",
    "bill.card",
    "account.query",
    "account.invoice",
    "change.plan",
    "change.service",
    "sim.sale",
    "sim.replacement",
]
ALL_SERVICES: tuple[ServiceKey, ...] = get_args(ServiceKey)


class ServicesSection(_Strict):
    """Which services this kiosk offers (the catalogue then says which work right now)."""

    offered: tuple[ServiceKey, ...] = ALL_SERVICES

    @field_validator("offered")
    @classmethod
    def _unique(cls, value: tuple[ServiceKey, ...]) -> tuple[ServiceKey, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a service is listed twice")
        return value


class UiSection(_Strict):
    fullscreen: bool = True
    width: int = Field(default=1920, ge=480)
    height: int = Field(default=1080, ge=480)


class KioskConfig(_Strict):
    kiosk: KioskSection
    central: CentralSection
    sync: SyncSection = SyncSection()
    topup: TopUpSection = TopUpSection()
    services: ServicesSection = ServicesSection()
    sim: SimSection = SimSection()
    devices: DevicesSection
    health: HealthSection = HealthSection()
    maintenance: MaintenanceSection = MaintenanceSection()
    logging: LoggingSection = LoggingSection()
    ui: UiSection = UiSection()
    # Where the file was read from; relative paths in it are relative to its folder.
    source: Path = Field(default=Path(DEFAULT_CONFIG_NAME), exclude=True)

    @property
    def data_dir(self) -> Path:
        return (self.source.parent / self.kiosk.data_dir).resolve()


def _key_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _describe(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    return str(error["msg"])


def parse_config(data: object, source: Path) -> KioskConfig:
    """Validate already-parsed YAML; raise ConfigError naming file, key path and problem."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: top level must be a mapping of sections")
    try:
        return KioskConfig.model_validate({**data, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        more = exc.error_count() - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(
            f"{source}: {_key_path(first['loc'])}: {_describe(first)}{suffix}"
        ) from None


def load_config(path: Path | str) -> KioskConfig:
    """Read and validate a config file. Every failure is a ConfigError with one line."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{source}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{source}: {where}invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:
        # PyYAML's constructors raise plain ValueError for values that parse but cannot be
        # built (2024-13-45, `!!int x`, a 5,000-digit number); deep nesting hits the stack.
        raise ConfigError(f"{source}: invalid YAML value: {str(exc)[:200]}") from None
    return parse_config(data, source)
