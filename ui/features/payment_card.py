"""What the payment screens show of a card payment: the terminal's progress and its outcome, as a
stage name (drives the card payment component) and a message key (the one sentence on screen).

Pure mapping, no Qt: the decisions (journal, settle, reverse, recover) are kiosk/flows/card_topup's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardDeclined,
    CardFailed,
    CardInDoubt,
    CardOutcome,
    PaymentStage,
)

log = logging.getLogger(__name__)

# The terminal's progress, as it reports it through the flow's on_progress listener.
PROGRESS: dict[PaymentStage, tuple[str, str]] = {
    PaymentStage.WAITING_FOR_CARD: ("waiting_for_card", "payment.card_insert"),
    PaymentStage.PIN_ENTRY: ("pin_entry", "payment.card_pin"),
    PaymentStage.AUTHORISING: ("authorising", "payment.card_authorising"),
}

# Stages in which the terminal still works on the payment (the screen shows a spinner).
ACTIVE_STAGES = frozenset(
    {"starting", "waiting_for_card", "pin_entry", "authorising", "cancelling"}
)
# Stages after which no money moved: the customer may try again.
REFUSED_STAGES = frozenset({"declined", "cancelled", "failed"})


def outcome_stage(outcome: CardOutcome) -> tuple[str, str]:
    """(stage, message key) of the terminal's final answer."""
    if isinstance(outcome, CardApproved):
        return "approved", "payment.card_approved"
    if isinstance(outcome, CardDeclined):
        return "declined", "payment.card_declined"
    if isinstance(outcome, CardCancelled):
        return "cancelled", "payment.card_cancelled"
    if isinstance(outcome, CardInDoubt):
        return "in_doubt", "payment.card_in_doubt"
    if isinstance(outcome, CardFailed):
        return "failed", "payment.card_failed"
    return "in_doubt", "payment.card_in_doubt"  # an answer we do not know: never "failed"


def abort_in_background(abort: Callable[[], None]) -> None:
    """Ask the terminal to stop a running payment. Not on the core thread: `pay()` holds it
    until the terminal answers, so an abort queued there would only run after the payment
    ended. Not on the GUI thread either (it sends a message to the terminal)."""

    def run() -> None:
        try:
            abort()
        except Exception:  # best effort: the payment's own answer says how it ended
            log.exception("abort of the card payment failed")

    threading.Thread(target=run, name="card-abort", daemon=True).start()
