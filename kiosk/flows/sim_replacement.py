"""SIM replacement (补换卡): the owner, logged in with their ID card, gets a new SIM for their
line, paying the replacement fee first when there is one; central stops the old card once the
new one is dispensed.

    STARTED ─data─▶ ISSUING ─(fee 0)──────────────────────────────▶ WRITING ─▶ DISPENSING ─▶ DONE
                       ├─notes─▶ PAYING ─paid─▶ PAID ─card to reader─┘
                       └─card─▶ CARD_AUTHORISING (─▶ CARD_IN_DOUBT) ─▶ PAID
    failure or cancel, nothing paid ─▶ CANCELLED
    failure or cancel after the fee was taken ─▶ DONE: a card payment reversed at the terminal
        (`sim_replacement.refunded`), else a voucher (`sim_replacement.voucher`, printed)

Central is asked for the new card's data before any money is taken, so that a refusal (a line
not active, no cards left) never needs a refund. Each state is journalled before the step it
names; notes are journalled with the cash box as they are credited. Paying more than the fee
is allowed (no change is given): central credits the excess to the line (`paid_fen`).

The line moves to the new card through the outbox (`sim_replacement.v1`, committed with the
DONE event), never by a direct call, so a kiosk that dies after dispensing still delivers it.
Recovery (kiosk/recovery.py): before WRITING nothing physical happened (cancel, or a voucher
for money taken); in WRITING a card may sit in the reader (the same, and the app captures it);
in DISPENSING the card has left (finish: the customer holds the new card); a card payment left
open is settled with the terminal (`settle_open_card_payments`).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drivers.interfaces import (
    BillAcceptor,
    CardApproved,
    CardOutcome,
    CardTerminal,
    PaymentStage,
    ReceiptPrinter,
    SimPersonalisation,
)
from kiosk import documents, vouchers
from kiosk.central_api import CentralApi
from kiosk.customer_session import AuthMethod, CustomerSession
from kiosk.errors import FlowError, JournalError, KioskError
from kiosk.flows import card_step, sim_payment
from kiosk.flows.card_step import CardStep
from kiosk.flows.card_topup import new_sale_id
from kiosk.flows.cash_intake import CashIntake, PaysThroughIntake
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed, issue_card
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.sim_data import SimDataKey

log = logging.getLogger(__name__)

FLOW_NAME = "sim.replacement"
OUTBOX_KIND = "sim_replacement.v1"


class State(enum.Enum):
    """Where a replacement is, for the screens to poll (`SimReplacementFlow.state`)."""

    NEW = "new"
    CHECKING = "checking"  # central is asked for the card's data (without a fee: until writing)
    PAYING = "paying"  # the fee: waiting for it, notes going in, or at the card terminal
    PAID = "paid"  # the fee is in: the card's journey is next
    WRITING = "writing"  # a blank card to the reader, written and verified
    DISPENSING = "dispensing"
    DONE = "done"  # the customer holds the new card
    FAILED = "failed"  # no card: refused, or the card could not be issued (money: see voucher_fen)
    CANCELLED = "cancelled"  # the customer (or the session's end) stopped it before the card


# The journal's states of a replacement (the `txn.state` recovery reads).
STARTED = "started"
ISSUING = "issuing"  # the card's data is here; with a fee, waiting for it to be paid
PAYING = "paying"
PAID = "paid"
WRITING = "writing"
DISPENSING = "dispensing"
DONE = "done"
CANCELLED = "cancelled"
STATE_OF_STEP = {
    "sim.card_to_reader": WRITING,
    "sim.writing": WRITING,
    "sim.card_captured": WRITING,
    "sim.dispensing": DISPENSING,
}


PUBLIC_STATE = {
    STARTED: State.CHECKING,
    PAYING: State.PAYING,
    card_step.AUTHORISING: State.PAYING,
    card_step.IN_DOUBT: State.PAYING,
    PAID: State.PAID,
    WRITING: State.WRITING,
    DISPENSING: State.DISPENSING,
    DONE: State.DONE,  # a voucher or a refund says FAILED or CANCELLED itself
    CANCELLED: State.FAILED,  # a cancel by the customer says CANCELLED itself
}


@dataclass(frozen=True)
class SimReplacementContext:
    kiosk_id: str
    api: CentralApi
    journal: Journal
    devices: SimDevices
    metrics: ServiceMetrics
    on_storage_failure: Callable[[JournalError], None]
    clock: Callable[[], datetime] = datetime.now
    fee_fen: int = 0  # config `sim.replacement_fee_fen`
    kiosk_name: str = ""
    printer: ReceiptPrinter | None = None
    acceptor: BillAcceptor | None = None  # None: no cash
    denominations_fen: frozenset[int] = frozenset()
    attach_cash: Callable[[Any], None] = lambda _flow: None  # route the acceptor's events
    terminal: CardTerminal | None = None  # None: no bank card
    # Card payments a flow of this process is still waiting on (shared with the kiosk's
    # periodic settling, which leaves them to their flow).
    paying: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SimReplacementResult:
    txn_id: str
    msisdn: str
    iccid: str


def outbox_key(txn_id: str) -> str:
    return f"{txn_id}:sim_replacement"


def replacement_body(
    txn_id: str,
    msisdn: str,
    order_id: str,
    iccid: str,
    at: datetime,
    *,
    fee_fen: int = 0,
    paid_fen: int = 0,
    method: str = "none",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "txn_id": txn_id,
        "msisdn": msisdn,
        "order_id": order_id,
        "iccid": iccid,
        "fee_fen": fee_fen,
        "method": method if fee_fen > 0 else "none",
        "created_at": at.astimezone().isoformat(timespec="seconds"),
    }
    if fee_fen > 0:
        body["paid_fen"] = paid_fen  # ≥ the fee: central credits the excess to the line
    return body


def body_of(txn_id: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """`sim_replacement.v1` from a replacement's journalled data."""
    return replacement_body(
        txn_id, data["msisdn"], data["order_id"], data["iccid"], at,
        fee_fen=int(data.get("fee_fen", 0)), paid_fen=int(data.get("paid_fen", 0)),
        method=str(data.get("method", "none")),
    )  # fmt: skip


