"""Fuzzing the nexo Sale-to-POI codec, its TCP framing and the card terminal driver's answer
handling. Documented errors: ProtocolError (PciViolation is one). Money property: `pay` returns
an approval only when an intact Success PaymentResponse (card data stripped) for this very
payment (its ServiceID, SaleID and POIID) came from the terminal, and the approval carries its
figures.
"""

from __future__ import annotations

import contextlib
import json
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import drivers.cardterminal.driver as driver_module
from drivers.cardterminal import pci
from drivers.cardterminal.codec import decode_from_sale, decode_from_terminal, encode
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.framing import MAX_FRAME, FrameDecoder, frame
from drivers.cardterminal.messages import (
    AbortRequest,
    CardResult,
    Category,
    DisplayRequest,
    MessageHeader,
    MessageReference,
    PaymentRequest,
    PaymentResponse,
    ResponseStatus,
    Result,
    ReversalRequest,
    ReversalResponse,
    TransactionStatusRequest,
    TransactionStatusResponse,
)
from drivers.cardterminal.money import MAX_FEN
from drivers.cardterminal.transport import NoAnswerInTime
from drivers.errors import PciViolation, ProtocolError
from drivers.interfaces import CardApproved
from drivers.interfaces.payment import looks_like_card_number
from tests.security.fuzzing import FUZZ, note, scaled
from tests.security.wire import FakeClock, split_feed

SALE, POI = "KIOSK01", "POI01"
ids = st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True)
texts = st.text(min_size=1, max_size=24).filter(lambda t: not looks_like_card_number(t))
fen = st.integers(1, MAX_FEN)


def headers(category: Category, kind: str) -> st.SearchStrategy[MessageHeader]:
    return st.builds(MessageHeader, st.just(category), st.just(kind), ids, texts, texts)


statuses = st.builds(
    ResponseStatus, st.sampled_from(list(Result)), st.none() | texts, st.none() | texts
)
cards = st.builds(
    CardResult,
    st.sampled_from(["622848******1234", "4111********1111", "****"]),
    texts,
    st.integers(0, MAX_FEN),
    st.sampled_from(["CNY", "USD"]),
    st.none() | texts,
)
payment_responses = (
    st.builds(
        PaymentResponse,
        headers(Category.PAYMENT, "Response"),
        statuses,
        st.none() | texts,
        st.none() | texts,
        st.none() | texts,
        st.none() | cards,
    )
    .filter(lambda m: m.poi_transaction_id is not None or m.poi_timestamp is None)
    .filter(
        # a failure's partial PaymentResult is read for nothing but its ids (codec.py)
        lambda m: m.card is None or m.response.result is not Result.FAILURE
    )
)
reversal_responses = st.builds(
    ReversalResponse, headers(Category.REVERSAL, "Response"), statuses, st.none() | texts
)
terminal_messages = st.one_of(
    payment_responses,
    reversal_responses,
    st.builds(
        TransactionStatusResponse,
        headers(Category.TRANSACTION_STATUS, "Response"),
        statuses,
        st.none() | payment_responses | reversal_responses,
    ),
    st.builds(DisplayRequest, headers(Category.DISPLAY, "Request"), texts),
)
references = st.builds(MessageReference, st.sampled_from(list(Category)), ids, texts)
sale_messages = st.one_of(
    st.builds(
        PaymentRequest, headers(Category.PAYMENT, "Request"), texts, texts, fen, st.just("CNY")
    ),
    st.builds(AbortRequest, headers(Category.ABORT, "Request"), references, texts),
    st.builds(
        TransactionStatusRequest, headers(Category.TRANSACTION_STATUS, "Request"), references
    ),
    st.builds(
        ReversalRequest, headers(Category.REVERSAL, "Request"), texts, texts, st.none() | fen
    ),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)


def dump(node: Any) -> bytes:
    text = json.dumps(node, default=lambda d: f"@@{d}@@", ensure_ascii=False)
    return re.sub(r'"@@([^@"]+)@@"', r"\1", text).encode()


def no_pan_inside(node: object) -> None:
    """Only where card data lives (pci.py): a decoded card's PAN is masked. Ids and free text
    may hold a Luhn-valid run of digits (Adyen's own tender references do)."""
    if isinstance(node, CardResult):
        assert pci.is_masked(node.masked_pan), "a full card number got through"
    elif isinstance(node, tuple | list):
        for item in node:
            no_pan_inside(item)
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            no_pan_inside(getattr(node, name))


def decode_terminal_or_refuse(data: bytes) -> None:
    try:
        message = decode_from_terminal(data)
    except PciViolation:
        note("PciViolation")
    except ProtocolError:
        note("ProtocolError")
    else:
        note("decoded")
        no_pan_inside(message)


