"""The screens' geometry check (issue 19): what a customer sees on a laid-out window, measured
on the Qt Quick scene after a frame — no visible text or control overlaps another it is not
inside, nothing visible lies outside the window or under the header/footer (unless a clipping
scroll view holds it, and then a scroll hint shows while there is more), no text is elided or
cut off unless the Text says it may be (`property bool mayElide: true`), text stays inside the
box drawn behind it, and every tappable area is at least 15 mm both ways."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from PySide6.QtCore import QRectF
from PySide6.QtQml import QQmlProperty
from PySide6.QtQuick import QQuickItem, QQuickWindow

# 15 mm on the kiosk's 21.5" 1920×1080 panel (0.248 mm a pixel); in portrait the same panel
# turned, so the same pixels.
MIN_TARGET_PX = 61
# Not customer targets: the technician's hidden corners, and the simulator's note buttons (a
# developer aid shown only with a simulated acceptor).
HOTSPOTS = ("maint.corner.", "sim.note.", "sim.pay.note.")
# Whole-area catchers, not controls: a touch anywhere starts (attract) or keeps the session.
CATCHERS = ("attract.start",)
TOLERANCE = 2.0  # px: anti-aliased edges and rounding of fractional layouts


@dataclass(frozen=True)
class Element:
    """A text or a control as drawn: its scene rectangle and what may hold it."""

    kind: str  # "text" | "control"
    name: str
    rect: QRectF  # where it is drawn, scene coordinates
    visible: QRectF  # the part of it not clipped away
    box: QRectF | None  # the drawn box it sits on (a text's), if any
    item: QQuickItem


def _class(item: QQuickItem) -> str:
    return item.metaObject().className()


def _inherits(item: QQuickItem, name: str) -> bool:
    meta = item.metaObject()
    while meta is not None:
        if meta.className() == name:
            return True
        meta = meta.superClass()
    return False


def _scene_rect(item: QQuickItem, x: float = 0, y: float = 0,
                w: float | None = None, h: float | None = None) -> QRectF:  # fmt: skip
    return item.mapRectToScene(
        QRectF(x, y, item.width() if w is None else w, item.height() if h is None else h)
    )


def _within(inner: QRectF, outer: QRectF, tolerance: float = TOLERANCE) -> bool:
    return (
        inner.left() >= outer.left() - tolerance
        and inner.top() >= outer.top() - tolerance
        and inner.right() <= outer.right() + tolerance
        and inner.bottom() <= outer.bottom() + tolerance
    )


def _overlap(a: QRectF, b: QRectF) -> bool:
    both = a.intersected(b)
    return both.width() > TOLERANCE and both.height() > TOLERANCE


def _text_rect(item: QQuickItem) -> QRectF:
    """Where a Text's glyphs are: its laid-out lines placed by its alignment (a Text may be
    wider than its words, or its words wider than it) — Qt's own bounding rectangle of a Text."""
    return item.mapRectToScene(item.boundingRect())


def _label(item: QQuickItem) -> str:
    name = item.objectName()
    if not name and _inherits(item, "QQuickText"):
        name = repr(str(item.property("text"))[:40])
    parent = item.parentItem()
    while not name and parent is not None:
        name = parent.objectName() and f"in {parent.objectName()}"
        parent = parent.parentItem()
    return name or f"({_class(item)})"


@dataclass
class Scan:
    """What one walk over the scene found."""

    elements: list[Element]
    problems: list[str]


@dataclass(frozen=True)
class _Context:
    """What an item inherits from its ancestors."""

    clip: QRectF  # what of the scene is not clipped away
    region: QRectF  # the area it belongs to: the window, or the screen's between the bars
    scroller: QQuickItem | None  # the clipping scroll view it is in, if the nearest clip is one
    box: QRectF | None  # the nearest drawn box (card, button, bar) it sits on
    opacity: float


def scan(window: QQuickWindow) -> Scan:
    """Every element on the window and every problem of the rules above."""
    root = window.contentItem()
    win = QRectF(0, 0, window.width(), window.height())
    found = Scan([], [])
    _walk(found, root, root, _Context(win, win, None, None, 1.0))
    for element in found.elements:
        if (
            element.kind == "text"
            and element.box is not None
            and not element.visible.isEmpty()
            and not _within(element.visible, element.box)  # what scrolls away is not out of it
        ):
            found.problems.append(f"text {element.name} runs out of its box")
    found.problems.extend(_overlaps(found.elements))
    return found


def _walk(found: Scan, root: QQuickItem, item: QQuickItem, ctx: _Context) -> None:
    if not item.isVisible() or ctx.opacity * item.opacity() <= 0.01:
        return
    rect = _scene_rect(item)
    region = rect if item.objectName() == "screenLoader" else ctx.region
    ctx = replace(ctx, opacity=ctx.opacity * item.opacity(), region=region)
    if _inherits(item, "QQuickFlickable"):
        _scroll_area(found.problems, root, item, rect, region)
    if _inherits(item, "QQuickRectangle") and _drawn(item) and not _covers(rect, region):
        ctx = replace(ctx, box=rect)  # a card, a button, a pill, a bar: what is on it stays on it
    if _inherits(item, "QQuickText") and str(item.property("text")).strip():
        _text(found, item, ctx)
    elif _class(item) == "QQuickMouseArea" and item.parentItem() is not root:
        _control(found, item, rect, ctx)
    if item.clip():
        scroller = item if _inherits(item, "QQuickFlickable") else None
        ctx = replace(ctx, clip=ctx.clip.intersected(rect), scroller=scroller)
    for child in item.childItems():
        _walk(found, root, child, ctx)


