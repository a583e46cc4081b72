"""One customer at the kiosk: unified authentication once, an idle timeout with a warning
countdown, and a clean slate for the next customer.

A customer proves who they are once (service password, SMS code, or ID card) and every service
in the session uses that proof (docs/design.md#unified-authentication). Everything personal lives in
this object and nowhere else in the core; `end()` drops it all — the customer, the central
session token, a pending SMS challenge, the ID card record — whatever the reason (logout, finish,
idle timeout, central expiring the session). Tests inspect `vars()` of a session to prove it.

The idle clock is injectable (monotonic seconds); `tick()` is called by the app's idle watch
thread (or a test) and ends the session when it runs out — unless a flow still holds the
customer's money, which the flow must finish first (`busy` says so).
"""

from __future__ import annotations

import enum
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from drivers.interfaces import IdCardRecord
from kiosk.central_api import CentralApi
from kiosk.central_models import CustomerSessionOut, SmsChallenge
from kiosk.errors import CentralRefused, CentralUnavailable, SessionError
from kiosk.msisdn import is_valid_mobile

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# Codes with which central says the customer session itself is gone.
SESSION_GONE = frozenset({"session.expired", "session.invalid", "session.missing"})


class AuthMethod(enum.Enum):
    PASSWORD = "password"  # noqa: S105 (the method's name, not a secret)
    SMS = "sms"
    ID_CARD = "id_card"


class EndReason(enum.Enum):
    LOGOUT = "logout"
    FINISHED = "finished"
    IDLE_TIMEOUT = "idle_timeout"
    CENTRAL_EXPIRED = "central_expired"
    SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class Customer:
    """Who is logged in, as far as the screen may show it."""

    msisdn: str
    method: AuthMethod
    owner_name_masked: str


@dataclass(frozen=True)
class IdleStatus:
    remaining_s: float
    warning: bool  # show the countdown: "still there? touch the screen"
    expired: bool


@dataclass(frozen=True)
class SessionEnded:
    session_id: str
    reason: EndReason


