"""Builders the flow tests share: the simulated cash path (acceptor + router, started), notes
fed one by one until the flow has counted each, and the kiosk's outbox delivered to the
reference central as the sync worker would."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tests.support.waiting import wait_until

__all__ = ["deliver_outbox", "feed_notes", "simulated_cash"]


def simulated_cash() -> tuple[Any, Any]:
    """A simulated bill acceptor (the kiosk's note set) started on a fresh cash router."""
    from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
    from kiosk.cash_router import CashRouter
    from kiosk.config import NOTE_DENOMINATIONS_FEN

    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    return acceptor, router


def feed_notes(acceptor: Any, notes: Iterable[int], paid: Callable[[], int]) -> int:
    """Insert each note and wait until `paid()` has counted it (the acceptor answers on its own
    thread); the total paid. A note counted twice, or not at all, fails here."""
    total = paid()
    for note in notes:
        acceptor.insert_note(note)
        total += note
        want = total
        wait_until(lambda: paid() >= want, what=f"{want} fen paid")  # noqa: B023 - used at once
        assert paid() == total, f"paid {paid()} fen after notes worth {total}"
    return total


def deliver_outbox(journal: Any, central_url: str, kiosk_id: str = "K1") -> list[Any]:
    """One sync round of the kiosk's outbox (in the journal's database) to central; then every
    journalled outbox item as the store now holds it (None once purged), in journal order."""
    from offline_queue import HttpBatchSender, OutboxStore, SyncWorker
    from tests.central.conftest import KIOSKS

    store = OutboxStore(journal.path)
    try:
        SyncWorker(store, HttpBatchSender(central_url, kiosk_id, KIOSKS[kiosk_id])).run_once()
        keys = [p["outbox_key"] for _, _, _, p in journal.events() if "outbox_key" in p]
        return [store.get(key) for key in keys]
    finally:
        store.close()
