"""Every voucher the kiosk issues reaches central exactly once (sync kind voucher.v1): written
with its journal event in one transaction, keyed by that event, with the number as printed
and nothing personal but the masked mobile number. Each path: a SIM sale or replacement that
fails (or is abandoned) after payment, recovery on boot of a paid SIM flow, a card payment
settled after a restart whose reversal is refused, and a note stacked across a restart in a
cash top-up, a bill payment or a SIM flow (cash_intake.StackIntents)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from drivers.errors import DriverError
from drivers.interfaces import CardApproved, PowerUpWithNote
from kiosk import vouchers
from kiosk.flows import bill_payment, sim_replacement, sim_sale, topup
from kiosk.flows.cash_intake import StackIntents
from kiosk.flows.sim_issue import SimIssueFailed
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.recovery import recover
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.conftest import KIOSKS, Central
from tests.kiosk import test_sim_replacement_fee as fee
from tests.kiosk import test_sim_sale as sale
from tests.kiosk.test_sim_replacement import NOW
from tests.security.leak_scanner import find_in_text

pytestmark = pytest.mark.timeout(120)

rig_sale = sale.rig
rig_fee = fee.rig

MSISDN_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")


def _sync(journal: Journal, central: Central) -> None:
    store = OutboxStore(journal.path)
    try:
        SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
        for key in _voucher_keys(journal):
            item = store.get(key)
            assert item is not None
            assert (item.kind, item.state) == ("voucher.v1", "acked"), item
    finally:
        store.close()


def _voucher_keys(journal: Journal) -> list[str]:
    return [p["voucher_key"] for _, _, k, p in journal.events() if k in vouchers.EVENT_KINDS]


def _central_vouchers(central: Central, **params: str) -> list[dict[str, Any]]:
    reply = central.ops("kiosks/K1/vouchers", params or None)
    assert reply.status_code == 200, reply.text
    listed: list[dict[str, Any]] = reply.json()["vouchers"]
    return listed


def _exactly_one(
    journal: Journal, central: Central, txn_id: str, amount_fen: int
) -> dict[str, Any]:
    """Synced twice (a replay changes nothing): one voucher at central for the transaction,
    equal to the journal's, with no personal data but the masked number."""
    _sync(journal, central)
    _sync(journal, central)
    [event] = [p for _, t, k, p in journal.events(txn_id) if k in vouchers.EVENT_KINDS]
    [voucher] = _central_vouchers(central, txn_id=txn_id)
    assert voucher["amount_fen"] == event["amount_fen"] == amount_fen
    assert voucher["voucher_no"] == event["voucher_no"]
    assert voucher["status"] == "issued"
    text = json.dumps(voucher, ensure_ascii=False)
    # Checksum-valid ID numbers only: a transaction id's hex can hold 18 decimal digits in a row.
    assert not [hit for hit in find_in_text(text) if hit.kind == "resident_id"], text
    assert voucher["msisdn_masked"] is None or MSISDN_MASK.match(voucher["msisdn_masked"])
    return voucher


# --- SIM sale -------------------------------------------------------------------------------


def test_sim_sale_write_failure_after_payment(rig_sale: sale.Rig, central: Central) -> None:
    price = sale._to_payment(rig_sale)
    sale._pay(rig_sale, price)
    paid = rig_sale.flow.finish_payment()
    rig_sale.writer.failures.extend(
        DriverError("write error", message_key="sim.write_error") for _ in range(2)
    )
    with pytest.raises(SimIssueFailed):
        rig_sale.flow.issue()
    txn = rig_sale.flow.txn_id
    voucher = _exactly_one(rig_sale.journal, central, txn, paid)
    assert voucher["voucher_no"] in rig_sale.printer.last_text()  # the number as printed
    assert voucher["msisdn_masked"] in rig_sale.printer.last_text()
    assert voucher["reason"] == "sim.write_failed"
    assert (voucher["flow"], voucher["event"], voucher["recovered"]) == (
        sim_sale.FLOW_NAME, "sim_sale.voucher", False,
    )  # fmt: skip


def test_sim_sale_cancelled_part_paid(rig_sale: sale.Rig, central: Central) -> None:
    sale._to_payment(rig_sale)
    sale._pay(rig_sale, 1000, note=1000)
    rig_sale.flow.cancel()
    voucher = _exactly_one(rig_sale.journal, central, rig_sale.flow.txn_id, 1000)
    assert voucher["reason"] == "sim.cancelled_after_payment"


