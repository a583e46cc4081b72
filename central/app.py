"""The FastAPI application: routes of the versioned HTTP API and the app factory.

No `from __future__ import annotations` here: FastAPI reads route signatures at runtime.
"""

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Annotated, Any, cast

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from central import API_VERSION
from central.auth import (
    authenticate_kiosk,
    clock_of,
    hash_token,
    kiosk_check,
    require_ops,
    require_ops_page,
    storage_of,
)
from central.business_routes import router as business_router
from central.db import Kiosk, Topup, open_storage, utcnow
from central.error_answers import document_errors, errors, install_error_handlers
from central.errors import NotFound, StorageError
from central.fleet import CHINA_STANDARD_TIME, build_fleet
from central.fleet_page import render_fleet
from central.fleet_schemas import (
    CommandRequest,
    Fleet,
    HeartbeatRequest,
    HeartbeatResponse,
    IssuedCommand,
    MaintenanceEventList,
)
from central.heartbeat import issue_command, record_heartbeat
from central.input_policy import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_UPLOAD_BYTES, InputPolicy
from central.kinds import KINDS
from central.kiosk_registry import add_missing
from central.logs import router as logs_router
from central.maintenance_events import DEFAULT_LIMIT, MAX_LIMIT, list_events
from central.ops_routes import router as ops_console_router
from central.schemas import (
    MAX_ID,
    Health,
    KioskList,
    KioskOut,
    SyncRequest,
    SyncResponse,
    TopupList,
    TopupOut,
    id_literal,
)
from central.seed import seed_demo
from central.sync import process_batch
from central.vouchers import VoucherList, list_vouchers

TITLE = "Kiosk central backend"
DESCRIPTION = (
    "Reference central backend of the self-service kiosk fleet. Kiosks deliver their outbox to "
    "`POST /v1/sync`; ops read what was recorded under `/v1/ops/`. The body schema of each sync "
    "item kind is listed under `x-sync-kinds`.\n\n"
    "Every request passes one input policy first: a body of at most 2 MiB by default (24 MiB for "
    "`/v1/sync` and `/v1/logs`, read only from an authenticated kiosk), else 413 "
    "`request.too_large`; credentials before the body (401 `auth.missing`); strict JSON "
    "(NaN, Infinity, a lone surrogate, NUL or invalid UTF-8: 400 `request.bad_json`) and "
    "URLs (NUL or invalid UTF-8 in the path or query: 400 `request.bad_url`). Every refusal "
    "is `BusinessErrorBody` `{detail, code, data}` (a 422 `request.invalid` lists "
    "`data.errors` [{loc, msg}] without the submitted values), except the HTML fleet page's "
    "401. Date-times in requests are ISO-8601 strings with a UTC offset."
)
SYNC_DESCRIPTION = (
    "Deliver outbox items. Each item is answered in order and committed on its own: "
    "`accepted` (processed now, `result` set), `duplicate` (key seen with the same body: the "
    "first `result`, nothing processed again), `conflict` (key seen with a different body or "
    "kind, or the business record exists under another key: nothing processed), `rejected` "
    "(unknown kind or invalid body, `reason` names the field; nothing stored, so the key may "
    "be sent again)."
)
HEARTBEAT_DESCRIPTION = (
    "Report the kiosk's health. The latest heartbeat of each kiosk is kept. The answer lists "
    "the remote commands issued to this kiosk that it has not acknowledged yet, oldest first; "
    "a command is sent with every answer until its id comes back in `acked_commands`, then it "
    "is done. Unknown ids, and ids of other kiosks' commands, are ignored."
)
# 400, 401, 413, 422 and 503 are documented on every route they apply to (document_errors).
OPS_ERRORS = errors(404)
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the URL may carry the token
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}


def health() -> Health:
    return Health(status="ok")


def sync(
    request: Request,
    batch: SyncRequest,
    kiosk_id: Annotated[str, Depends(authenticate_kiosk)],
) -> Response:
    """The answer is serialised here once: FastAPI would dump the model and validate the dump
    against the response model again, for every one of up to 500 results (the route keeps
    `response_model=SyncResponse` for the contract)."""
    answer = SyncResponse(results=process_batch(storage_of(request), kiosk_id, batch.items))
    return Response(answer.model_dump_json(), media_type="application/json")


