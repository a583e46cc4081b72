"""nexo card terminal codec: amounts and messages — exhaustive and fuzzed (its PCI guard:
test_cardterminal_pci.py; the transport's framing: test_cardterminal_framing.py)."""

from __future__ import annotations

import contextlib
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.cardterminal import pci
from drivers.cardterminal.codec import (
    decode_from_sale,
    decode_from_terminal,
    encode,
)
from drivers.cardterminal.messages import (
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
    EventNotification,
    Message,
    MessageHeader,
    MessageReference,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    Result,
    ReversalRequest,
    ReversalResponse,
    ServiceIds,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.money import MAX_FEN, fen_to_major, major_to_fen
from drivers.errors import ProtocolError
from drivers.interfaces.payment import looks_like_card_number

PAN = "6228480000001237"  # passes Luhn (checked below)
PAN_19 = "6212345678901234569"  # 19 digits, passes Luhn (checked below)


def header(category: Category, kind: str = "Request", service_id: str = "SVC0000001") -> Any:
    message_class = "Device" if category is Category.DISPLAY else "Service"
    return MessageHeader(category, kind, service_id, "KIOSK01", "POI01", message_class)  # type: ignore[arg-type]


APPROVAL = PaymentResponse(
    header(Category.PAYMENT, "Response"),
    ResponseStatus(Result.SUCCESS),
    "SALE-1",
    "POI-TX-1",
    "2026-11-22T10:00:00.000+00:00",
    CardResult("622848******1237", "UnionPay", 1234, "CNY", "A12345"),
)
DECLINE = PaymentResponse(
    header(Category.PAYMENT, "Response"),
    ResponseStatus(Result.FAILURE, "Refusal", "Insufficient funds"),
    "SALE-1",
)
REVERSED = ReversalResponse(
    header(Category.REVERSAL, "Response", "REV0000001"), ResponseStatus(Result.SUCCESS), "POI-TX-1"
)
REFERENCE = MessageReference(Category.PAYMENT, "SVC0000001", "KIOSK01")

SALE_MESSAGES: list[Message] = [
    PaymentRequest(header(Category.PAYMENT), "SALE-1", "2026-11-22T10:00:00Z", 1234),
    PaymentRequest(header(Category.PAYMENT), "销售-2", "2026-11-22T10:00:00Z", 1, "CNY"),
    AbortRequest(header(Category.ABORT, service_id="ABT1"), REFERENCE, "CustomerAbort"),
    TransactionStatusRequest(header(Category.TRANSACTION_STATUS, service_id="ST1"), REFERENCE),
    ReversalRequest(header(Category.REVERSAL), "POI-TX-1", "MerchantCancel", 1234),
    ReversalRequest(header(Category.REVERSAL), "POI-TX-1", "Malfunction", None),
    ReversalRequest(
        header(Category.REVERSAL), "POI-TX-1", "MerchantCancel", 1234, "2026-11-22T10:00:01Z"
    ),
]
TERMINAL_MESSAGES: list[Message] = [
    APPROVAL,
    DECLINE,
    PaymentResponse(header(Category.PAYMENT, "Response"), ResponseStatus(Result.FAILURE, "Busy")),
    REVERSED,
    ReversalResponse(
        header(Category.REVERSAL, "Response"),
        ResponseStatus(Result.FAILURE, "NotAllowed", "already reversed"),
    ),
    TransactionStatusResponse(
        header(Category.TRANSACTION_STATUS, "Response", "ST1"),
        ResponseStatus(Result.SUCCESS),
        APPROVAL,
    ),
    TransactionStatusResponse(
        header(Category.TRANSACTION_STATUS, "Response", "ST2"),
        ResponseStatus(Result.SUCCESS),
        REVERSED,
    ),
    TransactionStatusResponse(
        header(Category.TRANSACTION_STATUS, "Response", "ST3"),
        ResponseStatus(Result.FAILURE, "InProgress"),
    ),
    DisplayRequest(header(Category.DISPLAY), "PINEntry"),
    PaymentResponse(
        header(Category.PAYMENT, "Response"),
        ResponseStatus(Result.FAILURE, "Cancel", "101 Shopper cancelled app selection"),
        "SALE-1",
        "POI-TX-2",
        "2026-11-22T10:00:00.000Z",
        None,
        "2026-11-22T09:59:58.000Z",
        "Card",
    ),
    ReversalResponse(
        header(Category.REVERSAL, "Response", "REV0000002"),
        ResponseStatus(Result.SUCCESS, None, "x=" + "y" * 4000),
        "POI-TX-3",
        "2026-11-22T10:05:00.000Z",
    ),
    EventNotification(
        MessageHeader(Category.EVENT, "Notification", "", "KIOSK01", "POI01", "Event"),
        "Reject",
        "message=Empty+input",
        "2026-11-22T10:00:00.000Z",
    ),
    EventNotification(
        MessageHeader(Category.EVENT, "Notification", "SVC0000001", "KIOSK01", "POI01", "Event"),
        "BeginMaintenance",
    ),
]


def tree(message: Message) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(encode(message), parse_float=Decimal)
    return result


def dump(node: Any) -> bytes:
    """JSON with Decimals written as numbers (json.dumps knows no Decimal; no float detour)."""
    text = json.dumps(node, default=lambda d: f"@@{d}@@")
    return re.sub(r'"@@([^@]+)@@"', r"\1", text).encode()


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (1, "0.01"), (10, "0.10"), (99, "0.99"), (100, "1.00"), (1234, "12.34"),
     (100_000, "1000.00"), (MAX_FEN, "10000000000.00")],
)  # fmt: skip
def test_fen_to_major_is_exact(fen: int, text: str) -> None:
    assert fen_to_major(fen) == text
    assert major_to_fen(Decimal(text)) == fen


