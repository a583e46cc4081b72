"""The input policy every request passes before a route sees it (a pure ASGI middleware).

- Size: a declared Content-Length over the limit gets 413 at once; a body without one
  (chunked) is counted while it streams and cut off with 413 at the limit. The body is read
  here, whole, so a route never holds more than the limit: `max_body_bytes` (2 MiB), or
  `max_upload_bytes` (24 MiB) for a kiosk's bulk uploads, /v1/sync and /v1/logs.
- Credentials first: a kiosk route (under /v1/ but not /v1/health or /v1/ops/) without
  `Authorization: Bearer …` and `X-Kiosk-Id`, or an ops route (/v1/ops/) without a bearer
  token, gets 401 before a byte of its body is read. An upload larger than the general limit
  is read only after the kiosk's token has been checked (401 `auth.invalid` otherwise).
- Strict text: a JSON body with NaN/Infinity (or a number too large for a float), a lone UTF-16
  surrogate (escaped or raw), a NUL (U+0000) in any string or key, or invalid UTF-8 gets
  400 `request.bad_json`; a path or query string with NUL or invalid UTF-8 gets 400
  `request.bad_url`. The answer names the problem, never the value.

Every refusal is the API's error body `{detail, code, data}` (central.error_answers).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final
from urllib.parse import unquote_to_bytes

import anyio
import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# Checks a kiosk's credentials against storage (blocking; run in a worker thread).
KioskCheck = Callable[[Any, str, str], bool]

# Every route but the two bulk uploads below: the largest legitimate body is a heartbeat
# with every list and text at its maximum, ~36 KB. 2 MiB leaves ample room.
DEFAULT_MAX_BODY_BYTES: Final = 2 * 1024 * 1024
# The bulk uploads of a kiosk, measured at their largest legitimate size by
# tests/central/test_central_input.py (test_largest_uploads_fit):
# - /v1/sync: 500 sim_sale.v1 items, each with a 32 KiB signature (43,692 base64
#   characters) and every other field at its maximum: 22,142,511 bytes. Under 2 MiB a
#   kiosk's queue would block behind ~45 signed sales.
# - /v1/logs: 2,000 lines of 2,000 characters, as the kiosk posts them (requests' JSON,
#   non-ASCII as \uXXXX: 6 bytes a character): at most 24,008,093 bytes; ASCII ~4 MB.
# Such a body is read only from a kiosk whose token has been checked first.
DEFAULT_MAX_UPLOAD_BYTES: Final = 24 * 1024 * 1024
UPLOAD_PATHS: Final = frozenset({"/v1/sync", "/v1/logs"})

# Larger bodies are checked in a worker thread: a 22 MB batch takes ~0.1 s, which would stall
# every other request on the event loop (500 top-ups, 140 KB, take ~2 ms).
_PARSE_INLINE_BYTES: Final = 64 * 1024


class _Gone(Exception):
    """The client disconnected before its body was read whole."""


class BadJson(ValueError):
    """The body is not strict JSON; the message names the problem, never the value."""


def route_kind(path: str) -> str | None:
    """`kiosk`, `ops` or `page` for the credentials a path needs; None for an open one."""
    if path.startswith("/v1/ops/"):
        return "ops"
    if path == "/ops/fleet" or path.startswith("/ops/"):  # the ops console's pages
        return "page"
    if path.startswith("/v1/") and path != "/v1/health":
        return "kiosk"
    return None


# What orjson's messages say, as the policy names it (never with the value).
_PROBLEMS: Final = (
    ("depth limit", "the body is nested too deeply"),
    ("infinity", "a number is too large for a float"),
    ("surrogate", "a string holds NUL or a lone UTF-16 surrogate"),
    ("UTF-8", "the body is not valid UTF-8"),
)


def check_json(raw: bytes) -> None:
    """Raise BadJson unless `raw` is strict JSON: UTF-8, finite numbers, no lone surrogate
    and no NUL in any string or key.

    orjson's parser is strict already (RFC 8259: no NaN or Infinity; invalid UTF-8, a raw or
    escaped lone surrogate and a number beyond a double are errors; at most 1,024 levels),
    and 4 times quicker than json's; only NUL, which JSON allows escaped, is looked for
    here, and only in a body whose text holds the escape."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        for marker, problem in _PROBLEMS:
            if marker in message:
                raise BadJson(problem) from None
        raise BadJson(f"the body is not valid JSON at character {exc.pos}") from None
    if b"\\u0000" in raw and _holds_nul(value):
        raise BadJson("a string holds NUL or a lone UTF-16 surrogate")


def _holds_nul(value: Any) -> bool:
    stack: list[Any] = [value]
    while stack:  # iterative: a deep body must not exhaust the stack here either
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            for key, member in item.items():
                if "\x00" in key:
                    return True
                stack.append(member)
        elif isinstance(item, list):
            stack.extend(item)
    return False


