"""config.yaml: the shipped file is valid; every kind of bad file is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.app import validate_config
from kiosk.config import load_config
from kiosk.errors import ConfigError
from tests.conftest import REPO, write_config


def test_shipped_config_is_valid() -> None:
    config = load_config(REPO / "config.yaml")
    validate_config(config)
    assert config.kiosk.id == "KIOSK-DEMO-0001"
    assert config.devices.printer.simulate is True
    assert config.central.embedded is not None
    assert config.data_dir == (REPO / "data").resolve()


def _error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        validate_config(load_config(path))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    return message


def test_misspelled_key_names_its_path(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"kiosk.idle_timout_s": 30})
    assert _error(path) == f"{path}: kiosk.idle_timout_s: unknown key"


def test_wrong_type_names_path_and_problem(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"topup.max_fen": "a lot"})
    assert _error(path).startswith(f"{path}: topup.max_fen: Input should be a valid integer")


def test_float_money_is_rejected(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"topup.max_fen": 100.5})
    assert "topup.max_fen" in _error(path)


def test_missing_section(tmp_path: Path) -> None:
    path = write_config(tmp_path, central=None)
    assert _error(path) == f"{path}: central: required key is missing"


def test_unknown_denomination(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"topup.denominations_fen": [100, 300]})
    assert "topup.denominations_fen" in _error(path)
    assert "[300]" in _error(path)


def test_bad_central_url(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"central.url": "ftp://x"})
    assert "central.url" in _error(path)


def test_unknown_driver(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"devices.printer.driver": "escpos.carrier-pigeon"})
    message = _error(path)
    assert "devices.printer.driver: unknown driver 'escpos.carrier-pigeon'" in message
    assert "escpos.network" in message


def test_unknown_driver_setting(tmp_path: Path) -> None:
    path = write_config(tmp_path, **{"devices.printer.settings.baud": 9600})
    assert _error(path) == f"{path}: devices.printer.settings.baud: unknown key"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert _error(path) == f"{path}: file not found"


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("kiosk:\n  id: [unclosed\n", encoding="utf-8")
    message = _error(path)
    assert "invalid YAML" in message
    assert "line 3" in message


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert _error(path) == f"{path}: top level must be a mapping of sections"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"kiosk: \xff\xfe\n")
    assert "cannot read" in _error(path)


@pytest.mark.parametrize(
    ("topup", "problem"),
    [
        ({"min_fen": 200, "max_fen": 100}, "min_fen must not exceed max_fen"),
        ({"offline_max_fen": 200_000}, "offline_max_fen must not exceed max_fen"),
        ({"offline_total_fen": 100}, "offline_total_fen must be at least offline_max_fen"),
        ({"min_fen": 0}, "greater than 0"),
        ({"offline_max_fen": 1.5}, "integer"),
    ],
)
def test_topup_limits_must_make_sense(
    tmp_path: Path, topup: dict[str, object], problem: str
) -> None:
    path = write_config(tmp_path, **{f"topup.{key}": value for key, value in topup.items()})
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_offered_services_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"services\.offered\[1\]"):
        load_config(write_config(tmp_path, **{"services.offered": ["topup.cash", "lottery"]}))
    with pytest.raises(ConfigError, match="listed twice"):
        load_config(write_config(tmp_path, **{"services.offered": ["topup.cash", "topup.cash"]}))


def test_client_certificate_needs_its_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="client_cert and client_key go together"):
        load_config(write_config(tmp_path, **{"central.client_cert": "kiosk.pem"}))
    config = load_config(
        write_config(
            tmp_path, **{"central.client_cert": "kiosk.pem", "central.client_key": "kiosk.key"}
        )
    )
    assert config.central.client_pair == ("kiosk.pem", "kiosk.key")


def test_replacement_fee_is_whole_non_negative_fen(tmp_path: Path) -> None:
    assert load_config(REPO / "config.yaml").sim.replacement_fee_fen == 0
    config = load_config(write_config(tmp_path, **{"sim.replacement_fee_fen": 1000}))
    assert config.sim.replacement_fee_fen == 1000
    for bad, problem in ((-1, "greater than or equal to 0"), (10.5, "integer"),
                         ("10", "integer"), (10_000_000, "less than or equal")):  # fmt: skip
        with pytest.raises(ConfigError, match=rf"sim\.replacement_fee_fen: .*{problem}"):
            load_config(write_config(tmp_path, **{"sim.replacement_fee_fen": bad}))


def test_the_kiosks_place_is_optional_and_bounded(tmp_path: Path) -> None:
    """GIVEN region/city/hall/location in the kiosk section THEN the heartbeat carries the ones
    set; an empty or overlong one is a config error naming the key."""
    from kiosk.config import KioskSection

    section = KioskSection(id="K1", region="华南", hall="天河营业厅")
    assert section.place() == {"region": "华南", "hall": "天河营业厅"}
    assert KioskSection(id="K1").place() == {}
    for bad in ({"hall": ""}, {"location": "x" * 129}):
        with pytest.raises(ValidationError):
            KioskSection(id="K1", **bad)
