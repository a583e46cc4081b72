"""Routes of the customer business API (/v1/customer, /v1/realname, /v1/numbers, ...).

Every route needs the kiosk's own credentials; customer routes also need X-Customer-Session.
A refusal is a BusinessError answered with its status and a `{detail, code, data}` body; the
counters it touched (wrong attempts, lockouts, expired sessions) are committed all the same.
Each route documents the business statuses it can refuse with (`refusals`).

No `from __future__ import annotations` here: FastAPI reads route signatures at runtime.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import accounts, bill_payments, customer_auth, sim_sale
from central.auth import authenticate_kiosk, clock_of, require_ops, storage_of
from central.business_db import SmsMessage
from central.business_schemas import (
    BalanceOut,
    BillDueOut,
    BillList,
    BillOut,
    BusinessErrorBody,
    Catalogue,
    ChangeDone,
    Confirm,
    ConfirmationOut,
    IdCardLogin,
    InvoiceList,
    InvoiceOut,
    Month,
    NumberPage,
    PasswordLogin,
    PersonalisationOut,
    PlanChange,
    RealNameOut,
    RealNameRequest,
    ReservationOut,
    ReserveRequest,
    SealRequest,
    ServiceChange,
    SessionOut,
    SmsChallengeOut,
    SmsCodeLogin,
    SmsCodeRequest,
    SmsList,
    SmsOut,
    UsageKind,
    UsagePage,
)
from central.customer_auth import Customer
from central.errors import BusinessError

T = TypeVar("T")
KioskId = Annotated[str, Depends(authenticate_kiosk)]
SessionToken = Annotated[str | None, Header(alias="X-Customer-Session")]
Hex32Path = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
# Price filters: a business bound (¥10M), far below the 64-bit column it is compared with.
MAX_PRICE_FEN = 1_000_000_000


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The business refusals a route can answer with, beside the statuses every route gets
    (400, 401, 413, 422, 503: app.document_errors), each with the `{detail, code, data}` body."""
    return {s: {"model": BusinessErrorBody, "description": _REFUSAL[s]} for s in statuses}


_REFUSAL = {
    403: "Refused for a business reason (`code`)",
    404: "No such resource (a business `code`)",
    409: "Conflicts with the current state (`code`)",
    410: "No longer usable (`code`)",
    423: "Locked (`code`, `data.locked_until`)",
    429: "Too soon (`code`, `data.retry_after_s`)",
}


def transact(request: Request, work: Callable[[Session, datetime], T]) -> T:
    """Run `work` in one transaction. A BusinessError still commits: the business functions
    refuse before changing anything except the counters a refusal must leave behind."""
    now = clock_of(request)()
    with storage_of(request).sessions() as session:
        try:
            result = work(session, now)
        except BusinessError:
            session.commit()
            raise
        session.commit()
        return result


def _customer(session: Session, kiosk_id: str, token: str | None, now: datetime) -> Customer:
    return customer_auth.current_session(session, kiosk_id, token, now)


async def business_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BusinessError)
    body = BusinessErrorBody(detail=str(exc), code=exc.code, data=exc.data)
    return JSONResponse(body.model_dump(), status_code=exc.status)


router = APIRouter()


@router.get("/v1/catalogue", tags=["business"])
def get_catalogue(request: Request, _kiosk: KioskId) -> Catalogue:
    """Plans and value-added services on offer."""
    return transact(request, lambda s, _now: accounts.catalogue(s))


@router.post("/v1/customer/login/password", tags=["customer auth"], responses=refusals(404, 423))
def login_password(request: Request, kiosk: KioskId, body: PasswordLogin) -> SessionOut:
    """Log in with the 6-digit service password. 5 wrong in a row lock the number for 30 min
    (`auth.locked`, 423, `data.locked_until`); each wrong one says `data.attempts_left`."""
    return transact(
        request,
        lambda s, now: customer_auth.login_with_password(s, kiosk, body.msisdn, body.password, now),
    )


