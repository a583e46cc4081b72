"""Structured logs: JSON shape, levels, rotation, personal data scrubbed, traffic logs."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskConfig, load_config
from kiosk.errors import ConfigError
from kiosk.logging_setup import configure_logging, scrub, unconfigure_logging
from tests.conftest import write_config

RESIDENT_ID = "11010519900101123X"
MOBILE = "13800138000"
PAN = "6222021234567890128"  # Luhn-valid, 19 digits (UnionPay length)
PAN_SPACED = "4111 1111 1111 1111"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    unconfigure_logging()
    root.setLevel(level)


def _config(tmp_path: Path, **logging_settings: Any) -> KioskConfig:
    overrides = {f"logging.{key}": value for key, value in logging_settings.items()}
    return load_config(write_config(tmp_path, **overrides))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_json_lines_on_the_console_and_in_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, console="stdout")
    configure_logging(config, verbose=0)
    logger = logging.getLogger("kiosk.test")
    logger.info("note %d credited", 500, extra={"txn": "T-1"})
    logger.debug("not at INFO")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("flow failed")

    console = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    written = _lines(config.data_dir / "logs" / "kiosk.log")
    assert console == written
    first, second = written
    assert set(first) == {"ts", "level", "logger", "msg", "kiosk", "txn"}
    assert first["msg"] == "note 500 credited"
    assert first["level"] == "INFO"
    assert first["logger"] == "kiosk.test"
    assert first["kiosk"] == config.kiosk.id
    assert first["txn"] == "T-1"
    assert first["ts"].endswith("+00:00")
    assert second["level"] == "ERROR"
    assert "RuntimeError: boom" in second["exc"]
    assert second["where"].startswith("test_logging_setup:")


def test_console_stays_off_stdout_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_config(tmp_path), verbose=0)
    logging.getLogger("kiosk.test").warning("disk nearly full")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json.loads(captured.err)["msg"] == "disk nearly full"


def test_verbose_lowers_the_level(tmp_path: Path) -> None:
    config = _config(tmp_path, level="WARNING", console="off")
    logger = logging.getLogger("kiosk.test")
    configure_logging(config, verbose=1)
    logger.info("info at -v")
    logger.debug("debug at -v")
    configure_logging(config, verbose=2)
    logger.debug("debug at -vv")
    messages = [line["msg"] for line in _lines(config.data_dir / "logs" / "kiosk.log")]
    assert messages == ["info at -v", "debug at -vv"]


def test_reconfiguring_replaces_the_handlers(tmp_path: Path) -> None:
    config = _config(tmp_path, console="off")
    configure_logging(config, verbose=0)
    configure_logging(config, verbose=0)
    logging.getLogger("kiosk.test").info("once")
    assert len(_lines(config.data_dir / "logs" / "kiosk.log")) == 1


def test_the_file_rotates(tmp_path: Path) -> None:
    config = _config(tmp_path, console="off", max_bytes=10_000, backups=2)
    configure_logging(config, verbose=0)
    logger = logging.getLogger("kiosk.test")
    for number in range(600):  # ~60 kB: several rollovers
        logger.info("line %04d %s", number, "x" * 40)
    folder = config.data_dir / "logs"
    assert sorted(p.name for p in folder.iterdir()) == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]
    for path in folder.iterdir():
        assert path.stat().st_size <= 10_000
        assert _lines(path)  # each piece is whole JSON lines
    assert _lines(folder / "kiosk.log")[-1]["msg"].startswith("line 0599 ")


def test_journal_stream_gets_syslog_priorities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled(), (tmp_path / "journal").open("w+", encoding="utf-8") as stream:
        info = os.fstat(stream.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{info.st_dev}:{info.st_ino}")
        monkeypatch.setattr("sys.stderr", stream)
        configure_logging(_config(tmp_path, file=None), verbose=0)
        logging.getLogger("kiosk.test").error("jam")
        logging.getLogger("kiosk.test").info("ok")
        stream.seek(0)
        error, info_line = stream.read().splitlines()
    assert error.startswith("<3>{")
    assert json.loads(error[3:])["msg"] == "jam"
    assert info_line.startswith("<6>{")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        (RESIDENT_ID, "110105********123X"),
        ("110105199001011234", "110105********1234"),
        ("ID110105199001011234.", "ID110105********1234."),
        (MOBILE, "138****8000"),
        ("+8613800138000", "+86138****8000"),
        ("tel:15912345678,", "tel:159****5678,"),
        (PAN, "622202*********0128"),
        (PAN_SPACED, "411111******1111"),
        ("4111-1111-1111-1111", "411111******1111"),
    ],
)
def test_scrub_masks_personal_data(raw: str, masked: str) -> None:
    assert scrub(raw) == masked
    assert scrub(f"before {raw} after") == f"before {masked} after"


@pytest.mark.parametrize(
    "kept",
    [
        "1763837014001",  # a millisecond timestamp failing Luhn
        "4111111111111112",  # 16 digits, not a valid PAN
        "1380013800",  # 10 digits: no mobile number
        "amount 10000 fen",
        "622848******1234",  # already masked by the card terminal
        "110105********1234",
    ],
)
def test_scrub_keeps_other_numbers(kept: str) -> None:
    assert scrub(kept) == kept


def test_every_record_is_scrubbed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, console="stdout")
    configure_logging(config, verbose=0)
    logger = logging.getLogger("kiosk.test")
    logger.info("customer %s verified, mobile %s", RESIDENT_ID, MOBILE)
    logger.info("card %s approved", PAN_SPACED, extra={"customer": {"mobile": int(MOBILE)}})
    try:
        raise ValueError(f"bad id {RESIDENT_ID}")
    except ValueError:
        logger.exception("lookup of %s failed", MOBILE)
    logger.warning("stack", stack_info=True, extra={"note": f"pan={PAN}"})

    file_text = (config.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    for text in (capsys.readouterr().out, file_text):
        for secret in (RESIDENT_ID, MOBILE, PAN, PAN_SPACED, "1380013"):
            assert secret not in text
        assert "110105********123X" in text
        assert "138****8000" in text
        assert "411111******1111" in text
    first, second, third, fourth = _lines(config.data_dir / "logs" / "kiosk.log")
    assert first["msg"] == "customer 110105********123X verified, mobile 138****8000"
    assert second["customer"] == {"mobile": "138****8000"}
    assert "ValueError: bad id 110105********123X" in third["exc"]
    assert fourth["note"] == "pan=622202*********0128"


def test_traffic_log_per_device(tmp_path: Path) -> None:
    config = _config(tmp_path, console="off", traffic=["bill_acceptor"])
    assert config.devices.bill_acceptor.driver == "id003"
    configure_logging(config, verbose=0)
    logging.getLogger("drivers.id003.driver").debug("TX fc 05 11 %s", MOBILE)
    logging.getLogger("drivers.escpos.driver").debug("printer bytes")
    logging.getLogger("drivers.id003.driver").info("acceptor enabled")

    folder = config.data_dir / "logs"
    traffic = _lines(folder / "traffic-bill_acceptor.log")
    assert [line["msg"] for line in traffic] == ["TX fc 05 11 138****8000", "acceptor enabled"]
    assert traffic[0]["device"] == "bill_acceptor"
    assert traffic[0]["logger"] == "drivers.id003.driver"
    # The main log keeps its INFO level: traffic does not flood it.
    assert [line["msg"] for line in _lines(folder / "kiosk.log")] == ["acceptor enabled"]

    configure_logging(_config(tmp_path, console="off"), verbose=0)
    assert logging.getLogger("drivers.id003").level == logging.NOTSET
    logging.getLogger("drivers.id003.driver").debug("after switching off")
    assert len(_lines(folder / "traffic-bill_acceptor.log")) == 2


def test_traffic_logger_of_each_driver() -> None:
    from kiosk.logging_setup import traffic_logger_name

    assert traffic_logger_name("id003") == "drivers.id003"
    assert traffic_logger_name("escpos.usb") == "drivers.escpos"
    assert traffic_logger_name("pcsc") == "drivers.simcard"
    assert traffic_logger_name("nexo") == "drivers.cardterminal"
    assert traffic_logger_name("dispenser.simulated") == "drivers.dispenser"


def test_traffic_for_a_missing_device_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped config has every device (its SIM reader in-process): one taken out.
    path = write_config(tmp_path, **{"logging.traffic": ["sim_reader"], "devices.sim_reader": None})
    config = load_config(path)
    assert config.devices.sim_reader is None
    configure_logging(config, verbose=0)
    warning = json.loads(capsys.readouterr().err)
    assert warning["msg"] == "traffic log for sim_reader: no such device configured"


def test_traffic_names_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"logging\.traffic\[0\]: Input should be"):
        _config(tmp_path, traffic=["coin_hopper"])
    with pytest.raises(ConfigError, match="listed twice"):
        _config(tmp_path, traffic=["printer", "printer"])


def test_an_unwritable_log_folder_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    config.data_dir.mkdir(parents=True)
    (config.data_dir / "logs").write_text("a file where the folder should be")
    configure_logging(config, verbose=0)
    logging.getLogger("kiosk.test").info("still logging")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert "logging to the console only" in lines[0]["msg"]
    assert lines[1]["msg"] == "still logging"
