"""SIM sale and SIM replacement driven by touch through the real view-model, against the device
simulators (ID card reader SAM simulator, the ID-003 acceptor, the dispenser mechanism, a blank
SIM card emulated on pcscd's virtual reader) and the embedded reference central."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from drivers.cardterminal.simulator import Scenario
from drivers.interfaces import IdCardRecord, Sex
from drivers.simcard.emulator import SimCardEmulator
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.flows import sim_replacement, sim_sale
from tests.conftest import write_config
from tests.simcard.conftest import READER, Pcscd, pcscd, wait_card
from tests.ui.conftest import save_screen
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)
__all__ = ["pcscd"]  # the real PC/SC daemon with its virtual reader (a session fixture)

ZHANG_SAN_LINE = "13800138000"  # 张三 owns it in central's demo data; his card is "valid"


def zhang_san() -> IdCardRecord:
    return IdCardRecord(
        name="张三", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 3, 7),
        address="北京市东城区测试路100号", id_number="110101199003074477",
        issuer="北京市公安局东城分局", valid_from=date(2016, 5, 1), valid_to=date(2036, 5, 1),
    )  # fmt: skip


@pytest.fixture
def kiosk_app(tmp_path: Path, pcscd: Pcscd) -> Iterator[KioskApp]:
    """The shipped config plus the PC/SC SIM writer on the virtual reader."""
    reader = {"driver": "pcsc", "settings": {"reader": READER, "poll_s": 0.2}}
    app = KioskApp(load_config(write_config(tmp_path, **{"devices.sim_reader": reader})))
    app.start()
    yield app
    app.stop()


@pytest.fixture
def blank_card(pcscd: Pcscd) -> Iterator[SimCardEmulator]:
    """A blank SIM of the vendor profile waiting in the writer (the dispenser moved it there)."""
    card = SimCardEmulator(profile="blank")
    card.insert()
    wait_card(True)
    yield card
    card.remove()
    wait_card(False)


def text_of(ui: UiSession, name: str) -> str:
    return str(find_item(ui.window, name).property("text"))


def sign(ui: UiSession) -> None:
    """A finger stroke across the signature pad."""
    pad = find_item(ui.window, "sim.signature.pad")
    points = [
        pad.mapToScene(
            QPointF(pad.width() * (0.15 + 0.07 * i), pad.height() * (0.5 + 0.2 * (-1) ** i))
        ).toPoint()
        for i in range(10)
    ]
    QTest.mousePress(
        ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0]
    )
    for point in points[1:]:
        QTest.mouseMove(ui.window, point, 5)
    QTest.mouseRelease(
        ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1]
    )


def to_payment(
    ui: UiSession, kiosk_app: KioskApp, name: str, *, cash: bool = True
) -> dict[str, Any]:
    """Attract → menu → ID card → check → a priced number reserved → agreement signed → pay.
    The number chosen (its row in the picker)."""
    window, vm = ui.window, ui.vm
    sim = ui.features["sim"]
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    tap(window, "menu.sim.sale")
    assert wait_until(lambda: vm.screen == "sim.idcard", 15)
    assert vm.messageKey == "sim.put_id_card"
    save_screen(ui, f"{name}-01-idcard")
    idcard = kiosk_app.simulators["id_card_reader"].handle
    idcard.place_card("valid")
    assert wait_until(lambda: vm.screen == "sim.check", 20)
    idcard.remove_card()
    assert sim.checkOk, vm.messageKey
    assert text_of(ui, "sim.check.id").endswith("110101********4477")
    assert "张*" in text_of(ui, "sim.check.name")
    save_screen(ui, f"{name}-02-check")

    tap(window, "sim.check.continue")
    assert wait_until(lambda: vm.screen == "sim.numbers" and len(sim.numbers) > 0, 15)
    for digit in "8888":
        tap(window, f"key.{digit}")
    assert text_of(ui, "sim.filter.digits") == "8888"
    tap(window, "sim.filter.search")
    assert wait_until(lambda: all("8888" in n["msisdn"] for n in sim.numbers), 15)
    QTest.qWait(100)  # a frame: the grid lays out the new page before a finger can tap it
    rows = sim.numbers
    index = next(i for i, row in enumerate(rows) if row["priceFen"] > 0)
    chosen = dict(rows[index])
    with pytest.raises(TouchError):
        tap(window, "sim.numbers.next")  # nothing reserved yet
    tap(window, f"sim.number.{index}")
    assert wait_until(lambda: sim.reserved, 15)
    assert vm.messageKey == "sim.number_reserved"
    assert text_of(ui, "sim.reserved.number").endswith(chosen["display"])
    assert sim.secondsLeft > 14 * 60  # central holds it for 15 minutes
    held = kiosk_app.api.numbers(contains=chosen["msisdn"][-4:], page_size=50)  # type: ignore[union-attr]
    assert chosen["msisdn"] not in {n.msisdn for n in held.numbers}  # out of the pool for now
    save_screen(ui, f"{name}-03-numbers")

    tap(window, "sim.numbers.next")
    assert wait_until(lambda: vm.screen == "sim.agreement")
    with pytest.raises(TouchError):
        tap(window, "sim.agreement.agree")  # not read, not signed
    save_screen(ui, f"{name}-04-agreement")
    for _ in range(30):
        if sim.readToEnd:
            break
        tap(window, "sim.agreement.more")
        wait_until(lambda: sim.readToEnd, 0.2)
    assert sim.readToEnd
    with pytest.raises(TouchError):
        tap(window, "sim.agreement.agree")  # read, but not signed
    sign(ui)
    assert wait_until(lambda: sim.signed)
    save_screen(ui, f"{name}-05-signed")
    tap(window, "sim.agreement.agree")
    assert wait_until(lambda: vm.screen == "sim.pay", 15)
    if not cash:
        return chosen
    if sim.cardOffered:
        tap(window, "sim.pay.cash")
    assert wait_until(lambda: sim.method == "cash" and vm.messageKey == "sim.insert_cash", 15)
    assert text_of(ui, "sim.pay.owed") == chosen["priceText"]
    return chosen


def insert(ui: UiSession, fen: int, total: int) -> None:
    tap(ui.window, f"sim.pay.note.{fen}")
    assert wait_until(lambda: ui.features["sim"].paidFen == total, 15)


def test_sim_sale_by_touch_opens_the_line(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN 张三's ID card and a blank SIM in the writer WHEN he picks a ¥100 number, reads and
    signs the agreement and pays ¥50 + ¥100 THEN the card is written with central's ICCID and
    dispensed, central opens the line once (the number leaves the pool), the cash box holds the
    notes and the receipt names the number."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    stock = kiosk_app.card_dispenser.stock().cards_left  # type: ignore[union-attr]
    chosen = to_payment(ui_session, kiosk_app, "sim-sale")
    txn_id = sim.state.flow.txn_id
    save_screen(ui_session, "sim-sale-06-pay")

    insert(ui_session, 5000, 5000)
    assert text_of(ui_session, "sim.pay.paid") == "¥50.00"
    assert text_of(ui_session, "sim.pay.owed") == "¥50.00"
    assert sim.holds_money()
    with pytest.raises(TouchError):
        tap(window, "nav.cancel")  # money is in: no cancel, only pay the rest or a voucher
    with pytest.raises(TouchError):
        tap(window, "nav.back")
    find_item(window, "sim.pay.stop")  # the way out if they cannot pay the rest
    save_screen(ui_session, "sim-sale-07-part-paid")
    insert(ui_session, 10000, 15000)  # no change: the extra ¥50 is the line's opening credit
    assert wait_until(lambda: vm.screen in ("sim.progress", "sim.result"), 15)
    save_screen(ui_session, "sim-sale-08-progress")
    steps: set[int] = set()
    assert wait_until(lambda: steps.add(sim.step) or vm.screen == "sim.result", 60)
    assert steps <= {0, 1, 2, 3}
    assert sim.outcome == "sold", (sim.outcome, sim.outcomeKey)
    assert vm.messageKey == "sim.take_card"
    assert text_of(ui_session, "sim.result.number").endswith(chosen["display"])
    assert sim.step == 3
    save_screen(ui_session, "sim-sale-09-result")

    iccid = sim.state.iccid
    assert kiosk_app.sim_reader.read_card().iccid == iccid  # type: ignore[union-attr]
    assert kiosk_app.card_dispenser.stock().cards_left == stock - 1  # type: ignore[union-attr]
    assert kiosk_app.journal.cashbox() == {5000: 1, 10000: 1}  # type: ignore[union-attr]
    assert kiosk_app.journal.open_transactions() == []  # type: ignore[union-attr]
    answer = kiosk_app.wait_delivered(sim_sale.outbox_key(txn_id), 30)
    assert answer is not None
    assert answer.get("status") == "activated", answer
    assert answer.get("msisdn") == chosen["msisdn"]
    assert answer.get("iccid") == iccid
    pool = kiosk_app.api.numbers(contains=chosen["msisdn"][-4:], page_size=50)  # type: ignore[union-attr]
    assert chosen["msisdn"] not in {n.msisdn for n in pool.numbers}  # sold
    assert any(chosen["msisdn"] in text for text in kiosk_app.simulated_receipt_texts())

    tap(window, "nav.cancel")  # "Finish"
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


def test_sim_write_fault_after_payment_gives_a_voucher(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN a blank SIM that fails every write WHEN the customer has paid ¥100 THEN both write
    attempts end in the reject bin, the screen says to take the printed voucher for ¥100.00 and
    that the card was kept, the journal holds the voucher and the note, and the number goes
    back to central's pool."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    stock = kiosk_app.card_dispenser.stock().cards_left  # type: ignore[union-attr]
    chosen = to_payment(ui_session, kiosk_app, "sim-fault")
    assert chosen["priceFen"] == 10000
    txn_id = sim.state.flow.txn_id
    blank_card.faults.write_error_after = 0  # every UPDATE answers 6581 (memory problem)

    insert(ui_session, 10000, 10000)
    assert wait_until(lambda: vm.screen == "sim.result", 60), vm.messageKey
    assert sim.outcome == "voucher", (sim.outcome, sim.outcomeKey)
    assert vm.messageKey == "sim.voucher_printed"
    assert sim.outcomeKey == "sim.write_failed"
    assert "¥100.00" in text_of(ui_session, "sim.result.money")
    assert find_item(window, "sim.result.captured").isVisible()
    assert text_of(ui_session, "sim.result.reason") == "原因：SIM 卡写入失败"
    save_screen(ui_session, "sim-fault-06-voucher")

    journal = kiosk_app.journal
    assert journal is not None
    vouchers = [p for _, _, kind, p in journal.events(txn_id) if kind == "sim_sale.voucher"]
    assert [(v["amount_fen"], v["reason"]) for v in vouchers] == [(10000, "sim.write_failed")]
    captured = [p for _, _, kind, p in journal.events(txn_id) if kind == "sim.card_captured"]
    assert len(captured) == 2  # written twice, both to the reject bin
    assert journal.cashbox() == {10000: 1}  # the money is accounted for
    assert journal.open_transactions() == []
    assert kiosk_app.card_dispenser.stock().cards_left == stock - 2  # type: ignore[union-attr]
    assert any("退款凭证" in text and "100.00" in text
               for text in kiosk_app.simulated_receipt_texts())  # fmt: skip
    release = vouchers[0].get("outbox_key")
    if release is not None:  # the flow gives the number back through the outbox
        answer = kiosk_app.wait_delivered(release, 30)
        assert answer is not None
        assert answer.get("status") == "released", answer
    assert sim_sale.outbox_key(txn_id) not in {
        p.get("outbox_key") for _, _, _, p in journal.events(txn_id)
    }  # no sale was sent

    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


def test_sim_replacement_by_touch(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN 张三 logged in with his service password WHEN he asks for a new SIM card, confirms
    with his ID card on the reader and taps Replace THEN a blank card is written and dispensed
    and central moves his line to the new card (the old one invalidated)."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    tap(window, "attract.start")
    assert wait_until(lambda: vm.screen == "menu")
    session = kiosk_app.desk.session  # type: ignore[union-attr]
    assert session is not None
    session.login_password(ZHANG_SAN_LINE, "123456")  # the auth screens are another feature's
    tap(window, "menu.sim.replacement")
    assert wait_until(lambda: vm.screen == "sim.idcard", 15)
    assert vm.messageKey == "sim.id_card_to_confirm"
    save_screen(ui_session, "sim-replace-01-idcard")
    kiosk_app.simulators["id_card_reader"].handle.place_card("valid")
    assert wait_until(lambda: vm.screen == "sim.replace", 20), vm.messageKey
    assert "138****8000" in text_of(ui_session, "sim.replace.number")
    save_screen(ui_session, "sim-replace-02-confirm")

    tap(window, "sim.replace.confirm")
    assert wait_until(lambda: vm.screen in ("sim.progress", "sim.result"), 15)
    save_screen(ui_session, "sim-replace-03-progress")
    assert wait_until(lambda: vm.screen == "sim.result", 60), vm.messageKey
    assert sim.outcome == "replaced", (sim.outcome, sim.outcomeKey)
    assert vm.messageKey == "sim.replaced"
    assert text_of(ui_session, "sim.result.number").startswith("号码 138****8000")
    save_screen(ui_session, "sim-replace-04-result")

    result = sim.state.result
    assert result is not None
    assert kiosk_app.sim_reader.read_card().iccid == result.iccid  # type: ignore[union-attr]
    answer = kiosk_app.wait_delivered(sim_replacement.outbox_key(result.txn_id), 30)
    assert answer is not None
    assert answer.get("iccid") == result.iccid
    assert answer.get("old_iccid_invalidated")

    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


def test_walking_away_part_paid_ends_in_a_voucher(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN ¥50 of a ¥100 number paid WHEN the customer walks away (the navigator's idle hook)
    THEN the sale holds money until the flow has printed a voucher for the ¥50, the journal
    and cash box agree, and no card left the dispenser."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    stock = kiosk_app.card_dispenser.stock().cards_left  # type: ignore[union-attr]
    to_payment(ui_session, kiosk_app, "sim-idle")
    txn_id = sim.state.flow.txn_id
    assert not sim.holds_money()  # nothing in yet: Cancel still releases the number
    insert(ui_session, 5000, 5000)
    assert sim.holds_money()
    assert sim.on_idle("sim.pay") is True  # what the navigator calls when the clock runs out
    assert wait_until(lambda: vm.screen == "sim.result", 30), vm.messageKey
    assert sim.outcome == "voucher"
    assert "¥50.00" in text_of(ui_session, "sim.result.money")
    assert not sim.holds_money()
    journal = kiosk_app.journal
    assert journal is not None
    vouchers = [p for _, _, kind, p in journal.events(txn_id) if kind == "sim_sale.voucher"]
    assert [(v["amount_fen"], v["reason"]) for v in vouchers] == [
        (5000, "sim.cancelled_after_payment")
    ]
    assert journal.cashbox() == {5000: 1}
    assert journal.open_transactions() == []
    assert kiosk_app.card_dispenser.stock().cards_left == stock  # type: ignore[union-attr]
    save_screen(ui_session, "sim-idle-06-voucher")
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


def test_sim_sale_paid_by_card_after_a_decline(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN the sale offers a bank card WHEN the first card is declined and the second approved
    THEN the customer may try again, the card is written and dispensed, and central opens the
    line paid by card; no cash was taken."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    chosen = to_payment(ui_session, kiosk_app, "sim-card", cash=False)
    if not sim.cardOffered:
        pytest.skip("this core's SIM sale takes no bank card")
    txn_id = sim.state.flow.txn_id
    terminal = kiosk_app.simulators["card_terminal"].handle
    assert vm.messageKey == "sim.choose_payment"
    save_screen(ui_session, "sim-card-06-choose")
    terminal.scenario = Scenario.DECLINE
    tap(window, "sim.pay.card")
    assert wait_until(lambda: vm.messageKey == "sim.card_declined", 30), vm.messageKey
    assert sim.method == ""
    assert not sim.holds_money()
    save_screen(ui_session, "sim-card-07-declined")
    terminal.scenario = Scenario.APPROVE
    tap(window, "sim.pay.card")
    assert wait_until(lambda: vm.screen == "sim.result", 60), vm.messageKey
    assert sim.outcome == "sold", (sim.outcome, sim.outcomeKey)
    save_screen(ui_session, "sim-card-08-result")
    answer = kiosk_app.wait_delivered(sim_sale.outbox_key(txn_id), 30)
    assert answer is not None
    assert answer.get("status") == "activated", answer
    assert answer.get("msisdn") == chosen["msisdn"]
    assert kiosk_app.journal.cashbox() == {}  # type: ignore[union-attr]
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []
