"""Entering maintenance mode: a technician card (ID-format badge or service SIM) or the hidden
touch sequence, then a PIN of 6 to 12 digits. PINs live only as scrypt hashes; wrong PINs in a
row lock maintenance for a while, each further lock in a row twice as long (up to 24 h), and
that lock survives a reboot. An attempt is counted, under a lock shared by every process on the
data folder (the kiosk and technician CLI commands), before its PIN is checked, so attempts in
flight at once never exceed the limit. Every PIN attempt is journalled (and so reaches
central); maintenance never starts while a customer session holds money."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.interfaces import IdCardEvent, IdCardRead
from kiosk.errors import KioskError
from kiosk.journal import Journal
from kiosk.maintenance_journal import record_action
from kiosk.maintenance_settings import Corner, MaintenanceSection, Technician
from kiosk.maintenance_store import file_lock, read_json, write_json_atomic

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~16 MiB and ~50 ms per check on a kiosk CPU
MAX_SCRYPT_N = 2**20  # a hash asking for more memory than this is refused, not computed
SALT_BYTES, KEY_BYTES = 16, 32
LOCKOUT_FILE = "maintenance_lockout.json"
MIN_PIN_DIGITS, MAX_PIN_DIGITS = 6, 12
MAX_LOCKOUT_S = 24 * 3600  # each lock in a row doubles, up to this


class MaintenanceError(KioskError):
    """Maintenance refused something; `message_key` says what to the technician."""

    message_key = "maintenance.error"


class MaintenanceLocked(MaintenanceError):
    message_key = "maintenance.locked"

    def __init__(self, until: float) -> None:
        super().__init__(f"maintenance locked until {time.ctime(until)}")
        self.until = until


class WrongPin(MaintenanceError):
    message_key = "maintenance.wrong_pin"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong PIN ({attempts_left} attempts left)")
        self.attempts_left = attempts_left


class PinTooShort(MaintenanceError):
    """A PIN of fewer than 6 digits (4 or 5 were accepted once): not even checked; a PIN that
    short must be replaced by one of 6 to 12 digits."""

    message_key = "maintenance.pin_too_short"

    def __init__(self) -> None:
        super().__init__(
            f"maintenance PINs now have {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits and a shorter "
            "one is refused: set a longer PIN (`kiosk maintenance pin-hash` makes its hash for "
            "the technician's maintenance.technicians[].pin_hash in config.yaml)"
        )


def valid_pin(pin: str) -> bool:
    """A PIN the kiosk accepts (and that `kiosk maintenance pin-hash` hashes): 6 to 12 digits."""
    return MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS and pin.isascii() and pin.isdigit()


def short_pin(pin: str) -> bool:
    """Digits, fewer than MIN_PIN_DIGITS: refused with PinTooShort, never checked nor counted.
    No PIN that short exists (pin-hash refuses it), so trying one tells an attacker nothing;
    4 and 5 digits were accepted once, and a technician's Enter pressed early costs no try."""
    return 0 < len(pin) < MIN_PIN_DIGITS and pin.isascii() and pin.isdigit()


def lockout_duration(lockout_s: int, lockouts: int) -> int:
    """How long the `lockouts`-th lock in a row (no right PIN in between) lasts: `lockout_s`,
    doubled for each lock before it, at most MAX_LOCKOUT_S (or `lockout_s` if that is longer)."""
    doublings = min(max(lockouts, 1) - 1, 32)
    return min(lockout_s << doublings, max(MAX_LOCKOUT_S, lockout_s))