def url_problem(raw_path: bytes, query: bytes) -> str | None:
    """Why the path or query string cannot be taken (NUL, invalid UTF-8), or None."""
    for part, raw in (("path", raw_path), ("query string", query.replace(b"+", b" "))):
        decoded = unquote_to_bytes(raw)
        if b"\x00" in decoded:
            return f"the {part} holds NUL"
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            return f"the {part} is not valid UTF-8"
    return None


def error_message(
    status: int, code: str, detail: str, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[Message, Message]:
    """The start and body messages of an error answer. The connection is closed after it: the
    rest of an unread body is not worth reading."""
    body = json.dumps({"detail": detail, "code": code, "data": {}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *(extra_headers or []),
    ]
    start = {"type": "http.response.start", "status": status, "headers": headers}
    return start, {"type": "http.response.body", "body": body, "more_body": False}


def _is_json(content_type: str) -> bool:
    """Whether the route will parse the body as JSON (FastAPI's own test of the type)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _bearer(value: str) -> str | None:
    """The token of `Bearer <token>` (as FastAPI's HTTPBearer reads it), else None."""
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


class InputPolicy:
    """The middleware; `kiosk_check(app, kiosk_id, token)` authenticates a large upload."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        kiosk_check: KioskCheck | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max(max_upload_bytes, max_body_bytes)
        self.kiosk_check = kiosk_check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = await self._refusal(scope)
        if refusal is not None:
            await _answer(send, refusal)
            return
        headers = _headers(scope)
        limit = self._limit(scope["path"])
        try:
            body = await _read_body(receive, limit)
        except _Gone:
            return  # the client left: nobody to answer
        if body is None:
            await _answer(send, _too_large(limit))
            return
        if body and _is_json(headers.get("content-type", "")):
            try:
                if len(body) > _PARSE_INLINE_BYTES:
                    await anyio.to_thread.run_sync(check_json, body)
                else:
                    check_json(body)
            except BadJson as exc:
                await _answer(send, error_message(400, "request.bad_json", f"body: {exc}"))
                return
        await self.app(scope, _replay(body, receive), send)

    def _limit(self, path: str) -> int:
        return self.max_upload_bytes if path in UPLOAD_PATHS else self.max_body_bytes

    async def _refusal(self, scope: Scope) -> tuple[Message, Message] | None:
        """The answer to give without reading the body, or None to go on."""
        problem = url_problem(
            scope.get("raw_path") or scope["path"].encode(), scope["query_string"]
        )
        if problem is not None:
            return error_message(400, "request.bad_url", problem)
        headers = _headers(scope)
        token = _bearer(headers.get("authorization", ""))
        kiosk_id = headers.get("x-kiosk-id", "")
        missing = _missing_credentials(route_kind(scope["path"]), token, kiosk_id)
        if missing is not None:
            return _unauthorized("auth.missing", missing)
        try:
            declared = int(headers["content-length"]) if "content-length" in headers else None
        except ValueError:
            return error_message(400, "request.bad_json", "Content-Length is not a number")
        limit = self._limit(scope["path"])
        if declared is not None and declared > limit:
            return _too_large(limit)
        # An upload beyond the general limit (or of unknown size) from an unchecked kiosk
        # could make central buffer up to max_upload_bytes for anyone who sets two headers.
        large = declared is None and "transfer-encoding" in headers
        large = large or (declared is not None and declared > self.max_body_bytes)
        if scope["path"] in UPLOAD_PATHS and large and self.kiosk_check and token is not None:
            check = self.kiosk_check
            if not await anyio.to_thread.run_sync(check, scope.get("app"), kiosk_id, token):
                return _unauthorized("auth.invalid", "invalid kiosk id or token")
        return None


def _missing_credentials(kind: str | None, token: str | None, kiosk_id: str) -> str | None:
    """What a kiosk or ops route lacks to be worth reading, or None."""
    if kind == "kiosk" and (token is None or not kiosk_id):
        return "missing X-Kiosk-Id header or bearer token"
    if kind == "ops" and token is None:
        return "missing bearer token"
    return None


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
    }


def _unauthorized(code: str, detail: str) -> tuple[Message, Message]:
    return error_message(401, code, detail, [(b"www-authenticate", b"Bearer")])


def _too_large(limit: int) -> tuple[Message, Message]:
    return error_message(413, "request.too_large", f"the body is larger than {limit} bytes")


async def _answer(send: Send, answer: tuple[Message, Message]) -> None:
    start, body = answer
    await send(start)
    await send(body)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Gone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the buffered body over once, then waits on the real one (for the
    client's disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
