"""The nexo driver against a scripted terminal (no sockets): answers that do not fit the request
are resolved by a status query, an approval without its code is still an approval, and a status
saying 'not found' means the payment never arrived."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from drivers.cardterminal.codec import decode_from_sale, encode
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.messages import (
    CardResult,
    MessageHeader,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    Result,
    SaleMessage,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.simulator import MASKED_PAN
from drivers.errors import AnswerLost
from drivers.interfaces import CardApproved, CardFailed

pytestmark = pytest.mark.timeout(60)


# --- answers that do not fit the request (scripted terminal, no sockets) ----------------------


class _Conversation:
    can_send_more = False

    def __init__(self, replies: list[bytes]) -> None:
        self.replies = replies

    def receive(self, deadline: float) -> bytes:
        if not self.replies:
            raise AnswerLost("closed")
        return self.replies.pop(0)

    def send_more(self, payload: bytes) -> None:
        raise AssertionError("not used")

    def close(self) -> None:
        pass


class ScriptedTransport:
    """Each request is answered by the next function of the script."""

    url = "scripted://"

    def __init__(self, *script: Callable[[SaleMessage], list[bytes]]) -> None:
        self.script = list(script)
        self.sent: list[SaleMessage] = []

    def open(self, payload: bytes) -> _Conversation:
        request = decode_from_sale(payload)
        self.sent.append(request)
        return _Conversation(self.script.pop(0)(request))

    def notify(self, payload: bytes) -> None:
        self.sent.append(decode_from_sale(payload))

    def probe(self) -> bool:
        return True


def _answer(request: SaleMessage, poi_id: str = "POI01", service_id: str | None = None) -> Any:
    head = request.header
    return MessageHeader(
        head.message_category, "Response", service_id or head.service_id, head.sale_id, poi_id
    )


def _approval(header: MessageHeader, approval_code: str | None = "A1") -> PaymentResponse:
    card = CardResult(MASKED_PAN, "UnionPay", 1234, "CNY", approval_code)
    return PaymentResponse(header, ResponseStatus(Result.SUCCESS), "SALE-1", "P1", None, card)


def _repeat_approval_of(transport: ScriptedTransport) -> Callable[[SaleMessage], list[bytes]]:
    """A status answer repeating an approval of the first payment this transport sent."""

    def reply(request: SaleMessage) -> list[bytes]:
        first = transport.sent[0]
        assert isinstance(request, TransactionStatusRequest)
        assert isinstance(first, PaymentRequest)
        assert request.reference.service_id == first.header.service_id
        repeated = _approval(_answer(first))
        ok = ResponseStatus(Result.SUCCESS)
        return [encode(TransactionStatusResponse(_answer(request), ok, repeated))]

    return reply


@pytest.mark.parametrize(
    ("first_answer", "why"),
    [
        (lambda r: [encode(_approval(_answer(r, service_id="OTHER01")))], "another request"),
        (lambda r: [encode(_approval(_answer(r, poi_id="POI99")))], "another POIID"),
        (lambda r: [b'{"SaleToPOIResponse": 7}'], "garbage"),
        (lambda r: [], "closed without a word"),
    ],
)
def test_an_answer_that_does_not_fit_is_resolved_by_status(first_answer: Any, why: str) -> None:
    transport = ScriptedTransport(first_answer)
    transport.script.append(_repeat_approval_of(transport))
    driver = NexoCardTerminal(
        transport, sale_id="KIOSK01", poi_id="POI01", recovery_s=1, status_interval_s=0.01
    )
    outcome = driver.pay(1234, "SALE-1", driver.new_service_id())
    assert outcome == CardApproved(1234, MASKED_PAN, "UnionPay", "A1", "P1"), why
    assert [type(m).__name__ for m in transport.sent] == [
        "PaymentRequest",
        "TransactionStatusRequest",
    ]


def test_an_approval_without_approval_code_is_still_an_approval() -> None:
    """Money moved: a missing receipt detail (Adyen's published approvals often carry no
    ApprovalCode) must not turn the answer into a lost one (it was a ProtocolError)."""
    transport = ScriptedTransport(lambda r: [encode(_approval(_answer(r), approval_code=None))])
    driver = NexoCardTerminal(transport, sale_id="KIOSK01", poi_id="POI01", recovery_s=0)
    outcome = driver.pay(1234, "SALE-1", driver.new_service_id())
    assert outcome == CardApproved(1234, MASKED_PAN, "UnionPay", "", "P1")
    assert [type(m).__name__ for m in transport.sent] == ["PaymentRequest"]


def test_status_saying_not_found_means_the_payment_never_arrived() -> None:
    def not_found(request: SaleMessage) -> list[bytes]:
        status = ResponseStatus(Result.FAILURE, "NotFound")
        return [encode(TransactionStatusResponse(_answer(request), status))]

    driver = NexoCardTerminal(
        ScriptedTransport(lambda r: [], not_found), sale_id="KIOSK01", poi_id="POI01"
    )
    assert driver.pay(1234, "SALE-1", driver.new_service_id()) == CardFailed("not_received")
