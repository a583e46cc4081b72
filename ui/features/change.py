"""View-model of the change screens (skeleton: its screens are to come)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal

from ui.features.base import FeatureViewModel


class ChangeViewModel(FeatureViewModel):
    name = "change"
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()