# --- codec --------------------------------------------------------------------------------


@FUZZ
@given(terminal_messages)
def test_terminal_messages_round_trip(message: Any) -> None:
    assert decode_from_terminal(encode(message)) == message


@FUZZ
@given(sale_messages)
def test_sale_messages_round_trip(message: Any) -> None:
    assert decode_from_sale(encode(message)) == message


@FUZZ
@given(st.binary(max_size=300) | JSON_VALUES.map(dump))
def test_garbage_raises_only_protocol_errors(data: bytes) -> None:
    decode_terminal_or_refuse(data)
    with contextlib.suppress(ProtocolError):
        decode_from_sale(data)


def mutations(tree: Any, data: st.DataObject) -> Any:
    """One structural change somewhere in a JSON tree: a key dropped, renamed or added, a value
    replaced by any JSON (huge numbers, deep nesting, PAN-like text), a list emptied."""
    nodes: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict | list):
            nodes.append(node)
            for child in node.values() if isinstance(node, dict) else node:
                walk(child)

    walk(tree)
    target = data.draw(st.sampled_from(nodes), label="node")
    extreme = st.sampled_from(
        [Decimal("9" * 5000), Decimal("1e999999"), Decimal("-0.00"), Decimal("12.345"),
         "6228480000001237", "6228 4800 0000 1237", [[[[[[[[[[[]]]]]]]]]]], {}, "", "x" * 2000]
    )  # fmt: skip
    value = data.draw(extreme | JSON_VALUES, label="value")
    if isinstance(target, dict) and target:
        key = data.draw(st.sampled_from(sorted(target)), label="key")
        action = data.draw(st.sampled_from(["drop", "replace", "rename", "add"]), label="do")
        if action == "drop":
            del target[key]
        elif action == "replace":
            target[key] = value
        elif action == "rename":
            target[key + "x"] = target.pop(key)
        else:
            target[data.draw(st.text(max_size=12), label="new key")] = value
    elif isinstance(target, list) and target:
        target[data.draw(st.integers(0, len(target) - 1))] = value
    return tree


@FUZZ
@given(terminal_messages, st.data())
def test_a_mutated_terminal_message_is_decoded_clean_or_refused(
    message: Any, data: st.DataObject
) -> None:
    tree = json.loads(encode(message), parse_float=Decimal)
    decode_terminal_or_refuse(dump(mutations(tree, data)))


@FUZZ
@given(terminal_messages, st.data())
def test_a_byte_mutated_terminal_message_is_decoded_clean_or_refused(
    message: Any, data: st.DataObject
) -> None:
    raw = bytearray(encode(message))
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    decode_terminal_or_refuse(bytes(raw))


def test_a_number_too_long_for_int_is_a_protocol_error() -> None:
    """Found by this suite: json.loads raised ValueError (int's 4300-digit limit), not
    ProtocolError, and `pay` let it out to the flow."""
    for data in (b'{"a":' + b"1" * 5000 + b"}", b"9" * 4400):
        for decode in (decode_from_terminal, decode_from_sale):
            try:
                decode(data)
            except ProtocolError:
                continue
            raise AssertionError("decoded")


# --- TCP framing --------------------------------------------------------------------------


@FUZZ
@given(
    st.sampled_from([2, 4]),
    st.lists(st.binary(min_size=1, max_size=200), max_size=6),
    st.binary(max_size=12),
    st.lists(st.integers(0, 1500), max_size=10),
)
def test_framing_cut_anywhere_then_garbage(
    width: int, payloads: list[bytes], junk: bytes, cuts: list[int]
) -> None:
    """Frames come out whole and in order however the stream is cut; what follows them is a
    frame, a partial frame, or ProtocolError — never an exception of another type."""
    stream = b"".join(frame(p, width) for p in payloads)
    decoder = FrameDecoder(width)
    out: list[bytes] = []
    try:
        for piece in split_feed(stream + junk, cuts):
            decoder.push(piece)
            while (payload := decoder.pop()) is not None:
                out.append(payload)
    except ProtocolError:
        note("garbage length prefix")
    assert out[: len(payloads)] == payloads[: len(out)]
    assert len(out) >= len(payloads) or junk  # only the garbage can have stopped it
    for extra in out[len(payloads) :]:
        assert 0 < len(extra) <= MAX_FRAME


# --- the driver ---------------------------------------------------------------------------

PAYMENT_ID = "PAY0000001"


