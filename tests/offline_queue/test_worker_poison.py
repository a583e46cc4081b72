"""Sync worker against a central that fails (500), is down (502/503/504, timeouts) or refuses a
request as too large (413): a poison item is split out and dead-lettered only on proof, the rest
is delivered, and an outage or a broken deployment never dead-letters anything."""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import offline_queue
from offline_queue import (
    BatchRefused,
    HttpBatchSender,
    ItemDeadLettered,
    ItemOutcome,
    ItemSuspected,
    OutboxStore,
    RefusedSendError,
    ServerErrorSendError,
    SyncReport,
    SyncWorker,
    TooLargeSendError,
    TransientFailure,
    TransientSendError,
    Verdict,
    WireItem,
    enqueue,
)
from tests.offline_queue.conftest import FakeClock, Items, Reply, ScriptedCentral, accept_all, fill
from tests.offline_queue.test_worker import make, state
from tests.offline_queue.test_worker_bisect import drain
from tests.support import wait_until

pytestmark = pytest.mark.timeout(120)


def crash_if(*poison: str) -> Callable[[Items], Reply]:
    """Central's code fails (500) on any request holding a poisoned key, accepts the others."""

    def respond(items: Items) -> Reply:
        if any(i["key"] in poison for i in items):
            return 500, b'{"detail": "internal server error"}'
        return accept_all(items)

    return respond


def sell(
    store: OutboxStore, key: str, now: float, body: Mapping[str, object] | None = None
) -> None:
    """The kiosk commits a new item (a sale), due at once."""
    conn = offline_queue.connect(store.path)
    conn.execute("BEGIN IMMEDIATE")
    enqueue(conn, key=key, kind="topup.v1", body={"sale": key} if body is None else body, now=now)
    conn.execute("COMMIT")
    conn.close()


def next_sync(worker: SyncWorker, store: OutboxStore, clock: FakeClock) -> list[SyncReport]:
    """One sync as the thread runs it once its wait is over: the clock moves on to the next item
    due (never back), then the worker sends until it has nothing to send."""
    due = store.next_due_at()
    if due is not None:
        clock.now = max(clock.now, due)
    return drain(worker)


def recording(central: ScriptedCentral, respond: Callable[[Items], Reply]) -> Counter[str]:
    """Make central answer with `respond`; the keys it accepts (answered 200), with how often."""
    accepted: Counter[str] = Counter()

    def answer(items: Items) -> Reply:
        reply = respond(items)
        if reply[0] == 200:
            accepted.update(i["key"] for i in items)
        return reply

    central.respond = answer
    return accepted


# --- a poison item that makes central fail (500) -------------------------------------------


def test_a_500_poison_item_is_split_out_the_rest_delivered_and_it_is_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """GIVEN three items of which k1 makes central answer 500 WHEN the kiosk syncs THEN k0 and
    k2 are delivered at once, k1 is kept apart (sent alone, with backoff) and is dead-lettered
    after 3 lone 500s, each after central accepted something else; it stays in the outbox."""
    central.respond = crash_if("k1")
    store, worker, events, clock = make(tmp_path, central.url, 3, batch_size=3)
    next_sync(worker, store, clock)
    assert central.sent_keys() == [
        ["k0", "k1", "k2"],  # 500: split
        ["k0", "k1"],  # 500: split
        ["k0"],  # accepted: central is up
        ["k1"],  # 500 alone after k0 was accepted: strike 1, kept apart
        ["k2"],  # accepted
    ]
    assert (state(store, "k0")[0], state(store, "k1")[0], state(store, "k2")[0]) == (
        "acked",
        "pending",
        "acked",
    )
    assert worker.suspects == ["k1"]
    assert not worker.bisecting

    next_sync(worker, store, clock)  # k1 alone again, after its backoff: k2 came since
    assert central.sent_keys()[5:] == [["k1"]]
    assert worker.suspects == ["k1"]

    # A quiet kiosk: central accepts nothing in between, so further 500s prove nothing.
    for _ in range(3):
        next_sync(worker, store, clock)
    assert central.sent_keys()[6:] == [["k1"]] * 3
    assert state(store, "k1")[0] == "pending"

    # The next sale goes on its own (not with k1), is delivered, and then k1 fails alone again.
    sell(store, "sale", clock.now)
    next_sync(worker, store, clock)
    assert central.sent_keys()[9:] == [["sale"], ["k1"]]
    assert state(store, "sale")[0] == "acked"

    dead_state, _attempts, _due, reason = state(store, "k1")
    assert dead_state == "dead"
    assert reason == (
        "central failed on it alone 3 times while accepting other items: central answered HTTP 500"
    )
    kept = store.dead_letters()
    assert [(item.key, item.body) for item in kept] == [("k1", {"n": 1})]  # kept for ops
    assert worker.suspects == []
    suspected = [e for e in events if isinstance(e, ItemSuspected)]
    # Strikes 1 and 2 with the item's own backoff (rng 1.0: base 1 s * 2 ** (attempts - 1)).
    assert [(e.key, e.strikes, e.strikes_to_dead, e.retry_in_s) for e in suspected] == [
        ("k1", 1, 3, 4.0),
        ("k1", 2, 3, 8.0),
    ]
    dead = [e for e in events if isinstance(e, ItemDeadLettered)]
    assert len(dead) == 1
    assert (dead[0].key, dead[0].crashed, dead[0].refused, dead[0].alert) == (
        "k1",
        True,
        False,
        True,
    )
    assert dead[0].reason == reason
    assert store.stats(now=clock.now).acked == 3

    # Central fixed: ops replay the dead letter under its key, and it is delivered.
    central.respond = accept_all
    assert store.retry_dead("k1", now=clock.now)
    next_sync(worker, store, clock)
    assert central.sent_keys()[-1] == ["k1"]
    assert state(store, "k1")[0] == "acked"


