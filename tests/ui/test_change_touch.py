"""Plan change and service on/off by touch, through the real view-model, flow and journal, against
the embedded reference central: what central recorded is read from its own database, the codes
from its SMS outbox (what the customer's phone would show)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.app import KioskApp
from kiosk.central_models import ChangeDone
from kiosk.errors import CentralUnavailable
from kiosk.flows.change import ChangeRequest
from tests.ui.conftest import ARTIFACTS, save_screen
from tests.ui.helpers import SMS_CODE, central_rows, central_texts, log_in, text_of, type_digits
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, screenshot, tap, wait_until

pytestmark = pytest.mark.timeout(120)

ZHANG_SAN = ("13800138000", "123456")  # reference central's demo account: plan P58, CALLER_ID on
WANG_WU = ("13700137000", "112233")  # plan P38, line suspended (owes money)


# --- what central recorded --------------------------------------------------------------------


def central_events(app: KioskApp, msisdn: str) -> list[tuple[str, dict[str, object]]]:
    rows = central_rows(
        app, "SELECT kind, detail_json FROM account_events WHERE msisdn = ? ORDER BY id", msisdn
    )
    return [(kind, json.loads(detail)) for kind, detail in rows]


def central_plan(app: KioskApp, msisdn: str) -> str:
    ((plan,),) = central_rows(app, "SELECT plan_code FROM accounts WHERE msisdn = ?", msisdn)
    return str(plan)


def central_services(app: KioskApp, msisdn: str) -> set[str]:
    rows = central_rows(app, "SELECT service_code FROM account_services WHERE msisdn = ?", msisdn)
    return {row[0] for row in rows}


def texted_codes(app: KioskApp, msisdn: str) -> list[str]:
    """The confirmation codes central texted to the number, newest first."""
    messages = [m for m in central_texts(app, msisdn) if m["purpose"] == "confirm"]
    return [match.group(1) for m in messages if (match := SMS_CODE.search(m["text"]))]


def change_journal(app: KioskApp) -> dict[str, list[str]]:
    """The kiosk journal's change transactions: txn id → its event kinds in order."""
    found: dict[str, list[str]] = {}
    for _seq, txn, kind, _payload in app.journal.events():
        if kind.startswith("change."):
            found.setdefault(txn, []).append(kind)
    return found


# --- driving the screens ----------------------------------------------------------------------


@pytest.fixture
def logged_in(ui_session: UiSession, kiosk_app: KioskApp) -> UiSession:
    """The customer touched the attract screen and logged in (directly through the core: the
    authentication screens are another feature's)."""
    log_in(ui_session, *ZHANG_SAN)
    return ui_session


def open_menu_item(ui: UiSession, key: str, screen: str) -> None:
    assert wait_until(lambda: find_item(ui.window, f"menu.{key}").isEnabled(), 15)
    tap(ui.window, f"menu.{key}")
    assert wait_until(lambda: ui.vm.screen == screen, 15)


def send_code(ui: UiSession, app: KioskApp, msisdn: str) -> str:
    change = ui.features["change"]
    before = len(texted_codes(app, msisdn))
    tap(ui.window, "change.send")
    assert wait_until(lambda: change.codeSent, 15)
    codes = texted_codes(app, msisdn)
    assert len(codes) == before + 1
    return codes[0]


def other_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def assert_session_left_nothing(ui: UiSession) -> None:
    change = ui.features["change"]
    assert ui.vm.screen == "attract"
    assert not any(change.customer_data().values()), change.customer_data()
    assert change.plans == []
    assert change.serviceList == []
    assert change.target == {}


# --- tests ------------------------------------------------------------------------------------


