"""Paying for a SIM: what the SIM sale and the SIM replacement share once money is involved.

- The bank card step, with the flow's sale id in `paying` while it waits on the terminal (the
  kiosk's periodic settling leaves such a payment to its flow): `pay_card`, `ask_card`.
- A card payment a flow left open (a restart, a customer who walked away from an answer in
  doubt), asked about again: `settle_open`.
- The failure after payment: a card payment reversed at the terminal, else a voucher
  (`close_paid`: the flow journals the event, through kiosk.vouchers with its voucher.v1 row);
  then the flow counted FAILED and the voucher slip printed (`failed_after_payment`).

Each flow keeps its own journal events, payloads and states; this module only holds the
order of the steps, so that the two flows cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drivers.errors import DriverError
from drivers.interfaces import (
    CardFailed,
    CardInDoubt,
    CardOutcome,
    CardTerminal,
    PaymentStage,
    ReceiptDocument,
    ReceiptPrinter,
)
from kiosk import documents, vouchers
from kiosk.errors import JournalError
from kiosk.flows import card_step
from kiosk.flows.card_step import CardStep
from kiosk.metrics import Outcome, ServiceMetrics

log = logging.getLogger(__name__)

# (payload with amount_fen and reason): the flow journals its refund or voucher event, closing
# the transaction, or raises.
Close = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class PaidFlow:
    """One SIM flow's transaction, as its receipts and its failure after payment need it."""

    flow: str  # the flow's name, for the metrics
    txn_id: str
    kiosk_id: str
    kiosk_name: str
    metrics: ServiceMetrics
    printer: ReceiptPrinter | None
    clock: Callable[[], datetime]

    def print(self, document: ReceiptDocument) -> None:
        """Print a receipt or slip; a printer fault is logged, never raised (the money is
        journalled already)."""
        if self.printer is None:
            return
        try:
            self.printer.print_receipt(document)
        except DriverError as exc:
            log.error("txn %s: not printed: %s", self.txn_id, exc)


def pay_card(
    step: CardStep,
    paying: set[str],
    txn_id: str,
    amount_fen: int,
    on_progress: Callable[[PaymentStage], None] | None,
) -> CardOutcome:
    """Pay at the terminal (blocks until it answers), with `txn_id` in `paying` for as long as
    the flow waits on it; an answer in doubt keeps it there for the flow to ask again."""
    paying.add(txn_id)
    try:
        outcome = step.pay(txn_id, amount_fen, on_progress)
    except JournalError:
        paying.discard(txn_id)
        raise
    if not isinstance(outcome, CardInDoubt):
        paying.discard(txn_id)
    return outcome


def ask_card(step: CardStep, paying: set[str], txn_id: str) -> CardOutcome:
    """Ask the terminal again about a payment left in doubt (DriverError: ask later)."""
    outcome = step.ask()
    if not isinstance(outcome, CardInDoubt):
        paying.discard(txn_id)
    return outcome


def settle_open(step: CardStep, txn_id: str, state: str) -> CardOutcome | None:
    """A card payment left open in journal state `state`: ask the terminal and journal its
    answer through `step` (as recovered). The settled outcome, or None while it stays open
    (the terminal did not answer, or does not know yet)."""
    try:
        outcome = step.terminal.status(str(step.data["service_id"]))
    except DriverError as exc:
        log.warning("txn %s: terminal not asked yet: %s", txn_id, exc)
        return None
    if isinstance(outcome, CardInDoubt):
        if state != card_step.IN_DOUBT:
            step.settle(outcome, recovered=True)
        return None
    return step.settle(outcome or CardFailed("never_received"), recovered=True)


def close_paid(
    terminal: CardTerminal | None,
    data: Mapping[str, Any],
    *,
    reason: str,
    extra: Mapping[str, Any],
    refunded: Close,
    voucher: Close,
) -> int:
    """Money was taken and the flow cannot deliver: a card payment is reversed at the terminal
    (`refunded`); otherwise, or if the terminal refuses, a voucher (`voucher`). Both get the
    payload {amount_fen, reason, **extra}. The fen vouchered (0 when refunded)."""
    paid = int(data.get("paid_fen", 0))
    payload: dict[str, Any] = {"amount_fen": paid, "reason": reason, **extra}
    poi_timestamp = data.get("poi_timestamp")  # nexo names the approval by id and time
    if data.get("method") == "card" and card_step.reverse(
        terminal,
        str(data.get("poi_transaction_id", "")),
        paid,
        poi_timestamp if isinstance(poi_timestamp, str) else None,
    ):
        refunded(payload)
        return 0
    voucher(payload)
    return paid


def failed_after_payment(
    paid_flow: PaidFlow, data: Mapping[str, Any], vouchered: int, *, reason: str
) -> None:
    """A flow that took money ended without its service and `close_paid` closed the payment
    (`vouchered`: the fen on a voucher, 0 when reversed): the flow is counted FAILED and the
    customer gets the voucher slip."""
    paid_flow.metrics.finished(paid_flow.flow, Outcome.FAILED)
    if vouchered:
        txn_id = paid_flow.txn_id
        paid_flow.print(documents.voucher_slip(
            paid_flow.kiosk_name, paid_flow.kiosk_id, txn_id, amount_fen=vouchered,
            reason=reason, at=paid_flow.clock(), voucher_no=vouchers.voucher_no(txn_id),
            msisdn=str(data.get("msisdn", ""))))  # fmt: skip
