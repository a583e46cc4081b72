"""nexo card terminal codec: amounts, PCI guard, framing, messages — exhaustive and fuzzed."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.cardterminal import pci
from drivers.cardterminal.codec import (
    decode_from_sale,
    decode_from_terminal,
    decode_terminal,
    encode,
)
from drivers.cardterminal.framing import MAX_FRAME, FrameDecoder, frame
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


# --- PCI guard --------------------------------------------------------------------------------


def test_luhn() -> None:
    assert pci.luhn_ok(PAN)
    assert pci.luhn_ok(PAN_19)
    assert pci.luhn_ok("4111111111111111")
    assert pci.luhn_ok("79927398713")
    assert not pci.luhn_ok("4111111111111112")
    assert not pci.luhn_ok(PAN[:-1] + "8")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (PAN, True),
        (PAN_19, True),
        ("4111111111111", False),  # 13 digits failing Luhn
        (f"card {PAN}.", True),
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("ab4111111111111111cd", True),
        ("622848******1237", False),
        ("2026-11-22T10:00:00.000+00:00", False),
        ("411111111111", False),  # 12 digits: too short to be a PAN
        ("41111111111111111111", False),  # 20 digits: longer than any PAN
        ("4111111111111112", False),  # fails Luhn
        ("", False),
    ],
)
def test_contains_pan(text: str, found: bool) -> None:
    assert pci.contains_pan(text) is found


@pytest.mark.parametrize(
    ("value", "masked"),
    [("622848******1237", True), ("************1237", True), ("1237", True),
     ("6228480000001237", False), ("62284800000X1237", False), (None, False),
     (6228480000001237, False)],
)  # fmt: skip
def test_is_masked(value: object, masked: bool) -> None:
    assert pci.is_masked(value) is masked


def _approval_tree() -> dict[str, Any]:
    return json.loads(dump(tree(APPROVAL)), parse_float=Decimal)  # type: ignore[no-any-return]


def _body(node: dict[str, Any]) -> dict[str, Any]:
    return node["SaleToPOIResponse"]["PaymentResponse"]  # type: ignore[no-any-return]


def _card_data(node: dict[str, Any]) -> dict[str, Any]:
    return _body(node)["PaymentResult"]["PaymentInstrumentData"]["CardData"]  # type: ignore[no-any-return]


# Adyen's own mock approval (adyen-java-api-library, payment-sync-success.json): its tender
# reference holds "001556529591000", a Luhn-valid 15-digit run, as about one in ten do.
ADYEN_TENDER = "4r7i001556529591000.8515565295894301"


def test_a_tender_reference_with_a_luhn_valid_run_is_an_answer_not_a_card_number() -> None:
    """GIVEN an approval whose POI transaction id holds a Luhn-valid 15-digit run
    WHEN it is decoded THEN it is the approval, id intact, nothing stripped (it was refused as
    a card number before, and the customer's paid approval was lost)."""
    assert looks_like_card_number(ADYEN_TENDER)
    node = _approval_tree()
    _body(node)["POIData"]["POITransactionID"]["TransactionID"] = ADYEN_TENDER
    _body(node)["SaleData"]["SaleTransactionID"]["TransactionID"] = "SALE-" + PAN
    message, report = decode_terminal(dump(node))
    assert isinstance(message, PaymentResponse)
    assert message.poi_transaction_id == ADYEN_TENDER
    assert message.sale_transaction_id == "SALE-" + PAN  # our own id, echoed: not card data
    assert report == pci.PciReport()
    assert not report


def test_an_expiry_date_in_an_approval_is_stripped_and_the_approval_kept() -> None:
    """Real terminals send SensitiveCardData {ExpiryDate, CardSeqNumb} in every approval."""
    node = _approval_tree()
    _card_data(node)["SensitiveCardData"] = {"ExpiryDate": "0228", "CardSeqNumb": "33"}
    message, report = decode_terminal(dump(node))
    assert message == APPROVAL
    assert report.stripped == (
        "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.CardData"
        ".SensitiveCardData",
    )
    assert not report.violation
    assert "0228" not in repr(message)


def _leaks() -> list[tuple[str, Callable[[dict[str, Any]], None], str]]:
    """(name, change to an approval's tree, the path the guard reports)."""
    card = "SaleToPOIResponse.PaymentResponse.PaymentResult.PaymentInstrumentData.CardData"
    response = "SaleToPOIResponse.PaymentResponse.Response"

    def set_card(**fields: Any) -> Callable[[dict[str, Any]], None]:
        return lambda node: _card_data(node).update(fields)

    def set_additional(text: str) -> Callable[[dict[str, Any]], None]:
        return lambda node: _body(node)["Response"].update(AdditionalResponse=text)

    return [
        ("MaskedPan full", set_card(MaskedPan=PAN), f"{card}.MaskedPan"),
        ("MaskedPan 19", set_card(MaskedPan=PAN_19), f"{card}.MaskedPan"),
        ("MaskedPan not Luhn", set_card(MaskedPan="6228481111111238"), f"{card}.MaskedPan"),
        ("MaskedPan spaced", set_card(MaskedPan="6228 4800 0000 1237"), f"{card}.MaskedPan"),
        ("PAN field", set_card(CardNumber="622848111122223"), f"{card}.CardNumber"),
        ("SensitiveCardData.PAN", set_card(SensitiveCardData={"PAN": PAN}),
         f"{card}.SensitiveCardData"),
        ("SensitiveCardData.TrackData", set_card(SensitiveCardData={"TrackData": [{}]}),
         f"{card}.SensitiveCardData"),
        ("TrackData", lambda node: _body(node).update(TrackData=[{"TrackValue": "x"}]),
         "SaleToPOIResponse.PaymentResponse.TrackData"),
        ("CVV", set_card(CardSecurityCode="123"), f"{card}.CardSecurityCode"),
        ("pan in AdditionalResponse", set_additional(f"pan={PAN}&x=1"),
         f"{response}.AdditionalResponse:pan"),
        ("cardNumber in AdditionalResponse", set_additional(f"a=1&cardNumber={PAN}"),
         f"{response}.AdditionalResponse:cardNumber"),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "path"), _leaks(), ids=[c[0] for c in _leaks()])