def test_sim_sale_recovered_on_boot(rig_sale: sale.Rig, central: Central) -> None:
    """Paid, then the kiosk died: the boot's voucher goes to central, made without a slip."""
    price = sale._to_payment(rig_sale)
    sale._pay(rig_sale, price)
    rig_sale.flow.finish_payment()
    [action] = recover(rig_sale.journal, NOW)
    assert action.action == "voucher"
    voucher = _exactly_one(rig_sale.journal, central, rig_sale.flow.txn_id, price)
    assert (voucher["reason"], voucher["recovered"]) == ("recovered_after_restart", True)


# --- SIM replacement ------------------------------------------------------------------------


def test_sim_replacement_fee_write_failure(rig_fee: fee.Rig, central: Central) -> None:
    rig_fee.flow.prepare()
    fee._pay_cash(rig_fee, (5000,))
    rig_fee.flow.finish_payment()
    rig_fee.writer.failures.extend(
        DriverError("write error", message_key="sim.write_error") for _ in range(2)
    )
    with pytest.raises(SimIssueFailed):
        rig_fee.flow.run()
    voucher = _exactly_one(rig_fee.journal, central, rig_fee.flow.txn_id, 5000)
    assert voucher["voucher_no"] in rig_fee.printer.last_text()
    assert voucher["msisdn_masked"] == "138****8000"
    assert voucher["event"] == "sim_replacement.voucher"


def test_sim_replacement_fee_cancelled_part_paid(rig_fee: fee.Rig, central: Central) -> None:
    rig_fee.flow.prepare()
    fee._pay_cash(rig_fee, (1000,))
    with pytest.raises(Exception, match="not paid"):
        rig_fee.flow.finish_payment()
    rig_fee.flow.cancel()
    _exactly_one(rig_fee.journal, central, rig_fee.flow.txn_id, 1000)


def test_sim_replacement_recovered_on_boot(rig_fee: fee.Rig, central: Central) -> None:
    rig_fee.flow.prepare()
    fee._pay_cash(rig_fee, (1000,))  # the kiosk dies while paying
    [action] = recover(rig_fee.journal, NOW)
    assert action.action == "voucher"
    voucher = _exactly_one(rig_fee.journal, central, rig_fee.flow.txn_id, 1000)
    assert voucher["recovered"] is True


def test_card_fee_settled_after_restart_whose_reversal_fails(
    tmp_path: Path, central: Central
) -> None:
    """A fee approved at the terminal, the kiosk restarted, and the reversal refused: the
    settling round's voucher goes to central."""

    class Terminal:
        def status(self, _service_id: str) -> CardApproved:
            return CardApproved(amount_fen=2000, masked_pan="622848******1234", brand="UnionPay",
                                approval_code="A1", poi_transaction_id="p1")  # fmt: skip

        def reverse(self, *_args: object) -> bool:
            raise DriverError("no reversal today")

    journal = Journal(tmp_path / "kiosk.db", kiosk_id="K1")
    data = {"msisdn": "13800138000", "fee_fen": 2000, "paid_fen": 0, "method": "card",
            "service_id": "s1"}  # fmt: skip
    journal.record(Entry("r1", "card.authorising", {}, sim_replacement.FLOW_NAME,
                         "card_authorising", data))  # fmt: skip
    try:
        done = sim_replacement.settle_open_card_payments(journal, Terminal(), clock=lambda: NOW)  # type: ignore[arg-type]
        assert done == [("r1", "vouchered")]
        voucher = _exactly_one(journal, central, "r1", 2000)
        assert voucher["recovered"] is True
    finally:
        journal.close()


# --- a note stacked across a restart (StackIntents) -----------------------------------------


