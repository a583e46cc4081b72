"""What every feature view-model is: a thin QObject over one part of kiosk/, with its screens.

A feature (top-up, authentication, account, …) owns its screens (QML under ui/qml/<feature>/),
the catalogue services it starts from the menu, and the customer data it shows — which `reset()`
drops when the session ends. The navigator (ui/viewmodel.py) owns the screen stack, the idle
clock, the busy indicator and language; features ask it to move on through `UiNav`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from PySide6.QtCore import QObject

from kiosk.app import KioskApp
from ui.bridge import GuiBridge

if TYPE_CHECKING:
    from kiosk.customer_session import CustomerSession


class UiNav(Protocol):
    """The navigator as features see it (all calls on the GUI thread)."""

    def go(self, screen: str, message_key: str = "") -> None:
        """Show a screen (`<feature>.<name>` as registered in a feature's `screens`)."""

    def show_message(self, message_key: str) -> None:
        """Change the one-sentence prompt of the current screen (a core message key)."""

    def set_busy(self, busy: bool) -> None:
        """Waiting for a device or central (nested calls count); the indicator shows after
        300 ms."""

    def home(self) -> None:
        """End the customer session: every feature is reset, back to the attract screen."""

    def run(
        self,
        work: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `work` on the core thread with the busy indicator; the result or the error
        comes back on the GUI thread (no handler for an error: its message key is shown)."""

    def post(self, fn: Callable[[], None]) -> None:
        """From any thread (a flow's listener): run `fn` on the GUI thread."""

    def require_auth(self, then: Callable[[], None], method: str = "") -> None:
        """Run `then` once the customer is logged in (the authentication screens first, if
        they are not yet; `method` "password", "sms" or "id_card" goes straight to that one)."""

    def auth_done(self) -> None:
        """The authentication feature logged the customer in: run what was waiting."""

    @property
    def session(self) -> CustomerSession | None:
        """The current customer session (None on the attract screen and in maintenance)."""

    @property
    def screen(self) -> str: ...

    @property
    def ready(self) -> bool:
        """The core has started (recovery done): customers and technicians may come in."""
        ...


@dataclass(frozen=True)
class UiContext:
    app: KioskApp
    bridge: GuiBridge
    nav: UiNav


class FeatureViewModel(QObject):
    """Base of the feature view-models. Subclasses set the class attributes and override the
    hooks; QML sees each feature under its `name` (a context property)."""

    name: ClassVar[str] = ""  # context property in QML, and the prefix of its screen ids
    # screen id → QML file relative to ui/qml (e.g. "topup.number": "topup/NumberScreen.qml")
    screens: ClassVar[dict[str, str]] = {}
    services: ClassVar[tuple[str, ...]] = ()  # catalogue keys this feature starts from the menu
    finish_screens: ClassVar[frozenset[str]] = frozenset()  # Cancel reads "Finish" there

    # Every subclass declares its own `changed = Signal()` and uses it as its properties'
    # `notify`: a signal inherited from a Python base class is not bindable from the subclass's
    # properties (QML warns "depends on non-bindable properties"), so this class has none.
    changed: Any

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    @property
    def app(self) -> KioskApp:
        return self.ctx.app

    @property
    def nav(self) -> UiNav:
        return self.ctx.nav

    # --- hooks (override) -------------------------------------------------------------------

    def start_service(self, key: str) -> None:
        """The customer tapped this feature's service `key` on the menu."""
        raise NotImplementedError(key)

    def reset(self) -> None:
        """Drop every piece of customer data this view-model holds (session over)."""

    def back(self, screen: str) -> bool:
        """The Back button on one of this feature's screens; False: back to the menu."""
        return False

    def cancel(self, screen: str) -> bool:
        """The Cancel button; False: the navigator ends the session (home)."""
        return False

    def can_back(self, screen: str) -> bool:
        return True

    def can_cancel(self, screen: str) -> bool:
        return True

    def holds_money(self) -> bool:
        """The customer's money is in this feature's flow: the session must not simply end."""
        return False

    def on_idle(self, screen: str) -> bool:
        """The customer walked away on `screen`; True if handled (e.g. money credited first)."""
        return False

    def preview(self, screen: str) -> None:
        """Fill in example data so `screen` can be shown (screen tests and screenshots)."""

    def customer_data(self) -> dict[str, object]:
        """What of the customer this view-model holds now (a test asserts it empty after a
        session ends): attribute name → value; empty or falsy values mean nothing held."""
        return {}

    def shutdown(self) -> None:
        """Stop timers (on the GUI thread) before the view-model is deleted."""
