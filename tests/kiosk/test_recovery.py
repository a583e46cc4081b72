"""Recovery on boot: money in the cash box is never left without a top-up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.flows import topup
from kiosk.journal import Entry, Journal
from kiosk.recovery import recover


def _outbox(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT key, kind FROM outbox ORDER BY id"))


def test_cash_with_money_is_committed_and_queued(tmp_path: Path) -> None:
    """GIVEN a crash after a note was credited WHEN the kiosk boots
    THEN the top-up is committed for the credited amount and queued for central."""
    journal = Journal(tmp_path / "kiosk.db")
    data = {"msisdn": "13800138000", "credited_fen": 5000, "notes_fen": [5000]}
    journal.record(Entry("t1", "topup.started", {}, topup.FLOW_NAME, "cash", data))
    actions = recover(journal)
    assert [(a.txn_id, a.from_state, a.action) for a in actions] == [("t1", "cash", "committed")]
    assert journal.transaction("t1").state == "done"  # type: ignore[union-attr]
    assert _outbox(journal.path) == [("t1:topup", "topup.v1")]
    kinds = [e[2] for e in journal.events("t1")]
    assert kinds == ["topup.started", "topup.committed", "receipt.failed"]
    assert recover(journal) == []  # a second boot finds nothing left
    journal.close()


def test_cash_without_money_is_cancelled(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "kiosk.db")
    data = {"msisdn": "13800138000", "credited_fen": 0, "notes_fen": []}
    journal.record(Entry("t2", "topup.started", {}, topup.FLOW_NAME, "cash", data))
    assert [a.action for a in recover(journal)] == ["cancelled"]
    assert _outbox(journal.path) == []
    journal.close()


def test_committed_is_closed_without_second_posting(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "kiosk.db")
    data = {"msisdn": "13800138000", "credited_fen": 1000, "notes_fen": [1000]}
    journal.record(Entry("t3", "topup.committed", {}, topup.FLOW_NAME, "committed", data))
    assert [a.action for a in recover(journal)] == ["closed"]
    assert _outbox(journal.path) == []
    journal.close()


def test_unknown_flow_is_left_open(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "kiosk.db")
    journal.record(Entry("t4", "x", {}, "mystery.flow", "half", {}))
    assert recover(journal) == []
    assert [t.txn_id for t in journal.open_transactions()] == ["t4"]
    journal.close()


def test_a_card_left_in_the_reader_is_captured_after_boot() -> None:
    """GIVEN recovery found a SIM flow that died while writing WHEN the devices run THEN the
    card in the reader goes to the reject bin; other actions move nothing."""
    from drivers.dispenser.driver import DispenserDriver
    from drivers.dispenser.simulator import DispenserSimulator, Position
    from kiosk.recovery import RecoveryAction, capture_left_cards

    mechanism = DispenserSimulator(stock=5)
    dispenser = DispenserDriver(mechanism)
    dispenser.card_to_reader()
    capture_left_cards([RecoveryAction("t0", "checked", "cancelled")], dispenser)
    assert mechanism.position is Position.READER
    capture_left_cards([RecoveryAction("t1", "writing", "voucher_capture_card")], dispenser)
    assert mechanism.rejected == 1
    capture_left_cards([RecoveryAction("t2", "writing", "capture_card")], None)  # no dispenser
