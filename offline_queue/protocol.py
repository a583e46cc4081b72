"""The sync contract with central: item limits, canonical JSON, the request, the strict reading
of a response into one outcome per item.

POST {base_url}/v1/sync  {"items": [{"key", "kind", "body"}, ...]}  (1..MAX_BATCH items)
200 -> {"results": [{"key", "status", "reason", "result"}, ...]}, status one of
accepted | duplicate (acked, result kept) | conflict | rejected (dead letter).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from offline_queue.errors import InvalidItemError, TransientSendError

MAX_BATCH: Final = 500
MAX_KEY_LEN: Final = 128
MAX_KIND_LEN: Final = 64
MAX_BODY_BYTES: Final = 64 * 1024  # keeps a full batch request bounded (< 33 MB)


# Built once: json.dumps with these options would build an encoder per call (every enqueue).
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(value: Mapping[str, Any]) -> str:
    """Sorted keys, no whitespace, no NaN/Infinity: the one text form of a body."""
    return _ENCODER.encode(value)


def canonical_body(body: object) -> str:
    """The canonical text of an item body, or InvalidItemError if central could not take it
    back unchanged: not a JSON object, NaN, non-string keys, tuples, lone surrogates, too big."""
    if not isinstance(body, Mapping):
        raise InvalidItemError(f"body is not JSON: a JSON object is required, not {type(body)}")
    try:
        text = canonical(dict(body))
        # Anything json.dumps coerces (int keys, tuples, Mapping subclasses) would not come
        # back as it went in; refuse it instead of silently sending something else.
        if json.loads(text) != body:
            raise InvalidItemError("body is not JSON: it does not survive a round trip")
        size = len(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError) as exc:
        if isinstance(exc, InvalidItemError):
            raise
        raise InvalidItemError(f"body is not JSON: {exc}") from exc
    if size > MAX_BODY_BYTES:
        raise InvalidItemError(f"body is {size} bytes; the limit is {MAX_BODY_BYTES}")
    return text


def check_item(key: object, kind: object) -> None:
    """The key and kind limits central enforces for the whole batch (a 422 would block it)."""
    for name, value, limit in (("key", key, MAX_KEY_LEN), ("kind", kind, MAX_KIND_LEN)):
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise InvalidItemError(f"{name} must be a string of 1 to {limit} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidItemError(f"{name} is not valid Unicode text") from exc


class WireItem(Protocol):
    """What is sent for one outbox row (an OutboxItem is one)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def body(self) -> Mapping[str, Any]: ...


def encode_request(items: Sequence[WireItem]) -> bytes:
    """The UTF-8 JSON body of POST /v1/sync."""
    if not 1 <= len(items) <= MAX_BATCH:
        raise ValueError(f"a sync request carries 1 to {MAX_BATCH} items, not {len(items)}")
    payload = {"items": [{"key": i.key, "kind": i.kind, "body": dict(i.body)} for i in items]}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


class Verdict(enum.Enum):
    ACKED = "acked"  # accepted, or a duplicate answered with the first result
    DEAD = "dead"  # conflict or rejected: never resend, keep as a dead letter
    RETRY = "retry"  # no usable answer for this item: send again later, same key


@dataclass(frozen=True)
class ItemOutcome:
    key: str
    verdict: Verdict
    result: dict[str, Any] | None = None
    reason: str = ""
    conflict: bool = False  # same key, different body: an alert for ops


_VERDICTS: Final = {
    "accepted": Verdict.ACKED,
    "duplicate": Verdict.ACKED,
    "conflict": Verdict.DEAD,
    "rejected": Verdict.DEAD,
}


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def decode_response(raw: bytes) -> object:
    """Strict JSON (UTF-8, no NaN/Infinity); TransientSendError if it is not."""
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise TransientSendError(
            f"central answered 200 with a body that is not JSON: {exc}"
        ) from exc


def _entries(payload: object) -> list[dict[str, Any]]:
    """The results list, every entry shape-checked; one bad entry invalidates the body."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise TransientSendError("central answered 200 without a results list")
    entries: list[dict[str, Any]] = []
    for index, entry in enumerate(payload["results"]):
        problem = None
        if not isinstance(entry, dict):
            problem = "is not an object"
        elif not isinstance(entry.get("key"), str):
            problem = "has no string key"
        elif not isinstance(entry.get("status"), str):
            problem = "has no string status"
        elif not isinstance(entry.get("reason"), str | None):
            problem = "has a reason that is not a string or null"
        elif not isinstance(entry.get("result"), dict | None):
            problem = "has a result that is not an object or null"
        if problem is not None:
            raise TransientSendError(f"central's results[{index}] {problem}")
        entries.append(entry)
    return entries


def classify(keys: Sequence[str], payload: object) -> list[ItemOutcome]:
    """One outcome per sent key, in order, from a decoded 200 body.

    A malformed body raises TransientSendError (the whole batch retries). A key without an
    answer, with an unknown status, or answered twice retries on its own. Answers for keys
    that were not sent are ignored."""
    answers: dict[str, dict[str, Any] | None] = {}
    for entry in _entries(payload):
        key = entry["key"]
        answers[key] = None if key in answers else entry  # twice: ambiguous
    outcomes = []
    for key in keys:
        if key not in answers:
            outcomes.append(ItemOutcome(key, Verdict.RETRY, reason="no result for this item"))
            continue
        answer = answers[key]
        if answer is None:
            outcomes.append(ItemOutcome(key, Verdict.RETRY, reason="answered more than once"))
            continue
        status = answer["status"]
        verdict = _VERDICTS.get(status)
        if verdict is None:
            outcomes.append(ItemOutcome(key, Verdict.RETRY, reason=f"unknown status {status!r}"))
            continue
        outcomes.append(
            ItemOutcome(
                key,
                verdict,
                result=answer.get("result"),
                reason=answer.get("reason") or status,
                conflict=status == "conflict",
            )
        )
    return outcomes
