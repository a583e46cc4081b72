"""A bank card payment as one step of a longer flow (the SIM sale's price, the SIM
replacement's fee), as opposed to a card top-up or bill payment, where the payment is the flow.

    ─journal card.requested─▶ CARD_AUTHORISING ─pay─▶ approved: PAID (journalled, then act)
                                  │                    refused: back to the flow's unpaid state
                                  └─no answer─▶ CARD_IN_DOUBT ─status()─▶ approved / refused

The terminal's service id is journalled before the request goes out, so whoever finds the
transaction open later (the flow asking again, or the kiosk after a restart) asks the terminal
about exactly that payment. An approval that cannot be journalled is reversed at once; a
service that cannot be delivered after an approval is refunded by reversal at the terminal,
or, if the terminal refuses, ends in a voucher (the flow decides). No PAN: the terminal's
masked one and approval code are all that is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
)
from kiosk.errors import JournalError

log = logging.getLogger(__name__)

AUTHORISING = "card_authorising"
IN_DOUBT = "card_in_doubt"
OPEN_STATES = frozenset({AUTHORISING, IN_DOUBT})

# (journal event kind, payload, state): the flow journals it with its own data, or raises.
Record = Callable[[str, dict[str, Any], str], None]


@dataclass(frozen=True)
class CardStep:
    terminal: CardTerminal
    record: Record
    data: dict[str, Any]  # the flow's journalled data: updated with the payment's facts
    paid_state: str  # where an approval takes the flow
    unpaid_state: str  # where a refusal sends it back (the customer may pay another way)

    def pay(
        self,
        sale_id: str,
        amount_fen: int,
        on_progress: Callable[[PaymentStage], None] | None = None,
    ) -> CardOutcome:
        service_id = self.terminal.new_service_id()
        self.data.update(service_id=service_id, card_amount_fen=amount_fen)
        self.record("card.requested", {"service_id": service_id, "amount_fen": amount_fen},
                    AUTHORISING)  # fmt: skip
        try:
            outcome = self.terminal.pay(amount_fen, sale_id, service_id, on_progress)
        except PciViolation as exc:
            # The answer was refused unread: the payment's fate is unknown, left open for ops.
            self.record("card.pci_violation", {"error": exc.message_key}, IN_DOUBT)
            return CardInDoubt(service_id)
        return self.settle(outcome)

    def ask(self) -> CardOutcome:
        """Ask the terminal again about the open payment (DriverError: ask later)."""
        outcome = self.terminal.status(str(self.data["service_id"]))
        return self.settle(outcome or CardFailed("never_received"))

    def settle(self, outcome: CardOutcome, *, recovered: bool = False) -> CardOutcome:
        extra: dict[str, Any] = {"recovered": True} if recovered else {}
        if isinstance(outcome, CardInDoubt):
            self.record("card.in_doubt", extra, IN_DOUBT)
            return outcome
        if not isinstance(outcome, CardApproved):
            kind, reason = refusal(outcome)
            if isinstance(outcome, CardFailed) and outcome.detail:  # the terminal's own words
                extra["detail"] = outcome.detail
            self.record(kind, {"reason": reason, **extra}, self.unpaid_state)
            return outcome
        approval = {
            "masked_pan": outcome.masked_pan,
            "brand": outcome.brand,
            "approval_code": outcome.approval_code,
            "poi_transaction_id": outcome.poi_transaction_id,
            "amount_fen": outcome.amount_fen,
            **extra,
        }
        self.data.update(paid_fen=outcome.amount_fen, method="card",
                         poi_transaction_id=outcome.poi_transaction_id)  # fmt: skip
        if outcome.poi_timestamp is not None:  # a reversal must name it beside the id (nexo)
            approval["poi_timestamp"] = outcome.poi_timestamp
            self.data["poi_timestamp"] = outcome.poi_timestamp
        try:
            self.record("card.approved", approval, self.paid_state)
        except JournalError:
            reversed_ = reverse(self.terminal, outcome.poi_transaction_id, outcome.amount_fen,
                                outcome.poi_timestamp)  # fmt: skip
            log.critical("approval %s not recorded; reversed: %s", outcome.poi_transaction_id,
                         reversed_)  # fmt: skip
            raise
        return outcome


def refusal(outcome: CardOutcome) -> tuple[str, str]:
    if isinstance(outcome, CardDeclined):
        return "card.declined", outcome.reason
    if isinstance(outcome, CardCancelled):
        return "card.cancelled", "customer"
    if isinstance(outcome, CardFailed):
        return "card.failed", outcome.reason
    return "card.failed", "never_received"


def reverse(
    terminal: CardTerminal | None,
    poi_transaction_id: str,
    amount_fen: int,
    poi_timestamp: str | None = None,
) -> bool:
    """Give an approved payment back at the terminal: True once reversed. `poi_timestamp`:
    the approval's (journalled as data["poi_timestamp"]), which nexo requires beside the id."""
    if terminal is None:
        return False
    try:
        if poi_timestamp:
            return terminal.reverse(poi_transaction_id, amount_fen, poi_timestamp)
        return terminal.reverse(poi_transaction_id, amount_fen)
    except DriverError as exc:
        log.error("reversal of %s failed: %s", poi_transaction_id, exc)
        return False
