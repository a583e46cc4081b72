"""The sync worker: a daemon thread that delivers due outbox items to central in batches.

Whole-request failures back off exponentially with full jitter (capped) and hold the whole loop
back, so an outage costs one request per backoff period however big the backlog. The loop never
busy-waits: it sleeps on an event that kick() and stop() set. An item sent but not answered stays
pending and is simply sent again later under the same key; central answers a replay with the
first answer.

Central refusing a whole batch (4xx: RefusedSendError) is usually one item it cannot take. The
worker then bisects: it sends the halves of the refused batch on later attempts, depth first,
until the refused item is alone. An item refused alone is dead-lettered (an alert), but only once
central has accepted some batch since the previous unexplained refusal: if central refuses
everything (a contract change, a proxy limit), nothing is dead-lettered and every item stays
pending. The bisection lives in memory; after a restart it simply starts again.

When central answers a batch after whole-request failures (or for the first time since start),
every item still backing off becomes due at once: central is back.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from offline_queue.errors import (
    AuthSendError,
    QueueError,
    RefusedSendError,
    SendError,
    TransientSendError,
)
from offline_queue.protocol import MAX_BATCH, Verdict
from offline_queue.sender import BatchSender
from offline_queue.store import OutboxItem, OutboxStore

log = logging.getLogger(__name__)

_MIN_WAIT_S = 0.05  # floor after any failure, whatever the jitter draws
_MAX_EXPONENT = 62  # 2.0 ** n stays finite however long the outage lasts


@dataclass(frozen=True)
class BatchDelivered:
    """Central answered a batch (the kiosk is online)."""

    acked: int
    dead: int
    retried: int


@dataclass(frozen=True)
class ItemDeadLettered:
    """An item will never be sent again. A conflict (same key, different body) is an alert, and
    so is an item central refused on its own (`refused`: a whole-request 4xx for it alone)."""

    key: str
    reason: str
    conflict: bool
    refused: bool = False

    @property
    def alert(self) -> bool:
        return self.conflict or self.refused


@dataclass(frozen=True)
class TransientFailure:
    """The batch was not delivered (network, timeout, 5xx, malformed answer); it will retry."""

    error: str
    retry_in_s: float
    status: int | None = None


@dataclass(frozen=True)
class BatchRefused(TransientFailure):
    """Central refused the whole batch with a 4xx: retried, but an alert (it will not heal)."""


@dataclass(frozen=True)
class AuthFailure:
    """Central refused our credentials (401/403): an alert; the items stay pending."""

    error: str
    retry_in_s: float
    status: int | None = None


@dataclass(frozen=True)
class StorageFailure:
    """The worker could not read or write the queue database."""

    error: str


SyncEvent = (
    BatchDelivered
    | ItemDeadLettered
    | TransientFailure
    | BatchRefused
    | AuthFailure
    | StorageFailure
)


@dataclass(frozen=True)
class SyncReport:
    """What one run_once() did. `failed` means the whole request failed (all items retry)."""

    sent: int
    acked: int
    dead: int
    retried: int
    failed: bool
    error: str | None = None


_PURGE_EVERY_S = 3600.0


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
        keep_acked_s: float | None = 30 * 86400.0,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {MAX_BATCH}")
        if not 0 < backoff_base_s <= backoff_max_s:
            raise ValueError("backoff needs 0 < backoff_base_s <= backoff_max_s")
        if idle_poll_s <= 0:
            raise ValueError("idle_poll_s must be positive")
        self._store = store
        self._sender = sender
        self._batch_size = batch_size
        self._base = backoff_base_s
        self._max = backoff_max_s
        self._idle = idle_poll_s
        self._on_event = on_event
        self._clock = clock
        self._rng = rng
        self._failures = 0  # consecutive whole-request failures
        self._resume_at = 0.0  # after a failure the loop waits until then, unless kicked
        self._run_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Bisection of a refused batch: key groups still to send (next first), items refused
        # alone before central accepted anything, and whether central accepted a batch since
        # the last refusal we could not explain.
        self._suspects: list[tuple[str, ...]] = []
        self._deferred: list[str] = []
        self._accepted_since_refusal = False
        # Items may be backing off from an outage (ours or a previous process's): release them
        # on the next batch central answers.
        self._release_on_success = True
        # Acked rows are kept a while (receipts look them up, ops may ask), then deleted.
        self._keep_acked_s = keep_acked_s
        self._next_purge_at = 0.0

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    @property
    def bisecting(self) -> bool:
        """A refused batch is being split to find the item central refuses."""
        return bool(self._suspects or self._deferred)

    def backoff_s(self, failures: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**(failures - 1))]; 0 for no failure."""
        if failures < 1:
            return 0.0
        ceiling = min(self._max, self._base * 2.0 ** min(failures - 1, _MAX_EXPONENT))
        return ceiling * self._rng()

    def _emit(self, event: SyncEvent) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                log.exception("sync event listener failed on %r", event)

    # --- one batch --------------------------------------------------------------------------

    def run_once(self) -> SyncReport:
        """Send one batch of due items and record every outcome (in one transaction).

        Raises QueueStorageError if the queue database fails; never raises for the network."""
        with self._run_lock:
            now = self._clock()
            items = self._next_items(now)
            if not items:
                return SyncReport(0, 0, 0, 0, failed=False)
            try:
                outcomes = self._sender.send(items)
                if [o.key for o in outcomes] != [i.key for i in items]:
                    raise TransientSendError("sender answered for other items than it sent")
            except RefusedSendError as exc:
                return self._refused(items, now, exc)
            except SendError as exc:
                return self._whole_batch_failed(items, now, exc)
            except Exception as exc:  # a sender bug must neither kill the thread nor lose items
                log.exception("sync sender failed unexpectedly")
                error = TransientSendError(f"unexpected {type(exc).__name__}: {exc}")
                return self._whole_batch_failed(items, now, error)
            self._failures = 0
            self._resume_at = 0.0
            self._accepted_since_refusal = True
            release, self._release_on_success = self._release_on_success, False
            attempts = {item.key: item.attempts for item in items}
            acked = [(o.key, o.result) for o in outcomes if o.verdict is Verdict.ACKED]
            dead = [o for o in outcomes if o.verdict is Verdict.DEAD]
            retry = [
                (o.key, o.reason, now + self.backoff_s(attempts[o.key] + 1))
                for o in outcomes
                if o.verdict is Verdict.RETRY
            ]
            self._store.record_outcomes(
                acked=acked,
                dead=[(o.key, o.reason) for o in dead],
                retry=retry,
                now=now,
                release_backoff=release,
            )
            for outcome in dead:
                self._emit(ItemDeadLettered(outcome.key, outcome.reason, outcome.conflict))
            self._emit(BatchDelivered(len(acked), len(dead), len(retry)))
            return SyncReport(len(items), len(acked), len(dead), len(retry), failed=False)

    def _next_items(self, now: float) -> list[OutboxItem]:
        """The next group of a bisection (sent whether due or not: the loop's own backoff paces
        it), else the next due batch."""
        while True:
            if not self._suspects and self._deferred:
                # Everything else is sent. Items refused alone while central accepted nothing
                # are tried alone again, if central has accepted something since; otherwise
                # this looks like central refusing everything: stop, keep them all pending.
                if self._accepted_since_refusal:
                    self._suspects = [(key,) for key in self._deferred]
                self._deferred = []
            if not self._suspects:
                return self._store.due_batch(self._batch_size, now)
            group = self._suspects.pop(0)
            items = self._store.pending_items(group)
            if items:
                return items

    def _refused(self, items: list[OutboxItem], now: float, error: RefusedSendError) -> SyncReport:
        """Central refused the whole request: split it, or dead-letter an item refused alone."""
        if len(items) == 1 and self._accepted_since_refusal:
            key = items[0].key
            reason = f"refused on its own: {error}"
            self._store.record_outcomes(dead=[(key, reason)], now=now)
            log.error("sync: dead letter %s: %s", key, reason)
            self._emit(ItemDeadLettered(key, reason, conflict=False, refused=True))
            return SyncReport(1, 0, 1, 0, failed=False)
        self._accepted_since_refusal = False
        if len(items) == 1:
            self._deferred.append(items[0].key)
        else:
            keys = tuple(item.key for item in items)
            half = (len(keys) + 1) // 2
            self._suspects[:0] = [keys[:half], keys[half:]]
        return self._whole_batch_failed(items, now, error)

    def _whole_batch_failed(
        self, items: list[OutboxItem], now: float, error: SendError
    ) -> SyncReport:
        self._release_on_success = True
        self._failures += 1
        delay = self.backoff_s(self._failures)
        self._resume_at = now + delay
        self._store.mark_retry([item.key for item in items], str(error), now + delay)
        event: SyncEvent
        if isinstance(error, AuthSendError):
            event = AuthFailure(str(error), delay, error.status)
        elif isinstance(error, RefusedSendError):
            event = BatchRefused(str(error), delay, error.status)
        else:
            event = TransientFailure(str(error), delay, error.status)
        log.warning("sync: %s (retry in %.1f s)", error, delay)
        self._emit(event)
        return SyncReport(len(items), 0, 0, len(items), failed=True, error=str(error))

    # --- the thread -------------------------------------------------------------------------

    def purge_old(self) -> int:
        """Delete acked rows older than the retention, at most once an hour."""
        now = self._clock()
        if self._keep_acked_s is None or now < self._next_purge_at:
            return 0
        self._next_purge_at = now + _PURGE_EVERY_S
        purged = self._store.purge_acked(now - self._keep_acked_s)
        if purged:
            log.info("outbox: %d delivered items older than retention deleted", purged)
        return purged

    def _cycle(self) -> float:
        """One batch; how long to wait before the next."""
        try:
            report = self.run_once()
            if not report.failed:
                self.purge_old()  # housekeeping after delivery, never before it
        except QueueError as exc:
            log.error("sync worker: %s", exc)
            self._emit(StorageFailure(str(exc)))
            return self._idle
        except Exception as exc:
            log.exception("sync worker: unexpected error")
            self._emit(StorageFailure(f"unexpected {type(exc).__name__}: {exc}"))
            return self._idle
        if report.failed:
            return max(self._resume_at - self._clock(), _MIN_WAIT_S)
        if report.sent >= self._batch_size or self.bisecting:
            return 0.0  # a full batch: more may be due; or the next group of a bisection
        due = self._store.next_due_at()
        wait = self._idle if due is None else min(max(due - self._clock(), 0.0), self._idle)
        return max(wait, _MIN_WAIT_S) if report.retried else wait

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before the batch: a kick during it is not lost
            try:
                wait = self._cycle()
            except Exception:  # belt and braces: the delivery thread must not die
                log.exception("sync worker: unexpected error")
                wait = self._idle
            if wait > 0:
                self._wake.wait(wait)  # kick() and stop() cut it short

    def start(self) -> None:
        """Run the delivery loop on a daemon thread (no-op if already running)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """Deliver now (a new item was just queued), even while backing off."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the loop and join the thread; False if it did not end within `timeout`
        (it may be inside an HTTP request, bounded by the sender's own timeout)."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            return False
        self._thread = None
        return True
