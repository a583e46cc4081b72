"""ID-003 bill acceptor driver: polls on its own thread through `serial_for_url` (9600 8E1).

Money rule (docs/drivers-id003.md): a note is credited only on vend valid, and the credit is
handed to the listener (which journals it) *before* the ACK goes out, so a crash between the two
can repeat the vend valid but never lose the note. Repeated vend valids of one note credit once.
The escrow policy decides STACK before the command goes out (the host journals its intent
there), once per note: a STACK-1 or RETURN whose ACK is lost, corrupted or late leaves the
note's fate *unknown*, not returned — the decision is kept, sent again while the unit still
shows the note in escrow, and the unit's later statuses settle it: vend valid (stacked,
credited), the unit resting again (the note came back), or a power-up with a bill in the stacker.
ID-003 frames carry no sequence number, so a reply that arrives after the driver gave up on it
answers a later poll; a status that would start or end a note's story (a new escrow, a vend
valid for no note of ours, the unit resting with our note undecided) is acted on only when two
polls in a row agree. A vend valid for a note this driver never escrowed (the host restarted
while it was stacking) is reported as `PowerUpWithNote("stacker", None)`: ID-003 names no value
then, the host's journal does; after a RETURN the unit did not carry out, with the note's value.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import serial

from drivers.errors import DeviceUnavailable
from drivers.id003.codec import (
    ERROR_STATES,
    POWER_UP_STATES,
    REJECT_REASONS,
    SETTING_COMMANDS,
    SETTING_REQUESTS,
    Command,
    Frame,
    FrameError,
    FrameReader,
    Status,
    decode_denominations,
    enable_mask,
    failure_reason,
    table_mismatches,
)
from drivers.interfaces import (
    HEALTH_OK,
    AcceptorHealthChanged,
    BillEvent,
    BillEventListener,
    DeviceHealth,
    EscrowDecision,
    EscrowPolicy,
    HealthLevel,
    NoteCredited,
    NoteEscrowed,
    NoteRejected,
    NoteReturned,
    PowerUpWithNote,
)
from drivers.serial_port import LazyPort

log = logging.getLogger(__name__)

NO_ANSWER = DeviceHealth(HealthLevel.UNKNOWN, "no_answer", "acceptor.no_answer")


def _answers(request: int, reply: int) -> bool:
    """Whether `reply` can answer `request`: a late answer to an earlier request cannot."""
    if request == Command.STATUS_REQUEST:
        return reply <= Status.INVALID_COMMAND
    if request in SETTING_COMMANDS or request in SETTING_REQUESTS:  # echoed / answered as such
        return reply in (request, Status.INVALID_COMMAND)
    return reply in (Command.ACK, Status.INVALID_COMMAND)


@dataclass
class _Note:
    """The note between escrow and its end (stacked or returned)."""

    code: int
    fen: int | None
    decision: EscrowDecision
    acknowledged: bool = False  # the unit ACKed our STACK-1/RETURN (else: its fate is unknown)
    credited: bool = False
    # The unit said RETURNING or REJECTING since: the note is on its way back, so an escrow
    # of the same denomination after it is the customer's next note, not this one still.
    leaving: bool = False


class Id003BillAcceptor:
    def __init__(
        self,
        url: str,
        *,
        codes_fen: Mapping[int, int],
        poll_interval_s: float = 0.2,
        timeout_s: float = 0.3,
        max_silent_polls: int = 5,
    ) -> None:
        self.url = url
        self._codes_fen = dict(codes_fen)
        self._fen_codes = {fen: code for code, fen in self._codes_fen.items()}
        self._poll_s = poll_interval_s
        self._timeout_s = timeout_s
        self._max_silent = max_silent_polls
        self._port = LazyPort(
            url,
            what="acceptor",
            baudrate=9600,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_EVEN,
            stopbits=serial.STOPBITS_ONE,
            timeout=0.02,
            write_timeout=timeout_s,
        )
        self._reader = FrameReader()
        self._listener: BillEventListener | None = None
        self._policy: EscrowPolicy | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._want_codes: frozenset[int] = frozenset()
        self._settings_dirty = True
        self._health = DeviceHealth(HealthLevel.UNKNOWN, "starting", "acceptor.starting")
        self._note: _Note | None = None
        self._rested = False  # the acceptor was idle or disabled since this driver started
        self._reported_reject = False
        # The unit's denomination data against the config: None not read yet, "" agrees or the
        # unit cannot tell (no 0x8A), else what disagrees (the acceptor then takes no notes).
        self._table_problem: str | None = None
        self._previous: Frame | None = None  # the status before this one (confirmations)
        self._powered_up = False  # a power-up status was handled and no other status since
        self._silent = 0
        self.last_status: Status | None = None

    # --- BillAcceptor -----------------------------------------------------------------------

    def start(self, listener: BillEventListener, escrow_policy: EscrowPolicy) -> None:
        if self._thread is not None:
            raise RuntimeError("acceptor already started")
        self._listener, self._policy = listener, escrow_policy
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="id003", daemon=True)
        self._thread.start()

    def enable(self, denominations_fen: frozenset[int]) -> None:
        with self._lock:
            self._want_codes = frozenset(
                self._fen_codes[f] for f in denominations_fen if f in self._fen_codes
            )
            self._settings_dirty = True

    def disable(self) -> None:
        with self._lock:
            self._want_codes = frozenset()
            self._settings_dirty = True

    def health(self) -> DeviceHealth:
        return self._health

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._port.drop()

    # --- transport --------------------------------------------------------------------------

    def _exchange(self, frame: Frame, *, expect_reply: bool = True) -> Frame | None:
        """Send one frame; return the first valid frame back within the timeout, or None."""
        port = self._port.get()
        try:
            port.reset_input_buffer()
            self._reader.clear()
            port.write(frame.encode())
            port.flush()
            if not expect_reply:
                return None
            deadline = time.monotonic() + self._timeout_s
            while time.monotonic() < deadline:
                # Byte by byte: read(64) would wait out its 20 ms for bytes a short reply
                # never sends, so an exchange takes as long as the unit takes to answer.
                for reply in self._reader.feed(port.read(1)):
                    if _answers(frame.command, reply.command):
                        return reply
                    log.debug("id003: stale reply %#04x to %#04x", reply.command, frame.command)
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise DeviceUnavailable(f"acceptor {self.url}: {exc}") from exc
        return None

    # --- polling ----------------------------------------------------------------------------

    def _emit(self, event: BillEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    def _set_health(self, health: DeviceHealth) -> None:
        if health != self._health:
            self._health = health
            self._emit(AcceptorHealthChanged(health))

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._cycle()
            except DeviceUnavailable as exc:
                self._set_health(
                    DeviceHealth(HealthLevel.ERROR, "unavailable", "acceptor.unavailable", str(exc))
                )
                self._stopping.wait(1.0)
            except Exception:  # a listener bug must not stop the polling of money
                log.exception("id003 poll cycle failed")
            self._stopping.wait(self._poll_s)

    def _cycle(self) -> None:
        if self.last_status in (Status.IDLING, Status.DISABLED):
            if self._table_problem is None:
                self._check_denominations()
            self._apply_settings()
        reply = self._exchange(Frame(Command.STATUS_REQUEST))
        if reply is None:
            self._silent += 1
            if self._silent >= self._max_silent:
                self._set_health(NO_ANSWER)
            return
        self._silent = 0
        self._on_status(reply)

    def _check_denominations(self) -> None:
        """Read the unit's denomination data (0x8A) and compare it with the config, before any
        note is enabled: a wrong table credits wrong amounts, so it stops the acceptor."""
        reply = self._exchange(Frame(Command.DENOMINATION_DATA))
        if reply is None:
            return  # asked again at the next idle poll; no note is enabled meanwhile
        if reply.command != Command.DENOMINATION_DATA:
            log.warning("id003: the unit has no denomination data (0x8A): config unchecked")
            self._table_problem = ""
        else:
            try:
                problems = table_mismatches(self._codes_fen, decode_denominations(reply.data))
            except FrameError as exc:
                problems = [f"unreadable denomination data: {exc}"]
            self._table_problem = "; ".join(problems)
        with self._lock:
            self._settings_dirty = True
        if self._table_problem:
            log.error("id003: escrow codes disagree with the unit: %s", self._table_problem)
            self._set_health(self._resting_health())

    def _resting_health(self) -> DeviceHealth:
        if self._table_problem:
            detail = f"escrow codes disagree with the unit: {self._table_problem}"
            key = "acceptor.failure"
            return DeviceHealth(HealthLevel.ERROR, "denomination_mismatch", key, detail)
        return HEALTH_OK

    def _apply_settings(self) -> None:
        with self._lock:
            if not self._settings_dirty:
                return
            codes, self._settings_dirty = self._want_codes, False
        if self._table_problem != "":
            codes = frozenset()  # not checked yet, or checked wrong: no note goes in
        echoes = (
            self._exchange(Frame(Command.SET_ENABLE, enable_mask(codes))),
            self._exchange(Frame(Command.SET_INHIBIT, b"\x00" if codes else b"\x01")),
        )
        if any(echo is None or echo.command == Status.INVALID_COMMAND for echo in echoes):
            with self._lock:
                self._settings_dirty = True  # try again on the next idle poll

    def _on_status(self, frame: Frame) -> None:
        try:
            status = Status(frame.command)
        except ValueError:
            log.warning("id003: unknown status %#04x", frame.command)
            return
        # The same status twice in a row: not one late frame (see the module's docstring).
        confirmed = self._previous == frame
        self._previous = frame
        self.last_status = status
        if status in POWER_UP_STATES:
            self._power_up(status)
            return
        self._powered_up = False
        if status in ERROR_STATES:
            code, key = ERROR_STATES[status]
            detail = ""
            if status is Status.FAILURE:
                # Which part failed: a stable code for alerts (central sees codes only).
                reason = failure_reason(frame.data)
                name = reason.name.lower() if reason else ""
                code = f"failure_{name}" if reason else "failure"
                detail = f"FAILURE {frame.data.hex()} {name}".strip()
            self._set_health(DeviceHealth(HealthLevel.ERROR, code, key, detail))
        else:
            if status in (Status.IDLING, Status.DISABLED):
                self._rested = True
            if self._rested:
                # Until the acceptor first rests, it is finishing what a previous host left in
                # it (a note stacking or in escrow): still starting, so a booting host waits.
                self._set_health(self._resting_health())
            self._on_note_status(status, frame.data, confirmed=confirmed)
        if status is not Status.REJECTING:
            self._reported_reject = False

    def _power_up(self, status: Status) -> None:
        if not self._powered_up:  # once per power-up: a lost RESET shows it again
            self._powered_up = True
            note, self._note = self._note, None
            pending = None
            if note is not None and note.decision is EscrowDecision.STACK and not note.credited:
                pending = note.fen
            if status is not Status.POWER_UP:
                location = "stacker" if status is Status.POWER_UP_BILL_IN_STACKER else "acceptor"
                self._emit(PowerUpWithNote(location, pending))
            elif pending is not None:
                # No bill anywhere in the unit: the note we sent to the stacker never got there.
                self._emit(NoteReturned(pending, "power_up"))
            self._set_health(DeviceHealth(HealthLevel.WARNING, "power_up", "acceptor.power_up"))
            self._table_problem = None  # read again: the unit may have new firmware now
        self._exchange(Frame(Command.RESET))
        with self._lock:
            self._settings_dirty = True

    def _on_note_status(self, status: Status, data: bytes, *, confirmed: bool) -> None:
        note = self._note
        if note is not None and status in (Status.RETURNING, Status.REJECTING):
            note.leaving = True
        if status is Status.ESCROW and data:
            if note is not None and note.code == data[0] and not note.leaving:
                if not note.acknowledged and not note.credited:
                    self._send_decision(note)  # the unit did not confirm it: say it again
            elif confirmed:
                if note is not None:
                    self._end_note(note)  # another note in escrow: ours came back
                self._escrow(data[0])
        elif status is Status.VEND_VALID:
            self._vend_valid(note, confirmed=confirmed)
        elif status is Status.REJECTING and not self._reported_reject:
            self._reported_reject = True
            reason = REJECT_REASONS.get(data[0], f"reason_{data[0]:02x}") if data else "unknown"
            self._emit(NoteRejected(reason))
        elif status in (Status.STACKED, Status.RETURNING) and note is not None and note.credited:
            self._note = None
        elif status in (Status.IDLING, Status.DISABLED) and note is not None:
            if note.credited:
                self._note = None
            elif confirmed:
                # Resting, twice: the note is not in the unit and was not stacked (a stacked
                # note's vend valid waits for our ACK), so it went back to the customer.
                self._end_note(note)

    def _vend_valid(self, note: _Note | None, *, confirmed: bool) -> None:
        stacking = note is not None and note.decision is EscrowDecision.STACK
        if note is not None and note.fen is not None and stacking and not note.credited:
            # Our STACK-1 reached the unit even if its ACK did not reach us.
            self._emit(NoteCredited(note.fen))  # journalled by the listener, then ACK
            note.credited = True
        elif note is None or not note.credited:
            if not confirmed:
                return  # unacknowledged, a real vend valid is repeated at the next poll
            # A note stacked that this driver did not send to the stacker: a host restarted
            # mid-stack (ID-003's vend valid names no value: the host's journal names it), or
            # a vend valid after a RETURN the acceptor acknowledged (a faulty unit). Reported
            # once, as a note found in the stacker, never as this driver's own credit; then
            # acknowledged. Its value is known when this driver saw its escrow: the note is in
            # the box, not with the customer, so the listener credits it or, with no flow to
            # take it, vouchers it (kiosk/cash_router.py).
            log.error("id003: vend valid for a note this driver did not send to the stacker")
            known = note.fen if note is not None and note.fen is not None else None
            self._emit(PowerUpWithNote("stacker", known))
            self._note = _Note(-1, None, EscrowDecision.STACK, acknowledged=True, credited=True)
        self._exchange(Frame(Command.ACK), expect_reply=False)

    def _escrow(self, code: int) -> None:
        fen = self._codes_fen.get(code)
        decision = EscrowDecision.RETURN
        if fen is not None and self._policy is not None:
            self._emit(NoteEscrowed(fen))
            try:
                decision = self._policy(fen)
            except Exception:
                # A policy that cannot decide (a bug, storage it could not write) must not leave
                # the note in escrow to be decided again at the next poll — perhaps to STACK
                # then: the customer gets it back now.
                log.exception("id003: the escrow policy failed; returning the note")
                decision = EscrowDecision.RETURN
        note = _Note(code, fen, decision)
        self._note = note  # decided once: from here on its fate is followed, never re-decided
        self._send_decision(note)

    def _send_decision(self, note: _Note) -> None:
        command = Command.STACK_1 if note.decision is EscrowDecision.STACK else Command.RETURN
        reply = self._exchange(Frame(command))
        if reply is not None and reply.command == Command.ACK:
            note.acknowledged = True
        else:
            # No ACK: the command may or may not have reached the unit. The note is followed
            # on: still in escrow → sent again; stacking/vend valid → credited; resting → back.
            log.warning("id003: %s not acknowledged; following the note", command.name)

    def _end_note(self, note: _Note) -> None:
        """The note left the unit without a credit: back to the customer."""
        self._note = None
        if note.credited or note.fen is None:
            return
        reason = "host_return" if note.decision is EscrowDecision.RETURN else "acceptor_return"
        self._emit(NoteReturned(note.fen, reason))
