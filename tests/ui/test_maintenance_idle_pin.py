"""The maintenance PIN screen and idle end against the core, by touch: the attempts left show
before any wrong PIN, a legacy 4-digit PIN reaches the gate and shows the gate's reason without
costing an attempt, and the session's end by the core's idle clock (on the clock's own thread)
brings the kiosk back to attract, while technician taps keep restarting that clock. The idle
clock runs on a test clock moved by hand: no waiting out the real five minutes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.maintenance import MaintenanceSession
from tests.ui.helpers import running_kiosk, text_of
from tests.ui.test_maintenance_touch import (
    PIN,
    TECHNICIANS,
    actions,
    open_tile,
    tap_sequence,
    type_pin,
)
from ui.frontend import UiSession
from ui.touch import find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)

LEGACY_PIN = "2468"  # 4 digits: accepted once, refused now with its own reason


class ManualClock:
    """A monotonic clock that moves only when the test says so (thread-safe)."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@pytest.fixture
def kiosk_app(tmp_path: Path) -> Iterator[KioskApp]:
    """The kiosk of tests/ui/conftest.py with one technician configured."""
    with running_kiosk(tmp_path, **{"maintenance.technicians": TECHNICIANS}) as app:
        yield app


def open_pin_screen(ui: UiSession) -> None:
    tap_sequence(ui)
    assert wait_until(lambda: ui.vm.screen == "maintenance.pin", 5)


def test_attempts_left_show_before_any_wrong_pin(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN no wrong PIN yet WHEN the PIN screen opens THEN it says how many attempts there are
    (the gate's count, max_pin_attempts), in Chinese and in English."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    gate = kiosk_app.ops.gate
    assert gate is not None
    attempts = kiosk_app.config.maintenance.max_pin_attempts
    assert gate.attempts_left == attempts
    open_pin_screen(ui)
    assert wait_until(lambda: maintenance.attemptsLeft == attempts, 5)
    shown = find_item(ui.window, "maintenance.pin.attempts")
    assert shown.isVisible()
    assert text_of(ui, "maintenance.pin.attempts") == f"还可尝试 {attempts} 次，之后维护模式将锁定"
    assert not find_item(ui.window, "maintenance.pin.lock").isVisible()
    ui.vm.setLanguage("en")
    assert wait_until(
        lambda: (
            text_of(ui, "maintenance.pin.attempts")
            == f"{attempts} attempts left before maintenance locks"  # English numerus forms
        )
    )
    assert ui.warnings == []


def test_a_legacy_short_pin_shows_the_gates_reason_and_costs_no_attempt(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the PIN screen WHEN a technician enters a 4-digit PIN of the old kind THEN Enter
    sends it, the gate's reason shows (translated), the attempts left stay as they were, the
    refusal is journalled as such (not as a wrong PIN), and the right PIN still gets in."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    gate = kiosk_app.ops.gate
    assert gate is not None
    attempts = kiosk_app.config.maintenance.max_pin_attempts
    open_pin_screen(ui)
    assert wait_until(lambda: maintenance.attemptsLeft == attempts, 5)
    type_pin(ui, LEGACY_PIN)  # a TouchError here: Enter still off for a short PIN
    assert wait_until(lambda: ui.vm.messageKey == "maintenance.pin_too_short", 10)
    assert wait_until(lambda: not ui.vm.busy, 10)
    assert text_of(ui, "maintenance.pin.message") == (
        "密码位数不足：维护密码现为 6 至 12 位数字。请申请新密码。"
    )
    assert maintenance.pinLength == 0  # never kept once sent
    assert maintenance.attemptsLeft == attempts
    assert gate.attempts_left == attempts  # the core did not count it
    refused = [p["details"] for a, p in actions(kiosk_app) if a == "login_refused"]
    assert refused == [{"method": "touch", "reason": "pin_too_short"}]
    assert not any(a == "pin_failed" for a, _p in actions(kiosk_app))
    ui.vm.setLanguage("en")
    assert wait_until(
        lambda: text_of(ui, "maintenance.pin.message").startswith("This PIN is too short")
    )
    type_pin(ui, PIN)
    assert wait_until(lambda: ui.vm.screen == "maintenance.home", 10)
    assert ui.warnings == []


def test_the_cores_idle_end_returns_to_attract_and_taps_restart_its_clock(
    ui_session: UiSession, kiosk_app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN maintenance open on the cash screen, its idle clock on a test clock WHEN time passes
    with technician taps in between THEN each tap (on a control, or anywhere on the screen)
    gives back the whole idle time and the session stays; once the idle time passes without a
    tap the core ends the session on its clock's thread and the kiosk is back on attract, the
    logout journalled with reason idle and nothing of the technician left in the view-model."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    clock = ManualClock()
    monkeypatch.setattr(
        "kiosk.operations.MaintenanceSession",
        functools.partial(MaintenanceSession, monotonic=clock),
    )
    open_pin_screen(ui)
    type_pin(ui, PIN)
    assert wait_until(lambda: ui.vm.screen == "maintenance.home", 10)
    session = maintenance.technician_session
    assert session is not None
    timeout = session.idle_timeout_s
    assert timeout == kiosk_app.config.maintenance.idle_timeout_s
    open_tile(ui, "cash")

    clock.advance(timeout - 1)
    assert session.idle_remaining_s() == 1
    tap(ui.window, "maintenance.cash.collect")  # a control: asks to confirm
    assert session.idle_remaining_s() == timeout
    clock.advance(timeout - 1)
    ui.vm.touched()  # what the screen's catch-all area does on a tap beside the controls
    assert session.idle_remaining_s() == timeout
    clock.advance(timeout - 1)
    tap(ui.window, "maintenance.cash.keep")
    assert session.idle_remaining_s() == timeout
    clock.advance(timeout - 1)
    assert not session.expire_if_idle()
    assert session.open
    assert ui.vm.screen == "maintenance.cash"
    assert not any(a == "logout" for a, _p in actions(kiosk_app))

    clock.advance(1)  # the idle time is up: the clock's own thread ends the session
    assert wait_until(lambda: not session.open, 5)
    assert wait_until(lambda: ui.vm.screen == "attract", 5)
    logouts = [p["details"] for a, p in actions(kiosk_app) if a == "logout"]
    assert logouts == [{"reason": "idle"}]
    assert not maintenance.active
    assert maintenance.technician == ""
    assert not any(maintenance.customer_data().values()), maintenance.customer_data()
    assert ui.warnings == []