def test_plan_change_by_touch_is_recorded_once(logged_in: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN a logged-in customer on plan P58 WHEN they choose Premium 128, read what changes,
    ask for the code and type it THEN central records one plan change P58 → P128, the kiosk
    journals it, and the result page says so."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    open_menu_item(ui, "change.plan", "change.plans")
    assert "畅享58元套餐" in text_of(ui, "change.currentPlan")
    with pytest.raises(TouchError):
        tap(window, "change.plan.P58")  # the customer's own plan cannot be chosen
    assert text_of(ui, "change.planDiff.P128").startswith("+¥70.00")
    save_screen(ui, "change-01-plans")

    tap(window, "change.plan.P128")
    assert wait_until(lambda: vm.screen == "change.confirm")
    assert vm.messageKey == "change.check"
    assert "畅享58元套餐 → 畅享128元套餐" in text_of(ui, "change.detail.what")
    with pytest.raises(TouchError):
        tap(window, "change.confirmCode")  # no code yet
    assert texted_codes(kiosk_app, msisdn) == []  # nothing asked of central before Send code
    save_screen(ui, "change-02-confirm")

    code = send_code(ui, kiosk_app, msisdn)
    assert vm.messageKey == "change.enter_code"
    assert change.resendSeconds > 50
    with pytest.raises(TouchError):
        tap(window, "change.send")  # resend only after the countdown
    assert "138****8000" in text_of(ui, "change.sentTo")
    assert "（套餐变更为畅享128元套餐）" in text_of(ui, "change.sentTo")  # central's words
    assert central_plan(kiosk_app, msisdn) == "P58"  # nothing changes before the code
    type_digits(ui, code[:5])
    with pytest.raises(TouchError):
        tap(window, "change.confirmCode")  # five digits are not a code
    type_digits(ui, code[5:])
    assert text_of(ui, "change.code") == code
    save_screen(ui, "change-03-code")

    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.screen == "change.result", 15)
    assert vm.messageKey == "change.done"
    assert text_of(ui, "change.result.detail") == "您的套餐现为畅享128元套餐"
    save_screen(ui, "change-04-result")
    vm.setLanguage("en")
    QCoreApplication.processEvents()
    assert text_of(ui, "change.result.detail") == "Your plan is now Premium 128"
    save_screen(ui, "change-05-result-en")

    assert central_plan(kiosk_app, msisdn) == "P128"
    assert central_events(kiosk_app, msisdn) == [("plan_change", {"from": "P58", "to": "P128"})]
    journal = change_journal(kiosk_app)
    assert journal == {change.txnRef: ["change.requested", "change.confirming", "change.done"]}
    assert kiosk_app.journal.transaction(change.txnRef).state == "done"  # type: ignore[union-attr]

    tap(window, "nav.cancel")  # "Finish"
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert central_events(kiosk_app, msisdn) == [("plan_change", {"from": "P58", "to": "P128"})]
    assert ui.warnings == []


def test_wrong_sms_code_changes_nothing(logged_in: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN the confirmation page with a code sent WHEN the customer types a wrong code THEN
    central changes nothing, the screen says so with the attempts left and clears the code;
    THEN the right code applies the change once."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    open_menu_item(ui, "change.plan", "change.plans")
    tap(window, "change.plan.P38")
    assert wait_until(lambda: vm.screen == "change.confirm")
    code = send_code(ui, kiosk_app, msisdn)

    type_digits(ui, other_code(code))
    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.messageKey == "sms.wrong_code", 15)
    assert vm.screen == "change.confirm"
    assert change.attemptsLeft == 2
    assert change.digits == ""
    assert text_of(ui, "change.message") not in ("", "请稍候")  # said in words
    assert "还可尝试 2 次" in text_of(ui, "change.sentTo")
    save_screen(ui, "change-06-wrong-code")
    assert central_plan(kiosk_app, msisdn) == "P58"
    assert central_events(kiosk_app, msisdn) == []
    assert len(texted_codes(kiosk_app, msisdn)) == 1

    type_digits(ui, code)
    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.screen == "change.result", 15)
    assert central_plan(kiosk_app, msisdn) == "P38"
    assert central_events(kiosk_app, msisdn) == [("plan_change", {"from": "P58", "to": "P38"})]
    kinds = change_journal(kiosk_app)[change.txnRef]
    assert kinds == [
        "change.requested", "change.confirming", "change.code_refused", "change.confirming",
        "change.done",
    ]  # fmt: skip
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert ui.warnings == []


