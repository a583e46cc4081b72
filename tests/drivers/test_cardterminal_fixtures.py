"""Adyen's published terminal API responses (tests/drivers/fixtures/nexo/) through our decoder
and driver: what a real terminal sends must decode, keep its facts, and never lose money."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.cardterminal import security
from drivers.cardterminal.codec import decode_from_sale, decode_terminal, encode
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.messages import (
    Category,
    EventNotification,
    MessageHeader,
    PaymentRequest,
    PaymentResponse,
    Result,
    ReversalRequest,
    ReversalResponse,
    TransactionStatusResponse,
)
from drivers.cardterminal.sim_engine import Scenario, TerminalEngine
from drivers.cardterminal.transport import NoAnswerInTime
from drivers.errors import AnswerLost
from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardFailed,
    HealthLevel,
)

FIXTURES = Path(__file__).parent / "fixtures" / "nexo"
# The test keys of the protected fixtures (README.md there).
KEYS = {
    "CryptoKeyIdentifier12345": "p@ssw0rd123456",
    "ncrkey": "ncrpass",
    "Key123456789crypt": "P@ssw0rd123456",
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def plain(name: str) -> bytes:
    """A fixture's plain message: protected ones are opened with their published test key."""
    data = fixture(name)
    if not security.is_protected(data):
        return data
    trailer = next(iter(json.loads(data).values()))["SecurityTrailer"]
    key = security.SharedKey(trailer["KeyIdentifier"], KEYS[trailer["KeyIdentifier"]])
    return security.unprotect(data, key)


APPROVALS = [
    # file, POI transaction id, its timestamp, fen, currency, masked PAN, approval code
    ("java-payment-sync-success.json", "4r7i001556529591000.8515565295894301",
     "2019-04-29T00:00:00.000Z", 100, "EUR", "411111 **** 1111", "123456"),
    ("java-payment-local-success.json", "4r7i001557325515012.8815573255107661",
     "2019-05-08T14:25:15.000Z", 100, "EUR", "541333 **** 0010", "123456"),
    ("dotnet-pospayment-encrypted-success.json", "oLkO001532420683001.8815324206896964",
     "2018-07-24T08:24:43.000Z", 1099, "EUR", "541333 **** 3511", None),
    ("node-clouddevice-encrypted-event-notification.json", "CmI6001759412052007.VP57CW8P77C64Q75",
     "2025-10-02T13:34:13.582Z", 100, "EUR", "541333 **** 9999", "123456"),
]  # fmt: skip


@pytest.mark.parametrize("case", APPROVALS, ids=[a[0] for a in APPROVALS])
def test_published_approvals_decode_whole_and_clean(
    case: tuple[str, str, str, int, str, str, str | None],
) -> None:
    name, poi_tx, poi_time, fen, currency, pan, code = case
    message, report = decode_terminal(plain(name))
    assert isinstance(message, PaymentResponse)
    assert message.response.result is Result.SUCCESS
    assert (message.poi_transaction_id, message.poi_timestamp) == (poi_tx, poi_time)
    assert message.sale_timestamp is not None
    assert message.instrument_type == "Card"
    assert message.card is not None
    assert (message.card.authorized_amount_fen, message.card.currency) == (fen, currency)
    assert (message.card.masked_pan, message.card.approval_code) == (pan, code)
    # Real approvals carry SensitiveCardData {ExpiryDate, ...}: stripped, not a violation.
    assert any(path.endswith("CardData.SensitiveCardData") for path in report.stripped)
    assert not report.violation
    kept = repr(message)
    assert "ExpiryDate" not in kept
    assert "expiryYear" not in kept
    assert "cardHolderName" not in kept


def test_a_real_additional_response_longer_than_1024_characters_is_kept() -> None:
    message, _ = decode_terminal(plain("node-clouddevice-encrypted-event-notification.json"))
    assert isinstance(message, PaymentResponse)
    assert message.response.additional_response is not None
    assert len(message.response.additional_response) > 1024
    assert "pspReference=VP57CW8P77C64Q75" in message.response.additional_response