def _scroll_area(
    problems: list[str], root: QQuickItem, item: QQuickItem, rect: QRectF, region: QRectF
) -> None:
    if not _within(rect, region):
        problems.append(f"scroll area {_label(item)} is outside its area")
    overflow = float(item.property("contentHeight")) > item.height() + TOLERANCE
    if overflow and bool(item.property("interactive")) and not _hinted(root, item):
        problems.append(f"{_label(item)} scrolls with no scroll hint showing")


def _text(found: Scan, item: QQuickItem, ctx: _Context) -> None:
    drawn = _text_rect(item)
    found.elements.append(
        Element("text", _label(item), drawn, drawn.intersected(ctx.clip), ctx.box, item)
    )
    if bool(item.property("truncated")) and not item.property("mayElide"):
        found.problems.append(f"text {_label(item)} is elided or cut off")
    _placed(found.problems, _label(item), drawn, ctx, "text")


def _control(found: Scan, item: QQuickItem, rect: QRectF, ctx: _Context) -> None:
    parent = item.parentItem()
    name = item.objectName() or (parent.objectName() if parent is not None else "")
    if name.startswith(HOTSPOTS + CATCHERS):
        return
    found.elements.append(
        Element("control", name or _label(item), rect, rect.intersected(ctx.clip), None, item)
    )
    if min(rect.width(), rect.height()) < MIN_TARGET_PX and item.isEnabled():
        size = f"{rect.width():.0f}×{rect.height():.0f} px"
        found.problems.append(f"tap target {name or '(unnamed)'} is {size}, under 15 mm")
    _placed(found.problems, name or _label(item), rect, ctx, "control")


def _drawn(item: QQuickItem) -> bool:
    color = item.property("color")
    filled = color is not None and color.alpha() > 0
    return filled or float(QQmlProperty.read(item, "border.width") or 0) > 0


def _covers(rect: QRectF, region: QRectF) -> bool:
    """A background: as large as the whole area it is in."""
    return (
        rect.width() >= region.width() - TOLERANCE and rect.height() >= region.height() - TOLERANCE
    )


def _placed(problems: list[str], name: str, rect: QRectF, ctx: _Context, kind: str) -> None:
    """Inside its area, or inside a scroll view that can bring it there; a non-scrolling clip
    hides what lies outside it."""
    shown = rect.intersected(ctx.clip)
    if ctx.scroller is not None:
        _scrolled(problems, name, rect, ctx, kind)
        return
    if shown.isEmpty():
        problems.append(f"{kind} {name} is clipped away entirely")
    elif not _within(rect, ctx.region):
        where = "under the header or footer, or off the window"
        problems.append(f"{kind} {name} lies outside its area ({where})")
    elif not _within(rect, ctx.clip):
        problems.append(f"{kind} {name} is cut off by its clip")


def _scrolled(problems: list[str], name: str, rect: QRectF, ctx: _Context, kind: str) -> None:
    """In a scroll view, out of sight is fine only in a direction it scrolls: what a page that
    scrolls up and down cuts off at its side, no swipe brings back."""
    scroller = ctx.scroller
    assert scroller is not None
    across = float(scroller.property("contentWidth")) > scroller.width() + TOLERANCE
    down = float(scroller.property("contentHeight")) > scroller.height() + TOLERANCE
    clip = ctx.clip
    sideways = rect.left() < clip.left() - TOLERANCE or rect.right() > clip.right() + TOLERANCE
    updown = rect.top() < clip.top() - TOLERANCE or rect.bottom() > clip.bottom() + TOLERANCE
    if sideways and not across:
        problems.append(f"{kind} {name} is cut off at the side of a scroll view")
    elif updown and not down:
        problems.append(f"{kind} {name} is cut off by a scroll view that does not scroll")


def _hinted(root: QQuickItem, flickable: QQuickItem) -> bool:
    for item in _all(root):
        if (
            item.objectName() == "scroll.hint"
            and item.isVisible()
            and (item.property("target") == flickable)
        ):
            return True
    return False


def _all(item: QQuickItem) -> Iterator[QQuickItem]:
    yield item
    for child in item.childItems():
        yield from _all(child)


def _ancestor(item: QQuickItem, other: QQuickItem) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if parent is other or parent == other:
            return True
        parent = parent.parentItem()
    return False


def _overlaps(elements: list[Element]) -> list[str]:
    """Pairs drawn over each other: two texts never; a text or control over a control only when
    wholly inside it (a label on its button, a button on its card)."""
    shown = [e for e in elements if e.visible.isValid() and not e.visible.isEmpty()]
    shown.sort(key=lambda e: e.visible.left())
    found = []
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            if b.visible.left() >= a.visible.right() - TOLERANCE:
                break
            if not _overlap(a.visible, b.visible):
                continue
            if a.kind == "control" and _within(b.rect, a.rect):
                continue
            if b.kind == "control" and _within(a.rect, b.rect):
                continue
            if (
                a.kind == "control"
                and b.kind == "control"
                and (_ancestor(a.item, b.item) or _ancestor(b.item, a.item))
            ):
                continue
            found.append(f"{a.kind} {a.name} overlaps {b.kind} {b.name}")
    return found
