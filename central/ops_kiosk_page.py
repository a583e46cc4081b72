"""The ops console's page of one kiosk: health (devices, timeline, events), outbox, cash box
and collections, today's transactions, vouchers, maintenance, remote commands, log uploads.
Server-rendered like central/ops_pages.py; no customer's number is shown unmasked."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from central.fleet_page import bytes_text, uptime_text, yuan
from central.ops_charts import Mark, health_strip
from central.ops_i18n import text
from central.ops_kiosk import HealthRow, KioskDetail
from central.ops_pages import BASE, Page, attr


def _table(table_id: str, page: Page, heads: list[str], rows: list[str], empty_key: str) -> str:
    if not rows:
        return f'<p id="{table_id}" class="muted" data-rows="0">{page.t(empty_key)}</p>'
    head = "".join(f"<th>{page.t(h)}</th>" for h in heads)
    return (
        f'<table id="{table_id}" data-rows="{len(rows)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _event_text(page: Page, event: HealthRow) -> str:
    if event.kind == "offline":
        return page.t("event.offline", duration=page.span(float(event.detail or 0)))
    if event.kind == "version":
        return page.t("event.version", detail=event.detail)
    if event.kind == "device":
        return page.t("event.device", device=event.subject, code=event.code)
    key = f"event.{event.code}"
    return page.t(key)


def _health(page: Page, detail: KioskDetail) -> str:
    view = detail.view
    alerts = "".join(
        f'<li class="{a.level}" data-device="{attr(a.device)}" data-level="{a.level}" '
        f'data-code="{attr(a.code)}">{escape(a.device)}: {escape(a.code)} '
        f"({page.t('level.' + a.level)})</li>"
        for a in view.alerts
    )
    alerts_html = (
        f'<ul id="alerts">{alerts}</ul>'
        if alerts
        else (f'<p id="alerts" class="muted">{page.t("kiosk.no_alerts")}</p>')
    )
    figures = []
    if view.uptime_s is not None:
        figures.append(f"{page.t('kiosk.uptime')}: {escape(uptime_text(view.uptime_s))}")
    if view.disk_free_ratio is not None and view.disk_free_bytes is not None:
        free = f"{view.disk_free_ratio * 100:.1f}% ({bytes_text(view.disk_free_bytes)})"
        figures.append(f"{page.t('kiosk.disk')}: {escape(free)}")
    errors = "".join(
        f"<li>{page.moment(e.at)} {escape(e.code)}: {escape(e.text)}</li>" for e in view.last_errors
    )
    errors_html = (
        f'<h3>{page.t("kiosk.errors")}</h3><ul id="errors">{errors}</ul>' if errors else ""
    )
    start = page.now - timedelta(hours=24)
    marks = []
    for event in detail.events:
        if event.at < start and event.kind != "offline":
            continue
        end = None
        if event.kind == "offline":
            end = event.at + timedelta(seconds=float(event.detail or 0))
            if end < start:
                continue
        level = "offline" if event.kind == "offline" else event.level
        marks.append(Mark(event.at, end, level, _plain_event(page, event)))
    strip = health_strip("timeline", text(page.lang, "kiosk.timeline"), start, page.now, marks)
    rows = [
        f'<tr data-kind="{attr(e.kind)}" data-level="{attr(e.level)}" data-code="{attr(e.code)}">'
        f'<td>{page.moment(e.at)}</td><td class="{attr(e.level)}">{_level(page, e.level)}</td>'
        f"<td>{_event_text(page, e)}</td></tr>"
        for e in detail.events
    ]
    events = _table("events", page, ["col.time", "col.level", "col.event"], rows, "kiosk.no_events")
    return (
        f"<h2>{page.t('kiosk.health')}</h2>{alerts_html}<p>{' · '.join(figures)}</p>{errors_html}"
        f"<h3>{page.t('kiosk.timeline')}</h3>{strip}<h3>{page.t('kiosk.events')}</h3>{events}"
    )


def _level(page: Page, level: str) -> str:
    return "OK" if level == "ok" else page.t(f"level.{level}")


def _plain_event(page: Page, event: HealthRow) -> str:
    """The event's text without markup (an SVG <title>, escaped again by the chart)."""
    from html import unescape

    return f"{event.at.astimezone(page.tz):%m-%d %H:%M} {unescape(_event_text(page, event))}"