def list_topups(
    request: Request,
    msisdn: Annotated[str | None, Query(max_length=32)] = None,
    kiosk_id: Annotated[str | None, Query(max_length=64)] = None,
    after_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT)] = None,
) -> TopupList:
    query = select(Topup).order_by(Topup.id)
    if after_id is not None:
        query = query.where(Topup.id > id_literal(after_id))
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
    storage_of(request).flush_seen()
    with storage_of(request).sessions() as session:
        rows = session.scalars(select(Kiosk).order_by(Kiosk.id)).all()
    kiosks = [
        KioskOut(kiosk_id=row.id, registered_at=row.registered_at, last_seen=row.last_seen)
        for row in rows
    ]
    return KioskList(kiosks=kiosks)


def heartbeat(
    request: Request,
    beat: HeartbeatRequest,
    kiosk_id: Annotated[str, Depends(authenticate_kiosk)],
) -> HeartbeatResponse:
    now = clock_of(request)()
    commands = record_heartbeat(storage_of(request), kiosk_id, beat, now)
    return HeartbeatResponse(commands=commands)


def issue(
    request: Request,
    kiosk_id: Annotated[str, Path(min_length=1, max_length=64)],
    command: CommandRequest,
) -> IssuedCommand:
    issued = issue_command(storage_of(request), kiosk_id, command.kind, clock_of(request)())
    if issued is None:
        raise NotFound(f"no kiosk {kiosk_id!r} is registered")
    return issued