# (journal event kind, payload, state): journalled with the replacement's data, or raises.
Record = Callable[[str, dict[str, Any], str], None]
# (payload with amount_fen and reason): journal `sim_replacement.voucher` through
# kiosk.vouchers (with its voucher.v1 row) and close the replacement, or raise.
RecordVoucher = Callable[[dict[str, Any]], None]


def close_paid(
    record: Record, voucher: RecordVoucher, terminal: CardTerminal | None,
    data: dict[str, Any], *, reason: str, captured: bool = False,
) -> int:  # fmt: skip
    """The fee was taken and no card will be handed out: a card payment is reversed at the
    terminal (`sim_replacement.refunded`); otherwise, or if the terminal refuses, a voucher
    (`sim_replacement.voucher`, reported to central as voucher.v1). The fen vouchered (0 when
    refunded)."""
    return sim_payment.close_paid(
        terminal, data, reason=reason, extra={"captured": captured},
        refunded=lambda payload: record("sim_replacement.refunded", payload, DONE),
        voucher=voucher,
    )  # fmt: skip


def voucher_entry(
    kiosk_id: str, txn_id: str, data: dict[str, Any], payload: dict[str, Any], at: datetime,
    *, recovered: bool,
) -> Entry:  # fmt: skip
    """`sim_replacement.voucher` closing the replacement, with its voucher.v1 row."""
    return vouchers.voucher_entry(
        kiosk_id=kiosk_id, txn_id=txn_id, event_kind=vouchers.SIM_REPLACEMENT, payload=payload,
        flow=FLOW_NAME, at=at, state=DONE, data=data, msisdn_masked=vouchers.masked_msisdn(data),
        recovered=recovered,
    )  # fmt: skip