@pytest.mark.parametrize("bad", [-1, True, 12.5, "100", MAX_FEN + 1, None, Decimal(100)])
def test_fen_to_major_refuses(bad: Any) -> None:
    with pytest.raises(ValueError, match="amount"):
        fen_to_major(bad)


@pytest.mark.parametrize(
    ("value", "fen"),
    [(Decimal("12.34"), 1234), (12, 1200), (0, 0), (Decimal("12.340"), 1234),
     (Decimal("12.3"), 1230), (Decimal("1E+2"), 10000), (Decimal("0.10"), 10)],
)  # fmt: skip
def test_major_to_fen(value: Any, fen: int) -> None:
    assert major_to_fen(value) == fen


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (Decimal("12.345"), "two decimal places"),
        (Decimal("0.001"), "two decimal places"),
        (Decimal("1E-999999"), "two decimal places"),
        (Decimal("-1"), "negative"),
        (Decimal("-0.00"), "negative"),
        (-5, "negative"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("1E+999999"), "too large"),
        (Decimal("10000000000.01"), "too large"),
        (12.34, "not a decimal"),
        (True, "not a decimal"),
        ("12.34", "not a decimal"),
        (None, "not a decimal"),
        ([12], "not a decimal"),
    ],
)
def test_major_to_fen_refuses(bad: Any, why: str) -> None:
    with pytest.raises(ProtocolError, match=why):
        major_to_fen(bad, field="AuthorizedAmount")


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_amounts_round_trip_through_json_text(fen: int) -> None:
    text = '{"a": ' + fen_to_major(fen) + "}"
    assert major_to_fen(json.loads(text, parse_float=Decimal)["a"]) == fen


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_payment_amount_survives_the_wire(fen: int) -> None:
    request = PaymentRequest(header(Category.PAYMENT), "S", "T", fen)
    data = encode(request)
    assert f'"RequestedAmount":{fen // 100}.{fen % 100:02d}}}'.encode() in data
    assert decode_from_sale(data).amount_fen == fen  # type: ignore[union-attr]


def test_three_decimals_from_the_terminal_are_refused() -> None:
    node = tree(APPROVAL)
    amounts = node["SaleToPOIResponse"]["PaymentResponse"]["PaymentResult"]["AmountsResp"]
    raw = dump(node).replace(b'"AuthorizedAmount": 12.34', b'"AuthorizedAmount": 12.345')
    assert amounts["AuthorizedAmount"] == Decimal("12.34")
    assert raw != dump(node)
    with pytest.raises(ProtocolError, match="AuthorizedAmount: more than two decimal places"):
        decode_from_terminal(raw)
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        bad = dump(node).replace(b'"AuthorizedAmount": 12.34', b'"AuthorizedAmount": ' + constant)
        with pytest.raises(ProtocolError, match="constant"):
            decode_from_terminal(bad)


# --- messages ---------------------------------------------------------------------------------


