"""A batch central refuses is bisected down to the item it refuses (sync worker against a
scripted central on loopback): one poisoned item, two, every position, central refusing all."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from offline_queue import (
    BatchRefused,
    ItemDeadLettered,
    SyncReport,
    SyncWorker,
)
from tests.offline_queue.conftest import (
    Items,
    Reply,
    ScriptedCentral,
    accept_all,
)
from tests.offline_queue.test_worker import fill_more, make, state
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)


# --- a refused batch is bisected down to the item central refuses ---------------------------


def refuse_if(*poison: str, status: int = 422) -> Any:
    """Central refuses the whole request when it carries a poisoned key, accepts it otherwise."""

    def respond(items: Items) -> Reply:
        if any(i["key"] in poison for i in items):
            return status, b'{"detail": "items.2.body.amount_fen: must be positive"}'
        return accept_all(items)

    return respond


def drain(worker: SyncWorker, limit: int = 50) -> list[SyncReport]:
    """run_once until nothing is sent (the clock does not move: only due items or a
    bisection's groups go)."""
    reports: list[SyncReport] = []
    for _ in range(limit):
        report = worker.run_once()
        if report.sent == 0:
            return reports
        reports.append(report)
    raise AssertionError("the worker kept sending")


def test_a_poisoned_item_is_bisected_out_and_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k2")
    store, worker, events, clock = make(tmp_path, central.url, 8, batch_size=8)
    drain(worker)
    assert central.sent_keys() == [
        ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"],  # refused
        ["k0", "k1", "k2", "k3"],  # refused
        ["k0", "k1"],  # accepted: central takes batches, k2 is suspect
        ["k2", "k3"],  # refused
        ["k2"],  # refused alone, but right after a refusal: not yet proof, set aside
        ["k3"],
        ["k4", "k5", "k6", "k7"],
        ["k2"],  # refused alone again while central takes everything else: dead
    ]
    assert not worker.bisecting
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 7, 1)
    dead_state, attempts, _, reason = state(store, "k2")
    assert (dead_state, attempts) == ("dead", 5)
    assert reason is not None
    assert reason.startswith("refused on its own: central refused the batch: HTTP 422")
    dead = [e for e in events if isinstance(e, ItemDeadLettered)]
    assert len(dead) == 1
    assert (dead[0].key, dead[0].refused, dead[0].conflict, dead[0].alert) == (
        "k2",
        True,
        False,
        True,
    )
    assert dead[0].reason == reason
    assert sum(isinstance(e, BatchRefused) for e in events) == 4


def test_a_poisoned_item_first_at_every_level_is_still_found(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k0", status=413)
    store, worker, _, clock = make(tmp_path, central.url, 4, batch_size=4)
    drain(worker)
    assert central.sent_keys() == [
        ["k0", "k1", "k2", "k3"],
        ["k0", "k1"],
        ["k0"],
        ["k1"],
        ["k2", "k3"],
        ["k0"],
    ]
    assert state(store, "k0")[0] == "dead"
    assert "HTTP 413" in str(state(store, "k0")[3])
    assert store.stats(now=clock.now).acked == 3


def test_two_poisoned_items_are_both_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k1", "k6")
    store, worker, _, clock = make(tmp_path, central.url, 8, batch_size=8)
    drain(worker)
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.acked, stats.dead) == (0, 6, 2)
    assert state(store, "k1")[0] == state(store, "k6")[0] == "dead"
    assert len(central.requests) <= 16


def test_central_refusing_everything_dead_letters_nothing(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = lambda _items: (400, b'{"detail": "unsupported contract version"}')
    store, worker, events, clock = make(tmp_path, central.url, 4, batch_size=4)
    drain(worker)
    # The whole bisection tree once (2n - 1 requests), each paced by the usual backoff.
    assert len(central.requests) == 7
    assert not worker.bisecting
    assert worker.consecutive_failures == 7
    stats = store.stats(now=clock.now)
    assert (stats.pending, stats.dead) == (4, 0)
    assert not any(isinstance(e, ItemDeadLettered) for e in events)
    assert all(isinstance(e, BatchRefused) for e in events)


def test_a_lone_item_refused_while_central_accepts_others_is_dead_lettered(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("late")
    store, worker, events, clock = make(tmp_path, central.url, 1)
    assert worker.run_once().acked == 1  # central takes our batches
    fill_more(store, clock.now)
    assert worker.run_once() == SyncReport(sent=1, acked=0, dead=1, retried=0, failed=False)
    assert state(store, "late")[0] == "dead"
    assert worker.consecutive_failures == 0
    assert isinstance(events[-1], ItemDeadLettered)
    assert events[-1].alert


def test_a_lone_item_refused_before_central_accepted_anything_stays_pending(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k0")
    store, worker, events, clock = make(tmp_path, central.url, 1, backoff_base_s=2.0)
    assert worker.run_once().failed
    assert state(store, "k0")[:3] == ("pending", 1, clock.now + 2.0)
    assert worker.run_once().sent == 0  # nothing else to compare with: just back off
    assert not worker.bisecting
    assert [type(e) for e in events] == [BatchRefused]


def test_the_thread_bisects_a_refused_batch_on_its_own(
    central: ScriptedCentral, tmp_path: Path
) -> None:
    central.respond = refuse_if("k37")
    store, worker, events, _ = make(
        tmp_path,
        central.url,
        100,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        clock=time.time,
        rng=lambda: 0.5,
    )
    worker.start()
    try:
        wait_until(lambda: store.stats().pending == 0, 10.0, "the queue drained")
    finally:
        assert worker.stop(timeout=5)
    stats = store.stats()
    assert (stats.acked, stats.dead) == (99, 1)
    assert state(store, "k37")[0] == "dead"
    assert len(central.requests) <= 2 * 7 + 3
    assert [e.key for e in events if isinstance(e, ItemDeadLettered)] == ["k37"]
