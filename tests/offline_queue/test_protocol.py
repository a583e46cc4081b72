"""The sync contract: request encoding and the strict reading of central's answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_queue import (
    MAX_BATCH,
    HttpBatchSender,
    ItemOutcome,
    TransientSendError,
    Verdict,
    classify,
    decode_response,
    encode_request,
)


@dataclass(frozen=True)
class Item:
    key: str
    kind: str
    body: dict[str, Any]


def entry(key: str, status: str, reason: str | None = None, result: Any = None) -> dict[str, Any]:
    return {"key": key, "status": status, "reason": reason, "result": result}


def test_request_shape() -> None:
    raw = encode_request([Item("k1", "topup.v1", {"amount_fen": 100, "msisdn": "139"})])
    assert raw == (
        b'{"items":[{"key":"k1","kind":"topup.v1","body":{"amount_fen":100,"msisdn":"139"}}]}'
    )


@pytest.mark.parametrize("count", [0, MAX_BATCH + 1])
def test_request_size_is_bounded(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 500 items"):
        encode_request([Item(f"k{n}", "x", {}) for n in range(count)])


def test_every_status_is_classified() -> None:
    payload = {
        "results": [
            entry("a", "accepted", None, {"topup_id": 1}),
            entry("b", "duplicate", None, {"topup_id": 0}),
            entry("c", "conflict", "key already used with a different body"),
            entry("d", "rejected", "msisdn: must be 11 digits"),
            entry("e", "rejected"),
        ]
    }
    assert classify(["a", "b", "c", "d", "e"], payload) == [
        ItemOutcome("a", Verdict.ACKED, {"topup_id": 1}, "accepted", False),
        ItemOutcome("b", Verdict.ACKED, {"topup_id": 0}, "duplicate", False),
        ItemOutcome("c", Verdict.DEAD, None, "key already used with a different body", True),
        ItemOutcome("d", Verdict.DEAD, None, "msisdn: must be 11 digits", False),
        ItemOutcome("e", Verdict.DEAD, None, "rejected", False),
    ]


def test_unanswered_ambiguous_and_unknown_items_retry() -> None:
    payload = {
        "results": [
            entry("twice", "accepted", None, {}),
            entry("twice", "rejected", "no"),
            entry("odd", "postponed"),
            entry("stranger", "accepted", None, {}),  # not sent: ignored
            entry("fine", "accepted", None, {"x": 1}),
        ],
        "server_time": "2026-11-22T12:00:00Z",  # extra top-level fields are tolerated
    }
    assert classify(["missing", "twice", "odd", "fine"], payload) == [
        ItemOutcome("missing", Verdict.RETRY, reason="no result for this item"),
        ItemOutcome("twice", Verdict.RETRY, reason="answered more than once"),
        ItemOutcome("odd", Verdict.RETRY, reason="unknown status 'postponed'"),
        ItemOutcome("fine", Verdict.ACKED, {"x": 1}, "accepted"),
    ]


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        ([], "without a results list"),
        ({"result": []}, "without a results list"),
        ({"results": {"k": "accepted"}}, "without a results list"),
        ({"results": ["k"]}, r"results\[0\] is not an object"),
        ({"results": [{"status": "accepted"}]}, r"results\[0\] has no string key"),
        ({"results": [entry("k", "accepted"), {"key": 5, "status": "x"}]}, r"results\[1\] has no"),
        ({"results": [{"key": "k"}]}, "has no string status"),
        (
            {"results": [{"key": "k", "status": "rejected", "reason": 42, "result": None}]},
            "reason that is not a string",
        ),
        ({"results": [entry("k", "accepted", None, [1])]}, "result that is not an object"),
    ],
)
def test_a_malformed_body_fails_the_whole_batch(payload: object, match: str) -> None:
    with pytest.raises(TransientSendError, match=match):
        classify(["k"], payload)


@pytest.mark.parametrize(
    "raw", [b"", b"not json", b'{"results": NaN}', b"\xff\xfe{}", b"[" * 100_000]
)
def test_a_body_that_is_not_strict_json_is_transient(raw: bytes) -> None:
    with pytest.raises(TransientSendError, match="not JSON"):
        decode_response(raw)


def test_a_valid_body_decodes() -> None:
    assert decode_response('{"results":[],"note":"é"}'.encode()) == {"results": [], "note": "é"}


@settings(max_examples=300, deadline=None)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=20,
    )
    | st.fixed_dictionaries(
        {
            "results": st.lists(
                st.fixed_dictionaries(
                    {
                        "key": st.sampled_from(["a", "b", "c"]),
                        "status": st.sampled_from(["accepted", "duplicate", "conflict", "x"]),
                        "reason": st.none() | st.text(max_size=5),
                        "result": st.none() | st.dictionaries(st.text(max_size=3), st.integers()),
                    }
                ),
                max_size=5,
            )
        }
    )
)
def test_any_answer_gives_one_outcome_per_key_or_a_transient_error(payload: object) -> None:
    keys = ["a", "b"]
    try:
        outcomes = classify(keys, payload)
    except TransientSendError:
        return
    assert [o.key for o in outcomes] == keys
    for outcome in outcomes:
        assert outcome.verdict in (Verdict.ACKED, Verdict.DEAD, Verdict.RETRY)
        assert outcome.reason != ""
        if outcome.conflict:
            assert outcome.verdict is Verdict.DEAD
        if outcome.verdict is Verdict.RETRY:
            assert outcome.result is None


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("ftp://central", "K1", "t"), "http"),
        (("http://central", "K 1", "t"), "kiosk_id"),
        (("http://central", "K1", "t\r\nX-Evil: 1"), "token"),
        (("http://central", "K1", ""), "token"),
    ],
)
def test_sender_refuses_bad_settings(args: tuple[str, str, str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        HttpBatchSender(*args)


def test_sender_builds_the_sync_url() -> None:
    sender = HttpBatchSender("https://central.example/api/", "K1", "t0ken", timeout_s=3)
    assert sender.url == "https://central.example/api/v1/sync"
    sender.close()
    assert json.loads(encode_request([Item("k", "x", {})])) == {
        "items": [{"key": "k", "kind": "x", "body": {}}]
    }
