"""scripts/install.sh into a staging root: the layout and its modes, a config that loads, the
device drop-in rendered from it, enabled units, and a second run that changes nothing."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import yaml

from kiosk.config import load_config
from tests.deploy.conftest import UNITS, install_into, run_install

UNIT_DIR = Path("etc/systemd/system")
DROPIN = UNIT_DIR / "kiosk.service.d" / "10-devices.conf"

EXPECTED_MODES = {
    "opt/kiosk": 0o755,
    "opt/kiosk/README.md": 0o644,
    "etc/kiosk": 0o750,
    "etc/kiosk/config.yaml": 0o640,
    "etc/kiosk/central.env": 0o640,
    "var/lib/kiosk": 0o750,
    "var/lib/kiosk/logs": 0o750,
    "var/lib/kiosk/cache": 0o750,
    "var/lib/kiosk-central": 0o750,
    "etc/polkit-1/rules.d/60-kiosk-pcscd.rules": 0o644,
    **{str(UNIT_DIR / unit): 0o644 for unit in UNITS},
    str(DROPIN): 0o644,
}


def snapshot(root: Path) -> dict[str, tuple[int, str, int]]:
    """Every path under root: mode, content hash or link target, and mtime (a rewrite of an
    unchanged file shows)."""
    entries = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            what = "-> " + os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            what = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            what = "dir"
        entries[str(path.relative_to(root))] = (stat.S_IMODE(info.st_mode), what, info.st_mtime_ns)
    return entries


def test_layout_and_modes(tmp_path: Path) -> None:
    install_into(tmp_path)
    for relative, mode in EXPECTED_MODES.items():
        path = tmp_path / relative
        assert path.exists(), relative
        assert stat.S_IMODE(path.stat().st_mode) == mode, relative
    for unit in UNITS:
        assert (tmp_path / UNIT_DIR / unit).read_text() == (
            Path(__file__).resolve().parents[2] / "systemd" / unit
        ).read_text()
    assert os.access(tmp_path / "opt/kiosk/venv/bin/python", os.X_OK)


def test_installed_config_loads_with_the_data_folder_in_var_lib(tmp_path: Path) -> None:
    install_into(tmp_path)
    config = load_config(tmp_path / "etc/kiosk/config.yaml")
    assert config.kiosk.data_dir == Path("/var/lib/kiosk")
    env = (tmp_path / "etc/kiosk/central.env").read_text()
    token = next(line for line in env.splitlines() if line.startswith("CENTRAL_OPS_TOKEN="))
    assert len(token.partition("=")[2]) >= 32


def test_units_enabled_and_graphical_boot(tmp_path: Path) -> None:
    install_into(tmp_path)
    wants = tmp_path / UNIT_DIR / "graphical.target.wants"
    assert sorted(p.name for p in wants.iterdir()) == ["kiosk-display.service", "kiosk.service"]
    assert os.readlink(wants / "kiosk.service") == "/etc/systemd/system/kiosk.service"
    assert os.readlink(tmp_path / UNIT_DIR / "default.target").endswith("/graphical.target")
    assert not (tmp_path / UNIT_DIR / "multi-user.target.wants").exists()
    install_into(tmp_path, "--central")
    assert (tmp_path / UNIT_DIR / "multi-user.target.wants" / "central.service").is_symlink()


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    first_output = install_into(tmp_path)
    assert "wrote /etc/kiosk/config.yaml" in first_output
    before = snapshot(tmp_path)
    second_output = install_into(tmp_path)
    assert snapshot(tmp_path) == before
    assert "wrote" not in second_output
    assert "kept /etc/kiosk/config.yaml" in second_output


def test_modes_are_repaired_and_the_operators_config_kept(tmp_path: Path) -> None:
    install_into(tmp_path)
    config = tmp_path / "etc/kiosk/config.yaml"
    config.write_text(config.read_text() + "# edited by the operator\n")
    config.chmod(0o666)
    (tmp_path / "var/lib/kiosk").chmod(0o777)
    install_into(tmp_path)
    assert config.read_text().endswith("# edited by the operator\n")
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "var/lib/kiosk").stat().st_mode) == 0o750


def _edit_devices(root: Path, **changes: dict[str, object]) -> None:
    path = root / "etc/kiosk/config.yaml"
    data = yaml.safe_load(path.read_text())
    for device, settings in changes.items():
        data["devices"][device].update(settings)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_device_dropin_follows_the_config(tmp_path: Path) -> None:
    install_into(tmp_path)
    # The shipped config simulates every device: no real device may be opened.
    assert "DeviceAllow" not in (tmp_path / DROPIN).read_text()
    _edit_devices(
        tmp_path,
        bill_acceptor={"simulate": False},
        id_card_reader={"simulate": False},
        printer={"driver": "escpos.usb", "simulate": False},
    )
    install_into(tmp_path)
    lines = (tmp_path / DROPIN).read_text().splitlines()
    assert lines[1:] == [
        "[Service]",
        "DeviceAllow=/dev/ttyS1 rw",
        "DeviceAllow=char-usb_device rw",
        "RestrictAddressFamilies=AF_NETLINK",
        "DeviceAllow=/dev/ttyS2 rw",
    ]


def test_device_list_can_be_given(tmp_path: Path) -> None:
    install_into(tmp_path, KIOSK_DEVICES="/dev/serial/by-id/usb-JCM-if00 /dev/ttyS4")
    assert (tmp_path / DROPIN).read_text().splitlines()[2:] == [
        "DeviceAllow=/dev/serial/by-id/usb-JCM-if00 rw",
        "DeviceAllow=/dev/ttyS4 rw",
    ]


def test_unknown_option_is_refused(tmp_path: Path) -> None:
    result = run_install(tmp_path, "--frobnicate")
    assert result.returncode == 2
    assert "unknown option --frobnicate" in result.stderr
    assert not any(tmp_path.iterdir())


def test_central_unit_migrates_first_and_keeps_secrets_off_the_command_line(
    tmp_path: Path,
) -> None:
    install_into(tmp_path, "--central")
    unit = (tmp_path / UNIT_DIR / "central.service").read_text()
    execs = [line for line in unit.splitlines() if line.startswith("Exec")]
    assert execs == [
        "ExecStartPre=/opt/kiosk/venv/bin/python -m central migrate",
        "ExecStart=/opt/kiosk/venv/bin/python -m central serve --host ${CENTRAL_HOST} "
        "--port ${CENTRAL_PORT} --workers ${CENTRAL_WORKERS}",
    ]
    assert "EnvironmentFile=/etc/kiosk/central.env" in unit.splitlines()
    env = (tmp_path / "etc/kiosk/central.env").read_text()
    settings = dict(
        line.split("=", 1) for line in env.splitlines() if line and not line.startswith("#")
    )
    assert sorted(settings) == [
        "CENTRAL_DB", "CENTRAL_HOST", "CENTRAL_OPS_TOKEN", "CENTRAL_PORT", "CENTRAL_WORKERS",
    ]  # fmt: skip
    assert settings["CENTRAL_WORKERS"] == "1"


def test_an_old_central_env_with_kiosk_tokens_is_pointed_out(tmp_path: Path) -> None:
    install_into(tmp_path, "--central")
    env = tmp_path / "etc/kiosk/central.env"
    env.write_text(env.read_text() + "CENTRAL_KIOSK_ARGS=--kiosk K1:secret\n")
    result = run_install(tmp_path, "--central")
    assert result.returncode == 0
    assert "CENTRAL_KIOSK_ARGS is no longer read" in result.stderr
    assert "secret" not in result.stderr