def test_card_data_is_stripped_reported_as_a_violation_and_the_answer_kept(
    name: str, change: Callable[[dict[str, Any]], None], path: str
) -> None:
    node = _approval_tree()
    change(node)
    message, report = decode_terminal(dump(node))
    assert isinstance(message, PaymentResponse)
    assert message.response.result is Result.SUCCESS
    assert message.card is not None
    assert message.card.authorized_amount_fen == 1234
    assert pci.is_masked(message.card.masked_pan)
    assert report.stripped == (path,)
    assert report.violation
    for secret in (PAN, PAN_19, "622848111122223", "6228481111111238", "4800 0000"):
        assert secret not in repr(message)
        assert secret not in repr(report)


def test_a_full_pan_as_masked_pan_keeps_only_six_and_four() -> None:
    node = _approval_tree()
    _card_data(node)["MaskedPan"] = PAN
    message = decode_from_terminal(dump(node))
    assert isinstance(message, PaymentResponse)
    assert message.card is not None
    assert message.card.masked_pan == PAN[:6] + "******" + PAN[-4:]


def test_additional_response_loses_expiry_and_name_keeps_the_rest() -> None:
    node = _approval_tree()
    text = (
        "AID=A000000004101001&cardBin=541333&cardHolderName=%20%2f&cardSummary=9999"
        "&expiryMonth=02&expiryYear=2028&pspReference=8815324206896964&tid=47374578"
    )
    _body(node)["Response"]["AdditionalResponse"] = text
    message, report = decode_terminal(dump(node))
    assert isinstance(message, PaymentResponse)
    assert message.response.additional_response == (
        "AID=A000000004101001&cardBin=541333&cardSummary=9999"
        "&pspReference=8815324206896964&tid=47374578"
    )
    assert [path.rsplit(":", 1)[1] for path in report.stripped] == [
        "cardHolderName", "expiryMonth", "expiryYear",
    ]  # fmt: skip
    assert not report.violation


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["Response"].update(AdditionalResponse="4111 1111 1111 1111"),
        lambda b: b["Response"].update(AdditionalResponse=f"pspReference={PAN}"),
        lambda b: b.update(Extra=int(PAN)),
        lambda b: b.update({PAN: "x"}),
        lambda b: b.update(Extra=["a", {"deep": [PAN]}]),
        lambda b: b["Response"].update(ErrorCondition=f"ref {PAN}"),
    ],
    ids=["free text", "psp reference", "number", "key", "list", "error condition"],
)
def test_digits_outside_card_fields_are_not_searched(change: Callable[[Any], None]) -> None:
    """The guard looks only where nexo puts card data; a Luhn-valid run elsewhere is not one
    (unknown fields are dropped with the tree anyway)."""
    node = _approval_tree()
    change(_body(node))
    message, report = decode_terminal(dump(node))
    assert isinstance(message, PaymentResponse)
    assert report == pci.PciReport()


