"""Top-up by bank card through the semi-integrated terminal, with in-doubt recovery.

    (number, amount) ─journal─▶ AUTHORISING ─pay─▶ APPROVED (+ outbox topup.v1) ─▶ DONE
                                    │   └─declined / cancelled / failed─▶ CANCELLED
                                    └─no answer─▶ IN_DOUBT ─status()─▶ APPROVED or CANCELLED
    APPROVED found on boot (died before the receipt) ─from the journal alone─▶ DONE

The sale transaction id and the terminal's service id are journalled BEFORE the request goes
out, so a kiosk that dies while the customer types their PIN asks the terminal, on the next
boot, what became of exactly that payment (`settle_open_payments`). An approval is the
terminal's word that money moved: it is credited exactly once through the outbox; once
journalled it is never recorded again nor reversed (a payment found APPROVED on boot is only
finished). An approval that cannot be recorded (the disk fails) is reversed at once — money is
never kept without a record. No PAN ever: the terminal sends a masked one, and that is all
that is journalled.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import offline_queue
from drivers.errors import DriverError, PciViolation
from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardDeclined,
    CardFailed,
    CardInDoubt,
    CardOutcome,
    CardTerminal,
    PaymentStage,
    ReceiptDocument,
    ReceiptPrinter,
)
from drivers.interfaces.payment import looks_like_card_number
from kiosk.errors import FlowError, JournalError
from kiosk.flows.topup import outbox_key, topup_body
from kiosk.journal import FINAL_STATES, Entry, Journal, OutboxMessage, TxnRecord
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.msisdn import is_valid_mobile
from kiosk.receipt import card_topup_receipt

log = logging.getLogger(__name__)

FLOW_NAME = "topup.card"
OUTBOX_KIND = "topup.v1"
OPEN_STATES = ("authorising", "in_doubt")
APPROVED = "approved"  # journalled with its posting; only the receipt is left


@dataclass(frozen=True)
class CardTopUpContext:
    kiosk_id: str
    kiosk_name: str
    journal: Journal
    terminal: CardTerminal
    printer: ReceiptPrinter | None
    metrics: ServiceMetrics
    min_fen: int
    max_fen: int
    is_online: Callable[[], bool]
    on_storage_failure: Callable[[JournalError], None]
    clock: Callable[[], datetime] = datetime.now
    # Wait up to `s` seconds for central to confirm an outbox key (the receipt then says
    # "credited" rather than "pending"); None: do not wait.
    wait_delivered: Callable[[str, float], dict[str, Any] | None] | None = None
    receipt_wait_s: float = 3.0
    # Payments a flow of this process is still waiting on: `settle_open_payments` leaves them
    # to their flow (settling one twice would journal its approval twice). Share one set
    # between every context of a kiosk.
    paying: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class CardReceipt:
    """What a card payment's receipt is made of."""

    kiosk_id: str
    kiosk_name: str
    txn_id: str
    data: Mapping[str, Any]  # as journalled (msisdn, amount, what the purpose added)
    approval: CardApproved
    credited: bool  # central confirmed before the receipt
    at: datetime


@dataclass(frozen=True)
class CardPurpose:
    """What a card payment pays for: the flow name its transaction is journalled and counted
    under, the posting that credits it at central, and the receipt. The terminal's side (in
    doubt, recovery, reversal of an approval that cannot be recorded) is the same for all."""

    flow_name: str
    outbox_kind: str
    outbox_key: Callable[[str], str]
    # (txn id, journalled data, approval, when, offline) → the body posted to central
    body: Callable[[str, Mapping[str, Any], CardApproved, datetime, bool], dict[str, Any]]
    receipt: Callable[[CardReceipt], ReceiptDocument]
    message_prefix: str = "topup"  # of the keys for a bad number or amount


def _topup_body(
    txn_id: str, data: Mapping[str, Any], approval: CardApproved, at: datetime, offline: bool
) -> dict[str, Any]:
    return topup_body(txn_id, data["msisdn"], approval.amount_fen, at, offline=offline,
                      method="card")  # fmt: skip


def _topup_receipt(r: CardReceipt) -> ReceiptDocument:
    return card_topup_receipt(kiosk_id=r.kiosk_id, kiosk_name=r.kiosk_name, txn_id=r.txn_id,
                              msisdn=r.data["msisdn"], approval=r.approval, credited=r.credited,
                              at=r.at)  # fmt: skip


