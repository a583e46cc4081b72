"""The ID-003 simulator answers as a real unit does, spoken to over its pseudo-terminal by a
minimal host: start-up as another host (TerminalClient) does it, setting status requests,
version and denomination data, HOLD, the escrow timeout, DISABLED when nothing is enabled."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import serial

from drivers.id003.codec import (
    Command,
    Frame,
    FrameReader,
    Status,
    decode_denominations,
    enable_mask,
)
from drivers.id003.simulator import DEFAULT_CODES_FEN, Id003Simulator

pytestmark = pytest.mark.timeout(30)

# The version layout hosts parse: model(country)-size-stacker ID003-nn Vxxx-yy date checksum.
VERSION_LAYOUT = re.compile(r"^\w\(\w+\)-\w+-\w+ ID003-\w+ ?[vV]\w+-\w+ \w+ \w+$")


class Host:
    """Frames out, the first answer back (or None after the timeout)."""

    def __init__(self, url: str) -> None:
        self.port: Any = serial.serial_for_url(
            url, baudrate=9600, parity=serial.PARITY_EVEN, timeout=0.02
        )
        self.reader = FrameReader()

    def ask(self, command: int, data: bytes = b"", timeout: float = 1.0) -> Frame | None:
        self.port.reset_input_buffer()
        self.reader.clear()
        self.port.write(Frame(command, data).encode())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = self.reader.feed(self.port.read(64))
            if frames:
                return frames[0]
        return None

    def poll_until(self, status: Status, timeout: float = 5.0) -> Frame:
        deadline = time.monotonic() + timeout
        seen: list[Frame] = []
        while time.monotonic() < deadline:
            reply = self.ask(Command.STATUS_REQUEST)
            if reply is not None:
                seen.append(reply)
                if reply.command == status:
                    return reply
        raise AssertionError(f"never {status.name}: {seen[-5:]}")


@pytest.fixture
def sim() -> Iterator[Id003Simulator]:
    with Id003Simulator(power_off_polls=0, escrow_timeout_s=0.3) as made:
        yield made


@pytest.fixture
def host(sim: Id003Simulator) -> Iterator[Host]:
    made = Host(sim.url)
    yield made
    made.port.close()


def _ready(host: Host) -> None:
    assert host.ask(Command.STATUS_REQUEST) == Frame(Status.POWER_UP)
    assert host.ask(Command.RESET) == Frame(Command.ACK)
    host.poll_until(Status.DISABLED)


def test_a_start_up_as_terminalclient_does_it(host: Host) -> None:
    """GIVEN a host that, like TerminalClient, asks the version, sets polling mode and the
    directions, reads the denomination table, then enables notes THEN every request gets its
    proper answer (it aborted its start-up on the INVALID COMMANDs the simulator sent)."""
    _ready(host)
    version = host.ask(Command.VERSION_REQUEST)
    assert version is not None
    assert version.command == Command.VERSION_REQUEST
    assert VERSION_LAYOUT.match(version.data.decode("ascii")), version.data
    boot = host.ask(Command.BOOT_VERSION_REQUEST)
    assert boot is not None
    assert boot.command == Command.BOOT_VERSION_REQUEST
    assert boot.data
    for command, data in ((Command.SET_COMMUNICATION_MODE, b"\x00"),
                          (Command.SET_DIRECTION, b"\x00"),
                          (Command.SET_SECURITY, b"\x00\x00"),
                          (Command.SET_OPTIONAL_FUNCTION, b"\x03\x00")):  # fmt: skip
        assert host.ask(command, data) == Frame(command, data)  # echoed
    table = host.ask(Command.DENOMINATION_DATA)
    assert table is not None
    assert table.command == Command.DENOMINATION_DATA
    assert {e.code: e.fen for e in decode_denominations(table.data)} == DEFAULT_CODES_FEN
    mask = enable_mask(frozenset({0x62, 0x63}))
    assert host.ask(Command.SET_ENABLE, mask) == Frame(Command.SET_ENABLE, mask)
    assert host.ask(Command.SET_INHIBIT, b"\x00") == Frame(Command.SET_INHIBIT, b"\x00")
    assert host.ask(Command.STATUS_REQUEST) == Frame(Status.IDLING)


@pytest.mark.parametrize(
    ("request_code", "setting", "data"),
    [
        (Command.GET_ENABLE, Command.SET_ENABLE, b"\x0f\x00"),
        (Command.GET_SECURITY, Command.SET_SECURITY, b"\x01\x00"),
        (Command.GET_COMMUNICATION_MODE, Command.SET_COMMUNICATION_MODE, b"\x00"),
        (Command.GET_INHIBIT, Command.SET_INHIBIT, b"\x00"),
        (Command.GET_DIRECTION, Command.SET_DIRECTION, b"\x02"),
        (Command.GET_OPTIONAL_FUNCTION, Command.SET_OPTIONAL_FUNCTION, b"\x01\x00"),
    ],
)
def test_setting_status_requests_read_back_the_setting(
    host: Host, request_code: int, setting: int, data: bytes
) -> None:
    _ready(host)
    assert host.ask(setting, data) == Frame(setting, data)
    assert host.ask(request_code) == Frame(request_code, data)


@pytest.mark.parametrize(
    "frame",
    [Frame(Command.SET_ENABLE, b"\x00"), Frame(Command.SET_INHIBIT, b""), Frame(0x8B),
     Frame(Command.STACK_1), Frame(0x99, b"\x01")],
)  # fmt: skip
def test_wrong_lengths_unknown_codes_and_misplaced_commands_are_invalid(
    host: Host, frame: Frame
) -> None:
    _ready(host)
    assert host.ask(frame.command, frame.data) == Frame(Status.INVALID_COMMAND)


def test_nothing_enabled_with_inhibit_off_is_disabled(host: Host) -> None:
    """Spec: a unit with every denomination disabled reports DISABLED, not IDLING."""
    _ready(host)
    host.ask(Command.SET_ENABLE, enable_mask(frozenset()))
    host.ask(Command.SET_INHIBIT, b"\x00")
    assert host.ask(Command.STATUS_REQUEST) == Frame(Status.DISABLED)
    host.ask(Command.SET_ENABLE, enable_mask(frozenset({0x65})))
    assert host.ask(Command.STATUS_REQUEST) == Frame(Status.IDLING)


def _to_escrow(sim: Id003Simulator, host: Host, fen: int) -> None:
    _ready(host)
    host.ask(Command.SET_ENABLE, enable_mask(frozenset(DEFAULT_CODES_FEN)))
    host.ask(Command.SET_INHIBIT, b"\x00")
    sim.insert_note(fen)
    host.poll_until(Status.ESCROW)


def test_hold_reports_holding_and_the_note_can_still_be_stacked(
    sim: Id003Simulator, host: Host
) -> None:
    _to_escrow(sim, host, 5000)
    assert host.ask(Command.HOLD) == Frame(Command.ACK)
    assert host.ask(Command.STATUS_REQUEST) == Frame(Status.HOLDING)
    assert host.ask(Command.STACK_1) == Frame(Command.ACK)
    host.poll_until(Status.VEND_VALID)
    assert sim.stacked_fen == [5000]


def test_a_note_left_in_escrow_goes_back_after_the_escrow_timeout(
    sim: Id003Simulator, host: Host
) -> None:
    """GIVEN a note in escrow and no STACK/RETURN/HOLD from the host WHEN the unit's escrow
    timeout passes THEN it gives the note back (reject 79, as JCM's firmware) and rests."""
    _to_escrow(sim, host, 2000)
    assert host.poll_until(Status.REJECTING) == Frame(Status.REJECTING, b"\x79")
    host.poll_until(Status.IDLING)
    assert sim.returned == [0x64]
    assert sim.stacked == []
