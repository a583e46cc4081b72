"""Unified authentication driven by touch: QML → auth view-model → core customer session →
reference central, for the service password (right, wrong, locked), the SMS code (sent through
central's SMS outbox, wrong code, resend refused too soon) and the ID card (the simulated SAM
reader: the owner's card, someone else's, an expired one, a failed read).

A service that needs a login asks the navigator (`vm.require_auth(then)`); these tests stand in
for it, and check what central recorded in its database and that the view-model forgot every
digit the customer typed."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from drivers.interfaces import IdCardEvent, IdCardReadError
from kiosk.app import KioskApp
from kiosk.customer_session import AuthMethod, EndReason
from kiosk.maintenance import IdCardTap
from tests.ui.conftest import save_screen
from tests.ui.helpers import SMS_CODE, central_rows, central_sessions, central_texts, type_digits
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)

ZHANG_SAN = "13800138000"  # password 123456, owner of the simulator's "valid" ID card
LI_SI = "13900139000"  # password 654321, owner of the simulator's "for_life" ID card


# --- helpers --------------------------------------------------------------------------------


def _login_wanted(ui_session: UiSession) -> list[str]:
    """The customer is on the menu and a service asks for a login: the method screen."""
    vm = ui_session.vm
    tap(ui_session.window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    ran: list[str] = []
    vm.require_auth(lambda: ran.append(vm.session.customer.msisdn))
    assert wait_until(lambda: vm.screen == "auth.method")
    return ran


def _choose(ui_session: UiSession, method: str, number: str) -> None:
    """Pick the method, type the number (grouped on screen), Next."""
    vm, window = ui_session.vm, ui_session.window
    tap(window, f"auth.method.{method}")
    assert wait_until(lambda: vm.screen == "auth.number")
    with pytest.raises(TouchError):
        tap(window, "auth.number.next")  # disabled until the number is valid
    type_digits(ui_session, number)
    assert find_item(window, "auth.number.display").property("text") == (
        f"{number[:3]} {number[3:7]} {number[7:]}"
    )
    tap(window, "auth.number.next")


def _last_code(app: KioskApp, msisdn: str) -> str:
    """The code in the newest text message central "sent" to `msisdn` (its ops SMS outbox)."""
    messages = central_texts(app, msisdn, limit=1)
    assert messages, f"no SMS to {msisdn}"
    found = SMS_CODE.search(messages[0]["text"])
    assert found is not None, messages[0]["text"]
    return found.group(1)


def _sms_count(app: KioskApp, msisdn: str) -> int:
    rows = central_rows(app, "SELECT COUNT(*) FROM sms_outbox WHERE msisdn = ?", msisdn)
    return int(rows[0][0])


def _logged_in_at_central(app: KioskApp, msisdn: str) -> None:
    """The session token works at central: the customer's own balance comes back."""
    session = app.desk.session if app.desk else None
    assert session is not None
    assert app.api is not None
    balance = session.call(app.api.balance)
    assert balance.msisdn == msisdn


def _nothing_typed_kept(ui_session: UiSession) -> None:
    held = ui_session.features["auth"].customer_data()
    assert all(not value for value in held.values()), held


def _wait_message(ui_session: UiSession, key: str, timeout_s: float = 15) -> None:
    vm = ui_session.vm
    assert wait_until(lambda: vm.messageKey == key, timeout_s), vm.messageKey


def _finish(ui_session: UiSession, app: KioskApp, msisdn: str) -> None:
    """Cancel ends the session: back to attract, central's session ended too."""
    tap(ui_session.window, "nav.cancel")
    assert wait_until(lambda: ui_session.vm.screen == "attract")
    assert app.desk is not None
    assert wait_until(lambda: app.desk.session is None)  # logged out off the GUI thread
    assert wait_until(lambda: all(ended for _m, ended in central_sessions(app, msisdn)), 10)
    _nothing_typed_kept(ui_session)
    assert ui_session.warnings == []


# --- service password -----------------------------------------------------------------------


