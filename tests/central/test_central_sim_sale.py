"""SIM sale and replacement at central, against a real server: real-name check, number pool and
reservations, sealed personalisation data, and the sync kinds that open or move a line."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from central.business_db import Account, AccountEvent, PoolNumber, SignedAgreement, SimProfile
from central.identity import check_character
from central.seed import BLOCKED
from tests.central.business_client import (
    LI_SI_CARD,
    ZHANG_SAN_CARD,
    Biz,
    KioskKey,
    give_lines,
    refused,
)
from tests.central.conftest import Central, FakeClock, item, topup_body

pytestmark = pytest.mark.timeout(60)

UNREGISTERED = "11010119800101001" + check_character("11010119800101001")
VALID_CARD = {**ZHANG_SAN_CARD, "valid_from": "2016-05-01", "valid_until": "2036-05-01"}


@pytest.fixture
def biz(central: Central) -> Biz:
    return Biz(central)


def _check(biz: Biz, card: dict[str, Any] | None = None, kiosk: str = "K1") -> str:
    body = biz.ok("POST", "/v1/realname/checks", card or VALID_CARD, kiosk=kiosk)
    check_id: str = body["check_id"]
    return check_id


def _numbers(biz: Biz, **params: Any) -> list[str]:
    page = biz.ok("GET", "/v1/numbers", params={"page_size": 100, **params})
    return [n["msisdn"] for n in page["numbers"]]


def _reserve(biz: Biz, msisdn: str, check_id: str, kiosk: str = "K1") -> dict[str, Any]:
    body: dict[str, Any] = biz.ok(
        "POST", f"/v1/numbers/{msisdn}/reservation", {"check_id": check_id}, kiosk=kiosk
    )
    return body


def test_a_valid_card_passes_the_real_name_check(biz: Biz) -> None:
    body = biz.ok("POST", "/v1/realname/checks", VALID_CARD)
    assert body["id_masked"] == "110101********4477"
    assert body["lines_owned"] == 1  # 张三 already owns 13800138000
    assert body["lines_allowed"] == 5
    assert "110101199003074477" not in str(body)
    for_life = {**LI_SI_CARD, "valid_from": "2010-01-01", "valid_until": None}
    assert biz.ok("POST", "/v1/realname/checks", for_life)["id_masked"] == "110105********002X"


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"id_number": "110101199003074478"}, 422, "realname.bad_check_character"),
        ({"valid_until": "2021-05-01"}, 422, "realname.expired"),
        ({"valid_from": "2099-01-01"}, 422, "realname.not_yet_valid"),
        ({"name": "王五"}, 403, "realname.name_mismatch"),
        ({"id_number": UNREGISTERED}, 403, "realname.not_registered"),
        ({"id_number": BLOCKED.id_number, "name": BLOCKED.name}, 403, "realname.blocked"),
        ({"id_number": "110101199002304470"}, 422, "realname.bad_check_character"),  # 30 Feb
    ],
)
def test_real_name_refusals(biz: Biz, changes: dict[str, Any], status: int, code: str) -> None:
    refused(biz.call("POST", "/v1/realname/checks", {**VALID_CARD, **changes}), status, code)


def test_a_person_with_five_lines_may_not_open_a_sixth(biz: Biz) -> None:
    give_lines(biz.central, "13800138000", 4)
    data = refused(
        biz.call("POST", "/v1/realname/checks", VALID_CARD), 409, "realname.too_many_lines"
    )
    assert data == {"lines_owned": 5}


def test_number_search_filters_and_pages(biz: Biz) -> None:
    everything = biz.ok("GET", "/v1/numbers", params={"page_size": 100})
    assert everything["total"] == 120
    assert len(everything["numbers"]) == 100
    rest = biz.ok("GET", "/v1/numbers", params={"page_size": 100, "page": 2})
    assert len(rest["numbers"]) == 20
    assert all(n.startswith("186") for n in _numbers(biz, prefix="186"))
    assert all("88" in n for n in _numbers(biz, contains="88"))
    assert all("4" not in n for n in _numbers(biz, no_four="true"))
    cheap = biz.ok("GET", "/v1/numbers", params={"max_price_fen": 0, "page_size": 100})
    assert all(n["price_fen"] == 0 for n in cheap["numbers"])
    assert cheap["total"] < 120  # the lucky ones cost extra
    for bad in ({"prefix": "2"}, {"contains": "12345"}, {"page": 0}, {"page_size": 1000}):
        assert biz.call("GET", "/v1/numbers", params=bad).status_code == 422


def test_a_reservation_holds_a_number_for_fifteen_minutes(biz: Biz, clock: FakeClock) -> None:
    check = _check(biz)
    msisdn = _numbers(biz)[0]
    held = _reserve(biz, msisdn, check)
    assert held["msisdn"] == msisdn
    assert msisdn not in _numbers(biz)
    assert _reserve(biz, msisdn, check) == held  # asking again is idempotent
    other = _check(biz, {**LI_SI_CARD, "valid_from": "2010-01-01", "valid_until": None})
    refused(
        biz.call("POST", f"/v1/numbers/{msisdn}/reservation", {"check_id": other}),
        409,
        "number.taken",
    )
    clock.advance(15 * 60 + 1)
    assert msisdn in _numbers(biz)
    assert _reserve(biz, msisdn, other)["reservation_id"] != held["reservation_id"]


def test_choosing_another_number_releases_the_first(biz: Biz) -> None:
    check = _check(biz)
    first, second = _numbers(biz)[:2]
    _reserve(biz, first, check)
    _reserve(biz, second, check)
    available = _numbers(biz)
    assert first in available
    assert second not in available


def test_a_released_number_returns_to_the_pool(biz: Biz) -> None:
    check = _check(biz)
    msisdn = _numbers(biz)[0]
    held = _reserve(biz, msisdn, check)
    path = f"/v1/reservations/{held['reservation_id']}"
    refused(biz.call("DELETE", path, kiosk="K2"), 404, "number.unknown_reservation")
    assert biz.call("DELETE", path).status_code == 204
    assert msisdn in _numbers(biz)


def test_a_check_is_usable_only_at_its_kiosk_and_for_twenty_minutes(
    biz: Biz, clock: FakeClock
) -> None:
    check = _check(biz)
    msisdn = _numbers(biz)[0]
    body = {"check_id": check}
    path = f"/v1/numbers/{msisdn}/reservation"
    refused(biz.call("POST", path, body, kiosk="K2"), 404, "realname.unknown_check")
    clock.advance(20 * 60 + 1)
    refused(biz.call("POST", path, body), 410, "realname.check_expired")


def test_personalisation_is_sealed_for_the_asking_kiosk(biz: Biz) -> None:
    held = _reserve(biz, _numbers(biz)[0], _check(biz))
    key = KioskKey()
    path = f"/v1/reservations/{held['reservation_id']}/personalisation"
    sealed = biz.ok("POST", path, {"kiosk_public_key": key.public_b64})
    assert sealed["msisdn"] == held["msisdn"]
    assert sealed["order_id"] == held["reservation_id"]
    aad = f"K1|{held['reservation_id']}|{sealed['iccid']}"
    data = key.open(sealed, aad)
    assert set(data) == {"iccid", "imsi", "ki_encrypted", "smsp", "pin1", "puk1"}
    assert data["iccid"] == sealed["iccid"]
    assert data["imsi"].startswith("46000")
    assert data["ki_encrypted"] not in str(sealed)
    with pytest.raises(InvalidTag):  # bound to this kiosk: another kiosk id fails the tag
        key.open(sealed, f"K2|{held['reservation_id']}|{sealed['iccid']}")
    with pytest.raises(InvalidTag):  # and only this key opens it
        KioskKey().open(sealed, aad)
    # asking again (a retry) gives the same card, freshly sealed
    again = biz.ok("POST", path, {"kiosk_public_key": key.public_b64})
    assert again["iccid"] == sealed["iccid"]
    assert again["ciphertext"] != sealed["ciphertext"]


def test_personalisation_refusals(biz: Biz, clock: FakeClock) -> None:
    held = _reserve(biz, _numbers(biz)[0], _check(biz))
    path = f"/v1/reservations/{held['reservation_id']}/personalisation"
    refused(biz.call("POST", path, {"kiosk_public_key": "!" * 44}), 422, "sim.bad_public_key")
    good = {"kiosk_public_key": KioskKey().public_b64}
    refused(biz.call("POST", path, good, kiosk="K2"), 404, "number.unknown_reservation")
    clock.advance(15 * 60 + 1)
    refused(biz.call("POST", path, good), 410, "number.reservation_expired")


def _sold(biz: Biz) -> tuple[dict[str, Any], dict[str, Any]]:
    held = _reserve(biz, _numbers(biz, max_price_fen=0)[0], _check(biz))
    key = KioskKey()
    path = f"/v1/reservations/{held['reservation_id']}/personalisation"
    sealed = biz.ok("POST", path, {"kiosk_public_key": key.public_b64})
    body = {
        "txn_id": "S-1",
        "reservation_id": held["reservation_id"],
        "iccid": sealed["iccid"],
        "plan_code": "P58",
        "paid_fen": 10_000,
        "method": "cash",
        "created_at": "2026-11-22T10:00:00+08:00",
    }
    return held, body


def test_sim_sale_opens_the_line_once(biz: Biz) -> None:
    held, body = _sold(biz)
    [result] = biz.central.sync_results([item("sale-1", body, kind="sim_sale.v1")])
    assert result["status"] == "accepted", result
    assert result["result"] == {
        "msisdn": held["msisdn"],
        "iccid": body["iccid"],
        "status": "activated",
    }
    [again] = biz.central.sync_results([item("sale-1", body, kind="sim_sale.v1")])
    assert again["status"] == "duplicate"
    with biz.central.storage.sessions() as session:
        account = session.get(Account, held["msisdn"])
        assert account is not None
        assert account.balance_fen == 10_000
        assert account.owner_id_masked == "110101********4477"
        pool = session.get(PoolNumber, held["msisdn"])
        assert pool is not None
        assert pool.sold
        profile = session.get(SimProfile, body["iccid"])
        assert profile is not None
        assert profile.state == "active"
    assert "欢迎入网" in biz.texts(held["msisdn"])[0]
    assert held["msisdn"] not in _numbers(biz)
    volume = biz.central.fleet_kiosk("K1")["volume_today"]
    assert {"service": "sim_sale", "count": 1, "amount_fen": 10_000} in volume
    # the same sale under a new key is a conflict, not a second line
    [other] = biz.central.sync_results([item("sale-2", body, kind="sim_sale.v1")])
    assert other["status"] == "conflict"


@pytest.mark.parametrize(
    "changes",
    [
        {"iccid": "8986001800000000999"},
        {"plan_code": "NOPE"},
        {"reservation_id": "0" * 32},
    ],
)
def test_a_sim_sale_that_does_not_match_is_a_conflict(biz: Biz, changes: dict[str, Any]) -> None:
    _held, body = _sold(biz)
    [result] = biz.central.sync_results([item("sale-x", {**body, **changes}, kind="sim_sale.v1")])
    assert result["status"] == "conflict", result


def test_a_sim_sale_from_another_kiosk_is_a_conflict(biz: Biz) -> None:
    _held, body = _sold(biz)
    [result] = biz.central.sync_results([item("sale-k2", body, kind="sim_sale.v1")], kiosk="K2")
    assert result["status"] == "conflict"


def test_sim_replacement_needs_an_id_card_session_and_moves_the_line(biz: Biz) -> None:
    key = KioskKey()
    password_session = biz.login()
    refused(
        biz.call("POST", "/v1/customer/sim-replacement", {"kiosk_public_key": key.public_b64},
                 session=password_session),
        403, "auth.id_card_required",
    )  # fmt: skip
    card = {**ZHANG_SAN_CARD, "msisdn": "13800138000", "valid_until": "2036-05-01"}
    token = biz.ok("POST", "/v1/customer/login/id-card", card)["session_token"]
    sealed = biz.ok(
        "POST", "/v1/customer/sim-replacement", {"kiosk_public_key": key.public_b64}, session=token
    )
    data = key.open(sealed, f"K1|{sealed['order_id']}|{sealed['iccid']}")
    assert data["iccid"] == sealed["iccid"]
    with biz.central.storage.sessions() as session:
        old = session.scalar(select(Account.iccid).where(Account.msisdn == "13800138000"))
    body = {
        "txn_id": "R-1",
        "msisdn": "13800138000",
        "order_id": sealed["order_id"],
        "iccid": sealed["iccid"],
        "fee_fen": 0,
        "method": "none",
        "created_at": "2026-11-22T10:00:00+08:00",
    }
    [result] = biz.central.sync_results([item("swap-1", body, kind="sim_replacement.v1")])
    assert result["result"] == {
        "msisdn": "13800138000",
        "iccid": sealed["iccid"],
        "old_iccid_invalidated": old,
    }
    with biz.central.storage.sessions() as session:
        assert (
            session.scalar(select(Account.iccid).where(Account.msisdn == "13800138000"))
            == (sealed["iccid"])
        )


def test_a_paid_sim_replacement_charges_the_fee_and_credits_the_excess(biz: Biz) -> None:
    """The kiosk took a ¥20 fee as ¥60 in notes (no change is given): the line moves to the
    new card, the fee is recorded with what was paid, the ¥40 over it lands on the balance;
    paid_fen under the fee is refused."""
    key = KioskKey()
    card = {**ZHANG_SAN_CARD, "msisdn": "13800138000", "valid_until": "2036-05-01"}
    token = biz.ok("POST", "/v1/customer/login/id-card", card)["session_token"]
    sealed = biz.ok(
        "POST", "/v1/customer/sim-replacement", {"kiosk_public_key": key.public_b64}, session=token
    )
    with biz.central.storage.sessions() as session:
        before = session.scalar(select(Account.balance_fen).where(Account.msisdn == "13800138000"))
    assert before is not None
    body = {
        "txn_id": "R-2", "msisdn": "13800138000", "order_id": sealed["order_id"],
        "iccid": sealed["iccid"], "fee_fen": 2000, "method": "cash", "paid_fen": 1000,
        "created_at": "2026-11-22T10:00:00+08:00",
    }  # fmt: skip
    [short] = biz.central.sync_results([item("swap-short", body, kind="sim_replacement.v1")])
    assert short["status"] == "rejected"
    [result] = biz.central.sync_results(
        [item("swap-paid", {**body, "paid_fen": 6000}, kind="sim_replacement.v1")]
    )
    assert result["status"] == "accepted"
    with biz.central.storage.sessions() as session:
        account = session.get(Account, "13800138000")
        assert account is not None
        assert (account.iccid, account.balance_fen) == (sealed["iccid"], before + 4000)
        [event] = session.scalars(
            select(AccountEvent).where(AccountEvent.kind == "sim_replacement")
        ).all()
        detail = json.loads(event.detail_json)
        assert (detail["amount_fen"], detail["paid_fen"]) == (2000, 6000)


def test_sim_sale_keeps_the_signed_agreement(biz: Biz) -> None:
    """sim_sale.v1 may carry the owner's on-screen signature (base64): central keeps it with
    the new line; not base64, empty or over 32 KiB is refused; without one, as before."""
    held, body = _sold(biz)
    signature = b'{"v":1,"scale":1000,"strokes":[[0,0,500,500,1000,1000]]}'
    for bad in ("not base64!", base64.b64encode(b"x" * (32 * 1024 + 1)).decode()):
        [refused_item] = biz.central.sync_results(
            [item(f"sale-bad-{len(bad)}", {**body, "signature": bad}, kind="sim_sale.v1")]
        )
        assert refused_item["status"] == "rejected", refused_item
    signed = {**body, "signature": base64.b64encode(signature).decode()}
    [result] = biz.central.sync_results([item("sale-signed", signed, kind="sim_sale.v1")])
    assert result["status"] == "accepted", result
    with biz.central.storage.sessions() as session:
        [agreement] = session.scalars(select(SignedAgreement)).all()
        assert (agreement.kiosk_id, agreement.txn_id) == ("K1", "S-1")
        assert agreement.msisdn == held["msisdn"]
        assert agreement.signature == signature


def test_sim_sale_without_a_signature_keeps_none(biz: Biz) -> None:
    _held, body = _sold(biz)
    [result] = biz.central.sync_results([item("sale-1", body, kind="sim_sale.v1")])
    assert result["status"] == "accepted", result
    with biz.central.storage.sessions() as session:
        assert session.scalars(select(SignedAgreement)).all() == []


def test_number_search_by_ending_digits_and_price_range(biz: Biz) -> None:
    """`suffix`: the number ends with 1–4 digits; `min_price_fen` with `max_price_fen`: a price
    band (both inclusive); a band upside down or a bad suffix is refused."""
    every = biz.ok("GET", "/v1/numbers", params={"page_size": 100})["numbers"]
    every += biz.ok("GET", "/v1/numbers", params={"page_size": 100, "page": 2})["numbers"]
    ending = every[7]["msisdn"][-2:]
    found = _numbers(biz, suffix=ending)
    assert found
    assert sorted(found) == sorted(n["msisdn"] for n in every if n["msisdn"].endswith(ending))
    assert _numbers(biz, suffix=every[7]["msisdn"][-4:])[0] == every[7]["msisdn"]
    priced = biz.ok("GET", "/v1/numbers", params={"min_price_fen": 1, "page_size": 100})
    assert priced["total"] == sum(1 for n in every if n["price_fen"] >= 1) > 0
    assert all(n["price_fen"] >= 1 for n in priced["numbers"])
    top = max(n["price_fen"] for n in every)
    band = biz.ok(
        "GET", "/v1/numbers", params={"min_price_fen": top, "max_price_fen": top, "page_size": 100}
    )
    assert {n["price_fen"] for n in band["numbers"]} == {top}
    for bad in ({"suffix": "12345"}, {"suffix": "8a"}, {"min_price_fen": -1}):
        assert biz.call("GET", "/v1/numbers", params=bad).status_code == 422
    refused(
        biz.call("GET", "/v1/numbers", params={"min_price_fen": 200, "max_price_fen": 100}),
        422, "number.bad_price_range",
    )  # fmt: skip


def test_a_top_up_in_the_batch_that_opens_the_line_credits_it(biz: Biz) -> None:
    """The batch path takes the lines it locked at its start as the lines there are, until a
    SIM sale in the batch opens one: a top-up of the new number after it is credited."""
    held, body = _sold(biz)
    topup = topup_body(txn_id="T-new-line", msisdn=held["msisdn"], amount_fen=2000)
    sale, credited = biz.central.sync_results(
        [item("sale-then-topup", body, kind="sim_sale.v1"), item("topup-new-line", topup)]
    )
    assert sale["status"] == "accepted"
    assert credited["result"]["status"] == "credited"
    with biz.central.storage.sessions() as session:
        line = session.get(Account, held["msisdn"])
        assert line is not None
        assert line.balance_fen == 10_000 - held["price_fen"] + 2000