def test_with_two_strikes_a_batch_of_3_needs_no_other_traffic(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = crash_if("k1")
    store, worker, events, clock = make(tmp_path, central.url, 3, batch_size=3, strikes_to_dead=2)
    next_sync(worker, store, clock)
    next_sync(worker, store, clock)
    assert central.sent_keys()[-2:] == [["k2"], ["k1"]]
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 2, 1)
    assert state(store, "k1")[0] == "dead"
    assert [e.key for e in events if isinstance(e, ItemDeadLettered)] == ["k1"]


def test_a_poison_item_first_in_the_batch_waits_for_proof_before_its_first_strike(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = crash_if("k0")
    store, worker, events, clock = make(tmp_path, central.url, 4, batch_size=4)
    next_sync(worker, store, clock)
    assert central.sent_keys() == [
        ["k0", "k1", "k2", "k3"],
        ["k0", "k1"],
        ["k0"],  # 500 alone, nothing accepted since its last 500: no strike, set aside
        ["k1"],
        ["k2", "k3"],
        ["k0"],  # alone again after k1, k2, k3 were accepted: strike 1
    ]
    assert [(e.key, e.strikes) for e in events if isinstance(e, ItemSuspected)] == [("k0", 1)]
    assert store.stats(now=clock.now).acked == 3


def test_two_500_poison_items_travelling_together_are_both_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """k0 and k1 fail together before central accepts anything, every time: set aside, they
    wait for the next sale to be accepted, then go alone and collect their strikes."""
    central.respond = crash_if("k0", "k1")
    store, worker, events, clock = make(tmp_path, central.url, 2, batch_size=2)
    for n in range(4):
        sell(store, f"sale{n}", clock.now)
        next_sync(worker, store, clock)
        clock.now += 1000.0
    assert central.sent_keys()[:4] == [["k0", "k1"], ["k0"], ["k1"], ["sale0"]]
    assert central.sent_keys()[4:6] == [["k0"], ["k1"]]  # after sale0: strike 1 each
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 4, 2)
    assert sorted(e.key for e in events if isinstance(e, ItemDeadLettered)) == ["k0", "k1"]


