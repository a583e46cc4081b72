"""central's canonical JSON (orjson) is byte for byte the json.dumps form earlier versions
stored digests of, so a body delivered before an upgrade is still a duplicate after it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from central.schemas import SyncItem
from central.sync import _replay, body_digest, canonical_json


def legacy(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# What a sync body can hold after the input policy: JSON without floats that would not be
# strict (no NaN), text without lone surrogates. Integers beyond 64 bits included.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
scalars = st.none() | st.booleans() | st.integers() | text
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)


@given(values)
@settings(max_examples=400)
def test_the_canonical_form_is_json_dumps_form(value: Any) -> None:
    assert canonical_json(value) == legacy(value)


def test_every_code_point_is_written_as_json_dumps_writes_it() -> None:
    """GIVEN each Unicode scalar value as a key and a value, THEN the same bytes as before."""
    for block in range(0, 0x110000, 0x1000):
        chars = [chr(c) for c in range(block, block + 0x1000) if not 0xD800 <= c <= 0xDFFF]
        body = {c: c for c in chars}
        assert canonical_json(body) == legacy(body), hex(block)


def test_integers_beyond_64_bits_fall_back_to_json_dumps() -> None:
    body = {"n": 2**70, "m": -(2**64)}
    assert canonical_json(body) == legacy(body)


def test_a_body_first_digested_by_the_old_form_is_still_a_duplicate() -> None:
    """GIVEN a stored digest taken over json.dumps' form of a body with a float that the two
    forms write differently, WHEN the same body is replayed, THEN it is a duplicate, and a
    different body is still a conflict."""
    body = {"amount": 1e-05, "note": "x"}
    assert canonical_json(body) != legacy(body)  # the case the fallback exists for

    class Stored:
        kind = "topup.v1"
        body_sha256 = hashlib.sha256(legacy(body).encode()).hexdigest()
        result_json = '{"topup_id":1}'

    item = SyncItem(key="k", kind="topup.v1", body=body)
    assert _replay(Stored(), item, body_digest(body)).status == "duplicate"
    other = SyncItem(key="k", kind="topup.v1", body={**body, "note": "y"})
    assert _replay(Stored(), other, body_digest(other.body)).status == "conflict"
