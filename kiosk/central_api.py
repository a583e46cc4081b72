"""The kiosk's client of central's business API: customer auth, account queries, changes, SIM.

Every call is authenticated as this kiosk (X-Kiosk-Id + bearer token); customer calls also send
the customer's session token, which the caller (kiosk.customer_session) owns. Outcomes are typed:
an answer model, `CentralRefused` (central said no, with its stable code as the message key), or
`CentralUnavailable` (no answer, a 5xx, or an answer that does not parse). Money postings do not
go through here: they go through the durable outbox (offline_queue) with idempotency keys.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from kiosk.central_http import CentralSession
from kiosk.central_models import (
    Balance,
    Bill,
    BillDue,
    BillList,
    Catalogue,
    ChangeDone,
    Confirmation,
    CustomerSessionOut,
    Invoice,
    InvoiceList,
    NumberPage,
    RealNameCheck,
    Refusal,
    Reservation,
    SealedPersonalisation,
    SmsChallenge,
    UsageKind,
    UsagePage,
)
from kiosk.errors import CentralRefused, CentralUnavailable

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
SESSION_HEADER = "X-Customer-Session"


class CentralApi:
    """Thread-safe (calls are serialised); one keep-alive HTTP session per kiosk."""

    def __init__(
        self,
        url: str,
        kiosk_id: str,
        token: str,
        *,
        timeout_s: float = 10.0,
        ca_bundle: str | None = None,
        client_cert: tuple[str, str] | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._timeout_s = timeout_s
        self._http = CentralSession(kiosk_id, token, ca_bundle=ca_bundle, client_cert=client_cert)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._http.close()

    # --- transport ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        session: str | None = None,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        headers = {SESSION_HEADER: session} if session else {}
        try:
            with self._lock:
                reply = self._http.request(
                    method,
                    self._url + path,
                    json=json,
                    params=params,
                    headers=headers,
                    timeout=self._timeout_s,
                )
        except requests.RequestException as exc:
            raise CentralUnavailable(f"{method} {path}: {exc}") from None
        if reply.status_code == 204:
            return None
        if 200 <= reply.status_code < 300:
            try:
                return reply.json()
            except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
                raise CentralUnavailable(f"{method} {path}: answer is not JSON") from None
        if 400 <= reply.status_code < 500 and reply.status_code != 408:
            raise _refusal(method, path, reply)  # central said no (429: asked too often)
        raise CentralUnavailable(f"{method} {path}: HTTP {reply.status_code}")

    def _get(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        body = self._call(method, path, **kwargs)
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise CentralUnavailable(
                f"{method} {path}: malformed answer at {where or 'top'}: {first['msg']}"
            ) from None

    # --- customer authentication ----------------------------------------------------------

    def login_password(self, msisdn: str, password: str) -> CustomerSessionOut:
        body = {"msisdn": msisdn, "password": password}
        return self._get(CustomerSessionOut, "POST", "/v1/customer/login/password", json=body)

    def send_login_code(self, msisdn: str) -> SmsChallenge:
        body = {"msisdn": msisdn}
        return self._get(SmsChallenge, "POST", "/v1/customer/login/sms-code", json=body)

    def login_sms(self, challenge_id: str, code: str) -> CustomerSessionOut:
        body = {"challenge_id": challenge_id, "code": code}
        return self._get(CustomerSessionOut, "POST", "/v1/customer/login/sms", json=body)

    def login_id_card(
        self, msisdn: str, id_number: str, name: str, valid_until: str | None
    ) -> CustomerSessionOut:
        body = {"msisdn": msisdn, "id_number": id_number, "name": name, "valid_until": valid_until}
        return self._get(CustomerSessionOut, "POST", "/v1/customer/login/id-card", json=body)

    def logout(self, session: str) -> None:
        self._call("POST", "/v1/customer/logout", session=session)

    # --- account --------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        return self._get(Catalogue, "GET", "/v1/catalogue")

    def balance(self, session: str) -> Balance:
        return self._get(Balance, "GET", "/v1/customer/balance", session=session)

    def bills(self, session: str) -> BillList:
        return self._get(BillList, "GET", "/v1/customer/bills", session=session)

    def bill(self, session: str, month: str) -> Bill:
        return self._get(Bill, "GET", f"/v1/customer/bills/{month}", session=session)

    def bill_due(self, msisdn: str) -> BillDue:
        """What any number owes, for bill payment (no customer login needed)."""
        return self._get(BillDue, "GET", "/v1/bills/due", params={"msisdn": msisdn})

    def usage(
        self,
        session: str,
        month: str,
        *,
        kind: UsageKind | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> UsagePage:
        params: dict[str, Any] = {"month": month, "page": page, "page_size": page_size}
        if kind is not None:
            params["kind"] = kind
        return self._get(UsagePage, "GET", "/v1/customer/usage", session=session, params=params)

    def invoices(self, session: str) -> InvoiceList:
        return self._get(InvoiceList, "GET", "/v1/customer/invoices", session=session)

    def record_invoice_print(self, session: str, number: str) -> Invoice:
        path = f"/v1/customer/invoices/{number}/print"
        return self._get(Invoice, "POST", path, session=session)

    def request_plan_change(self, session: str, plan_code: str) -> Confirmation:
        body = {"plan_code": plan_code}
        return self._get(
            Confirmation, "POST", "/v1/customer/plan-change", session=session, json=body
        )

    def request_service_change(self, session: str, service_code: str, active: bool) -> Confirmation:
        body = {"service_code": service_code, "active": active}
        return self._get(
            Confirmation, "POST", "/v1/customer/service-change", session=session, json=body
        )

    def confirm_change(self, session: str, confirmation_id: str, code: str) -> ChangeDone:
        path = f"/v1/customer/confirmations/{confirmation_id}"
        return self._get(ChangeDone, "POST", path, session=session, json={"code": code})

    # --- SIM sale and replacement ---------------------------------------------------------

    def real_name_check(
        self, id_number: str, name: str, valid_from: str, valid_until: str | None
    ) -> RealNameCheck:
        body = {
            "id_number": id_number,
            "name": name,
            "valid_from": valid_from,
            "valid_until": valid_until,
        }
        return self._get(RealNameCheck, "POST", "/v1/realname/checks", json=body)

    def numbers(
        self,
        *,
        prefix: str | None = None,
        contains: str | None = None,
        no_four: bool = False,
        max_price_fen: int | None = None,
        page: int = 1,
        page_size: int = 20,
        suffix: str | None = None,
        min_price_fen: int | None = None,
    ) -> NumberPage:
        """Numbers for sale: `prefix` (1–3 digits, "1.."), `contains` and `suffix` (the
        ending digits) 1–4 digits each, no 4 at all, a price from `min_price_fen` to
        `max_price_fen` (fen, inclusive); a page of them."""
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if prefix:
            params["prefix"] = prefix
        if contains:
            params["contains"] = contains
        if suffix:
            params["suffix"] = suffix
        if no_four:
            params["no_four"] = "true"
        if min_price_fen is not None:
            params["min_price_fen"] = min_price_fen
        if max_price_fen is not None:
            params["max_price_fen"] = max_price_fen
        return self._get(NumberPage, "GET", "/v1/numbers", params=params)

    def reserve_number(self, msisdn: str, check_id: str) -> Reservation:
        path = f"/v1/numbers/{msisdn}/reservation"
        return self._get(Reservation, "POST", path, json={"check_id": check_id})

    def release_reservation(self, reservation_id: str) -> None:
        self._call("DELETE", f"/v1/reservations/{reservation_id}")

    def sale_personalisation(
        self, reservation_id: str, kiosk_public_key: str
    ) -> SealedPersonalisation:
        path = f"/v1/reservations/{reservation_id}/personalisation"
        body = {"kiosk_public_key": kiosk_public_key}
        return self._get(SealedPersonalisation, "POST", path, json=body)

    def replacement_personalisation(
        self, session: str, kiosk_public_key: str
    ) -> SealedPersonalisation:
        body = {"kiosk_public_key": kiosk_public_key}
        path = "/v1/customer/sim-replacement"
        return self._get(SealedPersonalisation, "POST", path, session=session, json=body)


# Codes of central's error body that are about the request itself (credentials, shape,
# size), not a business decision: the customer is told only that central refused, and the
# log keeps the code. A business refusal's code (auth.wrong_password, realname.expired, ...)
# is a message key the screens have a text for.
PROTOCOL_CODES = frozenset(
    {
        "auth.missing",
        "auth.invalid",
        "request.invalid",
        "request.bad_json",
        "request.bad_url",
        "request.too_large",
        "not_found",
        "method_not_allowed",
        "storage.unavailable",
        "internal",
    }
)


def _refusal(method: str, path: str, reply: requests.Response) -> CentralRefused:
    """A 4xx with central's `{detail, code, data}` body. A refusal of the request itself
    (PROTOCOL_CODES: our credentials, a body central cannot take) and an answer without that
    body are the generic `error.central_refused`: the kiosk sent something central does not
    accept, which no text for the customer can explain."""
    try:
        body = Refusal.model_validate(reply.json())
    except (ValueError, RecursionError, ValidationError):
        log.error("%s %s: HTTP %d without an error body", method, path, reply.status_code)
        return CentralRefused(
            f"{method} {path}: HTTP {reply.status_code}",
            code="error.central_refused",
            status=reply.status_code,
        )
    if body.code in PROTOCOL_CODES:
        log.error("%s %s: HTTP %d %s: %s", method, path, reply.status_code, body.code, body.detail)
        return CentralRefused(
            f"{method} {path}: {body.code}: {body.detail}",
            code="error.central_refused",
            status=reply.status_code,
        )
    return CentralRefused(
        f"{method} {path}: {body.detail}", code=body.code, status=reply.status_code, data=body.data
    )
