"""The pinned PySide6 does not leak references to None from static void calls.

PySide6 6.12.0 (on CPython 3.11, where None is not immortal) drops one reference to None on
every call such as QCoreApplication.processEvents(); a UI test suite — or an event pump in the
kiosk — aborts the interpreter with "none_dealloc" after a few thousand calls. This pins the
behaviour, so an upgrade that brings the bug back fails here and not at random."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication

pytestmark = pytest.mark.timeout(30)


def test_static_void_calls_keep_none_alive(qapp: object) -> None:
    before = sys.getrefcount(None)
    for _ in range(1000):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents()
    assert sys.getrefcount(None) - before > -50  # other threads may release a few meanwhile
