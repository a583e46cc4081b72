"""Pure nexo Sale-to-POI JSON codec: typed messages in both directions, bytes in and out.

Shapes follow protocols.md (bank card terminal): every message is a `SaleToPOIRequest` or
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
from drivers.cardterminal.messages import (
    SERVICE_ID,
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
    Message,
    MessageHeader,
    MessageReference,
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
from drivers.cardterminal.money import fen_to_major, major_to_fen
from drivers.errors import ProtocolError

MAX_TEXT = 256
_E = TypeVar("_E", Category, Result)
MAX_ADDITIONAL = 1024

# --- encoding ---------------------------------------------------------------------------------


def _dump(node: Any) -> str:
    """JSON text of a tree whose numbers are int or Decimal (json.dumps cannot write Decimal)."""
    if isinstance(node, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dump(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_dump(item) for item in node) + "]"
    if isinstance(node, Decimal):
        return str(node)
    if isinstance(node, str | int | bool) or node is None:
        return json.dumps(node, ensure_ascii=False)
    raise TypeError(f"cannot encode {type(node).__name__}")


def _amount(fen: int) -> Decimal:
    return Decimal(fen_to_major(fen))


def _header_tree(header: MessageHeader) -> dict[str, Any]:
    return {
        "ProtocolVersion": header.protocol_version,
        "MessageClass": header.message_class,
        "MessageCategory": str(header.message_category),
        "MessageType": header.message_type,
        "ServiceID": header.service_id,
        "SaleID": header.sale_id,
        "POIID": header.poi_id,
    }


def _status_tree(status: ResponseStatus) -> dict[str, Any]:
    tree: dict[str, Any] = {"Result": str(status.result)}
    if status.error_condition is not None:
        tree["ErrorCondition"] = status.error_condition
    if status.additional_response is not None:
        tree["AdditionalResponse"] = status.additional_response
    return tree


def _reference_tree(ref: MessageReference) -> dict[str, Any]:
    return {
        "MessageCategory": str(ref.category),
        "ServiceID": ref.service_id,
        "SaleID": ref.sale_id,
    }


def _payment_response_body(msg: PaymentResponse) -> dict[str, Any]:
    body: dict[str, Any] = {"Response": _status_tree(msg.response)}
    if msg.sale_transaction_id is not None:
        body["SaleData"] = {"SaleTransactionID": {"TransactionID": msg.sale_transaction_id}}
    if msg.poi_transaction_id is not None:
        poi_id: dict[str, Any] = {"TransactionID": msg.poi_transaction_id}
        if msg.poi_timestamp is not None:
            poi_id["TimeStamp"] = msg.poi_timestamp
        body["POIData"] = {"POITransactionID": poi_id}
    if msg.card is not None:
        card = msg.card
        result: dict[str, Any] = {
            "PaymentInstrumentData": {
                "CardData": {"MaskedPan": card.masked_pan, "PaymentBrand": card.brand}
            },
            "AmountsResp": {
                "AuthorizedAmount": _amount(card.authorized_amount_fen),
                "Currency": card.currency,
            },
        }
        if card.approval_code is not None:
            result["PaymentAcquirerData"] = {"ApprovalCode": card.approval_code}
        body["PaymentResult"] = result
    return body


def _reversal_response_body(msg: ReversalResponse) -> dict[str, Any]:
    body: dict[str, Any] = {"Response": _status_tree(msg.response)}
    if msg.poi_transaction_id is not None:
        body["POIData"] = {"POITransactionID": {"TransactionID": msg.poi_transaction_id}}
    return body


def _body(msg: Message) -> tuple[str, dict[str, Any]]:  # noqa: PLR0911 - one arm per message
    match msg:
        case PaymentRequest():
            return "PaymentRequest", {
                "SaleData": {
                    "SaleTransactionID": {
                        "TransactionID": msg.sale_transaction_id,
                        "TimeStamp": msg.timestamp,
                    }
                },
                "PaymentTransaction": {
                    "AmountsReq": {
                        "Currency": msg.currency,
                        "RequestedAmount": _amount(msg.amount_fen),
                    }
                },
            }
        case PaymentResponse():
            return "PaymentResponse", _payment_response_body(msg)
        case AbortRequest():
            return "AbortRequest", {
                "MessageReference": _reference_tree(msg.reference),
                "AbortReason": msg.reason,
            }
        case TransactionStatusRequest():
            return "TransactionStatusRequest", {"MessageReference": _reference_tree(msg.reference)}
        case TransactionStatusResponse():
            body: dict[str, Any] = {"Response": _status_tree(msg.response)}
            if msg.repeated is not None:
                name, inner = _body(msg.repeated)
                body["RepeatedMessageResponse"] = {
                    "MessageHeader": _header_tree(msg.repeated.header),
                    "RepeatedResponseMessageBody": {name: inner},
                }
            return "TransactionStatusResponse", body
        case ReversalRequest():
            rev: dict[str, Any] = {
                "OriginalPOITransaction": {
                    "POITransactionID": {"TransactionID": msg.poi_transaction_id}
                },
                "ReversalReason": msg.reason,
            }
            if msg.amount_fen is not None:
                rev["ReversedAmount"] = _amount(msg.amount_fen)
            return "ReversalRequest", rev
        case ReversalResponse():
            return "ReversalResponse", _reversal_response_body(msg)
        case DisplayRequest():
            return "DisplayRequest", {
                "DisplayOutput": [
                    {
                        "Device": "CustomerDisplay",
                        "InfoQualify": "Status",
                        "ResponseRequiredFlag": False,
                        "OutputContent": {
                            "OutputFormat": "MessageRef",
                            "PredefinedContent": {"ReferenceID": msg.reference_id},
                        },
                    }
                ]
            }
    raise TypeError(f"not a nexo message: {type(msg).__name__}")


def encode(msg: Message) -> bytes:
    """The UTF-8 JSON of one message (no PCI check: the simulator must be able to misbehave)."""
    name, body = _body(msg)
    root = "SaleToPOIRequest" if msg.header.message_type == "Request" else "SaleToPOIResponse"
    return _dump({root: {"MessageHeader": _header_tree(msg.header), name: body}}).encode()


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


def _header(node: _Obj) -> MessageHeader:
    message_type = node.text("MessageType")
    if message_type not in ("Request", "Response"):
        raise ProtocolError(f"{node.path}.MessageType: unknown value")
    message_class = node.text("MessageClass")
    if message_class not in ("Service", "Device"):
        raise ProtocolError(f"{node.path}.MessageClass: unknown value")
    service_id = node.text("ServiceID")
    if not SERVICE_ID.fullmatch(service_id):
        raise ProtocolError(f"{node.path}.ServiceID: not 1-10 letters or digits")
    return MessageHeader(
        message_category=node.enum_text("MessageCategory", Category),
        message_type="Request" if message_type == "Request" else "Response",
        service_id=service_id,
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


def _poi_transaction(body: _Obj) -> tuple[str | None, str | None]:
    poi = body.opt_obj("POIData")
    ident = poi.opt_obj("POITransactionID") if poi is not None else None
    if ident is None:
        return None, None
    return ident.text("TransactionID"), ident.opt_text("TimeStamp", 64)


def _payment_response(header: MessageHeader, body: _Obj) -> PaymentResponse:
    status = _status(body)
    sale = body.opt_obj("SaleData")
    sale_tx = sale.opt_obj("SaleTransactionID") if sale is not None else None
    poi_tx, poi_time = _poi_transaction(body)
    card = None
    result = body.opt_obj("PaymentResult")
    if result is not None:
        card_data = result.obj("PaymentInstrumentData").obj("CardData")
        amounts = result.obj("AmountsResp")
        acquirer = result.opt_obj("PaymentAcquirerData")
        card = CardResult(
            masked_pan=card_data.text("MaskedPan", 32),
            brand=card_data.text("PaymentBrand", 64),
            authorized_amount_fen=amounts.amount("AuthorizedAmount"),
            currency=amounts.text("Currency", 3),
            approval_code=acquirer.opt_text("ApprovalCode", 32) if acquirer else None,
        )
    return PaymentResponse(
        header=header,
        response=status,
        sale_transaction_id=sale_tx.text("TransactionID") if sale_tx is not None else None,
        poi_transaction_id=poi_tx,
        poi_timestamp=poi_time,
        card=card,
    )


def _reversal_response(header: MessageHeader, body: _Obj) -> ReversalResponse:
    return ReversalResponse(header, _status(body), _poi_transaction(body)[0])


def _status_response(header: MessageHeader, body: _Obj) -> TransactionStatusResponse:
    repeated_node = body.opt_obj("RepeatedMessageResponse")
    repeated: PaymentResponse | ReversalResponse | None = None
    if repeated_node is not None:
        inner_header = _header(repeated_node.obj("MessageHeader"))
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
    original = body.obj("OriginalPOITransaction").obj("POITransactionID")
    amount = body.amount("ReversedAmount") if "ReversedAmount" in body.tree else None
    return ReversalRequest(
        header, original.text("TransactionID"), body.text("ReversalReason", 64), amount
    )


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
    expected = "Request" if names[0] == "SaleToPOIRequest" else "Response"
    if header.message_type != expected:
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
