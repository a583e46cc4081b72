"""View-model of the maintenance screens: the technician's maintenance mode (skeleton)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal

from ui.features.base import FeatureViewModel


class MaintenanceViewModel(FeatureViewModel):
    name = "maintenance"
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()
