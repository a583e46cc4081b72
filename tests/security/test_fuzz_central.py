"""Fuzzing the kiosk's reading of central's answers (kiosk/central_api.py, central_models.py)
against a fake HTTP layer: any status, any body. Documented outcomes: the answer model,
CentralRefused or CentralUnavailable — never another exception. Bugs found here live in files
owned by others at the time; pinned by the tests below, since fixed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from kiosk.central_api import CentralApi
from kiosk.errors import CentralRefused, CentralUnavailable
from tests.security.fuzzing import FUZZ, note

CALLS: dict[str, Callable[[CentralApi], Any]] = {
    "login_password": lambda api: api.login_password("13800000000", "123456"),
    "send_login_code": lambda api: api.send_login_code("13800000000"),
    "catalogue": lambda api: api.catalogue(),
    "balance": lambda api: api.balance("s"),
    "bills": lambda api: api.bills("s"),
    "bill_due": lambda api: api.bill_due("13800000000"),
    "usage": lambda api: api.usage("s", "2024-01"),
    "invoices": lambda api: api.invoices("s"),
    "confirm_change": lambda api: api.confirm_change("s", "c1", "123456"),
    "real_name_check": lambda api: api.real_name_check(
        "110105194912310029", "张三", "20200101", None
    ),
    "numbers": lambda api: api.numbers(),
    "reserve_number": lambda api: api.reserve_number("13800000000", "chk"),
    "sale_personalisation": lambda api: api.sale_personalisation("r1", "key"),
    "logout": lambda api: api.logout("s"),
}
VALID = {  # a well-formed answer per call, for mutation
    "balance": {"msisdn": "13800000000", "owner_name_masked": "*三", "balance_fen": 100,
                "status": "active", "plan": {"code": "P38", "name_zh": "套餐", "name_en": "Plan",
                "monthly_fee_fen": 3800, "data_mb": 1, "voice_min": 1, "sms": 1}, "services": []},
    "usage": {"month": "2024-01", "kind": None, "page": 1, "page_size": 20, "total": 3,
              "records": [{"kind": "voice", "started_at": "2024-01-01T00:00:00Z",
                           "direction": "out", "peer": "10086", "duration_s": 1,
                           "volume_kb": 0, "charge_fen": 10}]},
    "bill_due": {"msisdn": "13800000000", "owner_name_masked": "*三", "status": "active",
                 "due_fen": 100, "months": [{"month": "2024-01", "total_fen": 100}]},
    "numbers": {"numbers": [{"msisdn": "13800000000", "price_fen": 0}], "total": 1, "page": 1,
                "page_size": 20},
}  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def fake_api(status: int, body: bytes) -> CentralApi:
    api = CentralApi("http://central.invalid", "KIOSK-1", "token-12345678")

    def request(*_args: Any, **_kwargs: Any) -> requests.Response:
        reply = requests.Response()
        reply.status_code = status
        reply._content = body
        reply.encoding = "utf-8"
        return reply

    api._http.request = request  # type: ignore[method-assign]
    return api


def call(name: str, status: int, body: bytes) -> Any:
    try:
        answer = CALLS[name](fake_api(status, body))
    except (CentralRefused, CentralUnavailable) as exc:
        note(type(exc).__name__)
        return None
    note("answer")
    assert answer is None or isinstance(answer, BaseModel)
    return answer


def mutate(tree: Any, data: st.DataObject) -> Any:
    if isinstance(tree, dict) and tree:
        key = data.draw(st.sampled_from(sorted(tree)))
        action = data.draw(st.sampled_from(["drop", "replace", "recurse"]))
        if action == "drop":
            del tree[key]
        elif action == "replace":
            tree[key] = data.draw(JSON_VALUES)
        else:
            tree[key] = mutate(tree[key], data)
    elif isinstance(tree, list) and tree:
        index = data.draw(st.integers(0, len(tree) - 1))
        tree[index] = mutate(tree[index], data)
    else:
        return data.draw(JSON_VALUES)
    return tree


@FUZZ
@given(
    st.sampled_from(sorted(CALLS)),
    st.integers(100, 599) | st.sampled_from([200, 204, 400, 404, 409, 422, 429, 500]),
    st.binary(max_size=80) | JSON_VALUES.map(lambda v: json.dumps(v).encode()),
)
def test_any_answer_is_a_model_or_a_typed_error(name: str, status: int, body: bytes) -> None:
    call(name, status, body)


@FUZZ
@given(st.sampled_from(sorted(VALID)), st.data())
def test_a_mutated_answer_is_a_model_or_central_unavailable(name: str, data: st.DataObject) -> None:
    tree = mutate(json.loads(json.dumps(VALID[name])), data)
    answer = call(name, 200, json.dumps(tree).encode())
    if name == "usage" and answer is not None:
        assert answer.pages >= 1


@FUZZ
@given(st.sampled_from([400, 404, 409, 429]), st.text(max_size=10), JSON_VALUES)
def test_a_refusal_carries_central_code_or_the_generic_one(
    status: int, code: str, data: Any
) -> None:
    body = json.dumps({"detail": "no", "code": code, "data": data}).encode()
    with pytest.raises(CentralRefused) as refused:
        CALLS["balance"](fake_api(status, body))
    assert refused.value.message_key in (code, "error.central_refused")


@pytest.mark.parametrize("status", [200, 404])
def test_a_deeply_nested_answer_is_central_unavailable(status: int) -> None:
    """Found by fuzzing, fixed: reply.json() raised RecursionError out of the client."""
    with pytest.raises((CentralUnavailable, CentralRefused)):
        CALLS["balance"](fake_api(status, b"[" * 100_000))


def test_a_usage_page_of_size_zero_is_refused() -> None:
    """Found by fuzzing, fixed: UsagePage took page_size 0 and .pages divided by it."""
    body = dict(VALID["usage"], page_size=0)
    answer = call("usage", 200, json.dumps(body).encode())
    assert answer is None or answer.pages >= 1