def test_a_published_cancellation_keeps_the_terminals_poi_data() -> None:
    message, report = decode_terminal(fixture("dotnet-pospayment-cancelled.json"))
    assert isinstance(message, PaymentResponse)
    assert message.response.result is Result.FAILURE
    assert message.response.error_condition == "Cancel"
    assert message.response.additional_response == "101 Shopper cancelled app selection"
    assert (message.poi_transaction_id, message.poi_timestamp) == (
        "oLkO001503933508008",
        "2017-08-28T15:18:28.000Z",
    )
    assert message.sale_timestamp == "2017-08-28T15:18:30.000Z"
    assert message.instrument_type == "Card"
    assert message.card is None
    assert not report


@pytest.mark.parametrize(
    ("name", "service_id", "reason"),
    [
        ("dotnet-pospayment-notification-error-response.json", "12150936",
         "message=Failed+to+send+message+to+POI.+There+may+be+a+network+issue+or+it+may+not+"
         "have+the+websocket+connected."),
        ("java-payment-sync-error-empty.json", "",
         "message=Empty+input+which+would+have+resulted+in+a+null+result."),
    ],
)  # fmt: skip
def test_published_rejections_are_event_notifications(
    name: str, service_id: str, reason: str
) -> None:
    """They were refused as 'a terminal does not send Event Notification' before."""
    message, _ = decode_terminal(fixture(name))
    assert isinstance(message, EventNotification)
    assert message.rejects
    assert message.header.service_id == service_id
    assert message.details == reason
    assert message.timestamp is not None


def test_the_published_wake_up_event_decodes() -> None:
    message, _ = decode_terminal(plain("dotnet-notification-decryption-encrypted.json"))
    assert isinstance(message, EventNotification)
    assert (message.event, message.details) == ("SaleWakeUp", "reference_id=9876")
    assert not message.rejects


def test_the_published_reversal_answer_keeps_its_timestamp() -> None:
    message, _ = decode_terminal(fixture("dotnet-pospayment-reversal-response-success.json"))
    assert isinstance(message, ReversalResponse)
    assert message.response.result is Result.SUCCESS
    assert (message.poi_transaction_id, message.poi_timestamp) == (
        "8515661234567890C",
        "2019-08-22T11:09:22.575Z",
    )


def test_a_repeated_payment_without_its_own_header_is_named_by_the_message_reference() -> None:
    """Adyen's TransactionStatusResponse repeats the payment without a MessageHeader."""
    message, report = decode_terminal(fixture("dotnet-pospayment-transaction-status-response.json"))
    assert isinstance(message, TransactionStatusResponse)
    repeated = message.repeated
    assert isinstance(repeated, PaymentResponse)
    assert repeated.header.message_category is Category.PAYMENT
    assert (repeated.header.service_id, repeated.header.sale_id) == ("05140342", "TOSIM_1_100_6")
    assert repeated.header.poi_id == "P400Plus-12345678"
    assert repeated.card is not None
    assert repeated.card.authorized_amount_fen == 7900
    assert not report.violation


def test_a_repeated_reversal_with_its_header() -> None:
    message, _ = decode_terminal(fixture("dotnet-repeated-response-message.json"))
    assert isinstance(message, TransactionStatusResponse)
    assert isinstance(message.repeated, ReversalResponse)
    assert message.repeated.poi_timestamp == "2020-06-01T06:31:59.361Z"


# --- the driver on published answers ----------------------------------------------------------


