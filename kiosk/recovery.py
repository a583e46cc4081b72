"""Recovery on boot: every unfinished transaction in the journal is resolved, by table lookup.

A cash top-up that holds money is never dropped: it is committed for the credited amount and
sent to central; one that holds none is cancelled. Money a SIM flow took without delivering
becomes a voucher (kiosk.vouchers), reported to central (voucher.v1) in the same commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from drivers.errors import DriverError
from drivers.interfaces import CardDispenser
from kiosk.flows import (
    bill_payment,
    card_step,
    card_topup,
    change,
    sim_replacement,
    sim_sale,
    topup,
)
from kiosk.journal import Entry, Journal, OutboxMessage, TxnRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveryAction:
    txn_id: str
    from_state: str
    action: str


def _resolve_topup(journal: Journal, txn: TxnRecord, now: datetime) -> str:
    credited = int(txn.data.get("credited_fen", 0))
    done = topup.State.DONE.value
    if txn.state in (topup.State.NUMBER.value, topup.State.CASH.value) and credited == 0:
        journal.record(
            Entry(
                txn.txn_id,
                "topup.cancelled",
                {"recovered": True},
                topup.FLOW_NAME,
                topup.State.CANCELLED.value,
                txn.data,
            )
        )
        return "cancelled"
    if txn.state == topup.State.CASH.value:
        key = topup.outbox_key(txn.txn_id)
        body = topup.topup_body(txn.txn_id, txn.data["msisdn"], credited, now, offline=True)
        journal.record(
            Entry(
                txn.txn_id,
                "topup.committed",
                {"amount_fen": credited, "outbox_key": key, "recovered": True},
                topup.FLOW_NAME,
                topup.State.COMMITTED.value,
                txn.data,
                outbox=(OutboxMessage(key, topup.OUTBOX_KIND, body),),
            )
        )
    # Committed (now or before the restart): central gets it through the outbox; the customer
    # left without a receipt, which the journal records for the reprint desk.
    journal.record(
        Entry(
            txn.txn_id,
            "receipt.failed",
            {"error": "recovered_after_restart"},
            topup.FLOW_NAME,
            done,
            txn.data,
        )
    )
    return "committed" if txn.state == topup.State.CASH.value else "closed"


def _resolve_bill_cash(journal: Journal, txn: TxnRecord, now: datetime) -> str:
    """Like a cash top-up: no money, cancelled; notes taken, the payment is committed for
    them (sent to central) — the customer left without a receipt, which the journal says."""
    data = txn.data
    paid = int(data.get("paid_fen", 0))
    name = bill_payment.CASH_FLOW
    if txn.state == "paying" and paid == 0:
        journal.record(Entry(txn.txn_id, "bill.cancelled", {"recovered": True}, name,
                             "cancelled", data))  # fmt: skip
        return "cancelled"
    if txn.state == "paying":
        key = bill_payment.outbox_key(txn.txn_id)
        body = bill_payment.bill_body(txn.txn_id, data, paid, now, offline=True, method="cash")
        journal.record(
            Entry(txn.txn_id, "bill.committed",
                  {"amount_fen": paid, "outbox_key": key, "recovered": True}, name, "committed",
                  data, outbox=(OutboxMessage(key, bill_payment.OUTBOX_KIND, body),))
        )  # fmt: skip
    journal.record(Entry(txn.txn_id, "receipt.failed", {"error": "recovered_after_restart"},
                         name, "done", data))  # fmt: skip
    return "committed" if txn.state == "paying" else "closed"


def _resolve_change(journal: Journal, txn: TxnRecord, _now: datetime) -> str:
    """No money moved. Waiting for the code: the customer left, cancel it. Confirmation sent
    without an answer: central's record is the truth (the customer has its SMS); close it here
    as unknown so ops can look it up."""
    in_doubt = txn.state == change.State.CONFIRMING.value
    payload = {"recovered": True, **({"outcome": "unknown"} if in_doubt else {})}
    journal.record(
        Entry(txn.txn_id, "change.cancelled", payload, change.FLOW_NAME, "cancelled", txn.data)
    )
    return "closed_unknown" if in_doubt else "cancelled"


def _resolve_sim_replacement(journal: Journal, txn: TxnRecord, now: datetime) -> str:
    """Dispensing: the card left, finish (the line moves to it, the fee paid with it). A card
    payment of the fee in flight: only the terminal knows (settled once the devices run).
    Writing: a card may be in the reader; have it captured. Otherwise nothing physical
    happened. Either way, a fee taken without a card handed out becomes a voucher for ops to
    honour (the customer has gone); nothing taken, cancelled."""
    data = txn.data
    name = sim_replacement.FLOW_NAME
    if txn.state == sim_replacement.DISPENSING:
        key = sim_replacement.outbox_key(txn.txn_id)
        body = sim_replacement.body_of(txn.txn_id, data, now)
        journal.record(
            Entry(txn.txn_id, "sim_replacement.done", {"recovered": True, "outbox_key": key},
                  name, sim_replacement.DONE, data,
                  outbox=(OutboxMessage(key, sim_replacement.OUTBOX_KIND, body),))
        )  # fmt: skip
        return "completed"
    if txn.state in card_step.OPEN_STATES:
        return "ask_terminal"
    capture = txn.state == sim_replacement.WRITING
    paid = int(data.get("paid_fen", 0))
    if paid == 0:
        journal.record(
            Entry(txn.txn_id, "sim_replacement.failed", {"recovered": True, "capture": capture},
                  name, sim_replacement.CANCELLED, data)
        )  # fmt: skip
        return "capture_card" if capture else "cancelled"
    payload = {"amount_fen": paid, "reason": "recovered_after_restart", "capture": capture,
               "recovered": True}  # fmt: skip
    journal.record(sim_replacement.voucher_entry(journal.kiosk_id, txn.txn_id, data, payload,
                                                 now, recovered=True))  # fmt: skip
    return "voucher_capture_card" if capture else "voucher"


def _resolve_sim_sale(journal: Journal, txn: TxnRecord, now: datetime) -> str:
    """Dispensing: the card left, finish the sale at central. A card payment in flight: only
    the terminal knows (settled once the devices run). Money taken otherwise: a voucher for
    ops to honour (the customer has gone), the card captured if one was in the reader. No
    money: cancelled. Either way the number goes back to central's pool (sim_release.v1)."""
    name = sim_sale.FLOW_NAME
    if txn.state == sim_sale.State.DISPENSING.value:
        key = sim_sale.outbox_key(txn.txn_id)
        body = sim_sale.sale_body(txn.txn_id, txn.data, now)  # with the sealed signature
        journal.record(
            Entry(txn.txn_id, "sim_sale.done", {"recovered": True, "outbox_key": key}, name,
                  "done", sim_sale.without_signature(txn.data),
                  outbox=(OutboxMessage(key, sim_sale.OUTBOX_KIND, body),))
        )  # fmt: skip
        return "completed"
    if txn.state in card_step.OPEN_STATES:
        return "ask_terminal"
    data = sim_sale.without_signature(txn.data)  # the sale ends here
    paid = int(data.get("paid_fen", 0))
    capture = txn.state == sim_sale.State.WRITING.value
    release = sim_sale.release_messages(txn.txn_id, data, "recovered_after_restart", now)
    keyed = {"outbox_key": sim_sale.release_key(txn.txn_id)} if release else {}
    if paid == 0:
        journal.record(Entry(txn.txn_id, "sim_sale.cancelled", {"recovered": True, **keyed},
                             name, "cancelled", data, outbox=release))  # fmt: skip
        return "cancelled"
    payload = {"amount_fen": paid, "reason": "recovered_after_restart", "capture": capture,
               **keyed}  # fmt: skip
    journal.record(sim_sale.voucher_entry(journal.kiosk_id, txn.txn_id, data, payload,
                                          outbox=release, at=now, recovered=True))  # fmt: skip
    return "voucher_capture_card" if capture else "voucher"


