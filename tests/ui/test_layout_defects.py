"""Issue 19's layout defects, each as it was seen, on the real screens: the service menu's title
over the header and its last row under the footer, elided English tile labels, the attract
pill narrower than its English words and the kiosk's name left in Chinese, a bill's unpaid
months hidden in a list that did not say it scrolled, English plurals as "note(s)"."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QRectF

from tests.ui.geometry import scan
from tests.ui.helpers import SIZES
from tests.ui.test_every_screen import show
from ui.features.payment import format_cny
from ui.frontend import UiSession
from ui.touch import find_item, screenshot, scroll_into_view

pytestmark = pytest.mark.timeout(120)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _scene(item: object) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))  # type: ignore[attr-defined]


@pytest.mark.parametrize("orientation", SIZES)
@pytest.mark.parametrize("mode", ["normal", "large_text"])
def test_menu_fits_between_the_bars(ui_session: UiSession, orientation: str, mode: str) -> None:
    """GIVEN the service menu in English WHEN shown THEN its title is below the header, every
    tile label reads whole, and every tile can be brought between the bars (scrolling)."""
    window = ui_session.window
    window.resize(*SIZES[orientation])
    show(ui_session, "menu", "en", mode)
    screenshot(window)
    area = _scene(find_item(window, "screenLoader"))
    assert _scene(find_item(window, "menu.title")).top() >= area.top()
    for row in ui_session.vm.services:
        tile = find_item(window, f"menu.{row['key']}")
        scroll_into_view(window, tile)
        assert area.contains(_scene(tile)), row["key"]
    assert scan(window).problems == []  # no label elided, nothing overlapping, all ≥ 15 mm


def test_attract_in_english(ui_session: UiSession) -> None:
    """GIVEN the attract screen in English THEN the kiosk's name is in English and "Touch the
    screen to start" stays inside its pill."""
    window = ui_session.window
    window.resize(1920, 1080)
    show(ui_session, "attract", "en", "normal")
    screenshot(window)
    name = str(find_item(window, "attract.name").property("text"))
    assert name
    assert not CJK.search(name)
    prompt = find_item(window, "attract.prompt")
    drawn = prompt.mapRectToScene(prompt.boundingRect())
    assert _scene(find_item(window, "attract.pill")).contains(drawn)
    assert not CJK.search(str(find_item(window, "attract.banner").property("text")))


def test_every_unpaid_month_adds_up_to_the_total(ui_session: UiSession) -> None:
    """GIVEN a bill of eight unpaid months WHEN the bill screen shows THEN every month is in it
    (the months shown add up to the total due) and, since they do not all fit, the page says it
    scrolls; scrolled, the last month shows between the bars."""
    window = ui_session.window
    window.resize(1920, 1080)
    show(ui_session, "payment.bill", "zh_CN", "normal")
    payment = ui_session.features["payment"]
    amounts = [6_850, 5_820, 7_130, 4_990, 8_800, 6_010, 5_555, 7_000]
    payment.state.months = [  # type: ignore[attr-defined]
        {"month": f"2026-{m:02d}", "amount": format_cny(fen)}
        for m, fen in zip(range(3, 11), amounts, strict=True)
    ]
    payment.state.due_fen = sum(amounts)  # type: ignore[attr-defined]
    payment.changed.emit()
    screenshot(window)
    assert text_in(ui_session, "bill.due") == format_cny(sum(amounts))
    months = [find_item(window, f"bill.month.{i}") for i in range(len(amounts))]
    assert all(m.isVisible() for m in months)
    assert find_item(window, "scroll.hint").isVisible()
    scroll_into_view(window, months[-1])
    area = _scene(find_item(window, "screenLoader"))
    assert area.contains(_scene(months[-1]))
    assert scan(window).problems == []


def test_english_plurals(ui_session: UiSession) -> None:
    """GIVEN English WHEN the cash screen counts notes THEN "0 notes", "1 note", "3 notes" —
    English numerus forms (ui/i18n/*_en.ts), never "note(s)"."""
    show(ui_session, "topup.cash", "en", "normal")
    screenshot(ui_session.window)
    assert text_in(ui_session, "cash.notes").startswith("0 notes accepted")
    source = "%n note(s) accepted · up to %1 more"
    forms = [QCoreApplication.translate("CashScreen", source, None, n) for n in (1, 3)]
    assert forms[0].startswith("1 note accepted"), forms
    assert forms[1].startswith("3 notes accepted"), forms


def text_in(ui_session: UiSession, name: str) -> str:
    return str(find_item(ui_session.window, name).property("text"))


def test_a_step_strip_says_where_the_customer_is(ui_session: UiSession) -> None:
    """GIVEN a multi-step journey WHEN on its second step THEN a strip under the header names
    the service, step 2 of 4 and the number typed; the service menu has no strip."""
    window = ui_session.window
    window.resize(1920, 1080)
    show(ui_session, "payment.amount", "en", "normal")
    screenshot(window)
    assert find_item(window, "step.strip").isVisible()
    assert text_in(ui_session, "step.where") == "Top up by card · step 2 of 4: Amount"
    assert text_in(ui_session, "step.entered") == "137 0013 7000"
    area = _scene(find_item(window, "screenLoader"))  # the screen starts under the strip
    assert _scene(find_item(window, "step.strip")).bottom() <= area.top() + 1
    show(ui_session, "menu", "en", "normal")
    screenshot(window)
    assert not find_item(window, "step.strip").isVisible()
