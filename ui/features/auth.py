"""The login screens' view-model: unified authentication by service password, SMS code or ID card
(over kiosk/customer_session.py).

The navigator calls `start_service("auth")` when a service needs a logged-in customer
(`nav.require_auth`); once the core session accepts a login this view-model forgets what was
typed and calls `nav.auth_done()`. The customer picks a method, types the mobile number, then
the password, the SMS code, or puts the ID card on the reader. The password is never kept after
it is submitted; central's refusals (attempts left, lockout, expired code) come back as message
keys with their data. The ID card reaches this screen through the app's ID-card tap
(`app.ops.id_cards`, fed with every reader event), waited on by a small watcher thread while
the ID card screen is up — never on the GUI thread and never on the core thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from drivers.interfaces import IdCardRead, IdCardReadError
from kiosk.errors import CentralRefused, KioskError
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.features.base import FeatureViewModel, UiContext

log = logging.getLogger(__name__)

METHODS = ("password", "sms", "id_card")
SECRET_DIGITS = 6  # a service password and an SMS code are both 6 digits
CARD_WAIT_SLICE_S = 0.5  # the watcher checks this often whether the screen is still up
PREVIEW_NUMBER = "13800138000"
METHOD_SCREEN = {"password": "auth.password", "sms": "auth.sms", "id_card": "auth.idcard"}
METHOD_PROMPT = {"password": "auth.enter_password", "sms": "auth.request_code",
                 "id_card": "auth.place_card"}  # fmt: skip
# Central's refusals after which the SMS challenge can no longer be used: ask for a new one.
CODE_SPENT = frozenset({"sms.used", "sms.expired", "sms.unknown_challenge"})


class AuthViewModel(FeatureViewModel):
    name = "auth"
    screens: ClassVar[dict[str, str]] = {
        "auth.method": "auth/AuthMethodScreen.qml",
        "auth.number": "auth/AuthNumberScreen.qml",
        "auth.password": "auth/AuthPasswordScreen.qml",
        "auth.sms": "auth/AuthSmsScreen.qml",
        "auth.idcard": "auth/AuthIdCardScreen.qml",
    }
    services: ClassVar[tuple[str, ...]] = ()  # started by nav.require_auth, not from the menu
    changed = Signal()  # each subclass declares its own: Qt binds `notify` per class

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self._method = ""
        self._digits = ""  # the mobile number as typed
        self._password = ""  # as typed, dropped the moment it is submitted
        self._code = ""  # the SMS code as typed
        self._code_sent_to = ""  # the number a login code was sent to in this session
        self._attempts_left: int | None = None  # central's count after a wrong password/code
        self._locked_until = ""  # "14:35": the number is locked for passwords until then
        self._resend_left = 0  # seconds until another code may be asked for
        self._card_state = ""  # "waiting" for a card, "checking" it with central
        self._busy = False
        self._watch_stop: threading.Event | None = None
        self._watch_generation = 0
        self._round = 0  # bumped when the customer's data is dropped: late answers are ignored
        self._resend_timer = QTimer(self)
        self._resend_timer.setInterval(1000)
        self._resend_timer.timeout.connect(self._tick_resend)

    # --- properties -------------------------------------------------------------------------

    def _get_method(self) -> str:
        return self._method

    def _get_digits(self) -> str:
        return self._digits

    def _get_number_display(self) -> str:
        return group_mobile(self._digits)

    def _get_number_valid(self) -> bool:
        return is_valid_mobile(self._digits)

    def _get_password_length(self) -> int:
        return len(self._password)

    def _get_code(self) -> str:
        return self._code

    def _get_code_sent(self) -> bool:
        return self._code_sent_to != "" and self._code_sent_to == self._digits

    def _get_attempts_left(self) -> int:
        return -1 if self._attempts_left is None else self._attempts_left

    def _get_locked(self) -> bool:
        return self._locked_until != ""

    def _get_locked_until(self) -> str:
        return self._locked_until

    def _get_resend_left(self) -> int:
        return self._resend_left

    def _get_card_state(self) -> str:
        return self._card_state

    def _get_busy(self) -> bool:
        return self._busy

    def _get_can_submit_password(self) -> bool:
        return len(self._password) == SECRET_DIGITS and not self._busy and not self._locked_until

    def _get_can_submit_code(self) -> bool:
        return len(self._code) == SECRET_DIGITS and self._get_code_sent() and not self._busy

    def _get_can_request_code(self) -> bool:
        return self._resend_left == 0 and not self._busy and is_valid_mobile(self._digits)

    def _get_id_card_available(self) -> bool:
        return self._id_card_reason() == ""

    def _get_id_card_reason(self) -> str:
        return self._id_card_reason()

    def _get_simulator(self) -> bool:
        return self._card_simulator() is not None

    method = Property(str, _get_method, notify=changed)
    digits = Property(str, _get_digits, notify=changed)
    numberDisplay = Property(str, _get_number_display, notify=changed)  # noqa: N815
    numberValid = Property(bool, _get_number_valid, notify=changed)  # noqa: N815
    passwordLength = Property(int, _get_password_length, notify=changed)  # noqa: N815
    code = Property(str, _get_code, notify=changed)
    codeSent = Property(bool, _get_code_sent, notify=changed)  # noqa: N815
    attemptsLeft = Property(int, _get_attempts_left, notify=changed)  # noqa: N815
    locked = Property(bool, _get_locked, notify=changed)
    lockedUntil = Property(str, _get_locked_until, notify=changed)  # noqa: N815
    resendLeft = Property(int, _get_resend_left, notify=changed)  # noqa: N815
    cardState = Property(str, _get_card_state, notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    canSubmitPassword = Property(bool, _get_can_submit_password, notify=changed)  # noqa: N815
    canSubmitCode = Property(bool, _get_can_submit_code, notify=changed)  # noqa: N815
    canRequestCode = Property(bool, _get_can_request_code, notify=changed)  # noqa: N815
    idCardAvailable = Property(bool, _get_id_card_available, notify=changed)  # noqa: N815
    idCardReason = Property(str, _get_id_card_reason, notify=changed)  # noqa: N815
    simulator = Property(bool, _get_simulator, constant=True)

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        """`auth`: the choice of method; `auth.<method>`: straight to that one (e.g. a SIM
        replacement asks for the ID card)."""
        self._clear()
        method = key.removeprefix("auth.") if key.startswith("auth.") else ""
        if method in METHODS and not (method == "id_card" and self._id_card_reason()):
            self.chooseMethod(method)
            return
        self.nav.go("auth.method", "auth.choose")

    def reset(self) -> None:
        self._clear()

    def back(self, screen: str) -> bool:
        if screen == "auth.method":
            return False  # back to the menu (the navigator resets this view-model)
        self._stop_card_watch()
        self._password, self._code = "", ""
        self._attempts_left, self._card_state = None, ""
        if screen == "auth.number":
            self._digits = ""
            self.nav.go("auth.method", "auth.choose")
        else:
            self.nav.go("auth.number", "auth.enter_number")
        self.changed.emit()
        return True

    def can_back(self, screen: str) -> bool:
        return not self._busy

    def can_cancel(self, screen: str) -> bool:
        return not self._busy

    def preview(self, screen: str) -> None:
        self._method = {v: k for k, v in METHOD_SCREEN.items()}.get(screen, "password")
        self._digits = PREVIEW_NUMBER
        if screen == "auth.password":
            self._password = "1234"  # noqa: S105 (four dots on the preview, not a secret)
            self._attempts_left = 3
        elif screen == "auth.sms":
            self._code_sent_to, self._code, self._resend_left = PREVIEW_NUMBER, "1234", 42
        elif screen == "auth.idcard":
            self._card_state = "waiting"
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        return {
            "digits": self._digits,
            "password": self._password,
            "code": self._code,
            "code_sent_to": self._code_sent_to,
            "attempts_left": self._attempts_left,
            "locked_until": self._locked_until,
            "card_state": self._card_state,
            "card_watch": self._watch_stop,
        }

    def shutdown(self) -> None:
        self._resend_timer.stop()
        self._stop_card_watch()

    # --- method and number ------------------------------------------------------------------

    @Slot(str)
    def chooseMethod(self, method: str) -> None:  # noqa: N802
        if method not in METHODS or self._busy:
            return
        if method == "id_card" and self._id_card_reason():
            self.nav.show_message(self._id_card_reason())
            return
        self._method = method
        self.changed.emit()
        self.nav.go("auth.number", "auth.enter_number")

    @Slot(str)
    def switchMethod(self, method: str) -> None:  # noqa: N802
        """Another way in for the same number (e.g. an SMS code once passwords are locked)."""
        if method not in METHODS or self._busy or not is_valid_mobile(self._digits):
            return
        if method == "id_card" and self._id_card_reason():
            self.nav.show_message(self._id_card_reason())
            return
        self._stop_card_watch()
        self._password, self._code, self._attempts_left = "", "", None
        self._method = method
        self._enter_method_screen()

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        if len(digit) != 1 or not digit.isdigit() or self._busy:
            return
        screen = self.nav.screen
        if screen == "auth.number" and len(self._digits) < 11:
            self._digits += digit
        elif screen == "auth.password" and len(self._password) < SECRET_DIGITS:
            self._password += digit
        elif screen == "auth.sms" and len(self._code) < SECRET_DIGITS:
            self._code += digit
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        screen = self.nav.screen
        if screen == "auth.number":
            self._digits = self._digits[:-1]
        elif screen == "auth.password":
            self._password = self._password[:-1]
        elif screen == "auth.sms":
            self._code = self._code[:-1]
        self.changed.emit()

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        screen = self.nav.screen
        if screen == "auth.number":
            self._digits = ""
        elif screen == "auth.password":
            self._password = ""
        elif screen == "auth.sms":
            self._code = ""
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        if not is_valid_mobile(self._digits):
            self.nav.show_message("auth.invalid_number")
            return
        if self._method not in METHODS:
            self.nav.go("auth.method", "auth.choose")
            return
        self._locked_until, self._attempts_left = "", None
        self._enter_method_screen()

    def _enter_method_screen(self) -> None:
        screen = METHOD_SCREEN[self._method]
        prompt = METHOD_PROMPT[self._method]
        if self._method == "sms" and self._get_code_sent():
            prompt = "auth.enter_code"
        self.nav.go(screen, prompt)
        if self._method == "id_card":
            self._start_card_watch()
        self.changed.emit()

    # --- service password -------------------------------------------------------------------

    @Slot()
    def submitPassword(self) -> None:  # noqa: N802
        session = self.nav.session
        if not self._get_can_submit_password() or session is None:
            return
        msisdn, password = self._digits, self._password
        self._password = ""  # never kept once submitted; a wrong one is typed again
        self._set_busy(True)
        self.nav.run(
            lambda: session.login_password(msisdn, password),
            self._now(self._logged_in),
            self._now(self._password_refused),
        )

    def _password_refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, CentralRefused):
            if error.code == "auth.wrong_password":
                self._attempts_left = _int(error.data.get("attempts_left"))
            elif error.code == "auth.locked":
                self._attempts_left = None
                self._locked_until = _local_time(error.data.get("locked_until")) or "-"
        self._show_error(error)

    # --- SMS code ---------------------------------------------------------------------------

    @Slot()
    def requestCode(self) -> None:  # noqa: N802
        session = self.nav.session
        if not self._get_can_request_code() or session is None:
            return
        msisdn = self._digits
        self._set_busy(True)
        self.nav.run(
            lambda: session.request_sms_code(msisdn),
            self._now(lambda challenge: self._code_sent(msisdn, challenge.resend_after_s)),
            self._now(self._code_refused),
        )

    def _code_sent(self, msisdn: str, resend_after_s: int) -> None:
        self._set_busy(False)
        self._code_sent_to, self._code, self._attempts_left = msisdn, "", None
        self._start_resend_countdown(resend_after_s)
        self.nav.show_message("auth.code_sent")

    def _code_refused(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, CentralRefused) and error.code == "sms.too_soon":
            self._start_resend_countdown(_int(error.data.get("retry_after_s")) or 60)
        self._show_error(error)

    @Slot()
    def submitCode(self) -> None:  # noqa: N802
        session = self.nav.session
        if not self._get_can_submit_code() or session is None:
            return
        code = self._code
        self._set_busy(True)
        self.nav.run(
            lambda: session.login_sms(code),
            self._now(self._logged_in),
            self._now(self._sms_login_refused),
        )

    def _sms_login_refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self._code = ""
        if isinstance(error, CentralRefused):
            if error.code == "sms.wrong_code":
                self._attempts_left = _int(error.data.get("attempts_left"))
                if self._attempts_left == 0:
                    self._code_sent_to = ""  # this code is burnt: a new one is needed
            elif error.code in CODE_SPENT:
                self._code_sent_to, self._attempts_left = "", None
        elif isinstance(error, KioskError) and error.message_key == "auth.code_not_requested":
            self._code_sent_to = ""
        self._show_error(error)

    def _start_resend_countdown(self, seconds: int) -> None:
        self._resend_left = max(int(seconds), 0)
        if self._resend_left:
            self._resend_timer.start()
        self.changed.emit()

    def _tick_resend(self) -> None:
        self._resend_left = max(self._resend_left - 1, 0)
        if self._resend_left == 0:
            self._resend_timer.stop()
        self.changed.emit()

    # --- ID card ----------------------------------------------------------------------------

    def _id_card_reason(self) -> str:
        """Why the ID card cannot be used now ("" if it can): the reader's cached health."""
        health = self.app.device_health().get("id_card_reader")
        if self.app.id_card_reader is None:
            return "service.not_installed"
        if health is None or not health.usable:
            return "service.id_reader_down"
        return ""

    def _card_simulator(self) -> Any:
        simulator = self.app.simulators.get("id_card_reader")
        handle = simulator.handle if simulator is not None else None
        return handle if hasattr(handle, "place_card") else None

    @Slot(str)
    def placeTestCard(self, identity: str) -> None:  # noqa: N802
        """Simulator only: put one of the simulator's test cards on the reader."""
        simulator = self._card_simulator()
        if simulator is not None:
            self.ctx.bridge.submit(lambda: simulator.place_card(identity))

    def _start_card_watch(self) -> None:
        self._stop_card_watch()
        self._card_state = "waiting"
        self._watch_generation += 1
        generation, stop = self._watch_generation, threading.Event()
        self._watch_stop = stop
        tap = self.app.ops.id_cards
        post = self.nav.post

        def watch() -> None:  # a waiter on the app's ID-card tap, not a device call
            while not stop.is_set():
                event = tap.wait(CARD_WAIT_SLICE_S)
                if event is not None and not stop.is_set():
                    post(lambda event=event: self._on_card_event(generation, event))

        threading.Thread(target=watch, name="auth-idcard-watch", daemon=True).start()

    def _stop_card_watch(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()
            self._watch_stop = None
        self._watch_generation += 1

    def _on_card_event(self, generation: int, event: object) -> None:
        if generation != self._watch_generation or self.nav.screen != "auth.idcard":
            return  # the customer left the screen: a late card is not theirs to use here
        if isinstance(event, IdCardReadError):
            self.nav.show_message(event.message_key)
            return
        session = self.nav.session
        if not isinstance(event, IdCardRead) or session is None or self._busy:
            return
        record, msisdn = event.record, self._digits
        self._card_state = "checking"
        self._set_busy(True)
        self.nav.show_message("auth.checking_card")
        self.nav.run(
            lambda: session.login_id_card(msisdn, record, date.today()),
            self._now(self._logged_in),
            self._now(self._card_refused),
        )

    def _card_refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self._card_state = "waiting"  # the watcher still runs: another card may be tried
        self._show_error(error)

    # --- done -------------------------------------------------------------------------------

    def _logged_in(self, _customer: object) -> None:
        self._set_busy(False)
        self._clear()
        # Off the login screens first: what waited for the login moves on from the menu (and a
        # service that cannot start after all leaves the customer there, not on a blank form).
        self.nav.go("menu")
        self.nav.auth_done()

    def _now(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """`handler`, unless the customer's data was dropped (session over) before the core
        answered: a login that lands after Cancel or the idle timeout must not run on."""
        round_ = self._round

        def guarded(value: Any) -> None:
            if round_ == self._round:
                handler(value)

        return guarded

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("login failed: %r", error)
            self.nav.show_message("error.generic")
        self.changed.emit()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.changed.emit()

    def _clear(self) -> None:
        """Forget everything typed or learnt about the customer."""
        self._round += 1
        self._stop_card_watch()
        self._resend_timer.stop()
        self._method = self._digits = self._password = self._code = self._code_sent_to = ""
        self._attempts_left, self._locked_until = None, ""
        self._resend_left, self._card_state, self._busy = 0, "", False
        self.changed.emit()


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _local_time(value: object) -> str:
    """Central's ISO-8601 `locked_until` as the kiosk's local time of day ("14:35")."""
    if not isinstance(value, str):
        return ""
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%H:%M")
    except ValueError:
        return ""