def test_central_breaking_after_a_strike_never_finishes_the_item_off(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """A strike needs central to accept something since the item's previous 500: once central
    answers 500 to everything, the item keeps the strikes it had and is never dead-lettered."""
    central.respond = crash_if("k1")
    store, worker, events, clock = make(tmp_path, central.url, 3, batch_size=3)
    next_sync(worker, store, clock)
    assert worker.suspects == ["k1"]
    central.respond = crash_if("k1", "sale0", "sale1", "sale2")
    for n in range(3):  # sales keep coming, central fails on all of them
        sell(store, f"sale{n}", clock.now)
        next_sync(worker, store, clock)
        next_sync(worker, store, clock)
    assert not any(isinstance(e, ItemDeadLettered) for e in events)
    assert store.stats(now=clock.now).dead == 0
    assert state(store, "k1")[0] == "pending"
    # One strike may still come from what central accepted before it broke; never the third.
    assert max(e.strikes for e in events if isinstance(e, ItemSuspected)) <= 2


def test_a_central_answering_500_to_everything_dead_letters_nothing(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """A broken deployment: central took an item once, then fails on every request. The batches
    are split over and over, but no item is delivered anywhere, so none is ever suspected."""
    store, worker, events, clock = make(tmp_path, central.url, 1, batch_size=4)
    assert worker.run_once().acked == 1  # central was up
    fill(tmp_path / "q.db", 4, now=clock.now, prefix="m")
    central.respond = lambda _items: (500, b'{"detail": "internal server error"}')
    for _ in range(8):
        next_sync(worker, store, clock)
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (4, 1, 0)
    assert store.dead_letters() == []
    assert not any(isinstance(e, ItemDeadLettered | ItemSuspected) for e in events)
    assert worker.suspects == []
    assert any(len(keys) == 1 for keys in central.sent_keys())  # the split went down to one
    assert all(state(store, f"m{n}")[0] == "pending" for n in range(4))


# --- central down or overloaded: transient, never split, never dead -------------------------


@pytest.mark.parametrize("failure", ["502", "503", "504", "timeout"])
def test_central_down_keeps_everything_pending_and_whole(
    central: ScriptedCentral, tmp_path: Path, failure: str
) -> None:
    """502/504 from a proxy, 503 (storage unavailable) or a timeout, after central had accepted
    an item: every sync sends the same whole batch again; nothing is split or dead-lettered."""
    store, worker, events, clock = make(tmp_path, central.url, 1, batch_size=3, timeout_s=0.2)
    assert worker.run_once().acked == 1
    fill(tmp_path / "q.db", 3, now=clock.now, prefix="m")
    if failure == "timeout":
        central.delay_s = 1.0
    else:
        central.respond = lambda _items: (int(failure), b'{"detail": "storage unavailable"}')
    for _ in range(5):
        next_sync(worker, store, clock)
    assert central.sent_keys()[1:] == [["m0", "m1", "m2"]] * 5
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (3, 1, 0)
    assert [type(e) for e in events[1:]] == [TransientFailure] * 5
    assert worker.suspects == []
    assert not worker.bisecting


# --- 413: central's request-size limit ------------------------------------------------------


def too_large_over(limit: int) -> Callable[[Items], Reply]:
    """Central (or its proxy) refuses a request whose items take more than `limit` bytes."""

    def respond(items: Items) -> Reply:
        if len(json.dumps(items).encode()) > limit:
            return 413, b'{"detail": "request too large"}'
        return accept_all(items)

    return respond


def wire(key: str, body: dict[str, object]) -> dict[str, object]:
    return {"key": key, "kind": "topup.v1", "body": body}


def test_a_batch_too_large_is_split_until_it_fits_and_all_is_delivered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    limit = len(json.dumps([wire(f"k{n}", {"n": n}) for n in range(3)]).encode())
    accepted = recording(central, too_large_over(limit))
    store, worker, events, clock = make(tmp_path, central.url, 10, batch_size=10)
    next_sync(worker, store, clock)
    assert [len(keys) for keys in central.sent_keys()] == [10, 5, 3, 2, 5, 3, 2]
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 10, 0)
    assert accepted == Counter(f"k{n}" for n in range(10))  # each exactly once
    refused = [e for e in events if isinstance(e, BatchRefused)]
    assert [e.status for e in refused] == [413, 413, 413]


def test_an_item_too_large_on_its_own_is_dead_lettered_and_kept(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = too_large_over(2000)
    store, worker, events, clock = make(tmp_path, central.url, 0, batch_size=3)
    sell(store, "a", clock.now)
    big = {"blob": "x" * 3000}
    sell(store, "big", clock.now, big)
    sell(store, "b", clock.now)
    next_sync(worker, store, clock)
    assert central.sent_keys() == [["a", "big", "b"], ["a", "big"], ["a"], ["big"], ["b"]]
    assert (state(store, "a")[0], state(store, "b")[0]) == ("acked", "acked")
    dead_state, _attempts, _due, reason = state(store, "big")
    assert dead_state == "dead"
    assert reason is not None
    assert reason.startswith("too large for central even on its own, can never be accepted: ")
    assert "HTTP 413" in reason
    assert [(i.key, i.body) for i in store.dead_letters()] == [("big", big)]  # kept for ops
    dead = [e for e in events if isinstance(e, ItemDeadLettered)]
    assert [(e.key, e.refused, e.alert) for e in dead] == [("big", True, True)]


def test_a_size_limit_that_refuses_everything_dead_letters_nothing(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    """A proxy limit set far too low: even a lone item is too large, yet no item is the cause;
    central accepts nothing, so nothing is dead-lettered."""
    store, worker, events, clock = make(tmp_path, central.url, 1, batch_size=4)
    assert worker.run_once().acked == 1
    fill(tmp_path / "q.db", 4, now=clock.now, prefix="m")
    central.respond = lambda _items: (413, b"request entity too large")
    for _ in range(3):
        next_sync(worker, store, clock)
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.dead) == (4, 0)
    assert not any(isinstance(e, ItemDeadLettered) for e in events)


# --- the sender's classification ------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: str
    kind: str
    body: dict[str, object]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, ServerErrorSendError),
        (501, TransientSendError),
        (502, TransientSendError),
        (503, TransientSendError),
        (504, TransientSendError),
        (507, TransientSendError),
        (413, TooLargeSendError),
        (422, RefusedSendError),
    ],
)
def test_the_sender_names_what_the_status_says(
    central: ScriptedCentral, status: int, error: type[Exception]
) -> None:
    central.respond = lambda _items: (status, b"{}")
    sender = HttpBatchSender(central.url, "K1", "secret-token")
    item = Item("k0", "topup.v1", {"n": 0})
    with pytest.raises(TransientSendError) as raised:  # every one of them is retried
        sender.send([item])
    assert type(raised.value) is error
    assert raised.value.status == status
    sender.close()


