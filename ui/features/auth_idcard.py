"""The ID card login (for ui/features/auth.py): whether the reader can be used, and a small
watcher thread that waits on the app's ID-card tap (`app.ops.id_cards`, fed with every reader
event) while the ID card screen is up — never on the GUI thread and never on the core thread.

Plain Python: the view-model owns the Qt side and the calls to the core thread; a card read
comes back to the GUI thread through `nav.post` and goes to the core session from there.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from drivers.interfaces import IdCardRead, IdCardReadError

if TYPE_CHECKING:
    from ui.features.auth import AuthViewModel
    from ui.features.auth_login import LoginForm

CARD_WAIT_SLICE_S = 0.5  # the watcher checks this often whether the screen is still up


class IdCardLogin:
    def __init__(self, vm: AuthViewModel, form: LoginForm) -> None:
        self.vm = vm
        self.form = form
        self.watch_stop: threading.Event | None = None
        self.watch_generation = 0

    # --- the reader -------------------------------------------------------------------------

    def reason(self) -> str:
        """Why the ID card cannot be used now ("" if it can): the reader's cached health."""
        app = self.vm.app
        health = app.device_health().get("id_card_reader")
        if app.id_card_reader is None:
            return "service.not_installed"
        if health is None or not health.usable:
            return "service.id_reader_down"
        return ""

    def simulator(self) -> Any:
        simulator = self.vm.app.simulators.get("id_card_reader")
        handle = simulator.handle if simulator is not None else None
        return handle if hasattr(handle, "place_card") else None

    def place_test_card(self, identity: str) -> None:
        """Simulator only: put one of the simulator's test cards on the reader."""
        simulator = self.simulator()
        if simulator is not None:
            self.vm.ctx.bridge.submit(lambda: simulator.place_card(identity))

    # --- the watcher ------------------------------------------------------------------------

    def start(self) -> None:
        self.stop()
        self.form.card_state = "waiting"
        self.watch_generation += 1
        generation, stop = self.watch_generation, threading.Event()
        self.watch_stop = stop
        tap = self.vm.app.ops.id_cards
        post = self.vm.nav.post

        def watch() -> None:  # a waiter on the app's ID-card tap, not a device call
            while not stop.is_set():
                event = tap.wait(CARD_WAIT_SLICE_S)
                if event is not None and not stop.is_set():
                    post(lambda event=event: self._on_event(generation, event))

        threading.Thread(target=watch, name="auth-idcard-watch", daemon=True).start()

    def stop(self) -> None:
        if self.watch_stop is not None:
            self.watch_stop.set()
            self.watch_stop = None
        self.watch_generation += 1

    def _on_event(self, generation: int, event: object) -> None:
        vm = self.vm
        if generation != self.watch_generation or vm.nav.screen != "auth.idcard":
            return  # the customer left the screen: a late card is not theirs to use here
        if isinstance(event, IdCardReadError):
            vm.nav.show_message(event.message_key)
            return
        session = vm.nav.session
        if not isinstance(event, IdCardRead) or session is None or self.form.busy:
            return
        record, msisdn = event.record, self.form.digits
        self.form.card_state = "checking"
        vm.set_busy(True)
        vm.nav.show_message("auth.checking_card")
        vm.nav.run(
            lambda: session.login_id_card(msisdn, record, date.today()),
            vm.now(vm.logged_in),
            vm.now(self._refused),
        )

    def _refused(self, error: BaseException) -> None:
        self.vm.set_busy(False)
        self.form.card_state = "waiting"  # the watcher still runs: another card may be tried
        self.vm.show_error(error)
