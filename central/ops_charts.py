"""SVG charts drawn on the server: stacked bars per day, a rate line, a health strip.

Plain SVG elements, every text escaped, no script and no external resource (the pages' CSP
forbids both). Each bar and point carries `data-*` attributes with its exact value, so tests
and scrapers read the figures without measuring pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Final

WIDTH: Final = 760
HEIGHT: Final = 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 14, 28
COLOURS: Final = {
    "cash": "#2e7d32",
    "card": "#1565c0",
    "qr": "#ef6c00",
    "other": "#757575",
    "rate": "#6a1b9a",
    "error": "#c62828",
    "warning": "#f9a825",
    "unknown": "#9e9e9e",
    "ok": "#2e7d32",
    "offline": "#c62828",
}


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _colour(series: str) -> str:
    return COLOURS.get(series, COLOURS["other"])


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n at or above `value` (the axis' top)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def _frame(title: str, chart_id: str, body: str, axis: str) -> str:
    return (
        f'<svg id="{_attr(chart_id)}" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="#999"/>{axis}{body}</svg>'
    )


def _day_labels(days: Sequence[date], slot: float) -> str:
    labels = []
    for index, day in enumerate(days):
        if index % 5 == 0 or index == len(days) - 1:
            x = LEFT + slot * (index + 0.5)
            labels.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle" '
                f'fill="#555">{day.month}/{day.day}</text>'
            )
    return "".join(labels)


def _y_label(y: float, label: str) -> str:
    return (
        f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
        f'fill="#555">{escape(label)}</text>'
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#eee"/>'
    )


@dataclass(frozen=True)
class Series:
    name: str  # e.g. cash: the colour and data-series
    label: str  # shown in the legend
    values: Sequence[int]  # one per day


def stacked_bars(
    chart_id: str,
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    *,
    value_text: Callable[[int], str],
    empty_text: str,
) -> str:
    """One bar per day, one segment per series, stacked in the order given; a legend."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(days))
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    top = _nice_ceiling(max(totals, default=0))
    bars = []
    for index, day in enumerate(days):
        base = float(HEIGHT - BOTTOM)
        for s in series:
            value = s.values[index]
            if value <= 0:
                continue
            height = plot_h * value / top
            base -= height
            bars.append(
                f'<rect x="{LEFT + slot * index + slot * 0.15:.1f}" y="{base:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{_colour(s.name)}" '
                f'data-day="{day.isoformat()}" data-series="{_attr(s.name)}" '
                f'data-value="{value}"><title>{day.isoformat()} {escape(s.label)}: '
                f"{escape(value_text(value))}</title></rect>"
            )
    half = top // 2  # drawn where it is: for a top of 5, 2 sits at 2/5 of the height
    axis = _y_label(TOP, value_text(top)) + _y_label(
        TOP + plot_h * (1 - half / top), value_text(half)
    )
    axis += _day_labels(days, slot)
    if not bars:
        axis += (
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="#777" '
            f'font-size="14">{escape(empty_text)}</text>'
        )
    legend = "".join(
        f'<rect x="{LEFT + 8 + 110 * i}" y="2" width="10" height="10" fill="{_colour(s.name)}"/>'
        f'<text x="{LEFT + 22 + 110 * i}" y="11" font-size="11">{escape(s.label)}</text>'
        for i, s in enumerate(series)
    )
    return _frame(title, chart_id, "".join(bars) + legend, axis)


def rate_line(
    chart_id: str, title: str, days: Sequence[date], rates: Sequence[float | None], empty_text: str
) -> str:
    """A line of daily rates from 0 to 100 %; a day without sessions is a gap."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(days))
    points: list[tuple[float, float] | None] = []
    dots = []
    for index, (day, value) in enumerate(zip(days, rates, strict=True)):
        if value is None:
            points.append(None)
            continue
        x = LEFT + slot * (index + 0.5)
        y = HEIGHT - BOTTOM - plot_h * value
        points.append((x, y))
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS["rate"]}" '
            f'data-day="{day.isoformat()}" data-value="{value:.4f}"><title>{day.isoformat()}: '
            f"{value * 100:.1f}%</title></circle>"
        )
    paths = []
    run: list[tuple[float, float]] = []
    for point in [*points, None]:
        if point is None:
            if len(run) > 1:
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                paths.append(
                    f'<polyline points="{coords}" fill="none" stroke="{COLOURS["rate"]}" '
                    'stroke-width="2"/>'
                )
            run = []
        else:
            run.append(point)
    axis = _y_label(TOP, "100%") + _y_label(TOP + plot_h / 2, "50%") + _day_labels(days, slot)
    if not dots:
        axis += (
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="#777" '
            f'font-size="14">{escape(empty_text)}</text>'
        )
    return _frame(title, chart_id, "".join(paths) + "".join(dots), axis)


@dataclass(frozen=True)
class Mark:
    """A health event on the strip: a moment (or a span, for offline) and its level."""

    start: datetime
    end: datetime | None
    level: str  # ok, warning, error, unknown, offline
    label: str


def health_strip(
    chart_id: str, title: str, start: datetime, end: datetime, marks: Sequence[Mark]
) -> str:
    """The last day as a band: offline spans shaded, events as ticks coloured by level."""
    height, left, right = 60, 8, 8
    span = (end - start).total_seconds() or 1.0
    width = WIDTH - left - right

    def x_of(moment: datetime) -> float:
        seconds = min(max((moment - start).total_seconds(), 0.0), span)
        return left + width * seconds / span

    items = [f'<rect x="{left}" y="14" width="{width}" height="24" fill="#e8f5e9"/>']
    for mark in marks:
        x = x_of(mark.start)
        data = f'data-level="{_attr(mark.level)}" data-at="{_attr(mark.start.isoformat())}"'
        tip = f"<title>{escape(mark.label)}</title>"
        if mark.end is not None:
            w = max(1.5, x_of(mark.end) - x)
            items.append(
                f'<rect x="{x:.1f}" y="14" width="{w:.1f}" height="24" '
                f'fill="{COLOURS["offline"]}" fill-opacity="0.45" {data}>{tip}</rect>'
            )
        else:
            items.append(
                f'<rect x="{x - 1:.1f}" y="10" width="3" height="32" '
                f'fill="{_colour(mark.level)}" {data}>{tip}</rect>'
            )
    for hours in (0, 6, 12, 18, 24):
        x = left + width * hours / 24
        anchor = "start" if hours == 0 else "end" if hours == 24 else "middle"
        items.append(
            f'<text x="{x:.1f}" y="54" font-size="10" text-anchor="{anchor}" fill="#555">'
            f"-{24 - hours}h</text>"
        )
    return (
        f'<svg id="{_attr(chart_id)}" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{''.join(items)}</svg>"
    )
