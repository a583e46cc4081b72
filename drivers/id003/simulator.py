"""ID-003 bill acceptor simulator on a pseudo-terminal: the acceptor's end of the serial line.

Poll-driven and deterministic: each status request advances a note one step (accepting →
escrow → stacking → vend valid → stacked), so tests can reason about every exchange; only the
escrow timeout runs on the clock, as a real unit's does. It answers what a real unit answers
(docs/drivers-id003.md): operation commands with ACK, setting commands (C0–C5) with their echo,
setting status requests (80–85) with the setting, version (88/89) and denomination data (8A),
so a vendor tool or another host (TerminalClient's start-up asks 88, C2, C4 and 8A) can drive
it. Fault switches reproduce the field: jams, stacker full, cassette removed, rejected notes, a
unit FAILURE with its reason, a power cut while stacking, slow, garbled and truncated replies;
`link` drops, corrupts or delays one chosen frame (drivers.id003.link_faults).
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass

from drivers.id003.codec import (
    DEFAULT_ESCROW_CODES,
    SETTING_COMMANDS,
    SETTING_LENGTHS,
    Command,
    Frame,
    FrameReader,
    Status,
    enable_mask,
    enabled_codes,
    encode_denominations,
    setting_of,
)
from drivers.id003.link_faults import Direction, LinkAction, LinkFaults, corrupted
from drivers.pty_device import PtyDevice

log = logging.getLogger(__name__)

DEFAULT_CODES_FEN = DEFAULT_ESCROW_CODES
# China's country code in the unit's denomination data, as TerminalClient's ID-003 table has it.
CNY_COUNTRY = 0x2D
# In the layout hosts parse (model(country)-… ID003-nn Vvvv-vv date checksum).
VERSION = b"i(CHN)-100-SS ID003-05V100-01 01JAN26 5A3C"
BOOT_VERSION = b"i(CHN)-100-SS BOOT V1.00-01 01JAN26"
ESCROW_TIMEOUT_S = 10.0  # the note goes back if no STACK/RETURN/HOLD comes in time


@dataclass
class AcceptorFaults:
    """Switches, changeable at any time."""

    acceptor_jam: bool = False
    stacker_jam: bool = False
    stacker_full: bool = False
    cassette_removed: bool = False
    reject_next: int | None = None  # reject reason code for the next note (e.g. 0x76)
    power_cut_during_stacking: bool = False
    power_cut_with_bill_in_acceptor: bool = False  # cut while the note is still in the path
    failure: int | None = None  # FAILURE with this reason byte (e.g. 0xA2 stack motor)
    reply_delay_s: float = 0.0
    garble_replies: int = 0  # corrupt the CRC of this many next replies
    truncate_replies: int = 0  # send only half of this many next replies


class Id003Simulator(PtyDevice):
    thread_name = "id003-sim"

    def __init__(
        self,
        codes_fen: dict[int, int] | None = None,
        power_off_polls: int = 3,
        *,
        escrow_timeout_s: float = ESCROW_TIMEOUT_S,
        unit_codes_fen: dict[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.codes_fen = dict(codes_fen or DEFAULT_CODES_FEN)
        # What the unit's firmware holds (its 0x8A answer); the same table unless a test gives
        # the unit another one than the host's config.
        self.unit_codes_fen = dict(unit_codes_fen or self.codes_fen)
        self.escrow_timeout_s = escrow_timeout_s
        self.faults = AcceptorFaults()
        self.link = LinkFaults()  # single-frame faults of the line (tests), off until armed
        self.stacked: list[int] = []  # escrow codes physically in the cash box
        self.returned: list[int] = []
        self.rejected: list[int] = []
        self.garbage_frames = 0
        self._state = Status.POWER_UP
        self._note: int | None = None
        self._inhibited = True
        self._enabled = frozenset(self.codes_fen)
        self._settings: dict[int, bytes] = {
            Command.SET_ENABLE: enable_mask(self._enabled), Command.SET_SECURITY: b"\x00\x00",
            Command.SET_COMMUNICATION_MODE: b"\x00", Command.SET_INHIBIT: b"\x01",
            Command.SET_DIRECTION: b"\x00", Command.SET_OPTIONAL_FUNCTION: b"\x00\x00",
        }  # fmt: skip
        self._escrow_since = 0.0
        self._queue: collections.deque[int] = collections.deque()
        self._silent_polls = 0
        self._reject_reason = 0
        self._power_off_polls = power_off_polls
        self._lock = threading.Lock()
        self._reader = FrameReader()

    # --- what a person does to the machine ----------------------------------------------------

    def insert_note(self, denomination_fen: int) -> None:
        """A customer inserts a note of this value (an unknown value is a foreign note)."""
        code = next((c for c, f in self.codes_fen.items() if f == denomination_fen), 0x7F)
        with self._lock:
            self._queue.append(code)

    def withdraw_queued(self) -> list[int]:
        """The customer walks away: notes not yet drawn in are taken back (their fen)."""
        with self._lock:
            codes, self._queue = list(self._queue), collections.deque()
        return [self.codes_fen.get(c, 0) for c in codes]

    def power_cycle(self) -> None:
        """Power cut and back: the unit reports power-up and waits for a reset."""
        with self._lock:
            self._power_up(Status.POWER_UP)

    @property
    def state(self) -> Status:
        with self._lock:
            return self._state

    @property
    def stacked_fen(self) -> list[int]:
        with self._lock:
            return [self.codes_fen.get(c, 0) for c in self.stacked]

    # --- the wire ----------------------------------------------------------------------------

    def received(self, data: bytes) -> None:
        before = self._reader.errors
        for frame in self._reader.feed(data):
            with self._lock:
                if self._state is Status.ESCROW:
                    self.link.anchor()
            action = self.link.take(Direction.TO_UNIT, frame.encode())
            if action is LinkAction.DROP:
                continue
            if action is LinkAction.CORRUPT:  # the unit's CRC check throws it away
                self.garbage_frames += 1
                continue
            if action is LinkAction.DELAY:
                time.sleep(self.link.delay_s)  # the line stalls: what follows waits too
            reply = self._handle(frame)
            if reply is not None:
                self._send(reply)
        self.garbage_frames += self._reader.errors - before

    def _send(self, reply: bytes) -> None:
        action = self.link.take(Direction.TO_HOST, reply)
        if action is LinkAction.DROP:
            return
        if action is LinkAction.CORRUPT:
            reply = corrupted(reply)
        elif action is LinkAction.DELAY:
            time.sleep(self.link.delay_s)
        faults = self.faults
        if faults.reply_delay_s:
            time.sleep(faults.reply_delay_s)
        if faults.garble_replies > 0:
            faults.garble_replies -= 1
            reply = reply[:-1] + bytes((reply[-1] ^ 0xFF,))
        elif faults.truncate_replies > 0:
            faults.truncate_replies -= 1
            reply = reply[: len(reply) // 2]
        self.send(reply)

    def _handle(self, frame: Frame) -> bytes | None:
        with self._lock:
            if self._silent_polls > 0:  # no power: no answer at all
                self._silent_polls -= 1
                return None
            if frame.command == Command.STATUS_REQUEST:
                return self._poll()
            return self._command(frame)

    def _status(self, status: Status, data: bytes = b"") -> bytes:
        return Frame(status, data).encode()

    def _error_status(self) -> Status | None:
        faults = self.faults
        for flag, status in (
            (faults.cassette_removed, Status.STACKER_OPEN),
            (faults.stacker_full, Status.STACKER_FULL),
            (faults.acceptor_jam, Status.ACCEPTOR_JAM),
            (faults.stacker_jam, Status.STACKER_JAM),
        ):
            if flag:
                return status
        return None

    def _power_up(self, status: Status) -> None:
        self._state = status
        self._silent_polls = self._power_off_polls

    def _poll(self) -> bytes:
        """Report the current state, then move a transient state one step on."""
        failure = self.faults.failure
        busy = self._state in (Status.ESCROW, Status.VEND_VALID)
        if failure is not None and not busy:
            return self._status(Status.FAILURE, bytes((failure,)))
        error = self._error_status()
        if error is not None and not busy:
            return self._status(error)
        reply = self._report()
        self._advance()
        return reply

    def _resting(self) -> Status:
        """DISABLED when inhibited or every denomination is disabled, else IDLING."""
        return Status.DISABLED if self._inhibited or not self._enabled else Status.IDLING

    def _advance(self) -> None:
        state = self._state
        resting = self._resting()
        if state in (Status.ESCROW, Status.HOLDING):
            if time.monotonic() - self._escrow_since > self.escrow_timeout_s:
                # No command in time: the unit gives the note back (reject 79, as its firmware).
                self.returned.append(self._note or 0)
                self._state, self._reject_reason = Status.REJECTING, 0x79
        elif state is Status.INITIALIZING or (
            state in (Status.IDLING, Status.DISABLED) and state is not resting
        ):
            self._state = resting
        elif state is Status.IDLING and self._queue:
            self._note = self._queue.popleft()
            self._state = Status.ACCEPTING
        elif state is Status.ACCEPTING:
            self._accept_or_reject()
        elif state is Status.STACKING:
            self._stack()
        elif state in (Status.STACKED, Status.REJECTING, Status.RETURNING):
            self._note = None
            self._state = resting

    def _stack(self) -> None:
        if self.faults.power_cut_with_bill_in_acceptor:
            self.faults.power_cut_with_bill_in_acceptor = False
            self._power_up(Status.POWER_UP_BILL_IN_ACCEPTOR)
        elif self.faults.power_cut_during_stacking:
            self.faults.power_cut_during_stacking = False
            self.stacked.append(self._note or 0)  # it made it into the cash box
            self._note = None
            self._power_up(Status.POWER_UP_BILL_IN_STACKER)
        else:
            self.stacked.append(self._note or 0)
            self._state = Status.VEND_VALID

    def _accept_or_reject(self) -> None:
        code = self._note or 0
        reason = self.faults.reject_next
        if reason is None and code not in self.codes_fen:
            reason = 0x76  # discrimination error: not a note we know
        if reason is None and code not in self._enabled:
            reason = 0x79  # inhibited denomination
        if reason is not None:
            self.faults.reject_next = None
            self.rejected.append(code)
            self._state = Status.REJECTING
            self._reject_reason = reason
        else:
            self._state = Status.ESCROW
            self._escrow_since = time.monotonic()

    def _report(self) -> bytes:
        if self._state is Status.ESCROW:
            return self._status(Status.ESCROW, bytes((self._note or 0,)))
        if self._state is Status.REJECTING:
            return self._status(Status.REJECTING, bytes((self._reject_reason,)))
        return self._status(self._state)

    def _command(self, frame: Frame) -> bytes | None:  # noqa: PLR0911 - one answer per command
        command, state = frame.command, self._state
        ack = Frame(Command.ACK).encode()
        in_escrow = state in (Status.ESCROW, Status.HOLDING)
        if command == Command.ACK:
            if state is Status.VEND_VALID:
                self._state = Status.STACKED
            return None  # the host's ACK is not answered
        if command == Command.RESET:
            if state is Status.POWER_UP_BILL_IN_ACCEPTOR and self._note is not None:
                self.returned.append(self._note)  # reset hands the note back
            self._note = None
            self._state = Status.INITIALIZING
            return ack
        if command in (Command.STACK_1, Command.STACK_2) and in_escrow:
            self._state = Status.STACKING
            return ack
        if command == Command.RETURN and in_escrow:
            self.returned.append(self._note or 0)
            self._state = Status.RETURNING
            return ack
        if command == Command.HOLD and in_escrow:
            self._state, self._escrow_since = Status.HOLDING, time.monotonic()
            return ack
        if command == Command.WAIT and in_escrow:
            return ack
        if command in SETTING_COMMANDS and len(frame.data) == SETTING_LENGTHS[command]:
            self._setting(command, frame.data)
            return frame.encode()  # settings are echoed back
        return self._request(command)

    def _setting(self, command: int, data: bytes) -> None:
        self._settings[command] = data
        if command == Command.SET_ENABLE:
            self._enabled = enabled_codes(data) & frozenset(self.unit_codes_fen)
        elif command == Command.SET_INHIBIT:
            self._inhibited = data[0] != 0
        if self._state in (Status.IDLING, Status.DISABLED):
            self._state = self._resting()

    def _request(self, command: int) -> bytes:
        """Setting status, version and denomination requests; anything else is invalid."""
        if 0x80 <= command <= 0x85:
            return Frame(command, self._settings[setting_of(command)]).encode()
        if command == Command.VERSION_REQUEST:
            return Frame(command, VERSION).encode()
        if command == Command.BOOT_VERSION_REQUEST:
            return Frame(command, BOOT_VERSION).encode()
        if command == Command.DENOMINATION_DATA:
            return Frame(command, encode_denominations(self.unit_codes_fen, CNY_COUNTRY)).encode()
        return Frame(Status.INVALID_COMMAND).encode()
