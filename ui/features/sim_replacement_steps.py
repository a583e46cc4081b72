"""SIM replacement's steps as the screens take them (for ui/features/sim.py): logged in, the ID
card as proof of the owner, confirm, the card's journey, the result. The decisions are
kiosk/flows/sim_replacement.py's (and the desk's, which gives the flow its session)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.customer_session import AuthMethod
from kiosk.errors import JournalError
from kiosk.flows.sim_replacement import SimReplacementResult
from ui.features.sim_sale_steps import message_key

if TYPE_CHECKING:
    from ui.features.sim import SimViewModel


class ReplacementSteps:
    def __init__(self, vm: SimViewModel) -> None:
        self.vm = vm

    def authed(self) -> None:
        """The customer is logged in (nav.require_auth): by their ID card, or else the card
        must prove the owner too before a new SIM is written for the line."""
        session = self.vm.nav.session
        customer = session.customer if session is not None else None
        if customer is None:
            self.vm.nav.show_message("session.login_required")
            return
        self.vm.state.mode = "replacement"
        if customer.method is AuthMethod.ID_CARD:
            self.confirm()
        else:
            self.vm.await_id_card("sim.id_card_to_confirm")

    def confirm(self) -> None:
        self.vm.refresh()
        self.vm.nav.go("sim.replace", "sim.replace_confirm")

    def start(self) -> None:
        desk, s = self.vm.app.desk, self.vm.state
        if desk is None or s.issuing or s.mode != "replacement":
            return

        def started(flow: Any) -> None:
            s = self.vm.state
            s.replacement, s.issuing, s.step = flow, True, 0
            self.vm.start_timer()
            self.vm.refresh()
            self.vm.nav.go("sim.progress", "sim.issuing")
            self.vm.background(flow.run, self._replaced, self._failed)

        self.vm.call(desk.sim_replacement, started)

    def _replaced(self, result: SimReplacementResult) -> None:
        s = self.vm.state
        s.result, s.msisdn, s.iccid = result, result.msisdn, result.iccid
        s.issuing, s.step, s.outcome = False, 3, "replaced"
        self.vm.refresh()
        self.vm.nav.go("sim.result", "sim.replaced")

    def _failed(self, error: BaseException) -> None:
        s = self.vm.state
        s.issuing = False
        if isinstance(error, JournalError):
            self.vm.show_error(error)
            return
        s.outcome, s.outcome_key = "failed", message_key(error)
        s.captured = bool(getattr(error, "captured", False))
        self.vm.refresh()
        self.vm.nav.go("sim.result", "sim.replace_failed")
