"""View-model of the sim screens: SIM sale and SIM replacement (skeleton)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal

from ui.features.base import FeatureViewModel


class SimViewModel(FeatureViewModel):
    name = "sim"
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()
