"""Central's input policy against a live server (central/input_policy.py): strict JSON and URLs,
bounded integers, date-times only as ISO-8601 strings (body limits and credentials before the
body: test_central_input_size.py); refusals in the one error body, never echoing what was
sent (401s and 422s of every route: test_central_api.py).

Each kind of defect is tried on every route it can reach, taken from the OpenAPI document.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from central.app import build_api, create_app
from central.input_policy import (
    UPLOAD_PATHS,
    check_json,
    route_kind,
)
from central.schemas import MAX_ID
from central.server import bind_socket, make_server, socket_url
from tests.central.conftest import (
    KIOSKS,
    OPS_TOKEN,
    Central,
    heartbeat_body,
    item,
    prepare_db,
    sqlite_url,
)
from tests.central.postgres import postgres_server

pytestmark = pytest.mark.timeout(120)

DOCUMENT: dict[str, Any] = build_api().openapi()
SAMPLE_PATH_VALUES = {
    "kiosk_id": "K1",
    "month": "2025-01",
    "confirmation_id": "0" * 32,
    "reservation_id": "0" * 32,
    "number": "INV1",
    "msisdn": "13800138000",
}
SECRET = "7319004417"  # a marker that must never come back in an answer
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]


def _id(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


def _credentials(path: str) -> dict[str, str]:
    kind = route_kind(path)
    if kind in ("ops", "page"):
        return {"Authorization": f"Bearer {OPS_TOKEN}"}
    if kind == "kiosk":
        return {"Authorization": f"Bearer {KIOSKS['K1']}", "X-Kiosk-Id": "K1"}
    return {}


def _post_json_bytes(url: str, path: str, data: bytes, method: str = "POST") -> requests.Response:
    """`data` sent as it is, as JSON, with the route's credentials."""
    headers = {**_credentials(path), "Content-Type": "application/json"}
    return requests.request(
        method, f"{url}{_concrete(path)}", data=data, headers=headers, timeout=10
    )


