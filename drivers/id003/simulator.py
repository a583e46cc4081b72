"""ID-003 bill acceptor simulator on a pseudo-terminal: the acceptor's end of the serial line.

Poll-driven and deterministic: each status request advances a note one step (accepting →
escrow → stacking → vend valid → stacked), so tests can reason about every exchange. Fault
switches reproduce the field: jams, stacker full, cassette removed, rejected notes, a power cut
while stacking, slow, garbled and truncated replies.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass

from drivers.id003.codec import (
    DEFAULT_ESCROW_CODES,
    Command,
    Frame,
    FrameReader,
    Status,
    enabled_codes,
)
from drivers.id003.link_faults import Direction, LinkAction, LinkFaults, corrupted
from drivers.pty_device import PtyDevice

log = logging.getLogger(__name__)

DEFAULT_CODES_FEN = DEFAULT_ESCROW_CODES
FIRST_CODE = 0x61


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
    reply_delay_s: float = 0.0
    garble_replies: int = 0  # corrupt the CRC of this many next replies
    truncate_replies: int = 0  # send only half of this many next replies


class Id003Simulator(PtyDevice):
    thread_name = "id003-sim"

    def __init__(self, codes_fen: dict[int, int] | None = None, power_off_polls: int = 3) -> None:
        super().__init__()
        self.codes_fen = dict(codes_fen or DEFAULT_CODES_FEN)
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
        error = self._error_status()
        if error is not None and self._state not in (Status.ESCROW, Status.VEND_VALID):
            return self._status(error)
        reply = self._report()
        self._advance()
        return reply

    def _advance(self) -> None:
        state = self._state
        resting = Status.DISABLED if self._inhibited else Status.IDLING
        if state is Status.INITIALIZING:
            self._state = resting
        elif state in (Status.IDLING, Status.DISABLED) and self._queue and not self._inhibited:
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

    def _report(self) -> bytes:
        if self._state is Status.ESCROW:
            return self._status(Status.ESCROW, bytes((self._note or 0,)))
        if self._state is Status.REJECTING:
            return self._status(Status.REJECTING, bytes((self._reject_reason,)))
        return self._status(self._state)

    def _command(self, frame: Frame) -> bytes | None:  # noqa: PLR0911
        command, state = frame.command, self._state
        ack = Frame(Command.ACK).encode()
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
        if command in (Command.STACK_1, Command.STACK_2) and state is Status.ESCROW:
            self._state = Status.STACKING
            return ack
        if command == Command.RETURN and state is Status.ESCROW:
            self.returned.append(self._note or 0)
            self._state = Status.RETURNING
            return ack
        if command in (Command.HOLD, Command.WAIT) and state is Status.ESCROW:
            return ack
        if command == Command.SET_ENABLE and len(frame.data) == 2:
            self._enabled = enabled_codes(frame.data, frozenset(self.codes_fen), FIRST_CODE)
            return frame.encode()  # settings are echoed back
        if command == Command.SET_INHIBIT and len(frame.data) == 1:
            self._inhibited = frame.data[0] != 0
            if self._inhibited and state is Status.IDLING:
                self._state = Status.DISABLED
            elif not self._inhibited and state is Status.DISABLED:
                self._state = Status.IDLING
            return frame.encode()
        if command == Command.SET_SECURITY:
            return frame.encode()
        return Frame(Status.INVALID_COMMAND).encode()