class CustomerSession:
    """Thread-safe. Customer actions come from the core thread, `tick()` from the idle watch."""

    def __init__(
        self,
        api: CentralApi,
        *,
        idle_timeout_s: float,
        warning_s: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        on_end: Callable[[SessionEnded], None] | None = None,
    ) -> None:
        self.session_id = uuid.uuid4().hex
        self._api = api
        self._idle_timeout_s = idle_timeout_s
        self._warning_s = min(warning_s, idle_timeout_s / 2)
        self._clock = clock
        self._on_end = on_end
        self._lock = threading.RLock()
        self._last_touch = clock()
        self._busy: Callable[[], bool] = _never
        self.ended: EndReason | None = None
        # Personal data: all of it is dropped by end().
        self.customer: Customer | None = None
        self._token: str | None = None
        self._challenge: SmsChallenge | None = None
        self._challenge_msisdn: str | None = None
        self.id_card: IdCardRecord | None = None

    # --- idle -----------------------------------------------------------------------------

    def touch(self) -> None:
        """The customer did something: the idle countdown starts again."""
        with self._lock:
            self._last_touch = self._clock()

    def set_busy(self, busy: Callable[[], bool] | None) -> None:
        """While `busy()` is true (a flow holds the customer's money) the session never times
        out; the flow finishes first and the session ends after it."""
        with self._lock:
            self._busy = busy or _never

    def idle_status(self) -> IdleStatus:
        with self._lock:
            remaining = self._idle_timeout_s - (self._clock() - self._last_touch)
            if self._busy():
                return IdleStatus(max(remaining, 0.0), warning=False, expired=False)
            return IdleStatus(
                max(remaining, 0.0), warning=remaining <= self._warning_s, expired=remaining <= 0
            )

    def tick(self) -> IdleStatus:
        """Called every second or so: ends the session once the countdown runs out."""
        status = self.idle_status()
        if status.expired and self.ended is None:
            self.end(EndReason.IDLE_TIMEOUT)
        return status

    # --- authentication -------------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        with self._lock:
            return self.customer is not None

    def login_password(self, msisdn: str, password: str) -> Customer:
        self._check_open()
        _require_mobile(msisdn)
        if len(password) != 6 or not password.isdigit():
            raise SessionError("a service password is 6 digits", message_key="auth.bad_password")
        return self._accept(self._api.login_password(msisdn, password))

    def request_sms_code(self, msisdn: str) -> SmsChallenge:
        self._check_open()
        _require_mobile(msisdn)
        challenge = self._api.send_login_code(msisdn)
        with self._lock:
            self._challenge, self._challenge_msisdn = challenge, msisdn
        return challenge

    def login_sms(self, code: str) -> Customer:
        self._check_open()
        with self._lock:
            challenge = self._challenge
        if challenge is None:
            raise SessionError("no code was requested", message_key="auth.code_not_requested")
        if len(code) != 6 or not code.isdigit():
            raise SessionError("an SMS code is 6 digits", message_key="auth.bad_code")
        return self._accept(self._api.login_sms(challenge.challenge_id, code))

    def login_id_card(self, msisdn: str, record: IdCardRecord, today: date) -> Customer:
        """The ID card on the reader proves the owner of `msisdn` (central checks ownership)."""
        self._check_open()
        _require_mobile(msisdn)
        if not record.is_valid_on(today):
            raise SessionError("the ID card is not valid today", message_key="idcard.expired")
        valid_until = record.valid_to.isoformat() if record.valid_to else None
        session = self._api.login_id_card(msisdn, record.id_number, record.name, valid_until)
        customer = self._accept(session)
        with self._lock:
            self.id_card = record
        return customer

    def present_id_card(self, record: IdCardRecord) -> None:
        """An ID card read for a service that needs the card itself (SIM sale)."""
        self._check_open()
        with self._lock:
            self.id_card = record

    def _accept(self, session: CustomerSessionOut) -> Customer:
        customer = Customer(session.msisdn, AuthMethod(session.method), session.owner_name_masked)
        with self._lock:
            self._check_open()
            self.customer, self._token = customer, session.session_token
            self._challenge = self._challenge_msisdn = None
            self._last_touch = self._clock()
        log.info("session %s: authenticated by %s", self.session_id, customer.method.value)
        return customer

    def token(self) -> str:
        """The central session token for a customer call; SessionError without a login."""
        with self._lock:
            self._check_open()
            if self._token is None:
                raise SessionError("log in first", message_key="session.login_required")
            return self._token

    def call(self, action: Callable[[str], _T]) -> _T:
        """Run a customer call with the session token; if central says the session is gone,
        end it here too (the customer must log in again)."""
        token = self.token()
        try:
            result = action(token)
        except CentralRefused as exc:
            if exc.code in SESSION_GONE:
                self.end(EndReason.CENTRAL_EXPIRED)
            raise
        self.touch()
        return result

    # --- the end --------------------------------------------------------------------------

    def end(self, reason: EndReason) -> None:
        """Drop every piece of customer data; tell central (best effort, the session expires
        there by itself too)."""
        with self._lock:
            if self.ended is not None:
                return
            token = self._token
            self.ended = reason
            self.customer = None
            self._token = None
            self._challenge = self._challenge_msisdn = None
            self.id_card = None
            self._busy = _never
        if token is not None and reason is not EndReason.CENTRAL_EXPIRED:
            try:
                self._api.logout(token)
            except (CentralUnavailable, CentralRefused) as exc:
                log.info("session %s: logout not confirmed: %s", self.session_id, exc)
        log.info("session %s ended: %s", self.session_id, reason.value)
        if self._on_end is not None:
            self._on_end(SessionEnded(self.session_id, reason))

    def _check_open(self) -> None:
        if self.ended is not None:
            raise SessionError("the session has ended", message_key="session.ended")


def _never() -> bool:
    return False


def _require_mobile(msisdn: str) -> None:
    if not is_valid_mobile(msisdn):
        raise SessionError(f"not a mobile number: {msisdn!r}", message_key="topup.invalid_number")
