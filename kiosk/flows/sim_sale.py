"""SIM sale (选号入网): ID card → real-name check → choose a number (reserved) → accept the
agreement → pay (cash or bank card) → write a blank SIM with central's data → dispense → the
line opens.

    CHECKED ─reserve─▶ RESERVED ─agree─▶ AGREED ─notes─▶ PAYING ─paid─▶ PAID ─▶ ISSUING
                                           └─card─▶ CARD_AUTHORISING (─▶ CARD_IN_DOUBT) ─▶ PAID
       ─▶ WRITING ─▶ DISPENSING ─▶ DONE (sim_sale.v1 in the outbox, receipt)
    any failure after money was taken ─▶ DONE: a card payment reversed at the terminal
        (refunded), else a voucher (printed; the journal holds it); the number is released
        through the outbox (sim_release.v1)
    cancel before any money ─▶ CANCELLED (the reservation released)

Each state is journalled before its step; notes are journalled with the cash box as they are
credited. Paying more than the price is allowed (no change is given): the excess is the new
line's opening credit (central's `paid_fen` = number fee + opening credit).
"""

from __future__ import annotations

import base64
import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from drivers.interfaces import (
    BillAcceptor,
    CardApproved,
    CardOutcome,
    CardTerminal,
    IdCardRecord,
    PaymentStage,
    ReceiptPrinter,
)
from kiosk import documents, vouchers
from kiosk.central_api import CentralApi
from kiosk.central_models import NumberPage, RealNameCheck, Reservation
from kiosk.errors import CentralRefused, CentralUnavailable, FlowError, JournalError, KioskError
from kiosk.flows import card_step, sim_payment, sim_replacement
from kiosk.flows.card_step import CardStep
from kiosk.flows.card_topup import new_sale_id
from kiosk.flows.cash_intake import CashIntake, PaysThroughIntake
from kiosk.flows.signature import SignatureError, check_signature
from kiosk.flows.sim_issue import SimDevices, issue_card
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.sim_data import SimDataKey
from offline_queue import FieldSealer

log = logging.getLogger(__name__)

FLOW_NAME = "sim.sale"
OUTBOX_KIND = "sim_sale.v1"
RELEASE_KIND = "sim_release.v1"


class State(enum.Enum):
    NEW = "new"
    CHECKED = "checked"
    RESERVED = "reserved"
    AGREED = "agreed"
    PAYING = "paying"
    CARD_AUTHORISING = card_step.AUTHORISING
    CARD_IN_DOUBT = card_step.IN_DOUBT
    PAID = "paid"
    ISSUING = "issuing"
    WRITING = "writing"
    DISPENSING = "dispensing"
    DONE = "done"
    CANCELLED = "cancelled"


STATE_OF_STEP = {
    "sim.card_to_reader": State.WRITING,
    "sim.writing": State.WRITING,
    "sim.card_captured": State.WRITING,
    "sim.dispensing": State.DISPENSING,
}


@dataclass(frozen=True)
class SimSaleContext:
    kiosk_id: str
    kiosk_name: str
    api: CentralApi
    journal: Journal
    acceptor: BillAcceptor
    denominations_fen: frozenset[int]
    devices: SimDevices
    printer: ReceiptPrinter | None
    metrics: ServiceMetrics
    plan_code: str  # the plan a new line opens on
    attach_cash: Callable[[Any], None]  # route the acceptor's events to a flow (or None)
    on_storage_failure: Callable[[JournalError], None]
    clock: Callable[[], datetime] = datetime.now
    terminal: CardTerminal | None = None  # None: cash only
    # Card payments a flow of this process is still waiting on (shared with the kiosk's
    # periodic settling, which leaves them to their flow).
    paying: set[str] = field(default_factory=set)
    # Seals the customer's signature at rest (the outbox's key, sync.sealing_key_file); None:
    # a signature cannot be kept, so none is taken.
    sealer: FieldSealer | None = None


SIGNATURE = "signature"  # the sealed signature's field, in the flow's data and in sim_sale.v1


def without_signature(data: dict[str, Any]) -> dict[str, Any]:
    """A sale's data to keep once it is over: the signature only travels in sim_sale.v1 (the
    outbox purges it once central has it)."""
    return {key: value for key, value in data.items() if key != SIGNATURE}


def outbox_key(txn_id: str) -> str:
    return f"{txn_id}:sim_sale"


