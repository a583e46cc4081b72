"""The login screens' view-model: unified authentication by service password, SMS code or ID card
(over kiosk/customer_session.py).

The navigator calls `start_service("auth")` when a service needs a logged-in customer
(`nav.require_auth`); once the core session accepts a login this view-model forgets what was
typed and calls `nav.auth_done()`. The customer picks a method, types the mobile number, then
the password, the SMS code, or puts the ID card on the reader. The password is never kept after
it is submitted; central's refusals (attempts left, lockout, expired code) come back as message
keys with their data. The ID card reaches this screen through the app's ID-card tap
(`app.ops.id_cards`, fed with every reader event), listened to while the ID card screen is up
(a card already lying on the reader is used at once).
What the screens hold and the password and SMS logins are in auth_login.py, the ID card's
listening and login in auth_idcard.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.errors import KioskError
from kiosk.msisdn import group_mobile, is_valid_mobile
from ui.features.auth_idcard import IdCardLogin
from ui.features.auth_login import SECRET_DIGITS, LoginForm, SecretLogin
from ui.features.base import FeatureViewModel, UiContext
from ui.features.keypad import MOBILE_NUMBER, DigitEntry, is_digit_key

log = logging.getLogger(__name__)

METHODS = ("password", "sms", "id_card")
PREVIEW_NUMBER = "13800138000"
METHOD_SCREEN = {"password": "auth.password", "sms": "auth.sms", "id_card": "auth.idcard"}
METHOD_PROMPT = {"password": "auth.enter_password", "sms": "auth.request_code",
                 "id_card": "auth.place_card"}  # fmt: skip
SECRET_ENTRY = DigitEntry(SECRET_DIGITS)


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
        self._form = LoginForm()
        self._round = 0  # bumped when the customer's data is dropped: late answers are ignored
        self._resend_timer = QTimer(self)
        self._resend_timer.setInterval(1000)
        self._resend_timer.timeout.connect(self._tick_resend)
        self._secret = SecretLogin(self, self._form, self._resend_timer)
        self._card = IdCardLogin(self, self._form)

    # --- properties -------------------------------------------------------------------------

    def _get_attempts_left(self) -> int:
        left = self._form.attempts_left
        return -1 if left is None else left

    def _get_can_submit_password(self) -> bool:
        return self._form.can_submit_password()

    method = Property(str, lambda self: self._form.method, notify=changed)
    digits = Property(str, lambda self: self._form.digits, notify=changed)
    numberDisplay = Property(str, lambda self: group_mobile(self._form.digits), notify=changed)  # noqa: N815
    numberValid = Property(bool, lambda self: is_valid_mobile(self._form.digits), notify=changed)  # noqa: N815
    passwordLength = Property(int, lambda self: len(self._form.password), notify=changed)  # noqa: N815
    code = Property(str, lambda self: self._form.code, notify=changed)
    codeSent = Property(bool, lambda self: self._form.code_sent(), notify=changed)  # noqa: N815
    attemptsLeft = Property(int, _get_attempts_left, notify=changed)  # noqa: N815
    locked = Property(bool, lambda self: self._form.locked_until != "", notify=changed)
    lockedUntil = Property(str, lambda self: self._form.locked_until, notify=changed)  # noqa: N815
    resendLeft = Property(int, lambda self: self._form.resend_left, notify=changed)  # noqa: N815
    cardState = Property(str, lambda self: self._form.card_state, notify=changed)  # noqa: N815
    busy = Property(bool, lambda self: self._form.busy, notify=changed)
    canSubmitPassword = Property(bool, _get_can_submit_password, notify=changed)  # noqa: N815
    canSubmitCode = Property(bool, lambda self: self._form.can_submit_code(), notify=changed)  # noqa: N815
    canRequestCode = Property(bool, lambda self: self._form.can_request_code(), notify=changed)  # noqa: N815
    idCardAvailable = Property(bool, lambda self: self._card.reason() == "", notify=changed)  # noqa: N815
    idCardReason = Property(str, lambda self: self._card.reason(), notify=changed)  # noqa: N815
    simulator = Property(bool, lambda self: self._card.simulator() is not None, constant=True)

    # --- navigator hooks --------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        """`auth`: the choice of method; `auth.<method>`: straight to that one (e.g. a SIM
        replacement asks for the ID card)."""
        self._clear()
        method = key.removeprefix("auth.") if key.startswith("auth.") else ""
        if method in METHODS and not (method == "id_card" and self._card.reason()):
            self.chooseMethod(method)
            return
        self.nav.go("auth.method", "auth.choose")

    def reset(self) -> None:
        self._clear()

    def back(self, screen: str) -> bool:
        if screen == "auth.method":
            return False  # back to the menu (the navigator resets this view-model)
        form = self._form
        self._card.stop()
        form.password, form.code = "", ""
        form.attempts_left, form.card_state = None, ""
        if screen == "auth.number":
            form.digits = ""
            self.nav.go("auth.method", "auth.choose")
        else:
            self.nav.go("auth.number", "auth.enter_number")
        self.changed.emit()
        return True

    def can_back(self, screen: str) -> bool:
        return not self._form.busy

    def can_cancel(self, screen: str) -> bool:
        return not self._form.busy

    def preview(self, screen: str) -> None:
        form = self._form
        form.method = {v: k for k, v in METHOD_SCREEN.items()}.get(screen, "password")
        form.digits = PREVIEW_NUMBER
        if screen == "auth.password":
            form.password = "1234"  # noqa: S105 (four dots on the preview, not a secret)
            form.attempts_left = 3
        elif screen == "auth.sms":
            form.code_sent_to, form.code, form.resend_left = PREVIEW_NUMBER, "1234", 42
        elif screen == "auth.idcard":
            form.card_state = "waiting"
        self.changed.emit()

    def customer_data(self) -> dict[str, object]:
        form = self._form
        return {
            "digits": form.digits,
            "password": form.password,
            "code": form.code,
            "code_sent_to": form.code_sent_to,
            "attempts_left": form.attempts_left,
            "locked_until": form.locked_until,
            "card_state": form.card_state,
            "card_listening": self._card.listening,
            "card_tried": self._card.tried,
        }

    def shutdown(self) -> None:
        self._resend_timer.stop()
        self._card.stop()

    # --- method and number ------------------------------------------------------------------

    @Slot(str)
    def chooseMethod(self, method: str) -> None:  # noqa: N802
        if method not in METHODS or self._form.busy:
            return
        if method == "id_card" and self._card.reason():
            self.nav.show_message(self._card.reason())
            return
        self._form.method = method
        self.changed.emit()
        self.nav.go("auth.number", "auth.enter_number")

    @Slot(str)
    def switchMethod(self, method: str) -> None:  # noqa: N802
        """Another way in for the same number (e.g. an SMS code once passwords are locked)."""
        form = self._form
        if method not in METHODS or form.busy or not is_valid_mobile(form.digits):
            return
        if method == "id_card" and self._card.reason():
            self.nav.show_message(self._card.reason())
            return
        self._card.stop()
        form.password, form.code, form.attempts_left = "", "", None
        form.method = method
        self._enter_method_screen()

    @Slot(str)
    def pressDigit(self, digit: str) -> None:  # noqa: N802
        if not is_digit_key(digit) or self._form.busy:
            return
        self._edit(lambda entry, text: entry.press(text, digit))

    @Slot()
    def backspace(self) -> None:
        self._edit(lambda entry, text: entry.backspace(text))

    @Slot()
    def clearDigits(self) -> None:  # noqa: N802
        self._edit(lambda entry, _text: entry.clear())

    def _edit(self, change: Callable[[DigitEntry, str], str]) -> None:
        """The keypad on this screen changes what it is for: the number, password or code."""
        form, screen = self._form, self.nav.screen
        if screen == "auth.number":
            form.digits = change(MOBILE_NUMBER, form.digits)
        elif screen == "auth.password":
            form.password = change(SECRET_ENTRY, form.password)
        elif screen == "auth.sms":
            form.code = change(SECRET_ENTRY, form.code)
        self.changed.emit()

    @Slot()
    def submitNumber(self) -> None:  # noqa: N802
        form = self._form
        if not is_valid_mobile(form.digits):
            self.nav.show_message("auth.invalid_number")
            return
        if form.method not in METHODS:
            self.nav.go("auth.method", "auth.choose")
            return
        form.locked_until, form.attempts_left = "", None
        self._enter_method_screen()

    def _enter_method_screen(self) -> None:
        method = self._form.method
        screen, prompt = METHOD_SCREEN[method], METHOD_PROMPT[method]
        if method == "sms" and self._form.code_sent():
            prompt = "auth.enter_code"
        self.nav.go(screen, prompt)
        if method == "id_card":
            self._card.start()
        self.changed.emit()

    # --- slots: password, SMS code, ID card -------------------------------------------------

    @Slot()
    def submitPassword(self) -> None:  # noqa: N802
        self._secret.submit_password()

    @Slot()
    def requestCode(self) -> None:  # noqa: N802
        self._secret.request_code()

    @Slot()
    def submitCode(self) -> None:  # noqa: N802
        self._secret.submit_code()

    def _tick_resend(self) -> None:
        self._secret.tick()

    @Slot(str)
    def placeTestCard(self, identity: str) -> None:  # noqa: N802
        """Simulator only: put one of the simulator's test cards on the reader."""
        self._card.place_test_card(identity)

    # --- for the logins: done, guards, errors -----------------------------------------------

    def logged_in(self, _customer: object) -> None:
        self.set_busy(False)
        self._clear()
        # Off the login screens first: what waited for the login moves on from the menu (and a
        # service that cannot start after all leaves the customer there, not on a blank form).
        self.nav.go("menu")
        self.nav.auth_done()

    def now(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """`handler`, unless the customer's data was dropped (session over) before the core
        answered: a login that lands after Cancel or the idle timeout must not run on."""
        round_ = self._round

        def guarded(value: Any) -> None:
            if round_ == self._round:
                handler(value)

        return guarded

    def show_error(self, error: BaseException) -> None:
        if isinstance(error, KioskError):
            self.nav.show_message(error.message_key)
        else:
            log.error("login failed: %r", error)
            self.nav.show_message("error.generic")
        self.changed.emit()

    def set_busy(self, busy: bool) -> None:
        self._form.busy = busy
        self.changed.emit()

    def _clear(self) -> None:
        """Forget everything typed or learnt about the customer."""
        self._round += 1
        self._card.stop()
        self._resend_timer.stop()
        self._form.clear()
        self.changed.emit()
