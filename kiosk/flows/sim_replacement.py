"""SIM replacement (补换卡): the owner, logged in with their ID card, gets a new SIM for their
line; central stops the old card once the new one is dispensed.

    STARTED ─data─▶ ISSUING ─card to reader─▶ WRITING ─dispense─▶ DISPENSING ─▶ DONE
       └──────────────┴──────── failure ───────────┴──────────────────▶ CANCELLED

Each state is journalled before the step it names. The line moves to the new card through the
outbox (`sim_replacement.v1`, committed with the DONE event), never by a direct call, so a
kiosk that dies after dispensing still delivers it. Recovery: before WRITING nothing physical
happened (cancel); in WRITING a card may sit in the reader (cancel, and the app captures it);
in DISPENSING the card has left (finish: the customer holds the new card).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.central_api import CentralApi
from kiosk.customer_session import AuthMethod, CustomerSession
from kiosk.errors import FlowError, JournalError, KioskError
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed, issue_card
from kiosk.journal import Entry, Journal, OutboxMessage
from kiosk.metrics import Outcome, ServiceMetrics
from kiosk.sim_data import SimDataKey

log = logging.getLogger(__name__)

FLOW_NAME = "sim.replacement"
OUTBOX_KIND = "sim_replacement.v1"
STATE_OF_STEP = {
    "sim.card_to_reader": "writing",
    "sim.writing": "writing",
    "sim.card_captured": "writing",
    "sim.dispensing": "dispensing",
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


@dataclass(frozen=True)
class SimReplacementResult:
    txn_id: str
    msisdn: str
    iccid: str


def outbox_key(txn_id: str) -> str:
    return f"{txn_id}:sim_replacement"


def replacement_body(
    txn_id: str, msisdn: str, order_id: str, iccid: str, at: datetime
) -> dict[str, Any]:
    return {
        "txn_id": txn_id,
        "msisdn": msisdn,
        "order_id": order_id,
        "iccid": iccid,
        "fee_fen": 0,
        "method": "none",
        "created_at": at.astimezone().isoformat(timespec="seconds"),
    }


class SimReplacementFlow:
    """One replacement card. `run()` blocks (central, then the card's journey): off the GUI."""

    def __init__(self, context: SimReplacementContext, session: CustomerSession) -> None:
        self._ctx = context
        self._session = session
        self.txn_id = uuid.uuid4().hex
        self._data: dict[str, Any] = {}

    def run(self) -> SimReplacementResult:
        customer = self._session.customer
        if customer is None or customer.method is not AuthMethod.ID_CARD:
            raise FlowError("a replacement needs the ID card login",
                            message_key="auth.id_card_required")  # fmt: skip
        metrics = self._ctx.metrics
        metrics.started(FLOW_NAME)
        self._data = {"msisdn": customer.msisdn}
        self._record("sim_replacement.started", {}, "started")
        key = SimDataKey(self._ctx.kiosk_id)
        try:
            sealed = self._session.call(
                lambda token: self._ctx.api.replacement_personalisation(token, key.public_b64)
            )
            data = key.open(sealed)
        except KioskError as exc:  # refused, unreachable, or data that does not open
            self._fail({"reason": exc.message_key})
            raise
        self._data.update({"order_id": sealed.order_id, "iccid": sealed.iccid})
        self._record("sim.data_received", {"iccid": sealed.iccid}, "issuing")
        try:
            issue_card(self._ctx.devices, data, self._announce)
        except SimIssueFailed as exc:
            self._fail({"reason": exc.message_key, "captured": exc.captured})
            raise
        body = replacement_body(self.txn_id, customer.msisdn, sealed.order_id, sealed.iccid,
                                self._ctx.clock())  # fmt: skip
        self._record(
            "sim_replacement.done",
            {"iccid": sealed.iccid, "outbox_key": outbox_key(self.txn_id)},
            "done",
            outbox=(OutboxMessage(outbox_key(self.txn_id), OUTBOX_KIND, body),),
        )
        metrics.finished(FLOW_NAME, Outcome.COMPLETED)
        return SimReplacementResult(self.txn_id, customer.msisdn, sealed.iccid)

    def _announce(self, kind: str, payload: dict[str, object]) -> None:
        self._record(kind, dict(payload), STATE_OF_STEP.get(kind, "writing"))

    def _fail(self, payload: dict[str, Any]) -> None:
        self._record("sim_replacement.failed", payload, "cancelled")
        self._ctx.metrics.finished(FLOW_NAME, Outcome.FAILED)

    def _record(
        self,
        kind: str,
        payload: dict[str, Any],
        state: str,
        *,
        outbox: tuple[OutboxMessage, ...] = (),
    ) -> None:
        entry = Entry(self.txn_id, kind, payload, FLOW_NAME, state, dict(self._data),
                      outbox=outbox)  # fmt: skip
        try:
            self._ctx.journal.record(entry)
        except JournalError as exc:
            self._ctx.on_storage_failure(exc)
            raise
