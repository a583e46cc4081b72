"""SIM sale and SIM replacement driven by touch through the real view-model, against the device
simulators (ID card reader SAM simulator, the ID-003 acceptor, the dispenser mechanism, a blank
SIM card emulated on pcscd's virtual reader) and the embedded reference central."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from drivers.cardterminal.simulator import Scenario
from drivers.simcard.emulator import SimCardEmulator
from kiosk.app import KioskApp
from kiosk.flows import sim_replacement, sim_sale
from kiosk.flows.signature import decode_strokes
from tests.simcard.conftest import READER, Pcscd, pcscd, wait_card
from tests.ui.conftest import save_screen
from tests.ui.helpers import central_rows, log_in, running_kiosk, text_of
from ui.frontend import UiSession
from ui.touch import TouchError, find_item, tap, wait_until

pytestmark = pytest.mark.timeout(120)
__all__ = ["pcscd"]  # the real PC/SC daemon with its virtual reader (a session fixture)

ZHANG_SAN_LINE = "13800138000"  # 张三 owns it in central's demo data; his card is "valid"
FEE = {"sim.replacement_fee_fen": 2000}  # a ¥20 replacement fee (config)


@pytest.fixture
def kiosk_app(request: pytest.FixtureRequest, tmp_path: Path, pcscd: Pcscd) -> Iterator[KioskApp]:
    """The shipped config plus the PC/SC SIM writer on the virtual reader (and any overrides a
    test gives as its indirect parameter)."""
    reader = {"driver": "pcsc", "settings": {"reader": READER, "poll_s": 0.2}}
    overrides = {"devices.sim_reader": reader, **getattr(request, "param", {})}
    with running_kiosk(tmp_path, **overrides) as app:
        yield app


@pytest.fixture
def blank_card(pcscd: Pcscd) -> Iterator[SimCardEmulator]:
    """A blank SIM of the vendor profile waiting in the writer (the dispenser moved it there)."""
    card = SimCardEmulator(profile="blank")
    card.insert()
    wait_card(True)
    yield card
    card.remove()
    wait_card(False)


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


def to_numbers(ui: UiSession, kiosk_app: KioskApp, name: str) -> None:
    """Attract → menu → ID card → real-name check → the number picker."""
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


def to_payment(
    ui: UiSession, kiosk_app: KioskApp, name: str, *, cash: bool = True
) -> dict[str, Any]:
    """Attract → menu → ID card → check → a priced number reserved → agreement signed → pay.
    The number chosen (its row in the picker)."""
    window, vm = ui.window, ui.vm
    sim = ui.features["sim"]
    to_numbers(ui, kiosk_app, name)
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
    notes and the receipt names the number; central keeps the agreement as signed on screen
    (the finger's stroke), and the kiosk's journal holds no plain signature."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    stock = kiosk_app.card_dispenser.stock().cards_left  # type: ignore[union-attr]
    chosen = to_payment(ui_session, kiosk_app, "sim-sale")
    txn_id = sim.state.flow.txn_id
    signed = [list(stroke) for stroke in sim.state.strokes]
    assert len(signed) == 1
    assert len(signed[0]) >= 2
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
    [(signature, msisdn)] = central_rows(
        kiosk_app, "SELECT signature, msisdn FROM signed_agreements WHERE txn_id = ?", txn_id
    )
    assert msisdn == chosen["msisdn"]
    [kept] = decode_strokes(signature)
    assert len(kept) == len(signed[0])
    assert all(abs(a - b) <= 0.001 for p, q in zip(kept, signed[0], strict=True)
               for a, b in zip(p, q, strict=True))  # fmt: skip
    agreed = [p for _, _, kind, p in kiosk_app.journal.events(txn_id)  # type: ignore[union-attr]
              if kind == "sim_sale.agreed"]  # fmt: skip
    assert agreed == [{"signed": True, "signature_bytes": len(signature)}]

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
    assert wait_until(lambda: find_item(window, "sim.result.captured").isVisible(), 15)
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
    log_in(ui_session, ZHANG_SAN_LINE, "123456")  # the auth screens are another feature's
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


def test_number_search_by_ending_digits_and_lucky_numbers(
    ui_session: UiSession, kiosk_app: KioskApp
) -> None:
    """GIVEN the number picker WHEN the customer types 88 as the ending digits, then asks for
    lucky numbers only THEN the picker shows what central finds for suffix=88 (and a price
    from ¥0.01): every number ends in 88, the lucky ones all carry a fee; "contains" finds
    more."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    api = kiosk_app.api
    assert api is not None
    to_numbers(ui_session, kiosk_app, "sim-search")
    for digit in "88":
        tap(window, f"key.{digit}")
    tap(window, "sim.filter.search")
    assert wait_until(lambda: all("88" in n["msisdn"] for n in sim.numbers), 15)
    contains = sim.totalNumbers
    tap(window, "sim.filter.match.ends")
    assert wait_until(lambda: sim.digitMatch == "ends" and not vm.busy, 15)
    assert wait_until(lambda: all(n["msisdn"].endswith("88") for n in sim.numbers), 15)
    ending = api.numbers(suffix="88", page_size=12)
    assert sim.totalNumbers == ending.total > 0
    assert contains > ending.total  # "88" anywhere finds more than at the end
    assert [n["msisdn"] for n in sim.numbers] == [n.msisdn for n in ending.numbers]
    save_screen(ui_session, "sim-search-01-ending")

    tap(window, "sim.filter.band.lucky")
    lucky = api.numbers(suffix="88", min_price_fen=1, page_size=12)
    assert wait_until(lambda: sim.band == "lucky" and sim.totalNumbers == lucky.total, 15)
    assert 0 < lucky.total < ending.total
    assert all(n["msisdn"].endswith("88") and n["priceFen"] > 0 for n in sim.numbers)
    assert [n["msisdn"] for n in sim.numbers] == [n.msisdn for n in lucky.numbers]
    save_screen(ui_session, "sim-search-02-lucky")

    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


