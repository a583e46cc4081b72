"""The navigator view-model (`vm` in QML): screens, the service menu, session and idle clock,
busy indicator, language and display modes. Each service's own screens and data live in a
feature view-model (ui/features/); this class only routes between them.

Thin by design (the Electrum pattern): every decision lives in kiosk/. The customer session's
idle clock is the core's (kiosk/customer_session.py); the navigator shows its countdown, and
when a feature holds the customer's money it lets that feature finish first.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.app import KioskApp
from kiosk.core_start import CoreStart
from kiosk.customer_session import CustomerSession, EndReason, SessionEnded
from kiosk.errors import KioskError
from kiosk.msisdn import mask_mobile
from ui.bridge import GuiBridge
from ui.features.base import FeatureViewModel
from ui.theme import Theme

log = logging.getLogger(__name__)

SHARED_SCREENS = {
    "attract": "AttractScreen.qml",
    "menu": "MenuScreen.qml",
    "out_of_service": "OutOfServiceScreen.qml",
}
FINISH_SCREEN_TIMEOUT_MS = 20_000  # a result screen goes home by itself after this
BUSY_DELAY_MS = 300  # the busy indicator shows only when waiting takes longer than this
IDLE_POLL_MS = 250


class KioskViewModel(QObject):
    changed = Signal()
    servicesChanged = Signal()  # noqa: N815 (only when the menu's rows change: the Repeater rebuilds)
    languageChanged = Signal(str)  # noqa: N815 (Qt naming)
    userActivity = Signal()  # noqa: N815 (any tap anywhere: e.g. maintenance's idle clock)

    def __init__(
        self,
        app: KioskApp,
        bridge: GuiBridge,
        *,
        on_language: Callable[[str], None] | None = None,
        theme: Theme | None = None,
        starting: CoreStart | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.theme = theme or Theme(self)
        self._app = app
        # The core may still be starting (kiosk run: kiosk/core_start.py): the attract screen
        # shows, and lets no one in, until it has.
        self._ready = starting is None
        self._shut_down = False
        self._bridge = bridge
        self._on_language = on_language
        self._features: dict[str, FeatureViewModel] = {}
        self._screen_owner: dict[str, FeatureViewModel] = {}
        self._service_owner: dict[str, FeatureViewModel] = {}
        self._screen = "attract"
        self._language = app.config.kiosk.language
        self._message_key = ""
        self._busy = 0  # nested waits
        self._busy_visible = False
        self._large_text = False
        self._high_contrast = False
        self._after_auth: Callable[[], None] | None = None
        self._services = self._service_rows()
        self._idle_left = 0
        self._idle_handled = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.timeout.connect(self.home)
        self._services_timer = QTimer(self)  # device health changes: keep the menu honest
        self._services_timer.setInterval(2000)
        self._services_timer.timeout.connect(self._refresh_services)
        self._services_timer.start()
        self._idle_timer = QTimer(self)  # shows the core session's idle countdown
        self._idle_timer.setInterval(IDLE_POLL_MS)
        self._idle_timer.timeout.connect(self._poll_idle)
        self._idle_timer.start()
        if starting is None:
            self._wire_core()
        else:
            starting.when_done(lambda failure: self._bridge.post(
                lambda: None if failure is not None else self._core_started()))  # fmt: skip

    def _wire_core(self) -> None:
        """Hear of sessions the core ends; open on the out-of-service screen if the switch is on."""
        if self._app.desk is not None:
            self._app.desk.listen(self._session_ended_elsewhere)
        self._ready = True
        if self._app.out_of_service():
            self._screen = "out_of_service"

    def _core_started(self) -> None:
        """The core is up (recovery done, devices settled): customers and technicians may come."""
        if self._shut_down:
            return  # the UI closed while the core was starting
        self._wire_core()
        self._refresh_services()  # the menu as the devices settled
        self.changed.emit()

    def attach(self, features: Sequence[FeatureViewModel]) -> None:
        """Register the feature view-models: their screens and menu services."""
        for feature in features:
            self._features[feature.name] = feature
            for screen in feature.screens:
                if screen in self._screen_owner or screen in SHARED_SCREENS:
                    raise ValueError(f"screen {screen!r} registered twice")
                self._screen_owner[screen] = feature
            for key in feature.services:
                self._service_owner[key] = feature
            feature.changed.connect(self.changed)
        self._services = self._service_rows()
        self.servicesChanged.emit()

    @property
    def features(self) -> dict[str, FeatureViewModel]:
        return dict(self._features)

    def screen_ids(self) -> list[str]:
        return [*SHARED_SCREENS, *self._screen_owner]

    def shutdown(self) -> None:
        """Stop the timers on the GUI thread. A QObject whose timers are still running must not
        be left to Python's garbage collector: it may run on any thread (a device's, say), and
        Qt cannot stop timers from another thread — the next tick hits a deleted object."""
        self._shut_down = True
        if self._app.desk is not None:
            self._app.desk.listen(None)
        for timer in (self._busy_timer, self._finish_timer, self._services_timer, self._idle_timer):
            timer.stop()
        for feature in self._features.values():
            feature.shutdown()

    # --- properties -------------------------------------------------------------------------

    def _owner(self) -> FeatureViewModel | None:
        return self._screen_owner.get(self._screen)

    def _get_screen(self) -> str:
        return self._screen

    def _get_screen_source(self) -> str:
        owner = self._owner()
        if owner is not None:
            return owner.screens[self._screen]
        return SHARED_SCREENS.get(self._screen, SHARED_SCREENS["out_of_service"])

    def _get_language(self) -> str:
        return self._language

    def _get_message_key(self) -> str:
        return self._message_key

    def _get_busy(self) -> bool:
        return self._busy > 0

    def _get_busy_visible(self) -> bool:
        return self._busy_visible

    def _get_can_back(self) -> bool:
        owner = self._owner()
        if self._screen == "menu":
            return True
        return owner is not None and owner.can_back(self._screen)

    def _get_can_cancel(self) -> bool:
        owner = self._owner()
        if self._screen == "menu":
            return True
        return owner is not None and owner.can_cancel(self._screen)

    def _get_finishing(self) -> bool:
        owner = self._owner()
        return owner is not None and self._screen in owner.finish_screens

    def _get_services(self) -> list[dict[str, Any]]:
        return self._services

    def _get_idle_seconds_left(self) -> int:
        return self._idle_left

    def _get_simulator(self) -> bool:
        return self._app.simulator_controls is not None

    def _get_kiosk_name(self) -> str:
        return self._app.config.kiosk.name

    def _get_kiosk_name_en(self) -> str:
        # kiosk.name_en is not in every config (issue 19 asks the core for it): "" if absent.
        return str(getattr(self._app.config.kiosk, "name_en", "") or "")

    def _get_large_text(self) -> bool:
        return self._large_text

    def _get_high_contrast(self) -> bool:
        return self._high_contrast

    def _get_customer_display(self) -> str:
        session = self.session
        customer = session.customer if session is not None else None
        return "" if customer is None else mask_mobile(customer.msisdn)

    screen = Property(str, _get_screen, notify=changed)
    screenSource = Property(str, _get_screen_source, notify=changed)  # noqa: N815
    language = Property(str, _get_language, notify=changed)
    messageKey = Property(str, _get_message_key, notify=changed)  # noqa: N815
    busy = Property(bool, _get_busy, notify=changed)
    busyVisible = Property(bool, _get_busy_visible, notify=changed)  # noqa: N815
    canBack = Property(bool, _get_can_back, notify=changed)  # noqa: N815
    canCancel = Property(bool, _get_can_cancel, notify=changed)  # noqa: N815
    finishing = Property(bool, _get_finishing, notify=changed)
    services = Property("QVariantList", _get_services, notify=servicesChanged)
    idleSecondsLeft = Property(int, _get_idle_seconds_left, notify=changed)  # noqa: N815
    simulator = Property(bool, _get_simulator, constant=True)
    kioskName = Property(str, _get_kiosk_name, constant=True)  # noqa: N815
    kioskNameEn = Property(str, _get_kiosk_name_en, constant=True)  # noqa: N815
    largeText = Property(bool, _get_large_text, notify=changed)  # noqa: N815
    highContrast = Property(bool, _get_high_contrast, notify=changed)  # noqa: N815
    customerDisplay = Property(str, _get_customer_display, notify=changed)  # noqa: N815

    def _get_ready(self) -> bool:
        return self._ready

    ready = Property(bool, _get_ready, notify=changed)

    # --- the navigator as features use it (ui/features/base.py UiNav) ---------------------

    @property
    def session(self) -> CustomerSession | None:
        desk = self._app.desk
        return None if desk is None else desk.session

    @property
    def screen_id(self) -> str:
        return self._screen

    def go(self, screen: str, message_key: str = "") -> None:
        if screen not in SHARED_SCREENS and screen not in self._screen_owner:
            raise ValueError(f"no screen {screen!r}")
        self._screen = screen
        self._message_key = message_key
        if screen == "menu":
            self._refresh_services()  # the menu never shows what was true two seconds ago
        self._finish_timer.stop()
        if self._get_finishing():
            self._finish_timer.start(FINISH_SCREEN_TIMEOUT_MS)
        self._touch()
        self.changed.emit()

    def show_message(self, message_key: str) -> None:
        self._message_key = message_key
        self.changed.emit()

    def set_busy(self, busy: bool) -> None:
        self._busy = self._busy + 1 if busy else max(self._busy - 1, 0)
        if self._busy and not self._busy_timer.isActive() and not self._busy_visible:
            self._busy_timer.start()
        if not self._busy:
            self._busy_timer.stop()
            self._busy_visible = False
        self.changed.emit()

    def _show_busy(self) -> None:
        self._busy_visible = self._busy > 0
        self.changed.emit()

    def post(self, fn: Callable[[], None]) -> None:
        self._bridge.post(fn)

    def run(
        self,
        work: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.set_busy(True)
        # The error is handled below (shown, or given to on_error): not logged as a failure.
        future = self._bridge.submit(work, lambda _error: None)

        def finished() -> None:
            self.set_busy(False)
            error = future.exception()
            if error is not None:
                (on_error or self._show_error)(error)
            elif on_result is not None:
                on_result(future.result())

        future.add_done_callback(lambda _f: self._bridge.post(finished))

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, KioskError):
            self.show_message(error.message_key)
        else:
            log.error("core error: %r", error)
            self.show_message("error.generic")

    def require_auth(self, then: Callable[[], None], method: str = "") -> None:
        session = self.session
        if session is not None and session.authenticated:
            then()
            return
        auth = self._features.get("auth")
        if auth is None or not auth.screens:
            self.show_message("service.not_offered")
            return
        self._after_auth = then
        auth.start_service(f"auth.{method}" if method else "auth")

    def auth_done(self) -> None:
        then, self._after_auth = self._after_auth, None
        if then is not None:
            then()
        else:
            self.go("menu")

    # --- idle -------------------------------------------------------------------------------

    def _touch(self) -> None:
        session = self.session
        if session is not None:
            session.touch()
        self._idle_handled = False
        self._poll_idle()

    def _poll_idle(self) -> None:
        session = self.session
        left = 0
        if session is not None and self._screen not in ("attract", "out_of_service"):
            status = session.idle_status()
            if status.warning and not self._get_finishing():
                left = max(1, math.ceil(status.remaining_s))
            owner = self._owner()
            expired = status.remaining_s <= 0 and not self._idle_handled
            if expired and owner is not None and owner.holds_money():
                # The core waits for this feature (it holds money): let it finish first.
                self._idle_handled = owner.on_idle(self._screen)
        if left != self._idle_left:
            self._idle_left = left
            self.changed.emit()

    def _session_ended_elsewhere(self, event: SessionEnded) -> None:
        """The core ended the session (idle timeout, central expired it): back to attract."""
        self._bridge.post(lambda: self._after_session_end(event.session_id))

    def _after_session_end(self, session_id: str) -> None:
        if self._screen in ("attract", "out_of_service") or self._any_money_held():
            return
        session = self.session
        if session is None or session.session_id == session_id:
            self.home()

    def _any_money_held(self) -> bool:
        return any(f.holds_money() for f in self._features.values())

    # --- slots ------------------------------------------------------------------------------

    @Slot()
    def touched(self) -> None:
        """Any tap on the screen: the customer (or technician) is still there."""
        self._touch()
        self.userActivity.emit()

    @Slot(str)
    def setLanguage(self, language: str) -> None:  # noqa: N802
        if language not in ("zh_CN", "en") or language == self._language:
            return
        self._language = language
        if self._on_language is not None:
            self._on_language(language)
        self.languageChanged.emit(language)
        self.changed.emit()

    @Slot()
    def toggleLargeText(self) -> None:  # noqa: N802
        self._large_text = not self._large_text
        self._apply_theme()

    @Slot()
    def toggleHighContrast(self) -> None:  # noqa: N802
        self._high_contrast = not self._high_contrast
        self._apply_theme()

    def _apply_theme(self) -> None:
        self.theme.set_modes(large_text=self._large_text, high_contrast=self._high_contrast)
        self.changed.emit()

    @Slot()
    def start(self) -> None:
        """A customer touched the attract screen: a new session, the service menu."""
        if not self._ready:
            return  # still starting: the attract screen says so
        if self._app.out_of_service():
            self.go("out_of_service")
            return
        if self._app.desk is not None:
            self._app.desk.start_session()
            self._app.desk.session.set_busy(self._any_money_held)  # type: ignore[union-attr]
        self._refresh_services()
        self.go("menu")

    @Slot()
    def home(self) -> None:
        """Back to the attract screen; the session's data is dropped everywhere."""
        self._after_auth = None
        for feature in self._features.values():
            try:
                feature.reset()
            except Exception:  # one feature's bug must not keep another's customer data
                log.exception("reset of %s failed", feature.name)
        self._busy, self._busy_visible = 0, False
        self._busy_timer.stop()
        # Off the GUI thread: ending the session logs out at central (a network call), and
        # end_flow disables the acceptor — after the features' resets queued on the same core
        # thread (a note in escrow is counted by the flow's cancel first).
        session, app = self.session, self._app
        if session is not None:  # this session, not whichever is current when the call runs
            self._bridge.submit(lambda: session.end(EndReason.FINISHED))
        self._bridge.submit(app.end_flow)
        # An ID card left on the reader must not identify the next customer.
        self._bridge.submit(app.ops.id_cards.forget)
        self._large_text = self._high_contrast = False
        self.theme.set_modes(large_text=False, high_contrast=False)
        self._language = self._app.config.kiosk.language
        if self._on_language is not None:
            self._on_language(self._language)
        self.go("out_of_service" if self._app.out_of_service() else "attract")

    @Slot()
    def logout(self) -> None:
        self.home()

    @Slot(str)
    def startService(self, key: str) -> None:  # noqa: N802
        """A tap on the menu: the feature that offers `key` takes over, if it can run now."""
        self._refresh_services()
        row = next((r for r in self._services if r["key"] == key), None)
        owner = self._service_owner.get(key)
        if row is None or owner is None:
            self.show_message("service.not_offered")
            return
        if not row["available"]:
            self.show_message(row["reason"])
            return
        owner.start_service(key)

    @Slot()
    def back(self) -> None:
        owner = self._owner()
        if self._screen in ("menu", "out_of_service"):
            self.home()
        elif owner is not None and not owner.back(self._screen):
            owner.reset()
            self.go("menu")

    @Slot()
    def cancel(self) -> None:
        owner = self._owner()
        finishing = owner is not None and self._get_finishing()
        if finishing or owner is None or not owner.cancel(self._screen):
            self.home()

    # --- the menu ---------------------------------------------------------------------------

    def _service_rows(self) -> list[dict[str, Any]]:
        rows = []
        for state in self._app.services():  # cached health: no device I/O on the GUI thread
            if self._service_owner and state.key not in self._service_owner:
                continue  # no screens for it (yet): not on the menu
            rows.append({
                "key": state.key,
                "available": state.available,
                "reason": state.reason_key,
                "warning": state.warning_key,
            })  # fmt: skip
        return rows

    def _refresh_services(self) -> None:
        # The out-of-service switch (a technician, central ops) shows between customers.
        if self._screen in ("attract", "out_of_service"):
            wanted = "out_of_service" if self._app.out_of_service() else "attract"
            if wanted != self._screen:
                self.go(wanted)
        rows = self._service_rows()
        if rows != self._services:
            self._services = rows
            self.servicesChanged.emit()

    def service_row(self, key: str) -> dict[str, Any] | None:
        return next((r for r in self._services if r["key"] == key), None)
