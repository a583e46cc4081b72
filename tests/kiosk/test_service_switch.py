"""kiosk.maintenance_status.ServiceSwitch: asked on every screen change and menu refresh, it
reads its file only when the file changed, and still sees every flip, also by another process
(the technician's CLI), a damaged file and a removed one."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from kiosk import maintenance_status
from kiosk.maintenance_status import ServiceSwitch


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    real = maintenance_status.read_json

    def counting(path: Path) -> dict[str, Any] | None:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(maintenance_status, "read_json", counting)
    return seen


def test_the_file_is_read_only_when_it_changed(tmp_path: Path, reads: list[Path]) -> None:
    """GIVEN a switch set out of service WHEN asked 100 times THEN the file is read once."""
    switch = ServiceSwitch(tmp_path / "switch.json")
    assert switch.set("repair", "tech-1")
    reads.clear()
    assert [switch.reason() for _ in range(100)] == ["repair"] * 100
    assert len(reads) == 1


def test_a_flip_by_another_process_is_seen_at_the_next_question(tmp_path: Path) -> None:
    """GIVEN the running kiosk's switch WHEN the CLI (another ServiceSwitch on the same file)
    flips it out, in and out again THEN the kiosk's answer follows each flip."""
    path = tmp_path / "switch.json"
    kiosk, cli = ServiceSwitch(path), ServiceSwitch(path)
    assert kiosk.reason() is None
    for reason in ("repair", None, "cash box full", None):
        cli.set(reason, "tech-2")
        assert kiosk.reason() == reason


def test_a_damaged_file_means_in_service_and_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a switch file that is not JSON WHEN asked often THEN in service (the file says
    nothing usable), one error logged, not one per question; a repaired file is read again."""
    path = tmp_path / "switch.json"
    path.write_text("{not json", encoding="utf-8")
    switch = ServiceSwitch(path)
    with caplog.at_level(logging.ERROR):
        assert [switch.reason() for _ in range(20)] == [None] * 20
    assert len([r for r in caplog.records if "unreadable" in r.getMessage()]) == 1
    ServiceSwitch(path).set("repair", "tech-1")
    assert switch.reason() == "repair"


def test_a_removed_file_means_in_service(tmp_path: Path) -> None:
    path = tmp_path / "switch.json"
    switch = ServiceSwitch(path)
    switch.set("repair", "tech-1")
    assert switch.reason() == "repair"
    path.unlink()
    assert switch.reason() is None
