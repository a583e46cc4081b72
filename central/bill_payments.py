"""Bill payment (缴话费): what a number owes, and the sync kind `bill_payment.v1` that pays it.

A payment settles the line's unpaid monthly bills oldest first, each one it covers in full;
what is left over goes to the balance (the kiosk gives no change). A suspended line with
nothing left unpaid is active again. A payment for a number central does not know is still
recorded, as `suspense`, so that ops can refund it: the customer's money is never dropped.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import balances
from central.business_db import Account, AccountEvent, Bill, BillPayment
from central.business_schemas import BillDueMonth, BillDueOut
from central.customer_auth import mask_name
from central.db import utcnow
from central.errors import BusinessError, ItemConflict
from central.sim_kinds import MAX_FEN, _iso

MONTHS_MAX = 24


def _unpaid(session: Session, msisdn: str) -> list[Bill]:
    return list(
        session.scalars(
            select(Bill).where(Bill.msisdn == msisdn, Bill.paid.is_(False)).order_by(Bill.month)
        )
    )


def bill_due(session: Session, msisdn: str) -> BillDueOut:
    account = session.get(Account, msisdn)
    if account is None:
        raise BusinessError(404, "bill.unknown_number", "no such number with this operator")
    unpaid = _unpaid(session, msisdn)
    return BillDueOut(
        msisdn=msisdn,
        owner_name_masked=mask_name(account.owner_name),
        status=account.status,
        due_fen=sum(bill.total_fen for bill in unpaid),
        months=[BillDueMonth(month=bill.month, total_fen=bill.total_fen) for bill in unpaid],
    )


class BillPaymentV1(BaseModel):
    """Body of kind `bill_payment.v1`: money paid at a kiosk toward a number's monthly bills."""

    model_config = ConfigDict(extra="forbid", strict=True, title="bill_payment.v1")

    txn_id: str = Field(min_length=1, max_length=128)
    msisdn: str = Field(pattern=r"^1[0-9]{10}$", description="11 digits starting with 1")
    amount_fen: int = Field(gt=0, le=MAX_FEN, description="integer fen, never a float")
    currency: Literal["CNY"]
    method: Literal["cash", "card"]
    months: list[str] = Field(
        max_length=MONTHS_MAX,
        description="the unpaid months the kiosk showed (empty when it could not ask)",
    )
    created_at: str = Field(max_length=64, description="ISO-8601 with a UTC offset")
    offline: bool

    @field_validator("created_at")
    @classmethod
    def _created(cls, value: str) -> str:
        return _iso(value)


def apply_bill_payment(session: Session, kiosk_id: str, body: BillPaymentV1) -> dict[str, Any]:
    earlier = session.scalar(
        select(BillPayment.id).where(
            BillPayment.kiosk_id == kiosk_id, BillPayment.txn_id == body.txn_id
        )
    )
    if earlier is not None:
        raise ItemConflict(f"txn_id: already recorded as bill payment {earlier} under another key")
    # The line is locked before its bills are read: a payment racing another payment or a
    # top-up of the same line can neither settle a month twice nor lose a credit.
    account = balances.lock_line(session, body.msisdn)
    settled: list[str] = []
    if account is None:
        status = "suspense"
    else:
        left = body.amount_fen
        for bill in _unpaid(session, body.msisdn):
            if bill.total_fen > left:
                break
            left -= bill.total_fen
            bill.paid = True
            settled.append(bill.month)
        session.flush()
        balances.credit(session, body.msisdn, left)
        still_due = bool(_unpaid(session, body.msisdn))
        if not still_due and account.status == "suspended":
            account.status = "active"
        status = "partial" if still_due else ("paid" if settled else "credited")
        session.add(
            AccountEvent(
                msisdn=body.msisdn, kiosk_id=kiosk_id, kind=f"bill_{body.method}",
                detail_json=json.dumps({"txn_id": body.txn_id, "amount_fen": body.amount_fen,
                                        "months": settled}),
                at=utcnow(),
            )
        )  # fmt: skip
    row = BillPayment(
        kiosk_id=kiosk_id, txn_id=body.txn_id, msisdn=body.msisdn, amount_fen=body.amount_fen,
        method=body.method, created_at=body.created_at, offline=body.offline, status=status,
        months_json=json.dumps(settled), received_at=utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return {
        "payment_id": row.id,
        "msisdn": body.msisdn,
        "amount_fen": body.amount_fen,
        "status": status,
        "months_paid": settled,
    }