def test_password_login_by_touch_opens_a_session_at_central(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN a service that needs a login WHEN the customer taps Service password, types
    138 0013 8000 and 123456 THEN central opens a password session for that number, the waiting
    service runs, the header shows the masked number and no typed digit stays in the
    view-model; Cancel ends the session at central too."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    ran = _login_wanted(ui_session)
    save_screen(ui_session, "auth-01-method")
    _choose(ui_session, "password", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.password")
    assert vm.messageKey == "auth.enter_password"
    with pytest.raises(TouchError):
        tap(window, "auth.password.submit")  # six digits first
    type_digits(ui_session, "1234569")  # a seventh digit is ignored
    assert auth.passwordLength == 6
    tap(window, "key.back")
    tap(window, "key.6")
    save_screen(ui_session, "auth-02-password")
    assert central_sessions(kiosk_app, ZHANG_SAN) == []
    tap(window, "auth.password.submit")
    assert auth.customer_data()["password"] == ""  # dropped the moment it was submitted

    assert wait_until(lambda: ran == [ZHANG_SAN], 15)
    assert vm.screen == "menu"  # off the login screens; the waiting service moves on from here
    session = vm.session
    assert session is not None
    assert session.authenticated
    assert session.customer.method is AuthMethod.PASSWORD
    assert vm.customerDisplay == "138****8000"
    assert wait_until(lambda: find_item(window, "header.customer").isVisible(), 15)
    assert central_sessions(kiosk_app, ZHANG_SAN) == [("password", 0)]
    _logged_in_at_central(kiosk_app, ZHANG_SAN)
    _nothing_typed_kept(ui_session)
    _finish(ui_session, kiosk_app, ZHANG_SAN)


def test_wrong_passwords_count_down_then_lock_and_sms_still_works(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN 139 0013 9000 WHEN five wrong passwords are typed THEN each says how many tries
    are left, the fifth locks the number at central, the keypad and Log in go away and the
    customer is offered the SMS code instead — which logs them in."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    ran = _login_wanted(ui_session)
    _choose(ui_session, "password", LI_SI)
    assert wait_until(lambda: vm.screen == "auth.password")
    for left in (4, 3, 2, 1):
        type_digits(ui_session, "000000")
        tap(window, "auth.password.submit")
        assert wait_until(lambda left=left: auth.attemptsLeft == left and not auth.busy, 15)
        assert vm.messageKey == "auth.wrong_password"
        assert auth.passwordLength == 0  # typed again from scratch
        assert str(left) in find_item(window, "auth.password.detail").property("text")
    save_screen(ui_session, "auth-03-password-wrong")
    type_digits(ui_session, "000000")
    tap(window, "auth.password.submit")
    _wait_message(ui_session, "auth.locked")
    assert auth.locked
    assert auth.lockedUntil != ""
    assert auth.lockedUntil in find_item(window, "auth.password.detail").property("text")
    save_screen(ui_session, "auth-04-password-locked")
    ((locked_until,),) = central_rows(
        kiosk_app,
        "SELECT locked_until FROM attempt_limits WHERE scope = 'password' AND subject = ?",
        LI_SI,
    )
    assert locked_until is not None
    assert central_sessions(kiosk_app, LI_SI) == []
    assert vm.session is not None
    assert not vm.session.authenticated
    with pytest.raises(TouchError):
        tap(window, "key.1")  # the keypad is off while the number is locked
    with pytest.raises(TouchError):
        tap(window, "auth.password.submit")

    # Even the right password is refused now (central's lock holds), so: the SMS code.
    tap(window, "auth.password.useSms")
    assert wait_until(lambda: vm.screen == "auth.sms")
    assert auth.digits == LI_SI
    assert auth.method == "sms"
    tap(window, "auth.sms.send")
    _wait_message(ui_session, "auth.code_sent")
    type_digits(ui_session, _last_code(kiosk_app, LI_SI))
    tap(window, "auth.sms.submit")
    assert wait_until(lambda: ran == [LI_SI], 15)
    assert central_sessions(kiosk_app, LI_SI) == [("sms", 0)]
    _finish(ui_session, kiosk_app, LI_SI)


def test_unknown_number_is_refused_with_its_message(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN a valid-looking number central does not know WHEN a password is tried THEN the
    screen says the number is not ours, and Back returns to the number with the password gone."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    _login_wanted(ui_session)
    _choose(ui_session, "password", "13612345678")
    assert wait_until(lambda: vm.screen == "auth.password")
    type_digits(ui_session, "123456")
    tap(window, "auth.password.submit")
    _wait_message(ui_session, "auth.unknown_number")
    assert find_item(window, "auth.prompt").property("text") != ""
    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "auth.number")
    assert auth.digits == "13612345678"
    assert auth.passwordLength == 0
    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "auth.method")
    assert auth.digits == ""
    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "menu")
    _nothing_typed_kept(ui_session)
    assert ui_session.warnings == []


# --- SMS code -------------------------------------------------------------------------------


def test_sms_code_login_with_a_wrong_code_and_a_resend_refused_too_soon(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN 138 0013 8000 WHEN the customer asks for a code THEN central texts one and the
    resend button counts down; a wrong code says how many tries are left; asking again before
    central's minute is up is refused and the countdown restarts from central's figure; the
    right code (read from central's SMS outbox) logs the customer in."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    ran = _login_wanted(ui_session)
    _choose(ui_session, "sms", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.sms")
    assert vm.messageKey == "auth.request_code"
    with pytest.raises(TouchError):
        tap(window, "key.1")  # nothing to type before a code is sent
    save_screen(ui_session, "auth-05-sms-request")
    tap(window, "auth.sms.send")
    _wait_message(ui_session, "auth.code_sent")
    assert auth.codeSent
    assert 0 < auth.resendLeft <= 60
    assert _sms_count(kiosk_app, ZHANG_SAN) == 1
    with pytest.raises(TouchError):
        tap(window, "auth.sms.send")  # counting down
    code = _last_code(kiosk_app, ZHANG_SAN)
    wrong = "000000" if code != "000000" else "111111"
    type_digits(ui_session, wrong)
    assert find_item(window, "auth.sms.code").property("digits") == wrong
    save_screen(ui_session, "auth-06-sms-code")
    tap(window, "auth.sms.submit")
    _wait_message(ui_session, "sms.wrong_code")
    assert auth.attemptsLeft == 2
    assert auth.code == ""

    # The countdown ends early here (as if the minute passed on the kiosk's side only):
    # central still refuses, and its retry_after_s starts the countdown again.
    while auth.resendLeft:
        auth._tick_resend()
    tap(window, "auth.sms.send")
    _wait_message(ui_session, "sms.too_soon")
    assert 0 < auth.resendLeft <= 60
    assert _sms_count(kiosk_app, ZHANG_SAN) == 1
    assert auth.codeSent  # the first code still works

    type_digits(ui_session, code)
    tap(window, "auth.sms.submit")
    assert wait_until(lambda: ran == [ZHANG_SAN], 15)
    assert vm.session.customer.method is AuthMethod.SMS
    assert central_sessions(kiosk_app, ZHANG_SAN) == [("sms", 0)]
    _logged_in_at_central(kiosk_app, ZHANG_SAN)
    _nothing_typed_kept(ui_session)
    assert auth.resendLeft == 0
    _finish(ui_session, kiosk_app, ZHANG_SAN)


def test_three_wrong_codes_need_a_new_code(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN a code was sent WHEN three wrong codes are typed THEN the code is spent: Log in
    goes away and the customer must ask for a new one (no session at central)."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    _login_wanted(ui_session)
    _choose(ui_session, "sms", LI_SI)
    assert wait_until(lambda: vm.screen == "auth.sms")
    tap(window, "auth.sms.send")
    _wait_message(ui_session, "auth.code_sent")
    code = _last_code(kiosk_app, LI_SI)
    wrong = "000000" if code != "000000" else "111111"
    for left in (2, 1, 0):
        type_digits(ui_session, wrong)
        tap(window, "auth.sms.submit")
        assert wait_until(lambda left=left: auth.attemptsLeft == left and not auth.busy, 15)
    assert not auth.codeSent
    assert wait_until(lambda: not find_item(window, "auth.sms.submit").isVisible(), 15)
    assert central_sessions(kiosk_app, LI_SI) == []
    assert ui_session.warnings == []


# --- ID card --------------------------------------------------------------------------------


def _place(app: KioskApp, identity: str) -> None:
    app.simulators["id_card_reader"].handle.place_card(identity)  # type: ignore[attr-defined]


def test_id_card_login_with_wrong_cards_first(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN 138 0013 8000 (张三's) WHEN the customer chooses the ID card THEN the screen shows
    where it goes; 李四's card is refused by central (not the owner), an expired card by the
    kiosk, a failed read says so — and 张三's own card logs in at central by ID card."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    ran = _login_wanted(ui_session)
    _choose(ui_session, "id_card", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.idcard")
    assert vm.messageKey == "auth.place_card"
    assert auth.cardState == "waiting"
    assert wait_until(lambda: find_item(window, "auth.idcard.picture").isVisible(), 15)
    save_screen(ui_session, "auth-07-idcard-waiting")

    tap(window, "auth.sim.for_life")  # 李四's card, on the simulator's button
    _wait_message(ui_session, "auth.not_owner")
    assert wait_until(lambda: auth.cardState == "waiting" and not auth.busy)
    save_screen(ui_session, "auth-08-idcard-not-owner")

    _place(kiosk_app, "expired")
    _wait_message(ui_session, "idcard.expired")
    assert wait_until(lambda: not auth.busy)

    reader = kiosk_app.simulators["id_card_reader"].handle
    reader.faults.read_fails = True  # type: ignore[attr-defined]
    _place(kiosk_app, "valid")
    _wait_message(ui_session, "idcard.read_failed")
    reader.faults.read_fails = False  # type: ignore[attr-defined]
    assert central_sessions(kiosk_app, ZHANG_SAN) == []

    tap(window, "auth.sim.valid")
    assert wait_until(lambda: ran == [ZHANG_SAN], 15)
    session = vm.session
    assert session is not None
    assert session.customer.method is AuthMethod.ID_CARD
    assert session.id_card is not None
    assert session.id_card.masked_id_number.endswith("4477")
    assert central_sessions(kiosk_app, ZHANG_SAN) == [("id_card", 0)]
    _logged_in_at_central(kiosk_app, ZHANG_SAN)
    _nothing_typed_kept(ui_session)
    _finish(ui_session, kiosk_app, ZHANG_SAN)


class _CountingListen:
    """Wraps the app's ID-card tap's `listen`: how many listeners the screens hold now."""

    def __init__(self, tap: IdCardTap) -> None:
        self._listen = tap.listen
        self.subscribed = self.active = 0

    def __call__(self, callback: Callable[[IdCardEvent], None]) -> Callable[[], None]:
        unsubscribe, done = self._listen(callback), []
        self.subscribed += 1
        self.active += 1

        def counted() -> None:
            if not done:  # the tap's unsubscribe may be called more than once
                done.append(True)
                self.active -= 1
            unsubscribe()

        return counted


@pytest.fixture
def listeners(kiosk_app: KioskApp, monkeypatch: pytest.MonkeyPatch) -> _CountingListen:
    counting = _CountingListen(kiosk_app.ops.id_cards)
    monkeypatch.setattr(kiosk_app.ops.id_cards, "listen", counting)
    return counting


def test_a_card_already_on_the_reader_logs_in_at_once(
    ui_session: UiSession, kiosk_app: KioskApp, listeners: _CountingListen
) -> None:
    """GIVEN 张三's card put on the reader while he types his number WHEN the ID card screen
    opens THEN that card logs him in at once — read once, not lifted and put back — and the
    screen stops listening once he is in."""
    vm = ui_session.vm
    tap_ = kiosk_app.ops.id_cards
    ran = _login_wanted(ui_session)
    tap(ui_session.window, "auth.method.id_card")
    assert wait_until(lambda: vm.screen == "auth.number")
    _place(kiosk_app, "valid")
    assert wait_until(lambda: tap_.last_read_while_present() is not None, 10)
    assert vm.session is not None
    assert not vm.session.authenticated  # not used off its screen
    assert listeners.subscribed == 0
    type_digits(ui_session, ZHANG_SAN)
    tap(ui_session.window, "auth.number.next")
    assert wait_until(lambda: ran == [ZHANG_SAN], 15), vm.messageKey
    assert vm.session.customer.method is AuthMethod.ID_CARD
    assert central_sessions(kiosk_app, ZHANG_SAN) == [("id_card", 0)]
    assert tap_.card_present()  # still lying there: it was never lifted
    assert (listeners.subscribed, listeners.active) == (1, 0)
    _finish(ui_session, kiosk_app, ZHANG_SAN)


def test_a_card_after_leaving_the_screen_is_not_used(
    ui_session: UiSession, kiosk_app: KioskApp, listeners: _CountingListen
) -> None:
    """GIVEN the ID card screen WHEN the customer goes Back and a card is then put on the reader
    THEN nothing logs in: the screen stopped listening to the reader when it closed."""
    vm, window = ui_session.vm, ui_session.window
    _login_wanted(ui_session)
    _choose(ui_session, "id_card", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.idcard")
    assert (listeners.subscribed, listeners.active) == (1, 1)
    assert ui_session.features["auth"].customer_data()["card_listening"] is True
    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "auth.number")
    assert (listeners.subscribed, listeners.active) == (1, 0)
    _place(kiosk_app, "valid")
    assert wait_until(lambda: kiosk_app.ops.id_cards.last_read_while_present() is not None, 10)
    assert not wait_until(lambda: vm.session is not None and vm.session.authenticated, 2)
    assert central_sessions(kiosk_app, ZHANG_SAN) == []
    assert ui_session.features["auth"].customer_data()["card_listening"] is False
    assert ui_session.warnings == []


def test_a_read_error_shows_its_message(
    ui_session: UiSession, kiosk_app: KioskApp, listeners: _CountingListen
) -> None:
    """GIVEN the ID card screen WHEN the reader reports a failed read (from its own thread)
    THEN the screen shows that error's message and goes on waiting for a card; after Cancel
    the same error shows nothing."""
    vm = ui_session.vm
    auth = ui_session.features["auth"]
    _login_wanted(ui_session)
    _choose(ui_session, "id_card", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.idcard")
    error = IdCardReadError("idcard.no_sam")

    def from_the_reader() -> None:
        reader = threading.Thread(target=kiosk_app.ops.id_cards.on_event, args=(error,))
        reader.start()
        reader.join()

    from_the_reader()
    _wait_message(ui_session, "idcard.no_sam")
    assert auth.cardState == "waiting"
    assert not auth.busy
    assert central_sessions(kiosk_app, ZHANG_SAN) == []
    tap(ui_session.window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert listeners.active == 0
    from_the_reader()
    assert not wait_until(lambda: vm.messageKey == "idcard.no_sam", 1)
    assert ui_session.warnings == []


# --- the session ends -----------------------------------------------------------------------


@pytest.mark.parametrize("screen", ["auth.password", "auth.sms"])
def test_idle_timeout_drops_everything_typed(
    ui_session: UiSession, kiosk_app: KioskApp, screen: str
) -> None:
    """GIVEN a number and half a password (or a sent code and half of it) typed WHEN the core
    session times out THEN the attract screen is back and the view-model holds nothing."""
    vm, window = ui_session.vm, ui_session.window
    auth = ui_session.features["auth"]
    _login_wanted(ui_session)
    method = "password" if screen == "auth.password" else "sms"
    _choose(ui_session, method, ZHANG_SAN)
    assert wait_until(lambda: vm.screen == screen)
    if method == "sms":
        tap(window, "auth.sms.send")
        _wait_message(ui_session, "auth.code_sent")
    type_digits(ui_session, "123")
    held = auth.customer_data()
    assert held["digits"] == ZHANG_SAN
    assert held["password" if method == "password" else "code"] == "123"
    session = vm.session
    assert session is not None
    session.end(EndReason.IDLE_TIMEOUT)  # what the desk's idle watch does when time is up
    assert wait_until(lambda: vm.screen == "attract")
    _nothing_typed_kept(ui_session)
    assert auth.resendLeft == 0
    assert ui_session.warnings == []


def test_already_logged_in_goes_straight_on(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN a customer who logged in WHEN a second service needs the login THEN it runs at
    once, without the login screens."""
    vm, window = ui_session.vm, ui_session.window
    ran = _login_wanted(ui_session)
    _choose(ui_session, "password", ZHANG_SAN)
    assert wait_until(lambda: vm.screen == "auth.password")
    type_digits(ui_session, "123456")
    tap(window, "auth.password.submit")
    assert wait_until(lambda: ran == [ZHANG_SAN], 15)
    second: list[Callable[[], None]] = []
    vm.require_auth(lambda: second.append(lambda: None))
    assert len(second) == 1
    assert vm.screen == "menu"  # no login screen in between
    assert central_sessions(kiosk_app, ZHANG_SAN) == [("password", 0)]
    _finish(ui_session, kiosk_app, ZHANG_SAN)
