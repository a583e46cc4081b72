"""The tour's SIM journeys: a new line (ID card → real-name check → number → agreement read and
signed → cash → the card written and dispensed) and a replacement card (ID card login → confirm →
written and dispensed), on the ID card reader simulator, the in-process SIM card and the
dispenser of the shipped config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.tour import customer
from kiosk.tour.screen import Tour, TourFailed

NOTES_FEN = (10000, 5000, 2000, 1000, 500, 100)


def _id_card(tour: Tour, then: str) -> None:
    """The ID card simulator's "valid" card (张三's) on the reader until `then` shows."""
    tour.shot("idcard")
    simulator = tour.app.simulators.get("id_card_reader")
    if simulator is None:
        raise TourFailed("the ID card reader is not simulated")
    idcard: Any = simulator.handle
    idcard.place_card("valid")
    try:
        tour.on(then, 30)
    finally:
        idcard.remove_card()


def _paid(tour: Tour, sim: Any, fen: int) -> Callable[[], bool]:
    return lambda: bool(sim.paidFen >= fen or tour.vm.screen != "sim.pay")


def _issued(tour: Tour) -> str:
    sim = tour.screen.feature("sim")
    tour.expect("the card written", lambda: tour.vm.screen in ("sim.progress", "sim.result"))
    tour.shot("writing")
    tour.on("sim.result", 60)
    tour.shot("result")
    if sim.outcome not in ("sold", "replaced"):
        raise TourFailed(f"no card: {sim.outcome} ({sim.outcomeKey})")
    card = tour.app.sim_reader.read_card() if tour.app.sim_reader is not None else None
    return f"ICCID {card.iccid}" if card is not None else "card issued"


def sim_sale(tour: Tour) -> str:
    sim = tour.screen.feature("sim")
    tour.start()
    tour.open("sim.sale")
    tour.on("sim.idcard")
    _id_card(tour, "sim.check")
    if not sim.checkOk:
        raise TourFailed(f"real-name check refused: {tour.vm.messageKey}")
    tour.shot("real-name")
    tour.tap("sim.check.continue")
    tour.expect("numbers for sale", lambda: tour.vm.screen == "sim.numbers" and len(sim.numbers))
    tour.idle()
    rows = list(sim.numbers)
    priced = [i for i, row in enumerate(rows) if row["priceFen"] > 0] or list(range(len(rows)))
    index = min(priced, key=lambda i: rows[i]["priceFen"])  # a priced one: the pay step shows
    chosen = dict(rows[index])
    tour.tap(f"sim.number.{index}")
    tour.expect("the number reserved", lambda: sim.reserved)
    tour.shot("number")
    tour.tap("sim.numbers.next")
    tour.on("sim.agreement")
    for _ in range(40):
        if sim.readToEnd:
            break
        tour.tap("sim.agreement.more")
        tour.screen.wait(lambda: sim.readToEnd, 0.2)
    tour.screen.stroke("sim.signature.pad")
    tour.expect("the agreement signed", lambda: sim.readToEnd and sim.signed)
    tour.shot("agreement")
    tour.tap("sim.agreement.agree")
    tour.on("sim.pay")
    if sim.cardOffered:
        tour.tap("sim.pay.cash")
    tour.expect("the cash payment", lambda: sim.method == "cash")
    tour.shot("pay")
    before = tour.receipts()
    owed = sim.owedFen if hasattr(sim, "owedFen") else int(chosen["priceFen"])
    paid = 0
    while paid < owed and tour.vm.screen == "sim.pay":
        note = next((n for n in NOTES_FEN if n <= owed - paid), NOTES_FEN[-1])
        tour.tap(f"sim.pay.note.{note}")
        paid += note
        tour.expect(f"¥{paid / 100:.2f} paid", _paid(tour, sim, paid))
    iccid = _issued(tour)
    tour.receipt("sim-sale", before, 20)
    return f"line {chosen['msisdn'][:3]}****{chosen['msisdn'][-4:]} opened, {iccid}"


def sim_replacement(tour: Tour) -> str:
    tour.start()
    customer.log_in(tour, "sim.replacement", "sim.idcard")
    _id_card(tour, "sim.replace")
    tour.shot("confirm")
    before = tour.receipts()
    tour.tap("sim.replace.confirm")
    iccid = _issued(tour)
    if tour.receipts() > before:
        tour.receipt("sim-replacement", before)
    return f"new card {iccid}"
