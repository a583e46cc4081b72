"""UI fixtures: a started kiosk (embedded central + simulators) with its QML UI loaded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from kiosk.app import KioskApp
from kiosk.config import load_config
from tests.conftest import REPO, write_config

ARTIFACTS = REPO / "test-artifacts" / "screens"


@pytest.fixture
def kiosk_app(tmp_path: Path) -> Iterator[KioskApp]:
    app = KioskApp(load_config(write_config(tmp_path)))
    app.start()
    yield app
    app.stop()


@pytest.fixture
def ui_session(qapp: object, kiosk_app: KioskApp) -> Iterator[object]:
    from ui.frontend import open_ui

    session = open_ui(kiosk_app, windowed=True)
    yield session
    session.close()


def save_screen(session: object, name: str) -> Path:
    from ui.touch import screenshot

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert screenshot(session.window).save(str(path))  # type: ignore[attr-defined]
    return path
