"""What the SIM screens hold for one customer (ui/features/sim.py): all of it personal or about
their money, all of it dropped at once by `SimState()` when the session ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drivers.interfaces import IdCardRecord
from kiosk.central_models import NumberPage, RealNameCheck, Reservation
from kiosk.flows.cash_intake import CashIntake
from kiosk.flows.sim_replacement import SimReplacementFlow, SimReplacementResult
from kiosk.flows.sim_sale import SimSaleFlow
from ui.features.sim_support import NumberFilters


@dataclass
class SimState:
    mode: str = ""  # "sale" | "replacement"
    flow: SimSaleFlow | None = None
    replacement: SimReplacementFlow | None = None
    record: IdCardRecord | None = None  # the ID card read for this customer
    check: RealNameCheck | None = None
    check_error: str = ""  # why the real-name check said no (a message key)
    filters: NumberFilters = field(default_factory=NumberFilters)
    page: NumberPage | None = None
    page_no: int = 1
    reservation: Reservation | None = None
    seconds_left: int = 0
    read_to_end: bool = False
    strokes: list[list[tuple[float, float]]] = field(default_factory=list)  # the signature
    intake: CashIntake | None = None
    method: str = ""  # "cash" | "card", once chosen
    card_stage: str = ""  # a message key while the terminal works
    card_in_doubt: bool = False
    card_paid_fen: int = 0  # approved at the terminal
    issuing: bool = False  # the card's journey is under way (write, verify, dispense)
    step: int = -1  # ISSUE_STEPS index the card is on; 3: all done
    outcome: str = ""  # result: "sold" | "voucher" | "refunded" | "replaced" | "failed"
    outcome_key: str = ""  # why it failed (a message key)
    iccid: str = ""
    msisdn: str = ""
    voucher_fen: int = 0
    captured: bool = False
    result: SimReplacementResult | None = None
    fee_fen: int = 0  # the replacement's fee (the flow's)

    @property
    def price_fen(self) -> int:
        """What is to pay: the replacement's fee, or the reserved number's price."""
        if self.mode == "replacement":
            return self.fee_fen
        return self.reservation.price_fen if self.reservation is not None else 0

    @property
    def paid_fen(self) -> int:
        if self.intake is not None:
            return self.intake.paid_fen  # a plain int: read without the intake's lock
        return self.card_paid_fen

    def held(self) -> dict[str, Any]:
        """Every field that differs from a fresh state (what the session still holds)."""
        fresh = SimState()
        return {k: v for k, v in vars(self).items() if v != getattr(fresh, k)}