def sale_body(txn_id: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "txn_id": txn_id,
        "reservation_id": data["reservation_id"],
        "iccid": data["iccid"],
        "plan_code": data["plan_code"],
        "paid_fen": int(data["paid_fen"]),
        "method": data.get("method", "cash"),
        "created_at": at.astimezone().isoformat(timespec="seconds"),
        # sealed under this item's key and field: the outbox opens it only to send it
        **({SIGNATURE: data[SIGNATURE]} if data.get(SIGNATURE) else {}),
    }


def release_key(txn_id: str) -> str:
    return f"{txn_id}:sim_release"


def release_messages(
    txn_id: str, data: dict[str, Any], reason: str, at: datetime
) -> tuple[OutboxMessage, ...]:
    """The reserved number back to the pool (unused card data voided), through the outbox so
    that it reaches central even from a kiosk that restarts offline. None without a number."""
    if not data.get("reservation_id"):
        return ()
    body = {
        "txn_id": txn_id,
        "reservation_id": data["reservation_id"],
        "reason": reason,
        "created_at": at.astimezone().isoformat(timespec="seconds"),
    }
    return (OutboxMessage(release_key(txn_id), RELEASE_KIND, body),)


Record = Callable[[str, dict[str, Any], str, tuple[OutboxMessage, ...]], None]
# (payload with amount_fen and reason, other outbox rows): journal `sim_sale.voucher` through
# kiosk.vouchers (with its voucher.v1 row) and close the sale, or raise.
RecordVoucher = Callable[[dict[str, Any], tuple[OutboxMessage, ...]], None]


def close_paid(
    record: Record, voucher: RecordVoucher, terminal: CardTerminal | None, txn_id: str,
    data: dict[str, Any], *, reason: str, at: datetime,
) -> int:  # fmt: skip
    """Money was taken and no card will be sold: a card payment is reversed at the terminal
    (`sim_sale.refunded`); otherwise, or if the terminal refuses, a voucher (reported to
    central, voucher.v1). The number is released either way. The fen vouchered (0 when
    refunded)."""
    release = release_messages(txn_id, data, reason, at)
    return sim_payment.close_paid(
        terminal, data, reason=reason,
        extra={"outbox_key": release_key(txn_id)} if release else {},
        refunded=lambda payload: record("sim_sale.refunded", payload, State.DONE.value, release),
        voucher=lambda payload: voucher(payload, release),
    )  # fmt: skip


def voucher_entry(
    kiosk_id: str, txn_id: str, data: dict[str, Any], payload: dict[str, Any], *,
    outbox: tuple[OutboxMessage, ...], at: datetime, recovered: bool,
) -> Entry:  # fmt: skip
    """`sim_sale.voucher` closing the sale, with its voucher.v1 row (kiosk.vouchers)."""
    return vouchers.voucher_entry(
        kiosk_id=kiosk_id, txn_id=txn_id, event_kind=vouchers.SIM_SALE, payload=payload,
        flow=FLOW_NAME, at=at, state=State.DONE.value, data=without_signature(data),
        outbox=outbox, msisdn_masked=vouchers.masked_msisdn(data), recovered=recovered,
    )  # fmt: skip


