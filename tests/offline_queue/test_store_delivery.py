"""The outbox store from the sync worker's side: due batches in order, acks, dead letters and
retries recorded in one transaction, storage errors that change nothing, the purge of old acks,
and waiting for central's answer to an item (woken by this or another connection's write)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from offline_queue import OutboxStore, QueueStats, QueueStorageError, enqueue
from tests.offline_queue.conftest import fill, fresh_db

pytestmark = pytest.mark.timeout(60)


# --- the worker's side ----------------------------------------------------------------------


def test_due_batch_takes_the_longest_due_and_returns_them_in_id_order(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    conn = fresh_db(path)
    conn.execute("BEGIN IMMEDIATE")
    for key, due in (("a", 50.0), ("b", 10.0), ("c", 30.0), ("d", 500.0)):
        enqueue(conn, key=key, kind="x", body={}, now=due)
    conn.execute("COMMIT")
    store = OutboxStore(path)
    assert [i.key for i in store.due_batch(2, now=100.0)] == ["b", "c"]
    assert [i.key for i in store.due_batch(10, now=100.0)] == ["a", "b", "c"]
    assert [i.key for i in store.due_batch(10, now=9.0)] == []
    assert store.next_due_at() == 10.0
    with pytest.raises(ValueError, match="limit"):
        store.due_batch(0, now=100.0)
    store.close()


def test_ack_dead_retry_and_stats(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 4, now=100.0)
    store = OutboxStore(tmp_path / "q.db")
    assert store.mark_acked("k0", {"topup_id": 7}, now=110.0) is True
    assert store.mark_dead("k1", "rejected: msisdn", now=111.0) is True
    assert store.mark_retry(["k2", "k3", "nope"], "HTTP 503", next_attempt_at=200.0) == 2

    assert store.due_batch(10, now=199.0) == []
    assert [i.key for i in store.due_batch(10, now=200.0)] == ["k2", "k3"]
    acked, dead, retried = store.get("k0"), store.get("k1"), store.get("k2")
    assert acked is not None
    assert dead is not None
    assert retried is not None
    assert (acked.state, acked.result, acked.acked_at, acked.attempts) == (
        "acked",
        {"topup_id": 7},
        110.0,
        1,
    )
    assert (dead.state, dead.last_error, dead.acked_at, dead.attempts) == (
        "dead",
        "rejected: msisdn",
        111.0,
        1,
    )
    assert (retried.state, retried.last_error, retried.next_attempt_at, retried.attempts) == (
        "pending",
        "HTTP 503",
        200.0,
        1,
    )
    assert [i.key for i in store.dead_letters()] == ["k1"]
    assert store.stats(now=160.0) == QueueStats(
        pending=2, acked=1, dead=1, oldest_pending_age_s=60.0
    )
    # Settled items never change again.
    assert store.mark_dead("k0", "late", now=120.0) is False
    assert store.mark_acked("k1", {}, now=120.0) is False
    assert store.mark_retry(["k0", "k1"], "late", 300.0) == 0
    assert store.get("k0") == acked
    assert store.get("k1") == dead
    store.close()


def test_empty_queue_stats(tmp_path: Path) -> None:
    store = OutboxStore(tmp_path / "q.db")
    assert store.stats(now=1.0) == QueueStats(0, 0, 0, None)
    assert store.next_due_at() is None
    assert store.dead_letters() == []
    store.close()


def test_record_outcomes_is_one_transaction(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 3)
    store = OutboxStore(tmp_path / "q.db")
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    changed = store.record_outcomes(
        acked=[("k0", {"id": 1})], dead=[("k1", "rejected")], retry=[("k2", "lost", 9.0)], now=5.0
    )
    assert changed == 3
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert [store.get(k).state for k in ("k0", "k1", "k2")] == ["acked", "dead", "pending"]  # type: ignore[union-attr]
    store.close()


def test_a_due_batch_is_acked_by_row_id_and_any_other_key_by_key(tmp_path: Path) -> None:
    """GIVEN a due batch handed out WHEN its items are acked THEN the rows are found by their id
    (neighbours in the table), not by the random keys' index; a key from outside the batch, one
    handed out by an earlier batch, and one already acked are still settled right."""
    fill(tmp_path / "q.db", 6, now=1.0)
    store = OutboxStore(tmp_path / "q.db")
    first = store.due_batch(2, now=10.0)  # k0, k1
    second = store.due_batch(2, now=10.0)  # k0, k1 again: still pending
    assert [i.key for i in first] == [i.key for i in second] == ["k0", "k1"]
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    assert store.record_outcomes(acked=[("k0", None), ("k1", None), ("k4", None)], now=11.0) == 3
    # (the trace repeats a statement for each trigger it fires: once each is enough here)
    acks = list(dict.fromkeys(s for s in statements if s.startswith("UPDATE outbox SET state")))
    by_id = [s for s in acks if "WHERE id = " in s]
    by_key = [s for s in acks if "WHERE key = " in s]
    assert [s.split("WHERE id = ")[1].split(" ")[0] for s in by_id] == [
        str(first[0].id),
        str(first[1].id),
    ]
    assert len(by_key) == 1
    assert "'k4'" in by_key[0]
    assert store.record_outcomes(acked=[("k0", None)], now=12.0) == 0  # acked already
    assert [store.get(f"k{n}").state for n in range(6)] == [  # type: ignore[union-attr]
        "acked",
        "acked",
        "pending",
        "pending",
        "acked",
        "pending",
    ]
    assert [i.key for i in store.due_batch(10, now=13.0)] == ["k2", "k3", "k5"]
    store.close()


def test_a_failed_write_is_a_storage_error_and_changes_nothing(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 1)
    store = OutboxStore(tmp_path / "q.db")
    store._conn.execute("PRAGMA query_only = ON")  # every write now fails, like a bad disk
    with pytest.raises(QueueStorageError, match="queue write failed") as caught:
        store.mark_acked("k0", {}, now=1.0)
    assert caught.value.message_key == "queue.storage_failed"
    assert not store._conn.in_transaction
    assert store.get("k0").state == "pending"  # type: ignore[union-attr]
    store.close()
    with pytest.raises(QueueStorageError, match="queue read failed"):
        store.get("k0")


def test_purge_acked_removes_only_old_acked_rows(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 4)
    store = OutboxStore(tmp_path / "q.db")
    store.mark_acked("k0", {}, now=10.0)
    store.mark_acked("k1", {}, now=20.0)
    store.mark_dead("k2", "rejected", now=5.0)
    assert store.purge_acked(settled_before=15.0) == 1
    assert [k for k in ("k0", "k1", "k2", "k3") if store.get(k) is not None] == ["k1", "k2", "k3"]
    store.close()


# --- waiting for central's answer -----------------------------------------------------------


def test_wait_until_acked_answers_at_once_for_settled_items(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 3)
    store = OutboxStore(tmp_path / "q.db")
    store.mark_acked("k0", {"topup_id": 7}, now=1.0)
    store.mark_acked("k1", None, now=1.0)
    store.mark_dead("k2", "rejected", now=1.0)
    assert store.wait_until_acked("k0", 0) == {"topup_id": 7}
    assert store.wait_until_acked("k1", 0) == {}
    # An hour's timeout: that they answer at all (within the test's timeout) shows no wait.
    assert store.wait_until_acked("k2", 3600.0) is None  # dead: no point waiting
    assert store.wait_until_acked("unknown", 3600.0) is None
    store.close()


def test_wait_until_acked_times_out_on_a_pending_item(tmp_path: Path) -> None:
    fill(tmp_path / "q.db", 1)
    store = OutboxStore(tmp_path / "q.db")
    started = time.monotonic()
    assert store.wait_until_acked("k0", 0.3, poll_s=0.05) is None
    assert time.monotonic() - started >= 0.3  # it waited out its timeout
    store.close()


def test_wait_until_acked_wakes_on_this_stores_write(tmp_path: Path) -> None:
    """poll_s is 30 s and the timeout 20 s: any answer means the store's own write woke the
    waiter (without it, the wait would end at the timeout with None)."""
    fill(tmp_path / "q.db", 1)
    store = OutboxStore(tmp_path / "q.db")
    timer = threading.Timer(0.2, lambda: store.mark_acked("k0", {"ok": True}, now=1.0))
    timer.start()
    assert store.wait_until_acked("k0", 20.0, poll_s=30.0) == {"ok": True}
    timer.join()
    store.close()


def test_wait_until_acked_sees_another_connections_write(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    fill(path, 1)
    store = OutboxStore(path)
    other = OutboxStore(path)
    timer = threading.Timer(0.2, lambda: other.mark_acked("k0", {"by": "other"}, now=1.0))
    timer.start()
    assert store.wait_until_acked("k0", 10.0, poll_s=0.05) == {"by": "other"}
    timer.join()
    other.close()
    store.close()