class _Scripted:
    """A transport answering each request with the next scripted bytes (None: silence)."""

    url = "scripted://"

    def __init__(self, answers: list[bytes | None]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def open(self, payload: bytes) -> Any:
        self.sent.append(payload)
        answer = self.answers.pop(0) if self.answers else None
        return _Conversation(answer)

    def notify(self, payload: bytes) -> None:
        self.sent.append(payload)

    def probe(self) -> bool:
        return True


class _Conversation:
    can_send_more = False

    def __init__(self, answer: bytes | None) -> None:
        self._answers: Iterator[bytes] = iter([answer] if answer is not None else [])

    def receive(self, deadline: float) -> bytes:
        for answer in self._answers:
            return answer
        raise NoAnswerInTime("scripted silence")

    def send_more(self, payload: bytes) -> None:
        raise AssertionError("not used")

    def close(self) -> None:
        pass


def _driver(transport: _Scripted, sale_id: str, poi_id: str) -> NexoCardTerminal:
    return NexoCardTerminal(
        transport, sale_id=sale_id, poi_id=poi_id, currency="EUR",
        payment_timeout_s=1, request_timeout_s=1, recovery_s=0, status_interval_s=0.01,
    )  # fmt: skip


def test_adyens_own_approval_is_an_approval_and_reversed_with_its_timestamp() -> None:
    """GIVEN Adyen's published approval, whose tender reference holds a Luhn-valid run
    WHEN it answers our payment THEN it is the approval (it was a PciViolation and a lost
    payment before), and its reversal names the POI transaction with its TimeStamp."""
    approval = fixture("java-payment-sync-success.json")
    transport = _Scripted([approval, None])
    driver = _driver(transport, "001", "P400Plus-123456789")
    outcome = driver.pay(100, "001", "1234567890")
    assert outcome == CardApproved(
        100, "411111 **** 1111", "mc", "123456", "4r7i001556529591000.8515565295894301",
        "2019-04-29T00:00:00.000Z",
    )  # fmt: skip
    assert driver.health().level is HealthLevel.OK
    assert isinstance(outcome, CardApproved)
    with pytest.raises(AnswerLost):  # no answer scripted: only what was sent matters here
        driver.reverse(outcome.poi_transaction_id, outcome.amount_fen)
    sent = decode_from_sale(transport.sent[1])
    assert isinstance(sent, ReversalRequest)
    assert (sent.poi_transaction_id, sent.poi_timestamp) == (
        "4r7i001556529591000.8515565295894301",
        "2019-04-29T00:00:00.000Z",
    )
    tree = json.loads(transport.sent[1])
    original = tree["SaleToPOIRequest"]["ReversalRequest"]["OriginalPOITransaction"]
    assert original["POITransactionID"]["TimeStamp"] == "2019-04-29T00:00:00.000Z"


def test_a_reversal_names_the_timestamp_it_is_given() -> None:
    transport = _Scripted([None])
    driver = _driver(transport, "001", "P400Plus-123456789")
    with pytest.raises(AnswerLost):
        driver.reverse("oLkO001503933508008", 100, "2017-08-28T15:18:28.000Z")
    sent = decode_from_sale(transport.sent[0])
    assert isinstance(sent, ReversalRequest)
    assert sent.poi_timestamp == "2017-08-28T15:18:28.000Z"


def test_a_published_rejection_ends_the_payment_with_its_reason() -> None:
    transport = _Scripted([fixture("dotnet-pospayment-notification-error-response.json")])
    driver = _driver(transport, "POSSystemID12345", "P400Plus-12345678")
    outcome = driver.pay(1490, "TxId-12150936", "12150936")
    assert outcome == CardFailed(
        "Rejected",
        "Failed to send message to POI. There may be a network issue or it may not have the "
        "websocket connected.",
    )
    assert len(transport.sent) == 1  # a rejection is final: no status asked


def test_a_published_cancellation_is_a_cancellation() -> None:
    transport = _Scripted([fixture("dotnet-pospayment-cancelled.json")])
    driver = _driver(transport, "POSSystemID12345", "MX925-260193322")
    assert driver.pay(100, "27040", "16151") == CardCancelled()


def test_the_published_status_answer_gives_the_original_approval() -> None:
    transport = _Scripted([fixture("dotnet-pospayment-transaction-status-response.json")])
    driver = _driver(transport, "TOSIM_1_1_6", "P400Plus-12345678")
    driver._ids.new = lambda: "35543420"  # type: ignore[method-assign]  # the fixture's own id
    outcome = driver.status("05140342")
    assert isinstance(outcome, CardApproved)
    assert outcome.amount_fen == 7900
    assert outcome.poi_transaction_id == "57eT001544015027011.8815440150351036"
    assert outcome.poi_timestamp == "2018-12-05T13:03:47.000Z"
    assert outcome.approval_code == ""  # none published: still the customer's approval


# --- the simulator answers as the published responses do -------------------------------------


def _paths(node: Any, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        found = set()
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            found |= {path} | _paths(value, path)
        return found
    if isinstance(node, list):
        return set().union(*(_paths(item, prefix + "[]") for item in node)) if node else set()
    return set()


def _simulated(scenario: Scenario, request: Any = None) -> list[dict[str, Any]]:
    engine = TerminalEngine("P400Plus-123456789", scenario, stage_s=0)
    answers: list[bytes] = []
    header = MessageHeader(Category.PAYMENT, "Request", "1234567890", "001", "P400Plus-123456789")
    payment = PaymentRequest(header, "001", "2019-04-29T00:00:00.000Z", 100, "EUR")
    engine.handle(encode(request or payment), answers.append)
    return [json.loads(answer) for answer in answers if b"DisplayRequest" not in answer]


# Paths of Adyen's answers that our decoder reads: the simulator must send each of them.
READ_BY_US = {
    "SaleToPOIResponse.PaymentResponse.SaleData.SaleTransactionID.TransactionID",
    "SaleToPOIResponse.PaymentResponse.SaleData.SaleTransactionID.TimeStamp",
    "SaleToPOIResponse.PaymentResponse.POIData.POITransactionID.TransactionID",
    "SaleToPOIResponse.PaymentResponse.POIData.POITransactionID.TimeStamp",
    "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.PaymentInstrumentType",
}
APPROVAL_PATHS = READ_BY_US | {
    "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.CardData.MaskedPan",
    "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.CardData.PaymentBrand",
    "SaleToPOIResponse.PaymentResponse.PaymentResult.AmountsResp.AuthorizedAmount",
    "SaleToPOIResponse.PaymentResponse.PaymentResult.AmountsResp.Currency",
    "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentAcquirerData.ApprovalCode",
}


def test_the_simulators_approval_has_every_field_of_adyens_that_we_read() -> None:
    published = _paths(json.loads(fixture("java-payment-sync-success.json")))
    assert published >= APPROVAL_PATHS  # the list above is Adyen's, not our invention
    (answer,) = _simulated(Scenario.APPROVE)
    assert _paths(answer) >= APPROVAL_PATHS
    body = answer["SaleToPOIResponse"]["PaymentResponse"]
    assert body["SaleData"]["SaleTransactionID"]["TimeStamp"] == "2019-04-29T00:00:00.000Z"
    assert body["POIData"]["POITransactionID"]["TimeStamp"].endswith("Z")  # its own clock


@pytest.mark.parametrize("scenario", [Scenario.DECLINE, Scenario.CANCEL, Scenario.BUSY])
def test_the_simulators_failures_carry_poi_data_as_adyens_cancellation_does(
    scenario: Scenario,
) -> None:
    published = _paths(json.loads(fixture("dotnet-pospayment-cancelled.json")))
    assert published >= READ_BY_US
    (answer,) = _simulated(scenario)
    assert _paths(answer) >= READ_BY_US


def test_the_simulators_rejection_is_shaped_as_adyens() -> None:
    published = json.loads(fixture("dotnet-pospayment-notification-error-response.json"))
    (answer,) = _simulated(Scenario.REJECT)
    assert set(answer) == set(published) == {"SaleToPOIRequest"}
    for part in ("MessageHeader", "EventNotification"):
        assert set(answer["SaleToPOIRequest"][part]) <= set(published["SaleToPOIRequest"][part])
    header = answer["SaleToPOIRequest"]["MessageHeader"]
    assert (header["MessageClass"], header["MessageCategory"], header["MessageType"]) == (
        "Event", "Event", "Notification",
    )  # fmt: skip


def test_the_simulators_reversal_answer_has_its_timestamp() -> None:
    engine = TerminalEngine("P400Plus-123456789", Scenario.APPROVE, stage_s=0)
    answers: list[bytes] = []
    header = MessageHeader(Category.PAYMENT, "Request", "1234567890", "001", "P400Plus-123456789")
    engine.handle(
        encode(PaymentRequest(header, "001", "2019-04-29T00:00:00.000Z", 100)), answers.append
    )
    approval = decode_terminal(answers[-1])[0]
    assert isinstance(approval, PaymentResponse)
    assert approval.poi_transaction_id is not None
    reversal = ReversalRequest(
        MessageHeader(Category.REVERSAL, "Request", "R1", "001", "P400Plus-123456789"),
        approval.poi_transaction_id, "MerchantCancel", 100, approval.poi_timestamp,
    )  # fmt: skip
    engine.handle(encode(reversal), answers.append)
    published = _paths(json.loads(fixture("dotnet-pospayment-reversal-response-success.json")))
    path = "SaleToPOIResponse.ReversalResponse.POIData.POITransactionID.TimeStamp"
    assert path in published
    assert path in _paths(json.loads(answers[-1]))
