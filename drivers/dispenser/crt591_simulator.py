"""A CRT-591-M card dispenser behind a pseudo-terminal: the unit's side of the protocol
(drivers/dispenser/crt591_codec.py) over a model of its mechanism, with fault switches.

The mechanism: a stacker of blank cards with a low ("few cards") and an empty sensor, the
card path (IC contact position, the gate at the mouth), an error card bin with a counter and
a capacity, and a customer who takes a card presented at the gate (or walks away).

Where the manual says nothing, the simulator picks the plain behaviour and says so here:
a capture with no card in the path answers positive without moving; a status request is
when the customer's hand shows — a card presented at the gate is taken at the
`take_after_polls`-th status request that sees it there; the sensor reply carries 8 bytes
(§3.1.2's text and table; its frame drawing says 10).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from drivers.dispenser.crt591_codec import (
    VERSION,
    BinLevel,
    CardPosition,
    Command,
    CommandFrame,
    Control,
    Corrupt,
    ErrorCode,
    Frame,
    FrameReader,
    StackLevel,
    Status,
    decode_command,
    encode_negative,
    encode_positive,
)
from drivers.errors import ProtocolError
from drivers.pty_device import PtyDevice

log = logging.getLogger(__name__)


@dataclass
class Crt591Faults:
    """Switches a test or demo flips; counters count down one per command received."""

    jam: bool = False  # every movement (and a reset) fails with "10" until cleared
    fail_next: str = ""  # the next movement fails with this e1e0 code, once
    fail_command: Command | None = None  # ... only when it is this movement
    snatch_during_capture: bool = False  # the customer pulls the card as it is captured
    lose_commands: int = 0  # commands not heard at all: no ACK (§1.4.2 case 1)
    nak_commands: int = 0  # commands "received with an error": NAK (case 2)
    lose_replies: int = 0  # executed and ACKed, the reply never sent (cases 5-7)
    lose_replies_to: Command | None = None  # ... only to this command
    late_replies: int = 0  # the reply held back until the host's EOT (case 7)
    corrupt_replies: int = 0  # the reply sent with a wrong BCC first (case 3)
    customer_takes: bool = True  # False: the customer walks away from the gate
    take_after_polls: int = 1


class Crt591Simulator(PtyDevice):
    thread_name = "crt591-sim"

    def __init__(
        self, *, stock: int = 50, low_at: int = 5, bin_capacity: int = 30, address: int = 0
    ) -> None:
        super().__init__()
        self.faults = Crt591Faults()
        self.stock = stock
        self.low_at = low_at  # the "few cards" sensor sees the stack at or below this
        self.bin_capacity = bin_capacity
        self.address = address
        self.position = CardPosition.NONE
        self.bin_count = 0  # cards in the error card bin
        self.bin_counter = 0  # the unit's retract counter (§3.6.9), counts with INIT_*_COUNTED
        self.initialised = False  # §3.1.1: nothing but a reset works after power-on
        self.entry_enabled = False
        self.taken = 0  # cards the customer took
        self.ejected = 0
        self.commands: list[Command | None] = []  # every command executed, in order
        self.naks_received = 0
        self._gate_polls = 0
        self._reader = FrameReader()
        self._last_reply = b""
        self._held = b""
        self._lock = threading.Lock()

    # --- controls for tests and demos ---------------------------------------------------------

    def power_cycle(self) -> None:
        """The unit lost power: it wants a reset command before anything else."""
        with self._lock:
            self.initialised = False

    def take_card(self) -> None:
        """The customer pulls the card out of the gate."""
        with self._lock:
            if self.position is CardPosition.GATE:
                self.position = CardPosition.NONE
                self.taken += 1

    def status(self) -> Status:
        with self._lock:
            return self._status()

    # --- the line -----------------------------------------------------------------------------

    def received(self, data: bytes) -> None:
        with self._lock:
            for token in self._reader.feed(data):
                self._on_token(token)

    def _on_token(self, token: Control | Frame | Corrupt) -> None:
        if isinstance(token, Control):
            self._on_control(token)
        elif isinstance(token, Corrupt):
            if token.address == self.address:
                self.send(bytes((Control.NAK,)))  # §1.4.2 case 2: the host sends it again
        elif token.address == self.address:  # else another unit's, on a shared line (§1.3)
            try:
                self._on_command(decode_command(token))
            except ProtocolError:
                log.debug("crt591-sim: not a command frame")

    def _on_control(self, control: Control) -> None:
        if control is Control.NAK and self._last_reply:
            self.naks_received += 1
            self.send(self._last_reply)  # §1.4.2 case 3: the host missed the reply
        elif control is Control.EOT:
            held, self._held = self._held, b""
            self._last_reply = b""
            # Case 7: the reply was on its way and crosses the EOT; cases 5-6: discontinued.
            self.send(held or bytes((Control.EOT,)))
        else:
            self._last_reply = b""  # ACK: the host has the reply

    def _on_command(self, command: CommandFrame) -> None:
        if self.faults.lose_commands > 0:
            self.faults.lose_commands -= 1
            return
        if self.faults.nak_commands > 0:
            self.faults.nak_commands -= 1
            self.send(bytes((Control.NAK,)))
            return
        self.send(bytes((Control.ACK,)))
        reply = self._execute(command)
        self._last_reply = reply
        if self.faults.lose_replies > 0 and self.faults.lose_replies_to in (None, command.command):
            self.faults.lose_replies -= 1
        elif self.faults.late_replies > 0:
            self.faults.late_replies -= 1
            self._held = reply
        elif self.faults.corrupt_replies > 0:
            self.faults.corrupt_replies -= 1
            self.send(reply[:-1] + bytes((reply[-1] ^ 0xFF,)))
        else:
            self.send(reply)

    # --- the unit -----------------------------------------------------------------------------

    def _status(self) -> Status:
        if self.stock == 0:
            stack = StackLevel.EMPTY
        elif self.stock <= self.low_at:
            stack = StackLevel.LOW
        else:
            stack = StackLevel.ENOUGH
        full = BinLevel.FULL if self.bin_count >= self.bin_capacity else BinLevel.NOT_FULL
        return Status(self.position, stack, full)

    def _positive(self, frame: CommandFrame, data: bytes = b"") -> bytes:
        return encode_positive(frame.cm, frame.pm, self._status(), data, address=self.address)

    def _negative(self, frame: CommandFrame, code: ErrorCode | str) -> bytes:
        value = code.value if isinstance(code, ErrorCode) else code
        return encode_negative(frame.cm, frame.pm, value, address=self.address)

    def _execute(self, frame: CommandFrame) -> bytes:
        command = frame.command
        self.commands.append(command)
        if command is None:
            known_cm = any(c.cm == frame.cm for c in Command)
            return self._negative(
                frame, ErrorCode.PARAMETER_ERROR if known_cm else ErrorCode.UNDEFINED_COMMAND
            )
        if command.cm == 0x30:
            return self._reset(frame, command)
        if not self.initialised:
            return self._negative(frame, ErrorCode.NOT_RESET)
        if command.cm == 0x32:
            return self._move(frame, command)
        return self._query(frame, command)

    def _query(self, frame: CommandFrame, command: Command) -> bytes:
        if command is Command.SET_BIN_COUNTER:
            if len(frame.data) != 3 or not frame.data.isdigit():
                return self._negative(frame, ErrorCode.DATA_ERROR)
            self.bin_counter = int(frame.data)
        elif command in (Command.ENTRY_ENABLE, Command.ENTRY_DISABLE):
            self.entry_enabled = command is Command.ENTRY_ENABLE
        elif command is Command.STATUS:
            self._customer()
        data: dict[Command, Callable[[], bytes]] = {
            Command.SENSORS: self._sensors,
            Command.VERSION: lambda: VERSION,
            Command.READ_BIN_COUNTER: lambda: b"%03d" % self.bin_counter,
        }
        plain = (
            Command.STATUS,
            Command.SET_BIN_COUNTER,
            Command.ENTRY_ENABLE,
            Command.ENTRY_DISABLE,
        )
        if command not in data and command not in plain:
            return self._negative(frame, ErrorCode.NOT_SUPPORTED_BY_HARDWARE)
        return self._positive(frame, data[command]() if command in data else b"")

    def _customer(self) -> None:
        if self.position is not CardPosition.GATE:
            self._gate_polls = 0
            return
        self._gate_polls += 1
        if self.faults.customer_takes and self._gate_polls > self.faults.take_after_polls:
            self.position = CardPosition.NONE
            self.taken += 1
            self._gate_polls = 0

    def _sensors(self) -> bytes:
        at_gate = self.position is CardPosition.GATE
        at_ic = self.position is CardPosition.READER
        seen = (self.stock > 0, self.stock > self.low_at, at_ic, at_ic, at_gate, at_gate, False)
        return bytes(0x31 if s else 0x30 for s in seen) + b"0"

    def _fault(self, command: Command) -> ErrorCode | str | None:
        if self.faults.jam:
            return ErrorCode.CARD_JAM
        wanted = self.faults.fail_command
        if self.faults.fail_next and wanted in (None, command):
            code, self.faults.fail_next = self.faults.fail_next, ""
            return code
        if (
            command is Command.CAPTURE
            and self.faults.snatch_during_capture
            and self.position is CardPosition.GATE
        ):
            self.position = CardPosition.NONE
            self.taken += 1
            return ErrorCode.CAPTURE_FAILED
        return None

    def _reset(self, frame: CommandFrame, command: Command) -> bytes:
        fault = self._fault(command)
        if fault is not None:
            return self._negative(frame, fault)
        self.initialised = True
        self.entry_enabled = False  # §3.1.1: a reset disables card entry from the gate
        counted = command.pm in (0x34, 0x35, 0x37)
        if self.position is not CardPosition.NONE:
            if command.pm in (0x30, 0x34):
                self.position = CardPosition.GATE
            elif command.pm in (0x31, 0x35):
                captured = self._capture(counted)
                if captured is not None:
                    return self._negative(frame, captured)
        return self._positive(frame, VERSION)

    def _capture(self, counted: bool) -> ErrorCode | None:
        if self.bin_count >= self.bin_capacity:
            return ErrorCode.BIN_FULL
        if self.position is CardPosition.NONE:
            return None
        self.position = CardPosition.NONE
        self.bin_count += 1
        if counted:
            if self.bin_counter >= 999:
                return ErrorCode.BIN_COUNTER_OVERFLOW
            self.bin_counter += 1
        return None

    def _move(self, frame: CommandFrame, command: Command) -> bytes:
        fault = self._fault(command)
        if fault is not None:
            return self._negative(frame, fault)
        if command is Command.CAPTURE:
            error = self._capture(counted=True)
            return self._negative(frame, error) if error else self._positive(frame)
        if command is Command.EJECT:
            if self.position is not CardPosition.NONE:
                self.position = CardPosition.NONE
                self.ejected += 1
            return self._positive(frame)
        if self.position is CardPosition.NONE:
            if self.stock == 0:
                return self._negative(frame, ErrorCode.STACKER_EMPTY)
            self.stock -= 1  # the path is empty: this card comes from the stacker
        target = CardPosition.GATE if command is Command.TO_GATE else CardPosition.READER
        self.position = target
        self._gate_polls = 0
        return self._positive(frame)
