"""Customer business API against a real server: unified authentication, queries, and changes
confirmed by a second SMS code."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import select

from central.business_db import Account, AccountEvent, CustomerSession, SmsChallenge
from tests.central.business_client import (
    LI_SI_CARD,
    ZHANG_SAN,
    ZHANG_SAN_CARD,
    Biz,
    refused,
)
from tests.central.conftest import Central, FakeClock, item, topup_body

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def biz(central: Central) -> Biz:
    return Biz(central)


def _balance(central: Central, msisdn: str) -> int:
    with central.storage.sessions() as session:
        account = session.get(Account, msisdn)
        assert account is not None
        return account.balance_fen


def test_business_calls_need_the_kiosk_credentials(biz: Biz) -> None:
    bare = requests.post(f"{biz.central.url}/v1/customer/login/password", json=ZHANG_SAN, timeout=5)
    assert bare.status_code == 401
    wrong = {"X-Kiosk-Id": "K1", "Authorization": "Bearer token-two"}
    reply = requests.get(f"{biz.central.url}/v1/catalogue", headers=wrong, timeout=5)
    assert reply.status_code == 401
    assert biz.call("GET", "/v1/catalogue").status_code == 200


def test_catalogue_lists_plans_cheapest_first_and_services(biz: Biz) -> None:
    catalogue = biz.ok("GET", "/v1/catalogue")
    fees = [plan["monthly_fee_fen"] for plan in catalogue["plans"]]
    assert fees == sorted(fees)
    assert {"P38", "P58", "P128", "SENIOR18"} == {p["code"] for p in catalogue["plans"]}
    assert "RINGBACK" in {s["code"] for s in catalogue["services"]}


def test_password_login_gives_a_session_that_reads_the_balance(biz: Biz) -> None:
    reply = biz.ok("POST", "/v1/customer/login/password", ZHANG_SAN)
    assert reply["msisdn"] == "13800138000"
    assert reply["method"] == "password"
    assert reply["owner_name_masked"] == "张*"
    balance = biz.ok("GET", "/v1/customer/balance", session=reply["session_token"])
    assert balance["balance_fen"] == 5000
    assert balance["plan"]["code"] == "P58"
    assert [s["code"] for s in balance["services"]] == ["CALLER_ID"]
    assert "张三" not in str(balance)


def test_five_wrong_passwords_lock_the_number_for_30_minutes(biz: Biz, clock: FakeClock) -> None:
    wrong = {"msisdn": "13800138000", "password": "000000"}
    for left in (4, 3, 2, 1):
        data = refused(
            biz.call("POST", "/v1/customer/login/password", wrong), 401, "auth.wrong_password"
        )
        assert data == {"attempts_left": left}
    data = refused(biz.call("POST", "/v1/customer/login/password", wrong), 423, "auth.locked")
    assert "locked_until" in data
    # GIVEN locked WHEN the right password comes THEN still locked
    refused(biz.call("POST", "/v1/customer/login/password", ZHANG_SAN), 423, "auth.locked")
    clock.advance(30 * 60 + 1)
    assert biz.login()


def test_a_right_password_resets_the_wrong_count(biz: Biz) -> None:
    wrong = {"msisdn": "13800138000", "password": "000000"}
    for _ in range(3):
        biz.call("POST", "/v1/customer/login/password", wrong)
    biz.login()
    data = refused(
        biz.call("POST", "/v1/customer/login/password", wrong), 401, "auth.wrong_password"
    )
    assert data == {"attempts_left": 4}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"msisdn": "13512345678", "password": "123456"}, 404, "auth.unknown_number"),
    ],
)
def test_login_refusals(biz: Biz, body: dict[str, Any], status: int, code: str) -> None:
    refused(biz.call("POST", "/v1/customer/login/password", body), status, code)


@pytest.mark.parametrize(
    "body",
    [
        {"msisdn": "1380013800", "password": "123456"},
        {"msisdn": "13800138000", "password": "12345a"},
        {"msisdn": "13800138000", "password": 123456},
        {"msisdn": "13800138000", "password": "123456", "extra": 1},
        {},
    ],
)
def test_malformed_login_is_422_and_changes_nothing(biz: Biz, body: dict[str, Any]) -> None:
    reply = biz.call("POST", "/v1/customer/login/password", body)
    assert reply.status_code == 422
    assert "detail" in reply.json()
    with biz.central.storage.sessions() as session:
        assert session.scalars(select(CustomerSession)).all() == []


def test_sms_code_login_uses_the_sms_outbox(biz: Biz, clock: FakeClock) -> None:
    sent = biz.ok("POST", "/v1/customer/login/sms-code", {"msisdn": "13900139000"})
    assert sent["resend_after_s"] == 60
    code = biz.last_code("13900139000")
    # a second code within the minute is refused
    data = refused(
        biz.call("POST", "/v1/customer/login/sms-code", {"msisdn": "13900139000"}),
        429,
        "sms.too_soon",
    )
    assert 0 < data["retry_after_s"] <= 60
    session = biz.ok(
        "POST", "/v1/customer/login/sms", {"challenge_id": sent["challenge_id"], "code": code}
    )
    assert session["method"] == "sms"
    assert session["msisdn"] == "13900139000"
    # a code works once
    again = biz.call(
        "POST", "/v1/customer/login/sms", {"challenge_id": sent["challenge_id"], "code": code}
    )
    refused(again, 410, "sms.used")


def test_three_wrong_codes_burn_the_challenge(biz: Biz) -> None:
    sent = biz.ok("POST", "/v1/customer/login/sms-code", {"msisdn": "13800138000"})
    code = biz.last_code("13800138000")
    wrong = "000000" if code != "000000" else "111111"
    body = {"challenge_id": sent["challenge_id"], "code": wrong}
    for left in (2, 1, 0):
        data = refused(biz.call("POST", "/v1/customer/login/sms", body), 401, "sms.wrong_code")
        assert data == {"attempts_left": left}
    body["code"] = code
    refused(biz.call("POST", "/v1/customer/login/sms", body), 410, "sms.used")


def test_an_sms_code_expires_after_five_minutes(biz: Biz, clock: FakeClock) -> None:
    sent = biz.ok("POST", "/v1/customer/login/sms-code", {"msisdn": "13800138000"})
    code = biz.last_code("13800138000")
    clock.advance(5 * 60 + 1)
    body = {"challenge_id": sent["challenge_id"], "code": code}
    refused(biz.call("POST", "/v1/customer/login/sms", body), 410, "sms.expired")


def test_a_code_sent_for_one_kiosk_does_not_work_at_another(biz: Biz) -> None:
    sent = biz.ok("POST", "/v1/customer/login/sms-code", {"msisdn": "13800138000"})
    body = {"challenge_id": sent["challenge_id"], "code": biz.last_code("13800138000")}
    refused(
        biz.call("POST", "/v1/customer/login/sms", body, kiosk="K2"), 404, "sms.unknown_challenge"
    )


def test_id_card_login_for_the_lines_owner_only(biz: Biz) -> None:
    card = {**ZHANG_SAN_CARD, "msisdn": "13800138000", "valid_until": "2036-05-01"}
    assert biz.ok("POST", "/v1/customer/login/id-card", card)["method"] == "id_card"
    for_life = {**LI_SI_CARD, "msisdn": "13900139000", "valid_until": None}
    assert biz.ok("POST", "/v1/customer/login/id-card", for_life)["msisdn"] == "13900139000"
    not_owner = {**LI_SI_CARD, "msisdn": "13800138000", "valid_until": None}
    refused(biz.call("POST", "/v1/customer/login/id-card", not_owner), 403, "auth.not_owner")
    wrong_name = {**card, "name": "张四"}
    refused(biz.call("POST", "/v1/customer/login/id-card", wrong_name), 403, "auth.not_owner")
    expired = {**card, "valid_until": "2021-05-01"}
    refused(biz.call("POST", "/v1/customer/login/id-card", expired), 422, "realname.expired")
    bad_check = {**card, "id_number": "110101199003074478"}
    refused(
        biz.call("POST", "/v1/customer/login/id-card", bad_check),
        422,
        "realname.bad_check_character",
    )


def test_a_session_is_bound_to_its_kiosk_and_ends_on_logout(biz: Biz) -> None:
    token = biz.login()
    refused(
        biz.call("GET", "/v1/customer/balance", session=token, kiosk="K2"), 401, "session.invalid"
    )
    refused(biz.call("GET", "/v1/customer/balance"), 401, "session.missing")
    refused(biz.call("GET", "/v1/customer/balance", session="nonsense"), 401, "session.invalid")
    assert biz.call("POST", "/v1/customer/logout", session=token).status_code == 204
    assert biz.call("POST", "/v1/customer/logout", session=token).status_code == 204  # repeatable
    refused(biz.call("GET", "/v1/customer/balance", session=token), 401, "session.invalid")


def test_an_idle_session_expires_and_use_keeps_it_alive(biz: Biz, clock: FakeClock) -> None:
    token = biz.login()
    for _ in range(3):  # 12 minutes of use, never 5 idle
        clock.advance(4 * 60)
        biz.ok("GET", "/v1/customer/balance", session=token)
    clock.advance(5 * 60 + 1)
    refused(biz.call("GET", "/v1/customer/balance", session=token), 401, "session.expired")
    refused(biz.call("GET", "/v1/customer/balance", session=token), 401, "session.invalid")


def test_bills_newest_first_and_by_month(biz: Biz) -> None:
    token = biz.login()
    bills = biz.ok("GET", "/v1/customer/bills", session=token)["bills"]
    months = [b["month"] for b in bills]
    assert len(months) == 6
    assert months == sorted(months, reverse=True)
    for bill in bills:
        assert bill["total_fen"] == sum(i["amount_fen"] for i in bill["items"])
        assert bill["items"][0]["amount_fen"] == 5800  # the P58 plan fee
    one = biz.ok("GET", f"/v1/customer/bills/{months[0]}", session=token)
    assert one == bills[0]
    refused(biz.call("GET", "/v1/customer/bills/2001-01", session=token), 404, "bill.not_found")
    assert biz.call("GET", "/v1/customer/bills/2024-13", session=token).status_code == 422


def test_usage_pages_through_a_month_by_kind(biz: Biz) -> None:
    token = biz.login()
    month = biz.ok("GET", "/v1/customer/bills", session=token)["bills"][0]["month"]
    first = biz.ok(
        "GET", "/v1/customer/usage", params={"month": month, "page_size": 20}, session=token
    )
    assert first["total"] == 45
    seen = [*first["records"]]
    for page in (2, 3):
        params = {"month": month, "page_size": 20, "page": page}
        seen += biz.ok("GET", "/v1/customer/usage", params=params, session=token)["records"]
    assert len(seen) == 45
    moments = [r["started_at"] for r in seen]
    assert moments == sorted(moments, reverse=True)
    counts = 0
    for kind in ("voice", "sms", "data"):
        params = {"month": month, "kind": kind, "page_size": 100}
        page = biz.ok("GET", "/v1/customer/usage", params=params, session=token)
        assert {r["kind"] for r in page["records"]} <= {kind}
        counts += page["total"]
    assert counts == 45
    bad = biz.call(
        "GET", "/v1/customer/usage", params={"month": month, "kind": "fax"}, session=token
    )
    assert bad.status_code == 422


def test_invoice_prints_are_counted_for_reprint_marking(biz: Biz) -> None:
    token = biz.login()
    invoices = biz.ok("GET", "/v1/customer/invoices", session=token)["invoices"]
    assert len(invoices) == 6
    number = invoices[0]["number"]
    assert (
        biz.ok("POST", f"/v1/customer/invoices/{number}/print", session=token)["print_count"] == 1
    )
    assert (
        biz.ok("POST", f"/v1/customer/invoices/{number}/print", session=token)["print_count"] == 2
    )
    other = biz.login("13900139000", "654321")
    refused(
        biz.call("POST", f"/v1/customer/invoices/{number}/print", session=other),
        404,
        "invoice.not_found",
    )


def test_plan_change_waits_for_the_texted_code_then_applies_once(biz: Biz) -> None:
    token = biz.login()
    asked = biz.ok("POST", "/v1/customer/plan-change", {"plan_code": "P128"}, session=token)
    assert asked["summary_zh"] == "套餐变更为畅享128元套餐"
    assert biz.ok("GET", "/v1/customer/balance", session=token)["plan"]["code"] == "P58"
    assert "套餐变更为畅享128元套餐" in biz.texts("13800138000")[0]
    code = biz.last_code("13800138000")
    path = f"/v1/customer/confirmations/{asked['confirmation_id']}"
    wrong = "000000" if code != "000000" else "111111"
    assert refused(biz.call("POST", path, {"code": wrong}, session=token), 401, "sms.wrong_code")
    done = biz.ok("POST", path, {"code": code}, session=token)
    assert done["plan_code"] == "P128"
    # the answer was lost: the same code again gets the same answer, nothing applied twice
    assert biz.ok("POST", path, {"code": code}, session=token) == done
    with biz.central.storage.sessions() as session:
        events = session.scalars(
            select(AccountEvent).where(AccountEvent.kind == "plan_change")
        ).all()
    assert len(events) == 1
    refused(
        biz.call("POST", "/v1/customer/plan-change", {"plan_code": "P128"}, session=token),
        409,
        "plan.already_current",
    )
    refused(
        biz.call("POST", "/v1/customer/plan-change", {"plan_code": "NOPE"}, session=token),
        404,
        "plan.unknown",
    )


def test_a_confirmation_belongs_to_its_session(biz: Biz, clock: FakeClock) -> None:
    token = biz.login()
    asked = biz.ok("POST", "/v1/customer/plan-change", {"plan_code": "P38"}, session=token)
    code = biz.last_code("13800138000")
    other = biz.login()
    path = f"/v1/customer/confirmations/{asked['confirmation_id']}"
    refused(biz.call("POST", path, {"code": code}, session=other), 404, "sms.unknown_challenge")
    with biz.central.storage.sessions() as session:
        challenge = session.get(SmsChallenge, asked["confirmation_id"])
        assert challenge is not None
        assert challenge.attempts_left == 3  # a stranger's try costs the owner nothing


def test_service_on_and_off_with_confirmation(biz: Biz, clock: FakeClock) -> None:
    token = biz.login()
    asked = biz.ok(
        "POST",
        "/v1/customer/service-change",
        {"service_code": "RINGBACK", "active": True},
        session=token,
    )
    assert asked["summary_en"] == "switch on Ringback tones"
    done = biz.ok(
        "POST", f"/v1/customer/confirmations/{asked['confirmation_id']}",
        {"code": biz.last_code("13800138000")}, session=token,
    )  # fmt: skip
    assert done["services"] == ["CALLER_ID", "RINGBACK"]
    refused(
        biz.call(
            "POST",
            "/v1/customer/service-change",
            {"service_code": "RINGBACK", "active": True},
            session=token,
        ),
        409,
        "service.already_on",
    )
    clock.advance(61)
    asked = biz.ok(
        "POST",
        "/v1/customer/service-change",
        {"service_code": "CALLER_ID", "active": False},
        session=token,
    )
    done = biz.ok(
        "POST", f"/v1/customer/confirmations/{asked['confirmation_id']}",
        {"code": biz.last_code("13800138000")}, session=token,
    )  # fmt: skip
    assert done["services"] == ["RINGBACK"]
    bad = biz.call(
        "POST",
        "/v1/customer/service-change",
        {"service_code": "RINGBACK", "active": "no"},
        session=token,
    )
    assert bad.status_code == 422


def test_a_suspended_line_cannot_change_plan(biz: Biz) -> None:
    token = biz.login("13700137000", "112233")
    balance = biz.ok("GET", "/v1/customer/balance", session=token)
    assert balance["status"] == "suspended"
    assert balance["balance_fen"] == -350
    reply = biz.call("POST", "/v1/customer/plan-change", {"plan_code": "P128"}, session=token)
    refused(reply, 409, "account.suspended")


def test_a_topup_credits_the_balance_exactly_once(central: Central) -> None:
    before = _balance(central, "13800138000")
    body = topup_body(txn_id="T-credit", amount_fen=2000)
    assert central.sync_results([item("k-credit", body)])[0]["result"]["status"] == "credited"
    assert central.sync_results([item("k-credit", body)])[0]["status"] == "duplicate"
    assert _balance(central, "13800138000") == before + 2000


def test_a_topup_for_an_unknown_number_is_kept_in_suspense(central: Central) -> None:
    body = topup_body(txn_id="T-unknown", msisdn="13512345678")
    [result] = central.sync_results([item("k-unknown", body)])
    assert result["status"] == "accepted"
    assert result["result"]["status"] == "suspense"
    assert central.topups(msisdn="13512345678")[0]["amount_fen"] == 5000
