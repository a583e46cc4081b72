"""Maintenance mode driven by touch through the real view-model, the core's gate and maintenance
session, the device simulators (ESC/POS printer, ID-003 acceptor, ID card SAM module) and the
embedded reference central: entry by the hidden corner sequence and by a technician badge on the
ID card reader, the PIN with its lockout, cash collection against the journal with its slip,
self-tests, the out-of-service switch as customers see it, dead letters, logs, about, paper."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import offline_queue
from kiosk import __version__
from kiosk.app import JOURNAL_FILE, KioskApp
from kiosk.central_ops import recorded_topups
from kiosk.config import KioskConfig
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.maintenance_auth import hash_secret
from tests.ui.conftest import save_screen
from tests.ui.helpers import running_kiosk, text_of, type_digits
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)

FAST = 2**10  # scrypt cost of the test hashes (the verifier reads it from the string)
PIN = "246810"
WRONG = "135791"
BADGE = "110101199003074477"  # the number on the simulator's "valid" card: our technician's badge
SEQUENCE = ("top_left", "top_right", "top_left", "bottom_right", "bottom_left")
TECHNICIANS = [
    {"id": "T001", "name": "王工", "pin_hash": hash_secret(PIN, n=FAST),
     "badge_hashes": [hash_secret(BADGE, n=FAST)]},
]  # fmt: skip
# Two items central refused earlier (seeded before the kiosk starts): one it would take now,
# one it never will.
GOOD_TOPUP = {
    "txn_id": "dl-good-txn", "msisdn": "13900139000", "amount_fen": 5000, "currency": "CNY",
    "method": "cash", "created_at": "2026-11-30T08:00:00+08:00", "offline": True,
}  # fmt: skip
BAD_TOPUP = {"txn_id": "dl-bad-txn", "msisdn": "13900139001"}  # no amount: refused for good


def _seed_dead_letters(config: KioskConfig) -> None:
    data_dir = config.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(data_dir / JOURNAL_FILE)
    try:
        for key, body in (("dl-good", GOOD_TOPUP), ("dl-bad", BAD_TOPUP)):
            journal.record(
                Entry(
                    f"{key}-seed", "test.seed", {}, outbox=(OutboxMessage(key, "topup.v1", body),)
                )
            )
    finally:
        journal.close()
    store = offline_queue.OutboxStore(data_dir / JOURNAL_FILE)
    try:
        assert store.mark_dead("dl-good", "msisdn: unknown")
        assert store.mark_dead("dl-bad", "amount_fen: Field required")
    finally:
        store.close()


@pytest.fixture
def kiosk_app(tmp_path: Path) -> Iterator[KioskApp]:
    """The kiosk of tests/ui/conftest.py with one technician configured and two dead letters."""
    technicians = {"maintenance.technicians": TECHNICIANS}
    with running_kiosk(tmp_path, _seed_dead_letters, **technicians) as app:
        yield app


# --- helpers -------------------------------------------------------------------------------


def journal_of(app: KioskApp) -> Journal:
    assert app.journal is not None
    return app.journal


def actions(app: KioskApp) -> list[tuple[str, dict[str, Any]]]:
    """The maintenance actions on the journal: (action, payload) in order."""
    return [
        (payload["action"], payload)
        for _seq, _txn, kind, payload in journal_of(app).events()
        if kind.startswith("maintenance.")
    ]


def tap_sequence(ui: UiSession) -> None:
    for corner in SEQUENCE:
        tap(ui.window, f"maint.corner.{corner}")


def type_pin(ui: UiSession, pin: str) -> None:
    type_digits(ui, pin)
    tap(ui.window, "maintenance.pin.enter")


def log_in(ui: UiSession) -> None:
    assert ui.vm.screen in ("attract", "out_of_service")  # both have the corners
    tap_sequence(ui)
    assert wait_until(lambda: ui.vm.screen == "maintenance.pin", 5)
    type_pin(ui, PIN)
    assert wait_until(lambda: ui.vm.screen == "maintenance.home", 10)


def open_tile(ui: UiSession, tile: str) -> None:
    tap(ui.window, f"maintenance.tile.{tile}")
    assert wait_until(lambda: ui.vm.screen == f"maintenance.{tile}", 5)
    assert wait_until(lambda: not ui.vm.busy, 10)


def back_home(ui: UiSession) -> None:
    assert wait_until(lambda: not ui.vm.busy, 10)
    tap(ui.window, "nav.back")
    assert wait_until(lambda: ui.vm.screen == "maintenance.home", 5)


def exit_maintenance(ui: UiSession) -> None:
    if ui.vm.screen != "maintenance.home":
        back_home(ui)
    assert wait_until(lambda: not ui.vm.busy, 10)
    tap(ui.window, "maintenance.tile.exit")
    assert wait_until(lambda: ui.vm.screen in ("attract", "out_of_service"), 10)


def printed(app: KioskApp) -> list[str]:
    return app.simulated_receipt_texts()


# --- entry and PIN ------------------------------------------------------------------------


def test_five_wrong_pins_lock_maintenance(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN the attract screen WHEN a technician does the hidden corner sequence and enters a
    wrong PIN five times THEN the attempts left count down, the fifth locks maintenance with a
    countdown, the keypad and Enter stop working, and every attempt is journalled; Back leaves."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    tap(ui.window, "maint.corner.top_left")
    tap(ui.window, "maint.corner.bottom_right")  # out of order: the sequence starts again
    assert ui.vm.screen == "attract"
    assert kiosk_app.desk is not None
    assert kiosk_app.desk.session is None  # a corner tap starts no customer session
    tap_sequence(ui)
    assert wait_until(lambda: ui.vm.screen == "maintenance.pin", 5)
    assert text_of(ui, "maintenance.pin.message") == "请输入维护密码"
    with pytest.raises(TouchError):
        tap(ui.window, "maintenance.pin.enter")  # nothing typed: nothing to send
    for digit in "12":
        tap(ui.window, f"key.{digit}")
    assert text_of(ui, "maintenance.pin.display") == "●●"
    tap(ui.window, "key.clear")
    assert maintenance.pinLength == 0
    save_screen(ui, "maintenance-01-pin")
    for left in (4, 3, 2, 1):
        type_pin(ui, WRONG)
        assert wait_until(lambda n=left: maintenance.attemptsLeft == n, 10)
        assert text_of(ui, "maintenance.pin.message") == "密码错误，请重试。"
        assert str(left) in text_of(ui, "maintenance.pin.attempts")
    save_screen(ui, "maintenance-02-wrong-pin")
    type_pin(ui, WRONG)
    assert wait_until(lambda: maintenance.lockSecondsLeft > 0, 10)
    assert find_item(ui.window, "maintenance.pin.lock").isVisible()
    assert text_of(ui, "maintenance.pin.message").startswith("密码错误次数过多")
    assert maintenance.lockSecondsLeft > kiosk_app.config.maintenance.lockout_s - 10
    with pytest.raises(TouchError):
        tap(ui.window, "key.2")  # the keypad is off while locked
    assert maintenance.pinLength == 0
    with pytest.raises(TouchError):
        tap(ui.window, "maintenance.pin.enter")
    save_screen(ui, "maintenance-03-locked")
    failed = [p for a, p in actions(kiosk_app) if a == "pin_failed"]
    assert [p["details"]["failures"] for p in failed] == [1, 2, 3, 4, 5]
    assert failed[-1]["details"]["locked"] is True
    assert not any(a == "login" for a, _p in actions(kiosk_app))

    tap(ui.window, "nav.back")
    assert wait_until(lambda: ui.vm.screen == "attract", 5)
    assert not any(maintenance.customer_data().values())
    # Locked means locked, whatever the way in: the sequence again shows the countdown at once.
    tap_sequence(ui)
    assert wait_until(lambda: maintenance.lockSecondsLeft > 0, 5)
    with pytest.raises(TouchError):
        tap(ui.window, "key.2")
    tap(ui.window, "nav.cancel")
    assert wait_until(lambda: ui.vm.screen == "attract", 5)
    assert ui.warnings == []


def test_badge_then_right_pin_opens_maintenance_and_exit_is_journalled(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the attract screen WHEN the technician's badge is put on the ID card reader THEN
    the PIN screen shows by itself; a wrong PIN leaves 4 attempts, the right one opens the
    maintenance home (journalled as a badge login) without any customer session; Exit goes back
    to attract, journalled, with nothing of the technician left in the view-model."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    reader = kiosk_app.simulators["id_card_reader"].handle
    reader.place_card("valid")  # type: ignore[attr-defined]
    assert wait_until(lambda: ui.vm.screen == "maintenance.pin", 10)
    reader.remove_card()  # type: ignore[attr-defined]
    type_pin(ui, WRONG)
    assert wait_until(lambda: maintenance.attemptsLeft == 4, 10)
    type_pin(ui, PIN)
    assert wait_until(lambda: ui.vm.screen == "maintenance.home", 10)
    assert text_of(ui, "maintenance.home.title") == "维护 · 王工 (T001)"
    assert kiosk_app.desk is not None
    assert kiosk_app.desk.session is None
    save_screen(ui, "maintenance-04-home")
    ui.vm.setLanguage("en")
    assert wait_until(
        lambda: text_of(ui, "maintenance.home.message") == "Choose what to check or do"
    )
    save_screen(ui, "maintenance-05-home-en")
    logins = [p for a, p in actions(kiosk_app) if a == "login"]
    assert [(p["technician_id"], p["details"]["method"]) for p in logins] == [("T001", "badge")]
    with pytest.raises(TouchError):
        tap(ui.window, "nav.back")  # home is the top of maintenance: Exit or Cancel leave it

    exit_maintenance(ui)
    assert wait_until(lambda: any(a == "logout" for a, _p in actions(kiosk_app)), 5)
    assert not any(maintenance.customer_data().values()), maintenance.customer_data()
    assert maintenance.technician == ""
    # A customer's ID card is no badge: it opens nothing.
    reader.place_card("for_life")  # type: ignore[attr-defined]
    assert not wait_until(lambda: ui.vm.screen == "maintenance.pin", 2)
    assert ui.warnings == []


# --- cash ---------------------------------------------------------------------------------


def test_cash_collection_equals_the_journal_and_prints_the_slip(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN notes in the cash box WHEN the technician collects by touch (declining once, then
    confirming) while the printer is out of paper, then reprints after a refill THEN the screen's
    counts are the journal's, the box is zero, the collection event holds the same counts and
    reaches central, and the slip carries the total."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    journal = journal_of(kiosk_app)
    for n, fen in enumerate((10000, 10000, 5000, 1000, 1000, 1000)):
        journal.record(Entry(f"note-{n}", "cash.orphan_note", {"denomination_fen": fen},
                             cash_in_fen=(fen,)))  # fmt: skip
    assert journal.cashbox() == {10000: 2, 5000: 1, 1000: 3}
    log_in(ui)
    open_tile(ui, "cash")
    assert text_of(ui, "maintenance.cash.total") == "¥280.00"
    assert maintenance.cashRows == [
        {"denomination": "¥100.00", "count": 2, "subtotal": "¥200.00"},
        {"denomination": "¥50.00", "count": 1, "subtotal": "¥50.00"},
        {"denomination": "¥10.00", "count": 3, "subtotal": "¥30.00"},
    ]
    capacity = kiosk_app.config.maintenance.cash_box_capacity
    assert text_of(ui, "maintenance.cash.notes") == f"6 / {capacity} 张"
    save_screen(ui, "maintenance-06-cash")

    tap(ui.window, "maintenance.cash.collect")
    assert find_item(ui.window, "maintenance.cash.confirmPanel").isVisible()
    save_screen(ui, "maintenance-07-cash-confirm")
    tap(ui.window, "maintenance.cash.keep")  # declined: nothing happens
    assert journal.cashbox() == {10000: 2, 5000: 1, 1000: 3}
    assert not any(a == "cash_collected" for a, _p in actions(kiosk_app))

    printer = kiosk_app.simulators["printer"].handle
    printer.faults.paper_out = True  # type: ignore[attr-defined]
    slips_before = len(printed(kiosk_app))
    tap(ui.window, "maintenance.cash.collect")
    tap(ui.window, "maintenance.cash.confirm")
    assert wait_until(lambda: maintenance.collectionDone and not ui.vm.busy, 15)
    assert maintenance.slipState == "failed"
    assert text_of(ui, "maintenance.cash.message").startswith("已清机，但凭条未能打印")
    assert text_of(ui, "maintenance.cash.total") == "¥280.00"  # what was taken out
    assert maintenance.cashNotes == 0
    assert journal.cashbox() == {}
    collected = [p for a, p in actions(kiosk_app) if a == "cash_collected"]
    assert len(collected) == 1
    assert collected[0]["cash_counts"] == {"1000": 3, "5000": 1, "10000": 2}
    assert collected[0]["total_fen"] == 28000
    assert collected[0]["technician_id"] == "T001"
    save_screen(ui, "maintenance-08-collected-no-slip")

    printer.faults.paper_out = False  # type: ignore[attr-defined]
    tap(ui.window, "maintenance.cash.reprint")
    assert wait_until(lambda: maintenance.slipState == "printed", 15)
    slips = printed(kiosk_app)[slips_before:]
    assert len(slips) == 1
    assert "Cash collection slip" in slips[0]
    assert "280.00" in slips[0]
    assert collected[0]["event_id"] in slips[0]
    save_screen(ui, "maintenance-09-slip-printed")

    store = kiosk_app.store
    assert store is not None
    key = f"maint-{collected[0]['event_id']}"
    assert wait_until(lambda: (item := store.get(key)) is not None and item.state == "acked", 20)
    exit_maintenance(ui)
    assert ui.warnings == []


# --- devices ------------------------------------------------------------------------------


def test_self_tests_print_a_test_page_and_report_faults(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN maintenance WHEN the technician runs each self-test THEN the printer prints its
    test page (and fails with the cover open), the acceptor passes, the ID reader reports the
    card placed (masked), and each result is journalled."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    log_in(ui)
    open_tile(ui, "devices")
    names = [row["name"] for row in maintenance.devices]
    assert {"printer", "bill_acceptor", "id_card_reader"} <= set(names)
    before = len(printed(kiosk_app))
    tap(ui.window, "maintenance.device.printer.test")
    assert wait_until(lambda: "printer" in _results(maintenance), 15)
    assert _results(maintenance)["printer"]["state"] == "passed"
    assert text_of(ui, "maintenance.device.printer.result") == "自检：通过"
    pages = printed(kiosk_app)[before:]
    assert len(pages) == 1
    assert "Printer test page" in pages[0]
    assert "T001" in pages[0]

    tap(ui.window, "maintenance.device.bill_acceptor.test")
    assert wait_until(lambda: "bill_acceptor" in _results(maintenance), 15)
    assert _results(maintenance)["bill_acceptor"]["state"] == "passed"

    tap(ui.window, "maintenance.device.id_card_reader.test")
    assert wait_until(lambda: "id_card_reader" in _running(maintenance), 5)
    assert text_of(ui, "maintenance.devices.message") == "请将卡片放在身份证阅读器上"
    tap(ui.window, "maintenance.device.printer.test")  # the wait blocks no other test
    assert wait_until(lambda: "printer" not in _running(maintenance), 15)
    assert len(printed(kiosk_app)) == before + 2
    assert "id_card_reader" in _running(maintenance)  # still waiting for a card
    reader = kiosk_app.simulators["id_card_reader"].handle
    reader.place_card("for_life")  # type: ignore[attr-defined]
    assert wait_until(lambda: "id_card_reader" in _results(maintenance), 15)
    assert _results(maintenance)["id_card_reader"]["state"] == "passed"
    detail = _results(maintenance)["id_card_reader"]["detail"]
    assert "*" in detail
    assert detail.endswith("002X")
    assert "11010519491231002X" not in detail  # masked: a test card may be a real person's
    reader.remove_card()  # type: ignore[attr-defined]
    save_screen(ui, "maintenance-10-devices")

    printer = kiosk_app.simulators["printer"].handle
    printer.faults.cover_open = True  # type: ignore[attr-defined]
    tap(ui.window, "maintenance.device.printer.test")
    assert wait_until(lambda: "printer" not in _running(maintenance), 15)
    assert _results(maintenance)["printer"]["state"] == "failed"
    assert text_of(ui, "maintenance.devices.message") == "自检失败：请查看该设备的结果"
    save_screen(ui, "maintenance-11-printer-failed")
    printer.faults.cover_open = False  # type: ignore[attr-defined]
    tests = [(p["details"]["device"], p["details"]["passed"])
             for a, p in actions(kiosk_app) if a == "self_test"]  # fmt: skip
    assert tests == [("printer", True), ("bill_acceptor", True), ("printer", True),
                     ("id_card_reader", True), ("printer", False)]  # fmt: skip
    exit_maintenance(ui)
    assert ui.warnings == []


def _results(maintenance: Any) -> dict[str, dict[str, Any]]:
    """Finished self-tests by device (a running one is not a result yet)."""
    return {
        row["name"]: row["test"]
        for row in maintenance.devices
        if row["test"]["state"] in ("passed", "failed")
    }


def _running(maintenance: Any) -> set[str]:
    return {row["name"] for row in maintenance.devices if row["test"]["state"] == "running"}


# --- out of service -------------------------------------------------------------------------


def test_out_of_service_switch_makes_the_customer_menu_unavailable(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN maintenance WHEN the technician takes the kiosk out of service and exits THEN the
    out-of-service screen shows, and a customer who got to the menu all the same would find
    every service unavailable; after switching back in, the menu works again. Both switches
    are journalled and the switch is in the core's file."""
    ui = ui_session
    log_in(ui)
    open_tile(ui, "service")
    assert text_of(ui, "maintenance.service.state") == "正常服务中"
    tap(ui.window, "maintenance.service.toggle")
    assert wait_until(lambda: text_of(ui, "maintenance.service.state") == "暂停服务", 10)
    assert "T001" in text_of(ui, "maintenance.service.reason")
    assert kiosk_app.ops.out_of_service_reason() is not None
    save_screen(ui, "maintenance-12-out-of-service")
    exit_maintenance(ui)
    assert ui.vm.screen == "out_of_service"
    with pytest.raises(TouchError):
        tap(ui.window, "attract.start")  # no attract screen to start from
    ui.vm.go("menu")  # a customer who got there all the same (a session begun before)
    assert wait_until(lambda: find_item(ui.window, "menu.topup.cash").isVisible(), 5)
    assert ui.vm.services
    assert not any(row["available"] for row in ui.vm.services)
    assert {row["reason"] for row in ui.vm.services} == {"error.out_of_service"}
    with pytest.raises(TouchError):
        tap(ui.window, "menu.topup.cash")
    save_screen(ui, "maintenance-13-customer-menu-out-of-service")
    ui.vm.home()
    assert wait_until(lambda: ui.vm.screen == "out_of_service", 5)

    log_in(ui)
    open_tile(ui, "service")
    tap(ui.window, "maintenance.service.toggle")
    assert wait_until(lambda: text_of(ui, "maintenance.service.state") == "正常服务中", 10)
    assert kiosk_app.ops.out_of_service_reason() is None
    exit_maintenance(ui)
    tap(ui.window, "attract.start")
    assert wait_until(lambda: ui.vm.screen == "menu", 5)
    assert wait_until(lambda: find_item(ui.window, "menu.topup.cash").isEnabled(), 5)
    switched = [a for a, _p in actions(kiosk_app) if a in ("out_of_service", "back_in_service")]
    assert switched == ["out_of_service", "back_in_service"]
    ui.vm.home()
    assert ui.warnings == []


