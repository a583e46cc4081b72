"""One error body for every non-2xx JSON answer, `{detail, code, data}` (BusinessErrorBody):
the exception handlers that write it, and the OpenAPI responses that document it per route.

Stable codes besides the business ones (customer_auth, accounts, sim_sale...):
`auth.missing` / `auth.invalid` (401, the kiosk's or ops' credentials), `request.invalid`
(422, `data.errors` = [{loc, msg}] — never the submitted values: they may be an ID number or a
password), `request.bad_json` / `request.bad_url` (400, central.input_policy),
`request.too_large` (413), `not_found` (404), `method_not_allowed` (405),
`storage.unavailable` (503), `internal` (500).
"""

from __future__ import annotations

import html
import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.business_routes import business_error
from central.business_schemas import BusinessErrorBody
from central.errors import AuthError, BusinessError, NotFound, PageAuthError
from central.input_policy import route_kind

log = logging.getLogger("central")

ERROR_SCHEMA: Final = {"$ref": "#/components/schemas/BusinessErrorBody"}
MAX_LOC_TEXT = 64  # a loc may hold a submitted key (an unknown field): shown cut short
DESCRIPTIONS: Final = {
    400: "Not taken: the body is not strict JSON (`request.bad_json`: NaN, Infinity, a lone "
    "surrogate, NUL, invalid UTF-8) or the path or query holds NUL or invalid UTF-8 "
    "(`request.bad_url`). The value is never echoed.",
    401: "Missing (`auth.missing`) or wrong (`auth.invalid`) credentials",
    403: "Refused for a business reason (`code`)",
    404: "No such resource (`not_found` or a business `code`)",
    409: "Conflicts with the current state (`code`)",
    410: "No longer usable (`code`)",
    413: "The body is larger than central takes (`request.too_large`)",
    422: "Invalid request (`request.invalid`, `data.errors` = [{loc, msg}] without the "
    "submitted values) or a business refusal (`code`)",
    423: "Locked (`code`, `data.locked_until`)",
    429: "Too soon (`code`, `data.retry_after_s`)",
    503: "Storage unavailable (`storage.unavailable`) or nothing left to issue (`code`); retry",
}
_HTTP_CODES: Final = {404: "not_found", 405: "method_not_allowed"}
UNAUTHORIZED_PAGE: Final = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>401 需要登录 Unauthorized</title></head>
<body><h1>需要运维令牌 · Ops token required</h1>
<p>{zh}</p><p>{en}</p></body></html>
"""


def error_body(
    status: int,
    code: str,
    detail: str,
    data: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = BusinessErrorBody(detail=detail, code=code, data=data or {})
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route that can refuse with these statuses (the general ones —
    400, 401, 413, 422, 503 — are added to every route by `document_errors`)."""
    return {s: {"model": BusinessErrorBody, "description": DESCRIPTIONS[s]} for s in statuses}


async def _auth_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthError)
    return error_body(401, exc.code, str(exc), headers={"WWW-Authenticate": "Bearer"})


async def _page_auth_error(_request: Request, exc: Exception) -> Response:
    """The fleet page is read in a browser: a small page, not JSON, and no token in it."""
    assert isinstance(exc, PageAuthError)
    if exc.code == "auth.missing":
        zh, en = "请提供运维令牌。", "The ops token is missing."
    else:
        zh, en = "运维令牌无效。", "The ops token is not valid."
    page = UNAUTHORIZED_PAGE.format(zh=html.escape(zh), en=html.escape(en))
    headers = {"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"}
    return HTMLResponse(page, status_code=401, headers=headers)


async def _not_found(_request: Request, exc: Exception) -> Response:
    return error_body(404, "not_found", str(exc))


def _loc(parts: tuple[int | str, ...] | list[int | str]) -> list[int | str]:
    return [p[:MAX_LOC_TEXT] if isinstance(p, str) else p for p in parts]


async def _validation_error(_request: Request, exc: Exception) -> Response:
    """422 with where and why of each error; never `input` or `ctx`, which echo the value."""
    assert isinstance(exc, RequestValidationError)
    found = [{"loc": _loc(error["loc"]), "msg": str(error["msg"])} for error in exc.errors()]
    where = ", ".join(".".join(str(p) for p in item["loc"]) for item in found[:3])
    return error_body(422, "request.invalid", f"invalid request: {where}", {"errors": found})


async def _http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own answers (unknown path, method not allowed) in the one error body."""
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http.{exc.status_code}")
    headers = dict(exc.headers or {})
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    return error_body(exc.status_code, code, str(exc.detail), headers=headers)


async def _storage_error(_request: Request, exc: Exception) -> Response:
    log.error("storage unavailable: %s", exc)
    return error_body(503, "storage.unavailable", "storage unavailable, retry later")


async def _internal_error(_request: Request, exc: Exception) -> Response:
    log.error("unhandled error: %r", exc)
    return error_body(500, "internal", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(PageAuthError, _page_auth_error)
    app.add_exception_handler(BusinessError, business_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _storage_error)
    app.add_exception_handler(Exception, _internal_error)


def _can_refuse(parameter: dict[str, Any]) -> bool:
    """Whether a parameter's value can fail validation (422): required, or constrained."""
    if parameter.get("required"):
        return True
    schema = parameter.get("schema", {})
    options = schema.get("anyOf", [schema])
    plain = {"type": "string"}
    return any(
        {k: v for k, v in option.items() if k not in ("title", "description")}
        not in (plain, {"type": "null"})
        for option in options
    )


def _json_error(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }


def document_errors(schema: dict[str, Any]) -> None:
    """Give every operation exactly the error statuses it can answer with, each with the one
    error body: 400 and 413 (input policy) everywhere, 401 where credentials are needed, 422
    where a parameter or body can be invalid, 503 where storage is read; plus the ones its
    route named (404, business refusals). FastAPI's own 422 model is dropped."""
    for path, operations in schema.get("paths", {}).items():
        kind = route_kind(path)
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if "HTTPValidationError" in str(responses.get("422")):
                del responses["422"]  # FastAPI's guess; whether 422 applies is decided below
            statuses = {400, 413}
            if kind is not None:
                statuses |= {401, 503}
            parameters = operation.get("parameters", [])
            if "requestBody" in operation or any(_can_refuse(p) for p in parameters):
                statuses.add(422)
            statuses |= {int(s) for s in responses if s[0] in "45"}
            for status in sorted(statuses):
                responses[str(status)] = _json_error(status)
            if kind == "page":
                responses["401"] = {
                    "description": "The ops token is missing or wrong: a small HTML page",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            operation["responses"] = dict(sorted(responses.items()))
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    components["BusinessErrorBody"] = BusinessErrorBody.model_json_schema()