def _await_terminal(_journal: Journal, _txn: TxnRecord, _now: datetime) -> str:
    """Only the card terminal knows what became of the payment: it is asked once the devices
    run (card_topup.settle_open_payments); the transaction stays open until it answers."""
    return "ask_terminal"


RESOLVERS: dict[str, Callable[[Journal, TxnRecord, datetime], str]] = {
    topup.FLOW_NAME: _resolve_topup,
    change.FLOW_NAME: _resolve_change,
    sim_replacement.FLOW_NAME: _resolve_sim_replacement,
    sim_sale.FLOW_NAME: _resolve_sim_sale,
    card_topup.FLOW_NAME: _await_terminal,
    bill_payment.CASH_FLOW: _resolve_bill_cash,
    bill_payment.CARD_FLOW: _await_terminal,
}


def recover(journal: Journal, now: datetime | None = None) -> list[RecoveryAction]:
    """Resolve every open transaction; unknown flows are logged and left for an engineer."""
    actions = []
    for txn in journal.open_transactions():
        resolver = RESOLVERS.get(txn.flow)
        if resolver is None:
            log.error("no recovery for flow %r (txn %s)", txn.flow, txn.txn_id)
            continue
        action = resolver(journal, txn, now or datetime.now().astimezone())
        log.warning("recovered txn %s from %s: %s", txn.txn_id, txn.state, action)
        actions.append(RecoveryAction(txn.txn_id, txn.state, action))
    return actions


def capture_left_cards(actions: list[RecoveryAction], dispenser: CardDispenser | None) -> None:
    """A SIM flow died with a card in the reader: once the devices run, to the reject bin."""
    captures = [a for a in actions if a.action.endswith("capture_card")]
    if not captures or dispenser is None:
        return
    for action in captures:
        try:
            dispenser.retain()
            log.warning("txn %s: card left in the reader captured", action.txn_id)
        except DriverError as exc:
            log.error("txn %s: card in the reader not captured: %s", action.txn_id, exc)
