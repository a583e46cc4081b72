"""The feature view-models, one per group of services, each with its screens (ui/qml/<name>/)."""

from __future__ import annotations

from ui.features.account import AccountViewModel
from ui.features.auth import AuthViewModel
from ui.features.base import FeatureViewModel, UiContext
from ui.features.change import ChangeViewModel
from ui.features.maintenance import MaintenanceViewModel
from ui.features.payment import PaymentViewModel
from ui.features.sim import SimViewModel
from ui.features.topup import TopUpViewModel

FEATURES: tuple[type[FeatureViewModel], ...] = (
    TopUpViewModel,
    PaymentViewModel,
    AuthViewModel,
    AccountViewModel,
    ChangeViewModel,
    SimViewModel,
    MaintenanceViewModel,
)


def create_features(ctx: UiContext) -> list[FeatureViewModel]:
    return [feature(ctx) for feature in FEATURES]


__all__ = ["FEATURES", "FeatureViewModel", "UiContext", "create_features"]