def test_the_guard_never_refuses_but_garbage_is_still_garbage() -> None:
    with pytest.raises(ProtocolError, match="malformed JSON"):
        decode_from_terminal(b'{"SaleToPOIResponse": {"x": "' + PAN.encode())
    with pytest.raises(ProtocolError) as caught:
        decode_from_terminal(b'{"t": ";' + PAN.encode() + b'=2512101?"}')
    assert PAN not in str(caught.value)


def test_the_sale_side_decoder_has_no_pci_guard_but_terminal_side_does() -> None:
    leak = PaymentResponse(
        APPROVAL.header, APPROVAL.response, "S", "P", None,
        CardResult(PAN, "UnionPay", 1, "CNY", "A1"),
    )  # fmt: skip
    data = encode(leak)  # the simulator must be able to misbehave
    assert PAN.encode() in data
    message, report = decode_terminal(data)
    assert report.violation
    assert PAN not in repr(message)


def test_redact() -> None:
    assert pci.redact(f"x {PAN} y 1234") == f"x {'*' * 16} y 1234"
    assert PAN not in pci.redact(f"{PAN[:8]} {PAN[8:]}")


# --- framing ----------------------------------------------------------------------------------


def test_frame_layout() -> None:
    assert frame(b"{}") == b"\x00\x00\x00\x02{}"
    assert frame(b"{}", 2) == b"\x00\x02{}"
    assert frame(b"x" * 300)[:4] == b"\x00\x00\x01\x2c"
    for bad_width in (0, 1, 3, 8):
        with pytest.raises(ValueError, match="prefix"):
            frame(b"x", bad_width)
    with pytest.raises(ValueError, match="out of range"):
        frame(b"")
    with pytest.raises(ValueError, match="out of range"):
        frame(b"x" * (MAX_FRAME + 1))


@pytest.mark.parametrize("width", [2, 4])
def test_frame_decoder_byte_by_byte_and_batched(width: int) -> None:
    payloads = [encode(message) for message in SALE_MESSAGES]
    stream = b"".join(frame(p, width) for p in payloads)
    decoder = FrameDecoder(width)
    out: list[bytes] = []
    for byte in stream:
        decoder.push(bytes((byte,)))
        while (payload := decoder.pop()) is not None:
            out.append(payload)
    assert out == payloads
    assert decoder.pending == 0
    decoder.push(stream + stream[:3])
    assert [decoder.pop() for _ in payloads] == payloads
    assert decoder.pop() is None
    assert decoder.pending == 3


@pytest.mark.parametrize("prefix", [b"\x00\x00\x00\x00", b"\x00\x01\x00\x01", b"\xff\xff\xff\xff"])
def test_frame_decoder_refuses_garbage_lengths(prefix: bytes) -> None:
    decoder = FrameDecoder()
    decoder.push(prefix + b"{}")
    with pytest.raises(ProtocolError, match="frame length"):
        decoder.pop()


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8), st.data())
def test_frames_survive_any_chunking(payloads: list[bytes], data: st.DataObject) -> None:
    stream = b"".join(frame(p) for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = FrameDecoder()
    out: list[bytes] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        decoder.push(stream[start:end])
        while (payload := decoder.pop()) is not None:
            out.append(payload)
    assert out == payloads


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
    assert isinstance(
        decoded, PaymentResponse | TransactionStatusResponse | ReversalResponse | DisplayRequest
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