class SimSaleFlow(PaysThroughIntake):
    """One sale. Methods block on central or devices: call them off the GUI thread."""

    def __init__(self, context: SimSaleContext) -> None:
        self._ctx = context
        self.txn_id = new_sale_id()  # the terminal's sale id too: never card-number-like
        self.state = State.NEW
        self.check: RealNameCheck | None = None
        self.reservation: Reservation | None = None
        self.voucher_fen = 0
        self._intake: CashIntake | None = None
        self._lock = threading.RLock()
        self._data: dict[str, Any] = {"plan_code": context.plan_code, "paid_fen": 0}
        self._paid_flow = sim_payment.PaidFlow(FLOW_NAME, self.txn_id, context.kiosk_id,
                                          context.kiosk_name, context.metrics, context.printer,
                                          context.clock)  # fmt: skip
        context.metrics.started(FLOW_NAME)

    @property
    def accepts_card(self) -> bool:
        """Whether this sale can be paid by bank card (the kiosk gave it a card terminal);
        whether the terminal works right now is the device health's to say."""
        return self._ctx.terminal is not None

    # --- identity and number --------------------------------------------------------------

    def check_identity(self, record: IdCardRecord, today: date) -> RealNameCheck:
        self._require(State.NEW, State.CHECKED)
        if not record.is_valid_on(today):
            raise FlowError("the ID card is not valid today", message_key="idcard.expired")
        valid_until = record.valid_to.isoformat() if record.valid_to else None
        self.check = self._ctx.api.real_name_check(
            record.id_number, record.name, record.valid_from.isoformat(), valid_until
        )
        self.state = State.CHECKED
        return self.check

    def numbers(self, **filters: Any) -> NumberPage:
        return self._ctx.api.numbers(**filters)

    def reserve(self, msisdn: str) -> Reservation:
        self._require(State.CHECKED, State.RESERVED)
        assert self.check is not None
        reservation = self._ctx.api.reserve_number(msisdn, self.check.check_id)
        self.reservation = reservation
        self._data.update(
            reservation_id=reservation.reservation_id,
            msisdn=reservation.msisdn,
            price_fen=reservation.price_fen,
        )
        self._record("sim_sale.reserved", {"msisdn": reservation.msisdn}, State.RESERVED)
        return reservation

    def accept_agreement(self, signature: bytes | None = None) -> None:
        """The customer accepted the service agreement, signing it on screen: `signature` is
        the signature's bytes (kiosk.flows.signature.encode_strokes), kept sealed at rest and
        sent to central with the sale. None: accepted without a signature, as before."""
        self._require(State.RESERVED)
        payload: dict[str, Any] = {}
        if signature is not None:
            try:
                raw = check_signature(signature)
            except SignatureError as exc:
                raise FlowError(str(exc), message_key="sim.signature_invalid") from exc
            if self._ctx.sealer is None:
                raise FlowError("no key to keep a signature with",
                                message_key="sim.signature_not_kept")  # fmt: skip
            plain = {SIGNATURE: base64.b64encode(raw).decode()}
            sealed = self._ctx.sealer.seal(outbox_key(self.txn_id), plain, (SIGNATURE,))
            with self._lock:
                self._data[SIGNATURE] = sealed[SIGNATURE]
            payload = {"signed": True, "signature_bytes": len(raw)}
        self._record("sim_sale.agreed", payload, State.AGREED)

    # --- payment --------------------------------------------------------------------------

    def start_cash(self, on_change: Callable[[str], None] = lambda _k: None) -> CashIntake:
        self._require(State.AGREED)
        assert self.reservation is not None
        intake = CashIntake(
            self._ctx.acceptor,
            due_fen=self.reservation.price_fen,
            denominations_fen=self._ctx.denominations_fen,
            record_note=self._record_note,
            on_change=on_change,
            record_intent=self._record_intent,
            on_storage_failure=self._ctx.on_storage_failure,
        )
        self._intake = intake
        self._record("sim_sale.paying", {"due_fen": self.reservation.price_fen}, State.PAYING)
        self._ctx.attach_cash(self)
        intake.start()
        return intake

    def _record_note(self, fen: int, power_up: bool) -> None:
        with self._lock:
            self._data["paid_fen"] = int(self._data["paid_fen"]) + fen
            payload: dict[str, Any] = {"denomination_fen": fen}
            if power_up:
                payload["power_up"] = True
            self._record("cash.note_credited", payload, State.PAYING, cash_in=(fen,))

    def _record_intent(self, kind: str, payload: dict[str, Any]) -> None:
        """`cash.stack_intent` before a note is stacked, `cash.stack_returned` if it came back
        (kiosk.flows.cash_intake.StackIntents settles one a crash left open)."""
        with self._lock:
            self._record(kind, payload, self.state)

    def pay_card(self, on_progress: Callable[[PaymentStage], None] | None = None) -> CardOutcome:
        """Pay the number's price by bank card (blocks until the terminal answers). Approved:
        go on to `issue`. Refused: pay again, in cash, or cancel. In doubt: `check_card`."""
        self._require(State.AGREED)
        assert self.reservation is not None
        return sim_payment.pay_card(self._card_step(), self._ctx.paying, self.txn_id,
                                    self.reservation.price_fen, on_progress)  # fmt: skip

    def check_card(self) -> CardOutcome:
        """Ask the terminal again about a payment left in doubt (DriverError: ask later)."""
        self._require(State.CARD_IN_DOUBT)
        return sim_payment.ask_card(self._card_step(), self._ctx.paying, self.txn_id)

    def _card_step(self) -> CardStep:
        if self._ctx.terminal is None:
            raise FlowError("no card terminal", message_key="service.card_terminal_down")
        return CardStep(self._ctx.terminal, self._record_step, self._data,
                        paid_state=State.PAID.value, unpaid_state=State.AGREED.value)  # fmt: skip

    def _record_step(self, kind: str, payload: dict[str, Any], state: str) -> None:
        self._record(kind, payload, State(state))

    def finish_payment(self) -> int:
        """The customer paid (or the acceptor stopped): stop taking notes; paid fen."""
        self._require(State.PAYING)
        assert self._intake is not None
        paid = self._intake.stop()
        self._ctx.attach_cash(None)
        if paid < int(self._data.get("price_fen", 0)):
            raise FlowError("not paid in full yet", message_key="sim.not_paid")
        self._record("sim_sale.paid", {"paid_fen": paid}, State.PAID)
        return paid

    # --- the card -------------------------------------------------------------------------

    def issue(self) -> str:
        """Fetch and open the data, write and dispense the card; the ICCID. Any failure now
        ends in a voucher for the money taken (and the card captured if one was moved)."""
        self._require(State.PAID)
        assert self.reservation is not None
        key = SimDataKey(self._ctx.kiosk_id)
        try:
            sealed = self._ctx.api.sale_personalisation(
                self.reservation.reservation_id, key.public_b64
            )
            data = key.open(sealed)
            self._data["iccid"] = sealed.iccid
            self._record("sim.data_received", {"iccid": sealed.iccid}, State.ISSUING)
            issue_card(self._ctx.devices, data, self._announce)
        except JournalError:
            raise  # nothing can be recorded: the app is out of service, recovery takes over
        except KioskError as exc:  # refused, unreachable, data that does not open, no card
            self._voucher(exc.message_key)
            raise
        at = self._ctx.clock()
        with self._lock:
            body = sale_body(self.txn_id, self._data, at)
            self._data = without_signature(self._data)
            self._record(
                "sim_sale.done",
                {"iccid": sealed.iccid, "outbox_key": outbox_key(self.txn_id)},
                State.DONE,
                outbox=(OutboxMessage(outbox_key(self.txn_id), OUTBOX_KIND, body),),
            )
        self._ctx.metrics.finished(FLOW_NAME, Outcome.COMPLETED)
        self._ctx.metrics.paid(str(self._data.get("method", "cash")), int(self._data["paid_fen"]))
        self._paid_flow.print(documents.sim_sale_receipt(
            self._ctx.kiosk_name, self._ctx.kiosk_id, self.txn_id, self._data, at))  # fmt: skip
        return sealed.iccid

    def cancel(self) -> None:
        """Before any money: release the number. With money: a card payment is reversed, cash
        gets a voucher. At the terminal: the payment is aborted; one left in doubt stays open
        for the kiosk to settle with the terminal (refunded if it was approved)."""
        with self._lock:
            if self.state in (State.DONE, State.CANCELLED):
                return
            if self.state in (State.CARD_AUTHORISING, State.CARD_IN_DOUBT):
                if self._ctx.terminal is not None and self._data.get("service_id"):
                    self._ctx.terminal.abort(str(self._data["service_id"]))
                self._ctx.paying.discard(self.txn_id)
                return
            if self._intake is not None and self.state is State.PAYING:
                self._intake.stop()
                self._ctx.attach_cash(None)
            if int(self._data["paid_fen"]) > 0:
                self._voucher("sim.cancelled_after_payment")
                return
            if self.reservation is not None:
                try:
                    self._ctx.api.release_reservation(self.reservation.reservation_id)
                except (CentralRefused, CentralUnavailable) as exc:
                    log.info("reservation not released (it expires by itself): %s", exc)
            if self.state is not State.NEW and self.state is not State.CHECKED:
                self._data = without_signature(self._data)
                self._record("sim_sale.cancelled", {}, State.CANCELLED)
            self.state = State.CANCELLED
            self._ctx.metrics.finished(FLOW_NAME, Outcome.ABANDONED)

    # --- internals ------------------------------------------------------------------------

    def _voucher(self, reason: str) -> None:
        """Refund a card payment, else a voucher for the money taken; the number released."""

        def record(kind: str, payload: dict[str, Any], state: str,
                   outbox: tuple[OutboxMessage, ...]) -> None:  # fmt: skip
            self._record(kind, payload, State(state), outbox=outbox)

        def voucher(payload: dict[str, Any], outbox: tuple[OutboxMessage, ...]) -> None:
            with self._lock:
                entry = voucher_entry(
                    self._ctx.kiosk_id, self.txn_id, self._data, payload, outbox=outbox,
                    at=self._ctx.clock(), recovered=False,
                )  # fmt: skip
                self._commit(entry, State.DONE)

        with self._lock:
            self._data = without_signature(self._data)
        paid = close_paid(record, voucher, self._ctx.terminal, self.txn_id, self._data,
                          reason=reason, at=self._ctx.clock())  # fmt: skip
        self.voucher_fen = paid
        sim_payment.failed_after_payment(self._paid_flow, self._data, paid, reason=reason)

    def _announce(self, kind: str, payload: dict[str, object]) -> None:
        self._record(kind, dict(payload), STATE_OF_STEP.get(kind, State.WRITING))

    def _require(self, *states: State) -> None:
        if self.state not in states:
            raise FlowError(f"not allowed in state {self.state.value}")

    def _record(
        self,
        kind: str,
        payload: dict[str, Any],
        state: State,
        *,
        cash_in: tuple[int, ...] = (),
        outbox: tuple[OutboxMessage, ...] = (),
    ) -> None:
        with self._lock:
            entry = Entry(self.txn_id, kind, payload, FLOW_NAME, state.value, dict(self._data),
                          cash_in, outbox)  # fmt: skip
            self._commit(entry, state)

    def _commit(self, entry: Entry, state: State) -> None:
        with self._lock:
            try:
                self._ctx.journal.record(entry)
            except JournalError as exc:
                self._ctx.on_storage_failure(exc)
                raise
            self.state = state