def test_payment_request_is_shaped_as_nexo() -> None:
    request = SALE_MESSAGES[0]
    assert tree(request) == {
        "SaleToPOIRequest": {
            "MessageHeader": {
                "ProtocolVersion": "3.0",
                "MessageClass": "Service",
                "MessageCategory": "Payment",
                "MessageType": "Request",
                "ServiceID": "SVC0000001",
                "SaleID": "KIOSK01",
                "POIID": "POI01",
            },
            "PaymentRequest": {
                "SaleData": {
                    "SaleTransactionID": {
                        "TransactionID": "SALE-1",
                        "TimeStamp": "2026-11-22T10:00:00Z",
                    }
                },
                "PaymentTransaction": {
                    "AmountsReq": {"Currency": "CNY", "RequestedAmount": Decimal("12.34")}
                },
            },
        }
    }
    assert b'"RequestedAmount":12.34}' in encode(request)


def test_status_response_repeats_the_original_payment_response() -> None:
    node = tree(TERMINAL_MESSAGES[5])["SaleToPOIResponse"]["TransactionStatusResponse"]
    repeated = node["RepeatedMessageResponse"]
    assert repeated["MessageHeader"]["MessageCategory"] == "Payment"
    body = repeated["RepeatedResponseMessageBody"]["PaymentResponse"]
    assert body["POIData"]["POITransactionID"]["TransactionID"] == "POI-TX-1"
    assert body["PaymentResult"]["PaymentAcquirerData"]["ApprovalCode"] == "A12345"
    assert body["PaymentResult"]["AmountsResp"]["AuthorizedAmount"] == Decimal("12.34")


@pytest.mark.parametrize("message", SALE_MESSAGES, ids=lambda m: type(m).__name__)
def test_sale_messages_round_trip(message: Message) -> None:
    assert decode_from_sale(encode(message)) == message
    with pytest.raises(ProtocolError, match="does not send"):
        decode_from_terminal(encode(message))


@pytest.mark.parametrize("message", TERMINAL_MESSAGES, ids=lambda m: type(m).__name__)
def test_terminal_messages_round_trip(message: Message) -> None:
    assert decode_from_terminal(encode(message)) == message
    with pytest.raises(ProtocolError, match="does not send"):
        decode_from_sale(encode(message))


def _mutations() -> list[tuple[str, bytes, str]]:
    good = tree(APPROVAL)
    cases: list[tuple[str, bytes, str]] = []

    def add(name: str, change: Any, error: str) -> None:
        node = json.loads(dump(good))
        change(node)
        cases.append((name, dump(node), error))

    def body(n: Any) -> Any:
        return n["SaleToPOIResponse"]["PaymentResponse"]

    def hdr(n: Any) -> Any:
        return n["SaleToPOIResponse"]["MessageHeader"]

    add(
        "no header", lambda n: n["SaleToPOIResponse"].pop("MessageHeader"), "MessageHeader: missing"
    )
    add(
        "no body",
        lambda n: n["SaleToPOIResponse"].pop("PaymentResponse"),
        "PaymentResponse: missing",
    )
    add("two roots", lambda n: n.update(SaleToPOIRequest={}), "exactly one")
    add("type mismatch", lambda n: hdr(n).update(MessageType="Request"), "does not fit")
    add(
        "unknown category",
        lambda n: hdr(n).update(MessageCategory="Loyalty"),
        "MessageCategory: unknown",
    )
    add("unknown class", lambda n: hdr(n).update(MessageClass="Admin"), "MessageClass: unknown")
    add("long service id", lambda n: hdr(n).update(ServiceID="12345678901"), "ServiceID")
    add("odd service id", lambda n: hdr(n).update(ServiceID="ab-cd"), "ServiceID")
    add("numeric sale id", lambda n: hdr(n).update(SaleID=7), "SaleID: expected text")
    add("empty POIID", lambda n: hdr(n).update(POIID=""), "POIID: expected text")
    add("unknown result", lambda n: body(n)["Response"].update(Result="Maybe"), "Result: unknown")
    add("no response", lambda n: body(n).pop("Response"), "Response: missing")
    add(
        "amount text",
        lambda n: body(n)["PaymentResult"]["AmountsResp"].update(AuthorizedAmount="12.34"),
        "not a decimal",
    )
    add(
        "negative",
        lambda n: body(n)["PaymentResult"]["AmountsResp"].update(AuthorizedAmount=-1),
        "negative",
    )
    add(
        "no amount",
        lambda n: body(n)["PaymentResult"]["AmountsResp"].pop("AuthorizedAmount"),
        "missing",
    )
    add(
        "card not object",
        lambda n: body(n)["PaymentResult"].update(PaymentInstrumentData=[]),
        "expected an object",
    )
    add(
        "huge text",
        lambda n: body(n)["Response"].update(ErrorCondition="x" * 5000),
        "ErrorCondition",
    )
    return cases  # fmt: skip


