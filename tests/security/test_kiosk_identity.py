"""One kiosk cannot post as another: against the reference central with per-kiosk tokens, a
kiosk sending another kiosk's X-Kiosk-Id with its own token is refused (401) — for outbox
batches, heartbeats, log uploads and every business call — and nothing is recorded for either
kiosk. Every kiosk route of central's OpenAPI document is tried, so a new route without the
check fails here. (That a kiosk cannot use another kiosk's customer session, SMS challenge,
real-name check or reservation, with its own valid credentials, is tested in
tests/central/test_central_customer.py and test_central_sim_sale.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from central.db import Heartbeat, Topup
from tests.central.conftest import (  # noqa: F401
    KIOSKS,
    Central,
    central,
    heartbeat_body,
    item,
    shared_central,
)

pytestmark = pytest.mark.timeout(60)
SPOOF = {"X-Kiosk-Id": "K2", "Authorization": f"Bearer {KIOSKS['K1']}"}
KIOSK_REFUSAL = "invalid kiosk id or token"  # central/auth.py's answer to a bad kiosk
PATH_VALUES = {"msisdn": "13800138000", "month": "2026-10", "number": "1",
               "reservation_id": "0" * 32, "confirmation_id": "0" * 32}  # fmt: skip


def _kiosk_routes(central: Central) -> Iterator[tuple[str, str]]:  # noqa: F811
    """(method, path) of every operation central documents as needing the kiosk token."""
    document: dict[str, Any] = central.app.openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            schemes = {name for need in operation.get("security", []) for name in need}
            if "KioskToken" in schemes:
                yield method.upper(), path


def _fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "x"), path)


def _count(central: Central, table: type) -> int:  # noqa: F811
    with central.storage.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_every_kiosk_route_refuses_another_kiosks_id(central: Central) -> None:  # noqa: F811
    """GIVEN K1's own token WHEN it names itself K2 THEN every kiosk route answers 401 "invalid
    kiosk id or token" (with K2's real token the same request gets past the kiosk check: the
    refusal is the spoof's)."""
    routes = sorted(set(_kiosk_routes(central)))
    assert len(routes) >= 20, routes  # sync, heartbeat, logs and the business API
    assert ("POST", "/v1/sync") in routes
    assert ("POST", "/v1/heartbeat") in routes
    let_through = []
    for method, path in routes:
        url = central.url + _fill(path)
        spoofed = requests.request(method, url, headers=SPOOF, json={}, timeout=10)
        if spoofed.status_code != 401 or KIOSK_REFUSAL not in spoofed.text:
            let_through.append((method, path, spoofed.status_code))
        honest = {"X-Kiosk-Id": "K2", "Authorization": f"Bearer {KIOSKS['K2']}"}
        genuine = requests.request(method, url, headers=honest, json={}, timeout=10)
        assert KIOSK_REFUSAL not in genuine.text, (method, path, genuine.text)
    assert let_through == []
    print(f"kiosk identity: {len(routes)} kiosk routes, each refused a spoofed X-Kiosk-Id")


BAD_HEADERS = [
    SPOOF,
    {"X-Kiosk-Id": "K9", "Authorization": f"Bearer {KIOSKS['K1']}"},  # unknown kiosk
    {"X-Kiosk-Id": "K2"},  # no token
    {"Authorization": f"Bearer {KIOSKS['K2']}"},  # no id
    {"X-Kiosk-Id": "K2", "Authorization": f"Bearer {KIOSKS['K2']}x"},
    {"X-Kiosk-Id": "k2", "Authorization": f"Bearer {KIOSKS['K2']}"},  # another id
]


def test_a_spoofed_batch_heartbeat_and_login_leave_no_trace(central: Central) -> None:  # noqa: F811
    """Valid bodies this time: an outbox batch with a top-up, a heartbeat, a customer login
    and a log upload, each refused with 401 under six kinds of bad credentials; afterwards
    central holds no new top-up or heartbeat and has never seen K2."""
    topups, beats = _count(central, Topup), _count(central, Heartbeat)
    calls = [
        ("POST", "/v1/sync", {"items": [item("K2-T1:topup")]}),
        ("POST", "/v1/heartbeat", heartbeat_body()),
        ("POST", "/v1/customer/login/password", {"msisdn": "13800138000", "password": "123456"}),
        ("POST", "/v1/logs", {"command_id": None, "lines": [{"text": "x"}]}),
    ]
    for headers in BAD_HEADERS:
        for method, path, body in calls:
            reply = requests.request(
                method, central.url + path, headers=headers, json=body, timeout=10
            )
            assert reply.status_code == 401, (headers, path, reply.status_code, reply.text)
    assert (_count(central, Topup), _count(central, Heartbeat)) == (topups, beats)
    fleet = {k["kiosk_id"]: k for k in central.fleet()["kiosks"]}
    assert fleet["K2"]["last_seen"] is None
    # The genuine K2 gets through with the same batch: the body was never the problem.
    genuine = central.sync([item("K2-T1:topup")], kiosk="K2")
    assert genuine.status_code == 200, genuine.text
    assert _count(central, Topup) == topups + 1
    assert central.topups(kiosk_id="K2")[0]["kiosk_id"] == "K2"
