"""The FastAPI application: routes of the versioned HTTP API and the app factory.

No `from __future__ import annotations` here: FastAPI reads route signatures at runtime.
"""

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from central import API_VERSION
from central.auth import (
    authenticate_kiosk,
    hash_token,
    register_kiosks,
    require_ops,
    storage_of,
)
from central.db import Kiosk, Topup, open_storage
from central.errors import AuthError, StorageError
from central.kinds import KINDS
from central.schemas import (
    ErrorBody,
    Health,
    KioskList,
    KioskOut,
    SyncRequest,
    SyncResponse,
    TopupList,
    TopupOut,
)
from central.sync import process_batch

log = logging.getLogger("central")

TITLE = "Kiosk central backend"
DESCRIPTION = (
    "Reference central backend of the self-service kiosk fleet. Kiosks deliver their outbox to "
    "`POST /v1/sync`; ops read what was recorded under `/v1/ops/`. The body schema of each sync "
    "item kind is listed under `x-sync-kinds`."
)
SYNC_DESCRIPTION = (
    "Deliver outbox items. Each item is answered in order and committed on its own: "
    "`accepted` (processed now, `result` set), `duplicate` (key seen with the same body: the "
    "first `result`, nothing processed again), `conflict` (key seen with a different body or "
    "kind, or the business record exists under another key: nothing processed), `rejected` "
    "(unknown kind or invalid body, `reason` names the field; nothing stored, so the key may "
    "be sent again)."
)
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}}


def health() -> Health:
    return Health(status="ok")


def sync(
    request: Request,
    batch: SyncRequest,
    kiosk_id: Annotated[str, Depends(authenticate_kiosk)],
) -> SyncResponse:
    return SyncResponse(results=process_batch(storage_of(request), kiosk_id, batch.items))


def list_topups(
    request: Request,
    msisdn: Annotated[str | None, Query(max_length=32)] = None,
    kiosk_id: Annotated[str | None, Query(max_length=64)] = None,
    after_id: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> TopupList:
    query = select(Topup).order_by(Topup.id)
    if after_id is not None:
        query = query.where(Topup.id > after_id)
    if limit is not None:
        query = query.limit(limit)
    if msisdn is not None:
        query = query.where(Topup.msisdn == msisdn)
    if kiosk_id is not None:
        query = query.where(Topup.kiosk_id == kiosk_id)
    with storage_of(request).sessions() as session:
        rows = session.scalars(query).all()
    return TopupList(topups=[TopupOut.model_validate(row, from_attributes=True) for row in rows])


def list_kiosks(request: Request) -> KioskList:
    with storage_of(request).sessions() as session:
        rows = session.scalars(select(Kiosk).order_by(Kiosk.id)).all()
    kiosks = [
        KioskOut(kiosk_id=row.id, registered_at=row.registered_at, last_seen=row.last_seen)
        for row in rows
    ]
    return KioskList(kiosks=kiosks)


async def _auth_error(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
    )


async def _storage_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("storage unavailable: %s", exc)
    return JSONResponse({"detail": "storage unavailable, retry later"}, status_code=503)


def _openapi_with_kinds(app: FastAPI) -> dict[str, Any]:
    """The generated document plus the JSON schema of each sync item kind's body."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    kinds: dict[str, Any] = {}
    for name, spec in sorted(KINDS.items()):
        body = spec.model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[spec.model.__name__] = body
        kinds[name] = {"$ref": f"#/components/schemas/{spec.model.__name__}"}
    schema["x-sync-kinds"] = kinds
    app.openapi_schema = schema
    return schema


def build_api() -> FastAPI:
    """The application without storage: enough for the OpenAPI document."""
    app = FastAPI(title=TITLE, version=API_VERSION, description=DESCRIPTION)
    app.add_api_route("/v1/health", health, methods=["GET"], tags=["health"])
    app.add_api_route(
        "/v1/sync",
        sync,
        methods=["POST"],
        tags=["kiosk"],
        description=SYNC_DESCRIPTION,
        responses=UNAUTHORIZED,
    )
    ops = [Depends(require_ops)]
    app.add_api_route(
        "/v1/ops/topups",
        list_topups,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
        responses=UNAUTHORIZED,
        description=(
            "Recorded top-ups ordered by id, optionally for one number or one kiosk; "
            "all of them unless paged with `after_id` and `limit`."
        ),
    )
    app.add_api_route(
        "/v1/ops/kiosks",
        list_kiosks,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
        responses=UNAUTHORIZED,
        description="Registered kiosks and when each last made an authenticated request.",
    )
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(OperationalError, _storage_error)
    app.openapi = lambda: _openapi_with_kinds(app)  # type: ignore[method-assign]
    return app


def create_app(db_url: str, ops_token: str, kiosks: Mapping[str, str]) -> FastAPI:
    """The full application: opens `db_url` (creating tables) and registers `kiosks`."""
    storage = open_storage(db_url)
    try:
        register_kiosks(storage, kiosks)
    except SQLAlchemyError as exc:
        storage.close()
        raise StorageError(f"cannot register kiosks: {exc}") from None
    app = build_api()
    app.state.storage = storage
    app.state.ops_token_sha256 = hash_token(ops_token)
    return app
