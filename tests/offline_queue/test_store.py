"""Outbox store: transactional enqueue, crash safety, stats, canonical bodies (the worker's side,
verdicts and waiting for an answer: test_store_delivery.py)."""

from __future__ import annotations

import itertools
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offline_queue import (
    MAX_BODY_BYTES,
    DuplicateKeyError,
    InvalidItemError,
    OutboxStore,
    QueueError,
    QueueStats,
    QueueStorageError,
    connect,
    enqueue,
)
from tests.offline_queue.conftest import fill, fresh_db

pytestmark = pytest.mark.timeout(60)


# --- the transactional outbox ---------------------------------------------------------------


def test_enqueue_commits_and_rolls_back_with_the_callers_transaction(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business (note) VALUES ('kept')")
    enqueue(conn, key="k1", kind="topup.v1", body={"amount_fen": 100}, now=5.0)
    conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business (note) VALUES ('dropped')")
    enqueue(conn, key="k2", kind="topup.v1", body={"amount_fen": 200}, now=6.0)
    conn.execute("ROLLBACK")

    assert conn.execute("SELECT note FROM business").fetchall() == [("kept",)]
    store = OutboxStore(tmp_path / "q.db")
    item = store.get("k1")
    assert item is not None
    assert (item.key, item.kind, item.body, item.state) == (
        "k1",
        "topup.v1",
        {"amount_fen": 100},
        "pending",
    )
    assert (item.attempts, item.next_attempt_at, item.created_at) == (0, 5.0, 5.0)
    assert (item.acked_at, item.result, item.last_error) == (None, None, None)
    assert store.get("k2") is None
    store.close()


def test_enqueue_does_not_commit_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    conn = fresh_db(path)
    other = connect(path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="k1", kind="x", body={})
    assert conn.in_transaction
    assert other.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    conn.execute("COMMIT")
    assert other.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1


def test_enqueue_outside_a_transaction_is_refused(tmp_path: Path) -> None:
    """An outbox row must never commit on its own, without the journal event it belongs to."""
    conn = fresh_db(tmp_path / "q.db")
    with pytest.raises(QueueError, match="inside the caller's transaction"):
        enqueue(conn, key="k1", kind="x", body={})
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_duplicate_key_is_refused_and_the_transaction_survives(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="k1", kind="x", body={"a": 1})
    with pytest.raises(DuplicateKeyError, match="'k1' already queued") as caught:
        enqueue(conn, key="k1", kind="x", body={"a": 2})
    assert caught.value.message_key == "queue.duplicate_key"
    assert conn.in_transaction  # the caller decides: here it commits the first row
    conn.execute("COMMIT")
    assert conn.execute("SELECT key, body FROM outbox").fetchall() == [("k1", '{"a":1}')]
    store = OutboxStore(tmp_path / "q.db")  # the refused insert is not counted either
    assert store.stats(now=0.0).pending == 1
    store.close()


@pytest.mark.parametrize(
    ("key", "kind", "body", "match"),
    [
        ("k", "x", {"x": float("nan")}, "not JSON"),
        ("k", "x", {"x": math.inf}, "not JSON"),
        ("k", "x", {"x": object()}, "not JSON"),
        ("k", "x", {1: "int key"}, "round trip"),
        ("k", "x", {"x": (1, 2)}, "round trip"),
        ("k", "x", {"x": "\ud800"}, "not JSON"),  # a lone surrogate cannot be UTF-8
        ("k", "x", ["not", "an", "object"], "JSON object is required"),
        ("k", "x", {"x": "y" * MAX_BODY_BYTES}, "the limit is 65536"),
        ("", "x", {}, "key must be a string of 1 to 128"),
        ("k" * 129, "x", {}, "key must be a string of 1 to 128"),
        (7, "x", {}, "key must be a string"),
        ("k", "", {}, "kind must be a string of 1 to 64"),
        ("k", "x" * 65, {}, "kind must be a string of 1 to 64"),
    ],
)
def test_items_central_could_not_take_are_refused(
    tmp_path: Path, key: object, kind: object, body: object, match: str
) -> None:
    conn = fresh_db(tmp_path / "q.db")
    conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(InvalidItemError, match=match) as caught:
        enqueue(conn, key=key, kind=kind, body=body)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert caught.value.message_key == "queue.invalid_item"
    conn.execute("COMMIT")
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def test_limits_are_inclusive(tmp_path: Path) -> None:
    conn = fresh_db(tmp_path / "q.db")
    big = {"x": "y" * (MAX_BODY_BYTES - len('{"x":""}'))}
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="k" * 128, kind="x" * 64, body=big)
    conn.execute("COMMIT")
    assert len(conn.execute("SELECT body FROM outbox").fetchone()[0]) == MAX_BODY_BYTES


