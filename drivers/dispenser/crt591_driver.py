"""CardDispenser for the Creator CRT-591-M over its serial protocol (crt591_link, crt591_codec).

The flow's steps map onto the manual's move commands (§3.1.3): `card_to_reader` takes a blank
from the stacker to the IC contact position, `dispense` moves it to the holding position at
the gate and waits for the customer to pull it out — a card still there after
`capture_after_s` is pulled back into the error card bin and `CardNotTaken` raised —, `retain`
captures whatever card is in the path.

The unit obeys nothing before a reset (§3.1.1), so the first command, any "B0 not reset"
(it lost power) and the first command after a hardware error send one first; the reset's
"keep" parameter never moves a card the kiosk may still want to capture. A movement whose
reply was lost is never repeated: the unit is asked where the card is instead. Hardware
errors (jam, motor, sensor) stay in the health until a reset succeeds again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from drivers.dispenser.crt591_codec import (
    REPEATABLE,
    BinLevel,
    CardPosition,
    Command,
    ErrorCode,
    Negative,
    Positive,
    StackLevel,
    Status,
)
from drivers.dispenser.crt591_link import Crt591Link, ReplyLost
from drivers.errors import DeviceUnavailable, DriverError, ProtocolError
from drivers.interfaces import HEALTH_OK, DeviceHealth, DispenserStock, HealthLevel
from drivers.interfaces.dispenser import CardNotTaken, DispenserError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Meaning:
    """What an e1e0 code means to the kiosk: message key, health code, and whether the unit
    needs a successful reset before it is trusted again (a mechanical fault)."""

    message_key: str
    code: str
    sticky: bool = False


FAULT = "dispenser.fault"
MEANINGS: dict[ErrorCode, _Meaning] = {
    ErrorCode.CARD_JAM: _Meaning("dispenser.jam", "jam", sticky=True),
    ErrorCode.STACKER_EMPTY: _Meaning("dispenser.empty", "empty"),
    ErrorCode.BIN_FULL: _Meaning("dispenser.reject_bin_full", "reject_bin_full"),
    ErrorCode.CARD_TOO_LONG: _Meaning(FAULT, "bad_card", sticky=True),
    ErrorCode.CARD_TOO_SHORT: _Meaning(FAULT, "bad_card", sticky=True),
    ErrorCode.SENSOR_ERROR: _Meaning(FAULT, "sensor_error", sticky=True),
    ErrorCode.MOTOR_ERROR: _Meaning(FAULT, "motor_error", sticky=True),
    ErrorCode.IC_MAGNET_ERROR: _Meaning(FAULT, "ic_contact_error", sticky=True),
    ErrorCode.IC_CONTACT_NOT_RELEASED: _Meaning(FAULT, "ic_contact_error", sticky=True),
    ErrorCode.CANNOT_MOVE_TO_IC: _Meaning(FAULT, "cannot_reach_ic", sticky=True),
    ErrorCode.MOVED_BY_HAND: _Meaning(FAULT, "card_moved_by_hand", sticky=True),
    ErrorCode.CAPTURE_FAILED: _Meaning(FAULT, "capture_failed", sticky=True),
}


def meaning(code: str) -> _Meaning:
    """The kiosk's reading of an e1e0 code; codes outside the table are faults by code."""
    try:
        known = MEANINGS.get(ErrorCode(code))
    except ValueError:
        known = None
    return known or _Meaning(FAULT, f"error_{code.lower()}")


class _Failed(DispenserError):
    """A negative reply, with the unit's e1e0 code and the kiosk's reading of it."""

    def __init__(self, detail: str, code: str) -> None:
        self.reading = meaning(code)
        super().__init__(detail, message_key=self.reading.message_key)
        self.code = code

    @property
    def error(self) -> ErrorCode | None:
        try:
            return ErrorCode(self.code)
        except ValueError:
            return None


