"""Bill payment (缴话费): pay what a number owes, in cash or by bank card; no login needed.

    look_up(number) ─▶ the unpaid months and the amount due (central), or None offline
    cash: start_cash ─journal─▶ PAYING ─notes─▶ PAYING ─finish_cash─▶ COMMITTED (+ outbox
          bill_payment.v1) ─receipt─▶ DONE;  cancel with no money ─▶ CANCELLED
    card: pay_card ─▶ the card top-up machinery (card_topup) with the bill's purpose: in doubt,
          recovery through the terminal, reversal of an approval that cannot be recorded

Central settles the unpaid months oldest first and credits what is left to the balance (no
change is given, so a last note may overshoot). Offline (payments are stored and forwarded:
docs/design.md#services-and-when-they-run) the kiosk cannot ask what is due: the customer enters
the amount, within the offline caps, and the receipt says "pending". Stacked notes are never
given back: cancelling with money in commits what was paid.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from drivers.errors import DriverError
from drivers.interfaces import (
    BillAcceptor,
    CardApproved,
    CardOutcome,
    PaymentStage,
    ReceiptDocument,
    ReceiptPrinter,
)
from kiosk.central_api import CentralApi
from kiosk.central_models import BillDue
from kiosk.errors import CentralUnavailable, FlowError, JournalError
from kiosk.flows.card_topup import (
    CardPurpose,
    CardReceipt,
    CardTopUpContext,
    CardTopUpFlow,
    new_sale_id,
)
from kiosk.flows.cash_intake import CashIntake, PaysThroughIntake
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.msisdn import is_valid_mobile
from kiosk.receipt import bill_payment_receipt

log = logging.getLogger(__name__)

CASH_FLOW = "bill.cash"
CARD_FLOW = "bill.card"
OUTBOX_KIND = "bill_payment.v1"


def outbox_key(txn_id: str) -> str:
    """The idempotency key central sees; fixed by the txn id, stored before the first send."""
    return f"{txn_id}:bill"


def bill_body(
    txn_id: str,
    data: Mapping[str, Any],
    amount_fen: int,
    at: datetime,
    *,
    offline: bool,
    method: Literal["cash", "card"],
) -> dict[str, Any]:
    return {
        "txn_id": txn_id,
        "msisdn": data["msisdn"],
        "amount_fen": amount_fen,
        "currency": "CNY",
        "method": method,
        "months": list(data.get("months", [])),
        "created_at": at.astimezone().isoformat(timespec="seconds"),
        "offline": offline,
    }


def _card_body(
    txn_id: str, data: Mapping[str, Any], approval: CardApproved, at: datetime, offline: bool
) -> dict[str, Any]:
    return bill_body(txn_id, data, approval.amount_fen, at, offline=offline, method="card")


def _card_receipt(r: CardReceipt) -> ReceiptDocument:
    return bill_payment_receipt(
        kiosk_id=r.kiosk_id, kiosk_name=r.kiosk_name, txn_id=r.txn_id, msisdn=r.data["msisdn"],
        amount_fen=r.approval.amount_fen, months=tuple(r.data.get("months", ())),
        credited=r.credited, at=r.at, approval=r.approval,
    )  # fmt: skip


# Card payments of bills: settled (and recovered) by kiosk.flows.card_topup.
CARD_PURPOSE = CardPurpose(CARD_FLOW, OUTBOX_KIND, outbox_key, _card_body, _card_receipt, "bill")


@dataclass(frozen=True)
class BillPaymentContext:
    kiosk_id: str
    kiosk_name: str
    api: CentralApi
    journal: Journal
    metrics: ServiceMetrics
    printer: ReceiptPrinter | None
    min_fen: int
    max_fen: int
    offline_max_fen: int
    denominations_fen: frozenset[int]
    is_online: Callable[[], bool]
    on_storage_failure: Callable[[JournalError], None]
    # Wait up to `s` seconds for central to confirm an outbox key; None: not confirmed.
    wait_delivered: Callable[[str, float], dict[str, Any] | None]
    receipt_wait_s: float = 3.0
    acceptor: BillAcceptor | None = None  # None: no cash here
    attach_cash: Callable[[Any], None] = lambda _flow: None  # route the acceptor to a flow
    card: CardTopUpContext | None = None  # None: no card terminal here
    # Fen the kiosk may still take offline (the total cap minus what central has not yet
    # confirmed). None: no total cap.
    offline_headroom_fen: Callable[[], int] | None = None
    clock: Callable[[], datetime] = datetime.now


@dataclass(frozen=True)
class BillPaymentResult:
    txn_id: str
    msisdn: str
    paid_fen: int  # 0: nothing was paid (declined, cancelled)
    method: Literal["cash", "card"]
    credited_online: bool = False  # central confirmed before the receipt
    receipt_printed: bool = False
    outcome: CardOutcome | None = None  # the terminal's answer, for a card payment


class BillPaymentFlow(PaysThroughIntake):
    """One bill payment. `look_up` and `pay_card` block on central or the terminal: call them
    off the GUI thread. Note events arrive on the acceptor's thread."""

    def __init__(self, context: BillPaymentContext) -> None:
        self._ctx = context
        self.txn_id = new_sale_id()
        self.msisdn = ""
        self.due: BillDue | None = None
        self.state = "new"
        self._intake: CashIntake | None = None
        self._card: CardTopUpFlow | None = None
        self._lock = threading.RLock()
        self._data: dict[str, Any] = {}

    # --- what is due ----------------------------------------------------------------------

    def look_up(self, msisdn: str) -> BillDue | None:
        """What the number owes, or None when central cannot be asked (the customer then
        enters the amount). CentralRefused `bill.unknown_number` for a number not ours."""
        if not is_valid_mobile(msisdn):
            raise FlowError(f"not a mobile number: {msisdn!r}", message_key="bill.invalid_number")
        self.msisdn = msisdn
        try:
            self.due = self._ctx.api.bill_due(msisdn)
        except CentralUnavailable as exc:
            log.warning("bill due not known (offline): %s", exc)
            self.due = None
        return self.due

    def _amount(self, amount_fen: int | None) -> tuple[int, int]:
        """(the amount to pay, the most that may be taken): the amount due unless the
        customer chose one; the offline caps while central cannot confirm."""
        if not self.msisdn:
            raise FlowError("look the number up first", message_key="bill.enter_number")
        if amount_fen is None:
            if self.due is None:
                raise FlowError("amount due unknown", message_key="bill.enter_amount")
            if self.due.due_fen <= 0:
                raise FlowError("nothing is due", message_key="bill.nothing_due")
            amount_fen = self.due.due_fen
        ctx = self._ctx
        if isinstance(amount_fen, bool) or not ctx.min_fen <= amount_fen <= ctx.max_fen:
            raise FlowError(f"amount {amount_fen} outside the limits",
                            message_key="bill.amount_out_of_range")  # fmt: skip
        cap = ctx.max_fen
        if not ctx.is_online():
            cap = min(cap, ctx.offline_max_fen)
            if ctx.offline_headroom_fen is not None:
                cap = min(cap, max(ctx.offline_headroom_fen(), 0))
            if amount_fen > cap:
                raise FlowError("over the offline limit", message_key="bill.over_offline_limit")
        return amount_fen, cap

    def _months(self) -> list[str]:
        return [m.month for m in self.due.months] if self.due is not None else []

    # --- cash -----------------------------------------------------------------------------

    def start_cash(
        self, amount_fen: int | None = None, on_change: Callable[[str], None] = lambda _k: None
    ) -> CashIntake:
        """Take notes toward the amount (the last one may overshoot; no change is given)."""
        with self._lock:
            if self.state != "new" or self._ctx.acceptor is None:
                raise FlowError("cash not possible now", message_key="bill.cash_unavailable")
            amount, cap = self._amount(amount_fen)
            self._data = {"msisdn": self.msisdn, "amount_fen": amount, "months": self._months(),
                          "paid_fen": 0, "notes_fen": []}  # fmt: skip
            self._record("bill.started", {"amount_fen": amount}, "paying")
            self._ctx.metrics.started(CASH_FLOW)
            intake = CashIntake(self._ctx.acceptor, due_fen=amount,
                                denominations_fen=self._ctx.denominations_fen,
                                record_note=self._record_note, on_change=on_change,
                                cap_fen=cap, record_intent=self._record_intent,
                                on_storage_failure=self._storage_failed)  # fmt: skip
            self._intake = intake
            self._ctx.attach_cash(self)
        intake.start()
        return intake

    def _record_note(self, fen: int, power_up: bool) -> None:
        with self._lock:
            self._data["paid_fen"] = int(self._data["paid_fen"]) + fen
            self._data["notes_fen"] = [*self._data["notes_fen"], fen]
            payload: dict[str, Any] = {"denomination_fen": fen}
            if power_up:
                payload["power_up"] = True
            self._record("cash.note_credited", payload, self.state, cash_in=(fen,))

    def _record_intent(self, kind: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._record(kind, payload, self.state)

    def finish_cash(self) -> BillPaymentResult:
        """Stop taking notes; commit what was paid (all of it, even short of the amount: a
        stacked note is never given back) and print the receipt."""
        with self._lock:
            if self.state != "paying" or self._intake is None:
                raise FlowError(f"not paying (state {self.state})")
        paid = self._intake.stop()
        self._ctx.attach_cash(None)
        if paid == 0:
            raise FlowError("no money inserted", message_key="bill.no_money")
        return self._commit_cash()

    def cancel(self) -> BillPaymentResult | None:
        """No money in: the payment is cancelled (None). Money in: it is committed as paid."""
        with self._lock:
            if self.state != "paying" or self._intake is None:
                if self._card is not None:
                    self._card.abort()
                return None
        paid = self._intake.stop()
        self._ctx.attach_cash(None)
        if paid > 0:
            return self._commit_cash()
        with self._lock:
            self._record("bill.cancelled", {}, "cancelled")
            self._ctx.metrics.finished(CASH_FLOW, Outcome.ABANDONED)
        return None

    def _commit_cash(self) -> BillPaymentResult:
        with self._lock:
            paid = int(self._data["paid_fen"])
            at = self._ctx.clock()
            key = outbox_key(self.txn_id)
            body = bill_body(self.txn_id, self._data, paid, at,
                             offline=not self._ctx.is_online(), method="cash")  # fmt: skip
            self._record("bill.committed", {"amount_fen": paid, "outbox_key": key}, "committed",
                         outbox=(OutboxMessage(key, OUTBOX_KIND, body),))  # fmt: skip
            self._ctx.metrics.finished(CASH_FLOW, Outcome.COMPLETED)
            self._ctx.metrics.paid("cash", paid)
        credited = self._ctx.wait_delivered(key, self._ctx.receipt_wait_s) is not None
        printed, error = self._print(bill_payment_receipt(
            kiosk_id=self._ctx.kiosk_id, kiosk_name=self._ctx.kiosk_name, txn_id=self.txn_id,
            msisdn=self.msisdn, amount_fen=paid, months=tuple(self._data["months"]),
            credited=credited, at=at, notes_fen=tuple(self._data["notes_fen"])))  # fmt: skip
        with self._lock:
            kind = "receipt.printed" if printed else "receipt.failed"
            self._record(kind, {"error": error} if error else {}, "done")
        return BillPaymentResult(self.txn_id, self.msisdn, paid, "cash", credited, printed)

    # --- card -----------------------------------------------------------------------------

    def pay_card(
        self,
        amount_fen: int | None = None,
        on_progress: Callable[[PaymentStage], None] | None = None,
    ) -> BillPaymentResult:
        """Pay by bank card (blocks until the terminal answers). An answer in doubt leaves
        the payment open: the kiosk asks the terminal until it knows (never charged twice)."""
        with self._lock:
            if self.state != "new" or self._ctx.card is None:
                raise FlowError("card not possible now", message_key="bill.card_unavailable")
            amount, _cap = self._amount(amount_fen)
            self.state = "card"
            self._card = CardTopUpFlow(self._ctx.card, CARD_PURPOSE)
            self._card.txn_id = self.txn_id
        result = self._card.pay(self.msisdn, amount, on_progress,
                                extra={"months": self._months()})  # fmt: skip
        return BillPaymentResult(self.txn_id, self.msisdn, result.credited_fen, "card",
                                 receipt_printed=result.receipt_printed,
                                 outcome=result.outcome)  # fmt: skip

    def abort_card(self) -> None:
        """The customer pressed cancel on our screen while at the terminal (best effort)."""
        if self._card is not None:
            self._card.abort()

    # --- internals ------------------------------------------------------------------------

    def _print(self, document: ReceiptDocument) -> tuple[bool, str]:
        if self._ctx.printer is None:
            return False, "no_printer"
        try:
            self._ctx.printer.print_receipt(document)
        except DriverError as exc:
            log.warning("txn %s: bill receipt not printed: %s", self.txn_id, exc)
            return False, exc.message_key
        return True, ""

    def _record(
        self,
        kind: str,
        payload: dict[str, Any],
        state: str,
        *,
        cash_in: tuple[int, ...] = (),
        outbox: tuple[OutboxMessage, ...] = (),
    ) -> None:
        entry = Entry(self.txn_id, kind, payload, CASH_FLOW, state, dict(self._data), cash_in,
                      outbox)  # fmt: skip
        try:
            self._ctx.journal.record(entry)
        except JournalError as exc:
            self._storage_failed(exc)
            raise
        self.state = state

    def _storage_failed(self, exc: JournalError) -> None:
        self._ctx.metrics.finished(CASH_FLOW, Outcome.FAILED)
        self._ctx.on_storage_failure(exc)
