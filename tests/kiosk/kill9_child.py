"""The kiosk side of tests/kiosk/test_flow_kill9.py, run headless in a child process.

    python -m tests.kiosk.kill9_child
        {topup|sim_sale|sim_card|bill|sim_replace|sim_replace_card} DATA_FOLDER CENTRAL_URL TOKEN
        STOP_AT [TERMINAL_URL]

(sim_card: the SIM sale paid by bank card, through the terminal simulator at TERMINAL_URL,
which runs in the parent so that it outlives the kill. sim_replace: a SIM replacement whose
fee is paid in cash; sim_replace_card: by bank card.)

Builds a journal, the simulated bill acceptor and the flow from scratch on DATA_FOLDER, runs
one whole customer transaction and prints `journalled <kind>` after every `Journal.record`
returns (the event is durable then). After the STOP_AT-th event (1-based) the process freezes
in place, holding whatever locks the flow holds, for the parent to SIGKILL it: so the kill
lands exactly between that event and whatever the flow would do next. STOP_AT 0 runs to the
end, delivers the outbox to central as the kiosk's sync worker would, and prints `finished`.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.transport import transport_for_url
from drivers.dispenser.driver import DispenserDriver
from drivers.dispenser.simulator import DispenserSimulator
from drivers.interfaces import HEALTH_OK, DeviceHealth, IdCardRecord, Sex, SimCardInfo
from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
from kiosk.cash_router import CashRouter
from kiosk.central_api import CentralApi
from kiosk.config import NOTE_DENOMINATIONS_FEN
from kiosk.customer_session import CustomerSession
from kiosk.flows.bill_payment import BillPaymentContext, BillPaymentFlow
from kiosk.flows.sim_issue import SimDevices
from kiosk.flows.sim_replacement import SimReplacementContext, SimReplacementFlow
from kiosk.flows.sim_sale import SimSaleContext, SimSaleFlow
from kiosk.flows.topup import TopUpContext, TopUpFlow, TopUpLimits
from kiosk.journal import Entry, Journal
from kiosk.metrics import ServiceMetrics
from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
from tests.central.business_client import ZHANG_SAN_CARD
from tests.kiosk.fakes import RecordingPrinter
from tests.support import wait_until

MSISDN = "13800138000"
TOPUP_NOTES_FEN = (5000, 2000)
SIM_NOTES_FEN = (5000, 10000)
BILL_MSISDN = "13700137000"  # 王五: suspended, bills unpaid
BILL_NOTES_FEN = (5000, 2000)  # the fee is 10000: the second note overshoots (opening credit)
REPLACEMENT_FEE_FEN = 2000
REPLACE_NOTES_FEN = (1000, 5000)  # the second note overshoots: the excess goes to the line
ADM = bytes.fromhex("3131313131313131")
TODAY = date(2026, 11, 22)


class FakeSimWriter:
    """The SIM reader/writer at its interface: every write succeeds."""

    def start(self, listener: Any) -> None:
        pass

    def read_card(self) -> SimCardInfo:
        raise NotImplementedError

    def write_blank(self, data: Any, adm_key: bytes) -> None:
        pass

    def health(self) -> DeviceHealth:
        return HEALTH_OK

    def close(self) -> None:
        pass


def announcing(journal: Journal, stop_at: int) -> None:
    """Wrap `journal.record`: print each durable event kind; freeze after the stop_at-th."""
    real = journal.record
    count = 0

    def record(entry: Entry) -> int:
        nonlocal count
        seq = real(entry)
        count += 1
        print("journalled", entry.kind, flush=True)
        if count == stop_at:
            time.sleep(600)  # the scenario: SIGKILLed here
        return seq

    journal.record = record  # type: ignore[method-assign]


def deliver(folder: Path, url: str, token: str) -> None:
    """One round of the kiosk's sync worker: send what the outbox holds to central."""
    store = OutboxStore(folder / "kiosk.db")
    try:
        SyncWorker(store, HttpBatchSender(url, "K1", token)).run_once()
    finally:
        store.close()


def delivery_waiter(folder: Path, url: str, token: str) -> Any:
    """The app's wait_delivered: one sync round, then whether central acknowledged the key."""

    def wait_delivered(key: str, _timeout: float) -> dict[str, Any] | None:
        store = OutboxStore(folder / "kiosk.db")
        try:
            SyncWorker(store, HttpBatchSender(url, "K1", token)).run_once()
            item = store.get(key)
            return item.result if item is not None and item.state == "acked" else None
        finally:
            store.close()

    return wait_delivered


def run_topup(folder: Path, url: str, token: str, journal: Journal) -> None:
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    wait_delivered = delivery_waiter(folder, url, token)
    context = TopUpContext(
        kiosk_id="K1", kiosk_name="K", journal=journal, acceptor=acceptor,
        printer=RecordingPrinter(), limits=TopUpLimits(20000, NOTE_DENOMINATIONS_FEN),
        wait_delivered=wait_delivered, receipt_wait_s=5, on_storage_failure=print,
        is_online=lambda: True,
    )  # fmt: skip
    flow = TopUpFlow(context, lambda _snap: None)
    router.attach(flow)
    flow.submit_number(MSISDN)
    credited = 0
    for note in TOPUP_NOTES_FEN:
        acceptor.insert_note(note)
        credited += note
        wait_until(lambda expected=credited: flow.snapshot.credited_fen == expected)
    flow.confirm()


