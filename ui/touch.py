"""Drives the QML screens by touch (a click at an item's centre): for the demo and the tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest


class TouchError(AssertionError):
    """The item to tap is missing, hidden or disabled: a customer could not tap it either."""


def _walk(item: QQuickItem) -> list[QQuickItem]:
    found = [item]
    for child in item.childItems():
        found.extend(_walk(child))
    return found


def find_item(window: QQuickWindow, name: str) -> QQuickItem:
    """The one visible item with this objectName (the visual tree: Loader items included)."""
    matches = [i for i in _walk(window.contentItem()) if i.objectName() == name]
    visible = [i for i in matches if i.isVisible()] or matches
    if not visible:
        raise TouchError(f"no item named {name!r} on screen")
    if len(visible) > 1:
        raise TouchError(f"{len(visible)} visible items are named {name!r}")
    return visible[0]


def settle(window: QQuickWindow) -> None:
    """Let the scene catch up with the view-model: pending events, then a frame, so that
    positioners (Row, Column, Grid) have laid out what just changed before a tap is aimed."""
    QCoreApplication.processEvents()
    window.grabWindow()


def tap(window: QQuickWindow, name: str) -> None:
    settle(window)
    item = find_item(window, name)
    if not item.isVisible() or not item.isEnabled():
        raise TouchError(f"{name!r} is not tappable (visible={item.isVisible()}, "
                         f"enabled={item.isEnabled()})")  # fmt: skip
    scroll_into_view(window, item)
    click(window, item)


def scroll_into_view(window: QQuickWindow, item: QQuickItem) -> None:
    """What a customer does before tapping something below the fold: swipe the scrolling area
    it is in until it shows whole (as far as the area can scroll)."""
    parent: QQuickItem | None = item.parentItem()
    while parent is not None:
        if parent.inherits("QQuickFlickable") and bool(parent.property("interactive")):
            top = item.mapToItem(parent, QPointF(0, 0)).y()
            bottom = top + item.height()
            y = float(parent.property("contentY"))
            limit = max(0.0, float(parent.property("contentHeight")) - parent.height())
            if top < 0:
                y += top
            elif bottom > parent.height():
                y += min(bottom - parent.height(), top)
            parent.setProperty("contentY", min(max(0.0, y), limit))
        parent = cast("QQuickItem | None", parent.parentItem())  # None above the root
    settle(window)


def click(window: QQuickWindow, item: QQuickItem) -> None:
    """A finger on the item's centre, whether the item takes taps or not (`tap` checks)."""
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QCoreApplication.processEvents()


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    """Run the event loop until `condition()` holds or the time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if condition():
            return True
        QTest.qWait(10)
    return condition()


def screenshot(window: QQuickWindow) -> QImage:
    QCoreApplication.processEvents()
    return window.grabWindow()