def kiosk_maintenance(
    request: Request,
    kiosk_id: Annotated[str, Path(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    action: Annotated[str | None, Query(max_length=48)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> MaintenanceEventList:
    events = list_events(
        storage_of(request), kiosk_id, limit=limit, action=action, before_id=before_id
    )
    if events is None:
        raise NotFound(f"no kiosk {kiosk_id!r} is registered")
    return MaintenanceEventList(kiosk_id=kiosk_id, events=events)


def kiosk_vouchers(
    request: Request,
    kiosk_id: Annotated[str, Path(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    txn_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> VoucherList:
    vouchers = list_vouchers(
        storage_of(request), kiosk_id, limit=limit, txn_id=txn_id, before_id=before_id
    )
    if vouchers is None:
        raise NotFound(f"no kiosk {kiosk_id!r} is registered")
    return vouchers


def _fleet_of(request: Request) -> Fleet:
    tz = cast(tzinfo, getattr(request.app.state, "fleet_tz", CHINA_STANDARD_TIME))
    storage_of(request).flush_seen()
    return build_fleet(storage_of(request), clock_of(request)(), tz)


def fleet(request: Request) -> Fleet:
    return _fleet_of(request)


def fleet_page(request: Request) -> HTMLResponse:
    tz = cast(tzinfo, getattr(request.app.state, "fleet_tz", CHINA_STANDARD_TIME))
    page = render_fleet(_fleet_of(request), tz)
    return HTMLResponse(page, headers=PAGE_HEADERS)


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
    document_errors(schema)
    app.openapi_schema = schema
    return schema


def build_api(
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> FastAPI:
    """The application without storage: enough for the OpenAPI document.

    Every request first passes the input policy (central.input_policy): bodies of at most
    `max_body_bytes` (`max_upload_bytes` for /v1/sync and /v1/logs), credentials before the
    body, strict JSON.
    """
    app = FastAPI(title=TITLE, version=API_VERSION, description=DESCRIPTION)
    app.add_api_route("/v1/health", health, methods=["GET"], tags=["health"])
    app.add_api_route(
        "/v1/sync",
        sync,
        methods=["POST"],
        tags=["kiosk"],
        description=SYNC_DESCRIPTION,
        response_model=SyncResponse,
    )
    app.add_api_route(
        "/v1/heartbeat",
        heartbeat,
        methods=["POST"],
        tags=["kiosk"],
        description=HEARTBEAT_DESCRIPTION,
    )
    ops = [Depends(require_ops)]
    app.add_api_route(
        "/v1/ops/topups",
        list_topups,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
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
        description="Registered kiosks and when each last made an authenticated request.",
    )
    app.add_api_route(
        "/v1/ops/kiosks/{kiosk_id}/commands",
        issue,
        methods=["POST"],
        status_code=201,
        tags=["ops"],
        dependencies=ops,
        responses=OPS_ERRORS,
        description=(
            "Issue a remote command to a kiosk: it is sent with the kiosk's heartbeat answers "
            "until the kiosk acknowledges it. 404 if no such kiosk is registered."
        ),
    )
    app.add_api_route(
        "/v1/ops/kiosks/{kiosk_id}/maintenance",
        kiosk_maintenance,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
        responses=OPS_ERRORS,
        description=(
            "A kiosk's maintenance events (sync kind maintenance.v1: technician logins, wrong "
            "PINs, lockouts, self-tests, cash collections with their counts per denomination, "
            "paper refills, out-of-service switches, remote commands), newest first: at most "
            "`limit`, optionally of one `action`, older than event `before_id` to page on. "
            "404 if no such kiosk is registered."
        ),
    )
    app.add_api_route(
        "/v1/ops/kiosks/{kiosk_id}/vouchers",
        kiosk_vouchers,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
        responses=OPS_ERRORS,
        description=(
            "A kiosk's vouchers (sync kind voucher.v1: money taken for a service the kiosk did "
            "not deliver, printed for the customer or made on boot after a crash), newest "
            "first: at most `limit`, optionally of one `txn_id`, older than voucher "
            "`before_id` to page on; `total_fen` sums the listed ones. Every voucher is "
            "`issued`: redeeming or voiding one is not part of this API yet. 404 if no such "
            "kiosk is registered."
        ),
    )
    app.add_api_route(
        "/v1/ops/fleet",
        fleet,
        methods=["GET"],
        tags=["ops"],
        dependencies=ops,
        description=(
            "Every kiosk as of its latest heartbeat: online (a heartbeat within 3 of its "
            "intervals) or offline, device alerts (level warning or error), queue backlog, "
            "cash in the box, today's top-ups (by their created_at in the fleet's time zone), "
            "with a summary. The data of the HTML page /ops/fleet."
        ),
    )
    app.add_api_route(
        "/ops/fleet",
        fleet_page,
        methods=["GET"],
        tags=["ops"],
        dependencies=[Depends(require_ops_page)],
        response_class=HTMLResponse,
        description=(
            "The fleet as an HTML page for a browser; the ops token goes in the Authorization "
            "header or the `token` query parameter."
        ),
    )
    app.include_router(business_router)
    app.include_router(logs_router)
    app.include_router(ops_console_router)
    install_error_handlers(app)
    app.add_middleware(
        InputPolicy,
        max_body_bytes=max_body_bytes,
        max_upload_bytes=max_upload_bytes,
        kiosk_check=kiosk_check,
    )
    app.openapi = lambda: _openapi_with_kinds(app)  # type: ignore[method-assign]
    return app


def create_app(
    db_url: str,
    ops_token: str,
    kiosks: Mapping[str, str],
    *,
    clock: Callable[[], datetime] = utcnow,
    fleet_tz: tzinfo = CHINA_STANDARD_TIME,
    seed: bool = False,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> FastAPI:
    """The full application over `db_url`, whose schema must be current (`python -m central
    migrate`): registers those of `kiosks` not registered yet (a registered kiosk keeps its
    token: only `central kiosk rotate` changes one).

    `clock` (aware datetimes) stamps heartbeats, commands and last_seen and decides who is
    offline; `fleet_tz` is the zone of the business day the fleet view counts top-ups in.
    `seed` fills an empty database with the demo business data (central/seed.py; normally
    the explicit `python -m central seed`).
    `max_body_bytes` / `max_upload_bytes` limit request bodies (central.input_policy).
    """
    storage = open_storage(db_url)
    try:
        add_missing(storage, kiosks)
        if seed:
            seed_demo(storage, clock())
    except SQLAlchemyError as exc:
        storage.close()
        raise StorageError(f"cannot register kiosks: {exc}") from None
    app = build_api(max_body_bytes=max_body_bytes, max_upload_bytes=max_upload_bytes)
    app.state.storage = storage
    app.state.ops_token_sha256 = hash_token(ops_token)
    app.state.clock = clock
    app.state.fleet_tz = fleet_tz
    return app
