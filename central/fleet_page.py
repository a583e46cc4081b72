"""The ops fleet page: plain server-rendered HTML, no script; every value is escaped.

Rows and the summary carry `id` and `data-*` attributes so tests and scrapers read the values
without parsing the visible text.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from central.fleet_schemas import Fleet, FleetKiosk, ServiceVolume

REFRESH_S = 30

STYLE = """
body { font: 14px/1.4 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       margin: 1.5em; color: #1a1a1a; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: .5em 0 .2em; }
#summary { font-size: 1.1em; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .35em .6em; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr[data-status="offline"] { background: #fdecec; }
.badge { border-radius: .6em; padding: 0 .5em; font-weight: 600; }
.online { background: #d8f3dc; color: #1b5e20; }
.offline { background: #f8d7da; color: #8b1a1a; }
.oos { background: #fff3cd; color: #7a5200; }
ul.alerts { margin: 0; padding-left: 1.1em; }
li[data-level="error"] { color: #8b1a1a; font-weight: 600; }
li[data-level="warning"] { color: #7a5200; }
li[data-level="unknown"] { color: #555; font-style: italic; }
.muted { color: #777; }
"""


def attr(value: object) -> str:
    """A value escaped for a double-quoted attribute."""
    return escape(str(value), quote=True)


def yuan(fen: int) -> str:
    """Integer fen as yuan, e.g. 123456 → ¥1,234.56 (integer arithmetic only)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    if seconds < 172800:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def moment(value: datetime | None, now: datetime, tz: tzinfo) -> str:
    if value is None:
        return '<span class="muted">never</span>'
    shown = value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    age = age_text((now - value).total_seconds())
    return f'<time datetime="{attr(value.isoformat())}">{escape(shown)}</time> ({escape(age)})'


def _status_cell(kiosk: FleetKiosk) -> str:
    return f'<span class="badge {kiosk.status}">{kiosk.status}</span>'


def _service_cell(kiosk: FleetKiosk) -> str:
    if kiosk.out_of_service is None:
        return '<span class="muted">unknown</span>'
    if kiosk.out_of_service:
        return '<span class="badge oos">out of service</span>'
    return "in service"


def _alerts_cell(kiosk: FleetKiosk) -> str:
    if not kiosk.alerts:
        return '<span class="muted">none</span>'
    items = "".join(
        f'<li data-device="{attr(a.device)}" data-level="{attr(a.level)}" '
        f'data-code="{attr(a.code)}">{escape(a.device)}: {escape(a.code)} '
        f'<span class="muted">({escape(a.level)})</span></li>'
        for a in kiosk.alerts
    )
    return f'<ul class="alerts">{items}</ul>'


def _queue_cell(kiosk: FleetKiosk) -> str:
    queue = kiosk.queue
    if queue is None:
        return '<span class="muted">unknown</span>'
    oldest = "-" if queue.oldest_pending_age_s is None else age_text(queue.oldest_pending_age_s)
    return (
        f'<span data-pending="{queue.pending}" data-dead="{queue.dead}">'
        f"{queue.pending} pending, {queue.dead} dead, oldest {escape(oldest)}</span>"
    )


def uptime_text(seconds: int) -> str:
    days, rest = divmod(max(0, seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {rest // 60} min"
    return f"{rest // 60} min"


def bytes_text(count: int) -> str:
    """Binary units, one decimal: 1536 MiB → 1.5 GiB."""
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def _uptime_cell(kiosk: FleetKiosk) -> str:
    if kiosk.uptime_s is None:
        return '<span class="muted">-</span>'
    return f'<span data-uptime-s="{kiosk.uptime_s}">{escape(uptime_text(kiosk.uptime_s))}</span>'


def _disk_cell(kiosk: FleetKiosk) -> str:
    ratio = kiosk.disk_free_ratio
    if ratio is None or kiosk.disk_free_bytes is None:
        return '<span class="muted">-</span>'
    return (
        f'<span data-disk-free-bytes="{kiosk.disk_free_bytes}" '
        f'data-disk-total-bytes="{kiosk.disk_total_bytes}" data-disk-free-ratio="{ratio:.4f}">'
        f"{ratio * 100:.1f}% free ({escape(bytes_text(kiosk.disk_free_bytes))})</span>"
    )


def _error_cell(kiosk: FleetKiosk, now: datetime, tz: tzinfo) -> str:
    if not kiosk.last_errors:
        return '<span class="muted">none</span>'
    latest = kiosk.last_errors[0]
    more = len(kiosk.last_errors) - 1
    others = "".join(f"\n{e.at.isoformat()} {e.code}: {e.text}" for e in kiosk.last_errors[1:])
    title = f' title="{attr(others.strip())}"' if others else ""
    return (
        f'<span data-error-code="{attr(latest.code)}" data-errors="{len(kiosk.last_errors)}"'
        f"{title}>{escape(latest.code)}: {escape(latest.text)}</span> "
        f'<span class="muted">{moment(latest.at, now, tz)}'
        f"{f' (+{more} earlier)' if more else ''}</span>"
    )


def _delivery_cell(kiosk: FleetKiosk, now: datetime, tz: tzinfo) -> str:
    if kiosk.queue is None or kiosk.queue.last_success_at is None:
        return '<span class="muted">-</span>'
    return moment(kiosk.queue.last_success_at, now, tz)


def _maintenance_cell(kiosk: FleetKiosk, now: datetime, tz: tzinfo) -> str:
    """The last few maintenance events: action, who, cash collected, when."""
    if not kiosk.recent_maintenance:
        return '<span class="muted">none</span>'
    items = []
    for event in kiosk.recent_maintenance:
        who = event.technician_id or "remote/system"
        data = f'data-action="{attr(event.action)}" data-technician="{attr(who)}"'
        cash = ""
        if event.total_fen is not None:
            data += f' data-total-fen="{event.total_fen}"'
            counts = ", ".join(f"{yuan(int(d))}×{n}" for d, n in (event.cash_counts or {}).items())
            cash = f" {yuan(event.total_fen)} ({counts})"
        items.append(
            f"<li {data}>{escape(event.action)} by {escape(who)}{escape(cash)} "
            f'<span class="muted">{moment(event.at, now, tz)}</span></li>'
        )
    return f'<ul class="alerts">{"".join(items)}</ul>'


def _cash_cell(kiosk: FleetKiosk) -> str:
    detail = ", ".join(f"{yuan(int(d))}×{n}" for d, n in kiosk.cash_box.items() if n)
    title = f' title="{attr(detail)}"' if detail else ""
    return f"<span{title}>{escape(yuan(kiosk.cash_fen))}</span>"


SERVICE_NAMES = {
    "topup_cash": "top-up (cash)",
    "topup_card": "top-up (card)",
    "sim_sale": "SIM sale",
    "sim_replacement": "SIM replacement",
    "plan_change": "plan change",
    "service_change": "service on/off",
}


def volume_text(volume: list[ServiceVolume]) -> str:
    if not volume:
        return '<span class="muted">none</span>'
    items = "".join(
        f'<li data-service="{attr(v.service)}" data-count="{v.count}" '
        f'data-amount-fen="{v.amount_fen}">{escape(SERVICE_NAMES.get(v.service, v.service))}: '
        f"{v.count}{(' / ' + escape(yuan(v.amount_fen))) if v.amount_fen else ''}</li>"
        for v in volume
    )
    return f'<ul class="alerts">{items}</ul>'


def rate_text(rate: float | None) -> str:
    return '<span class="muted">-</span>' if rate is None else f"{rate * 100:.1f}%"


def _row(kiosk: FleetKiosk, now: datetime, tz: tzinfo) -> str:
    oos = "unknown" if kiosk.out_of_service is None else str(kiosk.out_of_service).lower()
    version = kiosk.software_version
    version_cell = '<span class="muted">-</span>' if version is None else escape(version)
    attributes = (
        f'id="kiosk-{attr(kiosk.kiosk_id)}" data-kiosk="{attr(kiosk.kiosk_id)}" '
        f'data-status="{kiosk.status}" data-out-of-service="{oos}" '
        f'data-alerts="{len(kiosk.alerts)}" data-cash-fen="{kiosk.cash_fen}" '
        f'data-topups-today="{kiosk.topups_today}" '
        f'data-topups-today-fen="{kiosk.topups_today_fen}" '
        f'data-diversion-rate="{"" if kiosk.diversion_rate is None else kiosk.diversion_rate}"'
    )
    sessions = (
        f'<span title="{kiosk.sessions_completed_today} of {kiosk.sessions_started_today} '
        f'customer sessions completed">{rate_text(kiosk.diversion_rate)}</span>'
    )
    cells = [
        f"<th scope=row>{escape(kiosk.kiosk_id)}</th>",
        f"<td>{_status_cell(kiosk)}</td>",
        f"<td>{moment(kiosk.last_seen, now, tz)}</td>",
        f"<td>{moment(kiosk.last_heartbeat_at, now, tz)}</td>",
        f"<td>{_service_cell(kiosk)}</td>",
        f"<td>{_alerts_cell(kiosk)}</td>",
        f"<td>{_queue_cell(kiosk)}</td>",
        f"<td>{_delivery_cell(kiosk, now, tz)}</td>",
        f'<td class="num">{_cash_cell(kiosk)}</td>',
        f"<td>{_maintenance_cell(kiosk, now, tz)}</td>",
        f'<td class="num">{kiosk.topups_today} / {escape(yuan(kiosk.topups_today_fen))}</td>',
        f"<td>{volume_text(kiosk.volume_today)}</td>",
        f'<td class="num">{sessions}</td>',
        f"<td>{version_cell}</td>",
        f"<td>{_uptime_cell(kiosk)}</td>",
        f'<td class="num">{_disk_cell(kiosk)}</td>',
        f"<td>{_error_cell(kiosk, now, tz)}</td>",
    ]
    return f"<tr {attributes}>{''.join(cells)}</tr>"


HEADINGS = (
    "Kiosk",
    "Status",
    "Last seen",
    "Last heartbeat",
    "Service",
    "Device alerts",
    "Queue backlog",
    "Last delivery",
    "Cash in box",
    "Maintenance",
    "Top-ups today",
    "Today by service",
    "Diversion",
    "Software",
    "Uptime",
    "Disk",
    "Last error",
)


def render_fleet(fleet: Fleet, tz: tzinfo) -> str:
    """The whole page for `fleet`, times shown in `tz` (the fleet's business day zone)."""
    now = fleet.generated_at
    s = fleet.summary
    summary = (
        f'<p id="summary" data-kiosks="{s.kiosks}" data-online="{s.online}" '
        f'data-out-of-service="{s.out_of_service}" data-alerts="{s.alerts}" '
        f'data-cash-fen="{s.cash_fen}" data-topups-today="{s.topups_today}" '
        f'data-topups-today-fen="{s.topups_today_fen}">'
        f"<strong>{s.online}/{s.kiosks}</strong> kiosks online · "
        f"<strong>{s.out_of_service}</strong> out of service · "
        f"<strong>{s.alerts}</strong> device alerts · "
        f"cash in boxes <strong>{escape(yuan(s.cash_fen))}</strong> · "
        f"today ({escape(fleet.day)}, UTC{escape(fleet.utc_offset)}): "
        f"<strong>{s.topups_today}</strong> top-ups, "
        f"<strong>{escape(yuan(s.topups_today_fen))}</strong>; "
        f"diversion rate <strong>{rate_text(s.diversion_rate)}</strong></p>"
    )
    volume = f'<div id="volume"><h2>Today by service</h2>{volume_text(s.volume_today)}</div>'
    head = "".join(f"<th scope=col>{escape(h)}</th>" for h in HEADINGS)
    rows = "\n".join(_row(kiosk, now, tz) for kiosk in fleet.kiosks)
    if not rows:
        rows = f'<tr><td colspan="{len(HEADINGS)}" class="muted">no kiosks registered</td></tr>'
    generated = now.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{REFRESH_S}">
<title>Kiosk fleet</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Kiosk fleet</h1>
{summary}
{volume}
<table id="fleet">
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p class="muted">Generated {escape(generated)}; offline means no heartbeat for 3 of the kiosk's
intervals. Diversion rate: customer sessions completed at the kiosk out of those started
(the kiosks' own counts), i.e. customers not sent on to a counter.
Refreshes every {REFRESH_S} s.</p>
</body>
</html>
"""