# --- the thread -----------------------------------------------------------------------------


def test_the_thread_splits_out_a_500_poison_item_on_its_own(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = crash_if("k37")
    store, worker, events, _ = make(
        tmp_path,
        central.url,
        100,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        clock=time.time,
        rng=lambda: 0.5,
        strikes_to_dead=2,
    )
    worker.start()
    try:
        wait_until(lambda: store.stats().pending == 0, 20.0, "the queue drained")
    finally:
        assert worker.stop(timeout=5)
    stats = store.stats()
    assert (stats.acked, stats.dead) == (99, 1)
    assert state(store, "k37")[0] == "dead"
    assert [e.key for e in events if isinstance(e, ItemDeadLettered)] == ["k37"]


# --- property: whatever the poison, the rest is delivered exactly once ----------------------


class PoisonCentral:
    """In-process central: a request holding a poisoned key fails with that key's status (500:
    its code fails, 422: refused, 413: too large), otherwise every item is accepted."""

    def __init__(self, poison: dict[str, int]) -> None:
        self.poison = poison
        self.accepted: Counter[str] = Counter()

    def send(self, items: Sequence[WireItem]) -> list[ItemOutcome]:
        statuses = [self.poison[i.key] for i in items if i.key in self.poison]
        if statuses and statuses[0] == 500:
            raise ServerErrorSendError("central answered HTTP 500", status=500)
        if statuses and statuses[0] == 413:
            raise TooLargeSendError("central refused the batch: HTTP 413", status=413)
        if statuses:
            raise RefusedSendError(f"central refused the batch: HTTP {statuses[0]}", status=422)
        self.accepted.update(i.key for i in items)
        return [ItemOutcome(i.key, Verdict.ACKED, {"ok": True}) for i in items]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), size=st.integers(1, 10), batch_size=st.integers(1, 10))
def test_any_poison_positions_only_poison_is_dead_and_the_rest_delivered_once(
    data: st.DataObject, size: int, batch_size: int
) -> None:
    positions = data.draw(st.sets(st.integers(0, size - 1)), label="poison positions")
    poison = {f"k{n}": data.draw(st.sampled_from([500, 422, 413])) for n in sorted(positions)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "q.db"
        fill(path, size)
        store = OutboxStore(path)
        clock = FakeClock()
        central = PoisonCentral(poison)
        worker = SyncWorker(store, central, batch_size=batch_size, clock=clock, rng=lambda: 1.0)
        try:
            sales: list[str] = []
            for round_ in range(12):
                # The kiosk keeps selling; each sync comes after every backoff ran out.
                sales.append(f"s{round_}")
                sell(store, sales[-1], clock.now)
                drain(worker, limit=200)
                clock.now += 1000.0
            states = {
                key: state(store, key)[0] for key in [*(f"k{n}" for n in range(size)), *sales]
            }
        finally:
            store.close()
    good = [key for key in states if key not in poison]
    assert central.accepted == Counter(good)  # every good item delivered exactly once
    assert {key for key, st_ in states.items() if st_ == "dead"} == set(poison)
    assert all(states[key] == "acked" for key in good)