def test_three_wrong_codes_use_the_code_up(logged_in: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN a code sent WHEN three wrong codes are typed THEN the screen asks for a new code
    (not a fourth try), even the right code is refused now, and central changed nothing."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    open_menu_item(ui, "change.service", "change.services")
    tap(window, "change.service.RINGBACK")
    assert wait_until(lambda: vm.screen == "change.confirm")
    code = send_code(ui, kiosk_app, msisdn)
    for left in (2, 1, 0):
        type_digits(ui, other_code(code))
        tap(window, "change.confirmCode")
        assert wait_until(lambda: change.attemptsLeft == left and not change.busy, 15)  # noqa: B023
    assert vm.messageKey == "sms.used"
    save_screen(ui, "change-15-code-used-up")
    type_digits(ui, code)
    tap(window, "change.confirmCode")
    assert wait_until(lambda: not change.busy and change.digits == "", 15)
    assert vm.messageKey == "sms.used"
    assert vm.screen == "change.confirm"
    assert "RINGBACK" not in central_services(kiosk_app, msisdn)
    assert central_events(kiosk_app, msisdn) == []
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert wait_until(lambda: kiosk_app.journal.open_transactions() == [], 10)
    (kinds,) = change_journal(kiosk_app).values()
    assert kinds.count("change.code_refused") == 4
    assert kinds[-1] == "change.cancelled"
    assert ui.warnings == []


@pytest.mark.parametrize(
    ("service", "was_on", "name", "after"),
    [
        ("ROAMING", False, "国际漫游", "国际漫游已开通"),
        ("CALLER_ID", True, "来电显示", "来电显示已退订"),
    ],
    ids=["on", "off"],
)
def test_service_switched_by_touch(
    logged_in: UiSession,
    kiosk_app: KioskApp,
    *,
    service: str,
    was_on: bool,
    name: str,
    after: str,
) -> None:
    """GIVEN the services page WHEN the customer taps a service's switch and confirms with the
    texted code THEN central switches exactly that service, once, and the list shows it."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    open_menu_item(ui, "change.service", "change.services")
    assert (service in central_services(kiosk_app, msisdn)) is was_on
    assert text_of(ui, f"change.serviceState.{service}") == ("已开通" if was_on else "未开通")
    save_screen(ui, f"change-07-services-{service}")

    tap(window, f"change.service.{service}")
    assert wait_until(lambda: vm.screen == "change.confirm")
    assert text_of(ui, "change.detail.what") == name
    switch = "已开通 → 已退订" if was_on else "未开通 → 已开通"
    assert text_of(ui, "change.detail.switch") == switch
    code = send_code(ui, kiosk_app, msisdn)
    save_screen(ui, f"change-08-confirm-{service}")
    type_digits(ui, code)
    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.screen == "change.result", 15)
    assert text_of(ui, "change.result.detail") == after
    save_screen(ui, f"change-09-result-{service}")

    assert (service in central_services(kiosk_app, msisdn)) is not was_on
    assert central_events(kiosk_app, msisdn) == [
        ("service_change", {"service": service, "active": not was_on})
    ]
    assert change_journal(kiosk_app) == {
        change.txnRef: ["change.requested", "change.confirming", "change.done"]
    }
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert ui.warnings == []


@pytest.mark.parametrize(
    ("service", "on", "key", "text"),
    [
        ("ROAMING", True, "service.already_on", "该业务已是开通状态，列表已更新。"),
        ("CALLER_ID", False, "service.already_off", "该业务已是取消状态，列表已更新。"),
    ],
    ids=["already-on", "already-off"],
)
def test_service_already_switched_elsewhere(
    logged_in: UiSession,
    kiosk_app: KioskApp,
    *,
    service: str,
    on: bool,
    key: str,
    text: str,
) -> None:
    """GIVEN the services page WHEN the service is switched another way meanwhile (here: through
    the core directly) and the customer then asks for the same switch THEN central refuses it
    (no code texted, nothing changed twice) and the list says so and shows the real state."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm = ui.window, ui.vm
    open_menu_item(ui, "change.service", "change.services")
    assert text_of(ui, f"change.serviceState.{service}") == ("已开通" if not on else "未开通")

    desk = kiosk_app.desk
    assert desk is not None
    elsewhere = desk.change(ChangeRequest("change.service", service, active=on))
    elsewhere.request_code()
    elsewhere.confirm(texted_codes(kiosk_app, msisdn)[0])
    assert (service in central_services(kiosk_app, msisdn)) is on

    tap(window, f"change.service.{service}")  # the page still shows the old state
    assert wait_until(lambda: vm.screen == "change.confirm")
    tap(window, "change.send")
    assert wait_until(lambda: vm.screen == "change.services" and vm.messageKey == key, 15)
    assert text_of(ui, "change.message") == text
    assert text_of(ui, f"change.serviceState.{service}") == ("已开通" if on else "未开通")
    save_screen(ui, f"change-10-{key}")
    assert len(texted_codes(kiosk_app, msisdn)) == 1  # only the change made elsewhere
    assert central_events(kiosk_app, msisdn) == [
        ("service_change", {"service": service, "active": on})
    ]
    refused = [k for t, k in change_journal(kiosk_app).items() if t != elsewhere.snapshot.txn_id]
    assert refused == [["change.failed"]]
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert ui.warnings == []


def test_abandoning_at_the_confirmation_changes_nothing(
    logged_in: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the confirmation page with the code typed WHEN the customer taps Back THEN the
    change is cancelled and central changes nothing; WHEN they choose again at once THEN central
    asks them to wait for the next code (a countdown), and Cancel ends the session with nothing
    changed at central and every change closed in the journal."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    open_menu_item(ui, "change.plan", "change.plans")
    tap(window, "change.plan.P128")
    assert wait_until(lambda: vm.screen == "change.confirm")
    code = send_code(ui, kiosk_app, msisdn)
    type_digits(ui, code)

    tap(window, "nav.back")
    assert wait_until(lambda: vm.screen == "change.plans", 15)
    assert vm.messageKey == "change.cancelled"
    assert text_of(ui, "change.message") == "已取消，未做任何变更。"
    save_screen(ui, "change-11-abandoned")
    assert change.customer_data()["flow"] is None
    assert change.digits == ""
    assert central_plan(kiosk_app, msisdn) == "P58"
    assert central_events(kiosk_app, msisdn) == []
    assert list(change_journal(kiosk_app).values()) == [["change.requested", "change.cancelled"]]

    tap(window, "change.plan.SENIOR18")  # a second change within the minute
    assert wait_until(lambda: vm.screen == "change.confirm")
    tap(window, "change.send")
    assert wait_until(lambda: vm.messageKey == "sms.too_soon", 15)
    assert 0 < change.resendSeconds <= 60
    assert not change.codeSent
    with pytest.raises(TouchError):
        tap(window, "change.send")  # until central's minute is over
    save_screen(ui, "change-12-too-soon")

    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert wait_until(lambda: kiosk_app.journal.open_transactions() == [], 10)
    journal = change_journal(kiosk_app)
    assert sorted(journal.values()) == [["change.cancelled"], ["change.requested",
                                                               "change.cancelled"]]  # fmt: skip
    assert central_plan(kiosk_app, msisdn) == "P58"
    assert central_events(kiosk_app, msisdn) == []
    assert len(texted_codes(kiosk_app, msisdn)) == 1
    assert ui.warnings == []


def test_lost_answer_is_confirmed_again_and_applied_once(
    logged_in: UiSession, kiosk_app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the code typed WHEN central applies the change but its answer is lost on the way
    back THEN the page keeps the code, offers no way back and asks to confirm again; THEN the
    second Confirm gets central's first answer: the plan changed exactly once."""
    ui, msisdn = logged_in, ZHANG_SAN[0]
    window, vm, change = ui.window, ui.vm, ui.features["change"]
    api = kiosk_app.api
    assert api is not None
    real = api.confirm_change
    sent: list[str] = []

    def lossy(token: str, confirmation_id: str, code: str) -> ChangeDone:
        sent.append(code)
        done = real(token, confirmation_id, code)
        if len(sent) == 1:
            raise CentralUnavailable("the answer was lost on the way back")
        return done

    monkeypatch.setattr(api, "confirm_change", lossy)
    open_menu_item(ui, "change.plan", "change.plans")
    tap(window, "change.plan.P128")
    assert wait_until(lambda: vm.screen == "change.confirm")
    code = send_code(ui, kiosk_app, msisdn)
    type_digits(ui, code)
    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.messageKey == "change.answer_lost", 15)
    assert vm.screen == "change.confirm"
    assert change.confirming
    assert change.digits == code  # only the same code may go again
    with pytest.raises(TouchError):
        tap(window, "nav.back")  # the change may already be made: no going back
    with pytest.raises(TouchError):
        tap(window, "change.send")  # nor a new code
    assert text_of(ui, "change.message") == "暂未收到结果，请再次点击“确认变更”，不会重复办理。"
    save_screen(ui, "change-13-answer-lost")
    assert central_plan(kiosk_app, msisdn) == "P128"  # central did apply it

    tap(window, "change.confirmCode")
    assert wait_until(lambda: vm.screen == "change.result", 15)
    assert sent == [code, code]
    assert central_events(kiosk_app, msisdn) == [("plan_change", {"from": "P58", "to": "P128"})]
    assert change_journal(kiosk_app) == {
        change.txnRef: ["change.requested", "change.confirming", "change.done"]
    }
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert_session_left_nothing(ui)
    assert ui.warnings == []


def test_suspended_line_cannot_change_plan(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN a customer whose line is suspended WHEN the plans page opens THEN no plan can be
    chosen (central would refuse: account.suspended), the page says why before any tap and
    offers to pay the bill — nothing is texted, nothing journalled (issue 19: the buttons were
    active and there was no route to pay)."""
    window, vm = ui_session.window, ui_session.vm
    log_in(ui_session, *WANG_WU)
    open_menu_item(ui_session, "change.plan", "change.plans")
    assert wait_until(lambda: ui_session.features["change"].suspended, 15)
    # the screen follows the view-model through its bindings: wait for it, never read at once
    assert wait_until(lambda: find_item(window, "change.suspended").isVisible(), 15)
    assert wait_until(lambda: not find_item(window, "change.plan.P58").isEnabled(), 15)
    save_screen(ui_session, "change-14-suspended")
    assert texted_codes(kiosk_app, WANG_WU[0]) == []
    assert central_plan(kiosk_app, WANG_WU[0]) == "P38"
    assert central_events(kiosk_app, WANG_WU[0]) == []
    assert list(change_journal(kiosk_app).values()) == []
    tap(window, "change.payBill")
    assert wait_until(lambda: vm.screen == "payment.number")
    assert wait_until(lambda: find_item(window, "nav.cancel").isEnabled(), 15)
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract", 15)
    assert_session_left_nothing(ui_session)
    assert ui_session.warnings == []


def test_change_screens_in_every_mode(ui_session: UiSession) -> None:
    """GIVEN the change screens with example data WHEN shown in both languages, both
    orientations, and with large text and high contrast THEN no QML warning; PNGs are kept."""
    vm, window, change = ui_session.vm, ui_session.window, ui_session.features["change"]
    folder = ARTIFACTS / "change"
    folder.mkdir(parents=True, exist_ok=True)
    for orientation, (width, height) in {
        "landscape": (1920, 1080),
        "portrait": (1080, 1920),
    }.items():
        window.resize(width, height)
        for screen in change.screens:
            for language in ("zh_CN", "en"):
                for modes in ("normal", "large-contrast"):
                    vm.home()
                    vm.start()
                    change.preview(screen)
                    vm.go(screen)
                    vm.setLanguage(language)
                    if modes != "normal":
                        vm.toggleLargeText()
                        vm.toggleHighContrast()
                    for _ in range(3):
                        QCoreApplication.processEvents()
                    name = f"{screen}-{language}-{orientation}-{modes}.png"
                    assert screenshot(window).save(str(folder / name))
                    assert ui_session.warnings == [], name
    vm.home()
    assert not any(change.customer_data().values())
