"""What the login screens hold, and the service password and SMS code logins (for
ui/features/auth.py, over kiosk/customer_session.py).

Plain Python: the view-model owns the Qt side (its one-second timer drives the resend
countdown), the screens and the calls to the core thread. The password is never kept after it
is submitted; central's refusals (attempts left, lockout, expired code) come back as message keys
with their data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.errors import CentralRefused, KioskError
from kiosk.msisdn import is_valid_mobile

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

    from ui.features.auth import AuthViewModel

SECRET_DIGITS = 6  # a service password and an SMS code are both 6 digits
# Central's refusals after which the SMS challenge can no longer be used: ask for a new one.
CODE_SPENT = frozenset({"sms.used", "sms.expired", "sms.unknown_challenge"})


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


class LoginForm:
    """Everything typed or learnt about the customer on the login screens."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.method = ""
        self.digits = ""  # the mobile number as typed
        self.password = ""  # as typed, dropped the moment it is submitted
        self.code = ""  # the SMS code as typed
        self.code_sent_to = ""  # the number a login code was sent to in this session
        self.attempts_left: int | None = None  # central's count after a wrong password/code
        self.locked_until = ""  # "14:35": the number is locked for passwords until then
        self.resend_left = 0  # seconds until another code may be asked for
        self.card_state = ""  # "waiting" for a card, "checking" it with central
        self.busy = False

    def code_sent(self) -> bool:
        return self.code_sent_to != "" and self.code_sent_to == self.digits

    def can_submit_password(self) -> bool:
        return len(self.password) == SECRET_DIGITS and not self.busy and not self.locked_until

    def can_submit_code(self) -> bool:
        return len(self.code) == SECRET_DIGITS and self.code_sent() and not self.busy

    def can_request_code(self) -> bool:
        return self.resend_left == 0 and not self.busy and is_valid_mobile(self.digits)


class SecretLogin:
    """The service password and the SMS code: sent to the core session, refusals shown."""

    def __init__(self, vm: AuthViewModel, form: LoginForm, timer: QTimer) -> None:
        self.vm = vm
        self.form = form
        self.timer = timer  # the view-model's resend countdown, one tick a second

    # --- service password -------------------------------------------------------------------

    def submit_password(self) -> None:
        vm, form = self.vm, self.form
        session = vm.nav.session
        if not form.can_submit_password() or session is None:
            return
        msisdn, password = form.digits, form.password
        form.password = ""  # never kept once submitted; a wrong one is typed again
        vm.set_busy(True)
        vm.nav.run(
            lambda: session.login_password(msisdn, password),
            vm.now(vm.logged_in),
            vm.now(self._password_refused),
        )

    def _password_refused(self, error: BaseException) -> None:
        form = self.form
        self.vm.set_busy(False)
        if isinstance(error, CentralRefused):
            if error.code == "auth.wrong_password":
                form.attempts_left = _int(error.data.get("attempts_left"))
            elif error.code == "auth.locked":
                form.attempts_left = None
                form.locked_until = _local_time(error.data.get("locked_until")) or "-"
        self.vm.show_error(error)

    # --- SMS code ---------------------------------------------------------------------------

    def request_code(self) -> None:
        vm = self.vm
        session = vm.nav.session
        if not self.form.can_request_code() or session is None:
            return
        msisdn = self.form.digits
        vm.set_busy(True)
        vm.nav.run(
            lambda: session.request_sms_code(msisdn),
            vm.now(lambda challenge: self._code_sent(msisdn, challenge.resend_after_s)),
            vm.now(self._code_refused),
        )

    def _code_sent(self, msisdn: str, resend_after_s: int) -> None:
        form = self.form
        self.vm.set_busy(False)
        form.code_sent_to, form.code, form.attempts_left = msisdn, "", None
        self._start_countdown(resend_after_s)
        self.vm.nav.show_message("auth.code_sent")

    def _code_refused(self, error: BaseException) -> None:
        self.vm.set_busy(False)
        if isinstance(error, CentralRefused) and error.code == "sms.too_soon":
            self._start_countdown(_int(error.data.get("retry_after_s")) or 60)
        self.vm.show_error(error)

    def submit_code(self) -> None:
        vm = self.vm
        session = vm.nav.session
        if not self.form.can_submit_code() or session is None:
            return
        code = self.form.code
        vm.set_busy(True)
        vm.nav.run(
            lambda: session.login_sms(code),
            vm.now(vm.logged_in),
            vm.now(self._sms_login_refused),
        )

    def _sms_login_refused(self, error: BaseException) -> None:
        form = self.form
        self.vm.set_busy(False)
        form.code = ""
        if isinstance(error, CentralRefused):
            if error.code == "sms.wrong_code":
                form.attempts_left = _int(error.data.get("attempts_left"))
                if form.attempts_left == 0:
                    form.code_sent_to = ""  # this code is burnt: a new one is needed
            elif error.code in CODE_SPENT:
                form.code_sent_to, form.attempts_left = "", None
        elif isinstance(error, KioskError) and error.message_key == "auth.code_not_requested":
            form.code_sent_to = ""
        self.vm.show_error(error)

    # --- the resend countdown ---------------------------------------------------------------

    def _start_countdown(self, seconds: int) -> None:
        self.form.resend_left = max(int(seconds), 0)
        if self.form.resend_left:
            self.timer.start()
        self.vm.changed.emit()

    def tick(self) -> None:
        self.form.resend_left = max(self.form.resend_left - 1, 0)
        if self.form.resend_left == 0:
            self.timer.stop()
        self.vm.changed.emit()