class SimReplacementFlow(PaysThroughIntake):
    """One replacement card. Methods block on central or devices: call them off the GUI.

    Without a fee, `run()` does it all, as it always did. With one (`fee_fen` > 0):
    `prepare()` (central issues the card's data), then pay — `start_cash()` and, once the
    intake says "cash.paid", `finish_payment()`; or `pay_card()` — then `run()` (or `issue()`).
    `cancel()` at any point before the card's journey: a voucher or a reversal if money was
    taken. `run()` with the fee unpaid raises FlowError("sim.fee_due") and does nothing.
    """

    def __init__(self, context: SimReplacementContext, session: CustomerSession) -> None:
        self._ctx = context
        self._session = session
        self.txn_id = new_sale_id()  # the terminal's sale id too: never card-number-like
        self.voucher_fen = 0  # what a failure after payment left on a voucher
        self._lock = threading.RLock()
        self._state = State.NEW
        self._jstate = ""  # the journal's state ("": nothing journalled yet)
        self._busy = False  # asking central, or the card's journey under way
        self._personal: SimPersonalisation | None = None  # the opened data, memory only
        self._intake: CashIntake | None = None
        self._data: dict[str, Any] = {}
        self._paid_flow = sim_payment.PaidFlow(FLOW_NAME, self.txn_id, context.kiosk_id,
                                               context.kiosk_name, context.metrics,
                                               context.printer, context.clock)  # fmt: skip

    # --- what the screens ask ---------------------------------------------------------------

    @property
    def state(self) -> State:
        """Where the replacement is now; safe to poll from any thread."""
        with self._lock:
            return self._state

    @property
    def fee_fen(self) -> int:
        return self._ctx.fee_fen

    @property
    def paid_fen(self) -> int:
        with self._lock:
            return int(self._data.get("paid_fen", 0))

    @property
    def accepts_cash(self) -> bool:
        return self._ctx.acceptor is not None

    @property
    def accepts_card(self) -> bool:
        return self._ctx.terminal is not None

    # --- the card's data --------------------------------------------------------------------

    def prepare(self) -> None:
        """Check the login and have central issue the new card's data (refused: nothing to
        pay, nothing done). Once prepared, asking again does nothing."""
        customer = self._session.customer
        if customer is None or customer.method is not AuthMethod.ID_CARD:
            raise FlowError("a replacement needs the ID card login",
                            message_key="auth.id_card_required")  # fmt: skip
        with self._lock:
            if self._personal is not None:
                return
            self._require("")
            self._busy = True
            self._ctx.metrics.started(FLOW_NAME)
            self._data = {"msisdn": customer.msisdn, "fee_fen": self.fee_fen, "paid_fen": 0}
            try:
                self._record("sim_replacement.started", {}, STARTED)
            except JournalError:
                self._busy = False
                raise
        key = SimDataKey(self._ctx.kiosk_id)
        try:
            sealed = self._session.call(
                lambda token: self._ctx.api.replacement_personalisation(token, key.public_b64)
            )
            data = key.open(sealed)
        except KioskError as exc:  # refused, unreachable, or data that does not open
            with self._lock:
                self._busy = False
                if self._jstate == STARTED:  # not cancelled meanwhile
                    self._fail({"reason": exc.message_key})
            raise
        with self._lock:
            self._busy = False
            if self._jstate != STARTED:  # cancelled meanwhile
                raise FlowError("the replacement was cancelled", message_key="sim.cancelled")
            self._data.update({"order_id": sealed.order_id, "iccid": sealed.iccid})
            self._record("sim.data_received", {"iccid": sealed.iccid}, ISSUING)
            self._personal = data

    # --- the fee ----------------------------------------------------------------------------

    def start_cash(self, on_change: Callable[[str], None] = lambda _k: None) -> CashIntake:
        """Take notes toward the fee; `on_change` hears the intake's message keys (on the
        acceptor's thread). At "cash.paid": `finish_payment()`."""
        with self._lock:
            self._require(ISSUING)
            acceptor = self._ctx.acceptor
            if self.fee_fen <= 0:
                raise FlowError("there is no fee to pay", message_key="sim.no_fee")
            if acceptor is None:
                raise FlowError("no bill acceptor", message_key="service.acceptor_down")
            intake = CashIntake(
                acceptor,
                due_fen=self.fee_fen,
                denominations_fen=self._ctx.denominations_fen,
                record_note=self._record_note,
                on_change=on_change,
                record_intent=self._record_intent,
                on_storage_failure=self._ctx.on_storage_failure,
            )
            self._intake = intake
            self._data["method"] = "cash"
            self._record("sim_replacement.paying", {"due_fen": self.fee_fen}, PAYING)
        self._ctx.attach_cash(self)
        intake.start()
        return intake

    def _record_note(self, fen: int, power_up: bool) -> None:
        with self._lock:
            self._data["paid_fen"] = int(self._data.get("paid_fen", 0)) + fen
            payload: dict[str, Any] = {"denomination_fen": fen}
            if power_up:
                payload["power_up"] = True
            self._record("cash.note_credited", payload, PAYING, cash_in=(fen,))

    def _record_intent(self, kind: str, payload: dict[str, Any]) -> None:
        """`cash.stack_intent` before a note is stacked, `cash.stack_returned` if it came back
        (kiosk.flows.cash_intake.StackIntents settles one a crash left open)."""
        with self._lock:
            self._record(kind, payload, self._jstate)

    def finish_payment(self) -> int:
        """The fee is in (or the acceptor stopped): stop taking notes; the fen paid. Short of
        the fee: FlowError("sim.not_paid") — `cancel()` then gives a voucher for the notes."""
        with self._lock:
            self._require(PAYING)
            intake = self._intake
        assert intake is not None
        paid = intake.stop()  # outside the lock: a note in flight still gets journalled
        self._ctx.attach_cash(None)
        with self._lock:
            self._require(PAYING)
            if paid < self.fee_fen:
                raise FlowError("the fee is not paid in full", message_key="sim.not_paid")
            self._record("sim_replacement.paid", {"paid_fen": paid}, PAID)
        return paid

    def pay_card(self, on_progress: Callable[[PaymentStage], None] | None = None) -> CardOutcome:
        """Pay the fee by bank card (blocks until the terminal answers). Approved: `run()`.
        Refused: pay again, in cash, or cancel. In doubt: `check_card()`."""
        with self._lock:
            self._require(ISSUING)
            if self.fee_fen <= 0:
                raise FlowError("there is no fee to pay", message_key="sim.no_fee")
            step = self._card_step()
        return sim_payment.pay_card(step, self._ctx.paying, self.txn_id, self.fee_fen,
                                    on_progress)  # fmt: skip

    def check_card(self) -> CardOutcome:
        """Ask the terminal again about a payment left in doubt (DriverError: ask later)."""
        with self._lock:
            self._require(card_step.IN_DOUBT)
            step = self._card_step()
        return sim_payment.ask_card(step, self._ctx.paying, self.txn_id)

    def _card_step(self) -> CardStep:
        if self._ctx.terminal is None:
            raise FlowError("no card terminal", message_key="service.card_terminal_down")
        return CardStep(self._ctx.terminal, self._record, self._data, paid_state=PAID,
                        unpaid_state=ISSUING)  # fmt: skip

    # --- the card ---------------------------------------------------------------------------

    def run(self) -> SimReplacementResult:
        """Prepare if not yet done, then write, verify and dispense the card."""
        with self._lock:
            if self.fee_fen > 0 and self._jstate != PAID:
                raise FlowError("the replacement fee is not paid", message_key="sim.fee_due")
        self.prepare()
        return self.issue()

    def issue(self) -> SimReplacementResult:
        """Write, verify and dispense the card (fee paid, or none). A failure after the fee
        was taken ends in a reversal or a voucher; SimIssueFailed is raised either way."""
        with self._lock:
            self._require(PAID if self.fee_fen > 0 else ISSUING)
            personal = self._personal
            if personal is None or self._busy:
                raise FlowError("the card's data is not here", message_key="sim.not_prepared")
            self._busy = True
        try:
            issue_card(self._ctx.devices, personal, self._announce)
        except SimIssueFailed as exc:
            with self._lock:
                self._after_failure(exc.message_key, captured=exc.captured)
            raise
        finally:
            self._busy = False
        at = self._ctx.clock()
        with self._lock:
            data = dict(self._data)
            self._record(
                "sim_replacement.done",
                {"iccid": data["iccid"], "outbox_key": outbox_key(self.txn_id)},
                DONE,
                outbox=(OutboxMessage(outbox_key(self.txn_id), OUTBOX_KIND,
                                      body_of(self.txn_id, data, at)),),
            )  # fmt: skip
            self._personal = None
        metrics = self._ctx.metrics
        metrics.finished(FLOW_NAME, Outcome.COMPLETED)
        paid = int(data.get("paid_fen", 0))
        if paid > 0:
            metrics.paid(str(data.get("method", "cash")), paid)
            self._paid_flow.print(documents.sim_replacement_receipt(
                self._ctx.kiosk_name, self._ctx.kiosk_id, self.txn_id, data, at))  # fmt: skip
        return SimReplacementResult(self.txn_id, str(data["msisdn"]), str(data["iccid"]))

    def cancel(self) -> None:
        """The customer leaves (or the session ends) before the card's journey: nothing paid,
        cancelled; notes taken or a card approved, a voucher or a reversal. At the terminal:
        the payment is aborted; one left in doubt stays open for the kiosk to settle with the
        terminal (refunded if it was approved). While the card is on its way: nothing."""
        intake = self._intake
        if intake is not None and self._jstate == PAYING:
            intake.stop()  # outside the lock: a note in flight still gets journalled
            self._ctx.attach_cash(None)
        with self._lock:
            if self._busy and self._jstate != STARTED:
                return  # the card's journey is under way: it ends by itself
            if self._jstate in ("", DONE, CANCELLED):
                return
            if self._jstate in card_step.OPEN_STATES:
                if self._ctx.terminal is not None and self._data.get("service_id"):
                    self._ctx.terminal.abort(str(self._data["service_id"]))
                self._ctx.paying.discard(self.txn_id)
                return
            self._personal = None
            if self.paid_fen > 0:
                self._after_failure("sim.cancelled_after_payment", captured=False)
            else:
                self._record("sim_replacement.cancelled", {}, CANCELLED)
                self._ctx.metrics.finished(FLOW_NAME, Outcome.ABANDONED)
            self._state = State.CANCELLED

    # --- internals --------------------------------------------------------------------------

    def _after_failure(self, reason: str, *, captured: bool) -> None:
        """No card for the customer: with money taken, a reversal or a voucher; else failed."""
        self._personal = None
        if self.paid_fen <= 0:
            self._fail({"reason": reason, "captured": captured})
            return

        def voucher(payload: dict[str, Any]) -> None:
            with self._lock:
                entry = voucher_entry(self._ctx.kiosk_id, self.txn_id, dict(self._data), payload,
                                      self._ctx.clock(), recovered=False)  # fmt: skip
                self._commit(entry, DONE)

        vouchered = close_paid(self._record, voucher, self._ctx.terminal, self._data,
                               reason=reason, captured=captured)  # fmt: skip
        self._state = State.FAILED
        self.voucher_fen = vouchered
        sim_payment.failed_after_payment(self._paid_flow, self._data, vouchered, reason=reason)

    def _announce(self, kind: str, payload: dict[str, object]) -> None:
        self._record(kind, dict(payload), STATE_OF_STEP.get(kind, WRITING))

    def _fail(self, payload: dict[str, Any]) -> None:
        self._record("sim_replacement.failed", payload, CANCELLED)
        self._ctx.metrics.finished(FLOW_NAME, Outcome.FAILED)

    def _require(self, *states: str) -> None:
        if self._jstate not in states:
            raise FlowError(f"not allowed in state {self._jstate or 'new'}")

    def _record(
        self,
        kind: str,
        payload: dict[str, Any],
        state: str,
        *,
        cash_in: tuple[int, ...] = (),
        outbox: tuple[OutboxMessage, ...] = (),
    ) -> None:
        with self._lock:
            entry = Entry(self.txn_id, kind, payload, FLOW_NAME, state, dict(self._data),
                          cash_in, outbox)  # fmt: skip
            self._commit(entry, state)

    def _commit(self, entry: Entry, state: str) -> None:
        with self._lock:
            try:
                self._ctx.journal.record(entry)
            except JournalError as exc:
                self._ctx.on_storage_failure(exc)
                raise
            self._jstate = state
            self._state = self._public(state)

    def _public(self, journalled: str) -> State:
        if journalled == ISSUING:  # the data is here: the fee next, or straight to writing
            return State.PAYING if self.fee_fen > 0 else State.CHECKING
        return PUBLIC_STATE.get(journalled, self._state)


