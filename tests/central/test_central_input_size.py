"""Central's body limits and its credentials-first rule against a live server
(central/input_policy.py): a body over the limit is refused with 413 before it is read (declared
or chunked), one at the limit is taken, the largest uploads fit; bodies of requests without
valid credentials are never read (the server's memory does not grow)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from central.input_policy import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_UPLOAD_BYTES,
)
from tests.central.conftest import (
    OPS_TOKEN,
    Central,
    heartbeat_body,
    prepare_db,
    sqlite_url,
)
from tests.central.test_central_input import (
    OPERATIONS,
    _concrete,
    _credentials,
    _exchange,
    _head,
    _post_json_bytes,
    _serving,
)
from tests.support import wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    """A central that takes bodies of 64 KiB, uploads of 256 KiB."""
    folder = tmp_path_factory.mktemp("small")
    with _serving(sqlite_url(folder), max_body_bytes=65536, max_upload_bytes=262144) as running:
        yield running


def _chunked(total: int, size: int = 65536) -> Iterator[bytes]:
    """A chunked JSON-ish body of `total` bytes."""
    for start in range(0, total, size):
        data = b" " * min(size, total - start)
        yield f"{len(data):x}\r\n".encode() + data + b"\r\n"
    yield b"0\r\n\r\n"


# ----- size: 413 before reading -----


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in OPERATIONS], ids=str)
def test_declared_body_over_the_limit_is_413_at_once(
    central: Central, method: str, path: str
) -> None:
    """A declared 50 MB body is refused before a byte of it is sent."""
    headers = {**_credentials(path), "Content-Type": "application/json"}
    head = _head(method, _concrete(path), headers, "Content-Length: 50000000")
    status, body, _ = _exchange(central.url, head)
    assert status == 413
    assert json.loads(body)["code"] == "request.too_large"


@pytest.mark.parametrize(
    ("path", "limit"), [("/v1/heartbeat", 65536), ("/v1/sync", 262144), ("/v1/logs", 262144)]
)
def test_chunked_body_over_the_limit_is_cut_off_with_413(
    small: Central, path: str, limit: int
) -> None:
    headers = {**_credentials(path), "Content-Type": "application/json"}
    head = _head("POST", path, headers, "Transfer-Encoding: chunked")
    total = 200 * limit
    status, body, sent = _exchange(small.url, head, _chunked(total))
    assert status == 413
    assert json.loads(body)["code"] == "request.too_large"
    assert sent < total // 2  # cut off (what the sockets' buffers took), not read to the end


def test_a_body_at_the_limit_is_taken(small: Central) -> None:
    body = json.dumps(heartbeat_body(software_version="1")).encode()
    padded = body[:-1] + b" " * (65536 - len(body)) + b"}"
    reply = _post_json_bytes(small.url, "/v1/heartbeat", padded)
    assert reply.status_code == 200, reply.text


def test_largest_uploads_fit() -> None:
    """The figures in central/input_policy.py: the largest legitimate sync batch (500 signed
    SIM sales) and log upload (2,000 lines of 2,000 non-ASCII characters, as the kiosk's
    requests serialises them) fit the upload limit; a maximal heartbeat fits the general one."""
    signature = "A" * (4 * ((32768 + 2) // 3))
    sale = {
        "txn_id": "T" * 128,
        "reservation_id": "0" * 32,
        "iccid": "8" * 20,
        "plan_code": "P" * 32,
        "paid_fen": 1_000_000_000,
        "method": "cash",
        "created_at": "2026-12-07T10:15:00.123456+08:00".ljust(64, "0")[:64],
        "signature": signature,
    }
    batch = {"items": [{"key": "k" * 128, "kind": "sim_sale.v1", "body": sale}] * 500}
    sync_bytes = len(json.dumps(batch).encode())
    logs = {"command_id": "c" * 64, "lines": ["界" * 2000] * 2000}
    log_bytes = len(json.dumps(logs).encode())  # ensure_ascii, as requests sends it
    assert sync_bytes == 22_142_511
    assert log_bytes == 24_008_093
    assert max(sync_bytes, log_bytes) < DEFAULT_MAX_UPLOAD_BYTES
    beat = heartbeat_body(
        devices=[{"name": "d" * 64, "level": "ok", "code": "c" * 64, "message_key": "m" * 128}]
        * 32,
        acked_commands=["a" * 64] * 100,
        last_errors=[{"at": "2025-03-01T10:15:00+08:00", "code": "c" * 64, "text": "界" * 200}]
        * 10,
    )
    assert len(json.dumps(beat).encode()) < DEFAULT_MAX_BODY_BYTES // 20


# ----- credentials before the body -----


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found is not None
    return int(found.group(1))


@pytest.fixture(scope="module")
def central_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A central in a process of its own, so that its memory can be read."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = prepare_db(sqlite_url(tmp_path_factory.mktemp("process")))
    code = (
        "import uvicorn; from central.app import create_app; "
        f"app = create_app({db!r}, {OPS_TOKEN!r}, {{}}); "
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', lifespan='off')"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(f"{url}/v1/health", timeout=1).status_code == 200,
            what="central's health endpoint",
            ignore=(requests.ConnectionError,),
        )
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "auth.missing"),
        ({"X-Kiosk-Id": "K1"}, "auth.missing"),
        ({"X-Kiosk-Id": "K1", "Authorization": "Bearer wrong"}, "auth.invalid"),
    ],
    ids=["no-credentials", "no-token", "wrong-token"],
)
def test_unauthenticated_bodies_are_not_read(
    central_process: tuple[str, int], headers: dict[str, str], code: str
) -> None:
    """20 unauthenticated 50 MB sync bodies: each is answered 401 before its body is sent,
    the connection is closed, and the server's memory does not grow."""
    url, pid = central_process
    head = _head("POST", "/v1/sync", headers, "Transfer-Encoding: chunked")
    _exchange(url, head)  # warm up: the first request loads code
    before = _rss_kib(pid)
    for _ in range(20):
        status, body, sent = _exchange(url, head, _chunked(50_000_000, 1 << 20))
        assert status == 401
        assert json.loads(body)["code"] == code
        assert sent < 50_000_000
    assert _rss_kib(pid) - before < 20 * 1024  # 20 bodies read would be 1 GB
