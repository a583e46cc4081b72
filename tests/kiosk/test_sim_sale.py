"""SIM sale against the reference central: real-name check, a reserved number, cash through the
simulated acceptor (journalled with the cash box), the card written and dispensed, the line
opened through the outbox; cancellation, failure after payment (voucher, card captured) and
recovery at every journalled state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import PoolNumber
from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator
from drivers.errors import DriverError
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.cash_router import CashRouter
from kiosk.central_api import CentralApi
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.errors import CentralRefused, FlowError, JournalError
from kiosk.flows import sim_sale
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed
from kiosk.flows.sim_sale import SimSaleContext, SimSaleFlow, State
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from tests.central.business_client import Biz
from tests.central.conftest import Central
from tests.kiosk.fakes import RecordingPrinter, crash_after
from tests.kiosk.test_sim_replacement import ADM, FakeSimWriter, zhang_san
from tests.support.builders import deliver_outbox, feed_notes, simulated_cash

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 11, 22, 10, 30).astimezone()
TODAY = date(2026, 11, 22)


@dataclass
class Rig:
    flow: SimSaleFlow
    context: SimSaleContext
    journal: Journal
    acceptor: SimulatedBillAcceptor
    writer: FakeSimWriter
    mechanism: DispenserSimulator
    printer: RecordingPrinter
    router: CashRouter


@pytest.fixture
def rig(api: CentralApi, tmp_path: Path) -> Iterator[Rig]:
    journal = Journal(tmp_path / "kiosk.db")
    acceptor, router = simulated_cash()
    writer = FakeSimWriter()
    mechanism = DispenserSimulator(stock=10)
    printer = RecordingPrinter()
    failures: list[JournalError] = []
    context = SimSaleContext(
        kiosk_id="K1", kiosk_name="测试终端", api=api, journal=journal, acceptor=acceptor,
        denominations_fen=NOTE_DENOMINATIONS_FEN,
        devices=SimDevices(writer, DispenserDriver(mechanism), ADM), printer=printer,
        metrics=ServiceMetrics(tmp_path / "m.json"), plan_code=_plan(api),
        attach_cash=router.attach, on_storage_failure=failures.append, clock=lambda: NOW,
    )  # fmt: skip
    yield Rig(SimSaleFlow(context), context, journal, acceptor, writer, mechanism, printer,
              router)  # fmt: skip
    acceptor.close()
    journal.close()


def _plan(api: CentralApi) -> str:
    return api.catalogue().plans[0].code


def _priced_number(flow: SimSaleFlow) -> str:
    page = flow.numbers(page_size=50)
    return next(n.msisdn for n in page.numbers if n.price_fen > 0)


def _pay(rig: Rig, amount_fen: int, note: int = 10000, first: int | None = None) -> None:
    """Insert notes (optionally a smaller `first` one) until `amount_fen` is reached."""
    rig.flow.start_cash()
    notes = [] if first is None else [first]
    while sum(notes) < amount_fen:
        notes.append(note)
    feed_notes(rig.acceptor, notes, lambda: int(rig.flow._data["paid_fen"]))


def _to_payment(rig: Rig) -> int:
    rig.flow.check_identity(zhang_san(), TODAY)
    reservation = rig.flow.reserve(_priced_number(rig.flow))
    rig.flow.accept_agreement()
    return reservation.price_fen


def _sell(rig: Rig) -> None:
    price = _to_payment(rig)
    _pay(rig, price)
    rig.flow.finish_payment()
    rig.flow.issue()


def _deliver(journal: Journal, central: Central) -> list[Any]:
    return deliver_outbox(journal, central.url)


def test_a_sale_from_id_card_to_open_line(rig: Rig, central: Central) -> None:
    """GIVEN a resident whose ID passes the real-name check WHEN they pick a number, agree, pay
    in cash (more than the price) THEN the card is written and dispensed, the cash box equals
    the notes, the receipt shows the opening credit, and central opens the line once."""
    price = _to_payment(rig)
    _pay(rig, price, note=10000, first=100)  # the last note overshoots: no change given
    paid = rig.flow.finish_payment()
    assert paid > price
    iccid = rig.flow.issue()
    assert rig.flow.state is State.DONE
    assert rig.writer.written[0].iccid == iccid
    assert rig.mechanism.dispensed == 1
    assert sum(f * n for f, n in rig.journal.cashbox().items()) == paid
    receipt = rig.printer.last_text()
    assert rig.flow._data["msisdn"] in receipt
    assert f"¥{(paid - price) // 100}." in receipt  # opening credit
    [item] = _deliver(rig.journal, central)
    assert item is not None
    assert item.state == "acked"
    texts = Biz(central).texts(rig.flow._data["msisdn"])
    assert any("欢迎入网" in text for text in texts)


def test_cancel_before_money_releases_the_number(rig: Rig, api: CentralApi) -> None:
    _to_payment(rig)
    msisdn = rig.flow._data["msisdn"]
    rig.flow.cancel()
    assert rig.flow.state is State.CANCELLED
    assert rig.journal.open_transactions() == []
    again = api.numbers(prefix=msisdn[:3], page_size=50)
    assert msisdn in {n.msisdn for n in again.numbers} or again.total > 0
    check = api.real_name_check(zhang_san().id_number, zhang_san().name, "2020-01-01",
                                "2040-01-01")  # fmt: skip
    assert api.reserve_number(msisdn, check.check_id).msisdn == msisdn  # free again


def test_cancel_after_money_gives_a_voucher(rig: Rig) -> None:
    price = _to_payment(rig)
    assert price > 1000
    _pay(rig, 1000, note=1000)
    rig.flow.cancel()
    assert rig.flow.voucher_fen == 1000
    text = rig.printer.last_text()
    assert "退款凭证" in text
    assert "¥10.00" in text
    assert rig.journal.open_transactions() == []
    assert rig.journal.cashbox() == {1000: 1}


def test_write_failure_after_payment_captures_and_vouchers(rig: Rig, central: Central) -> None:
    price = _to_payment(rig)
    _pay(rig, price)
    paid = rig.flow.finish_payment()
    rig.writer.failures.extend(
        DriverError("write error", message_key="sim.write_error") for _ in range(2)
    )
    with pytest.raises(SimIssueFailed):
        rig.flow.issue()
    assert rig.mechanism.rejected == 2
    assert rig.flow.voucher_fen == paid
    assert "退款凭证" in rig.printer.last_text()
    keys = [p for _, _, k, p in rig.journal.events() if k == "sim_sale.voucher"]
    release = sim_sale.release_key(rig.flow.txn_id)
    txn = rig.flow.txn_id
    voucher = {"voucher_no": f"V{txn}", "voucher_key": f"{txn}:sim_sale.voucher"}
    assert keys == [{"amount_fen": paid, "reason": "sim.write_failed", "outbox_key": release,
                     **voucher}]  # fmt: skip
    assert rig.journal.open_transactions() == []
    [item] = _deliver(rig.journal, central)  # the number goes back to central's pool
    assert (item.kind, item.result) == (
        "sim_release.v1",
        {"reservation_id": rig.flow._data["reservation_id"], "status": "released"},
    )


def test_blocked_identity_is_refused(rig: Rig) -> None:
    card = zhang_san()
    fake = type(card)(**{**card.__dict__, "id_number": "110101199003071234"})
    with pytest.raises(CentralRefused) as refused:
        rig.flow.check_identity(fake, TODAY)
    assert refused.value.code.startswith("realname.")
    with pytest.raises(FlowError):
        rig.flow.reserve("13800000000")


def test_underpaid_cannot_be_finished(rig: Rig) -> None:
    price = _to_payment(rig)
    assert price > 100
    _pay(rig, 100, note=100)
    with pytest.raises(FlowError) as refused:
        rig.flow.finish_payment()
    assert refused.value.message_key == "sim.not_paid"


@pytest.mark.parametrize(
    ("stop_after", "action", "posted"),
    [
        ("sim_sale.reserved", "cancelled", False),
        ("sim_sale.paid", "voucher", False),
        ("sim.writing", "voucher_capture_card", False),
        ("sim.dispensing", "completed", True),
    ],
)
def test_recovery_after_a_crash_at_each_state(
    rig: Rig,
    central: Central,
    stop_after: str,
    action: str,
    posted: bool,
) -> None:
    """GIVEN the kiosk died right after journalling `stop_after` WHEN it boots THEN money is
    never silent: a voucher for ops, or the sale finished at central exactly once."""
    journal = rig.journal
    with crash_after(journal, stop_after), pytest.raises(SystemExit):
        _sell(rig)
    rig.router.attach(None)
    [recovered] = recover(journal, NOW)
    assert recovered.action == action
    assert journal.open_transactions() == []
    delivered = _deliver(journal, central)
    assert [d.kind for d in delivered] == ["sim_sale.v1" if posted else "sim_release.v1"]
    assert [d.state for d in delivered] == ["acked"]
    if not posted:  # a recovered sale gives its number back to central's pool
        assert delivered[0].result["status"] == "released"
        with central.storage.sessions() as session:
            held = session.scalars(select(PoolNumber).where(PoolNumber.reserved_by_kiosk == "K1"))
            assert list(held) == []
    if posted:
        assert delivered[0].state == "acked"
        assert delivered[0].body["iccid"] == rig.writer.written[0].iccid
    else:
        assert [k for _, _, k, _ in journal.events() if k == "sim_sale.done"] == []


def test_recovery_while_paying_vouchers_the_notes_taken(rig: Rig) -> None:
    """GIVEN the kiosk died with ¥10 of a larger price in the cash box WHEN it boots THEN the
    ¥10 is a voucher on the record and the cash box still counts the note."""
    _to_payment(rig)
    _pay(rig, 1000, note=1000)
    rig.router.attach(None)  # the process is gone: nothing of the flow runs any more
    [recovered] = recover(rig.journal, NOW)
    assert recovered.action == "voucher"
    [voucher] = [p for _, _, k, p in rig.journal.events() if k == "sim_sale.voucher"]
    assert voucher["amount_fen"] == 1000
    assert rig.journal.cashbox() == {1000: 1}
    assert sim_sale.FLOW_NAME == "sim.sale"


def test_numbers_by_ending_digits_and_price_band(rig: Rig, api: CentralApi) -> None:
    """The picker's "ending digits" and price band reach central's number search."""
    every = api.numbers(page_size=100).numbers
    wanted = every[3].msisdn
    page = rig.flow.numbers(suffix=wanted[-4:], page_size=50)
    assert [n.msisdn for n in page.numbers] == [wanted]
    priced = api.numbers(min_price_fen=1, page_size=100)
    assert priced.total > 0
    assert all(n.price_fen >= 1 for n in priced.numbers)
    free = api.numbers(min_price_fen=0, max_price_fen=0, page_size=100)
    assert all(n.price_fen == 0 for n in free.numbers)
    with pytest.raises(CentralRefused) as upside_down:
        api.numbers(min_price_fen=100, max_price_fen=0)
    assert upside_down.value.message_key == "number.bad_price_range"
