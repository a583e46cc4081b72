"""The registry's sections for the drivers issue 18 added or extended: the CRT-591 dispenser
builds from config alone (simulated or not), the printer's font coverage and the nexo shared key
are strict settings with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from drivers.errors import DriverConfigError
from drivers.registry import build_device, validate_settings

NEXO = {"sale_id": "K1", "poi_id": "P1", "transport": "tcp", "host": "127.0.0.1", "port": 1}


def test_the_crt591_dispenser_builds_on_its_protocol_simulator() -> None:
    """GIVEN `dispenser.crt591` with simulate WHEN built THEN the driver talks to the unit's
    protocol simulator over a pseudo-terminal and reports its health."""
    built = build_device(
        "card_dispenser", "dispenser.crt591", {}, simulate=True, key_path="devices.card_dispenser"
    )
    try:
        assert built.simulator is not None
        assert built.simulator.url.startswith("/dev/")
        assert built.device.health() is not None
    finally:
        close: Any = getattr(built.device, "close", None)
        if close is not None:
            close()
        built.simulator.stop()


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"speed": 9600}, r"settings\.speed: unknown key"),
        ({"baudrate": 4800}, r"settings\.baudrate"),
        ({"address": 16}, r"settings\.address"),
    ],
)
def test_bad_crt591_settings_name_the_key(settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(DriverConfigError, match=problem):
        validate_settings(
            "card_dispenser", "dispenser.crt591", settings, simulate=False, key_path="d"
        )


@pytest.mark.parametrize("charset", ["ascii", "gb2312", "gbk", "gb18030"])
def test_the_printer_font_coverage_is_a_setting(charset: str) -> None:
    settings = {"url": "socket://127.0.0.1:0", "font_charset": charset, "paper_dots": 384}
    model = validate_settings("printer", "escpos.network", settings, simulate=True, key_path="p")
    assert model.model_dump()["font_charset"] == charset


def test_an_unknown_font_coverage_is_refused() -> None:
    settings = {"url": "socket://127.0.0.1:0", "font_charset": "big5"}
    with pytest.raises(DriverConfigError, match=r"settings\.font_charset"):
        validate_settings("printer", "escpos.network", settings, simulate=True, key_path="p")


def test_the_nexo_key_needs_its_passphrase_file_and_back() -> None:
    for half in ({"key_identifier": "KioskKey01"}, {"passphrase_file": "/etc/kiosk/p"}):
        with pytest.raises(DriverConfigError, match="go together"):
            validate_settings(
                "card_terminal", "nexo", {**NEXO, **half}, simulate=False, key_path="c"
            )


@pytest.mark.parametrize("content", [None, "  \n"], ids=["missing", "empty"])
def test_an_unreadable_nexo_passphrase_is_a_config_error(
    tmp_path: Path, content: str | None
) -> None:
    """GIVEN a shared key whose passphrase file is missing or empty WHEN the terminal is built
    THEN a config error names the file (never a driver that would talk in clear)."""
    path = tmp_path / "passphrase"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    settings = {**NEXO, "key_identifier": "KioskKey01", "passphrase_file": str(path)}
    with pytest.raises(DriverConfigError, match="passphrase file"):
        build_device("card_terminal", "nexo", settings, simulate=False, key_path="c")


def test_a_nexo_terminal_with_a_shared_key_builds_on_its_simulator(tmp_path: Path) -> None:
    """GIVEN the shared key on both sides WHEN the simulated terminal is built THEN every
    message is protected and the terminal is usable."""
    path = tmp_path / "passphrase"
    path.write_text("superSecret123\n", encoding="utf-8")
    settings = {**NEXO, "port": 0, "host": "", "key_identifier": "K", "passphrase_file": str(path)}
    built = build_device("card_terminal", "nexo", settings, simulate=True, key_path="c")
    try:
        assert built.device.health().usable
    finally:
        assert built.simulator is not None
        built.simulator.stop()
