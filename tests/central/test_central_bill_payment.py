"""Bill payment at central: what a number owes (by number, no login), and the sync kind
`bill_payment.v1` that settles bills oldest first, once; and `sim_release.v1`, which gives an
unfinished sale's number back to the pool."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import Account, BillPayment, PoolNumber
from tests.central.business_client import ZHANG_SAN_CARD, Biz, refused
from tests.central.conftest import Central, item

pytestmark = pytest.mark.timeout(60)

SUSPENDED = "13700137000"  # 王五: suspended, every bill unpaid


@pytest.fixture
def biz(central: Central) -> Biz:
    return Biz(central)


def _payment(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "txn_id": "b1",
        "msisdn": SUSPENDED,
        "amount_fen": 100,
        "currency": "CNY",
        "method": "cash",
        "months": [],
        "created_at": "2026-11-22T10:30:00+08:00",
        "offline": False,
    }
    return {**body, **changes}


def _due(biz: Biz, msisdn: str = SUSPENDED) -> dict[str, Any]:
    body: dict[str, Any] = biz.ok("GET", "/v1/bills/due", params={"msisdn": msisdn})
    return body


def test_due_lists_unpaid_months_oldest_first_with_the_name_masked(biz: Biz) -> None:
    due = _due(biz)
    assert due["status"] == "suspended"
    months = [m["month"] for m in due["months"]]
    assert months
    assert months == sorted(months)
    assert due["due_fen"] == sum(m["total_fen"] for m in due["months"]) > 0
    assert due["owner_name_masked"] == "王*"
    paid_up = _due(biz, "13800138000")
    assert (paid_up["due_fen"], paid_up["months"]) == (0, [])


def test_due_of_an_unknown_number_is_refused(biz: Biz) -> None:
    reply = biz.call("GET", "/v1/bills/due", params={"msisdn": "13312345678"})
    refused(reply, 404, "bill.unknown_number")
    assert biz.call("GET", "/v1/bills/due", params={"msisdn": "12"}).status_code == 422


def test_paying_the_whole_due_settles_every_month_and_reactivates(
    biz: Biz, central: Central
) -> None:
    due = _due(biz)
    body = _payment(amount_fen=due["due_fen"] + 500, months=[m["month"] for m in due["months"]])
    [result] = central.sync_results([item("k1", body, "bill_payment.v1")])
    assert result["status"] == "accepted"
    assert result["result"]["status"] == "paid"
    assert result["result"]["months_paid"] == [m["month"] for m in due["months"]]
    assert _due(biz)["due_fen"] == 0
    assert _due(biz)["status"] == "active"
    with central.storage.sessions() as session:
        account = session.get(Account, SUSPENDED)
        assert account is not None
        assert account.balance_fen == -350 + 500  # the excess went to the balance
    # the same key and body again: the first answer, nothing paid twice
    [again] = central.sync_results([item("k1", body, "bill_payment.v1")])
    assert again["status"] == "duplicate"
    assert again["result"] == result["result"]
    [changed] = central.sync_results([item("k1", {**body, "amount_fen": 1}, "bill_payment.v1")])
    assert changed["status"] == "conflict"
    [other_key] = central.sync_results([item("k2", body, "bill_payment.v1")])
    assert other_key["status"] == "conflict"  # the same txn_id under another key


def test_a_part_payment_settles_the_months_it_covers(biz: Biz, central: Central) -> None:
    due = _due(biz)
    first = due["months"][0]["total_fen"]
    [result] = central.sync_results([item("k", _payment(amount_fen=first + 1), "bill_payment.v1")])
    assert result["result"]["status"] == "partial"
    assert result["result"]["months_paid"] == [due["months"][0]["month"]]
    after = _due(biz)
    assert after["due_fen"] == due["due_fen"] - first
    assert after["status"] == "suspended"


def test_a_payment_for_an_unknown_number_is_kept_in_suspense(central: Central) -> None:
    body = _payment(msisdn="13312345678", method="card", offline=True)
    [result] = central.sync_results([item("k", body, "bill_payment.v1")])
    assert result["result"]["status"] == "suspense"
    with central.storage.sessions() as session:
        [row] = session.scalars(select(BillPayment)).all()
        assert (row.msisdn, row.amount_fen, row.method) == ("13312345678", 100, "card")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"amount_fen": 0}, "amount_fen: Input should be greater than 0"),
        ({"amount_fen": 1.5}, "amount_fen: Input should be a valid integer"),
        ({"method": "wechat"}, "method: Input should be 'cash' or 'card'"),
        ({"created_at": "2026-11-22T10:30:00"}, "created_at: must include a UTC offset"),
        ({"tip": 1}, "tip: Extra inputs are not permitted"),
    ],
)
def test_bad_bodies_are_rejected(central: Central, changes: dict[str, Any], reason: str) -> None:
    [result] = central.sync_results([item("bad", _payment(**changes), "bill_payment.v1")])
    assert result["status"] == "rejected"
    assert reason in result["reason"]


def test_sim_release_gives_the_number_back_once(biz: Biz, central: Central) -> None:
    card = {**ZHANG_SAN_CARD, "valid_from": "2016-05-01", "valid_until": "2036-05-01"}
    check_id = biz.ok("POST", "/v1/realname/checks", card)["check_id"]
    number = biz.ok("GET", "/v1/numbers", params={"page_size": 1})["numbers"][0]["msisdn"]
    reservation = biz.ok("POST", f"/v1/numbers/{number}/reservation", {"check_id": check_id})[
        "reservation_id"
    ]
    body = {
        "txn_id": "s1",
        "reservation_id": reservation,
        "reason": "recovered_after_restart",
        "created_at": "2026-11-22T10:30:00+08:00",
    }
    [result] = central.sync_results([item("r1", body, "sim_release.v1")])
    assert result["result"] == {"reservation_id": reservation, "status": "released"}
    with central.storage.sessions() as session:
        row = session.get(PoolNumber, number)
        assert row is not None
        assert row.reservation_id is None
    [again] = central.sync_results([item("r2", {**body, "txn_id": "s2"}, "sim_release.v1")])
    assert again["result"]["status"] == "gone"