@router.post(
    "/v1/customer/login/sms-code",
    status_code=202,
    tags=["customer auth"],
    responses=refusals(404, 429),
)
def send_login_code(request: Request, kiosk: KioskId, body: SmsCodeRequest) -> SmsChallengeOut:
    """Text a 6-digit login code to the number (written to the SMS outbox); one a minute."""

    def work(session: Session, now: datetime) -> SmsChallengeOut:
        challenge = customer_auth.request_login_code(session, kiosk, body.msisdn, now)
        return SmsChallengeOut(
            challenge_id=challenge.id,
            expires_at=challenge.expires_at,
            resend_after_s=int(customer_auth.SMS_RESEND.total_seconds()),
        )

    return transact(request, work)


@router.post("/v1/customer/login/sms", tags=["customer auth"], responses=refusals(404, 410))
def login_sms(request: Request, kiosk: KioskId, body: SmsCodeLogin) -> SessionOut:
    """Log in with the texted code: 3 tries, 5 minutes, once."""
    return transact(
        request,
        lambda s, now: customer_auth.login_with_code(s, kiosk, body.challenge_id, body.code, now),
    )


@router.post(
    "/v1/customer/login/id-card", tags=["customer auth"], responses=refusals(403, 404, 423)
)
def login_id_card(request: Request, kiosk: KioskId, body: IdCardLogin) -> SessionOut:
    """Log in with the ID card read at the kiosk: valid, and the line's registered owner. 5
    cards in a row that are not the owner's lock ID-card login of the number for 30 min
    (`auth.id_card_locked`, 423, `data.locked_until`); each says `data.attempts_left`."""
    return transact(request, lambda s, now: customer_auth.login_with_id_card(s, kiosk, body, now))


@router.post("/v1/customer/logout", status_code=204, tags=["customer auth"])
def logout(request: Request, kiosk: KioskId, token: SessionToken = None) -> Response:
    """End the session; safe to repeat."""
    transact(request, lambda s, _now: customer_auth.end_session(s, kiosk, token))
    return Response(status_code=204)


@router.get("/v1/customer/balance", tags=["customer"])
def get_balance(request: Request, kiosk: KioskId, token: SessionToken = None) -> BalanceOut:
    def work(session: Session, now: datetime) -> BalanceOut:
        return accounts.balance(session, _customer(session, kiosk, token, now).msisdn)

    return transact(request, work)


@router.get("/v1/customer/bills", tags=["customer"])
def list_bills(request: Request, kiosk: KioskId, token: SessionToken = None) -> BillList:
    """The monthly bills, newest first."""

    def work(session: Session, now: datetime) -> BillList:
        return BillList(bills=accounts.bills(session, _customer(session, kiosk, token, now).msisdn))

    return transact(request, work)


@router.get("/v1/customer/bills/{month}", tags=["customer"], responses=refusals(404))
def get_bill(
    request: Request,
    kiosk: KioskId,
    month: Annotated[Month, Path()],
    token: SessionToken = None,
) -> BillOut:
    def work(session: Session, now: datetime) -> BillOut:
        return accounts.bill(session, _customer(session, kiosk, token, now).msisdn, month)

    return transact(request, work)


@router.get("/v1/customer/usage", tags=["customer"])
def get_usage(
    *,
    request: Request,
    kiosk: KioskId,
    month: Annotated[Month, Query()],
    kind: Annotated[UsageKind | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=accounts.MAX_PAGE_SIZE)] = 20,
    token: SessionToken = None,
) -> UsagePage:
    """Call detail records (详单) of one month, optionally of one kind, newest first, paged."""

    def work(session: Session, now: datetime) -> UsagePage:
        msisdn = _customer(session, kiosk, token, now).msisdn
        return accounts.usage(session, msisdn, month, kind=kind, page=page, page_size=page_size)

    return transact(request, work)