def seconds_to_try(pins: int, max_attempts: int, lockout_s: int) -> int:
    """The least time in which the lockout lets `pins` PINs be checked (typing not counted):
    `max_attempts` PINs, a lock, `max_attempts` more, a lock twice as long, and so on."""
    series = -(-pins // max_attempts)  # each ends in a lock but the last needs not wait it out
    total, lockouts = 0, 0
    while lockouts < series - 1:
        lockouts += 1
        duration = lockout_duration(lockout_s, lockouts)
        if duration == lockout_duration(lockout_s, lockouts + 1):  # the cap: the rest alike
            return total + duration * (series - lockouts)
        total += duration
    return total


def hash_secret(secret: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """`scrypt$n$r$p$salt$hash` (hex) of `secret` with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(secret, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def verify_secret(secret: str, encoded: str) -> bool:
    """Whether `secret` matches the `scrypt$...` string; a malformed string never matches."""
    try:
        scheme, n_text, r_text, p_text, salt_hex, key_hex = encoded.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(key_hex)
    except ValueError:
        return False
    if scheme != "scrypt" or not (2 <= n <= MAX_SCRYPT_N) or n & (n - 1) or r < 1 or p < 1:
        return False
    try:
        key = _scrypt(secret, salt, n, r, p, length=len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(key, expected)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, *, length: int = KEY_BYTES) -> bytes:
    memory = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=length)


@dataclass(frozen=True)
class _LockState:
    failures: int  # wrong PINs (and attempts in flight) in the current series
    until: float | None  # when the current lock ends (None: never locked in this series)
    lockouts: int  # locks in a row since the last right PIN


class Lockout:
    """Wrong PINs in a row and the lock they caused, in a file shared by every process on the
    data folder. An attempt is counted durably before its PIN is checked (`reserve`), under a
    lock file next to the state file: attempts in flight at once, in any process, never exceed
    the limit, and pulling the plug during a check neither forgets it nor lifts the lock. Each
    lock in a row lasts twice the one before (up to MAX_LOCKOUT_S); a right PIN starts over."""

    def __init__(
        self, path: Path, max_attempts: int, lockout_s: int, clock: Callable[[], float]
    ) -> None:
        self._path = path
        self._max = max_attempts
        self._lockout_s = lockout_s
        self._clock = clock

    def _load(self) -> _LockState:
        """The state (call under `file_lock`). A damaged file might hide a lock: it is read,
        and written back, as a fresh lock, which then runs out like any other."""
        data = read_json(self._path)
        if data is None:
            if not self._path.exists():
                return _LockState(0, None, 0)
            state = _LockState(self._max, self._clock() + self._lockout_s, 1)
            self._save(state)
            return state
        failures = data.get("failures", 0)
        until = data.get("locked_until")
        lockouts = data.get("lockouts")
        failures = failures if isinstance(failures, int) else self._max
        until = float(until) if isinstance(until, int | float) else None
        if not isinstance(lockouts, int) or lockouts < 0:
            lockouts = 0 if until is None else 1  # a file from before the escalation
        return _LockState(failures, until, lockouts)

    def _save(self, state: _LockState) -> None:
        write_json_atomic(self._path, {"failures": state.failures, "locked_until": state.until,
                                       "lockouts": state.lockouts})  # fmt: skip

    def _locked_until(self, state: _LockState) -> float | None:
        if state.until is None:
            return None
        now = self._clock()
        if state.until <= now:
            return None
        # A clock set backwards must not stretch the lock beyond its length.
        return min(state.until, now + lockout_duration(self._lockout_s, state.lockouts))

    def locked_until(self) -> float | None:
        """When the lock ends; None if maintenance is not locked now."""
        with file_lock(self._path):
            return self._locked_until(self._load())

    def reserve(self) -> tuple[int, float | None]:
        """Count one attempt, durably, before its PIN is checked: (attempts in a row now, lock
        end if this attempt locked maintenance). The attempt that reaches the limit locks at
        once, so no other attempt starts while it is checked; if its PIN is right,
        `succeeded()` lifts the lock. MaintenanceLocked if maintenance is locked already."""
        with file_lock(self._path):
            state = self._load()
            until = self._locked_until(state)
            if until is not None:
                raise MaintenanceLocked(until)
            failures = 0 if state.until is not None else state.failures  # a lock ran out
            failures += 1
            lockouts, until = state.lockouts, None
            if failures >= self._max:
                lockouts += 1
                until = self._clock() + lockout_duration(self._lockout_s, lockouts)
            self._save(_LockState(failures, until, lockouts))
            return failures, until

    def succeeded(self) -> None:
        """A right PIN: no wrong PINs in a row, no lock, and the next lock is a first one."""
        with file_lock(self._path):
            self._save(_LockState(0, None, 0))

    def attempts_left(self) -> int:
        """Wrong PINs still allowed before the lock (all of them before the first wrong PIN
        or once a lock ran out; 0 while locked)."""
        with file_lock(self._path):
            state = self._load()
            if state.until is not None:
                return 0 if self._locked_until(state) is not None else self._max
            return max(self._max - state.failures, 0)


@dataclass(frozen=True)
class TechnicianIdentity:
    id: str
    name: str
    method: str  # badge | sim | touch | cli


class MaintenanceGate:
    """The way into maintenance. Thread-safe: the ID card reader's thread presents a badge,
    the GUI thread reads `pin_expected` and cancels, the core thread checks the PIN. Badge and
    PIN hashes are checked outside the state lock (scrypt takes ~50 ms); PIN checks run one
    at a time in this gate, and every attempt is counted in the shared lock file before its
    PIN is checked, so attempts through other gates or processes count too.

    `money_held()` says whether a customer session holds money right now (the app's flow has
    credited notes not yet committed); while it does, maintenance never starts."""

    def __init__(
        self,
        settings: MaintenanceSection,
        journal: Journal,
        data_dir: Path,
        *,
        money_held: Callable[[], bool],
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._journal = journal
        self._money_held = money_held
        self._monotonic = monotonic
        self.lockout = Lockout(
            data_dir / LOCKOUT_FILE, settings.max_pin_attempts, settings.lockout_s, clock
        )
        self._lock = threading.Lock()  # _touches and _pending
        self._check_lock = threading.Lock()  # one PIN check at a time
        self._touches: list[tuple[Corner, float]] = []
        # After a card or the sequence: (technician if a card named one, method, when).
        self._pending: tuple[Technician | None, str, float] | None = None

    @property
    def pin_expected(self) -> bool:
        with self._lock:
            return self._pending_now() is not None

    def _pending_now(self) -> tuple[Technician | None, str, float] | None:
        """The pending card or sequence unless it timed out (call with the lock held)."""
        pending = self._pending
        timeout_s = self._settings.pin_entry_timeout_s
        if pending is not None and self._monotonic() - pending[2] > timeout_s:
            self._pending = pending = None
        return pending

    @property
    def attempts_left(self) -> int:
        """Wrong PINs still allowed before maintenance locks: max_pin_attempts before the
        first wrong PIN, fewer after each, 0 while locked (the lock file is the truth)."""
        return self.lockout.attempts_left()

    def present_badge(self, badge_number: str) -> bool:
        """An ID-format card was read: True (PIN screen next) if it is a technician's badge.
        A customer's card is not a badge and leaves no trace here."""
        for technician in self._settings.technicians:
            if any(verify_secret(badge_number, h) for h in technician.badge_hashes):
                with self._lock:
                    self._pending = (technician, "badge", self._monotonic())
                return True
        return False

    def present_iccid(self, iccid: str) -> bool:
        for technician in self._settings.technicians:
            if iccid in technician.iccids:
                with self._lock:
                    self._pending = (technician, "sim", self._monotonic())
                return True
        return False

    def on_id_card_event(self, event: IdCardEvent) -> bool:
        """Feed the ID card reader's events (when no customer session uses the reader)."""
        return isinstance(event, IdCardRead) and self.present_badge(event.record.id_number)

    def touch(self, corner: Corner) -> bool:
        """A touch in a corner of the attract screen; True once the hidden sequence is done."""
        sequence = self._settings.touch_sequence
        if not sequence:
            return False
        with self._lock:
            now = self._monotonic()
            if self._touches and now - self._touches[-1][1] > self._settings.touch_window_s:
                self._touches = []
            self._touches = [*self._touches, (corner, now)][-len(sequence) :]
            if tuple(c for c, _ in self._touches) == sequence:
                self._touches = []
                self._pending = (None, "touch", now)
                return True
            return False

    def cancel(self) -> None:
        with self._lock:
            self._pending = None
            self._touches = []

    def enter_pin(self, pin: str) -> TechnicianIdentity:
        """Check the PIN after a card or the sequence. Raises MaintenanceLocked, WrongPin or
        MaintenanceError (no card first, money held); JournalError if it cannot be recorded."""
        with self._lock:
            pending = self._pending_now()
        if pending is None:
            raise MaintenanceError("no technician card or sequence first",
                                   message_key="maintenance.card_first")  # fmt: skip
        technician, method, _at = pending
        candidates = (technician,) if technician is not None else self._settings.technicians
        identity = self._check(pin, candidates, method, technician.id if technician else None)
        with self._lock:
            if self._pending is pending:  # not replaced by another card meanwhile
                self._pending = None
        return identity

    def authenticate(self, technician_id: str, pin: str, method: str = "cli") -> TechnicianIdentity:
        """A technician at the service port names themself and gives the PIN (same lock)."""
        known = [t for t in self._settings.technicians if t.id == technician_id]
        return self._check(pin, tuple(known), method, technician_id)

    def _check(
        self, pin: str, candidates: tuple[Technician, ...], method: str, claimed: str | None
    ) -> TechnicianIdentity:
        with self._check_lock:
            return self._check_one(pin, candidates, method, claimed)

    def _check_one(
        self, pin: str, candidates: tuple[Technician, ...], method: str, claimed: str | None
    ) -> TechnicianIdentity:
        until = self.lockout.locked_until()
        if until is not None:
            record_action(self._journal, "login_locked", claimed, {"method": method})
            raise MaintenanceLocked(until)
        if self._money_held():
            record_action(self._journal, "login_refused", claimed,
                          {"method": method, "reason": "customer_money"})  # fmt: skip
            raise MaintenanceError("a customer session holds money",
                                   message_key="maintenance.customer_money")  # fmt: skip
        if short_pin(pin):  # never checked, so it tells nothing and is not counted
            record_action(self._journal, "login_refused", claimed,
                          {"method": method, "reason": "pin_too_short"})  # fmt: skip
            raise PinTooShort
        try:
            failures, locked_until = self.lockout.reserve()  # counted before it is checked
        except MaintenanceLocked:  # another gate or process locked it meanwhile
            record_action(self._journal, "login_locked", claimed, {"method": method})
            raise
        for candidate in candidates:
            if valid_pin(pin) and verify_secret(pin, candidate.pin_hash):
                self.lockout.succeeded()
                record_action(self._journal, "login", candidate.id, {"method": method})
                return TechnicianIdentity(candidate.id, candidate.name, method)
        record_action(self._journal, "pin_failed", claimed,
                      {"method": method, "failures": failures,
                       "locked": locked_until is not None})  # fmt: skip
        if locked_until is not None:
            raise MaintenanceLocked(locked_until)
        raise WrongPin(self._settings.max_pin_attempts - failures)