def test_the_out_of_service_screen_has_the_corner_sequence_too(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the kiosk showing its out-of-service screen (a failed disk) WHEN the technician does
    the corner sequence THEN the PIN screen opens there too."""
    ui = ui_session
    kiosk_app.out_of_service_reason = "disk: test"  # as the app sets it on a journal failure
    try:
        ui.vm.home()
        assert wait_until(lambda: ui.vm.screen == "out_of_service", 5)
        tap_sequence(ui)
        assert wait_until(lambda: ui.vm.screen == "maintenance.pin", 5)
        save_screen(ui, "maintenance-14-pin-from-out-of-service")
        tap(ui.window, "nav.cancel")
        assert wait_until(lambda: ui.vm.screen == "out_of_service", 5)
    finally:
        kiosk_app.out_of_service_reason = None
    assert ui.warnings == []


# --- queue --------------------------------------------------------------------------------


def test_dead_letters_retried_to_central_or_discarded_with_a_reason(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN two dead letters (one central takes now, one it never will) WHEN the technician
    retries both and discards the second with a reason THEN central records the first top-up
    once, the second is refused again and stays, and the discard leaves the outbox with the
    reason on the journal."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    store = kiosk_app.store
    assert store is not None
    embedded = kiosk_app.config.central.embedded
    assert embedded is not None
    log_in(ui)
    open_tile(ui, "queue")
    assert text_of(ui, "maintenance.queue.dead") == "2"
    assert [row["key"] for row in maintenance.deadLetters] == ["dl-bad", "dl-good"]
    assert "amount_fen" in text_of(ui, "maintenance.dead.dl-bad.error")
    save_screen(ui, "maintenance-15-queue")

    tap(ui.window, "maintenance.dead.dl-good.retry")
    assert wait_until(lambda: (item := store.get("dl-good")) is not None and item.state == "acked",
                      20)  # fmt: skip
    records = recorded_topups(kiosk_app.central_url, embedded.ops_token, GOOD_TOPUP["msisdn"])
    assert [(r["txn_id"], r["amount_fen"]) for r in records] == [("dl-good-txn", 5000)]

    bad = store.get("dl-bad")
    assert bad is not None
    tap(ui.window, "maintenance.dead.dl-bad.retry")
    assert wait_until(
        lambda: (
            (item := store.get("dl-bad")) is not None
            and item.state == "dead"
            and item.attempts > bad.attempts
        ),
        20,
    )  # fmt: skip (sent again, refused again)
    assert wait_until(lambda: not ui.vm.busy, 10)
    tap(ui.window, "maintenance.queue.refresh")
    assert wait_until(lambda: [r["key"] for r in maintenance.deadLetters] == ["dl-bad"], 10)
    assert text_of(ui, "maintenance.queue.dead") == "1"

    tap(ui.window, "maintenance.dead.dl-bad.discard")
    assert find_item(ui.window, "maintenance.discard.panel").isVisible()
    save_screen(ui, "maintenance-16-discard-reason")
    tap(ui.window, "maintenance.discard.keep")
    assert store.get("dl-bad") is not None
    tap(ui.window, "maintenance.dead.dl-bad.discard")
    tap(ui.window, "maintenance.discard.test")
    assert wait_until(lambda: store.get("dl-bad") is None, 10)
    assert wait_until(lambda: maintenance.deadLetters == [], 10)
    assert text_of(ui, "maintenance.queue.message") == "已放弃该条目，原因已记录"
    discards = [p["details"] for a, p in actions(kiosk_app) if a == "dead_letter_discard"]
    assert discards == [{"key": "dl-bad", "reason": "test data, not a customer transaction"}]
    retries = [p["details"]["key"] for a, p in actions(kiosk_app) if a == "dead_letter_retry"]
    assert retries == ["dl-good", "dl-bad"]
    save_screen(ui, "maintenance-17-queue-empty")

    tap(ui.window, "maintenance.queue.sync")
    assert wait_until(lambda: any(a == "sync_now" for a, _p in actions(kiosk_app)), 10)
    exit_maintenance(ui)
    assert ui.warnings == []


# --- logs, about, paper -------------------------------------------------------------------


def test_logs_about_and_paper_refill(ui_session: UiSession, kiosk_app: KioskApp) -> None:
    """GIVEN log lines on disk and a printer near its paper end WHEN the technician looks at the
    logs, at about, and records a new roll THEN the lines show newest first, about shows the
    version with secrets hidden, and the refill is journalled and clears the warning."""
    ui, maintenance = ui_session, ui_session.features["maintenance"]
    log_file = kiosk_app.ops.log_file
    log_file.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"level": "INFO", "message": f"line {n}"}) for n in range(30)]
    log_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    printer = kiosk_app.simulators["printer"].handle
    printer.faults.paper_near_end = True  # type: ignore[attr-defined]

    log_in(ui)
    open_tile(ui, "logs")
    assert maintenance.logLines[0] == lines[-1]
    assert len(maintenance.logLines) == 30
    assert not find_item(ui.window, "maintenance.logs.empty").isVisible()
    save_screen(ui, "maintenance-18-logs")
    back_home(ui)

    open_tile(ui, "about")
    assert text_of(ui, "maintenance.about.version") == f"软件版本 {__version__}"
    rows = {row["key"]: row["value"] for row in maintenance.aboutRows}
    assert rows["kiosk.id"] == kiosk_app.config.kiosk.id
    assert rows["central.token"] == "***"
    assert kiosk_app.config.central.token not in json.dumps(maintenance.aboutRows)
    save_screen(ui, "maintenance-19-about")
    back_home(ui)

    assert wait_until(lambda: kiosk_app.device_health()["printer"].code == "paper_near_end", 10)
    open_tile(ui, "paper")
    assert text_of(ui, "maintenance.paper.state") == "纸将用尽"
    save_screen(ui, "maintenance-20-paper")
    printer.faults.paper_near_end = False  # type: ignore[attr-defined]
    assert wait_until(lambda: kiosk_app.device_health()["printer"].code == "ok", 10)
    tap(ui.window, "maintenance.paper.refilled")
    assert wait_until(lambda: maintenance.paperState == "ok", 10)
    assert text_of(ui, "maintenance.paper.message") == "已记录换纸"
    assert [a for a, _p in actions(kiosk_app) if a == "paper_refilled"] == ["paper_refilled"]
    exit_maintenance(ui)
    assert ui.warnings == []


# --- leaving --------------------------------------------------------------------------------


def test_cancel_on_a_maintenance_screen_ends_maintenance(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN maintenance open WHEN the technician taps Cancel on a maintenance screen THEN the
    kiosk is back on attract and the logout is journalled. (Walking away: the core's idle clock,
    tests/ui/test_maintenance_idle_pin.py.)"""
    ui = ui_session
    log_in(ui)
    open_tile(ui, "cash")
    tap(ui.window, "nav.cancel")
    assert wait_until(lambda: ui.vm.screen == "attract", 5)
    assert wait_until(lambda: [a for a, _p in actions(kiosk_app) if a == "logout"] != [], 5)
    assert not any(ui.features["maintenance"].customer_data().values())
    assert ui.warnings == []


def test_a_badge_during_a_customer_session_opens_nothing(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN a customer on the service menu WHEN a technician badge is put on the reader THEN
    the customer's screen stays, and after the session nothing of the badge is left pending."""
    ui = ui_session
    tap(ui.window, "attract.start")
    assert wait_until(lambda: ui.vm.screen == "menu", 5)
    reader = kiosk_app.simulators["id_card_reader"].handle
    reader.place_card("valid")  # type: ignore[attr-defined]
    assert not wait_until(lambda: ui.vm.screen != "menu", 2)
    reader.remove_card()  # type: ignore[attr-defined]
    tap(ui.window, "nav.cancel")
    assert wait_until(lambda: ui.vm.screen == "attract", 5)
    assert not wait_until(lambda: ui.vm.screen == "maintenance.pin", 1)
    assert ui.warnings == []
