"""The ops console's overview and kiosk list as server-rendered HTML: no script, every value
escaped, every text from the catalogue (central/ops_i18n.py) in the page's language.

Figures carry `id` / `data-*` attributes so tests and scrapers read exact values without
parsing the visible text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Final
from urllib.parse import urlencode

from central.fleet_page import yuan
from central.ops_charts import Series, rate_line, stacked_bars
from central.ops_console import (
    GROUP_LEVELS,
    Counts,
    KioskPage,
    ListQuery,
    Overview,
    Scope,
    param_of,
)
from central.ops_i18n import Lang, text

BASE: Final = "/ops/console"
METHOD_ORDER: Final = ("cash", "card", "qr")

STYLE: Final = """
body { font: 14px/1.45 "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
       margin: 0; color: #1a1a1a; background: #f6f7f9; }
header { background: #0d3b66; color: #fff; padding: .6em 1.2em; display: flex; gap: 1.2em;
         align-items: baseline; flex-wrap: wrap; }
header a { color: #fff; } header h1 { font-size: 1.2em; margin: 0; }
header .lang { margin-left: auto; }
main { padding: 1em 1.2em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; }
.card { background: #fff; border: 1px solid #dde; border-radius: 6px; padding: .6em .9em;
        min-width: 9em; }
.card .big { font-size: 1.5em; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { color: #555; font-size: .9em; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
          gap: .8em; }
.charts figure { background: #fff; border: 1px solid #dde; border-radius: 6px; margin: 0;
                 padding: .4em; }
figcaption { font-weight: 600; margin: 0 0 .2em .3em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e3e3e8; padding: .35em .55em; text-align: left;
         vertical-align: top; }
th { background: #eef0f4; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { border-radius: .6em; padding: 0 .5em; font-weight: 600; white-space: nowrap; }
.online { background: #d8f3dc; color: #1b5e20; } .offline { background: #f8d7da; color: #8b1a1a; }
.out_of_service { background: #fff3cd; color: #7a5200; } .never { background: #eee; color: #555; }
.error { color: #8b1a1a; font-weight: 600; } .warning { color: #7a5200; }
.unknown { color: #555; font-style: italic; } .muted { color: #777; }
form.filters { display: flex; flex-wrap: wrap; gap: .5em; align-items: end; margin: 0 0 .8em; }
form.filters label { display: flex; flex-direction: column; font-size: .85em; color: #444; }
nav.pager { margin: .6em 0; display: flex; gap: 1em; }
.note { color: #555; font-size: .9em; max-width: 60em; }
"""


def attr(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class Page:
    """What every page of the console needs: language, the token to carry in links when the
    browser gave it as a parameter, the time zone shown and the moment of rendering."""

    lang: Lang
    token: str | None
    tz: tzinfo
    now: datetime

    def t(self, key: str, **values: object) -> str:
        return escape(text(self.lang, key, **values))

    def href(
        self, path: str, params: Mapping[str, object] | None = None, *, lang: Lang | None = None
    ) -> str:
        """A link within the console, keeping the language and the token if one was given."""
        given = params or {}
        query: dict[str, str] = {k: str(v) for k, v in given.items() if v not in (None, "")}
        query["lang"] = lang or self.lang
        if self.token:
            query["token"] = self.token
        return attr(f"{path}?{urlencode(query)}")

    def hidden_inputs(self) -> str:
        fields = f'<input type="hidden" name="lang" value="{self.lang}">'
        if self.token:
            fields += f'<input type="hidden" name="token" value="{attr(self.token)}">'
        return fields

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return f'<span class="muted">{self.t("never")}</span>'
        shown = value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")
        return (
            f'<time datetime="{attr(value.isoformat())}">{escape(shown)}</time> '
            f'<span class="muted">({self.ago((self.now - value).total_seconds())})</span>'
        )

    def ago(self, seconds: float) -> str:
        n = max(0, int(seconds))
        if n < 120:
            return self.t("ago.s", n=n)
        if n < 7200:
            return self.t("ago.min", n=n // 60)
        if n < 172800:
            return self.t("ago.h", n=n // 3600)
        return self.t("ago.d", n=n // 86400)

    def span(self, seconds: float) -> str:
        n = max(0, int(seconds))
        if n < 120:
            return self.t("span.s", n=n)
        if n < 3600:
            return self.t("span.min", n=n // 60)
        if n < 86400:
            return self.t("span.h", n=n // 3600, m=n % 3600 // 60)
        return self.t("span.d", n=n // 86400, h=n % 86400 // 3600)

    def group_name(self, name: str) -> str:
        return escape(name) if name else self.t("scope.unassigned")

    def layout(self, title: str, body: str, switch_href: str) -> str:
        html_lang = "zh-CN" if self.lang == "zh" else "en"
        generated = self.now.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")
        return f"""<!DOCTYPE html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {self.t("app.title")}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{self.t("app.title")}</h1>
<a id="nav-overview" href="{self.href(BASE)}">{self.t("nav.overview")}</a>
<a id="nav-kiosks" href="{self.href(BASE + "/kiosks")}">{self.t("nav.kiosks")}</a>
<a id="lang-switch" class="lang" href="{switch_href}">{self.t("nav.switch")}</a></header>
<main>
{body}
<p class="note">{self.t("generated", at=generated)}</p>
</main>
</body>
</html>
"""

    def other_lang(self) -> Lang:
        return "en" if self.lang == "zh" else "zh"


def _scope_params(scope: Scope) -> dict[str, object]:
    return {
        level: param_of(value) for level, value in zip(GROUP_LEVELS, scope.values(), strict=True)
    }


def _status_cards(page: Page, counts: Counts) -> str:
    cards = []
    for key, value in (
        ("overview.kiosks", counts.kiosks),
        ("status.online", counts.online),
        ("status.out_of_service", counts.out_of_service),
        ("status.offline", counts.offline),
        ("status.never", counts.never),
    ):
        name = key.split(".")[1]
        cards.append(
            f'<div class="card" id="count-{name}" data-value="{value}">'
            f'<div class="sub">{page.t(key)}</div><div class="big">{value:,}</div></div>'
        )
    alerts = "".join(
        f'<div class="card" id="alerts-{level}" data-value="{counts.alerts.get(level, 0)}" '
        f'data-kiosks="{counts.kiosks_alerting.get(level, 0)}"><div class="sub {level}">'
        f'{page.t("level." + level)}</div><div class="big">{counts.alerts.get(level, 0):,}</div>'
        f'<div class="sub">{page.t("overview.kiosks_with", n=counts.kiosks_alerting.get(level, 0))}'
        "</div></div>"
        for level in ("error", "warning", "unknown")
    )
    cash = (
        f'<div class="card" id="cash" data-fen="{counts.cash_fen}"><div class="sub">'
        f'{page.t("overview.cash")}</div><div class="big">{escape(yuan(counts.cash_fen))}</div>'
        f'<div class="sub" id="queue" data-pending="{counts.queue_pending}" '
        f'data-dead="{counts.queue_dead}">'
        + page.t("overview.queue", pending=counts.queue_pending, dead=counts.queue_dead)
        + "</div></div>"
    )
    return (
        f'<div class="cards" id="counts">{"".join(cards)}</div>'
        f"<h2>{page.t('overview.alerts')}</h2>"
        f'<div class="cards">{alerts}{cash}</div>'
    )


def _today_cards(page: Page, overview: Overview) -> str:
    day = overview.today_figures
    paid = day.paid
    rate_text = "-" if day.diversion_rate is None else f"{day.diversion_rate * 100:.1f}%"
    rate_value = "" if day.diversion_rate is None else f"{day.diversion_rate:.4f}"
    services = "".join(
        f'<div class="card" data-service="{attr(name)}" data-count="{cell.count}" '
        f'data-fen="{cell.amount_fen}"><div class="sub">{_service_name(page, name)}</div>'
        f'<div class="big">{escape(yuan(cell.amount_fen))}</div>'
        f'<div class="sub">{cell.count:,}</div></div>'
        for name, cell in overview.today_by_service.items()
    )
    return (
        f"<h2>{page.t('overview.today')}</h2>"
        f'<div class="cards" id="today" data-count="{paid.count}" data-fen="{paid.amount_fen}" '
        f'data-started="{day.started}" data-completed="{day.completed}" '
        f'data-diversion-rate="{rate_value}">'
        f'<div class="card"><div class="sub">{page.t("overview.today")}</div>'
        f'<div class="big">{escape(yuan(paid.amount_fen))}</div><div class="sub">'
        f"{page.t('overview.payments', count=f'{paid.count:,}', amount=yuan(paid.amount_fen))}"
        "</div></div>"
        f'<div class="card"><div class="sub">{page.t("overview.diversion_today")}</div>'
        f'<div class="big">{rate_text}</div><div class="sub">'
        f"{page.t('overview.sessions', started=day.started, completed=day.completed)}</div></div>"
        f"{services}</div>"
    )


def _service_name(page: Page, name: str) -> str:
    key = f"service.{name}"
    return page.t(key) if key in _catalogue_keys() else escape(name)


def _method_name(page: Page, name: str) -> str:
    key = f"method.{name}"
    return page.t(key) if key in _catalogue_keys() else escape(name)


def _catalogue_keys() -> frozenset[str]:
    from central.ops_i18n import CATALOGUE

    return frozenset(CATALOGUE)


def _charts(page: Page, overview: Overview) -> str:
    days = [d.day for d in overview.days]
    present = {m for d in overview.days for m in d.methods}
    methods: list[str] = [m for m in METHOD_ORDER if m in present or m in ("cash", "card")]
    methods += sorted(present - set(methods))
    amounts = [
        Series(m, text(page.lang, f"method.{m}") if m in METHOD_ORDER else m,
               [d.methods.get(m, _ZERO).amount_fen for d in overview.days])
        for m in methods
    ]  # fmt: skip
    counts = [
        Series(s.name, s.label, [d.methods.get(s.name, _ZERO).count for d in overview.days])
        for s in amounts
    ]
    empty = text(page.lang, "chart.empty")
    amount_chart = stacked_bars(
        "chart-amount", text(page.lang, "chart.amount"), days, amounts,
        value_text=_short_yuan, empty_text=empty,
    )  # fmt: skip
    count_chart = stacked_bars(
        "chart-count", text(page.lang, "chart.count"), days, counts,
        value_text=lambda n: f"{n:,}", empty_text=empty,
    )  # fmt: skip
    rates = [d.diversion_rate for d in overview.days]
    rate_chart = rate_line(
        "chart-diversion", text(page.lang, "chart.diversion"), days, rates, empty
    )
    return (
        '<div class="charts">'
        f"<figure><figcaption>{page.t('chart.amount')}</figcaption>{amount_chart}</figure>"
        f"<figure><figcaption>{page.t('chart.count')}</figcaption>{count_chart}</figure>"
        f"<figure><figcaption>{page.t('chart.diversion')}</figcaption>{rate_chart}"
        f'<p class="note">{page.t("diversion.note")}</p></figure>'
        "</div>"
    )


def _short_yuan(fen: int) -> str:
    """Axis labels: whole yuan, in 万 (10,000) above 100,000 yuan."""
    whole = fen // 100
    if whole >= 100_000:
        return f"¥{whole / 10_000:,.0f}万"
    return f"¥{whole:,}"


class _Zero:
    count = 0
    amount_fen = 0


_ZERO: Final = _Zero()


def _groups_table(page: Page, overview: Overview) -> str:
    level = overview.child_level
    if level is None or not overview.groups:
        return ""
    head = "".join(
        f"<th>{page.t(k)}</th>"
        for k in ("col.group", "col.kiosks", "col.online", "col.alerts", "col.cash",
                  "col.today_amount", "col.month_amount", "col.diversion")
    )  # fmt: skip
    rows = []
    for group in overview.groups:
        params = _scope_params(overview.scope) | {level: param_of(group.name)}
        link = page.href(BASE, params)
        alerts = sum(group.counts.alerts.values())
        rate = "-" if group.diversion_rate is None else f"{group.diversion_rate * 100:.1f}%"
        rows.append(
            f'<tr data-group="{attr(group.name)}" data-kiosks="{group.counts.kiosks}" '
            f'data-online="{group.counts.online}" data-today-fen="{group.today.amount_fen}" '
            f'data-month-fen="{group.month.amount_fen}">'
            f'<td><a href="{link}">{page.group_name(group.name)}</a></td>'
            f'<td class="num">{group.counts.kiosks:,}</td>'
            f'<td class="num">{group.counts.online:,}</td>'
            f'<td class="num">{alerts:,}</td>'
            f'<td class="num">{escape(yuan(group.counts.cash_fen))}</td>'
            f'<td class="num">{escape(yuan(group.today.amount_fen))}</td>'
            f'<td class="num">{escape(yuan(group.month.amount_fen))}</td>'
            f'<td class="num">{rate}</td></tr>'
        )
    return (
        f"<h2>{page.t('overview.groups')} · {page.t('list.' + level)}</h2>"
        f'<table id="groups" data-level="{level}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _breadcrumb(page: Page, scope: Scope) -> str:
    parts = [f'<a href="{page.href(BASE)}">{page.t("scope.all")}</a>']
    chosen: dict[str, object] = {}
    for level, value in zip(GROUP_LEVELS, scope.values(), strict=True):
        if value is None:
            break
        chosen[level] = param_of(value)
        parts.append(f'<a href="{page.href(BASE, chosen)}">{page.group_name(value)}</a>')
    return f'<p id="scope">{page.t("scope.label")}: {" › ".join(parts)}</p>'


def render_overview(page: Page, overview: Overview) -> str:
    scope = overview.scope
    body = (
        f"<h2>{page.t('overview.title')}</h2>"
        + _breadcrumb(page, scope)
        + _status_cards(page, overview.counts)
        + _today_cards(page, overview)
        + _charts(page, overview)
        + _groups_table(page, overview)
    )
    switch = page.href(BASE, _scope_params(scope), lang=page.other_lang())
    return page.layout(text(page.lang, "overview.title"), body, switch)


def _list_params(query: ListQuery, **changes: object) -> dict[str, object]:
    params: dict[str, object] = _scope_params(query.scope) | {
        "status": query.status,
        "alert": query.alert,
        "version": query.version,
        "q": query.search,
        "sort": query.sort if query.sort != "id" else None,
        "order": "desc" if query.descending else None,
        "page": query.page if query.page != 1 else None,
        "size": query.size if query.size != ListQuery().size else None,
    }
    params.update(changes)
    return params


def _select(
    name: str, label: str, options: list[tuple[str, str]], chosen: str | None, any_text: str
) -> str:
    items = [f'<option value=""{" selected" if chosen is None else ""}>{any_text}</option>']
    items += [
        f'<option value="{attr(value)}"{" selected" if value == chosen else ""}>{shown}</option>'
        for value, shown in options
    ]
    return f'<label>{label}<select name="{name}">{"".join(items)}</select></label>'


def _groups_of(page: Page, names: list[str]) -> list[tuple[str, str]]:
    return [(param_of(name) or "", page.group_name(name)) for name in names]


def _filters(page: Page, kiosks: KioskPage) -> str:
    query = kiosks.query
    any_text = page.t("list.any")
    statuses = [
        (s, page.t(f"status.{s}")) for s in ("online", "out_of_service", "offline", "never")
    ]
    alerts = [(a, page.t(f"alert.{a}")) for a in ("any", "error", "warning", "none", "dead")]
    versions = [(v, escape(v)) for v in kiosks.versions]
    regions = sorted({p[0] for p in kiosks.places})
    cities = sorted({p[1] for p in kiosks.places if query.scope.region in (None, p[0])})
    halls = sorted(
        {
            p[2]
            for p in kiosks.places
            if query.scope.region in (None, p[0]) and query.scope.city in (None, p[1])
        }
    )
    search = attr(query.search or "")
    return (
        f'<form class="filters" method="get" action="{BASE}/kiosks">{page.hidden_inputs()}'
        f'<label>{page.t("list.search")}<input name="q" value="{search}" maxlength="64"></label>'
        + _select("region", page.t("list.region"), _groups_of(page, regions),
                  param_of(query.scope.region), any_text)
        + _select("city", page.t("list.city"), _groups_of(page, cities),
                  param_of(query.scope.city), any_text)
        + _select("hall", page.t("list.hall"), _groups_of(page, halls),
                  param_of(query.scope.hall), any_text)
        + _select("status", page.t("list.status"), statuses, query.status, any_text)
        + _select("alert", page.t("list.alert"), alerts, query.alert, any_text)
        + _select("version", page.t("list.version"), versions, query.version, any_text)
        + f'<button type="submit">{page.t("list.filter")}</button></form>'
    )  # fmt: skip


def _sort_head(page: Page, query: ListQuery, key: str, label_key: str) -> str:
    descending = query.sort == key and not query.descending
    params = _list_params(query, sort=key, order="desc" if descending else None, page=None)
    arrow = ""
    if query.sort == key:
        arrow = " ▼" if query.descending else " ▲"
    return (
        f'<th><a href="{page.href(BASE + "/kiosks", params)}">{page.t(label_key)}{arrow}</a></th>'
    )


def render_kiosk_list(page: Page, kiosks: KioskPage) -> str:
    query = kiosks.query
    head = "".join(
        _sort_head(page, query, key, label)
        for key, label in (
            ("id", "col.kiosk"), ("status", "col.status"), ("place", "col.place"),
            ("version", "col.version"), ("last_seen", "col.last_seen"), ("alerts", "col.alerts"),
            ("cash", "col.cash"), ("queue", "col.queue"),
        )
    )  # fmt: skip
    rows = []
    for row in kiosks.rows:
        place = " / ".join(page.group_name(p) for p in (row.region, row.city, row.hall))
        if row.location:
            place += f' <span class="muted">{escape(row.location)}</span>'
        alerts = " ".join(
            f'<span class="{level}" data-level="{level}" data-count="{n}">'
            f"{page.t('level.' + level)} {n}</span>"
            for level, n in row.alerts.items()
            if n
        )
        queue = "-" if row.queue_pending is None else f"{row.queue_pending} / {row.queue_dead}"
        link = page.href(f"{BASE}/kiosks/{row.kiosk_id}")
        rows.append(
            f'<tr data-kiosk="{attr(row.kiosk_id)}" data-status="{row.status}" '
            f'data-version="{attr(row.software_version or "")}" data-cash-fen="{row.cash_fen}">'
            f'<td><a href="{link}">{escape(row.kiosk_id)}</a></td>'
            f'<td><span class="badge {row.status}">{page.t("status." + row.status)}</span></td>'
            f"<td>{place}</td><td>{escape(row.software_version or '-')}</td>"
            f"<td>{page.moment(row.last_heartbeat_at)}</td><td>{alerts or '-'}</td>"
            f'<td class="num">{escape(yuan(row.cash_fen))}</td><td class="num">{queue}</td></tr>'
        )
    if not rows:
        rows.append(f'<tr><td colspan="8" class="muted">{page.t("list.none")}</td></tr>')
    found = page.t("list.found", total=f"{kiosks.total:,}", page=query.page, pages=kiosks.pages)
    pager = [
        f'<span id="found" data-total="{kiosks.total}" data-page="{query.page}" '
        f'data-pages="{kiosks.pages}">{found}</span>'
    ]
    if query.page > 1:
        prev = page.href(BASE + "/kiosks", _list_params(query, page=query.page - 1))
        pager.append(f'<a id="prev" rel="prev" href="{prev}">{page.t("list.prev")}</a>')
    if query.page < kiosks.pages:
        nxt = page.href(BASE + "/kiosks", _list_params(query, page=query.page + 1))
        pager.append(f'<a id="next" rel="next" href="{nxt}">{page.t("list.next")}</a>')
    body = (
        f"<h2>{page.t('list.title')}</h2>"
        + _filters(page, kiosks)
        + f'<nav class="pager">{"".join(pager)}</nav>'
        + f'<table id="kiosks"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    switch = page.href(BASE + "/kiosks", _list_params(query), lang=page.other_lang())
    return page.layout(text(page.lang, "list.title"), body, switch)
