"""The `kiosk` command: config check exit codes, help on every command, queue status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_config

pytestmark = pytest.mark.timeout(120)
KIOSK = str(Path(sys.executable).parent / "kiosk")


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK, *args], cwd=cwd, capture_output=True, text=True, timeout=100, check=False
    )


def test_config_check_ok() -> None:
    result = run("config", "check", str(REPO / "config.yaml"))
    assert result.returncode == 0, result.stderr
    assert "ok (kiosk KIOSK-DEMO-0001" in result.stdout


def test_config_check_misspelled_key_exits_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"central.tokn": "x"})
    result = run("config", "check", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"kiosk: config error: {path}: central.tokn: unknown key"
    assert "Traceback" not in result.stderr


def test_config_check_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("config", "check", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert "file not found" in result.stderr


def test_commands_without_config_exit_2(tmp_path: Path) -> None:
    result = run("doctor", cwd=tmp_path)
    assert result.returncode == 2
    assert "config.yaml: file not found" in result.stderr


@pytest.mark.parametrize(
    "command", [[], ["run"], ["demo"], ["doctor"], ["queue"], ["queue", "status"], ["config"]]
)
def test_help_on_every_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: kiosk" in result.stdout


def test_central_serve_help_is_centrals() -> None:
    result = run("central", "serve", "--help")
    assert result.returncode == 0
    assert "--kiosk" in result.stdout


def test_queue_status_on_fresh_and_used_data(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    first = run("-c", str(path), "queue", "status")
    assert first.returncode == 0
    assert "no queue yet" in first.stdout


def test_doctor_reports_every_device(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    result = run("-c", str(path), "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "DRIVER", "RESULT", "DETAIL"]
    results = {line.split()[0]: line.split()[2] for line in lines[1:]}
    assert results == {
        "journal": "ok",
        "central": "ok",
        "bill_acceptor": "ok",
        "printer": "ok",
        "id_card_reader": "ok",
        "card_dispenser": "ok",
        "card_terminal": "ok",
        "sim_reader": "ok",
    }
    status = run("-c", str(path), "queue", "status")
    assert status.returncode == 0
    assert status.stdout.splitlines()[0].split() == ["pending", "0"]


def test_doctor_fails_when_printer_does_not_answer(tmp_path: Path) -> None:
    """GIVEN a printer URL where nothing listens THEN doctor says so and exits 1."""
    path = write_config(
        tmp_path,
        **{
            "devices.printer.simulate": False,
            "devices.printer.settings.url": "socket://127.0.0.1:9",
        },
    )
    result = run("-c", str(path), "doctor")
    assert result.returncode == 1
    printer_line = next(line for line in result.stdout.splitlines() if line.startswith("printer"))
    assert "error" in printer_line or "unknown" in printer_line


def test_demo_headless_writes_screens_and_prints_receipt(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    out = tmp_path / "demo-out"
    result = subprocess.run(
        [KIOSK, "-c", str(path), "demo", "--headless", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    screens = sorted(p.name for p in out.glob("[0-9][0-9]-*.png"))
    assert screens[0] == "01-attract.png"
    assert len(screens) == 8
    assert (out / "receipt.png").stat().st_size > 1000
    assert "￥150.00" in result.stdout  # the receipt as the printer decoded it (GBK yen)
    assert '"offline": false' in result.stdout
    assert '"amount_fen": 15000' in result.stdout
    assert '"msisdn": "13800138000"' in result.stdout


def test_run_without_a_display_says_so(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    result = subprocess.run(
        [KIOSK, "-c", str(path), "run", "--windowed"],
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "no display" in result.stderr
    assert "Traceback" not in result.stderr


def test_queue_sync_delivers_the_backlog_now(tmp_path: Path) -> None:
    """GIVEN three top-ups queued while the kiosk was offline WHEN a technician runs
    `kiosk queue sync` against central THEN all three are delivered and nothing is left."""
    from datetime import UTC, datetime

    import offline_queue
    from tests.central.conftest import KIOSKS, run_central, sqlite_url

    with run_central(sqlite_url(tmp_path)) as central:
        path = write_config(
            tmp_path,
            **{"kiosk.id": "K1", "central.url": central.url, "central.token": KIOSKS["K1"],
               "central.embedded": None},
        )  # fmt: skip
        data = tmp_path / "data"
        data.mkdir()
        conn = offline_queue.connect(data / "kiosk.db")
        offline_queue.ensure_schema(conn)
        conn.execute("BEGIN IMMEDIATE")
        for n in range(3):
            body = {"txn_id": f"cli-{n}", "msisdn": "13800138000", "amount_fen": 1000,
                    "currency": "CNY", "method": "cash", "offline": True,
                    "created_at": datetime.now(UTC).isoformat()}  # fmt: skip
            offline_queue.enqueue(conn, key=f"cli-{n}:topup", kind="topup.v1", body=body)
        conn.execute("COMMIT")
        conn.close()
        result = run("-c", str(path), "queue", "sync")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "delivered 3, dead letters 0, still pending 0" in result.stdout
        ours = [t for t in central.topups() if str(t["txn_id"]).startswith("cli-")]
        assert len(ours) == 3
        again = run("-c", str(path), "queue", "sync")
        assert "delivered 0, dead letters 0, still pending 0" in again.stdout
