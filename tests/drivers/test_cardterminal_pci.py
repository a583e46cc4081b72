"""The nexo codec's PCI guard: card numbers are found by Luhn only in card fields, stripped from
what the terminal sends (the answer kept, a violation reported), masked PANs keep six and four,
and redacted text never carries a PAN."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from drivers.cardterminal import pci
from drivers.cardterminal.codec import decode_from_terminal, decode_terminal, encode
from drivers.cardterminal.messages import CardResult, PaymentResponse, Result
from drivers.errors import ProtocolError
from drivers.interfaces.payment import looks_like_card_number
from tests.drivers.test_cardterminal_codec import APPROVAL, PAN, PAN_19, dump, tree

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