# --- crash safety ---------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    import offline_queue
    conn = offline_queue.connect(sys.argv[1])
    offline_queue.ensure_schema(conn)
    conn.execute("CREATE TABLE business (note TEXT)")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business VALUES ('committed')")
    offline_queue.enqueue(conn, key="committed", kind="x", body={"n": 1})
    conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO business VALUES ('uncommitted')")
    offline_queue.enqueue(conn, key="uncommitted", kind="x", body={"n": 2})
    print("ready", flush=True)
    sys.stdin.read()
    """
)


def test_kill_9_keeps_committed_and_loses_uncommitted(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL

    store = OutboxStore(path)
    committed = store.get("committed")
    assert committed is not None
    assert committed.body == {"n": 1}
    assert store.get("uncommitted") is None
    store.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT note FROM business").fetchall() == [("committed",)]
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


# --- bodies are stored canonically and come back unchanged ---------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, OutboxStore]:
    path = tmp_path_factory.mktemp("roundtrip") / "q.db"
    return fresh_db(path), OutboxStore(path)


_KEYS = itertools.count()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_bodies_round_trip_canonically(
    shared_db: tuple[sqlite3.Connection, OutboxStore], body: dict[str, object]
) -> None:
    conn, store = shared_db
    key = f"k{next(_KEYS)}"
    conn.execute("BEGIN IMMEDIATE")
    try:
        enqueue(conn, key=key, kind="x", body=body)
    finally:
        conn.execute("COMMIT")
    stored = conn.execute("SELECT body FROM outbox WHERE key = ?", (key,)).fetchone()[0]
    expected = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    assert stored == expected
    item = store.get(key)
    assert item is not None
    assert item.body == body
    again = json.dumps(item.body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert again == stored


def test_stats_counts_follow_every_write_without_scanning(tmp_path: Path) -> None:
    """The counts stats() reads are kept by triggers in the writers' own transactions: they
    match a full GROUP BY after enqueues, a rollback, acks, dead letters, retries and purges."""
    path = tmp_path / "q.db"
    fill(path, 10)

    def scanned() -> tuple[int, int, int]:
        rows = dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return rows.get("pending", 0), rows.get("acked", 0), rows.get("dead", 0)

    def counted() -> tuple[int, int, int]:
        stats = store.stats(now=100.0)
        return stats.pending, stats.acked, stats.dead

    conn = fresh_db(path)
    store = OutboxStore(path)
    assert counted() == scanned() == (10, 0, 0)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="gone", kind="topup.v1", body={})
    conn.execute("ROLLBACK")
    assert counted() == scanned() == (10, 0, 0)
    store.record_outcomes(
        acked=[("k0", None), ("k1", {"id": 1}), ("k0", None)],  # k0 twice: counted once
        dead=[("k2", "rejected")],
        retry=[("k3", "later", 50.0)],
        now=10.0,
    )
    assert counted() == scanned() == (7, 2, 1)
    assert not store.mark_dead("k1", "too late")  # not pending: nothing moves
    assert store.purge_acked(settled_before=20.0) == 2
    assert counted() == scanned() == (7, 0, 1)
    conn.execute("DELETE FROM outbox WHERE key = 'k2'")  # even a writer outside the store
    conn.execute("UPDATE outbox SET state = 'dead' WHERE key = 'k4'")
    assert counted() == scanned() == (6, 0, 1)
    store.close()


def test_oldest_pending_age_follows_acks_dead_letters_and_retries(tmp_path: Path) -> None:
    """The oldest pending item is the pending one enqueued first (lowest id), whatever was
    settled, dead-lettered, retried, brought back or deleted before it, and after the queue ran
    empty."""
    path = tmp_path / "q.db"
    conn = fresh_db(path)
    store = OutboxStore(path)

    def age() -> float | None:
        return store.stats(now=100.0).oldest_pending_age_s

    def put(key: str, at: float) -> None:
        conn.execute("BEGIN IMMEDIATE")
        enqueue(conn, key=key, kind="topup.v1", body={}, now=at)
        conn.execute("COMMIT")

    assert age() is None
    for n in range(6):
        put(f"k{n}", 10.0 * n)  # k0 at 0 s ... k5 at 50 s
    assert age() == 100.0
    store.record_outcomes(acked=[("k0", None)], dead=[("k1", "refused")], now=60.0)
    assert age() == 80.0  # k2
    assert store.mark_retry(["k2"], "HTTP 503", next_attempt_at=500.0) == 1
    assert age() == 80.0  # backing off is still pending
    store.record_outcomes(acked=[("k2", None), ("k4", None)], now=61.0)
    assert age() == 70.0  # k3; k4's ack leaves k3 the lowest
    assert store.retry_dead("k1", now=62.0)
    assert age() == 90.0  # k1 is pending again
    assert store.discard_dead("k1") is None  # pending, not dead: stays
    store.record_outcomes(acked=[("k1", None), ("k3", None), ("k5", None)], now=63.0)
    assert age() is None
    assert store.stats(now=100.0) == QueueStats(0, 6, 0, None)
    assert store.purge_acked(settled_before=1000.0) == 6  # the highest id deleted too
    put("k6", 95.0)  # AUTOINCREMENT: a new id, above every one before
    assert store.stats(now=100.0) == QueueStats(1, 0, 0, 5.0)
    conn.execute("UPDATE outbox SET state = 'dead' WHERE key = 'k6'")  # a writer outside
    assert store.stats(now=100.0) == QueueStats(0, 0, 1, None)
    store.close()


def test_pending_total_sums_only_pending_items_of_the_kind(tmp_path: Path) -> None:
    """GIVEN top-ups k0..k4 with n = 0..4 and one of another kind WHEN k1 is acked and k2 dead
    THEN the pending total of n counts k0, k3 and k4 only."""
    path = tmp_path / "q.db"
    fill(path, 5)
    conn = fresh_db(path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key="other", kind="sim_sale.v1", body={"n": 100}, now=0.0)
    conn.execute("COMMIT")
    conn.close()
    store = OutboxStore(path)
    try:
        assert store.pending_total("topup.v1", "n") == 10
        store.mark_acked("k1", {"status": "credited"})
        store.mark_dead("k2", "refused")
        assert store.pending_total("topup.v1", "n") == 7
        assert store.pending_total("sim_sale.v1", "n") == 100
        assert store.pending_total("topup.v1", "missing") == 0
        with pytest.raises(ValueError, match="not a field name"):
            store.pending_total("topup.v1", "n') OR 1=1 --")
    finally:
        store.close()


def test_a_dead_letter_can_be_retried_or_discarded(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    fill(path, 3)
    store = OutboxStore(path)
    try:
        assert store.mark_dead("k0", "refused: bad msisdn", now=5.0)
        assert store.mark_dead("k1", "refused: conflict", now=5.0)
        assert not store.retry_dead("k2")  # pending, not dead
        assert store.retry_dead("k0", now=9.0)
        item = store.get("k0")
        assert item is not None
        assert (item.state, item.next_attempt_at, item.acked_at) == ("pending", 9.0, None)
        assert [i.key for i in store.due_batch(10, now=9.0)] == ["k0", "k2"]
        discarded = store.discard_dead("k1")
        assert discarded is not None
        assert discarded.body == {"n": 1}
        assert discarded.last_error == "refused: conflict"
        assert store.get("k1") is None
        assert store.discard_dead("k1") is None
        assert store.stats(now=10.0).dead == 0
    finally:
        store.close()


def _enqueue_until_it_fails(conn: sqlite3.Connection, committed: list[str]) -> None:
    big = {"text": "x" * 3000}
    for n in range(100):
        conn.execute("BEGIN IMMEDIATE")
        try:
            enqueue(conn, key=f"k{n}", kind="topup.v1", body=big)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        committed.append(f"k{n}")


def test_a_full_disk_on_enqueue_is_a_clear_storage_error(tmp_path: Path) -> None:
    """GIVEN a database that cannot grow (SQLITE_FULL, as on a full disk) WHEN items are
    enqueued THEN a QueueStorageError says the disk is full; what committed before is intact
    and the failed transaction leaves nothing behind."""
    conn = fresh_db(tmp_path / "q.db")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2 * (4096 // page_size)}")  # 8 KiB more
    committed: list[str] = []
    with pytest.raises(QueueStorageError, match="full") as caught:
        _enqueue_until_it_fails(conn, committed)
    assert caught.value.message_key == "queue.storage_failed"
    assert len(committed) >= 1
    conn.close()
    store = OutboxStore(tmp_path / "q.db")
    try:
        assert store.stats(now=1.0).pending == len(committed)
        assert store._conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        store.close()
