"""Driver registry (config picks implementation or simulator) and the in-process acceptor."""

from __future__ import annotations

import queue

import pytest

from drivers import registry
from drivers.errors import DriverConfigError
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.interfaces import (
    BillAcceptor,
    BillEvent,
    DeviceHealth,
    EscrowDecision,
    HealthLevel,
    NoteCredited,
    NoteEscrowed,
    NoteRejected,
    NoteReturned,
    ReceiptPrinter,
)
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor

pytestmark = pytest.mark.timeout(30)


def test_simulate_starts_the_protocol_simulator_and_points_the_driver_at_it() -> None:
    built = registry.build_device(
        "printer", "escpos.network", {"url": "socket://127.0.0.1:0"},
        simulate=True, key_path="devices.printer",
    )  # fmt: skip
    try:
        assert isinstance(built.device, EscposPrinter)
        assert isinstance(built.device, ReceiptPrinter)
        assert built.simulator is not None
        assert isinstance(built.simulator.handle, EscposPrinterSimulator)
        assert built.device.url == built.simulator.url
        assert not built.device.url.endswith(":0")
        assert built.device.health().level is HealthLevel.OK
    finally:
        built.device.close()
        built.simulator.stop()  # type: ignore[union-attr]


def test_without_simulate_the_configured_url_is_used() -> None:
    built = registry.build_device(
        "printer", "escpos.serial", {"url": "/dev/ttyUSB7"}, simulate=False, key_path="p"
    )
    assert built.simulator is None
    assert built.device.url == "/dev/ttyUSB7"


@pytest.mark.parametrize(
    ("kind", "name", "settings", "simulate", "message"),
    [
        ("printer", "nope", {}, False, "p.driver: unknown driver 'nope'"),
        ("printer", "simulated", {}, False, "p.driver: unknown driver 'simulated'"),
        ("printer", "escpos.network", {}, False, "p.settings.url: Field required"),
        (
            "printer",
            "escpos.network",
            {"url": "x", "speed": 1},
            False,
            "p.settings.speed: unknown key",
        ),
        ("printer", "escpos.network", {"url": "x", "timeout_s": 0}, False, "p.settings.timeout_s"),
        ("bill_acceptor", "simulated", {"x": 1}, False, "p.settings.x: unknown key"),
    ],
)
def test_bad_device_config(
    kind: registry.DeviceKind, name: str, settings: dict[str, object], simulate: bool, message: str
) -> None:
    with pytest.raises(DriverConfigError) as caught:
        registry.validate_settings(kind, name, settings, simulate=simulate, key_path="p")
    assert str(caught.value).startswith(message)


def test_simulate_needs_a_socket_url() -> None:
    with pytest.raises(DriverConfigError, match="socket://"):
        registry.build_device(
            "printer", "escpos.serial", {"url": "/dev/ttyS0"}, simulate=True, key_path="p"
        )


class Recorder:
    def __init__(self, decision: EscrowDecision) -> None:
        self.events: queue.Queue[BillEvent] = queue.Queue()
        self.decision = decision

    def policy(self, _fen: int) -> EscrowDecision:
        return self.decision

    def next(self) -> BillEvent:
        return self.events.get(timeout=5)


def _acceptor(decision: EscrowDecision) -> tuple[SimulatedBillAcceptor, Recorder]:
    acceptor = SimulatedBillAcceptor(known_denominations_fen=frozenset({1000, 5000, 10000}))
    recorder = Recorder(decision)
    acceptor.start(recorder.events.put, recorder.policy)
    return acceptor, recorder


def test_note_is_credited_only_after_escrow_and_stack() -> None:
    acceptor, recorder = _acceptor(EscrowDecision.STACK)
    assert isinstance(acceptor, BillAcceptor)
    acceptor.enable(frozenset({5000}))
    acceptor.insert_note(5000)
    assert [recorder.next(), recorder.next()] == [NoteEscrowed(5000), NoteCredited(5000)]
    assert acceptor.stacked_fen == [5000]
    acceptor.close()


def test_returned_note_is_never_credited() -> None:
    acceptor, recorder = _acceptor(EscrowDecision.RETURN)
    acceptor.enable(frozenset({10000}))
    acceptor.insert_note(10000)
    assert [recorder.next(), recorder.next()] == [
        NoteEscrowed(10000),
        NoteReturned(10000, "host_return"),
    ]
    assert acceptor.stacked_fen == []
    acceptor.close()


@pytest.mark.parametrize(
    ("enabled", "note", "reason"),
    [(frozenset(), 1000, "inhibited"), (frozenset({1000}), 300, "unknown_note")],
)
def test_rejections(enabled: frozenset[int], note: int, reason: str) -> None:
    acceptor, recorder = _acceptor(EscrowDecision.STACK)
    acceptor.enable(enabled)
    acceptor.insert_note(note)
    assert recorder.next() == NoteRejected(reason)
    acceptor.close()


def test_faulted_acceptor_rejects() -> None:
    acceptor, recorder = _acceptor(EscrowDecision.STACK)
    acceptor.enable(frozenset({1000}))
    jam = DeviceHealth(HealthLevel.ERROR, "acceptor_jam", "acceptor.jam")
    acceptor.set_fault(jam)
    acceptor.insert_note(1000)
    events = [recorder.next(), recorder.next()]
    assert events[1] == NoteRejected("acceptor_fault")
    assert acceptor.health() == jam
    acceptor.close()


def test_pcsc_driver_is_registered() -> None:
    from drivers.interfaces import SimCardReader
    from drivers.simcard.driver import PcscSimCardReader

    built = registry.build_device(
        "sim_reader", "pcsc", {"reader": "Virtual PCD"}, simulate=False, key_path="d"
    )
    assert isinstance(built.device, PcscSimCardReader)
    assert isinstance(built.device, SimCardReader)
    assert built.device.reader_name_filter == "Virtual PCD"


def test_id003_enable_mask_follows_the_units_codes_not_the_configs_lowest() -> None:
    """GIVEN an id003 config whose table starts at ¥5 (0x62: no ¥1 note in it) WHEN the flow
    enables ¥10..¥100 THEN the acceptor refuses ¥5 and takes ¥20: bit n of the mask is code
    0x61+n. (Counting bits from the config's lowest code enabled ¥5 and shifted the rest.)"""
    codes = {0x62: 500, 0x63: 1000, 0x64: 2000, 0x65: 5000, 0x66: 10000}
    built = registry.build_device(
        "bill_acceptor", "id003", {"escrow_codes": codes, "poll_interval_s": 0.01,
                                   "timeout_s": 0.1},
        simulate=True, key_path="devices.bill_acceptor",
    )  # fmt: skip
    events: queue.Queue[BillEvent] = queue.Queue()
    device, sim = built.device, built.simulator
    assert sim is not None
    try:
        device.start(events.put, lambda _fen: EscrowDecision.STACK)
        device.enable(frozenset({1000, 2000, 5000, 10000}))
        sim.handle.insert_note(500)
        sim.handle.insert_note(2000)
        seen: list[BillEvent] = []
        while not any(isinstance(e, NoteCredited) for e in seen):
            seen.append(events.get(timeout=10))
        assert [e for e in seen if isinstance(e, NoteRejected | NoteCredited)] == [
            NoteRejected("inhibited_or_escrow_timeout"),
            NoteCredited(2000),
        ]
        assert sim.handle.stacked_fen == [2000]
    finally:
        device.close()
        sim.stop()
