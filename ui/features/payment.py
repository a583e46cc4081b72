"""View-model of the payment screens: card top-up, bill payment by cash or card (skeleton)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal

from ui.features.base import FeatureViewModel


class PaymentViewModel(FeatureViewModel):
    name = "payment"
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()
    changed = Signal()