def settle_open_card_payments(
    journal: Journal,
    terminal: CardTerminal,
    *,
    paying: set[str] | frozenset[str] = frozenset(),
    clock: Callable[[], datetime] = datetime.now,
) -> list[tuple[str, str]]:
    """Replacements whose fee was left open at the card terminal (a restart, a customer who
    walked away from an answer in doubt): ask the terminal. Approved: the customer is gone,
    so the payment is reversed (else vouchered); refused: cancelled; still unknown: left for
    the next round. (txn id, what happened)."""
    done = []
    for txn in journal.open_transactions():
        if txn.flow != FLOW_NAME or txn.state not in card_step.OPEN_STATES:
            continue
        if txn.txn_id not in paying:
            done.append((txn.txn_id, _settle_one(journal, terminal, txn.txn_id, txn.state,
                                                 dict(txn.data), clock=clock)))  # fmt: skip
    return done


def _settle_one(
    journal: Journal, terminal: CardTerminal, txn_id: str, state: str, data: dict[str, Any],
    *, clock: Callable[[], datetime],
) -> str:  # fmt: skip
    def record(kind: str, payload: dict[str, Any], new_state: str) -> None:
        journal.record(Entry(txn_id, kind, payload, FLOW_NAME, new_state, dict(data)))

    def voucher(payload: dict[str, Any]) -> None:
        journal.record(voucher_entry(journal.kiosk_id, txn_id, dict(data), payload, clock(),
                                     recovered=True))  # fmt: skip

    step = CardStep(terminal, record, data, paid_state=PAID, unpaid_state=ISSUING)
    settled = sim_payment.settle_open(step, txn_id, state)
    if settled is None:
        return "still_open"
    if isinstance(settled, CardApproved):
        vouchered = close_paid(record, voucher, terminal, data, reason="recovered_after_restart")
        return "vouchered" if vouchered else "refunded"
    record("sim_replacement.cancelled", {"recovered": True}, CANCELLED)
    return "cancelled"