def settle_open_card_payments(
    journal: Journal,
    terminal: CardTerminal,
    *,
    paying: set[str] | frozenset[str] = frozenset(),
    clock: Callable[[], datetime] = datetime.now,
) -> list[tuple[str, str]]:
    """SIM sales whose card payment was left open (a restart, a customer who walked away from
    an answer in doubt): ask the terminal. Approved: the customer is gone, so the payment is
    reversed (else vouchered) and the number released; refused: the sale is cancelled and the
    number released; still unknown: left for the next round. (txn id, what happened).
    SIM replacements whose fee was left open at the terminal are settled in the same round
    (sim_replacement.settle_open_card_payments)."""
    done = sim_replacement.settle_open_card_payments(journal, terminal, paying=paying,
                                                     clock=clock)  # fmt: skip
    for txn in journal.open_transactions():
        if txn.flow != FLOW_NAME or txn.state not in card_step.OPEN_STATES:
            continue
        if txn.txn_id in paying:
            continue
        data = dict(txn.data)
        txn_id = txn.txn_id

        def record(kind: str, payload: dict[str, Any], state: str,
                   outbox: tuple[OutboxMessage, ...] = (), *, txn_id: str = txn_id,
                   data: dict[str, Any] = data) -> None:  # fmt: skip
            journal.record(Entry(txn_id, kind, payload, FLOW_NAME, state, dict(data),
                                 outbox=outbox))  # fmt: skip

        def voucher(payload: dict[str, Any], outbox: tuple[OutboxMessage, ...], *,
                    txn_id: str = txn_id, data: dict[str, Any] = data) -> None:  # fmt: skip
            journal.record(voucher_entry(journal.kiosk_id, txn_id, data, payload, outbox=outbox,
                                         at=clock().astimezone(), recovered=True))  # fmt: skip

        step = CardStep(terminal, record, data, paid_state=State.PAID.value,
                        unpaid_state=State.AGREED.value)  # fmt: skip
        settled = sim_payment.settle_open(step, txn_id, txn.state)
        if settled is None:
            done.append((txn_id, "still_open"))
            continue
        data.pop(SIGNATURE, None)  # the sale ends here: nothing of the signature stays
        at = clock().astimezone()
        if isinstance(settled, CardApproved):
            vouchered = close_paid(
                record, voucher, terminal, txn_id, data, reason="recovered_after_restart", at=at
            )
            done.append((txn_id, "vouchered" if vouchered else "refunded"))
        else:
            release = release_messages(txn_id, data, "recovered_after_restart", at)
            keyed = {"outbox_key": release_key(txn_id)} if release else {}
            record("sim_sale.cancelled", {"recovered": True, **keyed}, State.CANCELLED.value,
                   release)  # fmt: skip
            done.append((txn_id, "cancelled"))
    return done