class ScriptedTerminal:
    """A transport whose terminal answers each request from a script of answer makers."""

    def __init__(self, script: list[list[Any]]) -> None:
        self.script = iter(script)
        self.delivered: list[bytes] = []

    def open(self, payload: bytes) -> Any:
        request = decode_from_sale(payload)
        answers = [make(request.header) for make in next(self.script, [])]
        self.delivered += answers
        return SimpleNamespace(
            can_send_more=False,
            receive=lambda _deadline: answers.pop(0) if answers else _silence(),
            send_more=lambda _payload: None,
            close=lambda: None,
        )

    def notify(self, payload: bytes) -> None:
        pass

    def probe(self) -> bool:
        return True


def _silence() -> bytes:
    raise NoAnswerInTime("scripted silence")


@st.composite
def answer_makers(draw: st.DrawFn) -> Any:
    """A function of the request's header giving the terminal's bytes: a proper answer, one
    for another request, a fuzzed one, progress, or garbage."""
    kind = draw(st.sampled_from(["approve", "decline", "status", "display", "fuzz", "bytes"]))
    approval = PaymentResponse(
        MessageHeader(Category.PAYMENT, "Response", PAYMENT_ID, SALE, POI),
        ResponseStatus(Result.SUCCESS),
        "T1",
        draw(st.none() | texts),
        None,
        draw(st.none() | cards),
    )
    wrong = draw(st.sampled_from([None, "service", "sale", "poi"]))
    data = draw(st.data())
    mutate = draw(st.booleans())

    def make(request: MessageHeader) -> bytes:
        own = request.service_id
        sid = "OTHER1" if wrong == "service" else own
        sale = "OTHERSALE" if wrong == "sale" else SALE
        poi = "OTHERPOI" if wrong == "poi" else POI
        message: Any
        if kind == "approve":
            message = approval
        elif kind == "decline":
            header = MessageHeader(Category.PAYMENT, "Response", sid, sale, poi)
            message = PaymentResponse(header, ResponseStatus(Result.FAILURE, "Refusal"))
        elif kind == "status":
            header = MessageHeader(Category.TRANSACTION_STATUS, "Response", sid, sale, poi)
            message = TransactionStatusResponse(header, ResponseStatus(Result.SUCCESS), approval)
        elif kind == "display":
            header = MessageHeader(Category.DISPLAY, "Request", sid, sale, poi)
            message = DisplayRequest(header, "PINEntry")
        elif kind == "fuzz":
            return dump(data.draw(JSON_VALUES))
        else:
            return data.draw(st.binary(max_size=40))
        raw = encode(message)
        if mutate:
            return dump(mutations(json.loads(raw, parse_float=Decimal), data))
        return raw

    return make


def genuine_approvals(delivered: list[bytes]) -> list[PaymentResponse]:
    found = []
    for raw in delivered:
        try:
            message = decode_from_terminal(raw)
        except ProtocolError:
            continue
        if isinstance(message, TransactionStatusResponse):
            message = message.repeated
        if (
            isinstance(message, PaymentResponse)
            and message.response.result is Result.SUCCESS
            and (message.header.service_id, message.header.sale_id, message.header.poi_id)
            == (PAYMENT_ID, SALE, POI)
        ):
            found.append(message)
    return found


@scaled(50)
@given(st.lists(st.lists(answer_makers(), max_size=3), min_size=1, max_size=6))
def test_pay_approves_only_on_a_genuine_approval(script: list[list[Any]]) -> None:
    terminal = ScriptedTerminal(script)
    driver = NexoCardTerminal(terminal, sale_id=SALE, poi_id=POI, recovery_s=4, status_interval_s=1)
    clock = FakeClock()
    fake_time = SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep)
    with mock.patch.object(driver_module, "time", fake_time):
        try:
            outcome = driver.pay(1000, "SALE-TX-1", PAYMENT_ID)
        except PciViolation:
            note("PciViolation raised")
            return
    note(type(outcome).__name__)
    if isinstance(outcome, CardApproved):
        figures = {
            # an approval without ApprovalCode is kept with an empty one (Adyen sends such)
            (a.card.authorized_amount_fen, a.card.masked_pan, a.card.approval_code or "")
            for a in genuine_approvals(terminal.delivered)
            if a.card is not None
        }
        got = (outcome.amount_fen, outcome.masked_pan, outcome.approval_code)
        assert got in figures, f"approval {outcome} matches nothing the terminal sent"


@pytest.mark.timeout(30)
def test_a_frame_full_of_digits_is_refused_in_linear_time() -> None:
    """Found by this suite: the PCI guard's grouped-digits pattern backtracked over every
    position of a digit run — 20,000 digits took 22 s, a 64 kB frame minutes, with the payment
    thread stuck. Now linear (the whole frame's worth here is refused at once)."""
    for data in (b"1" * (MAX_FRAME - 10), b'{"a":"' + b"1 " * 30000 + b'"}'):
        decode_terminal_or_refuse(data)