def run_sim_sale(
    folder: Path, url: str, token: str, journal: Journal, terminal_url: str = ""
) -> None:
    api = CentralApi(url, "K1", token, timeout_s=10)
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    context = SimSaleContext(
        kiosk_id="K1", kiosk_name="K", api=api, journal=journal, acceptor=acceptor,
        denominations_fen=NOTE_DENOMINATIONS_FEN,
        devices=SimDevices(FakeSimWriter(), DispenserDriver(DispenserSimulator(stock=5)), ADM),
        printer=RecordingPrinter(), metrics=ServiceMetrics(folder / "m.json"),
        plan_code=api.catalogue().plans[0].code, attach_cash=router.attach,
        on_storage_failure=print, terminal=card_terminal(terminal_url) if terminal_url else None,
    )  # fmt: skip
    flow = SimSaleFlow(context)
    card = IdCardRecord(
        name=ZHANG_SAN_CARD["name"], sex=Sex.MALE, ethnicity_code="01",
        birth_date=date(1990, 3, 7), address="北京市东城区",
        id_number=ZHANG_SAN_CARD["id_number"], issuer="北京市公安局东城分局",
        valid_from=date(2020, 1, 1), valid_to=date(2040, 1, 1),
    )  # fmt: skip
    flow.check_identity(card, TODAY)
    page = flow.numbers(page_size=50)
    number = next(n for n in page.numbers if n.price_fen == 10000)
    flow.reserve(number.msisdn)
    flow.accept_agreement()
    if terminal_url:
        flow.pay_card()
        flow.issue()
        return
    intake = flow.start_cash()
    paid = 0
    for note in SIM_NOTES_FEN:
        acceptor.insert_note(note)
        paid += note
        wait_until(lambda expected=paid: intake.paid_fen == expected)
    flow.finish_payment()
    flow.issue()


def run_sim_replacement(
    folder: Path, url: str, token: str, journal: Journal, terminal_url: str = ""
) -> None:
    """张三, logged in with the ID card, replaces his SIM and pays the fee (cash or card)."""
    api = CentralApi(url, "K1", token, timeout_s=10)
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    context = SimReplacementContext(
        "K1", api, journal,
        SimDevices(FakeSimWriter(), DispenserDriver(DispenserSimulator(stock=5)), ADM),
        ServiceMetrics(folder / "m.json"), print, fee_fen=REPLACEMENT_FEE_FEN, kiosk_name="K",
        printer=RecordingPrinter(), acceptor=acceptor, denominations_fen=NOTE_DENOMINATIONS_FEN,
        attach_cash=router.attach,
        terminal=card_terminal(terminal_url) if terminal_url else None,
    )  # fmt: skip
    session = CustomerSession(api, idle_timeout_s=600)
    session.login_id_card(MSISDN, zhang_san(), TODAY)
    flow = SimReplacementFlow(context, session)
    flow.prepare()
    if terminal_url:
        flow.pay_card()
        flow.run()
        return
    intake = flow.start_cash()
    paid = 0
    for note in REPLACE_NOTES_FEN:
        acceptor.insert_note(note)
        paid += note
        wait_until(lambda expected=paid: intake.paid_fen == expected)
    flow.finish_payment()
    flow.run()


def zhang_san() -> IdCardRecord:
    return IdCardRecord(
        name=ZHANG_SAN_CARD["name"], sex=Sex.MALE, ethnicity_code="01",
        birth_date=date(1990, 3, 7), address="北京市东城区",
        id_number=ZHANG_SAN_CARD["id_number"], issuer="北京市公安局东城分局",
        valid_from=date(2020, 1, 1), valid_to=date(2040, 1, 1),
    )  # fmt: skip


def run_bill(folder: Path, url: str, token: str, journal: Journal) -> None:
    """Part of 王五's bill, in cash: two notes toward the amount the customer chose."""
    api = CentralApi(url, "K1", token, timeout_s=10)
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    context = BillPaymentContext(
        kiosk_id="K1", kiosk_name="K", api=api, journal=journal,
        metrics=ServiceMetrics(folder / "m.json"), printer=RecordingPrinter(), min_fen=100,
        max_fen=100_000, offline_max_fen=20_000, denominations_fen=NOTE_DENOMINATIONS_FEN,
        is_online=lambda: True, on_storage_failure=print,
        wait_delivered=delivery_waiter(folder, url, token), acceptor=acceptor,
        attach_cash=router.attach,
    )  # fmt: skip
    flow = BillPaymentFlow(context)
    flow.look_up(BILL_MSISDN)
    intake = flow.start_cash(sum(BILL_NOTES_FEN))
    paid = 0
    for note in BILL_NOTES_FEN:
        acceptor.insert_note(note)
        paid += note
        wait_until(lambda expected=paid: intake.paid_fen == expected)
    flow.finish_cash()


def card_terminal(url: str) -> NexoCardTerminal:
    return NexoCardTerminal(transport_for_url(url, width=4), sale_id="K1", poi_id="SIMPOI01",
                            payment_timeout_s=30)  # fmt: skip


def main(argv: list[str]) -> None:
    which, folder, url, token, stop_at = argv[1], Path(argv[2]), argv[3], argv[4], int(argv[5])
    journal = Journal(folder / "kiosk.db", kiosk_id="K1")
    announcing(journal, stop_at)
    if which == "sim_card":
        run_sim_sale(folder, url, token, journal, terminal_url=argv[6])
    elif which == "sim_replace_card":
        run_sim_replacement(folder, url, token, journal, terminal_url=argv[6])
    else:
        flows = {"topup": run_topup, "sim_sale": run_sim_sale, "bill": run_bill,
                 "sim_replace": run_sim_replacement}  # fmt: skip
        flows[which](folder, url, token, journal)
    deliver(folder, url, token)  # the sync worker's next round
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv)
