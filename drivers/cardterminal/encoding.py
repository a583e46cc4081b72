"""nexo Sale-to-POI JSON encoding: typed messages out as UTF-8 JSON bytes (pure).

The shapes are those codec.py decodes (docs/protocols.md#bank-card-terminal-nexo; nexo Retailer
Sale-to-POI message bodies, docs/drivers-nexo.md). Amounts are written from integer fen as
JSON numbers in major units, never through a float. No PCI check here: the simulator must be
able to misbehave.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from drivers.cardterminal.messages import (
    AbortRequest,
    DisplayRequest,
    EventNotification,
    Message,
    MessageHeader,
    MessageReference,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    ReversalRequest,
    ReversalResponse,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.money import fen_to_major


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
    tree: dict[str, Any] = {
        "ProtocolVersion": header.protocol_version,
        "MessageClass": header.message_class,
        "MessageCategory": str(header.message_category),
        "MessageType": header.message_type,
    }
    if header.service_id:  # absent only from an event's header
        tree["ServiceID"] = header.service_id
    tree["SaleID"] = header.sale_id
    tree["POIID"] = header.poi_id
    return tree


def _transaction_id(transaction_id: str, timestamp: str | None) -> dict[str, Any]:
    """nexo TransactionIdentification: TransactionID and its TimeStamp (both mandatory in
    the spec; the timestamp is left out only where the sender never had it)."""
    tree: dict[str, Any] = {"TransactionID": transaction_id}
    if timestamp is not None:
        tree["TimeStamp"] = timestamp
    return tree


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
        body["SaleData"] = {
            "SaleTransactionID": _transaction_id(msg.sale_transaction_id, msg.sale_timestamp)
        }
    if msg.poi_transaction_id is not None:
        body["POIData"] = {
            "POITransactionID": _transaction_id(msg.poi_transaction_id, msg.poi_timestamp)
        }
    instrument: dict[str, Any] = {}
    if msg.instrument_type is not None:
        instrument["PaymentInstrumentType"] = msg.instrument_type
    result: dict[str, Any] = {}
    if msg.card is not None:
        card = msg.card
        instrument["CardData"] = {"MaskedPan": card.masked_pan, "PaymentBrand": card.brand}
        result["AmountsResp"] = {
            "AuthorizedAmount": _amount(card.authorized_amount_fen),
            "Currency": card.currency,
        }
        if card.approval_code is not None:
            result["PaymentAcquirerData"] = {"ApprovalCode": card.approval_code}
    if instrument:
        result["PaymentInstrumentData"] = instrument
    if result:
        body["PaymentResult"] = result
    return body


def _reversal_response_body(msg: ReversalResponse) -> dict[str, Any]:
    body: dict[str, Any] = {"Response": _status_tree(msg.response)}
    if msg.poi_transaction_id is not None:
        body["POIData"] = {
            "POITransactionID": _transaction_id(msg.poi_transaction_id, msg.poi_timestamp)
        }
    return body


def _event_body(msg: EventNotification) -> dict[str, Any]:
    event: dict[str, Any] = {"EventToNotify": msg.event}
    if msg.timestamp is not None:
        event["TimeStamp"] = msg.timestamp
    if msg.details is not None:
        event["EventDetails"] = msg.details
    return event


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
                    "POITransactionID": _transaction_id(msg.poi_transaction_id, msg.poi_timestamp)
                },
                "ReversalReason": msg.reason,
            }
            if msg.amount_fen is not None:
                rev["ReversedAmount"] = _amount(msg.amount_fen)
            return "ReversalRequest", rev
        case ReversalResponse():
            return "ReversalResponse", _reversal_response_body(msg)
        case EventNotification():
            return "EventNotification", _event_body(msg)
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
    root = "SaleToPOIResponse" if msg.header.message_type == "Response" else "SaleToPOIRequest"
    return _dump({root: {"MessageHeader": _header_tree(msg.header), name: body}}).encode()