def _queue(page: Page, detail: KioskDetail) -> str:
    queue = detail.view.queue
    if queue is None:
        return ""
    oldest = "-" if queue.oldest_pending_age_s is None else page.span(queue.oldest_pending_age_s)
    last = page.moment(queue.last_success_at)
    line = text(page.lang, "kiosk.queue_detail", pending=queue.pending, dead=queue.dead,
                oldest="\x00", last="\x01")  # fmt: skip
    line = escape(line).replace("\x00", oldest).replace("\x01", last)
    return (
        f'<h2>{page.t("kiosk.queue")}</h2><p id="queue" data-pending="{queue.pending}" '
        f'data-dead="{queue.dead}">{line}</p>'
    )


def _cash(page: Page, detail: KioskDetail) -> str:
    view = detail.view
    rows = [
        f'<tr data-denomination="{attr(d)}" data-count="{n}"><td>{escape(yuan(int(d)))}</td>'
        f'<td class="num">{n}</td></tr>'
        for d, n in view.cash_box.items()
    ]
    box = _table("cash-box", page, ["col.denomination", "col.count"], rows, "kiosk.no_transactions")
    collections = [
        f'<tr data-total-fen="{e.total_fen or 0}"><td>{page.moment(e.at)}</td>'
        f"<td>{escape(e.technician_id or text(page.lang, 'remote'))}</td>"
        f'<td class="num">{escape(yuan(e.total_fen or 0))}</td></tr>'
        for e in detail.collections
    ]
    collected = _table(
        "collections", page, ["col.time", "col.technician", "col.amount"], collections,
        "kiosk.no_maintenance",
    )  # fmt: skip
    return (
        f'<h2>{page.t("kiosk.cash")}</h2><p id="cash" data-fen="{view.cash_fen}">'
        f"{page.t('col.cash')}: <strong>{escape(yuan(view.cash_fen))}</strong></p>{box}"
        f"<h3>{page.t('kiosk.collections')}</h3>{collected}"
    )


def _name(page: Page, prefix: str, name: str) -> str:
    from central.ops_i18n import CATALOGUE

    key = f"{prefix}.{name}"
    return page.t(key) if key in CATALOGUE else escape(name)


def _transactions(page: Page, detail: KioskDetail) -> str:
    rows = [
        f'<tr data-service="{t.service}" data-method="{attr(t.method)}" '
        f'data-amount-fen="{t.amount_fen}"><td>{page.moment(t.at)}</td>'
        f"<td>{_name(page, 'service', t.service)}</td><td>{_name(page, 'method', t.method)}</td>"
        f'<td class="num">{escape(yuan(t.amount_fen))}</td><td>{escape(t.msisdn_masked)}</td>'
        f"<td>{escape(t.status)}</td></tr>"
        for t in detail.transactions
    ]
    heads = ["col.time", "col.service", "col.method", "col.amount", "col.number", "col.result"]
    view = detail.view
    rate = "-" if view.diversion_rate is None else f"{view.diversion_rate * 100:.1f}%"
    return (
        f'<h2>{page.t("kiosk.today")}</h2><p id="sessions" '
        f'data-started="{view.sessions_started_today}" '
        f'data-completed="{view.sessions_completed_today}">'
        + page.t(
            "overview.sessions",
            started=view.sessions_started_today,
            completed=view.sessions_completed_today,
        )
        + f" · {page.t('overview.diversion_today')} {rate}</p>"
        + _table("transactions", page, heads, rows, "kiosk.no_transactions")
    )


