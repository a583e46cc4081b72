"""The ID card login's listening (ui/features/auth_idcard.py) against the real ID-card tap and a
fake view-model: the races a touch test cannot time — a card read between subscribing and
asking for the lying card, an event that lands after the screen closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from drivers.interfaces import IdCardEvent, IdCardRead, IdCardRecord, IdCardRemoved
from kiosk.maintenance import IdCardTap
from tests.ui.helpers import zhang_san_card
from ui.features.auth_idcard import IdCardLogin
from ui.features.auth_login import LoginForm


class _Session:
    def __init__(self) -> None:
        self.logins: list[IdCardRecord] = []

    def login_id_card(self, _msisdn: str, record: IdCardRecord, _today: date) -> object:
        self.logins.append(record)
        raise RuntimeError("refused")  # the customer stays on the screen: more cards may come


class _Nav:
    """The navigator as IdCardLogin uses it; `post` queues, `drain` is the GUI thread's turn."""

    def __init__(self) -> None:
        self.screen = "auth.idcard"
        self.session = _Session()
        self.posted: list[Callable[[], None]] = []
        self.messages: list[str] = []

    def post(self, fn: Callable[[], None]) -> None:
        self.posted.append(fn)

    def drain(self) -> None:
        while self.posted:
            self.posted.pop(0)()

    def show_message(self, key: str) -> None:
        self.messages.append(key)

    def run(self, work: Callable[[], Any], _ok: Any, on_error: Callable[[Any], None]) -> None:
        try:
            work()
        except RuntimeError as error:
            self.post(lambda refused=error: on_error(refused))


def _login(tap: IdCardTap) -> tuple[IdCardLogin, _Nav]:
    nav, form = _Nav(), LoginForm()
    form.digits = "13800138000"
    vm = SimpleNamespace(
        app=SimpleNamespace(ops=SimpleNamespace(id_cards=tap)),
        nav=nav,
        set_busy=lambda busy: setattr(form, "busy", busy),
        now=lambda handler: handler,
        logged_in=lambda _customer: None,
        show_error=lambda _error: None,
    )
    return IdCardLogin(vm, form), nav  # type: ignore[arg-type]


def test_a_card_read_while_the_screen_subscribes_is_tried_once() -> None:
    """GIVEN a card read just as the screen subscribes: the tap holds its record before it
    calls its listeners, so the screen finds it lying there, tries it (refused), and only then
    hears the same read WHEN that late event is handled THEN no second login is tried."""
    tap = IdCardTap()
    record = zhang_san_card()
    heard: list[Callable[[IdCardEvent], None]] = []
    subscribe = tap.listen

    def listen(callback: Callable[[IdCardEvent], None]) -> Callable[[], None]:
        heard.append(callback)
        tap.on_event(IdCardRead(record))  # the read, held before the listener hears it
        return subscribe(callback)

    tap.listen = listen  # type: ignore[method-assign]
    login, nav = _login(tap)
    login.start()
    nav.drain()
    assert nav.session.logins == [record]
    assert not login.form.busy  # refused: the screen waits for a card again
    heard[0](IdCardRead(record))  # the listener's turn comes late
    nav.drain()
    assert nav.session.logins == [record]


def test_the_lying_card_counts_again_when_the_screen_reopens_and_a_new_read_counts() -> None:
    """GIVEN a card lying on the reader, refused once WHEN the screen is opened again THEN it
    is tried again (as if just read); WHEN it is lifted and put back THEN that read is tried."""
    tap = IdCardTap()
    first = zhang_san_card()
    tap.on_event(IdCardRead(first))
    login, nav = _login(tap)
    login.start()
    nav.drain()
    login.stop()
    login.start()
    nav.drain()
    assert nav.session.logins == [first, first]
    tap.on_event(IdCardRemoved())
    again = zhang_san_card()
    tap.on_event(IdCardRead(again))
    nav.drain()
    assert nav.session.logins == [first, first, again]
    assert nav.session.logins[2] is again


def test_nothing_is_used_after_the_screen_closed() -> None:
    """GIVEN a read posted to the GUI thread WHEN the screen closes before it is handled THEN
    it is ignored, the tap has no listener left and the login holds no record."""
    tap = IdCardTap()
    login, nav = _login(tap)
    login.start()
    assert login.listening
    tap.on_event(IdCardRead(zhang_san_card()))
    login.stop()
    nav.drain()
    tap.on_event(IdCardRead(zhang_san_card()))
    assert nav.posted == []  # no listener left on the tap
    assert nav.session.logins == []
    assert not login.listening
    assert login.tried is None