def _error(reply: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    body: dict[str, Any] = reply.json()
    assert set(body) == {"detail", "code", "data"}, body
    assert body["code"] == code, body
    return body


@contextlib.contextmanager
def _serving(db_url: str, **limits: int) -> Iterator[Central]:
    """A central with its own body limits (conftest's run_central takes the defaults)."""
    app = create_app(prepare_db(db_url), OPS_TOKEN, {}, **limits)
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(app, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(10)
        yield Central(url=socket_url(sock), storage=app.state.storage, app=app)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.storage.close()


def _exchange(url: str, head: str, chunks: Iterable[bytes] = ()) -> tuple[int, bytes, int]:
    """Send a raw request head, then `chunks` from another thread while the answer is read
    here (the server may answer, and close, before the body is sent). Returns the status,
    the answer's body, and how many body bytes the socket took before it closed."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
    sent = 0

    def send_body() -> None:
        nonlocal sent
        try:
            for chunk in chunks:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection: the rest is not wanted

    with sock:
        sock.sendall(head.encode("latin-1"))
        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        answer = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in answer or len(answer) < _answer_length(answer):
                got = sock.recv(65536)
                if not got:
                    break
                answer += got
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # stops a sender still writing
        sender.join(20)
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[1], sent


def _answer_length(answer: bytes) -> int:
    head, _, _ = answer.partition(b"\r\n\r\n")
    found = re.search(rb"(?i)content-length: *(\d+)", head)
    return len(head) + 4 + (int(found.group(1)) if found else 0)


def _head(method: str, path: str, headers: dict[str, str], extra: str) -> str:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: central",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return "\r\n".join([*lines, extra, "", ""])


# ----- strict JSON -----

HOSTILE_BODIES = {
    "nan": b'{"a": NaN}',
    "infinity": b'{"a": Infinity}',
    "minus-infinity": b'{"a": -Infinity}',
    "float-overflow": b'{"a": 1e400}',
    "escaped-lone-high-surrogate": b'{"a": "x\\ud800' + SECRET.encode() + b'"}',
    "escaped-lone-low-surrogate": b'{"a": "\\udc00' + SECRET.encode() + b'"}',
    "raw-surrogate": b'{"a": "\xed\xa0\x80' + SECRET.encode() + b'"}',
    "nul-in-value": b'{"a": "x\\u0000' + SECRET.encode() + b'"}',
    "nul-in-key": b'{"a\\u0000' + SECRET.encode() + b'": 1}',
    "surrogate-in-key": b'{"\\ud800' + SECRET.encode() + b'": 1}',
    "invalid-utf8": b'{"a": "\xff' + SECRET.encode() + b'"}',
    "nested-nul": b'{"items": [{"body": {"x": ["\\u0000' + SECRET.encode() + b'"]}}]}',
    "huge-integer": b'{"a": ' + b"9" * 5000 + b"}",
    "not-json": b"{" + SECRET.encode(),
}
BODY_ROUTES = [(m, p) for m, p, op in OPERATIONS if "requestBody" in op]


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=str)
def test_hostile_json_is_400_without_echo(
    central: Central, method: str, path: str, name: str
) -> None:
    reply = _post_json_bytes(central.url, path, HOSTILE_BODIES[name], method)
    _error(reply, 400, "request.bad_json")
    assert SECRET not in reply.text


def test_hostile_json_stores_nothing(central: Central) -> None:
    for body in HOSTILE_BODIES.values():
        central_sync = _post_json_bytes(central.url, "/v1/sync", body.replace(b'"a"', b'"items"'))
        assert central_sync.status_code == 400
    lone = json.dumps({"items": [item("k")]}).replace('"T-0001"', '"T-\\ud800"').encode()
    reply = _post_json_bytes(central.url, "/v1/sync", lone)
    _error(reply, 400, "request.bad_json")
    beat = json.dumps(heartbeat_body(software_version="\x00")).encode()
    reply = _post_json_bytes(central.url, "/v1/heartbeat", beat)
    _error(reply, 400, "request.bad_json")
    assert central.topups() == []
    assert central.fleet_kiosk("K1")["last_heartbeat_at"] is None


def test_strict_json_takes_what_kiosks_send() -> None:
    check_json('{"a": "张三 \\ud83d\\ude00 😀", "b": [1, 2.5, -0.0, 1e308, null, true]}'.encode())


# ----- path and query -----


def _url_cases() -> Iterator[tuple[str, str, str]]:
    """(method, url path with query, what was spoiled) for every string parameter."""
    for method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                yield method, f"{_concrete(path)}?{parameter['name']}=", parameter["name"]
            elif parameter["in"] == "path":
                spoiled = path.replace("{" + parameter["name"] + "}", "SPOIL")
                yield method, _concrete(spoiled), parameter["name"]
        yield method, f"{_concrete(path)}?extra=", "unknown query parameter"


@pytest.mark.parametrize("bad", ["%00", "%FF", "%ED%A0%80"], ids=["nul", "ff", "surrogate"])
@pytest.mark.parametrize(("method", "url", "where"), list(_url_cases()), ids=str)
def test_nul_or_invalid_utf8_in_url_is_400(
    central: Central, method: str, url: str, where: str, bad: str
) -> None:
    target = url.replace("SPOIL", f"x{bad}{SECRET}") if "SPOIL" in url else f"{url}{bad}{SECRET}"
    head = _head(method, target, _credentials(url), "Content-Length: 0")
    status, body, _ = _exchange(central.url, head)
    assert status == 400, (where, body)
    assert json.loads(body)["code"] == "request.bad_url"
    assert SECRET.encode() not in body


# ----- bounded integers -----

INTEGER_QUERIES = [
    (method, path, parameter["name"], parameter["schema"])
    for method, path, operation in OPERATIONS
    for parameter in operation.get("parameters", [])
    if "integer" in json.dumps(parameter["schema"])
]


def _maximum(schema: dict[str, Any]) -> int:
    options = schema.get("anyOf", [schema])
    [bound] = [o["maximum"] for o in options if o.get("type") == "integer"]
    return int(bound)


def test_every_integer_parameter_is_bounded() -> None:
    assert {name for _, _, name, _ in INTEGER_QUERIES} >= {
        "after_id", "limit", "before_id", "min_price_fen", "max_price_fen", "page", "page_size"
    }  # fmt: skip
    for _, path, name, schema in INTEGER_QUERIES:
        assert _maximum(schema) <= MAX_ID, (path, name)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    if request.param == "sqlite":
        with _serving(sqlite_url(tmp_path_factory.mktemp("ints"))) as running:
            yield running
        return
    with postgres_server() as db_url, _serving(db_url) as running:
        yield running


@pytest.mark.parametrize(("method", "path", "name", "schema"), INTEGER_QUERIES, ids=_id)
def test_huge_integers_are_422_and_the_bound_itself_is_served(
    any_db: Central, method: str, path: str, name: str, schema: dict[str, Any]
) -> None:
    url = f"{any_db.url}{_concrete(path)}"
    headers = _credentials(path)
    required = {"month": "2025-01", "msisdn": "13800138000"}
    others = {
        p["name"]: required[p["name"]]
        for p in DOCUMENT["paths"][path][method.lower()].get("parameters", [])
        if p["in"] == "query" and p["required"]
    }
    for value in (2**63, 10**30, -(2**63) - 1, "9" * 5000):
        params = {**others, name: value}
        reply = requests.request(method, url, params=params, headers=headers, timeout=10)
        body = _error(reply, 422, "request.invalid")
        assert str(value) not in reply.text
        assert body["data"]["errors"][0]["loc"] == ["query", name]
    params = {**others, name: _maximum(schema)}
    reply = requests.request(method, url, params=params, headers=headers, timeout=10)
    assert reply.status_code < 500, reply.text


# ----- date-times only as ISO-8601 strings -----

DATE_FIELDS = [
    ("/v1/heartbeat", ("sent_at",)),
    ("/v1/heartbeat", ("queue", "last_success_at")),
    ("/v1/heartbeat", ("last_errors", 0, "at")),
    ("/v1/customer/login/id-card", ("valid_until",)),
    ("/v1/realname/checks", ("valid_from",)),
    ("/v1/realname/checks", ("valid_until",)),
]
VALID_BODIES: dict[str, dict[str, Any]] = {
    "/v1/heartbeat": heartbeat_body(
        queue={"pending": 0, "dead": 0, "oldest_pending_age_s": None,
               "last_success_at": "2025-03-01T10:00:00+08:00"},
        last_errors=[{"at": "2025-03-01T10:00:00Z", "code": "printer.offline", "text": "x"}],
    ),
    "/v1/customer/login/id-card": {"msisdn": "13800138000", "id_number": "110101199003074477",
                                   "name": "张三", "valid_until": "2099-01-01"},
    "/v1/realname/checks": {"id_number": "110101199003074477", "name": "张三",
                            "valid_from": "2020-01-01", "valid_until": "2099-01-01"},
}  # fmt: skip


def _request_date_fields() -> set[tuple[str, str]]:
    """(schema, property) of every date or date-time in a request body of the document."""
    schemas = DOCUMENT["components"]["schemas"]
    found: set[tuple[str, str]] = set()
    pending = [
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for _, _, op in OPERATIONS
        if "requestBody" in op
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for prop, spec in schemas[name].get("properties", {}).items():
            text = json.dumps(spec)
            if '"format": "date' in text:
                found.add((name, prop))
            pending.extend(re.findall(r"#/components/schemas/(\w+)", text))
    return found


def test_every_request_date_is_tried() -> None:
    assert _request_date_fields() == {
        ("HeartbeatRequest", "sent_at"),
        ("QueueState", "last_success_at"),
        ("ErrorReport", "at"),
        ("IdCardLogin", "valid_until"),
        ("RealNameRequest", "valid_from"),
        ("RealNameRequest", "valid_until"),
    }


def _with(body: dict[str, Any], where: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(body))
    target = copy
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return copy


@pytest.mark.parametrize(
    "value",
    [0, 1700000000, 1.5, "0", "1700000000", True, "2025-03-01", "2025-03-01 10:15:00+08:00",
     "2025-03-01T10:15:00", "20250301T101500+0800", "2025-03-01T10:15:00+08:00 "],
)  # fmt: skip
@pytest.mark.parametrize(("path", "where"), DATE_FIELDS, ids=_id)
def test_dates_are_iso_strings_only(
    central: Central, path: str, where: tuple[str | int, ...], value: Any
) -> None:
    is_date = where[-1].startswith("valid")  # type: ignore[union-attr]
    if is_date and value == "2025-03-01":
        value = "2025-3-1"  # a date field takes this one: spoil it another way
    reply = requests.post(
        f"{central.url}{path}",
        json=_with(VALID_BODIES[path], where, value),
        headers=_credentials(path),
        timeout=10,
    )
    body = _error(reply, 422, "request.invalid")
    first = body["data"]["errors"][0]["loc"]
    assert first[1 : 1 + len(where)] == list(where)


@pytest.mark.parametrize("path", list(VALID_BODIES))
def test_valid_dates_are_taken(central: Central, path: str) -> None:
    reply = requests.post(
        f"{central.url}{path}", json=VALID_BODIES[path], headers=_credentials(path), timeout=10
    )
    assert reply.status_code < 300 or reply.json()["code"] != "request.invalid", reply.text


def test_upload_paths_exist() -> None:
    assert set(DOCUMENT["paths"]) >= UPLOAD_PATHS
