"""Helpers shared by the UI tests (tests/ui/test_*_touch.py and the screen tests): a kiosk
started with config overrides, a screen shown with its preview data, a customer logged in
through the core, keys typed, what a screen says, and what the embedded reference central
recorded — its own database, read-only, and its SMS outbox."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import requests
from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QTest

from drivers.interfaces import IdCardRecord, Sex
from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from tests.conftest import write_config
from ui.frontend import UiSession
from ui.touch import find_item, tap, wait_until

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}  # the screen tests' windows
SMS_CODE = re.compile(r"验证码(\d{6})")  # the code in central's login and confirmation texts


# --- the kiosk --------------------------------------------------------------------------------


@contextmanager
def running_kiosk(
    tmp_path: Path, prepare: Callable[[KioskConfig], None] | None = None, **overrides: Any
) -> Iterator[KioskApp]:
    """The shipped config with `overrides` (write_config's dotted keys), started; stopped after.
    `prepare` sees the config before the app starts (e.g. to seed its data folder)."""
    config = load_config(write_config(tmp_path, **overrides))
    if prepare is not None:
        prepare(config)
    app = KioskApp(config)
    app.start()
    try:
        yield app
    finally:
        app.stop()


# --- driving the screens ----------------------------------------------------------------------


def show_preview(ui: UiSession, screen: str) -> None:
    """`screen` from a fresh start, filled with its feature's preview data."""
    vm = ui.vm
    vm.home()
    vm.start()
    owner = next((f for f in ui.features.values() if screen in f.screens), None)
    if owner is not None:
        owner.preview(screen)
    vm.go(screen)
    assert wait_until(lambda: vm.screen == screen, 5)
    for _ in range(3):
        QCoreApplication.processEvents()


def log_in(ui: UiSession, msisdn: str, password: str) -> None:
    """The customer touched the attract screen and is logged in by service password through the
    core session (the login screens are tests/ui/test_auth_touch.py's); on the menu."""
    vm, window = ui.vm, ui.window
    assert QTest.qWaitForWindowExposed(window)  # a tap before the first frame is lost
    assert wait_until(lambda: find_item(window, "attract.start").width() > 0)  # laid out
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu", 20), vm.screen
    session = vm.session
    assert session is not None
    session.login_password(msisdn, password)


def type_digits(ui: UiSession, digits: str) -> None:
    for digit in digits:
        tap(ui.window, f"key.{digit}")


def text_of(ui: UiSession, name: str) -> str:
    return str(find_item(ui.window, name).property("text"))


def printer_jobs(app: KioskApp) -> list[bytes]:
    """What reached the simulated ESC/POS printer, a job a receipt."""
    return list(app.simulators["printer"].handle.jobs)  # type: ignore[attr-defined]


def assert_all_dropped(ui: UiSession, feature: str) -> None:
    """Back on the attract screen, `feature` holds nothing of the customer, no QML warning."""
    held = ui.features[feature].customer_data()
    assert ui.vm.screen == "attract"
    assert not any(held.values()), held
    assert ui.warnings == []


def zhang_san_card() -> IdCardRecord:
    """The record on the ID card simulator's "valid" card: 张三, owner of 138 0013 8000."""
    return IdCardRecord(
        name="张三", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 3, 7),
        address="北京市东城区测试路100号", id_number="110101199003074477",
        issuer="北京市公安局东城分局", valid_from=date(2016, 5, 1), valid_to=date(2036, 5, 1),
    )  # fmt: skip


# --- what central recorded --------------------------------------------------------------------


def central_db(app: KioskApp) -> sqlite3.Connection:
    """The embedded reference central's own database, read-only (close it after use)."""
    embedded = app.config.central.embedded
    assert embedded is not None
    path = app.data_dir / embedded.db
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def central_rows(app: KioskApp, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with closing(central_db(app)) as db:
        return db.execute(sql, args).fetchall()


def central_sessions(app: KioskApp, msisdn: str) -> list[tuple[str, int]]:
    """(method, ended) of the customer sessions central opened for `msisdn`, oldest first."""
    return central_rows(
        app, "SELECT method, ended FROM customer_sessions WHERE msisdn = ? ORDER BY created_at",
        msisdn,
    )  # fmt: skip


def central_texts(app: KioskApp, msisdn: str, **params: object) -> list[dict[str, Any]]:
    """The text messages central "sent" to `msisdn` (its ops SMS outbox), newest first."""
    embedded = app.config.central.embedded
    assert embedded is not None
    reply = requests.get(
        f"{app.central_url}/v1/ops/sms",
        params={"msisdn": msisdn, **params},
        headers={"Authorization": f"Bearer {embedded.ops_token}"},
        timeout=5,
    )
    reply.raise_for_status()
    return list(reply.json()["messages"])
