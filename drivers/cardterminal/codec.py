"""Pure nexo Sale-to-POI JSON codec: typed messages in both directions, bytes in and out
(decoding here, encoding in encoding.py, re-exported).

Shapes follow docs/protocols.md#bank-card-terminal-nexo: every message is a `SaleToPOIRequest` or
`SaleToPOIResponse` holding a `MessageHeader` and one body named after its category and type
(`PaymentRequest`, `TransactionStatusResponse`, ...). Amounts are JSON numbers in major units,
read as `Decimal` and written from integer fen (see money.py). Everything from the terminal
passes the PCI guard (pci.py) before it is parsed into a model: what must not be kept is
stripped and reported, the message itself is never refused for it. Errors never quote the
input.

nexo defines no AbortResponse: an abort is answered by the aborted payment's own response.
Progress reaches the sale system as a POI-initiated `DisplayRequest` (device class, no answer
expected) naming a predefined content reference; the reference ids are our convention
*(check the terminal's ECR guide for its status display ids)*.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from drivers.cardterminal import pci
from drivers.cardterminal.encoding import encode
from drivers.cardterminal.framing import MAX_FRAME
from drivers.cardterminal.messages import (
    SERVICE_ID,
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
    EventNotification,
    MessageHeader,
    MessageReference,
    MessageType,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    Result,
    ReversalRequest,
    ReversalResponse,
    SaleMessage,
    TerminalMessage,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.money import major_to_fen
from drivers.errors import ProtocolError

__all__ = ["decode_from_sale", "decode_from_terminal", "decode_terminal", "encode"]
MAX_TEXT = 256
_E = TypeVar("_E", Category, Result)
# Real AdditionalResponse texts run to a few kilobytes (Adyen's approvals: ~1.7 kB of
# key=value pairs); the frame bounds them.
MAX_ADDITIONAL = MAX_FRAME

# --- decoding ---------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ProtocolError(f"JSON constant {name} is not a number nexo allows")


class _Obj:
    """A JSON object with its path, for typed reads whose errors name the field, not the data."""

    def __init__(self, tree: object, path: str) -> None:
        if not isinstance(tree, dict):
            raise ProtocolError(f"{path}: expected an object")
        self.tree: dict[str, Any] = tree
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}"

    def obj(self, key: str) -> _Obj:
        if key not in self.tree:
            raise ProtocolError(f"{self._where(key)}: missing")
        return _Obj(self.tree[key], self._where(key))

    def opt_obj(self, key: str) -> _Obj | None:
        return None if self.tree.get(key) is None else self.obj(key)

    def text(self, key: str, limit: int = MAX_TEXT) -> str:
        value = self.opt_text(key, limit)
        if value is None:
            raise ProtocolError(f"{self._where(key)}: missing")
        return value

    def opt_text(self, key: str, limit: int = MAX_TEXT) -> str | None:
        value = self.tree.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value or len(value) > limit:
            raise ProtocolError(f"{self._where(key)}: expected text of 1..{limit} characters")
        return value

    def amount(self, key: str) -> int:
        if key not in self.tree:
            raise ProtocolError(f"{self._where(key)}: missing")
        return major_to_fen(self.tree[key], field=self._where(key))

    def enum_text(self, key: str, kind: type[_E]) -> _E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            raise ProtocolError(f"{self._where(key)}: unknown value") from None


_TYPES: dict[str, MessageType] = {
    "Request": "Request",
    "Response": "Response",
    "Notification": "Notification",
}


def _header(node: _Obj) -> MessageHeader:
    message_type = _TYPES.get(node.text("MessageType"))
    if message_type is None:
        raise ProtocolError(f"{node.path}.MessageType: unknown value")
    message_class = node.text("MessageClass")
    if message_class not in ("Service", "Device", "Event"):
        raise ProtocolError(f"{node.path}.MessageClass: unknown value")
    category = node.enum_text("MessageCategory", Category)
    # nexo: ServiceID is mandatory except in an event's header (Adyen's carries a DeviceID).
    service_id = node.opt_text("ServiceID")
    if service_id is None and category is not Category.EVENT:
        raise ProtocolError(f"{node.path}.ServiceID: missing")
    if service_id is not None and not SERVICE_ID.fullmatch(service_id):
        raise ProtocolError(f"{node.path}.ServiceID: not 1-10 letters or digits")
    return MessageHeader(
        message_category=category,
        message_type=message_type,
        service_id=service_id or "",
        sale_id=node.text("SaleID"),
        poi_id=node.text("POIID"),
        message_class=message_class,
        protocol_version=node.text("ProtocolVersion", 16),
    )


def _status(body: _Obj) -> ResponseStatus:
    node = body.obj("Response")
    return ResponseStatus(
        result=node.enum_text("Result", Result),
        error_condition=node.opt_text("ErrorCondition"),
        additional_response=node.opt_text("AdditionalResponse", MAX_ADDITIONAL),
    )


def _reference(body: _Obj) -> MessageReference:
    node = body.obj("MessageReference")
    service_id = node.text("ServiceID")
    if not SERVICE_ID.fullmatch(service_id):
        raise ProtocolError(f"{node.path}.ServiceID: not 1-10 letters or digits")
    return MessageReference(
        node.enum_text("MessageCategory", Category), service_id, node.text("SaleID")
    )


def _transaction(node: _Obj | None, key: str) -> tuple[str | None, str | None]:
    """A TransactionIdentification's id and timestamp (nexo: both mandatory; a missing
    timestamp is tolerated, an id is not)."""
    ident = node.opt_obj(key) if node is not None else None
    if ident is None:
        return None, None
    return ident.text("TransactionID"), ident.opt_text("TimeStamp", 64)


def _card(result: _Obj) -> CardResult:
    card_data = result.obj("PaymentInstrumentData").obj("CardData")
    amounts = result.obj("AmountsResp")
    acquirer = result.opt_obj("PaymentAcquirerData")
    return CardResult(
        masked_pan=card_data.text("MaskedPan", 32),
        brand=card_data.text("PaymentBrand", 64),
        authorized_amount_fen=amounts.amount("AuthorizedAmount"),
        currency=amounts.text("Currency", 3),
        approval_code=acquirer.opt_text("ApprovalCode", 32) if acquirer else None,
    )


def _payment_response(header: MessageHeader, body: _Obj) -> PaymentResponse:
    status = _status(body)
    sale_tx, sale_time = _transaction(body.opt_obj("SaleData"), "SaleTransactionID")
    poi_tx, poi_time = _transaction(body.opt_obj("POIData"), "POITransactionID")
    card = instrument = None
    result = body.opt_obj("PaymentResult")
    if result is not None:
        instrument_data = result.opt_obj("PaymentInstrumentData")
        if instrument_data is not None:
            instrument = instrument_data.opt_text("PaymentInstrumentType", 32)
        # A failure's PaymentResult holds what the terminal knew when it stopped (entry mode,
        # no PAN, no amount: Adyen's cancelled payment); only an approval's must be whole.
        if status.result is not Result.FAILURE:
            card = _card(result)
    return PaymentResponse(
        header=header,
        response=status,
        sale_transaction_id=sale_tx,
        poi_transaction_id=poi_tx,
        poi_timestamp=poi_time,
        card=card,
        sale_timestamp=sale_time,
        instrument_type=instrument,
    )


def _reversal_response(header: MessageHeader, body: _Obj) -> ReversalResponse:
    poi_tx, poi_time = _transaction(body.opt_obj("POIData"), "POITransactionID")
    return ReversalResponse(header, _status(body), poi_tx, poi_time)


_REPEATABLE = {"PaymentResponse": Category.PAYMENT, "ReversalResponse": Category.REVERSAL}


def _repeated_header(node: _Obj, outer: MessageHeader, status_body: _Obj) -> MessageHeader:
    """The repeated response's own header; Adyen's terminals leave it out, and then the
    TransactionStatusResponse's MessageReference (the request asked about) stands for it."""
    if node.tree.get("MessageHeader") is not None:
        return _header(node.obj("MessageHeader"))
    inner = node.obj("RepeatedResponseMessageBody")
    names = [name for name in _REPEATABLE if name in inner.tree]
    if len(names) != 1 or status_body.tree.get("MessageReference") is None:
        raise ProtocolError(f"{node.path}: no MessageHeader and no MessageReference to name it")
    reference = _reference(status_body)
    if reference.category is not _REPEATABLE[names[0]]:
        raise ProtocolError(f"{node.path}: repeats another category than MessageReference's")
    return MessageHeader(
        reference.category, "Response", reference.service_id, reference.sale_id, outer.poi_id
    )