def _health_of(status: Status) -> DeviceHealth:
    if status.stack is StackLevel.EMPTY:
        return DeviceHealth(HealthLevel.ERROR, "empty", "dispenser.empty")
    if status.bin is BinLevel.FULL:  # a failed card could not be captured
        return DeviceHealth(HealthLevel.ERROR, "reject_bin_full", "dispenser.reject_bin_full")
    if status.card is CardPosition.GATE:
        return DeviceHealth(HealthLevel.WARNING, "card_at_exit", "dispenser.card_at_exit")
    if status.card is CardPosition.READER:
        return DeviceHealth(HealthLevel.WARNING, "card_in_reader", "dispenser.card_in_path")
    if status.stack is StackLevel.LOW:
        return DeviceHealth(HealthLevel.WARNING, "stock_low", "dispenser.stock_low")
    return HEALTH_OK


class Crt591Dispenser:
    def __init__(
        self,
        link: Crt591Link,
        *,
        capture_after_s: float = 30.0,
        take_poll_s: float = 0.25,
        reset: Command = Command.INIT_KEEP_COUNTED,
    ) -> None:
        self._link = link
        self._capture_after_s = capture_after_s
        self._take_poll_s = take_poll_s
        self._reset_command = reset
        self._lock = threading.Lock()  # one command (and one movement) at a time
        self._stopping = threading.Event()
        self._initialised = False
        self._fault: _Failed | None = None
        self._last_status: Status | None = None
        self._health = DeviceHealth(HealthLevel.UNKNOWN, "starting", "dispenser.starting")

    # --- CardDispenser ------------------------------------------------------------------------

    def card_to_reader(self) -> None:
        with self._lock:
            status = self._ready()
            if status.card is not CardPosition.NONE:
                raise DispenserError(f"a card is already at {status.card.name.lower()}",
                                     message_key="dispenser.card_in_path")  # fmt: skip
            if status.stack is StackLevel.EMPTY:
                raise DispenserError("no cards left", message_key="dispenser.empty")
            self._move(Command.TO_IC, CardPosition.READER)

    def dispense(self) -> None:
        with self._lock:
            status = self._ready()
            if status.card is CardPosition.NONE:
                raise DispenserError("no card to dispense", message_key="dispenser.no_card")
            if status.card is CardPosition.READER:
                self._move(Command.TO_GATE, CardPosition.GATE)
            if not self._taken_in_time():
                self._capture_left_card()

    def retain(self) -> None:
        with self._lock:
            status = self._ready()
            if status.card is CardPosition.NONE:
                raise DispenserError("no card to retain", message_key="dispenser.no_card")
            self._capture()

    def stock(self) -> DispenserStock:
        status = self._refresh() or self._last_status
        if status is None:
            raise DeviceUnavailable("card dispenser: no status yet")
        empty = status.stack is StackLevel.EMPTY
        return DispenserStock(None, low=empty or status.stack is StackLevel.LOW, empty=empty)

    def health(self) -> DeviceHealth:
        self._refresh()
        return self._health

    def close(self) -> None:
        self._stopping.set()  # a dispense waiting for the customer gives up
        with self._lock:
            self._link.close()

    # --- steps --------------------------------------------------------------------------------

    def _refresh(self) -> Status | None:
        """Ask the unit now unless a movement holds the line (then the last answer stands)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return self._ready()
        except DriverError:
            return None  # _run recorded it in the health
        finally:
            self._lock.release()

    def _transact(self, command: Command, data: bytes = b"") -> Positive | Negative:
        try:
            try:
                return self._link.transact(command, data)
            except ReplyLost:
                if command not in REPEATABLE:
                    raise  # it may have moved a card: the caller asks where it went
                return self._link.transact(command, data)  # a question can be asked again
        except DeviceUnavailable as exc:
            self._health = DeviceHealth(HealthLevel.ERROR, "unavailable",
                                        "dispenser.unavailable", str(exc))  # fmt: skip
            raise
        except ProtocolError as exc:
            self._health = DeviceHealth(HealthLevel.ERROR, "protocol_error",
                                        "dispenser.unavailable", str(exc))  # fmt: skip
            raise

    def _run(self, command: Command, data: bytes = b"") -> Positive:
        """One command, resetting the unit first when it needs it; Negative replies raise."""
        reply = self._transact(command, data)
        if isinstance(reply, Negative) and reply.error is ErrorCode.NOT_RESET:
            log.warning("crt591: the unit was not reset (power loss?); resetting")
            self._initialised = False
            self._initialise()
            reply = self._transact(command, data)
        if isinstance(reply, Negative):
            raise self._failed(command, reply)
        self._last_status = reply.status
        self._health = self._fault_health() or _health_of(reply.status)
        return reply

    def _failed(self, command: Command, reply: Negative) -> _Failed:
        error = _Failed(f"card dispenser: {command.name} failed with {reply.code}", reply.code)
        reading = error.reading
        if reading.sticky:
            self._fault = error
        self._health = self._fault_health() or DeviceHealth(
            HealthLevel.ERROR, reading.code, reading.message_key, str(error)
        )
        return error

    def _fault_health(self) -> DeviceHealth | None:
        if self._fault is None:
            return None
        reading = self._fault.reading
        return DeviceHealth(HealthLevel.ERROR, reading.code, reading.message_key, str(self._fault))

    def _initialise(self) -> None:
        reply = self._transact(self._reset_command)
        if isinstance(reply, Negative):
            raise self._failed(self._reset_command, reply)
        self._initialised = True
        self._fault = None  # §3.1.1: the reset clears the unit's errors; it worked
        log.info("crt591: reset, firmware %r", reply.data.decode("ascii", "replace"))

    def _ready(self) -> Status:
        """The unit reset if it needs it (first use, after a hardware error), and its status."""
        if not self._initialised or self._fault is not None:
            self._initialise()
        return self._run(Command.STATUS).status

    def _move(self, command: Command, target: CardPosition) -> None:
        try:
            status = self._run(command).status
        except ReplyLost:
            # It ACKed, so it may have moved: ask rather than move (perhaps a second card).
            status = self._run(Command.STATUS).status
            if status.card is not target:
                raise
            log.warning("crt591: %s reply lost; the card is where it should be", command.name)
        if status.card is not target:
            raise DispenserError(
                f"card dispenser: {command.name} left the card at {status.card.name.lower()}",
                message_key=FAULT,
            )

    def _capture(self) -> None:
        try:
            self._run(Command.CAPTURE)
        except ReplyLost:
            if self._run(Command.STATUS).status.card is not CardPosition.NONE:
                raise
            log.warning("crt591: capture reply lost; the path is empty")
        except _Failed as exc:
            if exc.error is not ErrorCode.BIN_COUNTER_OVERFLOW:
                raise
            log.warning("crt591: card captured; the retract counter overflowed")

    def _taken_in_time(self) -> bool:
        """Watch the gate until the card is gone or `capture_after_s` is up."""
        deadline = time.monotonic() + self._capture_after_s
        while True:
            try:
                if self._run(Command.STATUS).status.card is CardPosition.NONE:
                    return True
            except (DeviceUnavailable, ProtocolError) as exc:
                log.warning("crt591: status while waiting for the customer: %s", exc)
            if time.monotonic() >= deadline:
                return False
            if self._stopping.wait(self._take_poll_s):
                raise DeviceUnavailable("card dispenser closed while a card was at the mouth")

    def _capture_left_card(self) -> None:
        """Pull a card left at the mouth into the reject bin, so no stranger takes it."""
        log.warning("crt591: card not taken in %.1f s; capturing it", self._capture_after_s)
        try:
            self._capture()
        except DriverError as exc:
            try:
                gone = self._run(Command.STATUS).status.card is CardPosition.NONE
            except DriverError:
                gone = False
            if gone and isinstance(exc, _Failed) and exc.error is ErrorCode.CAPTURE_FAILED:
                log.warning("crt591: the customer took the card as it was being captured")
                return
            raise CardNotTaken(f"card left at the mouth; capture failed: {exc}",
                               captured=False) from exc  # fmt: skip
        raise CardNotTaken(
            f"card left at the mouth for {self._capture_after_s:g} s: captured", captured=True
        )
