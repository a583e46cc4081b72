"""View-model of the auth screens: login by service password, SMS code or ID card (skeleton)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal

from ui.features.base import FeatureViewModel


class AuthViewModel(FeatureViewModel):
    name = "auth"
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()