@router.get("/v1/customer/invoices", tags=["customer"])
def list_invoices(request: Request, kiosk: KioskId, token: SessionToken = None) -> InvoiceList:
    def work(session: Session, now: datetime) -> InvoiceList:
        msisdn = _customer(session, kiosk, token, now).msisdn
        return InvoiceList(invoices=accounts.invoices(session, msisdn))

    return transact(request, work)


@router.post("/v1/customer/invoices/{number}/print", tags=["customer"], responses=refusals(404))
def print_invoice(
    request: Request,
    kiosk: KioskId,
    number: Annotated[str, Path(min_length=1, max_length=20)],
    token: SessionToken = None,
) -> InvoiceOut:
    """Record a print; `print_count` > 1 means the kiosk must mark it as a reprint (补打)."""

    def work(session: Session, now: datetime) -> InvoiceOut:
        msisdn = _customer(session, kiosk, token, now).msisdn
        return accounts.print_invoice(session, msisdn, number)

    return transact(request, work)


@router.post(
    "/v1/customer/plan-change",
    status_code=202,
    tags=["customer"],
    responses=refusals(404, 409),
)
def change_plan(
    request: Request, kiosk: KioskId, body: PlanChange, token: SessionToken = None
) -> ConfirmationOut:
    """Ask to change the plan; nothing changes until the texted code is confirmed."""

    def work(session: Session, now: datetime) -> ConfirmationOut:
        customer = _customer(session, kiosk, token, now)
        return accounts.request_plan_change(session, customer, body.plan_code, now)

    return transact(request, work)


@router.post(
    "/v1/customer/service-change",
    status_code=202,
    tags=["customer"],
    responses=refusals(404, 409),
)
def change_service(
    request: Request, kiosk: KioskId, body: ServiceChange, token: SessionToken = None
) -> ConfirmationOut:
    """Ask to switch a value-added service on or off; confirmed by the texted code."""

    def work(session: Session, now: datetime) -> ConfirmationOut:
        customer = _customer(session, kiosk, token, now)
        return accounts.request_service_change(
            session, customer, body.service_code, body.active, now
        )

    return transact(request, work)


@router.post(
    "/v1/customer/confirmations/{confirmation_id}",
    tags=["customer"],
    responses=refusals(404, 410),
)
def confirm(
    request: Request,
    kiosk: KioskId,
    confirmation_id: Hex32Path,
    body: Confirm,
    token: SessionToken = None,
) -> ChangeDone:
    """Apply a change with its texted code. Sending the same code again (a lost answer) gets
    the first result and changes nothing more."""

    def work(session: Session, now: datetime) -> ChangeDone:
        customer = _customer(session, kiosk, token, now)
        return accounts.confirm_change(session, customer, confirmation_id, body.code, now)

    return transact(request, work)


@router.post("/v1/customer/sim-replacement", tags=["sim"], responses=refusals(403, 409))
def replacement_card(
    request: Request, kiosk: KioskId, body: SealRequest, token: SessionToken = None
) -> PersonalisationOut:
    """Data for a replacement SIM (session opened with the ID card). Finish with a
    `sim_replacement.v1` sync item once the card is written, verified and dispensed."""

    def work(session: Session, now: datetime) -> PersonalisationOut:
        customer = _customer(session, kiosk, token, now)
        return sim_sale.personalise_for_replacement(session, customer, body.kiosk_public_key)

    return transact(request, work)


@router.get("/v1/bills/due", tags=["business"], responses=refusals(404))
def bill_due(
    request: Request, _kiosk: KioskId, msisdn: Annotated[str, Query(pattern=r"^1[0-9]{10}$")]
) -> BillDueOut:
    """What a number owes (its unpaid monthly bills, oldest first), for bill payment at the
    kiosk: any number, no customer login; the owner's name masked."""
    return transact(request, lambda s, _now: bill_payments.bill_due(s, msisdn))


