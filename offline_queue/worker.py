"""The sync worker: a thread that delivers due outbox items in batches, with backoff.

It never busy-loops (it waits on an event with a timeout) and never runs on the GUI thread.
An item sent but not answered is simply sent again later under the same key.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from offline_queue.errors import AuthSendError, QueueError, TransientSendError
from offline_queue.sender import BatchSender, Verdict
from offline_queue.store import OutboxStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchDelivered:
    acked: int
    dead: int
    retried: int


@dataclass(frozen=True)
class ItemDeadLettered:
    key: str
    reason: str
    conflict: bool  # an alert: same key, different body


@dataclass(frozen=True)
class TransientFailure:
    error: str
    retry_in_s: float


@dataclass(frozen=True)
class AuthFailure:
    error: str
    retry_in_s: float


SyncEvent = BatchDelivered | ItemDeadLettered | TransientFailure | AuthFailure


@dataclass(frozen=True)
class SyncReport:
    sent: int
    acked: int
    dead: int
    retried: int
    failed: bool


class SyncWorker:
    def __init__(
        self,
        store: OutboxStore,
        sender: BatchSender,
        *,
        batch_size: int = 100,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 300.0,
        idle_poll_s: float = 5.0,
        on_event: Callable[[SyncEvent], None] | None = None,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._store = store
        self._sender = sender
        self._batch_size = batch_size
        self._base = backoff_base_s
        self._max = backoff_max_s
        self._idle = idle_poll_s
        self._on_event = on_event
        self._clock = clock
        self._rng = rng
        self._failures = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def backoff_s(self, failures: int) -> float:
        """Full jitter: uniform in [0, min(max, base·2^(failures-1))]."""
        ceiling: float = min(self._max, self._base * 2.0 ** max(failures - 1, 0))
        return ceiling * self._rng()

    def _emit(self, event: SyncEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("sync event listener failed")

    def run_once(self) -> SyncReport:
        """Send one batch of due items and record each outcome."""
        now = self._clock()
        items = self._store.due_batch(self._batch_size, now)
        if not items:
            return SyncReport(0, 0, 0, 0, failed=False)
        try:
            outcomes = self._sender.send(items)
        except (TransientSendError, AuthSendError) as exc:
            self._failures += 1
            delay = self.backoff_s(self._failures)
            self._store.mark_retry([i.key for i in items], str(exc), now + delay)
            event_type = AuthFailure if isinstance(exc, AuthSendError) else TransientFailure
            self._emit(event_type(str(exc), delay))
            return SyncReport(len(items), 0, 0, len(items), failed=True)
        self._failures = 0
        acked = dead = 0
        retry = []
        for outcome in outcomes:
            if outcome.verdict is Verdict.ACKED:
                self._store.mark_acked(outcome.key, outcome.result, now)
                acked += 1
            elif outcome.verdict is Verdict.DEAD:
                self._store.mark_dead(outcome.key, outcome.reason, now)
                dead += 1
                self._emit(ItemDeadLettered(outcome.key, outcome.reason, outcome.conflict))
            else:
                retry.append(outcome.key)
        if retry:
            self._store.mark_retry(retry, "no result for item", now + self.backoff_s(1))
        self._emit(BatchDelivered(acked, dead, len(retry)))
        return SyncReport(len(items), acked, dead, len(retry), failed=False)

    def _wait_s(self) -> float:
        due = self._store.next_due_at()
        if due is None:
            return self._idle
        return min(max(due - self._clock(), 0.0), self._idle)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                report = self.run_once()
                more = report.sent == self._batch_size and not report.failed
                wait = 0.0 if more else self._wait_s()
            except QueueError as exc:
                log.error("sync worker: %s", exc)
                wait = self._idle
            if wait > 0:
                self._wake.wait(wait)
                self._wake.clear()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
            self._thread.start()

    def kick(self) -> None:
        """Deliver now (a new item was just queued)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
