"""Deployment fixtures: scripts/install.sh run into a staging root (DESTDIR), and that root
completed into something `systemd-analyze --root=` can check like an installed Debian machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

INSTALL = REPO / "scripts" / "install.sh"
UNITS = sorted(path.name for path in (REPO / "systemd").glob("*.service"))
HOST_UNITS = Path("/usr/lib/systemd/system")
# Files of Debian packages the units run that a CI machine need not have installed (the
# compositor); each must be in install.sh's RUNTIME_PACKAGES. Stubbed in the staging root.
PACKAGED = {"/usr/bin/cage": "cage"}


def run_install(stage: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALL), *args],
        env={**os.environ, "DESTDIR": str(stage), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def install_into(stage: Path, *args: str, **env: str) -> str:
    result = run_install(stage, *args, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.fail("systemd-analyze missing: scripts/bootstrap.sh installs the systemd package")
    return path


def executables(unit: Path) -> list[str]:
    """The programs a unit file (and its drop-ins) runs: first word of every Exec*= line."""
    found = []
    for line in unit.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip().startswith("Exec") and value.strip():
            found.append(value.split()[0].lstrip("-@:+!"))
    return found


def provide(stage: Path, path: str) -> None:
    """Make `path` resolve inside the staging root as it will on the kiosk: follow symlinks
    within the root; what install.sh did not create there comes from a Debian package, so it
    is copied from this machine or, for PACKAGED files absent here, stubbed."""
    for _ in range(40):
        inside = stage / path.lstrip("/")
        if inside.is_symlink():
            target = os.readlink(inside)
            path = os.path.normpath(os.path.join(os.path.dirname(path), target))
            continue
        if inside.exists():
            return
        assert not path.startswith(("/opt/kiosk", "/etc/kiosk", "/var/lib/kiosk")), (
            f"{path} should have been installed by scripts/install.sh"
        )
        inside.parent.mkdir(parents=True, exist_ok=True)
        if Path(path).exists():
            shutil.copy(path, inside)
        else:
            package = PACKAGED.get(path)
            assert package, f"{path} is neither on this machine nor a known package's file"
            assert package in INSTALL.read_text(encoding="utf-8"), f"install.sh lacks {package}"
            inside.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
            inside.chmod(0o755)
        return
    raise AssertionError(f"symlink loop at {path}")


@pytest.fixture(scope="module")
def installed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """install.sh staged into a fresh root, then the OS around it: the distribution's units
    (sysinit.target, network-online.target, pcscd.socket, ...) and the programs named in
    ExecStart= that Debian packages provide."""
    stage = tmp_path_factory.mktemp("root")
    install_into(stage, "--central")
    if not HOST_UNITS.is_dir():
        pytest.fail(f"{HOST_UNITS} missing: scripts/bootstrap.sh installs the systemd package")
    shutil.copytree(HOST_UNITS, stage / HOST_UNITS.relative_to("/"), symlinks=True)
    unit_dir = stage / "etc" / "systemd" / "system"
    # The unit files themselves, not the absolute .wants/ links to them.
    for unit in [*unit_dir.glob("*.service"), *unit_dir.glob("*.service.d/*.conf")]:
        for program in executables(unit):
            provide(stage, program)
    return stage