def to_replacement(ui: UiSession, kiosk_app: KioskApp, name: str) -> None:
    """Attract → 张三 logged in by service password → SIM replacement → his ID card → the
    confirm screen."""
    window, vm = ui.window, ui.vm
    log_in(ui, ZHANG_SAN_LINE, "123456")  # the auth screens are another feature's
    tap(window, "menu.sim.replacement")
    assert wait_until(lambda: vm.screen == "sim.idcard", 15)
    kiosk_app.simulators["id_card_reader"].handle.place_card("valid")
    assert wait_until(lambda: vm.screen == "sim.replace", 20), vm.messageKey
    save_screen(ui, f"{name}-01-confirm")


def replacement_events(kiosk_app: KioskApp) -> list[dict[str, Any]]:
    """What central recorded of replacements (its account events)."""
    rows = central_rows(
        kiosk_app, "SELECT detail_json FROM account_events WHERE kind = 'sim_replacement'"
    )
    return [json.loads(detail) for (detail,) in rows]


def watch_steps(ui: UiSession) -> set[int]:
    """The progress screen's steps as the customer sees them, until the result."""
    sim, steps = ui.features["sim"], set()
    assert wait_until(lambda: steps.add(sim.step) or ui.vm.screen == "sim.result", 60)
    return steps


