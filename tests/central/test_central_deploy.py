"""Running central as an operator does: migrate, seed and kiosk commands, tokens from files and
the environment only, a rotation no restart undoes, a redacted access log, `--workers N`."""

from __future__ import annotations

import contextlib
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.central.test_central_cli import OPS_TOKEN, central, db_url, env
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(90)

READY = re.compile(r"central listening on (http://127\.0\.0\.1:\d+)\n")


@dataclass
class Serving:
    url: str
    process: subprocess.Popen[str]
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def _pump(stream: object, into: list[str], lines: queue.Queue[str] | None = None) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.append(line)
        if lines is not None:
            lines.put(line)


@contextlib.contextmanager
def serving(*args: str, environment: dict[str, str] | None = None) -> Iterator[Serving]:
    """`python -m central serve ARGS` until its ready line; SIGTERM and exit 0 afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", "0", *args],
        cwd=REPO,
        env=environment or env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Serving(url="", process=process)
    lines: queue.Queue[str] = queue.Queue()
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, running.stdout, lines), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, running.stderr), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    try:
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                raise AssertionError(f"no ready line: {''.join(running.stderr)}") from None
            ready = READY.fullmatch(line)
            if ready:
                running.url = ready.group(1)
                break
        yield running
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, "".join(running.stderr)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pump in pumps:
            pump.join(10)
    assert "Traceback" not in "".join(running.stderr)


def sync_status(url: str, kiosk: str, token: str) -> int:
    reply = requests.post(
        f"{url}/v1/sync",
        json={"items": [{"key": "k", "kind": "nope", "body": {}}]},  # answered "rejected"
        headers={"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return reply.status_code


def ops_get(url: str, path: str) -> requests.Response:
    return requests.get(
        f"{url}{path}", headers={"Authorization": f"Bearer {OPS_TOKEN}"}, timeout=10
    )


def test_migrate_seed_and_kiosk_commands(tmp_path: Path) -> None:
    db = db_url(tmp_path)
    first = central("migrate", "--db", db)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == f"database {db} upgraded from empty to 0002\n"
    assert (
        central("migrate", "--db", db).stdout
        == f"database {db} is at revision 0002: nothing to do\n"
    )
    assert central("seed", "--db", db).stdout == "demo data seeded\n"
    assert central("seed", "--db", db).stdout == "demo data already present: nothing done\n"
    token = tmp_path / "k1.token"
    token.write_text("first-secret\n")
    assert central("kiosk", "add", "K1", "--token-file", str(token), "--db", db).returncode == 0
    again = central("kiosk", "add", "K1", "--token-stdin", "--db", db, stdin="other\n")
    assert (again.returncode, again.stderr) == (
        1,
        "central: error: kiosk K1 is registered already (`kiosk rotate`)\n",
    )
    unknown = central("kiosk", "rotate", "K9", "--token-stdin", "--db", db, stdin="x\n")
    assert unknown.stderr == "central: error: no kiosk K9 is registered (`kiosk add`)\n"
    assert unknown.returncode == 1
    bad = central("kiosk", "add", "K2", "--token-stdin", "--db", db, stdin="a b\n")
    assert bad.returncode == 2
    assert "a b" not in bad.stderr
    listed = central("kiosk", "list", "--db", db)
    assert listed.returncode == 0
    assert re.fullmatch(r"K1\tregistered \S+\tseen never\n", listed.stdout), listed.stdout
    assert "first-secret" not in listed.stdout


def test_kiosk_commands_need_a_migrated_database(tmp_path: Path) -> None:
    result = central("kiosk", "list", "--db", db_url(tmp_path))
    assert result.returncode == 1
    assert "is empty: run `python -m central migrate --db URL` first" in result.stderr


def test_a_restart_with_an_old_kiosks_file_cannot_undo_a_rotation(tmp_path: Path) -> None:
    db = db_url(tmp_path)
    kiosks = tmp_path / "kiosks"
    kiosks.write_text("K1:old-token\nK2:two\n")
    ops = tmp_path / "ops"
    ops.write_text(OPS_TOKEN + "\n")
    no_env = env(ops_token=None)
    args = ("--db", db, "--migrate", "--kiosks-file", str(kiosks), "--ops-token-file", str(ops))
    with serving(*args, environment=no_env) as first:
        assert sync_status(first.url, "K1", "old-token") == 200
        assert ops_get(first.url, "/v1/ops/kiosks").status_code == 200
    rotated = central("kiosk", "rotate", "K1", "--token-stdin", "--db", db, stdin="new-token\n")
    assert rotated.returncode == 0, rotated.stderr
    kiosks.write_text("K1:old-token\nK2:two\nK3:three\n")  # the old file, plus a new kiosk
    with serving(*args, environment=no_env) as second:
        assert sync_status(second.url, "K1", "old-token") == 401
        assert sync_status(second.url, "K1", "new-token") == 200
        assert sync_status(second.url, "K2", "two") == 200
        assert sync_status(second.url, "K3", "three") == 200  # new ids are still added


def test_access_log_never_shows_a_token(tmp_path: Path) -> None:
    with serving("--db", db_url(tmp_path), "--migrate", "--access-log") as running:
        page = requests.get(f"{running.url}/ops/fleet", params={"token": OPS_TOKEN}, timeout=10)
        assert page.status_code == 200
        wrong = requests.get(
            f"{running.url}/ops/fleet?a=1&Token=guess-one&token=guess-two", timeout=10
        )
        assert wrong.status_code == 401
        assert ops_get(running.url, "/v1/ops/kiosks").status_code == 200
    log = "".join(running.stdout + running.stderr)
    assert '"GET /ops/fleet?token=*** HTTP/1.1" 200' in log
    assert '"GET /ops/fleet?a=1&Token=***&token=*** HTTP/1.1" 401' in log
    assert '"GET /v1/ops/kiosks HTTP/1.1" 200' in log
    for secret in (OPS_TOKEN, "guess-one", "guess-two"):
        assert secret not in log


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        ("/ops/fleet?token=abc", "/ops/fleet?token=***"),
        ("/x?%74oken=abc&b=2", "/x?%74oken=***&b=2"),  # the name as the app decodes it
        ("/x?tokens=keep&access_token=abc", "/x?tokens=keep&access_token=***"),
        ("/x?a=token=abc", "/x?a=token=abc"),  # a value that looks like one is no parameter
    ],
)
def test_redaction_of_token_parameters(logged: str, shown: str) -> None:
    from central.server import RedactTokens

    assert RedactTokens.redact(logged) == shown


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def test_workers_share_one_socket_and_the_database_and_stop_on_sigterm(tmp_path: Path) -> None:
    kiosks = tmp_path / "kiosks"
    kiosks.write_text("K1:token-one\n")
    args = ("--db", db_url(tmp_path), "--migrate", "--seed", "--kiosks-file", str(kiosks))
    with serving(*args, "--workers", "2") as running:
        workers = _children(running.process.pid) - {running.process.pid}
        log = "".join(running.stderr)
        started = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", log)}
        assert len(started) == 2
        assert started <= workers
        with ThreadPoolExecutor(8) as pool:  # new connections each, spread over the workers
            statuses = list(
                pool.map(lambda _: sync_status(running.url, "K1", "token-one"), range(40))
            )
        assert statuses == [200] * 40
        # last_seen is in the database, so any worker's answer shows it
        for _ in range(4):
            [k1] = ops_get(running.url, "/v1/ops/kiosks").json()["kiosks"]
            assert k1["last_seen"] is not None
    assert not any(Path(f"/proc/{pid}").exists() for pid in started)


def test_workers_refuse_an_in_memory_database(capsys: pytest.CaptureFixture[str]) -> None:
    from central.cli import main

    assert main(["serve", "--db", "sqlite://", "--workers", "2"]) == 2
    assert capsys.readouterr().err == (
        "central: error: --workers needs a database all processes share, not in-memory SQLite\n"
    )