def _status_response(header: MessageHeader, body: _Obj) -> TransactionStatusResponse:
    repeated_node = body.opt_obj("RepeatedMessageResponse")
    repeated: PaymentResponse | ReversalResponse | None = None
    if repeated_node is not None:
        inner_header = _repeated_header(repeated_node, header, body)
        inner = repeated_node.obj("RepeatedResponseMessageBody")
        if inner_header.message_type != "Response":
            raise ProtocolError(f"{repeated_node.path}: repeats a request, not a response")
        if inner_header.message_category is Category.PAYMENT:
            repeated = _payment_response(inner_header, inner.obj("PaymentResponse"))
        elif inner_header.message_category is Category.REVERSAL:
            repeated = _reversal_response(inner_header, inner.obj("ReversalResponse"))
        else:
            raise ProtocolError(f"{repeated_node.path}: cannot repeat this category")
    return TransactionStatusResponse(header, _status(body), repeated)


def _event(header: MessageHeader, body: _Obj) -> EventNotification:
    # RejectedMessage (the refused request, base64) is not kept: it is our own request.
    return EventNotification(
        header,
        body.text("EventToNotify", 64),
        body.opt_text("EventDetails", MAX_ADDITIONAL),
        body.opt_text("TimeStamp", 64),
    )


def _display(header: MessageHeader, body: _Obj) -> DisplayRequest:
    outputs = body.tree.get("DisplayOutput")
    if not isinstance(outputs, list) or not outputs:
        raise ProtocolError(f"{body.path}.DisplayOutput: expected a non-empty list")
    content = _Obj(outputs[0], f"{body.path}.DisplayOutput[0]").obj("OutputContent")
    return DisplayRequest(header, content.obj("PredefinedContent").text("ReferenceID", 64))


