"""The HTTP API against a real server: health, auth, idempotent sync, ops listings; one error
body for every refusal (401 on every route that needs credentials, the fleet page's HTML 401,
422 without the submitted values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from central.input_policy import route_kind
from tests.central.conftest import KIOSKS, OPS_TOKEN, Central, item, topup_body
from tests.central.test_central_input import (
    BODY_ROUTES,
    DOCUMENT,
    OPERATIONS,
    SECRET,
    _concrete,
    _credentials,
    _error,
    _id,
)

pytestmark = pytest.mark.timeout(60)

FIRST_RESULT = {"topup_id": 1, "msisdn": "13800138000", "amount_fen": 5000, "status": "credited"}


def test_health_needs_no_auth(central: Central) -> None:
    reply = requests.get(f"{central.url}/v1/health", timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


MISSING = ("auth.missing", "missing X-Kiosk-Id header or bearer token")
INVALID = ("auth.invalid", "invalid kiosk id or token")


@pytest.mark.parametrize(
    ("headers", "answer"),
    [
        ({}, MISSING),
        ({"Authorization": "Bearer token-one"}, MISSING),
        ({"X-Kiosk-Id": "K1"}, MISSING),
        ({"X-Kiosk-Id": "", "Authorization": "Bearer token-one"}, MISSING),
        ({"X-Kiosk-Id": "K1", "Authorization": "Basic token-one"}, MISSING),
        ({"X-Kiosk-Id": "K1", "Authorization": "Bearer wrong"}, INVALID),
        ({"X-Kiosk-Id": "K9", "Authorization": "Bearer token-one"}, INVALID),
        # K2's valid token cannot post as K1
        ({"X-Kiosk-Id": "K1", "Authorization": "Bearer token-two"}, INVALID),
        ({"X-Kiosk-Id": "K1", "Authorization": f"Bearer {OPS_TOKEN}"}, INVALID),
    ],
)
def test_sync_auth_failures_are_401(
    central: Central, headers: dict[str, str], answer: tuple[str, str]
) -> None:
    reply = requests.post(
        f"{central.url}/v1/sync", json={"items": [item("a")]}, headers=headers, timeout=10
    )
    assert reply.status_code == 401
    code, detail = answer
    assert reply.json() == {"detail": detail, "code": code, "data": {}}
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert central.topups() == []


def test_accepted_creates_row_and_result(central: Central) -> None:
    before = datetime.now(UTC)
    results = central.sync_results([item("T-0001:topup")])
    assert results == [
        {"key": "T-0001:topup", "status": "accepted", "reason": None, "result": FIRST_RESULT}
    ]
    [row] = central.topups()
    received_at = datetime.fromisoformat(row.pop("received_at"))
    assert before - timedelta(seconds=1) <= received_at <= datetime.now(UTC)
    assert row == {
        "id": 1,
        "kiosk_id": "K1",
        "txn_id": "T-0001",
        "msisdn": "13800138000",
        "amount_fen": 5000,
        "currency": "CNY",
        "method": "cash",
        "created_at": "2025-03-01T10:15:00+08:00",
        "offline": False,
    }


def test_duplicate_returns_first_result_and_adds_no_row(central: Central) -> None:
    central.sync_results([item("k")])
    reordered = dict(reversed(list(topup_body().items())))  # same canonical JSON
    again = central.sync_results([item("k"), item("k", reordered)])
    assert again == [
        {"key": "k", "status": "duplicate", "reason": None, "result": FIRST_RESULT},
        {"key": "k", "status": "duplicate", "reason": None, "result": FIRST_RESULT},
    ]
    assert [row["id"] for row in central.topups()] == [1]


def test_changed_body_under_same_key_is_conflict(central: Central) -> None:
    central.sync_results([item("k")])
    results = central.sync_results(
        [item("k", topup_body(amount_fen=9900)), item("k", kind="bill.v1")]
    )
    assert results == [
        {
            "key": "k",
            "status": "conflict",
            "reason": "key already used with a different body; nothing processed",
            "result": None,
        },
        {
            "key": "k",
            "status": "conflict",
            "reason": "key already used for kind 'topup.v1'; nothing processed",
            "result": None,
        },
    ]
    assert [(row["id"], row["amount_fen"]) for row in central.topups()] == [(1, 5000)]
    # the first answer still stands
    assert central.sync_results([item("k")])[0]["result"] == FIRST_RESULT


def test_same_txn_under_another_key_is_conflict(central: Central) -> None:
    central.sync_results([item("k1")])
    [result] = central.sync_results([item("k2")])
    assert result == {
        "key": "k2",
        "status": "conflict",
        "reason": "txn_id: already credited as topup 1 under another idempotency key",
        "result": None,
    }
    assert len(central.topups()) == 1


def test_keys_are_per_kiosk(central: Central) -> None:
    central.sync_results([item("k")], kiosk="K1")
    [result] = central.sync_results([item("k")], kiosk="K2")
    assert result["status"] == "accepted"
    assert result["result"]["topup_id"] == 2
    assert [(row["id"], row["kiosk_id"]) for row in central.topups()] == [(1, "K1"), (2, "K2")]


INVALID = "Input should be a valid integer"
BAD_MSISDN = "msisdn: must be exactly 11 digits starting with 1"
NOT_ISO = "created_at: must be an ISO-8601 date and time"
NO_OFFSET = "created_at: must include a UTC offset"


@pytest.mark.parametrize(
    ("kind", "body", "reason"),
    [
        ("topup.v1", topup_body(msisdn="1380013800"), BAD_MSISDN),
        ("topup.v1", topup_body(msisdn="23800138000"), BAD_MSISDN),
        ("topup.v1", topup_body(msisdn="1380013800x"), BAD_MSISDN),
        ("topup.v1", topup_body(msisdn=13800138000), "msisdn: Input should be a valid string"),
        ("topup.v1", topup_body(amount_fen=0), "amount_fen: Input should be greater than 0"),
        ("topup.v1", topup_body(amount_fen=-100), "amount_fen: Input should be greater than 0"),
        ("topup.v1", topup_body(amount_fen=1.5), f"amount_fen: {INVALID}"),
        ("topup.v1", topup_body(amount_fen=100.0), f"amount_fen: {INVALID}"),
        ("topup.v1", topup_body(amount_fen=True), f"amount_fen: {INVALID}"),
        ("topup.v1", topup_body(amount_fen="5000"), f"amount_fen: {INVALID}"),
        ("topup.v1", topup_body(currency="USD"), "currency: Input should be 'CNY'"),
        ("topup.v1", topup_body(method="wechat"), "method: Input should be 'cash' or 'card'"),
        ("topup.v1", topup_body(created_at="yesterday"), NOT_ISO),
        ("topup.v1", topup_body(created_at="2025-03-01T10:15:00"), NO_OFFSET),
        ("topup.v1", topup_body(offline="no"), "offline: Input should be a valid boolean"),
        ("topup.v1", topup_body(tip_fen=100), "tip_fen: Extra inputs are not permitted"),
        ("topup.v9", topup_body(), "kind: unknown kind 'topup.v9' (known: bill_payment.v1, "
                                   "maintenance.v1, sim_release.v1, sim_replacement.v1, "
                                   "sim_sale.v1, topup.v1, voucher.v1)"),
    ],
)  # fmt: skip
def test_rejected_names_the_field(
    central: Central, kind: str, body: dict[str, Any], reason: str
) -> None:
    [result] = central.sync_results([item("bad", body, kind)])
    assert result == {"key": "bad", "status": "rejected", "reason": reason, "result": None}
    assert central.topups() == []
    # nothing was stored: the same key with a fixed body is processed normally
    [fixed] = central.sync_results([item("bad")])
    assert fixed["status"] == "accepted"


def test_missing_field_and_several_errors_are_all_named(central: Central) -> None:
    body = topup_body(amount_fen=0)
    del body["msisdn"]
    [result] = central.sync_results([item("bad", body)])
    assert result["reason"] == (
        "msisdn: Field required; amount_fen: Input should be greater than 0"
    )


def test_partial_batch(central: Central) -> None:
    items = [
        item("a", topup_body(txn_id="A")),
        item("b", topup_body(txn_id="B", amount_fen=0)),
        item("c", topup_body(txn_id="C", msisdn="13900139000", method="card", offline=True)),
        item("d", topup_body(txn_id="D"), kind="nope.v1"),
    ]
    results = central.sync_results(items)
    assert [(r["key"], r["status"]) for r in results] == [
        ("a", "accepted"),
        ("b", "rejected"),
        ("c", "accepted"),
        ("d", "rejected"),
    ]
    assert results[2]["result"] == {
        "topup_id": 2,
        "msisdn": "13900139000",
        "amount_fen": 5000,
        "status": "credited",
    }
    rows = central.topups()
    assert [(r["txn_id"], r["method"], r["offline"]) for r in rows] == [
        ("A", "cash", False),
        ("C", "card", True),
    ]
    # the rejected items under new keys with fixed bodies go through
    later = central.sync_results([item("b2", topup_body(txn_id="B")), item("d2")])
    assert [r["status"] for r in later] == ["accepted", "accepted"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"items": []},
        {"items": [item(str(n), topup_body(txn_id=str(n))) for n in range(501)]},
        {"items": [item("")]},
        {"items": [item("x" * 129)]},
        {"items": [{"key": "a", "kind": "topup.v1", "body": [1, 2]}]},
        {"items": [{"key": "a", "kind": "topup.v1"}]},
        {"items": [item("a")], "extra": 1},
        {"items": [{**item("a"), "extra": 1}]},
    ],
)
def test_malformed_envelope_is_422(central: Central, payload: dict[str, Any]) -> None:
    reply = requests.post(
        f"{central.url}/v1/sync",
        json=payload,
        headers={"X-Kiosk-Id": "K1", "Authorization": f"Bearer {KIOSKS['K1']}"},
        timeout=10,
    )
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["code"] == "request.invalid"
    assert all(set(error) == {"loc", "msg"} for error in body["data"]["errors"])
    assert central.topups() == []


def test_not_json_is_400(central: Central) -> None:
    reply = requests.post(
        f"{central.url}/v1/sync",
        data=b"{not json",
        headers={
            "X-Kiosk-Id": "K1",
            "Authorization": f"Bearer {KIOSKS['K1']}",
            "Content-Type": "application/json",
        },
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == "request.bad_json"


def test_full_batch_of_500_is_accepted(central: Central) -> None:
    items = [item(f"k{n}", topup_body(txn_id=f"T{n}")) for n in range(500)]
    results = central.sync_results(items)
    assert [r["key"] for r in results] == [f"k{n}" for n in range(500)]
    assert {r["status"] for r in results} == {"accepted"}
    assert len(central.topups()) == 500


def test_ops_topups_filters_and_order(central: Central) -> None:
    central.sync_results(
        [
            item("1", topup_body(txn_id="1", msisdn="13800000001")),
            item("2", topup_body(txn_id="2", msisdn="13800000002")),
            item("3", topup_body(txn_id="3", msisdn="13800000001")),
        ]
    )
    central.sync_results([item("4", topup_body(txn_id="4", msisdn="13800000001"))], kiosk="K2")
    assert [r["id"] for r in central.topups()] == [1, 2, 3, 4]
    assert [r["id"] for r in central.topups(msisdn="13800000001")] == [1, 3, 4]
    assert [r["id"] for r in central.topups(kiosk_id="K2")] == [4]
    assert [r["id"] for r in central.topups(msisdn="13800000001", kiosk_id="K1")] == [1, 3]
    assert central.topups(msisdn="13999999999") == []
    assert [r["id"] for r in central.topups(limit="2")] == [1, 2]
    assert [r["id"] for r in central.topups(after_id="2", limit="1")] == [3]
    assert [r["id"] for r in central.topups(msisdn="13800000001", after_id="1")] == [3, 4]


@pytest.mark.parametrize("path", ["topups", "kiosks"])
@pytest.mark.parametrize(
    ("token", "code", "detail"),
    [
        (None, "auth.missing", "missing bearer token"),
        ("wrong", "auth.invalid", "invalid ops token"),
        (KIOSKS["K1"], "auth.invalid", "invalid ops token"),
    ],
)
def test_ops_auth(central: Central, path: str, token: str | None, code: str, detail: str) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    reply = requests.get(f"{central.url}/v1/ops/{path}", headers=headers, timeout=10)
    assert reply.status_code == 401
    assert reply.json() == {"detail": detail, "code": code, "data": {}}


def test_ops_kiosks_last_seen(central: Central) -> None:
    reply = central.ops("kiosks")
    assert reply.status_code == 200
    kiosks = reply.json()["kiosks"]
    assert [(k["kiosk_id"], k["last_seen"]) for k in kiosks] == [("K1", None), ("K2", None)]
    before = datetime.now(UTC) - timedelta(seconds=1)
    central.sync_results([item("a")], kiosk="K2")
    central.sync(items=[item("b")], kiosk="K1", token="wrong")  # failed auth: not seen
    kiosks = central.ops("kiosks").json()["kiosks"]
    assert kiosks[0]["last_seen"] is None
    assert kiosks[1]["kiosk_id"] == "K2"
    assert before <= datetime.fromisoformat(kiosks[1]["last_seen"]) <= datetime.now(UTC)


def test_a_mixed_batch_answers_each_item_as_if_it_came_alone(central: Central) -> None:
    """GIVEN one batch with a new top-up, a second key for the same txn_id, a replay within
    the batch, an invalid item and another top-up THEN each gets its own answer, and only
    the two distinct top-ups are credited."""
    first = topup_body(txn_id="M-1", msisdn="13900139000", amount_fen=100)
    other = topup_body(txn_id="M-2", msisdn="13900139000", amount_fen=200)
    batch = [
        item("m-a", first),
        item("m-b", first),
        item("m-a", first),
        item("m-c", topup_body(amount_fen=0)),
        item("m-d", other),
    ]
    statuses = [r["status"] for r in central.sync_results(batch)]
    assert statuses == ["accepted", "conflict", "duplicate", "rejected", "accepted"]
    credited = [t["amount_fen"] for t in central.topups(msisdn="13900139000")]
    assert credited == [100, 200]


# ----- one error body; 401 -----

CREDENTIAL_ROUTES = [(m, p) for m, p, _ in OPERATIONS if route_kind(p) in ("kiosk", "ops")]


@pytest.mark.parametrize("wrong", [False, True], ids=["missing", "wrong"])
@pytest.mark.parametrize(("method", "path"), CREDENTIAL_ROUTES, ids=str)
def test_401_is_the_error_body(central: Central, method: str, path: str, wrong: bool) -> None:
    headers = {"X-Kiosk-Id": "K1", "Authorization": f"Bearer {SECRET}"} if wrong else {}
    reply = requests.request(method, f"{central.url}{_concrete(path)}", headers=headers, timeout=10)
    _error(reply, 401, "auth.invalid" if wrong else "auth.missing")
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert SECRET not in reply.text


@pytest.mark.parametrize(
    ("params", "headers"),
    [({}, {}), ({"token": SECRET}, {}), ({}, {"Authorization": f"Bearer {SECRET}"})],
    ids=["missing", "wrong-query", "wrong-header"],
)
def test_fleet_page_401_is_a_small_html_page(
    central: Central, params: dict[str, str], headers: dict[str, str]
) -> None:
    reply = requests.get(f"{central.url}/ops/fleet", params=params, headers=headers, timeout=10)
    assert reply.status_code == 401
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "运维令牌" in reply.text
    assert "ops token" in reply.text
    assert SECRET not in reply.text


def test_unknown_path_and_method_are_the_error_body(central: Central) -> None:
    _error(requests.get(f"{central.url}/nowhere", timeout=10), 404, "not_found")
    reply = requests.put(f"{central.url}/v1/health", timeout=10)
    _error(reply, 405, "method_not_allowed")


def test_every_documented_error_is_the_error_body() -> None:
    """Every 4xx/5xx of every operation is BusinessErrorBody (the fleet page's 401: HTML);
    every operation names 400 and 413, and X-Kiosk-Id is required where it is taken."""
    for method, path, operation in OPERATIONS:
        statuses = {s for s in operation["responses"] if s[0] in "45"}
        assert {"400", "413"} <= statuses, (method, path)
        if route_kind(path) is not None:
            assert "401" in statuses
        for status in statuses:
            content = operation["responses"][status]["content"]
            if (path, status) == ("/ops/fleet", "401"):
                assert list(content) == ["text/html"]
                continue
            ref = content["application/json"]["schema"]["$ref"]
            assert ref.endswith("/BusinessErrorBody"), (method, path, status)
        for parameter in operation.get("parameters", []):
            if parameter["name"].lower() == "x-kiosk-id":
                assert parameter["required"] is True
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]


# ----- no echo of what was sent -----

LOGIN_BODIES = [
    ("/v1/customer/login/password", {"msisdn": "13800138000", "password": f"{SECRET}x"}),
    ("/v1/customer/login/password", {"msisdn": "13800138000", "password": int(SECRET)}),
    ("/v1/customer/login/password", {"msisdn": f"138{SECRET}", "password": "123456", "x": 1}),
    ("/v1/customer/login/password", [SECRET]),
    ("/v1/customer/login/id-card", {"msisdn": "13800138000", "id_number": f"{SECRET}X" * 3,
                                    "name": "张三", "valid_until": None}),
    ("/v1/customer/login/id-card", {"msisdn": "13800138000", "id_number": "11010119900307447",
                                    "name": "x" * 65 + SECRET, "valid_until": SECRET}),
    ("/v1/realname/checks", {"id_number": f"1101011990030{SECRET}", "name": "张三",
                             "valid_from": "2020-01-01", "valid_until": None}),
    ("/v1/customer/login/sms", {"challenge_id": "0" * 32, "code": f"{SECRET}"}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body"), LOGIN_BODIES, ids=_id)
def test_422_never_echoes_the_password_or_id_number(central: Central, path: str, body: Any) -> None:
    reply = requests.post(f"{central.url}{path}", json=body, headers=_credentials(path), timeout=10)
    answer = _error(reply, 422, "request.invalid")
    assert SECRET not in reply.text
    assert all(set(error) == {"loc", "msg"} for error in answer["data"]["errors"])


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=str)
def test_422_of_every_body_route_has_no_input(central: Central, method: str, path: str) -> None:
    """Every field of the body given a wrong value carrying the marker, and an unknown one."""
    schema = DOCUMENT["components"]["schemas"]
    ref = next(iter(DOCUMENT["paths"][path][method.lower()]["requestBody"]["content"].values()))
    name = ref["schema"]["$ref"].rsplit("/", 1)[1]
    body: dict[str, Any] = {field: [SECRET] for field in schema[name]["properties"]}
    body["unexpected"] = SECRET
    reply = requests.request(
        method, f"{central.url}{_concrete(path)}", json=body, headers=_credentials(path),
        timeout=10,
    )  # fmt: skip
    _error(reply, 422, "request.invalid")
    assert SECRET not in reply.text
