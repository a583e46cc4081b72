"""Fuzzing the outbox's reading of central's sync answers: the JSON decoder, the per-item
classification and the HTTP sender over a fake session. Documented errors: SendError
subclasses. Money property: an item is acknowledged (and so deleted from the outbox) only when
central answered for exactly that key, exactly once, with accepted or duplicate."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from offline_queue.errors import SendError, TransientSendError
from offline_queue.protocol import Verdict, classify, decode_response
from offline_queue.sender import HttpBatchSender
from tests.security.fuzzing import FUZZ, note

keys = st.sampled_from(["k1", "k2", "k3", "K1", "k1 ", ""]) | st.text(max_size=6)
statuses = st.sampled_from(["accepted", "duplicate", "conflict", "rejected", "ACCEPTED", ""])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
entries = (
    st.fixed_dictionaries(
        {},
        optional={
            "key": keys | JSON_VALUES,
            "status": statuses | JSON_VALUES,
            "reason": st.none() | st.text(max_size=8) | JSON_VALUES,
            "result": st.none()
            | st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=2)
            | JSON_VALUES,
        },
    )
    | JSON_VALUES
)
payloads = st.one_of(
    st.fixed_dictionaries({"results": st.lists(entries, max_size=8)}),
    st.fixed_dictionaries({"results": JSON_VALUES}),
    JSON_VALUES,
)
sent_keys = st.lists(st.sampled_from(["k1", "k2", "k3"]) | st.text(min_size=1, max_size=6),
                     min_size=1, max_size=5, unique=True)  # fmt: skip


def check_outcomes(keys_sent: list[str], payload: Any) -> None:
    try:
        outcomes = classify(keys_sent, payload)
    except TransientSendError:
        note("whole batch retried")
        return
    assert [o.key for o in outcomes] == keys_sent
    results = payload["results"]
    for outcome in outcomes:
        answers = [e for e in results if isinstance(e, dict) and e.get("key") == outcome.key]
        if outcome.verdict is Verdict.ACKED:
            note("acked")
            assert len(answers) == 1, "acked without exactly one answer"
            assert answers[0]["status"] in ("accepted", "duplicate")
        elif outcome.verdict is Verdict.DEAD:
            assert len(answers) == 1
            assert answers[0]["status"] in ("conflict", "rejected")


@FUZZ
@given(sent_keys, payloads)
def test_classification_acks_only_what_central_answered(keys_sent: list[str], payload: Any) -> None:
    check_outcomes(keys_sent, payload)


@FUZZ
@given(st.binary(max_size=200) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_decode_response_raises_only_transient_send_error(raw: bytes) -> None:
    try:
        decode_response(raw)
    except TransientSendError:
        note("TransientSendError")


def test_deep_nesting_and_huge_numbers_are_transient() -> None:
    for raw in (b"[" * 100_000, b'{"results": ' + b"9" * 5000 + b"}", b"NaN", b"\xff"):
        try:
            decode_response(raw)
        except TransientSendError:
            continue
        raise AssertionError(raw[:20])


@FUZZ
@given(
    st.integers(100, 599),
    st.binary(max_size=100) | payloads.map(lambda v: json.dumps(v).encode()),
    sent_keys,
)
def test_the_sender_raises_only_send_errors(status: int, body: bytes, keys_sent: list[str]) -> None:
    sender = HttpBatchSender("http://central.invalid", "KIOSK-1", "token-123456")
    reply = SimpleNamespace(status_code=status, content=body)
    sender._session.post = lambda *_a, **_k: reply  # type: ignore[method-assign]
    items = [SimpleNamespace(key=k, kind="topup", body={"fen": 100}) for k in keys_sent]
    try:
        outcomes = sender.send(items)
    except SendError as exc:
        note(type(exc).__name__)
        return
    assert status == 200
    check_outcomes(keys_sent, json.loads(body))
    assert len(outcomes) == len(keys_sent)
