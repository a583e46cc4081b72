"""`kiosk demo --headless` as a tour of every service (kiosk/tour/): one cheap journey through the
command line in every run, the whole tour with KIOSK_SOAK=1.

The core may not import Qt, so the tour takes a `Screen` from the UI. ui/ does not hand it one
yet (ui/frontend.py's run_demo still runs its scripted top-up), so this file holds that binding —
`QtScreen` over ui.touch and `TourFrontend`, the demo half of ui/entry.py's frontend — which is
what ui/ is to take over (the report of this change says where)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from kiosk.app import KioskApp
from kiosk.cli import main
from kiosk.tour import JOURNEY_KEYS, run_tour
from tests.conftest import write_config
from ui.frontend import UiSession, ensure_application, open_ui, prepare_environment
from ui.touch import find_item, screenshot, tap, wait_until

SOAK = os.environ.get("KIOSK_SOAK") == "1"


class QtScreen:
    """The tour's `Screen` on the Qt UI: taps and waits of ui.touch, the session's view-models."""

    def __init__(self, session: UiSession) -> None:
        self.session = session

    @property
    def vm(self) -> Any:
        return self.session.vm

    @property
    def warnings(self) -> list[str]:
        return self.session.warnings

    def feature(self, name: str) -> Any:
        return self.session.features[name]

    def tap(self, name: str) -> None:
        tap(self.session.window, name)

    def tappable(self, name: str) -> bool:
        try:
            item = find_item(self.session.window, name)
        except AssertionError:
            return False
        return bool(item.isVisible() and item.isEnabled())

    def text(self, name: str) -> str:
        return str(find_item(self.session.window, name).property("text"))

    def stroke(self, name: str) -> None:
        window = self.session.window
        pad = find_item(window, name)
        points = [
            pad.mapToScene(
                QPointF(pad.width() * (0.15 + 0.07 * i), pad.height() * (0.5 + 0.2 * (-1) ** i))
            ).toPoint()
            for i in range(10)
        ]
        modifier = Qt.KeyboardModifier.NoModifier
        QTest.mousePress(window, Qt.MouseButton.LeftButton, modifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(window, point, 5)
        QTest.mouseRelease(window, Qt.MouseButton.LeftButton, modifier, points[-1])

    def wait(self, condition: Callable[[], object], timeout_s: float) -> bool:
        return wait_until(lambda: bool(condition()), timeout_s)

    def save(self, path: Path) -> bool:
        return bool(screenshot(self.session.window).save(str(path)))


class TourFrontend:
    """The `kiosk.cli.Frontend` demo half: headless, the tour."""

    def prepare(self) -> None:
        pass

    def run(self, app: KioskApp, **_: Any) -> int:
        raise AssertionError("not used")

    def demo(
        self, app: KioskApp, *, out_dir: Path, headless: bool | None, only: str | None = None
    ) -> int:
        assert headless is True
        prepare_environment(headless=True)
        ensure_application()
        session = open_ui(app, windowed=True)
        try:
            return run_tour(app, QtScreen(session), out_dir, only=only)
        finally:
            session.close()


def _demo(tmp_path: Path, capsys: pytest.CaptureFixture[str], *only: str) -> tuple[int, str, Path]:
    config = write_config(tmp_path)
    out = tmp_path / "demo-out"
    args = ["-c", str(config), "demo", "--headless", "--out", str(out), *only]
    code = main(args, frontend=TourFrontend())
    return code, capsys.readouterr().out, out


@pytest.mark.timeout(180)
def test_demo_only_cash_topup_saves_its_screens_and_receipt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN the shipped config WHEN `kiosk demo --headless --only topup.cash` THEN it exits 0,
    saves the journey's screens and the receipt as a picture, and the table says central
    credited the top-up."""
    code, printed, out = _demo(tmp_path, capsys, "--only", "topup.cash")
    assert code == 0, printed
    assert len(list(out.glob("topup-cash-*.png"))) >= 4
    receipt = out / "topup-cash-receipt-topup.png"
    assert receipt.stat().st_size > 1000
    row = next(line for line in printed.splitlines() if line.startswith("topup.cash "))
    assert row.split()[1] == "ok"
    assert "topup.v1: credited" in row, printed


def test_an_unknown_journey_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["-c", str(write_config(tmp_path)), "demo", "--only", "lottery"],
             frontend=TourFrontend())  # fmt: skip
    assert exited.value.code == 2


@pytest.mark.skipif(not SOAK, reason="the whole tour: KIOSK_SOAK=1 (make soak)")
@pytest.mark.timeout(600)
def test_the_whole_tour_succeeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, printed, out = _demo(tmp_path, capsys)
    assert code == 0, printed
    for key in JOURNEY_KEYS:
        row = next(line for line in printed.splitlines() if line.startswith(f"{key} "))
        assert row.split()[1] == "ok", row
    assert list(out.glob("fleet-*.png"))
