"""Customer-bound business can only be acted on by its own session, kiosk and line; attempt
limits count every try, including ID cards. (On one SQLite server; the same under concurrency
on PostgreSQL with two instances: test_central_concurrency.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import Account, CustomerSession, SimProfile
from tests.central.business_client import (
    LI_SI_CARD,
    ZHANG_SAN_CARD,
    Biz,
    KioskKey,
    give_lines,
    refused,
)
from tests.central.conftest import Central, FakeClock, item

pytestmark = pytest.mark.timeout(60)

ZHANG = "13800138000"
LI = "13900139000"


@pytest.fixture
def biz(central: Central) -> Biz:
    return Biz(central)


def _card_session(biz: Biz, card: dict[str, str], msisdn: str, kiosk: str = "K1") -> str:
    body = {**card, "msisdn": msisdn, "valid_until": "2036-05-01"}
    token: str = biz.ok("POST", "/v1/customer/login/id-card", body, kiosk=kiosk)["session_token"]
    return token


def _replacement_card(biz: Biz, token: str, kiosk: str = "K1") -> dict[str, Any]:
    key = KioskKey()
    sealed: dict[str, Any] = biz.ok(
        "POST",
        "/v1/customer/sim-replacement",
        {"kiosk_public_key": key.public_b64},
        session=token,
        kiosk=kiosk,
    )
    return sealed


def _swap(sealed: dict[str, Any], msisdn: str, **changes: Any) -> dict[str, Any]:
    return {
        "txn_id": f"R-{sealed['order_id'][:8]}-{msisdn}",
        "msisdn": msisdn,
        "order_id": sealed["order_id"],
        "iccid": sealed["iccid"],
        "fee_fen": 0,
        "method": "none",
        "created_at": "2026-11-22T10:00:00+08:00",
        **changes,
    }


def _iccid(central: Central, msisdn: str) -> str:
    with central.storage.sessions() as session:
        iccid = session.scalar(select(Account.iccid).where(Account.msisdn == msisdn))
    assert iccid is not None
    return iccid


def test_a_card_issued_for_one_line_cannot_replace_another_lines_sim(biz: Biz) -> None:
    """GIVEN a session opened with 张三's ID card and the replacement card issued for it
    WHEN the kiosk reports that card as 李四's new SIM
    THEN central refuses it (conflict), 李四's SIM is untouched, and the card still waits for
    张三's line."""
    sealed = _replacement_card(biz, _card_session(biz, ZHANG_SAN_CARD, ZHANG))
    li_before = _iccid(biz.central, LI)
    [hijack] = biz.central.sync_results(
        [item("hijack", _swap(sealed, LI, paid_fen=100_000), kind="sim_replacement.v1")]
    )
    assert hijack["status"] == "conflict"
    assert "session" in hijack["reason"]
    assert _iccid(biz.central, LI) == li_before
    [own] = biz.central.sync_results([item("own", _swap(sealed, ZHANG), kind="sim_replacement.v1")])
    assert own["status"] == "accepted"
    assert _iccid(biz.central, ZHANG) == sealed["iccid"]


def test_a_card_issued_at_one_kiosk_cannot_be_reported_by_another(biz: Biz) -> None:
    sealed = _replacement_card(biz, _card_session(biz, ZHANG_SAN_CARD, ZHANG))
    [other] = biz.central.sync_results(
        [item("other-kiosk", _swap(sealed, ZHANG), kind="sim_replacement.v1")], kiosk="K2"
    )
    assert other["status"] == "conflict"


def test_an_order_id_that_is_not_an_id_card_session_moves_nothing(biz: Biz) -> None:
    """The order id of a replacement is its ID-card session: a password session's id, or a
    made-up one, with a real card's iccid is refused."""
    sealed = _replacement_card(biz, _card_session(biz, ZHANG_SAN_CARD, ZHANG))
    biz.login(LI, "654321")
    with biz.central.storage.sessions() as session:
        password_session = session.scalar(
            select(CustomerSession.id).where(CustomerSession.msisdn == LI)
        )
    assert password_session is not None
    for order_id in (password_session, "0" * 32):
        [result] = biz.central.sync_results(
            [
                item(
                    f"forged-{order_id[:6]}",
                    _swap({**sealed, "order_id": order_id}, LI),
                    kind="sim_replacement.v1",
                )
            ]
        )
        assert result["status"] == "conflict"
    with biz.central.storage.sessions() as session:
        profile = session.get(SimProfile, sealed["iccid"])
        assert profile is not None
        assert profile.state == "issued"


