"""The customer's on-screen signature of the service agreement (SIM sale), as bytes.

The screen has strokes of points with coordinates in 0..1 (x to the right, y down, relative to
the signing pad). Serialised compactly as UTF-8 JSON:

    {"v":1,"scale":1000,"strokes":[[x0,y0,x1,y1,...],...]}

each coordinate an integer 0..scale (clamped), a stroke's points flattened. A signature of a
few strokes is a few hundred bytes; at most MAX_SIGNATURE_BYTES are taken. The bytes are
personal data: the flow keeps them sealed at rest and central stores them with the new line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

VERSION = 1
SCALE = 1000
MAX_SIGNATURE_BYTES = 32 * 1024
MAX_POINTS = 4000  # in all strokes: a signature, not a drawing


class SignatureError(ValueError):
    """Not a signature this kiosk can keep (empty, too large, or not this serialisation)."""


def _scaled(value: float) -> int:
    return round(min(max(float(value), 0.0), 1.0) * SCALE)


def encode_strokes(strokes: Sequence[Sequence[tuple[float, float]]]) -> bytes:
    """The strokes (points in 0..1) as the compact serialisation. A stroke of fewer than two
    points (a tap) is left out; SignatureError if nothing is left or it is too large."""
    kept = [
        [coordinate for x, y in stroke for coordinate in (_scaled(x), _scaled(y))]
        for stroke in strokes
        if len(stroke) >= 2
    ]
    if not kept:
        raise SignatureError("a signature needs at least one stroke")
    if sum(len(stroke) for stroke in kept) // 2 > MAX_POINTS:
        raise SignatureError(f"a signature has at most {MAX_POINTS} points")
    data = json.dumps({"v": VERSION, "scale": SCALE, "strokes": kept}, separators=(",", ":"))
    return data.encode()


def decode_strokes(data: bytes) -> list[list[tuple[float, float]]]:
    """The strokes back (points in 0..1), from `encode_strokes`' bytes."""
    try:
        document = json.loads(data)
        scale = int(document["scale"])
        strokes = document["strokes"]
        if document["v"] != VERSION or scale <= 0 or not isinstance(strokes, list):
            raise SignatureError("not a signature of this version")
        return [
            [(int(s[i]) / scale, int(s[i + 1]) / scale) for i in range(0, len(s) - 1, 2)]
            for s in strokes
        ]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SignatureError(f"not a signature: {exc}") from exc


def check_signature(data: bytes) -> bytes:
    """The bytes a flow takes as a signature: not empty, not larger than MAX_SIGNATURE_BYTES."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise SignatureError("a signature is non-empty bytes")
    if len(data) > MAX_SIGNATURE_BYTES:
        raise SignatureError(f"a signature is at most {MAX_SIGNATURE_BYTES} bytes")
    return bytes(data)
