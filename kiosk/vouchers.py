"""Vouchers: money taken for a service that was not delivered, the customer's claim on it.

Every voucher the kiosk issues is journalled through `voucher_entry` (or `record_voucher`):
the journal event (`sim_sale.voucher`, `sim_replacement.voucher`, `cash.voucher`) and its
`voucher.v1` outbox row for central commit in ONE SQLite transaction, so central ops can
honour and reconcile every voucher — one a customer holds printed, and one made on boot for a
customer who has gone. The journal refuses a voucher event without its row (Journal.record),
so a new flow cannot forget it.

The idempotency key is derived from the journal event — the transaction and the event's kind,
plus a tag when one transaction can hold more than one voucher of a kind (a note stacked
across a restart: the stack intent's sequence number) — so a replay never doubles it. The
voucher number (`voucher_no`) is printed on the slip and sent to central.

The body carries no personal data beyond the masked number printed on the slip: no ID number,
no name, no card number. Redeeming or voiding a voucher is central ops' business and not
part of this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk.journal import VOUCHER_OUTBOX_KIND, Entry, Journal, OutboxMessage
from kiosk.msisdn import is_valid_mobile, mask_mobile

OUTBOX_KIND = VOUCHER_OUTBOX_KIND  # "voucher.v1"
# The journal events that issue a voucher (each carries `amount_fen` and `reason`).
SIM_SALE = "sim_sale.voucher"
SIM_REPLACEMENT = "sim_replacement.voucher"
CASH_STACKED = "cash.voucher"  # a note stacked across a restart (cash_intake.StackIntents)
EVENT_KINDS = frozenset({SIM_SALE, SIM_REPLACEMENT, CASH_STACKED})
REASON_MAX, FLOW_MAX = 64, 32  # what central's voucher.v1 takes


def voucher_no(txn_id: str, tag: str = "") -> str:
    """The number printed on the voucher and known to central: `V` + the transaction id,
    `-tag` when the transaction may hold several (a note stacked across a restart)."""
    return f"V{txn_id}" + (f"-{tag}" if tag else "")


def outbox_key(txn_id: str, event_kind: str, tag: str = "") -> str:
    """The idempotency key of the voucher's `voucher.v1` row, derived from its journal event."""
    return f"{txn_id}:{event_kind}" + (f":{tag}" if tag else "")


def masked_msisdn(data: Mapping[str, Any]) -> str | None:
    """The customer's number as printed (`138****8000`), if the transaction knows one."""
    number = data.get("msisdn")
    return mask_mobile(number) if isinstance(number, str) and is_valid_mobile(number) else None


def voucher_body(
    *,
    kiosk_id: str,
    txn_id: str,
    event_kind: str,
    flow: str,
    amount_fen: int,
    reason: str,
    at: datetime,
    msisdn_masked: str | None,
    recovered: bool,
    tag: str = "",
) -> dict[str, Any]:
    """`voucher.v1`: what central keeps of a voucher (no personal data but the masked number)."""
    return {
        "voucher_no": voucher_no(txn_id, tag),
        "kiosk_id": kiosk_id,
        "txn_id": txn_id,
        "amount_fen": int(amount_fen),
        "currency": "CNY",
        "reason": (reason or "unknown")[:REASON_MAX],
        "flow": flow[:FLOW_MAX],
        "event": event_kind,
        "msisdn_masked": msisdn_masked,
        "recovered": recovered,
        "created_at": at.astimezone().isoformat(timespec="seconds"),
    }


def voucher_entry(
    *,
    kiosk_id: str,
    txn_id: str,
    event_kind: str,
    payload: Mapping[str, Any],
    flow: str,
    at: datetime,
    state: str | None = None,
    data: Mapping[str, Any] | None = None,
    cash_in_fen: tuple[int, ...] = (),
    outbox: tuple[OutboxMessage, ...] = (),
    msisdn_masked: str | None = None,
    recovered: bool = False,
    tag: str = "",
) -> Entry:
    """The journal entry of a voucher: the event (its payload with `amount_fen` and `reason`,
    plus the voucher's number and outbox key) and the `voucher.v1` row, with the flow's other
    effects (new state and data, notes into the cash box, other outbox rows)."""
    if event_kind not in EVENT_KINDS:
        raise ValueError(f"not a voucher event: {event_kind!r}")
    amount = int(payload["amount_fen"])
    if amount <= 0:
        raise ValueError("a voucher is for a positive amount")
    key = outbox_key(txn_id, event_kind, tag)
    body = voucher_body(
        kiosk_id=kiosk_id, txn_id=txn_id, event_kind=event_kind, flow=flow, amount_fen=amount,
        reason=str(payload["reason"]), at=at, msisdn_masked=msisdn_masked, recovered=recovered,
        tag=tag,
    )  # fmt: skip
    full = {**payload, "voucher_no": body["voucher_no"], "voucher_key": key}
    return Entry(
        txn_id, event_kind, full, flow, state, data, cash_in_fen,
        (*outbox, OutboxMessage(key, OUTBOX_KIND, body)),
    )  # fmt: skip


def record_voucher(journal: Journal, **fields: Any) -> int:
    """Journal a voucher (`voucher_entry`'s fields) with its row for central; its seq."""
    return journal.record(voucher_entry(**fields))
