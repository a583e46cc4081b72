"""UI fixtures: a started kiosk (embedded central + simulators) with its QML UI loaded; the
shared helpers of the touch tests are in tests/ui/helpers.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from kiosk.app import KioskApp
from tests.conftest import REPO
from tests.ui.helpers import running_kiosk

ARTIFACTS = REPO / "test-artifacts" / "screens"


@pytest.fixture
def kiosk_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KioskApp]:
    """The shipped config, started, with any config overrides a test gives as its indirect
    parameter (`@pytest.mark.parametrize("kiosk_app", [{...}], indirect=True)`)."""
    with running_kiosk(tmp_path, **getattr(request, "param", {})) as app:
        yield app


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
