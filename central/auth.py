"""Bearer-token authentication of kiosks and ops, as FastAPI dependencies; tokens kept hashed.

No `from __future__ import annotations` here: FastAPI reads these signatures at runtime.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from central.db import Kiosk, Storage, utcnow
from central.errors import AuthError, PageAuthError

# Compared against when the kiosk id is unknown, so the answer takes the same time.
_NO_TOKEN = "0" * 64

kiosk_bearer = HTTPBearer(
    scheme_name="KioskToken",
    description="The kiosk's token; the kiosk id goes in the X-Kiosk-Id header.",
    auto_error=False,
)
ops_bearer = HTTPBearer(scheme_name="OpsToken", description="The ops token.", auto_error=False)
# The fleet page's alternative to the header, for a browser: documented as a second security
# scheme (either one will do), not as a parameter the header would then be required beside.
ops_query = APIKeyQuery(
    name="token",
    scheme_name="OpsTokenQuery",
    description="The ops token in the `token` query parameter (the HTML fleet page only).",
    auto_error=False,
)


def hash_token(token: str) -> str:
    """SHA-256 hex: tokens are random, so a fast hash is enough and nothing secret is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(presented: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(hash_token(presented), stored_sha256)


def storage_of(request: Request) -> Storage:
    return cast(Storage, request.app.state.storage)


def clock_of(request: Request) -> Callable[[], datetime]:
    """The app's clock (create_app may be given one; tests move time with it)."""
    return cast(Callable[[], datetime], getattr(request.app.state, "clock", utcnow))


def kiosk_token_valid(storage: Storage, kiosk_id: str, token: str) -> bool:
    """Whether `token` is the registered kiosk's (constant time whether or not it exists)."""
    with storage.sessions() as session:
        stored = session.scalar(select(Kiosk.token_sha256).where(Kiosk.id == kiosk_id))
    return tokens_match(token, stored or _NO_TOKEN) and stored is not None


def kiosk_check(app: Any, kiosk_id: str, token: str) -> bool:
    """kiosk_token_valid for the input policy, which checks a large sync body's sender before
    reading it (an app without storage, as for the OpenAPI document, lets it through)."""
    storage = getattr(getattr(app, "state", None), "storage", None)
    return storage is None or kiosk_token_valid(cast(Storage, storage), kiosk_id, token)


def authenticate_kiosk(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(kiosk_bearer)],
    x_kiosk_id: Annotated[
        str,
        Header(
            min_length=1,
            max_length=64,
            description="the calling kiosk's id; without it the answer is 401 `auth.missing`",
        ),
    ],
) -> str:
    """The id of the calling kiosk, after checking its token; stamps its last_seen (buffered:
    db.SeenBuffer). A missing header or token is refused earlier (central.input_policy)."""
    if credentials is None:
        raise AuthError("missing X-Kiosk-Id header or bearer token", "auth.missing")
    storage = storage_of(request)
    if not kiosk_token_valid(storage, x_kiosk_id, credentials.credentials):
        raise AuthError("invalid kiosk id or token")
    storage.seen.note(x_kiosk_id, clock_of(request)())  # written within a second (db.SeenStamps)
    return x_kiosk_id


def require_ops(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(ops_bearer)],
) -> None:
    """Let the request through only with the ops token."""
    if credentials is None:
        raise AuthError("missing bearer token", "auth.missing")
    stored = cast(str, request.app.state.ops_token_sha256)
    if not tokens_match(credentials.credentials, stored):
        raise AuthError("invalid ops token")


def require_ops_page(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(ops_bearer)],
    token: Annotated[str | None, Depends(ops_query)],
) -> None:
    """The ops token from the Authorization header or, for a browser, the `token` parameter."""
    presented = credentials.credentials if credentials is not None else token
    if not presented:
        raise PageAuthError(
            "missing ops token (Authorization header or token parameter)", "auth.missing"
        )
    stored = cast(str, request.app.state.ops_token_sha256)
    if not tokens_match(presented, stored):
        raise PageAuthError("invalid ops token")
