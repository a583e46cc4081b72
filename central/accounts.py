"""What an authenticated customer can see and change: balance, bills, usage, invoices, plan and
value-added services. Changes wait for a second SMS code and are applied once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.business_db import (
    Account,
    AccountEvent,
    AccountService,
    Bill,
    Invoice,
    Plan,
    SmsChallenge,
    UsageRecord,
    ValueAddedService,
)
from central.business_schemas import (
    BalanceOut,
    BillItem,
    BillOut,
    Catalogue,
    ChangeDone,
    ConfirmationOut,
    InvoiceOut,
    PlanOut,
    ServiceOut,
    UsageOut,
    UsagePage,
)
from central.customer_auth import Customer, mask_name, send_sms_code, use_code
from central.errors import BusinessError
from central.secrets_store import code_digest

MAX_PAGE_SIZE = 100


def catalogue(session: Session) -> Catalogue:
    plans = session.scalars(select(Plan).order_by(Plan.monthly_fee_fen)).all()
    services = session.scalars(select(ValueAddedService).order_by(ValueAddedService.code)).all()
    return Catalogue(
        plans=[PlanOut.model_validate(p, from_attributes=True) for p in plans],
        services=[ServiceOut.model_validate(s, from_attributes=True) for s in services],
    )


def _services_of(session: Session, msisdn: str) -> list[ValueAddedService]:
    return list(
        session.scalars(
            select(ValueAddedService)
            .join(AccountService, AccountService.service_code == ValueAddedService.code)
            .where(AccountService.msisdn == msisdn)
            .order_by(ValueAddedService.code)
        )
    )


def _account(session: Session, msisdn: str) -> Account:
    account = session.get(Account, msisdn)
    if account is None:  # a session outlived its account: treat as a broken session
        raise BusinessError(401, "session.invalid", "the account no longer exists")
    return account


def balance(session: Session, msisdn: str) -> BalanceOut:
    account = _account(session, msisdn)
    plan = session.get(Plan, account.plan_code)
    return BalanceOut.model_validate(
        {
            "msisdn": account.msisdn,
            "owner_name_masked": mask_name(account.owner_name),
            "balance_fen": account.balance_fen,
            "status": account.status,
            "plan": PlanOut.model_validate(plan, from_attributes=True),
            "services": [
                ServiceOut.model_validate(s, from_attributes=True)
                for s in _services_of(session, msisdn)
            ],
        }
    )


def _bill_out(row: Bill) -> BillOut:
    items = [BillItem.model_validate(item) for item in json.loads(row.items_json)]
    return BillOut(month=row.month, items=items, total_fen=row.total_fen, paid=row.paid)


def bills(session: Session, msisdn: str) -> list[BillOut]:
    rows = session.scalars(select(Bill).where(Bill.msisdn == msisdn).order_by(Bill.month.desc()))
    return [_bill_out(row) for row in rows]


def bill(session: Session, msisdn: str, month: str) -> BillOut:
    row = session.get(Bill, (msisdn, month))
    if row is None:
        raise BusinessError(404, "bill.not_found", f"no bill for {month}")
    return _bill_out(row)


def usage(
    session: Session, msisdn: str, month: str, *, kind: str | None, page: int, page_size: int
) -> UsagePage:
    """One page of call detail records, newest first."""
    where = [UsageRecord.msisdn == msisdn, UsageRecord.month == month]
    if kind is not None:
        where.append(UsageRecord.kind == kind)
    total = session.scalar(select(func.count()).select_from(UsageRecord).where(*where)) or 0
    rows = session.scalars(
        select(UsageRecord)
        .where(*where)
        .order_by(UsageRecord.started_at.desc(), UsageRecord.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return UsagePage.model_validate(
        {
            "month": month,
            "kind": kind,
            "page": page,
            "page_size": page_size,
            "total": total,
            "records": [UsageOut.model_validate(r, from_attributes=True) for r in rows],
        }
    )


def invoices(session: Session, msisdn: str) -> list[InvoiceOut]:
    rows = session.scalars(
        select(Invoice).where(Invoice.msisdn == msisdn).order_by(Invoice.month.desc())
    )
    return [InvoiceOut.model_validate(r, from_attributes=True) for r in rows]


def print_invoice(session: Session, msisdn: str, number: str) -> InvoiceOut:
    """Count a print: the first is the original, later ones are reprints (marked as such)."""
    row = session.get(Invoice, number)
    if row is None or row.msisdn != msisdn:
        raise BusinessError(404, "invoice.not_found", "no such invoice for this number")
    row.print_count += 1
    return InvoiceOut.model_validate(row, from_attributes=True)


def _plan(session: Session, code: str) -> Plan:
    plan = session.get(Plan, code)
    if plan is None:
        raise BusinessError(404, "plan.unknown", f"no plan {code!r}")
    return plan


def _service(session: Session, code: str) -> ValueAddedService:
    service = session.get(ValueAddedService, code)
    if service is None:
        raise BusinessError(404, "service.unknown", f"no service {code!r}")
    return service


def _ask_confirmation(
    session: Session,
    customer: Customer,
    action: dict[str, Any],
    now: datetime,
    *,
    summary_zh: str,
    summary_en: str,
) -> ConfirmationOut:
    challenge = send_sms_code(
        session,
        customer.kiosk_id,
        customer.msisdn,
        "confirm",
        now,
        session_id=customer.session_id,
        action_json=json.dumps(action, sort_keys=True),
        summary_zh=summary_zh,
    )
    return ConfirmationOut(
        confirmation_id=challenge.id,
        expires_at=challenge.expires_at,
        summary_zh=summary_zh,
        summary_en=summary_en,
    )


def request_plan_change(
    session: Session, customer: Customer, code: str, now: datetime
) -> ConfirmationOut:
    account = _account(session, customer.msisdn)
    plan = _plan(session, code)
    if account.status != "active":
        raise BusinessError(409, "account.suspended", "the line is suspended; pay the bill first")
    if account.plan_code == plan.code:
        raise BusinessError(409, "plan.already_current", "this is already the current plan")
    return _ask_confirmation(
        session,
        customer,
        {"kind": "plan_change", "plan_code": plan.code},
        now,
        summary_zh=f"套餐变更为{plan.name_zh}",
        summary_en=f"change plan to {plan.name_en}",
    )


def request_service_change(
    session: Session, customer: Customer, code: str, active: bool, now: datetime
) -> ConfirmationOut:
    _account(session, customer.msisdn)
    service = _service(session, code)
    has = session.get(AccountService, (customer.msisdn, code)) is not None
    if has == active:
        key = "service.already_on" if active else "service.already_off"
        raise BusinessError(409, key, "nothing to change")
    verb_zh, verb_en = ("开通", "switch on") if active else ("取消", "switch off")
    return _ask_confirmation(
        session,
        customer,
        {"kind": "service_change", "service_code": code, "active": active},
        now,
        summary_zh=f"{verb_zh}{service.name_zh}",
        summary_en=f"{verb_en} {service.name_en}",
    )


def _apply(
    session: Session, kiosk_id: str, account: Account, action: dict[str, Any], now: datetime
) -> None:
    if action["kind"] == "plan_change":
        detail = {"from": account.plan_code, "to": action["plan_code"]}
        account.plan_code = _plan(session, action["plan_code"]).code
    else:
        code = _service(session, action["service_code"]).code
        existing = session.get(AccountService, (account.msisdn, code))
        if action["active"] and existing is None:
            session.add(AccountService(msisdn=account.msisdn, service_code=code, since=now))
        elif not action["active"] and existing is not None:
            session.delete(existing)
        detail = {"service": code, "active": action["active"]}
    session.add(
        AccountEvent(
            msisdn=account.msisdn,
            kiosk_id=kiosk_id,
            kind=action["kind"],
            detail_json=json.dumps(detail),
            at=now,
        )
    )


def confirm_change(
    session: Session, customer: Customer, confirmation_id: str, code: str, now: datetime
) -> ChangeDone:
    """Apply the change the code unlocks. Confirming again answers with the first result."""
    challenge = session.get(SmsChallenge, confirmation_id)
    if (
        challenge is None
        or challenge.session_id != customer.session_id
        or challenge.action_json is None
    ):
        raise BusinessError(404, "sms.unknown_challenge", "no such confirmation in this session")
    if challenge.used and challenge.result_json is not None:
        # A retry after a lost answer: the same code gets the first result, nothing reapplied.
        if code_digest(confirmation_id, code) == challenge.code_hash:
            return ChangeDone.model_validate_json(challenge.result_json)
        raise BusinessError(410, "sms.used", "this code can no longer be used")
    action = json.loads(challenge.action_json)
    use_code(session, customer.kiosk_id, confirmation_id, code, now, purpose="confirm")
    account = _account(session, customer.msisdn)
    _apply(session, customer.kiosk_id, account, action, now)
    session.flush()
    done = ChangeDone(
        confirmation_id=confirmation_id,
        msisdn=account.msisdn,
        plan_code=account.plan_code,
        services=[s.code for s in _services_of(session, account.msisdn)],
    )
    challenge.result_json = done.model_dump_json()
    return done
