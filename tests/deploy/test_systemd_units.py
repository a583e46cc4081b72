"""systemd units: `systemd-analyze verify` has nothing to say about any of them once installed,
and kiosk.service's `systemd-analyze security` exposure score stays at or below 3.0."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import UNITS, systemd_analyze

MAX_EXPOSURE = 3.0


def analyze(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [systemd_analyze(), *args, f"--root={root}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_unit_is_covered() -> None:
    assert UNITS == ["central.service", "kiosk-display.service", "kiosk.service"]


@pytest.mark.parametrize("unit", UNITS)
def test_unit_verifies_without_any_output(installed_root: Path, unit: str) -> None:
    # Warnings still exit 0, so the output itself is the verdict.
    result = analyze(installed_root, "verify", unit)
    output = (result.stdout + result.stderr).strip()
    assert output == ""
    assert result.returncode == 0


def test_verify_reports_a_broken_unit(installed_root: Path, tmp_path: Path) -> None:
    """The check above can fail: a unit naming a program the install does not provide."""
    broken_root = tmp_path / "root"
    shutil.copytree(installed_root, broken_root, symlinks=True)
    unit = broken_root / "etc" / "systemd" / "system" / "kiosk.service"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(
        text.replace(
            "ExecStart=/opt/kiosk/venv/bin/python", "ExecStart=/opt/kiosk/venv/bin/kiosk"
        ).replace("Restart=always", "Restart=sometimes"),
        encoding="utf-8",
    )
    result = analyze(broken_root, "verify", "kiosk.service")
    output = result.stdout + result.stderr
    assert "/opt/kiosk/venv/bin/kiosk" in output
    assert "sometimes" in output  # "Failed to parse service restart specifier"


def exposure(root: Path, unit: str) -> float:
    result = analyze(root, "security", "--offline=true", unit)
    assert result.returncode == 0, result.stderr
    match = re.search(rf"Overall exposure level for {re.escape(unit)}: (\d+\.\d+)", result.stdout)
    assert match, result.stdout
    return float(match.group(1))


def test_kiosk_service_exposure_score(installed_root: Path) -> None:
    score = exposure(installed_root, "kiosk.service")
    print(f"systemd-analyze security --offline=true kiosk.service: {score}")
    assert score <= MAX_EXPOSURE


def test_every_units_score_is_reported(installed_root: Path) -> None:
    # Not gated: the compositor needs a logind seat, DRM and input devices.
    scores = {unit: exposure(installed_root, unit) for unit in UNITS}
    for unit, score in scores.items():
        print(f"systemd-analyze security --offline=true {unit}: {score}")
    assert scores["central.service"] <= MAX_EXPOSURE