@router.post("/v1/realname/checks", status_code=201, tags=["sim"], responses=refusals(403, 409))
def realname_check(request: Request, kiosk: KioskId, body: RealNameRequest) -> RealNameOut:
    """Real-name check of an ID card read at the kiosk: check character, validity dates,
    registry match, and the per-person line limit."""
    return transact(request, lambda s, now: sim_sale.verify_real_name(s, kiosk, body, now))


@router.get("/v1/numbers", tags=["sim"])
def numbers(
    *,
    request: Request,
    _kiosk: KioskId,
    prefix: Annotated[str | None, Query(pattern=r"^1[0-9]{0,2}$")] = None,
    contains: Annotated[str | None, Query(pattern=r"^[0-9]{1,4}$")] = None,
    suffix: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,4}$", description="the number ends with these digits")
    ] = None,
    no_four: bool = False,
    min_price_fen: Annotated[int | None, Query(ge=0, le=MAX_PRICE_FEN)] = None,
    max_price_fen: Annotated[int | None, Query(ge=0, le=MAX_PRICE_FEN)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=accounts.MAX_PAGE_SIZE)] = 20,
) -> NumberPage:
    """Numbers for sale (not sold, not held by a live reservation), filtered and paged."""
    return transact(
        request,
        lambda s, now: sim_sale.search_numbers(
            s,
            now,
            prefix=prefix,
            contains=contains,
            suffix=suffix,
            no_four=no_four,
            min_price_fen=min_price_fen,
            max_price_fen=max_price_fen,
            page=page,
            page_size=page_size,
        ),
    )


@router.post(
    "/v1/numbers/{msisdn}/reservation",
    status_code=201,
    tags=["sim"],
    responses=refusals(404, 409, 410),
)
def reserve(
    request: Request,
    kiosk: KioskId,
    msisdn: Annotated[str, Path(pattern=r"^1[0-9]{10}$")],
    body: ReserveRequest,
) -> ReservationOut:
    """Hold a number for 15 minutes for a checked customer; the same call again returns the
    same reservation, another number releases the first. The person's lines plus the numbers
    held for them at other kiosks must stay under the 5-line limit
    (`realname.too_many_lines`, 409)."""
    return transact(
        request, lambda s, now: sim_sale.reserve_number(s, kiosk, msisdn, body.check_id, now)
    )


@router.delete(
    "/v1/reservations/{reservation_id}",
    status_code=204,
    tags=["sim"],
    responses=refusals(404, 409),
)
def release(request: Request, kiosk: KioskId, reservation_id: Hex32Path) -> Response:
    transact(request, lambda s, _now: sim_sale.release_number(s, kiosk, reservation_id))
    return Response(status_code=204)


@router.post(
    "/v1/reservations/{reservation_id}/personalisation",
    tags=["sim"],
    responses=refusals(404, 410),
)
def personalisation(
    request: Request, kiosk: KioskId, reservation_id: Hex32Path, body: SealRequest
) -> PersonalisationOut:
    """Data for the blank SIM of a live reservation, sealed for this request's key. Finish
    with a `sim_sale.v1` sync item once the card is written, verified and dispensed."""
    return transact(
        request,
        lambda s, now: sim_sale.personalise_for_sale(
            s, kiosk, reservation_id, body.kiosk_public_key, now
        ),
    )


@router.get("/v1/ops/sms", tags=["ops"], dependencies=[Depends(require_ops)])
def sms_outbox(
    request: Request,
    msisdn: Annotated[str | None, Query(pattern=r"^1[0-9]{10}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SmsList:
    """The SMS outbox, newest first (what the reference central "sent")."""

    def work(session: Session, _now: datetime) -> SmsList:
        query = select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)
        if msisdn is not None:
            query = query.where(SmsMessage.msisdn == msisdn)
        rows = session.scalars(query)
        return SmsList(messages=[SmsOut.model_validate(m, from_attributes=True) for m in rows])

    return transact(request, work)
