"""The ID card login (for ui/features/auth.py): whether the reader can be used, and listening to
the app's ID-card tap (`app.ops.id_cards`, fed with every reader event) while the ID card screen
is up. No thread of its own: the tap calls back on the reader's thread, and the event is handed
to the GUI thread with `nav.post` at once.

A card already lying on the reader when the screen opens counts as just read (the reader reads
a card once per placement, so the customer would otherwise have to lift it and put it back).

Plain Python: the view-model owns the Qt side and the calls to the core thread; a card read
goes to the core session from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from drivers.interfaces import IdCardEvent, IdCardRead, IdCardReadError, IdCardRecord

if TYPE_CHECKING:
    from ui.features.auth import AuthViewModel
    from ui.features.auth_login import LoginForm


class IdCardLogin:
    def __init__(self, vm: AuthViewModel, form: LoginForm) -> None:
        self.vm = vm
        self.form = form
        self._unsubscribe: Callable[[], None] | None = None
        self._generation = 0  # bumped when the screen closes: events made before are stale
        self._tried: IdCardRecord | None = None  # the read last tried: one read, one login

    @property
    def listening(self) -> bool:
        """The ID card screen listens to the tap now."""
        return self._unsubscribe is not None

    @property
    def tried(self) -> IdCardRecord | None:
        """The card read last tried on this screen (personal data: dropped with the screen)."""
        return self._tried

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

    # --- listening while the screen is up ---------------------------------------------------

    def start(self) -> None:
        """The ID card screen opened (GUI thread)."""
        self.stop()
        self.form.card_state = "waiting"
        generation, post = self._generation, self.vm.nav.post
        tap = self.vm.app.ops.id_cards

        def on_event(event: IdCardEvent) -> None:  # the reader's thread: must not block
            if isinstance(event, IdCardRead | IdCardReadError):
                post(lambda: self._on_event(generation, event))

        # Subscribe first, then ask for the lying card (the tap's contract): no read falls
        # between the two. A read in that gap comes both ways; `_on_event` tries it once.
        self._unsubscribe = tap.listen(on_event)
        present = tap.last_read_while_present()
        if present is not None:  # posted: handled after the screen's own set-up, like any read
            post(lambda: self._on_event(generation, IdCardRead(present)))

    def stop(self) -> None:
        """The screen closed (or the customer's data is dropped): no card is used any more."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
        self._tried = None  # a card still lying there counts again when the screen reopens
        self._generation += 1

    def _on_event(self, generation: int, event: IdCardEvent) -> None:
        vm = self.vm
        if generation != self._generation or vm.nav.screen != "auth.idcard":
            return  # the customer left the screen: a late card is not theirs to use here
        if isinstance(event, IdCardReadError):
            vm.nav.show_message(event.message_key)
            return
        session = vm.nav.session
        if not isinstance(event, IdCardRead) or session is None or self.form.busy:
            return
        if event.record is self._tried:
            return  # the same read again (see `start`); a card put back is a new read
        record, msisdn = event.record, self.form.digits
        self._tried = record
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
        self.form.card_state = "waiting"  # still listening: another card may be tried
        self.vm.show_error(error)
