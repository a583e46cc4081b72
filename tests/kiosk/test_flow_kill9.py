"""kill -9 at every journalled state of the cash top-up, the bill payment, the SIM sale and
the paid SIM replacement (cash or card), then a restart.

Each case runs one whole customer transaction headless in a child process
(tests/kiosk/kill9_child.py) against the reference central, and SIGKILLs it right after its
N-th journal event became durable — for every N of a full run, and once not at all. The parent
then boots on the same data folder as the kiosk would (a new Journal on kiosk.db, recovery,
a round of the sync worker) and checks the books:

- the database is intact (PRAGMA integrity_check) and the journal's hash chain verifies;
- no transaction is left open;
- the cash box equals the notes the journal credited, which are the notes the customer put in;
- money in = money credited at central + money vouchered, for that transaction, exactly once:
  a second recovery and a second delivery change nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import Account, AccountEvent, BillPayment, PoolNumber
from central.db import Voucher
from central.seed import ACCOUNTS
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.simulator import TerminalSimulator
from drivers.cardterminal.transport import transport_for_url
from kiosk.flows import sim_sale
from kiosk.journal import FINAL_STATES, Journal
from kiosk.recovery import recover
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.conftest import KIOSKS, Central
from tests.conftest import REPO
from tests.kiosk.kill9_child import (
    BILL_MSISDN,
    BILL_NOTES_FEN,
    MSISDN,
    REPLACE_NOTES_FEN,
    REPLACEMENT_FEE_FEN,
    SIM_NOTES_FEN,
    TOPUP_NOTES_FEN,
)

pytestmark = pytest.mark.timeout(120)

# Every event a full run journals, in order (a run to the end checks this list is current).
EVENTS = {
    "topup": [
        "topup.started",
        "cash.stack_intent",  # before STACK goes to the acceptor
        "cash.note_credited",
        "cash.stack_intent",
        "cash.note_credited",
        "topup.committed",
        "receipt.printed",
    ],
    "sim_sale": [
        "sim_sale.reserved",
        "sim_sale.agreed",
        "sim_sale.paying",
        "cash.stack_intent",  # since 559b9de the SIM flows journal stack intents too
        "cash.note_credited",
        "cash.stack_intent",
        "cash.note_credited",
        "sim_sale.paid",
        "sim.data_received",
        "sim.card_to_reader",
        "sim.writing",
        "sim.dispensing",
        "sim_sale.done",
    ],
    "sim_card": [
        "sim_sale.reserved",
        "sim_sale.agreed",
        "card.requested",
        "card.approved",
        "sim.data_received",
        "sim.card_to_reader",
        "sim.writing",
        "sim.dispensing",
        "sim_sale.done",
    ],
    "sim_replace": [
        "sim_replacement.started",
        "sim.data_received",
        "sim_replacement.paying",
        "cash.stack_intent",  # since 559b9de the SIM flows journal stack intents too
        "cash.note_credited",
        "cash.stack_intent",
        "cash.note_credited",
        "sim_replacement.paid",
        "sim.card_to_reader",
        "sim.writing",
        "sim.dispensing",
        "sim_replacement.done",
    ],
    "sim_replace_card": [
        "sim_replacement.started",
        "sim.data_received",
        "card.requested",
        "card.approved",
        "sim.card_to_reader",
        "sim.writing",
        "sim.dispensing",
        "sim_replacement.done",
    ],
    "bill": [
        "bill.started",
        "cash.stack_intent",
        "cash.note_credited",
        "cash.stack_intent",
        "cash.note_credited",
        "bill.committed",
        "receipt.printed",
    ],
}
NOTES = {"topup": TOPUP_NOTES_FEN, "sim_sale": SIM_NOTES_FEN, "sim_card": (),
         "bill": BILL_NOTES_FEN, "sim_replace": REPLACE_NOTES_FEN,
         "sim_replace_card": ()}  # fmt: skip
SEEDED_BALANCE_FEN = next(a.balance_fen for a in ACCOUNTS if a.msisdn == MSISDN)
CARD_FLOWS = ("sim_card", "sim_replace_card")  # paid through the terminal simulator
REPLACEMENTS = ("sim_replace", "sim_replace_card")
VOUCHERS = ("sim_sale.voucher", "sim_replacement.voucher", "cash.voucher")
SIM_FEE_FEN = 10000
CASES = [
    pytest.param(flow, n, id=f"{flow}-{n}-{kinds[n - 1] if n else 'run_to_end'}")
    for flow, kinds in EVENTS.items()
    for n in [*range(1, len(kinds) + 1), 0]
]


def _run_child(
    flow: str, folder: Path, central: Central, stop_at: int, terminal_url: str = ""
) -> list[str]:
    """Run the flow in a child; SIGKILL it right after its `stop_at`-th journal event (0: let
    it finish). The event kinds it reported as durable."""
    errors = (folder / "child.err").open("w")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.kiosk.kill9_child", flow, str(folder), central.url,
         KIOSKS["K1"], str(stop_at), *([terminal_url] if terminal_url else [])],
        stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO,
    )  # fmt: skip
    assert child.stdout is not None
    kinds: list[str] = []
    try:
        while stop_at == 0 or len(kinds) < stop_at:
            line = child.stdout.readline()
            if not line or line.strip() == "finished":
                break
            word, kind = line.split()
            assert word == "journalled", line
            kinds.append(kind)
        if stop_at:
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(10) == -signal.SIGKILL
        else:
            assert child.wait(30) == 0, (folder / "child.err").read_text()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        child.stdout.close()
        errors.close()
    assert kinds == EVENTS[flow][: stop_at or None], (folder / "child.err").read_text()
    return kinds


def _deliver(journal: Journal, central: Central) -> None:
    store = OutboxStore(journal.path)
    try:
        SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
    finally:
        store.close()


def _replay(journal: Journal, central: Central, keys: list[str]) -> list[Any]:
    """Send the outbox items again, straight to central, under their stored keys."""
    store = OutboxStore(journal.path)
    try:
        items = [item for key in keys if (item := store.get(key)) is not None]
    finally:
        store.close()
    if not items:
        return []
    return central.sync_results([{"key": i.key, "kind": i.kind, "body": i.body} for i in items])


@dataclass(frozen=True)
class Books:
    integrity: str
    chain_ok: bool
    open_txns: list[str]
    txn_states: dict[str, str]
    events: int
    cashbox_fen: int
    credited_notes_fen: int
    outbox: dict[str, str]  # key → state
    central_fen: int  # money central credited for this kiosk's transactions
    central_rows: int  # and in how many records (one per transaction: exactly once)
    vouchered_fen: int
    central_vouchered_fen: int  # vouchers central recorded (voucher.v1) for these transactions
    central_vouchers: int


def _central_vouchers(central: Central, txn_ids: set[str]) -> tuple[int, int]:
    with central.storage.sessions() as session:
        rows = [v for v in session.scalars(select(Voucher)) if v.txn_id in txn_ids]
    return sum(v.amount_fen for v in rows), len(rows)


def _central_money(flow: str, central: Central, txn_ids: set[str]) -> tuple[int, int]:
    if flow == "topup":
        rows = [t for t in central.topups(msisdn=MSISDN) if t["txn_id"] in txn_ids]
        return sum(int(t["amount_fen"]) for t in rows), len(rows)
    if flow == "bill":
        with central.storage.sessions() as session:
            paid = session.scalars(select(BillPayment).where(BillPayment.msisdn == BILL_MSISDN))
            bills = [p for p in paid if p.txn_id in txn_ids]
        return sum(p.amount_fen for p in bills), len(bills)
    kind = "sim_replacement" if flow in REPLACEMENTS else "sim_sale"
    with central.storage.sessions() as session:
        details = [
            json.loads(e.detail_json)
            for e in session.scalars(select(AccountEvent).where(AccountEvent.kind == kind))
        ]
    rows = [d for d in details if d["txn_id"] in txn_ids]
    # a replacement: the fee and what was paid over it (credited to the line)
    return sum(int(d.get("paid_fen", d["amount_fen"])) for d in rows), len(rows)


def _books(flow: str, journal: Journal, central: Central) -> Books:
    with sqlite3.connect(journal.path) as conn:
        [integrity] = conn.execute("PRAGMA integrity_check").fetchone()
        states = dict(conn.execute("SELECT txn_id, state FROM txn").fetchall())
    conn.close()
    events = journal.events()
    notes = sum(int(p["denomination_fen"]) for _, _, k, p in events if k == "cash.note_credited")
    keys = [p["outbox_key"] for _, _, _, p in events if "outbox_key" in p]
    keys += [p["voucher_key"] for _, _, k, p in events if k in VOUCHERS]  # voucher.v1 rows
    store = OutboxStore(journal.path)
    try:
        outbox: dict[str, str] = {
            key: item.state for key in keys if (item := store.get(key)) is not None
        }
    finally:
        store.close()
    central_fen, central_rows = _central_money(flow, central, set(states))
    central_vouchered_fen, central_vouchers = _central_vouchers(central, set(states))
    return Books(
        integrity=integrity,
        chain_ok=journal.verify_chain(),
        open_txns=[t.txn_id for t in journal.open_transactions()],
        txn_states=states,
        events=len(events),
        cashbox_fen=sum(fen * count for fen, count in journal.cashbox().items()),
        credited_notes_fen=notes,
        outbox=outbox,
        central_fen=central_fen,
        central_rows=central_rows,
        vouchered_fen=sum(int(p["amount_fen"]) for _, _, k, p in events if k in VOUCHERS),
        central_vouchered_fen=central_vouchered_fen,
        central_vouchers=central_vouchers,
    )


@pytest.mark.parametrize(("flow", "stop_at"), CASES)
def test_kill_9_after_each_journal_event_then_restart(
    flow: str,
    stop_at: int,
    tmp_path: Path,
    central: Central,
) -> None:
    """GIVEN a kiosk killed with SIGKILL right after the `stop_at`-th durable journal event of a
    real flow WHEN it boots again (recovery, then the sync worker) THEN the books agree: every
    fen the customer put in is in the cash box and either credited at central or vouchered,
    exactly once — and booting again changes nothing."""
    simulator = TerminalSimulator("tcp", stage_s=0.01) if flow in CARD_FLOWS else None
    if simulator is not None:
        simulator.start()
    try:
        kinds = _run_child(flow, tmp_path, central, stop_at, simulator.url if simulator else "")
        notes_in = sum(NOTES[flow][: kinds.count("cash.note_credited")])
        _restart_and_check(flow, stop_at, kinds, notes_in, tmp_path, central=central,
                           simulator=simulator)  # fmt: skip
    finally:
        if simulator is not None:
            simulator.stop()


def _settle_card(journal: Journal, simulator: TerminalSimulator | None) -> None:
    """The running kiosk asks the terminal about card payments a sale left open."""
    if simulator is None:
        return
    terminal = NexoCardTerminal(transport_for_url(simulator.url, width=4), sale_id="K1",
                                poi_id="SIMPOI01", payment_timeout_s=5)  # fmt: skip
    try:
        sim_sale.settle_open_card_payments(journal, terminal)
    finally:
        terminal.close()


def _restart_and_check(
    flow: str, stop_at: int, kinds: list[str], notes_in: int, tmp_path: Path, *,
    central: Central, simulator: TerminalSimulator | None,
) -> None:  # fmt: skip
    journal = Journal(tmp_path / "kiosk.db")  # the restart
    try:
        recover(journal)
        _settle_card(journal, simulator)
        _deliver(journal, central)
        books = _books(flow, journal, central)
        assert recover(journal) == []  # a second boot: nothing left to resolve
        _settle_card(journal, simulator)
        _deliver(journal, central)
        assert _books(flow, journal, central) == books  # … and nothing changes
        replies = _replay(journal, central, list(books.outbox))
    finally:
        journal.close()
    # As if killed after central took an item but before its ack was stored: sent again
    # under the same idempotency key, central answers as the first time and credits nothing.
    assert all(reply["status"] == "duplicate" for reply in replies), replies
    assert len(replies) == len(books.outbox)
    assert _central_money(flow, central, set(books.txn_states)) == (
        books.central_fen,
        books.central_rows,
    )

    assert books.integrity == "ok"
    assert books.chain_ok
    assert books.open_txns == []
    assert len(books.txn_states) == 1
    assert set(books.txn_states.values()) <= FINAL_STATES
    # Money in: the notes the customer put in, or the card payment the terminal approved and
    # did not reverse.
    approved = simulator.engine.approvals() if simulator is not None else []
    inserted = notes_in + sum(tx.request.amount_fen for tx in approved if not tx.reversed)
    assert books.credited_notes_fen == notes_in
    assert books.cashbox_fen == books.credited_notes_fen
    assert all(state == "acked" for state in books.outbox.values()), books.outbox
    # Money in = credited at central + vouchered, exactly once; every voucher known to central.
    assert books.central_fen + books.vouchered_fen == inserted
    assert books.central_vouchered_fen == books.vouchered_fen
    assert books.central_vouchers == (1 if books.vouchered_fen else 0)
    if flow in ("topup", "bill"):
        assert books.vouchered_fen == 0
        assert books.central_rows == (1 if inserted else 0)
        assert len(books.outbox) == (1 if inserted else 0)
        return
    sold = "sim.dispensing" in kinds or stop_at == 0  # the card left the kiosk
    assert books.central_rows == (1 if sold else 0)
    assert books.vouchered_fen == (0 if sold else inserted)
    if flow in REPLACEMENTS:
        _check_replaced_line(central, sold, inserted)
        return
    with central.storage.sessions() as session:
        numbers_sold = session.scalars(select(PoolNumber).where(PoolNumber.sold)).all()
        if sold:
            [number] = numbers_sold
            account = session.get(Account, number.msisdn)
            assert account is not None
            assert account.balance_fen == inserted - SIM_FEE_FEN  # the opening credit
        else:
            assert numbers_sold == []
            # the number is back in the pool, not left reserved until it expires
            held = session.scalars(select(PoolNumber).where(PoolNumber.reserved_by_kiosk == "K1"))
            assert list(held) == []


def _check_replaced_line(central: Central, replaced: bool, inserted: int) -> None:
    """The line moved to the new card and was charged the fee once (the excess credited), or
    left as it was: the seeded card and balance."""
    with central.storage.sessions() as session:
        account = session.get(Account, MSISDN)
        assert account is not None
        events = session.scalars(
            select(AccountEvent).where(AccountEvent.kind == "sim_replacement")
        ).all()
        if not replaced:
            assert events == []
            assert account.balance_fen == SEEDED_BALANCE_FEN
            return
        [event] = events
        detail = json.loads(event.detail_json)
        assert account.iccid == detail["new_iccid"] != detail["old_iccid"]
        assert detail["amount_fen"] == REPLACEMENT_FEE_FEN
        assert account.balance_fen == SEEDED_BALANCE_FEN + inserted - REPLACEMENT_FEE_FEN