def _vouchers(page: Page, detail: KioskDetail) -> str:
    rows = [
        f'<tr data-voucher="{attr(v.voucher_no)}" data-amount-fen="{v.amount_fen}">'
        f"<td>{page.moment(v.created_at)}</td><td>{escape(v.voucher_no)}</td>"
        f'<td class="num">{escape(yuan(v.amount_fen))}</td><td>{escape(v.reason)}</td>'
        f"<td>{escape(v.msisdn_masked or '-')}</td></tr>"
        for v in detail.vouchers
    ]
    heads = ["col.time", "col.voucher", "col.amount", "col.reason", "col.number"]
    return f"<h2>{page.t('kiosk.vouchers')}</h2>" + _table(
        "vouchers", page, heads, rows, "kiosk.no_vouchers"
    )


def _maintenance(page: Page, detail: KioskDetail) -> str:
    rows = [
        f'<tr data-action="{attr(e.action)}"><td>{page.moment(e.at)}</td>'
        f"<td>{escape(e.action)}</td>"
        f"<td>{escape(e.technician_id or text(page.lang, 'remote'))}</td>"
        f'<td class="num">{escape(yuan(e.total_fen)) if e.total_fen is not None else ""}</td></tr>'
        for e in detail.maintenance
    ]
    heads = ["col.time", "col.action", "col.technician", "col.amount"]
    return f"<h2>{page.t('kiosk.maintenance')}</h2>" + _table(
        "maintenance", page, heads, rows, "kiosk.no_maintenance"
    )


def _commands(page: Page, detail: KioskDetail) -> str:
    pending = f'<span class="muted">{page.t("pending")}</span>'
    rows = [
        f'<tr data-kind="{attr(c.kind)}" data-acked="{"yes" if c.acked_at else "no"}">'
        f"<td>{escape(c.kind)}</td><td>{page.moment(c.issued_at)}</td>"
        f"<td>{page.moment(c.first_sent_at) if c.first_sent_at else pending}</td>"
        f"<td>{page.moment(c.acked_at) if c.acked_at else pending}</td></tr>"
        for c in detail.commands
    ]
    heads = ["col.command", "col.issued", "col.sent", "col.acked"]
    logs = [
        f"<tr><td>{page.moment(log.received_at)}</td><td>{escape(log.command_id or '-')}</td>"
        f'<td class="num">{log.lines}</td></tr>'
        for log in detail.logs
    ]
    return (
        f"<h2>{page.t('kiosk.commands')}</h2>"
        + _table("commands", page, heads, rows, "kiosk.no_commands")
        + f"<h2>{page.t('kiosk.logs')}</h2>"
        + _table("logs", page, ["col.time", "col.command", "col.lines"], logs, "kiosk.no_logs")
    )


def render_kiosk(page: Page, detail: KioskDetail) -> str:
    view = detail.view
    status = view.status
    if status == "online" and view.out_of_service:
        status = "out_of_service"  # type: ignore[assignment]
    if view.last_heartbeat_at is None:
        status = "never"  # type: ignore[assignment]
    place = ""
    if detail.place is not None:
        parts = [
            page.group_name(p) for p in (detail.place.region, detail.place.city, detail.place.hall)
        ]
        place = " / ".join(parts)
        if detail.place.location:
            place += f" · {escape(detail.place.location)}"
    title = text(page.lang, "kiosk.title", kiosk=view.kiosk_id)
    body = (
        f'<h2 id="kiosk" data-kiosk="{attr(view.kiosk_id)}" data-status="{status}">'
        f'{escape(title)} <span class="badge {status}">{page.t("status." + status)}</span></h2>'
        f'<p id="place">{place} · {page.t("col.version")} {escape(view.software_version or "-")}'
        f" · {page.t('col.last_seen')} {page.moment(view.last_heartbeat_at)}</p>"
        + _health(page, detail)
        + _queue(page, detail)
        + _cash(page, detail)
        + _transactions(page, detail)
        + _vouchers(page, detail)
        + _maintenance(page, detail)
        + _commands(page, detail)
    )
    switch = page.href(f"{BASE}/kiosks/{view.kiosk_id}", lang=page.other_lang())
    return page.layout(title, body, switch)
