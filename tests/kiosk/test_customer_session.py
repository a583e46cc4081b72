"""Unified authentication and the customer session, against the running reference central."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.interfaces import IdCardRecord, Sex
from kiosk.central_api import CentralApi
from kiosk.customer_session import (
    AuthMethod,
    CustomerSession,
    EndReason,
    SessionEnded,
)
from kiosk.errors import CentralRefused, CentralUnavailable, SessionError
from tests.central.business_client import ZHANG_SAN_CARD, Biz
from tests.central.conftest import KIOSKS, Central

pytestmark = pytest.mark.timeout(60)

TODAY = date(2026, 11, 22)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ended() -> list[SessionEnded]:
    return []


@pytest.fixture
def session(api: CentralApi, clock: Clock, ended: list[SessionEnded]) -> CustomerSession:
    return CustomerSession(api, idle_timeout_s=90, warning_s=20, clock=clock, on_end=ended.append)


def zhang_san_card(**changes: object) -> IdCardRecord:
    fields: dict[str, object] = {
        "name": ZHANG_SAN_CARD["name"],
        "sex": Sex.MALE,
        "ethnicity_code": "01",
        "birth_date": date(1990, 3, 7),
        "address": "北京市东城区",
        "id_number": ZHANG_SAN_CARD["id_number"],
        "issuer": "北京市公安局东城分局",
        "valid_from": date(2020, 1, 1),
        "valid_to": date(2040, 1, 1),
        **changes,
    }
    return IdCardRecord(**fields)  # type: ignore[arg-type]


def test_password_login_then_every_service_uses_the_session(
    session: CustomerSession, api: CentralApi
) -> None:
    """GIVEN the demo customer WHEN they log in once by password THEN balance, bills, usage
    and invoices are all answered with that one session."""
    customer = session.login_password("13800138000", "123456")
    assert customer.method is AuthMethod.PASSWORD
    assert customer.msisdn == "13800138000"
    assert "*" in customer.owner_name_masked
    balance = session.call(api.balance)
    assert balance.msisdn == "13800138000"
    assert isinstance(balance.balance_fen, int)
    bills = session.call(api.bills).bills
    assert bills, "the demo account has monthly bills"
    month = bills[0].month
    assert session.call(lambda t: api.bill(t, month)).total_fen == bills[0].total_fen
    page = session.call(lambda t: api.usage(t, month, kind="voice", page_size=5))
    assert page.kind == "voice"
    assert len(page.records) == 5
    assert all(r.kind == "voice" for r in page.records)
    assert page.pages == -(-page.total // 5)
    assert session.call(api.invoices).invoices


def test_wrong_password_reports_attempts_left_then_lockout(session: CustomerSession) -> None:
    for attempt in range(5):
        with pytest.raises(CentralRefused) as refused:
            session.login_password("13900139000", "000000")
        if attempt < 4:
            assert refused.value.code == "auth.wrong_password"
            assert refused.value.message_key == "auth.wrong_password"
            assert refused.value.data["attempts_left"] == 4 - attempt
    assert refused.value.code == "auth.locked"
    with pytest.raises(CentralRefused) as locked:
        session.login_password("13900139000", "654321")  # even the right one, while locked
    assert locked.value.code == "auth.locked"
    assert not session.authenticated


def test_sms_code_login(session: CustomerSession, central: Central) -> None:
    challenge = session.request_sms_code("13800138000")
    assert challenge.resend_after_s > 0
    code = Biz(central).last_code("13800138000")
    customer = session.login_sms(code)
    assert customer.method is AuthMethod.SMS


def test_sms_login_needs_a_requested_code_and_six_digits(session: CustomerSession) -> None:
    with pytest.raises(SessionError) as no_request:
        session.login_sms("123456")
    assert no_request.value.message_key == "auth.code_not_requested"
    session.request_sms_code("13800138000")
    with pytest.raises(SessionError) as short:
        session.login_sms("12345")
    assert short.value.message_key == "auth.bad_code"
    with pytest.raises(CentralRefused) as wrong:
        session.login_sms("000000")
    assert wrong.value.code == "sms.wrong_code"


def test_id_card_login_by_the_owner(session: CustomerSession) -> None:
    customer = session.login_id_card("13800138000", zhang_san_card(), TODAY)
    assert customer.method is AuthMethod.ID_CARD
    assert session.id_card is not None


def test_id_card_of_someone_else_is_refused(session: CustomerSession) -> None:
    with pytest.raises(CentralRefused) as refused:
        session.login_id_card("13900139000", zhang_san_card(), TODAY)
    assert refused.value.code == "auth.not_owner"
    assert not session.authenticated


def test_expired_id_card_is_refused_before_asking_central(session: CustomerSession) -> None:
    card = zhang_san_card(valid_from=date(2006, 1, 1), valid_to=date(2016, 1, 1))
    with pytest.raises(SessionError) as refused:
        session.login_id_card("13800138000", card, TODAY)
    assert refused.value.message_key == "idcard.expired"


def test_bad_input_is_refused_locally(session: CustomerSession) -> None:
    with pytest.raises(SessionError) as number:
        session.login_password("1380013800", "123456")
    assert number.value.message_key == "topup.invalid_number"
    with pytest.raises(SessionError) as password:
        session.login_password("13800138000", "12a456")
    assert password.value.message_key == "auth.bad_password"


def test_services_need_a_login(session: CustomerSession, api: CentralApi) -> None:
    with pytest.raises(SessionError) as refused:
        session.call(api.balance)
    assert refused.value.message_key == "session.login_required"


def test_idle_countdown_warns_then_ends_and_drops_everything(
    session: CustomerSession, clock: Clock, ended: list[SessionEnded], api: CentralApi
) -> None:
    """GIVEN a logged-in customer who walks away WHEN 70 s pass THEN the countdown warns;
    WHEN 90 s pass THEN the session ends, nothing personal is left in it, and central no
    longer accepts its token."""
    session.login_id_card("13800138000", zhang_san_card(), TODAY)
    token = session.token()
    clock.now += 69
    assert not session.tick().warning
    clock.now += 2
    status = session.tick()
    assert status.warning
    assert not status.expired
    assert 18 < status.remaining_s < 20
    clock.now += 20
    assert session.tick().expired
    assert ended == [SessionEnded(session.session_id, EndReason.IDLE_TIMEOUT)]
    _assert_no_customer_data(session)
    with pytest.raises(CentralRefused) as gone:
        api.balance(token)
    assert gone.value.code in ("session.invalid", "session.expired")


def test_touch_restarts_the_countdown(session: CustomerSession, clock: Clock) -> None:
    session.login_password("13800138000", "123456")
    clock.now += 80
    session.touch()
    clock.now += 80
    assert not session.tick().expired
    assert session.authenticated


def test_a_flow_holding_money_keeps_the_session_open(
    session: CustomerSession, clock: Clock
) -> None:
    holding = [True]
    session.set_busy(lambda: holding[0])
    clock.now += 500
    status = session.tick()
    assert not status.expired
    assert not status.warning
    assert session.ended is None
    holding[0] = False
    assert session.tick().expired
    assert session.ended is EndReason.IDLE_TIMEOUT


def test_logout_drops_everything_and_a_new_session_starts_clean(
    api: CentralApi, clock: Clock
) -> None:
    first = CustomerSession(api, idle_timeout_s=90, clock=clock)
    first.login_id_card("13800138000", zhang_san_card(), TODAY)
    first.end(EndReason.LOGOUT)
    _assert_no_customer_data(first)
    with pytest.raises(SessionError) as closed:
        first.login_password("13800138000", "123456")
    assert closed.value.message_key == "session.ended"
    second = CustomerSession(api, idle_timeout_s=90, clock=clock)
    assert second.session_id != first.session_id
    _assert_no_customer_data(second)


def test_central_expiring_the_session_ends_it_here(
    session: CustomerSession, api: CentralApi, ended: list[SessionEnded]
) -> None:
    session.login_password("13800138000", "123456")
    api.logout(session.token())  # central forgets it (as after its own idle timeout)
    with pytest.raises(CentralRefused):
        session.call(api.balance)
    assert session.ended is EndReason.CENTRAL_EXPIRED
    assert [e.reason for e in ended] == [EndReason.CENTRAL_EXPIRED]
    _assert_no_customer_data(session)


def test_central_down_is_unavailable_not_refused(clock: Clock) -> None:
    api = CentralApi("http://127.0.0.1:9", "K1", KIOSKS["K1"], timeout_s=1)
    session = CustomerSession(api, idle_timeout_s=90, clock=clock)
    with pytest.raises(CentralUnavailable):
        session.login_password("13800138000", "123456")
    assert not session.authenticated


def _assert_no_customer_data(session: CustomerSession) -> None:
    """Nothing in the object's state can identify the customer any more."""
    state = vars(session)
    assert state["customer"] is None
    assert state["_token"] is None
    assert state["_challenge"] is None
    assert state["_challenge_msisdn"] is None
    assert state["id_card"] is None
    text = repr(state)
    for secret in ("13800138000", ZHANG_SAN_CARD["id_number"], ZHANG_SAN_CARD["name"]):
        assert secret not in text