def _payment_request(header: MessageHeader, body: _Obj) -> PaymentRequest:
    sale_tx = body.obj("SaleData").obj("SaleTransactionID")
    amounts = body.obj("PaymentTransaction").obj("AmountsReq")
    return PaymentRequest(
        header=header,
        sale_transaction_id=sale_tx.text("TransactionID"),
        timestamp=sale_tx.text("TimeStamp", 64),
        amount_fen=amounts.amount("RequestedAmount"),
        currency=amounts.text("Currency", 3),
    )


def _reversal_request(header: MessageHeader, body: _Obj) -> ReversalRequest:
    poi_tx, poi_time = _transaction(body.obj("OriginalPOITransaction"), "POITransactionID")
    if poi_tx is None:
        raise ProtocolError(f"{body.path}.OriginalPOITransaction.POITransactionID: missing")
    amount = body.amount("ReversedAmount") if "ReversedAmount" in body.tree else None
    return ReversalRequest(header, poi_tx, body.text("ReversalReason", 64), amount, poi_time)


def _parse(data: bytes, *, from_terminal: bool) -> tuple[MessageHeader, _Obj, pci.PciReport]:
    if not isinstance(data, bytes | bytearray):
        raise ProtocolError("a message is bytes")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"not UTF-8 at byte {exc.start} of {len(data)}") from None
    try:
        tree = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # exc.doc and exc.msg around a position only: never the text itself (it may hold a PAN).
        raise ProtocolError(f"malformed JSON at offset {exc.pos} of {len(text)}") from None
    except RecursionError:
        raise ProtocolError("JSON nested too deeply") from None
    except ValueError:  # an integer of more than 4300 digits (int's conversion limit)
        raise ProtocolError("JSON number too long") from None
    report = pci.PciReport()
    if from_terminal:
        tree, report = pci.sanitize(tree)
    root = _Obj(tree, "message")
    names = [key for key in ("SaleToPOIRequest", "SaleToPOIResponse") if key in root.tree]
    if len(names) != 1 or len(root.tree) != 1:
        raise ProtocolError("message: expected exactly one SaleToPOIRequest or SaleToPOIResponse")
    envelope = root.obj(names[0])
    header = _header(envelope.obj("MessageHeader"))
    expected = ("Request", "Notification") if names[0] == "SaleToPOIRequest" else ("Response",)
    if header.message_type not in expected:
        raise ProtocolError(f"{names[0]}: MessageType {header.message_type} does not fit")
    return header, envelope.obj(f"{header.message_category}{header.message_type}"), report


def decode_from_terminal(data: bytes) -> TerminalMessage:
    """A message the terminal sent, typed, without what the PCI guard strips. ProtocolError."""
    return decode_terminal(data)[0]


def decode_terminal(data: bytes) -> tuple[TerminalMessage, pci.PciReport]:
    """A message the terminal sent and the PCI guard's report on it. ProtocolError if it is
    not one; card data in it is never a reason to refuse it (pci.py)."""
    header, body, report = _parse(data, from_terminal=True)
    return _terminal_message(header, body), report


def _terminal_message(header: MessageHeader, body: _Obj) -> TerminalMessage:
    match header.message_category, header.message_type:
        case Category.PAYMENT, "Response":
            return _payment_response(header, body)
        case Category.TRANSACTION_STATUS, "Response":
            return _status_response(header, body)
        case Category.REVERSAL, "Response":
            return _reversal_response(header, body)
        case Category.DISPLAY, "Request":
            return _display(header, body)
        case Category.EVENT, "Notification":
            return _event(header, body)
    raise ProtocolError(f"a terminal does not send {header.message_category} {header.message_type}")


def decode_from_sale(data: bytes) -> SaleMessage:
    """A message the sale system sent (the simulator's side). ProtocolError if it is not one."""
    header, body, _ = _parse(data, from_terminal=False)
    match header.message_category, header.message_type:
        case Category.PAYMENT, "Request":
            return _payment_request(header, body)
        case Category.ABORT, "Request":
            return AbortRequest(header, _reference(body), body.text("AbortReason", 64))
        case Category.TRANSACTION_STATUS, "Request":
            return TransactionStatusRequest(header, _reference(body))
        case Category.REVERSAL, "Request":
            return _reversal_request(header, body)
    raise ProtocolError(
        f"a sale system does not send {header.message_category} {header.message_type}"
    )