@pytest.mark.parametrize(
    ("flow", "state", "data"),
    [
        (topup.FLOW_NAME, "cash", {"msisdn": "13900139000", "credited_fen": 0}),
        (bill_payment.CASH_FLOW, "paying", {"msisdn": "13900139000", "paid_fen": 0}),
        (sim_sale.FLOW_NAME, "paying", {"msisdn": "13900139000", "paid_fen": 0}),
        (sim_replacement.FLOW_NAME, "paying", {"msisdn": "13900139000", "paid_fen": 0}),
    ],
    ids=["topup", "bill", "sim_sale", "sim_replacement"],
)
def test_note_stacked_across_a_restart(
    tmp_path: Path, central: Central, flow: str, state: str, data: dict[str, Any]
) -> None:
    """GIVEN a stack intent left open by a kill, the flow then closed by recovery WHEN the
    restarted acceptor reports the note in the stacker THEN its voucher reaches central once,
    however often the evidence repeats (and a second note in the same transaction is its own
    voucher)."""
    journal = Journal(tmp_path / "kiosk.db", kiosk_id="K1")
    try:
        journal.record(Entry("t1", "flow.started", {}, flow, state, data))
        journal.record(Entry("t1", "cash.stack_intent", {"denomination_fen": 5000}, flow, state,
                             data))  # fmt: skip
        recover(journal, NOW)
        standby = StackIntents(journal, lambda _e: None, clock=lambda: NOW)
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        assert journal.cashbox() == {5000: 1}
        voucher = _exactly_one(journal, central, "t1", 5000)
        assert (voucher["flow"], voucher["event"]) == (flow, "cash.voucher")
        assert voucher["msisdn_masked"] == "139****9000"
        assert voucher["reason"] == "stacked_across_restart"
        assert voucher["recovered"] is True
        # Another intent of the same transaction: another voucher, another number.
        journal.record(Entry("t1", "cash.stack_intent", {"denomination_fen": 1000}))
        standby.on_bill_event(PowerUpWithNote("stacker", None))
        _sync(journal, central)
        listed = _central_vouchers(central, txn_id="t1")
        assert sorted(v["amount_fen"] for v in listed) == [1000, 5000]
        assert len({v["voucher_no"] for v in listed}) == 2
    finally:
        journal.close()


# --- the rule itself ------------------------------------------------------------------------


def test_a_voucher_event_without_its_row_is_refused(tmp_path: Path) -> None:
    """A new flow cannot journal a voucher that central would never hear of."""
    journal = Journal(tmp_path / "kiosk.db")
    try:
        with pytest.raises(ValueError, match=r"voucher\.v1"):
            journal.record(Entry("t1", "sim_sale.voucher", {"amount_fen": 100, "reason": "x"}))
        other = OutboxMessage("k", "sim_release.v1", {"txn_id": "t1"})
        with pytest.raises(ValueError, match=r"voucher\.v1"):
            journal.record(Entry("t1", "new_flow.voucher", {}, outbox=(other,)))
        assert journal.events() == []
    finally:
        journal.close()


def test_the_journal_keeps_the_kiosk_id(tmp_path: Path) -> None:
    Journal(tmp_path / "kiosk.db", kiosk_id="K7").close()
    again = Journal(tmp_path / "kiosk.db")
    try:
        assert again.kiosk_id == "K7"
        again.set_kiosk_id("K8")
    finally:
        again.close()
    third = Journal(tmp_path / "kiosk.db")
    try:
        assert third.kiosk_id == "K8"
    finally:
        third.close()


def test_voucher_body_is_keyed_by_its_event_and_masks_the_number() -> None:
    entry = vouchers.voucher_entry(
        kiosk_id="K1", txn_id="t9", event_kind=vouchers.CASH_STACKED,
        payload={"amount_fen": 2000, "reason": "stacked_across_restart"}, flow="topup.cash",
        at=NOW, msisdn_masked=vouchers.masked_msisdn({"msisdn": "13800138000",
                                                     "id_number": "110105199001011234"}),
        recovered=True, tag="42",
    )  # fmt: skip
    [message] = entry.outbox
    assert message.key == "t9:cash.voucher:42"
    assert message.kind == "voucher.v1"
    assert message.body["voucher_no"] == "Vt9-42"
    assert message.body["msisdn_masked"] == "138****8000"
    assert "110105" not in json.dumps(message.body)
    assert vouchers.masked_msisdn({"msisdn": "12345"}) is None
    with pytest.raises(ValueError, match="positive"):
        vouchers.voucher_entry(kiosk_id="K1", txn_id="t9", event_kind=vouchers.SIM_SALE,
                               payload={"amount_fen": 0, "reason": "x"}, flow="f",
                               at=NOW)  # fmt: skip
