"""Routes of the ops console's pages: /ops/console (overview), /ops/console/kiosks (list) and
/ops/console/kiosks/{kiosk_id}; the ops token as for /ops/fleet (Authorization header or the
`token` parameter, which the access log masks and the pages carry in their links).

No `from __future__ import annotations` here: FastAPI reads route signatures at runtime.
"""

from datetime import tzinfo
from typing import Annotated, Final, Literal, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from central.auth import clock_of, require_ops_page, storage_of
from central.error_answers import errors
from central.errors import NotFound
from central.fleet import CHINA_STANDARD_TIME
from central.ops_console import (
    AlertFilter,
    ListQuery,
    Scope,
    SortKey,
    Status,
    build_overview,
    group_param,
    list_kiosks,
)
from central.ops_i18n import LANG_COOKIE, Lang, pick_lang
from central.ops_kiosk import kiosk_detail
from central.ops_kiosk_page import render_kiosk
from central.ops_pages import Page, render_kiosk_list, render_overview

PAGE_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the URL may carry the token
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
MAX_PAGE: Final = 10_000
MAX_PAGE_SIZE: Final = 200
LangParam = Annotated[
    Literal["zh", "en"] | None,
    Query(description="language of the page (default: the `ops_lang` cookie, else Chinese)"),
]
Group = Annotated[
    str | None, Query(max_length=64, description="an exact name; `-`: kiosks that did not say")
]

# Pages for a browser, not part of the API contract: kept out of the OpenAPI document (as
# /ops/fleet's JSON twin /v1/ops/fleet is in it). Their 401 is the small HTML page.
router = APIRouter(tags=["ops"], dependencies=[Depends(require_ops_page)], include_in_schema=False)


def _page(request: Request, lang: Lang | None) -> Page:
    tz = cast(tzinfo, getattr(request.app.state, "fleet_tz", CHINA_STANDARD_TIME))
    chosen = pick_lang(lang, request.cookies.get(LANG_COOKIE))
    token = request.query_params.get("token") or None
    return Page(lang=chosen, token=token, tz=tz, now=clock_of(request)())


def _answer(html: str, lang: Lang | None) -> HTMLResponse:
    response = HTMLResponse(html, headers=PAGE_HEADERS)
    if lang is not None:  # remembered for the next visit without the parameter
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, path="/ops", httponly=True, samesite="strict"
        )
    return response


@router.get(
    "/ops/console",
    response_class=HTMLResponse,
    description=(
        "The ops console's overview (HTML, Chinese by default): kiosks online, out of service "
        "and offline, alerts by level, cash in boxes, today's payments and diversion rate, "
        "charts of the last 30 days, and the same per group one level down; optionally of one "
        "region, city in it or hall in that."
    ),
)
def console_overview(
    request: Request,
    lang: LangParam = None,
    region: Group = None,
    city: Group = None,
    hall: Group = None,
) -> HTMLResponse:
    page = _page(request, lang)
    storage_of(request).flush_seen()
    overview = build_overview(
        storage_of(request),
        page.now,
        page.tz,
        Scope(group_param(region), group_param(city), group_param(hall)),
    )
    return _answer(render_overview(page, overview), lang)


@router.get(
    "/ops/console/kiosks",
    response_class=HTMLResponse,
    description=(
        "The ops console's kiosk list (HTML): filtered by group, status, alert and software "
        "version, searched by id (a part of it, any case), sorted and paged."
    ),
)
def console_kiosks(
    request: Request,
    *,
    lang: LangParam = None,
    region: Group = None,
    city: Group = None,
    hall: Group = None,
    status: Status | None = None,
    alert: AlertFilter | None = None,
    version: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=64, description="part of a kiosk id")] = None,
    sort: SortKey = "id",
    order: Literal["asc", "desc"] = "asc",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> HTMLResponse:
    shown = _page(request, lang)
    query = ListQuery(
        scope=Scope(group_param(region), group_param(city), group_param(hall)),
        status=status,
        alert=alert,
        version=version,
        search=q or None,
        sort=sort,
        descending=order == "desc",
        page=page,
        size=size,
    )
    kiosks = list_kiosks(storage_of(request), shown.now, query)
    return _answer(render_kiosk_list(shown, kiosks), lang)


@router.get(
    "/ops/console/kiosks/{kiosk_id}",
    response_class=HTMLResponse,
    responses=errors(404),
    description=(
        "One kiosk in the ops console (HTML): devices and health timeline, outbox, cash box "
        "and collections, today's transactions, vouchers, maintenance log, remote commands "
        "and log uploads. 404 if no such kiosk is registered."
    ),
)
def console_kiosk(
    request: Request,
    kiosk_id: Annotated[str, Path(min_length=1, max_length=64)],
    lang: LangParam = None,
) -> HTMLResponse:
    page = _page(request, lang)
    detail = kiosk_detail(storage_of(request), kiosk_id, page.now, page.tz)
    if detail is None:
        raise NotFound(f"no kiosk {kiosk_id!r} is registered")
    return _answer(render_kiosk(page, detail), lang)
