"""A customer who walks away at the change confirmation: the idle timeout ends the session, the
change is closed in the journal, central changes nothing and the screens keep no customer data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import KioskApp
from tests.ui.helpers import running_kiosk, type_digits
from tests.ui.test_change_touch import (
    ZHANG_SAN,
    assert_session_left_nothing,
    central_events,
    central_plan,
    change_journal,
    logged_in,  # noqa: F401 (a fixture)
    open_menu_item,
    send_code,
)
from ui.frontend import UiSession
from ui.touch import tap, wait_until

pytestmark = pytest.mark.timeout(120)

IDLE_S = 10  # the shortest idle timeout the config allows


@pytest.fixture
def kiosk_app(tmp_path: Path) -> Iterator[KioskApp]:
    with running_kiosk(
        tmp_path, **{"kiosk.idle_timeout_s": IDLE_S, "kiosk.idle_warning_s": 3}
    ) as app:
        yield app


def test_walking_away_at_the_confirmation_changes_nothing(
    logged_in: UiSession,  # noqa: F811
    kiosk_app: KioskApp,
) -> None:
    """GIVEN the confirmation page with a code sent and half typed WHEN nobody touches the
    screen for the idle timeout THEN the session ends on the attract screen, the change is
    journalled as cancelled, central keeps the old plan and no change data is left."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm = ui.window, ui.vm
    open_menu_item(ui, "change.plan", "change.plans")
    tap(window, "change.plan.P128")
    assert wait_until(lambda: vm.screen == "change.confirm")
    send_code(ui, kiosk_app, msisdn)
    type_digits(ui, "123")

    assert wait_until(lambda: vm.idleSecondsLeft > 0, IDLE_S + 5)  # the countdown shows
    assert wait_until(lambda: vm.screen == "attract", IDLE_S + 5)
    assert_session_left_nothing(ui)
    assert wait_until(lambda: kiosk_app.journal.open_transactions() == [], 10)
    assert list(change_journal(kiosk_app).values()) == [["change.requested", "change.cancelled"]]
    assert central_plan(kiosk_app, msisdn) == "P58"
    assert central_events(kiosk_app, msisdn) == []
    assert ui.warnings == []