def test_id_card_login_locks_after_five_cards_that_are_not_the_owners(
    biz: Biz, clock: FakeClock
) -> None:
    """GIVEN 李四's card presented for 张三's number again and again
    THEN the first four are refused as not the owner with the tries left, the fifth locks the
    number's ID-card login for 30 minutes, and even the owner's card is refused until then."""
    wrong = {**LI_SI_CARD, "msisdn": ZHANG, "valid_until": "2036-05-01"}
    for left in (4, 3, 2, 1):
        data = refused(biz.call("POST", "/v1/customer/login/id-card", wrong), 403, "auth.not_owner")
        assert data["attempts_left"] == left
    locked = refused(
        biz.call("POST", "/v1/customer/login/id-card", wrong), 423, "auth.id_card_locked"
    )
    assert locked["locked_until"]
    right = {**ZHANG_SAN_CARD, "msisdn": ZHANG, "valid_until": "2036-05-01"}
    refused(biz.call("POST", "/v1/customer/login/id-card", right), 423, "auth.id_card_locked")
    clock.advance(30 * 60 + 1)
    assert biz.ok("POST", "/v1/customer/login/id-card", right)["method"] == "id_card"


def test_a_right_id_card_resets_the_count(biz: Biz) -> None:
    wrong = {**LI_SI_CARD, "msisdn": ZHANG, "valid_until": "2036-05-01"}
    right = {**ZHANG_SAN_CARD, "msisdn": ZHANG, "valid_until": "2036-05-01"}
    for _ in range(3):
        refused(biz.call("POST", "/v1/customer/login/id-card", wrong), 403, "auth.not_owner")
    biz.ok("POST", "/v1/customer/login/id-card", right)
    data = refused(biz.call("POST", "/v1/customer/login/id-card", wrong), 403, "auth.not_owner")
    assert data["attempts_left"] == 4


def test_sms_code_tries_are_counted_once_each_and_a_right_code_is_spent_once(biz: Biz) -> None:
    asked = biz.ok("POST", "/v1/customer/login/sms-code", {"msisdn": ZHANG})
    code = biz.last_code(ZHANG)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = {"challenge_id": asked["challenge_id"], "code": wrong}
    data = refused(biz.call("POST", "/v1/customer/login/sms", body), 401, "sms.wrong_code")
    assert data["attempts_left"] == 2
    biz.ok("POST", "/v1/customer/login/sms", {**body, "code": code})
    refused(biz.call("POST", "/v1/customer/login/sms", {**body, "code": code}), 410, "sms.used")


def test_numbers_held_at_two_kiosks_count_toward_the_persons_line_limit(biz: Biz) -> None:
    """GIVEN 张三 with 4 lines, checked at K1 and at K2 (each check sees 4 < 5)
    WHEN K1 holds a number for him and then K2 holds another
    THEN K2 is refused with realname.too_many_lines: the held number counts, so he can never
    end with six lines; once K1 releases its number, K2 may hold one."""
    give_lines(biz.central, ZHANG, 3)
    card = {**ZHANG_SAN_CARD, "valid_from": "2016-05-01", "valid_until": "2036-05-01"}
    checks = {
        k: biz.ok("POST", "/v1/realname/checks", card, kiosk=k)["check_id"] for k in ("K1", "K2")
    }
    numbers = [
        n["msisdn"] for n in biz.ok("GET", "/v1/numbers", params={"page_size": 2})["numbers"]
    ]
    held = biz.ok(
        "POST", f"/v1/numbers/{numbers[0]}/reservation", {"check_id": checks["K1"]}, kiosk="K1"
    )
    path = f"/v1/numbers/{numbers[1]}/reservation"
    data = refused(
        biz.call("POST", path, {"check_id": checks["K2"]}, kiosk="K2"),
        409,
        "realname.too_many_lines",
    )
    assert data == {"lines_owned": 5}
    release = biz.call("DELETE", f"/v1/reservations/{held['reservation_id']}", kiosk="K1")
    assert release.status_code == 204
    biz.ok("POST", path, {"check_id": checks["K2"]}, kiosk="K2")