TOPUP = CardPurpose(FLOW_NAME, OUTBOX_KIND, outbox_key, _topup_body, _topup_receipt)


@dataclass(frozen=True)
class CardTopUpResult:
    txn_id: str
    outcome: CardOutcome
    credited_fen: int  # 0 unless approved
    receipt_printed: bool = False

    @property
    def approved(self) -> bool:
        return isinstance(self.outcome, CardApproved)


class CardTopUpFlow:
    """One card top-up. `pay` blocks until the terminal answers: run it off the GUI thread;
    `abort` may be called from another thread (the customer pressed cancel on our screen)."""

    def __init__(self, context: CardTopUpContext, purpose: CardPurpose = TOPUP) -> None:
        self._ctx = context
        self._purpose = purpose
        self.txn_id = new_sale_id()
        self.service_id = ""

    def pay(
        self,
        msisdn: str,
        amount_fen: int,
        on_progress: Callable[[PaymentStage], None] | None = None,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> CardTopUpResult:
        """`extra`: what else the purpose journals with the payment (e.g. the bill months)."""
        prefix = self._purpose.message_prefix
        if not is_valid_mobile(msisdn):
            raise FlowError(f"not a mobile number: {msisdn!r}",
                            message_key=f"{prefix}.invalid_number")  # fmt: skip
        if isinstance(amount_fen, bool) or not self._ctx.min_fen <= amount_fen <= self._ctx.max_fen:
            raise FlowError(f"amount {amount_fen} outside the limits",
                            message_key=f"{prefix}.amount_out_of_range")  # fmt: skip
        flow = self._purpose.flow_name
        self._ctx.metrics.started(flow)
        self.service_id = self._ctx.terminal.new_service_id()
        data = {**(extra or {}), "msisdn": msisdn, "amount_fen": amount_fen,
                "service_id": self.service_id}  # fmt: skip
        self._ctx.paying.add(self.txn_id)
        try:
            return self._pay(TxnRecord(self.txn_id, flow, "authorising", data), on_progress)
        finally:
            self._ctx.paying.discard(self.txn_id)

    def _pay(
        self, txn: TxnRecord, on_progress: Callable[[PaymentStage], None] | None
    ) -> CardTopUpResult:
        data = txn.data
        record(self._ctx, Entry(self.txn_id, "card.requested", {"service_id": self.service_id},
                                txn.flow, "authorising", data))  # fmt: skip
        amount_fen = int(data["amount_fen"])
        try:
            outcome = self._ctx.terminal.pay(amount_fen, self.txn_id, self.service_id, on_progress)
        except PciViolation as exc:
            # The terminal sent card data: its answer is refused unread, so the payment's fate
            # is unknown. It stays open for ops (the terminal's health now says why) and the
            # customer is told it is being checked — never that it failed.
            record(self._ctx, Entry(self.txn_id, "card.pci_violation", {"error": exc.message_key},
                                    txn.flow, "in_doubt", data))  # fmt: skip
            log.critical("txn %s: card terminal protocol violation; payment left for ops",
                         self.txn_id)  # fmt: skip
            return CardTopUpResult(self.txn_id, CardInDoubt(self.service_id), 0)
        return settle(self._ctx, txn, outcome, purpose=self._purpose)

    def abort(self) -> None:
        if self.service_id:
            self._ctx.terminal.abort(self.service_id)


def new_sale_id() -> str:
    """A sale transaction id the terminal will echo: never one that looks like a card number
    (about one uuid4 hex in 460 does). The driver's PCI guard no longer minds (it looks only
    at card fields), but an id that reads as a card number would alarm whoever audits the
    journal and logs for card data."""
    while True:
        candidate = uuid.uuid4().hex
        if not looks_like_card_number(candidate):
            return candidate


def record(context: CardTopUpContext, entry: Entry) -> None:
    try:
        context.journal.record(entry)
    except JournalError as exc:
        context.on_storage_failure(exc)
        raise


def settle(
    context: CardTopUpContext,
    txn: TxnRecord,
    outcome: CardOutcome,
    *,
    recovered: bool = False,
    purpose: CardPurpose = TOPUP,
) -> CardTopUpResult:
    """Journal what the terminal said; credit an approval once; print the receipt."""
    data = txn.data
    flow = purpose.flow_name
    amount = int(data["amount_fen"])
    extra: dict[str, Any] = {"recovered": True} if recovered else {}
    if txn.state == APPROVED or journalled_approval(context.journal, txn.txn_id) is not None:
        # Already on the record with its posting (the kiosk died before the receipt): whatever
        # the terminal says now, it is never recorded twice nor reversed; only finished.
        return finish_recorded(context, txn)
    if isinstance(outcome, CardInDoubt):
        if txn.state != "in_doubt":
            record(context, Entry(txn.txn_id, "card.in_doubt", extra, flow, "in_doubt", data))
        return CardTopUpResult(txn.txn_id, outcome, 0)
    if not isinstance(outcome, CardApproved):
        kind, reason = _refusal(outcome)
        refused = {"reason": reason, **_detail(outcome), **extra}
        record(context, Entry(txn.txn_id, kind, refused, flow, "cancelled", data))
        outcome_kind = Outcome.ABANDONED if isinstance(outcome, CardCancelled) else Outcome.FAILED
        context.metrics.finished(flow, outcome_kind)
        return CardTopUpResult(txn.txn_id, outcome, 0)
    if outcome.amount_fen != amount:
        log.error("txn %s: terminal approved %d fen, %d asked", txn.txn_id, outcome.amount_fen,
                  amount)  # fmt: skip
    at = context.clock()
    key = purpose.outbox_key(txn.txn_id)
    body = purpose.body(txn.txn_id, data, outcome, at, not context.is_online())
    approval = {
        "masked_pan": outcome.masked_pan,
        "brand": outcome.brand,
        "approval_code": outcome.approval_code,
        "poi_transaction_id": outcome.poi_transaction_id,
        "amount_fen": outcome.amount_fen,
        "outbox_key": key,
        **_poi_timestamp(outcome),
        **extra,
    }
    try:
        context.journal.record(
            Entry(txn.txn_id, "card.approved", approval, flow, APPROVED,
                  {**data, "poi_transaction_id": outcome.poi_transaction_id},
                  outbox=(OutboxMessage(key, purpose.outbox_kind, body),))
        )  # fmt: skip
    except JournalError as exc:
        if isinstance(exc.__cause__, offline_queue.DuplicateKeyError) and (
            journalled_approval(context.journal, txn.txn_id) is not None
        ):
            # Recorded meanwhile (its posting's key is taken): the money is on the record.
            log.error("txn %s: approval was already journalled; not reversed", txn.txn_id)
            return finish_recorded(context, txn)
        # Money moved and we cannot record it: give it back before anything else.
        reversed_ = _reverse(context, outcome)
        log.critical("txn %s: approval not recorded (%s); reversed: %s", txn.txn_id, exc,
                     reversed_)  # fmt: skip
        context.on_storage_failure(exc)
        raise
    context.metrics.finished(flow, Outcome.COMPLETED)
    context.metrics.paid("card", outcome.amount_fen)
    printed = (
        False
        if recovered
        else _print(context, purpose=purpose, txn_id=txn.txn_id, data=data, outcome=outcome, at=at)
    )
    kind = "receipt.printed" if printed else "receipt.failed"
    why: dict[str, str] = {}
    if not printed:
        why["error"] = "recovered_after_restart" if recovered else "printer"
    record(context, Entry(txn.txn_id, kind, why, flow, "done", data))
    return CardTopUpResult(txn.txn_id, outcome, outcome.amount_fen, printed)


def journalled_approval(journal: Journal, txn_id: str) -> CardApproved | None:
    """The approval the journal holds for this payment, if it was recorded."""
    for _seq, _txn, kind, payload in journal.events(txn_id):
        if kind == "card.approved":
            return CardApproved(
                amount_fen=int(payload["amount_fen"]),
                masked_pan=str(payload["masked_pan"]),
                brand=str(payload["brand"]),
                approval_code=str(payload["approval_code"]),
                poi_transaction_id=str(payload["poi_transaction_id"]),
                poi_timestamp=payload.get("poi_timestamp"),
            )
    return None


def finish_recorded(context: CardTopUpContext, txn: TxnRecord) -> CardTopUpResult:
    """A payment whose approval is journalled (its posting queued with it) and whose customer
    left without a receipt: close it from the journal alone — the terminal is not asked, the
    approval is not recorded again (its outbox key exists) and never reversed."""
    approval = journalled_approval(context.journal, txn.txn_id)
    if approval is None:  # a state without its event: cannot happen in one transaction
        raise JournalError(f"txn {txn.txn_id}: approved without a journalled approval")
    current = context.journal.transaction(txn.txn_id) or txn
    if current.state not in FINAL_STATES:
        record(context, Entry(txn.txn_id, "receipt.failed",
                              {"error": "recovered_after_restart", "recovered": True},
                              current.flow, "done", current.data))  # fmt: skip
        log.warning("txn %s: approval already journalled; closed without a receipt", txn.txn_id)
    return CardTopUpResult(txn.txn_id, approval, approval.amount_fen)


def _refusal(outcome: CardOutcome) -> tuple[str, str]:
    if isinstance(outcome, CardDeclined):
        return "card.declined", outcome.reason
    if isinstance(outcome, CardCancelled):
        return "card.cancelled", "customer"
    if isinstance(outcome, CardFailed):
        return "card.failed", outcome.reason
    return "card.failed", "never_received"


def _poi_timestamp(outcome: CardApproved) -> dict[str, str]:
    """The approval's terminal timestamp for the journal: a reversal must name it (nexo)."""
    return {} if outcome.poi_timestamp is None else {"poi_timestamp": outcome.poi_timestamp}


def _detail(outcome: CardOutcome) -> dict[str, str]:
    """The terminal's own words on a failure (a rejection's reason), when it gave some."""
    return {"detail": outcome.detail} if isinstance(outcome, CardFailed) and outcome.detail else {}


def _reverse(context: CardTopUpContext, outcome: CardApproved) -> bool:
    try:
        if outcome.poi_timestamp is not None:
            return context.terminal.reverse(
                outcome.poi_transaction_id, outcome.amount_fen, outcome.poi_timestamp
            )
        return context.terminal.reverse(outcome.poi_transaction_id, outcome.amount_fen)
    except DriverError as exc:
        log.critical("reversal of %s failed: %s", outcome.poi_transaction_id, exc)
        return False


def _print(
    context: CardTopUpContext,
    *,
    purpose: CardPurpose,
    txn_id: str,
    data: Mapping[str, Any],
    outcome: CardApproved,
    at: datetime,
) -> bool:
    if context.printer is None:
        return False
    credited = False
    if context.wait_delivered is not None:
        key = purpose.outbox_key(txn_id)
        credited = context.wait_delivered(key, context.receipt_wait_s) is not None
    document = purpose.receipt(CardReceipt(context.kiosk_id, context.kiosk_name, txn_id, data,
                                           outcome, credited, at))  # fmt: skip
    try:
        context.printer.print_receipt(document)
    except DriverError as exc:
        log.warning("txn %s: card receipt not printed: %s", txn_id, exc)
        return False
    return True


def settle_open_payments(
    context: CardTopUpContext, purposes: Sequence[CardPurpose] = (TOPUP,)
) -> list[tuple[str, str]]:
    """Ask the terminal about every card payment left open (a crash, a lost answer): settle
    those it answers for, leave the rest for the next round. (txn id, what happened)."""
    by_flow = {purpose.flow_name: purpose for purpose in purposes}
    done = []
    for txn in context.journal.open_transactions():
        purpose = by_flow.get(txn.flow)
        if purpose is None or txn.txn_id in context.paying:
            continue
        if txn.state == APPROVED:  # on the record already: a lookup, no question to ask
            finish_recorded(context, txn)
            done.append((txn.txn_id, "approved"))
            continue
        try:
            outcome = context.terminal.status(str(txn.data["service_id"]))
        except DriverError as exc:
            log.warning("txn %s: terminal not asked yet: %s", txn.txn_id, exc)
            done.append((txn.txn_id, "still_open"))
            continue
        result = settle(context, txn, outcome or CardFailed("never_received"), recovered=True,
                        purpose=purpose)  # fmt: skip
        if isinstance(result.outcome, CardInDoubt):
            done.append((txn.txn_id, "still_open"))
        else:
            done.append((txn.txn_id, "approved" if result.approved else "not_approved"))
    return done
