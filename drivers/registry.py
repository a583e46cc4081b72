"""Driver registry: config names a driver and its settings; this builds it (or its simulator).

Unknown driver names and invalid settings are `DriverConfigError`s naming the key path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from drivers.dispenser.crt591_settings import Crt591Settings as Crt591Fields
from drivers.errors import DriverConfigError
from drivers.id003.codec import DEFAULT_ESCROW_CODES
from drivers.interfaces import BillAcceptor, ReceiptPrinter

DeviceKind = Literal[
    "bill_acceptor", "printer", "id_card_reader", "card_dispenser", "sim_reader", "card_terminal"
]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SimulatedAcceptorSettings(_Settings):
    pass


class Id003Settings(_Settings):
    # serial_for_url URL of the acceptor's port: /dev/ttyS1, rfc2217://..., spy://...
    url: str = Field(default="", description="empty with simulate: the simulator's pty")
    # Escrow code → denomination in fen, from the firmware's sheet (check it:
    # docs/protocols.md#bill-acceptor-id-003).
    escrow_codes: dict[int, int] = Field(default_factory=lambda: dict(DEFAULT_ESCROW_CODES))
    poll_interval_s: float = Field(default=0.2, gt=0, le=2)
    timeout_s: float = Field(default=0.3, gt=0, le=5)

    @field_validator("escrow_codes")
    @classmethod
    def _codes(cls, value: dict[int, int]) -> dict[int, int]:
        if not value:
            raise ValueError("at least one escrow code is needed")
        if any(not 0x61 <= code <= 0x70 for code in value):
            raise ValueError("escrow codes are 0x61..0x70 (97..112)")
        if any(fen <= 0 for fen in value.values()):
            raise ValueError("denominations are positive fen")
        return value


class IdCardSettings(_Settings):
    url: str = Field(default="", description="empty with simulate: the simulator's pty")
    baudrate: int = Field(default=115200, description="some modules default to 9600")
    # no faster than 300 ms: docs/protocols.md#polling-and-card-presence
    poll_s: float = Field(default=0.3, ge=0.3, le=5)
    timeout_s: float = Field(default=1.0, gt=0, le=10)


class PcscSettings(_Settings):
    # Part of the PC/SC reader name to use ("" = the first reader pcscd lists); with
    # simulate: true there is no pcscd and no reader name to match (drivers/simcard/inprocess.py).
    reader: str = ""
    poll_s: float = Field(default=0.5, gt=0, le=10)


class SimulatedDispenserSettings(_Settings):
    stock: int = Field(default=50, ge=0)
    low_at: int = Field(default=5, ge=0)


class Crt591Settings(_Settings, Crt591Fields):
    """Creator CRT-591-M card dispenser; the fields are in drivers/dispenser/crt591_settings.py."""


# The characters the printer's font holds: a line with any other prints as a picture
# (drivers/escpos/raster.py) instead of garbage.
FontCharset = Literal["ascii", "gb2312", "gbk", "gb18030"]


class EscposSettings(_Settings):
    # serial_for_url URL: /dev/ttyUSB0, socket://10.0.0.5:9100, spy://..., loop://
    url: str = Field(min_length=1)
    timeout_s: float = Field(default=2.0, gt=0, le=30)
    profile: str = "TM-T88V"
    chinese: bool = True
    font_charset: FontCharset = "gb2312"
    # printable width in dots for those pictures (80 mm: 576, 58 mm: 384); None: the profile's
    paper_dots: int | None = Field(default=None, ge=8, le=2040)


class EscposUsbSettings(_Settings):
    vendor_id: int = Field(ge=0, le=0xFFFF)
    product_id: int = Field(ge=0, le=0xFFFF)
    interface: int = Field(default=0, ge=0)
    out_endpoint: int = Field(default=0x01, ge=0, le=0xFF)
    in_endpoint: int = Field(default=0x82, ge=0, le=0xFF)
    timeout_s: float = Field(default=2.0, gt=0, le=30)
    profile: str = "TM-T88V"
    chinese: bool = True
    font_charset: FontCharset = "gb2312"
    paper_dots: int | None = Field(default=None, ge=8, le=2040)


class NexoSettings(_Settings):
    """Bank card terminal over nexo Sale-to-POI: where it is and how patient
    (docs/protocols.md#bank-card-terminal-nexo)."""

    transport: Literal["tcp", "http"] = "tcp"
    # http: the terminal's endpoint, http(s)://host[:port]/path; tcp uses host and port.
    url: str = ""
    host: str = ""
    port: int = Field(default=0, ge=0, le=65535, description="with simulate: 0 = a free port")
    # Our choice of TCP length prefix, big-endian (drivers/cardterminal/framing.py).
    length_prefix_bytes: Literal[2, 4] = 4
    ca_file: str = Field(default="", description="https: CA bundle for the terminal's cert")
    sale_id: str = Field(min_length=1, max_length=64)  # this kiosk, as the terminal knows it
    poi_id: str = Field(min_length=1, max_length=64)  # the terminal's id
    connect_timeout_s: float = Field(default=3.0, gt=0, le=30)
    request_timeout_s: float = Field(default=10.0, gt=0, le=120)  # status, reversal
    payment_timeout_s: float = Field(default=120.0, gt=0, le=600)  # customer at the terminal
    recovery_s: float = Field(default=30.0, ge=0, le=600)  # asking status after a lost answer
    status_interval_s: float = Field(default=1.0, gt=0, le=30)
    # Message protection with a key shared with the terminal (Adyen's local mode,
    # drivers/cardterminal/security.py); empty: messages go in clear. The passphrase is read
    # from a file (never the config itself).
    key_identifier: str = Field(default="", max_length=64)
    key_version: int = Field(default=1, ge=0)
    passphrase_file: str = Field(default="", description="file holding the shared passphrase")
    # https: the name the terminal's certificate carries when `url` names its address
    # (Adyen: <POIID>.<test|live>.terminal.adyen.com).
    tls_server_name: str = Field(default="", max_length=253)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be http://... or https://...")
        return value

    @model_validator(mode="after")
    def _key_and_passphrase_together(self) -> NexoSettings:
        if bool(self.key_identifier) != bool(self.passphrase_file):
            raise ValueError("key_identifier and passphrase_file go together")
        return self


class Simulator:
    """A running protocol simulator: where to reach it, and how to stop it."""

    def __init__(self, url: str, stop: Callable[[], None], handle: object) -> None:
        self.url = url
        self.stop = stop
        self.handle = handle  # the simulator object, for fault switches in demos and tests


@dataclass(frozen=True)
class BuiltDevice:
    device: Any
    simulator: Simulator | None


@dataclass(frozen=True)
class DriverSpec:
    kind: DeviceKind
    settings_model: type[_Settings]
    build: Callable[[Any, Simulator | None, Mapping[str, Any]], Any]
    start_simulator: Callable[[Any], Simulator] | None = None


def _build_simulated_acceptor(
    _settings: SimulatedAcceptorSettings, _sim: Simulator | None, context: Mapping[str, Any]
) -> BillAcceptor:
    from drivers.simulated.bill_acceptor import SimulatedBillAcceptor

    return SimulatedBillAcceptor(known_denominations_fen=context["denominations_fen"])


def _build_id003(
    settings: Id003Settings, sim: Simulator | None, _context: Mapping[str, Any]
) -> BillAcceptor:
    from drivers.id003.driver import Id003BillAcceptor

    url = sim.url if sim is not None else settings.url
    if not url:
        raise DriverConfigError("id003 needs settings.url (or simulate: true)")
    return Id003BillAcceptor(
        url,
        codes_fen=settings.escrow_codes,
        poll_interval_s=settings.poll_interval_s,
        timeout_s=settings.timeout_s,
    )


def _start_id003_simulator(settings: Id003Settings) -> Simulator:
    from drivers.id003.simulator import Id003Simulator

    simulator = Id003Simulator(codes_fen=settings.escrow_codes)
    simulator.start()
    return Simulator(simulator.url, simulator.stop, simulator)


def _build_idcard(
    settings: IdCardSettings, sim: Simulator | None, _context: Mapping[str, Any]
) -> Any:
    from drivers.idcard.driver import IdCardReaderDriver

    url = sim.url if sim is not None else settings.url
    if not url:
        raise DriverConfigError("idcard needs settings.url (or simulate: true)")
    return IdCardReaderDriver(
        url, baudrate=settings.baudrate, poll_s=settings.poll_s, timeout_s=settings.timeout_s
    )


def _start_idcard_simulator(_settings: IdCardSettings) -> Simulator:
    from drivers.idcard.simulator import IdCardSimulator

    simulator = IdCardSimulator()
    simulator.start()
    return Simulator(simulator.url, simulator.stop, simulator)


def _build_pcsc(settings: PcscSettings, sim: Simulator | None, _ctx: Mapping[str, Any]) -> Any:
    from drivers.simcard.driver import PcscSimCardReader, SimCardDriver
    from drivers.simcard.inprocess import InProcessTransport, SimSlot

    if sim is not None:
        # The same driver, its APDUs sent straight to the emulated card instead of to pcscd.
        assert isinstance(sim.handle, SimSlot)
        return SimCardDriver(InProcessTransport(sim.handle), poll_s=settings.poll_s)
    return PcscSimCardReader(settings.reader, poll_s=settings.poll_s)


def _start_pcsc_simulator(_settings: PcscSettings) -> Simulator:
    """The emulated SIM card in-process, in a slot fed with blank cards (no pcscd needed)."""
    from drivers.simcard.inprocess import SimSlot

    slot = SimSlot(feed=True)
    return Simulator(f"inprocess:{slot.name}", slot.stop, slot)


def _build_simulated_dispenser(
    settings: SimulatedDispenserSettings, _sim: Simulator | None, _context: Mapping[str, Any]
) -> Any:
    from drivers.dispenser.driver import DispenserDriver
    from drivers.dispenser.simulator import DispenserSimulator

    mechanism = DispenserSimulator(stock=settings.stock, low_at=settings.low_at)
    return DispenserDriver(mechanism, low_at=settings.low_at)


def _build_crt591(
    settings: Crt591Settings, sim: Simulator | None, _context: Mapping[str, Any]
) -> Any:
    from drivers.dispenser.crt591_builder import build_crt591

    return build_crt591(settings, sim.url if sim is not None else None)


def _start_crt591_simulator(settings: Crt591Settings) -> Simulator:
    from drivers.dispenser.crt591_builder import start_crt591_simulator

    simulator = start_crt591_simulator(settings)
    return Simulator(simulator.url, simulator.stop, simulator)


def _build_escpos(
    settings: EscposSettings, sim: Simulator | None, _context: Mapping[str, Any]
) -> ReceiptPrinter:
    from drivers.escpos.driver import EscposPrinter

    url = sim.url if sim is not None else settings.url
    return EscposPrinter(
        url,
        timeout_s=settings.timeout_s,
        profile=settings.profile,
        chinese=settings.chinese,
        font_charset=settings.font_charset,
        paper_dots=settings.paper_dots,
    )


def _build_escpos_usb(
    settings: EscposUsbSettings, _sim: Simulator | None, _context: Mapping[str, Any]
) -> ReceiptPrinter:
    from drivers.escpos.driver import EscposPrinter
    from drivers.escpos.usb_transport import UsbTransport

    def open_usb() -> UsbTransport:
        return UsbTransport(
            settings.vendor_id,
            settings.product_id,
            interface=settings.interface,
            out_endpoint=settings.out_endpoint,
            in_endpoint=settings.in_endpoint,
            timeout_s=settings.timeout_s,
        )

    name = f"usb://{settings.vendor_id:04x}:{settings.product_id:04x}"
    return EscposPrinter(
        name,
        timeout_s=settings.timeout_s,
        profile=settings.profile,
        chinese=settings.chinese,
        font_charset=settings.font_charset,
        paper_dots=settings.paper_dots,
        opener=open_usb,
    )


def _start_escpos_simulator(settings: EscposSettings) -> Simulator:
    from drivers.escpos.simulator import EscposPrinterSimulator

    parts = urlsplit(settings.url)
    if parts.scheme != "socket" or not parts.hostname:
        raise DriverConfigError(
            "simulate needs a socket://HOST:PORT url (port 0 picks a free one)",
            message_key="config.invalid",
        )
    simulator = EscposPrinterSimulator(
        host=parts.hostname, port=parts.port or 0, font_charset=settings.font_charset
    )
    simulator.start()
    return Simulator(simulator.url, simulator.stop, simulator)


def _nexo_url(settings: NexoSettings, sim: Simulator | None) -> str:
    if sim is not None:
        return sim.url
    if settings.transport == "http":
        if not settings.url or settings.host or settings.port:
            raise DriverConfigError("nexo over http needs settings.url (not host/port)")
        return settings.url
    if settings.url or not settings.host or not settings.port:
        raise DriverConfigError("nexo over tcp needs settings.host and settings.port (not url)")
    return f"tcp://{settings.host}:{settings.port}"


def _nexo_key(settings: NexoSettings) -> Any:
    """The shared key for message protection, or None when messages go in clear."""
    from drivers.cardterminal.security import SharedKey

    if not settings.key_identifier:
        return None
    try:
        with open(settings.passphrase_file, encoding="utf-8") as file:
            passphrase = file.read().strip()
    except OSError as exc:
        raise DriverConfigError(
            f"cannot read the nexo passphrase file {settings.passphrase_file}: {exc.strerror}",
            message_key="config.invalid",
        ) from None
    if not passphrase:
        raise DriverConfigError(
            f"the nexo passphrase file {settings.passphrase_file} is empty",
            message_key="config.invalid",
        )
    return SharedKey(settings.key_identifier, passphrase, settings.key_version)


def _build_nexo(settings: NexoSettings, sim: Simulator | None, _context: Mapping[str, Any]) -> Any:
    from drivers.cardterminal.driver import NexoCardTerminal
    from drivers.cardterminal.transport import transport_for_url

    transport = transport_for_url(
        _nexo_url(settings, sim),
        width=settings.length_prefix_bytes,
        ca_file=settings.ca_file,
        connect_timeout_s=settings.connect_timeout_s,
        server_name=settings.tls_server_name,
    )
    return NexoCardTerminal(
        transport,
        sale_id=settings.sale_id,
        poi_id=settings.poi_id,
        payment_timeout_s=settings.payment_timeout_s,
        request_timeout_s=settings.request_timeout_s,
        recovery_s=settings.recovery_s,
        status_interval_s=settings.status_interval_s,
        security=_nexo_key(settings),
    )


def _start_nexo_simulator(settings: NexoSettings) -> Simulator:
    from drivers.cardterminal.simulator import TerminalSimulator

    port = settings.port
    if settings.transport == "http" and settings.url:
        port = urlsplit(settings.url).port or 0
    simulator = TerminalSimulator(
        settings.transport,
        port=port,
        poi_id=settings.poi_id,
        width=settings.length_prefix_bytes,
        security=_nexo_key(settings),
    )
    simulator.start()
    return Simulator(simulator.url, simulator.stop, simulator)


DRIVERS: dict[str, DriverSpec] = {
    "simulated": DriverSpec("bill_acceptor", SimulatedAcceptorSettings, _build_simulated_acceptor),
    "id003": DriverSpec("bill_acceptor", Id003Settings, _build_id003, _start_id003_simulator),
    "escpos.serial": DriverSpec("printer", EscposSettings, _build_escpos, _start_escpos_simulator),
    "escpos.network": DriverSpec("printer", EscposSettings, _build_escpos, _start_escpos_simulator),
    "escpos.usb": DriverSpec("printer", EscposUsbSettings, _build_escpos_usb),
    "pcsc": DriverSpec("sim_reader", PcscSettings, _build_pcsc, _start_pcsc_simulator),
    "dispenser.simulated": DriverSpec(
        "card_dispenser", SimulatedDispenserSettings, _build_simulated_dispenser
    ),
    "dispenser.crt591": DriverSpec(
        "card_dispenser", Crt591Settings, _build_crt591, _start_crt591_simulator
    ),
    "idcard": DriverSpec("id_card_reader", IdCardSettings, _build_idcard, _start_idcard_simulator),
    "nexo": DriverSpec("card_terminal", NexoSettings, _build_nexo, _start_nexo_simulator),
}


def _spec(kind: DeviceKind, name: str, key_path: str) -> DriverSpec:
    spec = DRIVERS.get(name)
    if spec is None or spec.kind != kind:
        known = ", ".join(sorted(n for n, s in DRIVERS.items() if s.kind == kind))
        raise DriverConfigError(f"{key_path}.driver: unknown driver {name!r} (known: {known})")
    return spec


def validate_settings(
    kind: DeviceKind, name: str, settings: Mapping[str, Any], *, simulate: bool, key_path: str
) -> _Settings:
    """Check a device section; raise DriverConfigError naming the key path."""
    spec = _spec(kind, name, key_path)
    try:
        model = spec.settings_model.model_validate(dict(settings))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        problem = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise DriverConfigError(f"{key_path}.settings.{where}: {problem}") from None
    if simulate and spec.start_simulator is None and name != "simulated":
        raise DriverConfigError(f"{key_path}.simulate: driver {name!r} has no simulator")
    return model


def build_device(
    kind: DeviceKind,
    name: str,
    settings: Mapping[str, Any],
    *,
    simulate: bool,
    key_path: str,
    context: Mapping[str, Any] | None = None,
) -> BuiltDevice:
    """Build a device; with `simulate`, start its protocol simulator and point the driver at it."""
    model = validate_settings(kind, name, settings, simulate=simulate, key_path=key_path)
    spec = DRIVERS[name]
    simulator = (
        spec.start_simulator(model) if simulate and spec.start_simulator is not None else None
    )
    try:
        device = spec.build(model, simulator, context or {})
    except Exception:
        if simulator is not None:
            simulator.stop()
        raise
    return BuiltDevice(device, simulator)


def start_simulator(name: str, settings: Mapping[str, Any]) -> Simulator:
    """Start a driver's protocol simulator on its own (`kiosk sim NAME`)."""
    spec = DRIVERS.get(name)
    if spec is None or spec.start_simulator is None:
        known = ", ".join(sorted(n for n, s in DRIVERS.items() if s.start_simulator))
        raise DriverConfigError(f"no simulator for {name!r} (known: {known})")
    model = validate_settings(spec.kind, name, settings, simulate=True, key_path=name)
    return spec.start_simulator(model)