@pytest.mark.parametrize("kiosk_app", [FEE], indirect=True)
def test_sim_replacement_fee_paid_in_cash(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN a ¥20 replacement fee WHEN 张三 confirms and pays ¥10 + ¥50 in cash THEN the card
    is written and dispensed (the progress screen follows the flow's state), central moves the
    line and records the fee with ¥60 paid, and the cash box holds exactly the notes the
    journal credited."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    to_replacement(ui_session, kiosk_app, "sim-fee-cash")
    assert vm.messageKey == "sim.replace_confirm_fee"
    assert text_of(ui_session, "sim.replace.fee") == "费用：¥20.00"
    tap(window, "sim.replace.confirm")
    assert wait_until(lambda: vm.screen == "sim.pay", 20), vm.messageKey
    txn_id = sim.state.replacement.txn_id
    assert vm.messageKey == "sim.choose_payment"
    assert "138****8000" in text_of(ui_session, "sim.pay.title")
    assert not sim.holds_money()  # central issued the data; nothing paid yet
    save_screen(ui_session, "sim-fee-cash-02-choose")
    tap(window, "sim.pay.cash")
    assert wait_until(lambda: sim.method == "cash" and vm.messageKey == "sim.insert_cash", 15)
    assert text_of(ui_session, "sim.pay.owed") == "¥20.00"
    insert(ui_session, 1000, 1000)
    assert wait_until(lambda: text_of(ui_session, "sim.pay.owed") == "¥10.00")
    assert sim.holds_money()
    with pytest.raises(TouchError):
        tap(window, "nav.cancel")  # money is in: pay the rest or stop with a voucher
    find_item(window, "sim.pay.stop")
    save_screen(ui_session, "sim-fee-cash-03-part-paid")
    tap(window, "sim.pay.note.5000")  # no change: the extra ¥40 is credit on the line
    assert wait_until(lambda: vm.screen in ("sim.progress", "sim.result"), 15)
    save_screen(ui_session, "sim-fee-cash-04-progress")
    steps = watch_steps(ui_session)
    assert sim.outcome == "replaced", (sim.outcome, sim.outcomeKey)
    assert steps & {1, 2}, steps  # ticked as the flow moved, not all at the end
    save_screen(ui_session, "sim-fee-cash-05-result")

    result = sim.state.result
    assert result is not None
    assert result.txn_id == txn_id
    assert kiosk_app.sim_reader.read_card().iccid == result.iccid  # type: ignore[union-attr]
    answer = kiosk_app.wait_delivered(sim_replacement.outbox_key(txn_id), 30)
    assert answer is not None
    assert answer.get("iccid") == result.iccid
    [event] = [e for e in replacement_events(kiosk_app) if e["txn_id"] == txn_id]
    assert (event["amount_fen"], event["paid_fen"]) == (2000, 6000)
    journal = kiosk_app.journal
    assert journal is not None
    assert journal.cashbox() == {1000: 1, 5000: 1}
    kinds = [kind for _, _, kind, _ in journal.events(txn_id)]
    assert kinds.count("cash.stack_intent") == kinds.count("cash.note_credited") == 2
    stacked = kiosk_app.simulators["bill_acceptor"].handle.stacked_fen
    assert Counter(stacked) == Counter(journal.cashbox())
    assert journal.open_transactions() == []
    assert any("20.00" in text for text in kiosk_app.simulated_receipt_texts())

    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


@pytest.mark.parametrize("kiosk_app", [FEE], indirect=True)
def test_sim_replacement_fee_paid_by_card(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN a ¥20 replacement fee WHEN 张三 pays it by bank card THEN the card is written and
    dispensed and central records the fee paid by card; no cash was taken."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    to_replacement(ui_session, kiosk_app, "sim-fee-card")
    tap(window, "sim.replace.confirm")
    assert wait_until(lambda: vm.screen == "sim.pay", 20), vm.messageKey
    assert sim.cardOffered
    txn_id = sim.state.replacement.txn_id
    kiosk_app.simulators["card_terminal"].handle.scenario = Scenario.APPROVE
    tap(window, "sim.pay.card")
    assert wait_until(lambda: vm.screen in ("sim.progress", "sim.result"), 30), vm.messageKey
    watch_steps(ui_session)
    assert sim.outcome == "replaced", (sim.outcome, sim.outcomeKey)
    save_screen(ui_session, "sim-fee-card-02-result")
    answer = kiosk_app.wait_delivered(sim_replacement.outbox_key(txn_id), 30)
    assert answer is not None
    [event] = [e for e in replacement_events(kiosk_app) if e["txn_id"] == txn_id]
    assert (event["amount_fen"], event["paid_fen"]) == (2000, 2000)
    journal = kiosk_app.journal
    assert journal is not None
    assert journal.cashbox() == {}
    assert journal.open_transactions() == []
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


@pytest.mark.parametrize("kiosk_app", [FEE], indirect=True)
def test_sim_replacement_write_fault_after_card_fee_is_refunded(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN a ¥20 fee paid by card WHEN every write of the blank SIM fails THEN the card
    payment is reversed at the terminal, the screen says so, central never hears of a
    replacement, and the old card stays the line's."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    before = central_rows(kiosk_app, "SELECT iccid FROM accounts WHERE msisdn = ?", ZHANG_SAN_LINE)
    to_replacement(ui_session, kiosk_app, "sim-fee-fault")
    tap(window, "sim.replace.confirm")
    assert wait_until(lambda: vm.screen == "sim.pay", 20), vm.messageKey
    txn_id = sim.state.replacement.txn_id
    blank_card.faults.write_error_after = 0
    kiosk_app.simulators["card_terminal"].handle.scenario = Scenario.APPROVE
    tap(window, "sim.pay.card")
    assert wait_until(lambda: vm.screen == "sim.result", 60), vm.messageKey
    assert sim.outcome == "refunded", (sim.outcome, sim.outcomeKey)
    assert vm.messageKey == "sim.refunded"
    assert "¥20.00" in text_of(ui_session, "sim.result.money")
    assert not sim.holds_money()
    save_screen(ui_session, "sim-fee-fault-02-refunded")
    journal = kiosk_app.journal
    assert journal is not None
    kinds = [kind for _, _, kind, _ in journal.events(txn_id)]
    assert "sim_replacement.refunded" in kinds
    assert "sim_replacement.done" not in kinds
    assert journal.open_transactions() == []
    assert [e for e in replacement_events(kiosk_app) if e["txn_id"] == txn_id] == []
    after = central_rows(kiosk_app, "SELECT iccid FROM accounts WHERE msisdn = ?", ZHANG_SAN_LINE)
    assert after == before
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []


@pytest.mark.parametrize("kiosk_app", [FEE], indirect=True)
def test_sim_replacement_part_paid_fee_walked_away_ends_in_a_voucher(
    ui_session: UiSession, kiosk_app: KioskApp, blank_card: SimCardEmulator
) -> None:
    """GIVEN ¥10 of a ¥20 fee paid in cash WHEN 张三 walks away (the navigator's idle hook)
    THEN the flow prints a voucher for the ¥10, no card is written or dispensed, central
    hears of no replacement, and the journal and cash box agree."""
    window, vm = ui_session.window, ui_session.vm
    sim = ui_session.features["sim"]
    stock = kiosk_app.card_dispenser.stock().cards_left  # type: ignore[union-attr]
    to_replacement(ui_session, kiosk_app, "sim-fee-idle")
    tap(window, "sim.replace.confirm")
    assert wait_until(lambda: vm.screen == "sim.pay", 20), vm.messageKey
    txn_id = sim.state.replacement.txn_id
    tap(window, "sim.pay.cash")
    assert wait_until(lambda: sim.method == "cash" and vm.messageKey == "sim.insert_cash", 15)
    insert(ui_session, 1000, 1000)
    assert sim.holds_money()
    assert sim.on_idle("sim.pay") is True  # what the navigator calls when the clock runs out
    assert wait_until(lambda: vm.screen == "sim.result", 30), vm.messageKey
    assert sim.outcome == "voucher", (sim.outcome, sim.outcomeKey)
    assert "¥10.00" in text_of(ui_session, "sim.result.money")
    assert not sim.holds_money()
    save_screen(ui_session, "sim-fee-idle-02-voucher")
    journal = kiosk_app.journal
    assert journal is not None
    vouchers = [p for _, _, kind, p in journal.events(txn_id) if kind == "sim_replacement.voucher"]
    assert [(v["amount_fen"], v["reason"]) for v in vouchers] == [
        (1000, "sim.cancelled_after_payment")
    ]
    assert journal.cashbox() == {1000: 1}
    assert Counter(kiosk_app.simulators["bill_acceptor"].handle.stacked_fen) == {1000: 1}
    assert journal.open_transactions() == []
    assert kiosk_app.card_dispenser.stock().cards_left == stock  # type: ignore[union-attr]
    assert [e for e in replacement_events(kiosk_app) if e["txn_id"] == txn_id] == []
    tap(window, "nav.cancel")
    assert wait_until(lambda: vm.screen == "attract")
    assert sim.customer_data() == {}
    assert ui_session.warnings == []
