"""`python -m central` as a subprocess: usage errors, serve/ready line/signals, secrets kept off
the command line, migrate/seed/kiosk commands, the redacted access log, openapi drift."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from central.cli import main, openapi_text
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(60)

READY = re.compile(r"central listening on (http://127\.0\.0\.1:(\d+))\n")


OPS_TOKEN = "ops-token"


def env(ops_token: str | None = OPS_TOKEN) -> dict[str, str]:
    variables = {
        k: v for k, v in os.environ.items() if k not in ("CENTRAL_OPS_TOKEN", "CENTRAL_DB")
    }
    variables["PYTHONPATH"] = str(REPO)
    if ops_token is not None:
        variables["CENTRAL_OPS_TOKEN"] = ops_token
    return variables


def central(
    *args: str, stdin: str | None = None, ops_token: str | None = OPS_TOKEN
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central", *args],
        cwd=REPO,
        env=env(ops_token),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.db'}"


def serve_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["serve", "--port", "0", "--db", db_url(tmp_path), "--migrate", *extra]


REMOVED = "removed (a secret on the command line shows in `ps` to every user)"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--ops-token", "s3cret"],
            f"argument --ops-token: {REMOVED}: set $CENTRAL_OPS_TOKEN or use --ops-token-file",
        ),
        (
            ["--kiosk", "K1:s3cret"],
            f"argument --kiosk: {REMOVED}: use `python -m central kiosk add ID --token-file "
            "PATH` or --kiosks-file",
        ),
        (["--port", "70000"], "argument --port: port must be 0-65535, not 70000"),
        (["--workers", "0"], "argument --workers: workers must be 1-64, not '0'"),
    ],
)
def test_bad_serve_arguments_exit_2_with_one_line(
    tmp_path: Path, args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*serve_args(tmp_path), *args])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"central: error: {error}\n"
    assert not (tmp_path / "central.db").exists()


def test_a_token_in_argv_is_refused_by_a_real_process_without_echoing_it(tmp_path: Path) -> None:
    result = central(*serve_args(tmp_path), "--kiosk", "K1:s3cret")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("central: error: argument --kiosk: removed")
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
    assert not (tmp_path / "central.db").exists()


@pytest.mark.parametrize(
    ("db", "error"),
    [
        (
            "not a url",
            "argument --db: not a database URL (e.g. sqlite:///central.db or "
            "postgresql+psycopg://user@host/central)",
        ),
        ("nosuchdb://host/x", "unsupported database URL nosuchdb://host/x: "),
    ],
)
def test_bad_db_url_exits_2_with_one_line(tmp_path: Path, db: str, error: str) -> None:
    result = central("serve", "--port", "0", "--db", db)
    assert result.returncode == 2
    assert result.stderr.startswith(f"central: error: {error}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_missing_ops_token_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CENTRAL_OPS_TOKEN", raising=False)
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'c.db'}"]) == 2
    assert capsys.readouterr().err == (
        "central: error: the ops token is required: set $CENTRAL_OPS_TOKEN or --ops-token-file\n"
    )


def test_ops_token_file_must_be_one_line_and_is_never_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "ops"
    secret.write_text("one two\n")
    assert main(["serve", "--db", db_url(tmp_path), "--ops-token-file", str(secret)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"central: error: ops token in {secret} must be non-empty, printable, without spaces\n"
    )
    missing = tmp_path / "nope"
    assert main(["serve", "--db", db_url(tmp_path), "--ops-token-file", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"central: error: cannot read ops token from {missing}: No such file or directory\n"
    )


def test_db_is_required_or_from_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["migrate"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "central: error: argument --db: required (or $CENTRAL_DB)\n"


def test_serve_refuses_a_database_not_at_head_naming_migrate(tmp_path: Path) -> None:
    result = central("serve", "--port", "0", "--db", db_url(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        f"central: error: database {db_url(tmp_path)} is empty: "
        "run `python -m central migrate --db URL` first\n"
    )


def test_unopenable_database_exits_1_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'c.db'}"
    result = central("serve", "--port", "0", "--db", url)
    assert result.returncode == 1
    assert result.stderr == (
        f"central: error: cannot open database {url}: unable to open database file\n"
    )


def test_port_in_use_exits_1_with_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        args = serve_args(tmp_path)
        args[args.index("--port") + 1] = str(port)
        result = central(*args)
    assert result.returncode == 1
    assert result.stderr == (
        f"central: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )


def _read_lines(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_port_0_prints_ready_line_serves_and_exits_0_on_signal(
    tmp_path: Path, sig: signal.Signals
) -> None:
    kiosks = tmp_path / "kiosks"
    kiosks.write_text("# the demo's kiosk\nK1:tok:with:colons\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central",
            *serve_args(tmp_path, "--seed", "--kiosks-file", str(kiosks)),
        ],
        cwd=REPO,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        ready = READY.fullmatch(lines.get(timeout=20))
        assert ready is not None
        url, port = ready.group(1), int(ready.group(2))
        assert port != 0
        assert requests.get(f"{url}/v1/health", timeout=5).json() == {"status": "ok"}
        reply = requests.post(
            f"{url}/v1/sync",
            json={"items": [{"key": "k", "kind": "nope", "body": {}}]},
            headers={"X-Kiosk-Id": "K1", "Authorization": "Bearer tok:with:colons"},
            timeout=5,
        )
        assert reply.status_code == 200
        assert reply.json()["results"][0]["status"] == "rejected"
        process.send_signal(sig)
        assert process.wait(timeout=15) == 0
        assert lines.empty()  # the ready line is the only thing on stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
        assert process.stderr is not None
        stderr = process.stderr.read()
        process.stderr.close()
        assert process.stdout is not None
        process.stdout.close()
    assert "Traceback" not in stderr


def test_committed_openapi_matches_generated() -> None:
    committed = (REPO / "central" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), (
        "regenerate: python -m central openapi > central/openapi.json"
    )


def test_openapi_command_prints_sorted_document() -> None:
    result = central("openapi")
    assert result.returncode == 0
    assert result.stdout == (REPO / "central" / "openapi.json").read_text(encoding="utf-8")
    document = json.loads(result.stdout)
    assert sorted(document["paths"]) == [
        "/ops/fleet",
        "/v1/bills/due",
        "/v1/catalogue",
        "/v1/customer/balance",
        "/v1/customer/bills",
        "/v1/customer/bills/{month}",
        "/v1/customer/confirmations/{confirmation_id}",
        "/v1/customer/invoices",
        "/v1/customer/invoices/{number}/print",
        "/v1/customer/login/id-card",
        "/v1/customer/login/password",
        "/v1/customer/login/sms",
        "/v1/customer/login/sms-code",
        "/v1/customer/logout",
        "/v1/customer/plan-change",
        "/v1/customer/service-change",
        "/v1/customer/sim-replacement",
        "/v1/customer/usage",
        "/v1/health",
        "/v1/heartbeat",
        "/v1/logs",
        "/v1/numbers",
        "/v1/numbers/{msisdn}/reservation",
        "/v1/ops/fleet",
        "/v1/ops/kiosks",
        "/v1/ops/kiosks/{kiosk_id}/commands",
        "/v1/ops/kiosks/{kiosk_id}/logs",
        "/v1/ops/kiosks/{kiosk_id}/maintenance",
        "/v1/ops/kiosks/{kiosk_id}/vouchers",
        "/v1/ops/sms",
        "/v1/ops/topups",
        "/v1/realname/checks",
        "/v1/reservations/{reservation_id}",
        "/v1/reservations/{reservation_id}/personalisation",
        "/v1/sync",
    ]
    assert document["x-sync-kinds"] == {
        "bill_payment.v1": {"$ref": "#/components/schemas/BillPaymentV1"},
        "maintenance.v1": {"$ref": "#/components/schemas/MaintenanceV1"},
        "sim_release.v1": {"$ref": "#/components/schemas/SimReleaseV1"},
        "sim_replacement.v1": {"$ref": "#/components/schemas/SimReplacementV1"},
        "sim_sale.v1": {"$ref": "#/components/schemas/SimSaleV1"},
        "topup.v1": {"$ref": "#/components/schemas/TopupV1"},
        "voucher.v1": {"$ref": "#/components/schemas/VoucherV1"},
    }
    topup = document["components"]["schemas"]["TopupV1"]
    assert topup["additionalProperties"] is False
    assert sorted(topup["required"]) == sorted(
        ["txn_id", "msisdn", "amount_fen", "currency", "method", "created_at", "offline"]
    )
    sync_item = document["components"]["schemas"]["SyncItem"]
    assert sync_item["additionalProperties"] is False


def test_central_imports_nothing_from_the_kiosk_side() -> None:
    code = (
        "import sys, central.cli, central.server, central.app\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in {'kiosk', 'drivers', 'ui', 'offline_queue'})\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == "[]\n"