@pytest.mark.parametrize(("name", "data", "error"), _mutations(), ids=[c[0] for c in _mutations()])
def test_broken_responses_are_protocol_errors_naming_the_field(
    name: str, data: bytes, error: str
) -> None:
    with pytest.raises(ProtocolError, match=error):
        decode_from_terminal(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00", b"null", b"[]", b"{}", b"42", b'"x"', b"{", b'{"SaleToPOIResponse": 1}',
     b'{"SaleToPOIResponse": {"MessageHeader": []}}', b"[" * 100_000 + b"]" * 100_000,
     b'{"a": NaN}', b"\x00" * 10],
)  # fmt: skip
def test_garbage_is_a_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_from_terminal(data)
    with pytest.raises(ProtocolError):
        decode_from_sale(data)


@pytest.mark.parametrize("message", TERMINAL_MESSAGES[:6], ids=lambda m: type(m).__name__)
def test_every_truncation_is_a_protocol_error(message: Message) -> None:
    data = encode(message)
    for end in range(len(data)):
        with pytest.raises(ProtocolError):
            decode_from_terminal(data[:end])


def test_errors_never_quote_the_message() -> None:
    data = encode(APPROVAL).replace(b'"Success"', b'"SecretWord"')
    with pytest.raises(ProtocolError) as caught:
        decode_from_terminal(data)
    assert "SecretWord" not in str(caught.value)
    assert "Result: unknown value" in str(caught.value)
    with pytest.raises(ProtocolError) as caught:
        decode_from_terminal(b'{"a": "SecretWord"')
    assert "SecretWord" not in str(caught.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_bytes_only_ever_raise_protocol_errors(data: bytes) -> None:
    for decode in (decode_from_terminal, decode_from_sale):
        with contextlib.suppress(ProtocolError):
            decode(data)


@settings(max_examples=300)
@given(JSON, st.sampled_from(TERMINAL_MESSAGES), st.data())
def test_fuzz_a_valid_message_with_one_field_replaced(
    value: Any, message: Message, data: st.DataObject
) -> None:
    node = tree(message)
    paths: list[tuple[dict[str, Any], str]] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            for key, child in n.items():
                paths.append((n, key))
                walk(child)

    walk(node)
    parent, key = data.draw(st.sampled_from(paths))
    parent[key] = value
    try:
        decoded = decode_from_terminal(dump(node))
    except ProtocolError:
        return
    # Whatever the terminal may send, EventNotification included (hypothesis found one whose
    # replaced field, ProtocolVersion, the decoder rightly ignores).
    assert isinstance(
        decoded,
        PaymentResponse
        | TransactionStatusResponse
        | ReversalResponse
        | DisplayRequest
        | EventNotification,
    )


def test_service_ids_are_unique_short_and_never_resent() -> None:
    ids = ServiceIds()
    made = {ids.new() for _ in range(5000)}
    assert len(made) == 5000
    assert all(len(i) == 10 and i.isalnum() and i.isascii() for i in made)
    first = made.pop()
    ids.spend(first)
    with pytest.raises(ValueError, match="already sent"):
        ids.spend(first)
    ids.spend("fromflow1")  # chosen elsewhere (a journal after a restart): fine once
    for bad in ("", "x" * 11, "a-b", "名字"):
        with pytest.raises(ValueError, match="1-10 letters"):
            ids.spend(bad)
    assert ServiceIds().new() != ServiceIds().new()


def test_the_kiosk_can_check_its_ids_with_the_guards_own_rule() -> None:
    assert looks_like_card_number(f"9f{PAN}ab")  # a uuid4().hex can hold one like this
    assert not looks_like_card_number("9fe3a1c04b6d4e0f8a2b7c5d1e9f3a6b")
    for text in (PAN, "4111 1111 1111 1111", "x" + "1" * 12, "1" * 20, "622848******1237"):
        assert looks_like_card_number(text) is pci.contains_pan(text)
