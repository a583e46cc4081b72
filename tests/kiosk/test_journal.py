"""Journal: events, state, cash box and outbox commit together or not at all."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal, OutboxMessage


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "kiosk.db")
    yield opened
    opened.close()


def _outbox_keys(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT key FROM outbox ORDER BY id")]


def test_event_state_cash_and_outbox_commit_together(journal: Journal) -> None:
    message = OutboxMessage("t1:topup", "topup.v1", {"amount_fen": 5000})
    journal.record(
        Entry("t1", "cash.note_credited", {"denomination_fen": 5000}, "flow", "cash",
              {"credited_fen": 5000}, cash_in_fen=(5000,), outbox=(message,))
    )  # fmt: skip
    assert journal.cashbox() == {5000: 1}
    assert journal.transaction("t1").state == "cash"  # type: ignore[union-attr]
    assert journal.transaction("t1").data == {"credited_fen": 5000}  # type: ignore[union-attr]
    assert _outbox_keys(journal.path) == ["t1:topup"]
    assert [e[2] for e in journal.events("t1")] == ["cash.note_credited"]


def test_failed_outbox_write_rolls_back_event_and_cash(journal: Journal) -> None:
    message = OutboxMessage("dup", "topup.v1", {"amount_fen": 1})
    journal.record(Entry("t1", "a", {}, "flow", "cash", {}, outbox=(message,)))
    with pytest.raises(JournalError):
        journal.record(
            Entry("t2", "b", {}, "flow", "cash", {}, cash_in_fen=(10000,), outbox=(message,))
        )
    assert journal.cashbox() == {}
    assert journal.transaction("t2") is None
    assert [e[1] for e in journal.events()] == ["t1"]
    assert journal.verify_chain()


def test_hash_chain_detects_tampering(journal: Journal) -> None:
    for n in range(3):
        journal.record(Entry(f"t{n}", "x", {"n": n}))
    assert journal.verify_chain()
    with sqlite3.connect(journal.path) as conn:
        conn.execute("UPDATE journal SET payload = '{\"n\":9}' WHERE seq = 2")
    assert not journal.verify_chain()


def test_open_transactions_exclude_final_states(journal: Journal) -> None:
    journal.record(Entry("a", "x", {}, "flow", "cash", {}))
    journal.record(Entry("b", "x", {}, "flow", "done", {}))
    journal.record(Entry("c", "x", {}, "flow", "cancelled", {}))
    assert [t.txn_id for t in journal.open_transactions()] == ["a"]


def test_unwritable_location_is_a_journal_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError):
        Journal(blocker / "kiosk.db")


def test_database_is_wal_with_full_sync(journal: Journal) -> None:
    conn = journal._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_collect_cash_zeroes_the_box_with_its_event_and_outbox(journal: Journal) -> None:
    for note in (10000, 10000, 500):
        journal.record(Entry(f"n{note}-{journal.cashbox()}", "cash", {}, cash_in_fen=(note,)))
    seen: list[dict[int, int]] = []

    def build(counts: object) -> Entry:
        seen.append(dict(counts))  # type: ignore[call-overload]
        return Entry("c1", "cash.collected", {"counts": str(counts)},
                     outbox=(OutboxMessage("c1", "maintenance.v1", {}),))  # fmt: skip

    collection = journal.collect_cash(build)
    assert seen == [{10000: 2, 500: 1}]
    assert collection.counts == {10000: 2, 500: 1}
    assert (collection.notes, collection.total_fen) == (3, 20500)
    assert journal.cashbox() == {}
    assert _outbox_keys(journal.path) == ["c1"]
    latest = journal.latest_event("cash.collected")
    assert latest is not None
    assert latest.seq == collection.seq
    assert journal.verify_chain()


def test_failed_collection_leaves_the_box_full(journal: Journal) -> None:
    message = OutboxMessage("dup", "maintenance.v1", {})
    journal.record(Entry("t1", "cash", {}, cash_in_fen=(10000,), outbox=(message,)))
    with pytest.raises(JournalError):
        journal.collect_cash(lambda _counts: Entry("c1", "cash.collected", {}, outbox=(message,)))
    assert journal.cashbox() == {10000: 1}
    assert journal.latest_event("cash.collected") is None
    with pytest.raises(ValueError, match="cannot put notes"):
        journal.collect_cash(lambda _counts: Entry("c2", "x", {}, cash_in_fen=(100,)))
    assert journal.cashbox() == {10000: 1}
