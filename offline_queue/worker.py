"""The sync worker: a daemon thread that delivers due outbox items to central in batches.

Whole-request failures back off exponentially with full jitter (capped) and hold the whole loop
back, so an outage costs one request per backoff period however big the backlog. The loop never
busy-waits: it sleeps on an event that kick() and stop() set. An item sent but not answered stays
pending and is simply sent again later under the same key; central answers a replay with the
first answer.

A whole batch refused (4xx) or failed on (HTTP 500: central's own code) is usually one item in
it. The worker then bisects (bisection.py): it sends the halves of the batch on later attempts,
depth first, until that item is alone; the rest is delivered on the way. An item refused or
failed on alone before central accepted anything since is set aside: it stays out of the
ordinary batches (so two poison items cannot keep hiding each other) and goes alone again once
central accepts something, or back to the ordinary flow when there is nothing else to send.

* Refused alone (4xx, 413 included): dead-lettered (an alert), but only once central has
  accepted some batch since the previous unexplained refusal: if central refuses everything (a
  contract change, a proxy limit), nothing is dead-lettered and every item stays pending. A 413
  (central's request-size limit) is a reason to split, never to dead-letter several items; one
  item that gets 413 on its own can never fit, and is dead-lettered like any lone refusal.
* Failed on alone (500): a strike, but only if central accepted some other request since this
  item's previous 500 - the proof that central is up and the 500 is about this item. An item
  with a strike is kept apart: never batched with others again, sent alone when its own backoff
  is due, so the queue flows past it. At `strikes_to_dead` strikes (default 3) it is
  dead-lettered. A 500 without fresh proof changes nothing: a deployment answering 500 to
  everything never earns anyone a strike, and central breaking between two attempts earns an
  item at most the one strike that the deliveries before the break prove, never the last of
  three; a 503 or a timeout in between neither counts nor resets. This never loses money: a
  dead letter stays in the outbox for ops to see and replay (store.retry_dead), and it takes N
  500s to that item alone, spaced by its backoff, each after other items were delivered. Nor
  does it stall: the split delivers the rest of the batch at once, and after its first strike
  the item travels alone. The price of caution: on a kiosk with no other traffic there is no
  proof, so the item stays pending (alone, backing off, blocking nothing) until the next sale
  gives central something to accept.
* 502/503/504, the other 5xx, timeouts and connection errors say nothing about any item (a
  gateway, an overloaded central, its storage): plain transient failures, never split
  (splitting an outage would only multiply the requests) and never a dead letter.

All this lives in memory; after a restart it simply starts again (a restart can delay a dead
letter, never cause one).

When central answers a batch after whole-request failures (or for the first time since start),
every item still backing off becomes due at once: central is back.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from offline_queue.bisection import Bisection
from offline_queue.errors import (
    AuthSendError,
    QueueError,
    RefusedSendError,
    SendError,
    ServerErrorSendError,
    TooLargeSendError,
    TransientSendError,
)
from offline_queue.events import (
    AuthFailure,
    BatchDelivered,
    BatchRefused,
    ItemDeadLettered,
    ItemSuspected,
    StorageFailure,
    SyncEvent,
    SyncReport,
    TransientFailure,
)
from offline_queue.protocol import MAX_BATCH, Verdict
from offline_queue.sender import BatchSender
from offline_queue.store import OutboxItem, OutboxStore

__all__ = [
    "AuthFailure",
    "BatchDelivered",
    "BatchRefused",
    "ItemDeadLettered",
    "ItemSuspected",
    "StorageFailure",
    "SyncEvent",
    "SyncReport",
    "SyncWorker",
    "TransientFailure",
]

log = logging.getLogger(__name__)

_MIN_WAIT_S = 0.05  # floor after any failure, whatever the jitter draws
_MAX_EXPONENT = 62  # 2.0 ** n stays finite however long the outage lasts


_PURGE_EVERY_S = 3600.0


class SyncWorker:
    """Delivers the outbox (run_once, or a thread with start/kick/stop). `strikes_to_dead`: how
    many lone 500s, each after central accepted other items, dead-letter an item (>= 2 keeps
    one break of central from ever doing it; see the module docstring)."""

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
        strikes_to_dead: int = 3,
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
        # Groups of a refused or failed-on batch still to send, and the items kept apart.
        self._bisection = Bisection(strikes_to_dead)
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
        """A refused or failed-on batch is being split to find the item central cannot take."""
        return self._bisection.active

    @property
    def suspects(self) -> list[str]:
        """Items central failed on alone (HTTP 500), kept apart until delivered or dead."""
        return self._bisection.suspects()

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
            except ServerErrorSendError as exc:
                return self._crashed(items, now, exc)
            except SendError as exc:
                return self._whole_batch_failed(items, now, exc)
            except Exception as exc:  # a sender bug must neither kill the thread nor lose items
                log.exception("sync sender failed unexpectedly")
                error = TransientSendError(f"unexpected {type(exc).__name__}: {exc}")
                return self._whole_batch_failed(items, now, error)
            self._failures = 0
            self._resume_at = 0.0
            self._bisection.accepted(item.key for item in items)
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
        it), else the next due batch without the items held back, else one kept apart, alone."""
        while (group := self._bisection.next_group()) is not None:
            items = self._store.pending_items(group)
            if items:
                return items
        batch = self._due_batch(now, self._bisection.held_back())
        if not batch and self._bisection.release_set_aside():
            batch = self._due_batch(now, self._bisection.held_back())
        return batch or self._next_suspect(self._bisection.suspects(), now)

    def _due_batch(self, now: float, skip: set[str]) -> list[OutboxItem]:
        if not skip:
            return self._store.due_batch(self._batch_size, now)
        # Ask for as many more as are held back, so that a full batch remains without them.
        due = self._store.due_batch(self._batch_size + len(skip), now)
        batch = sorted(
            (item for item in due if item.key not in skip),
            key=lambda item: (item.next_attempt_at, item.id),  # the longest due, as due_batch
        )[: self._batch_size]
        return sorted(batch, key=lambda item: item.id)

    def _next_suspect(self, keys: list[str], now: float) -> list[OutboxItem]:
        """The longest-due item kept apart, alone (after the ordinary batches: those delivered
        first are the proof that central is up when it fails on this one)."""
        pending: list[OutboxItem] = []
        for start in range(0, len(keys), MAX_BATCH):
            pending += self._store.pending_items(keys[start : start + MAX_BATCH])
        self._bisection.forget(set(keys) - {item.key for item in pending})
        due = [item for item in pending if item.next_attempt_at <= now]
        return [min(due, key=lambda item: (item.next_attempt_at, item.id))] if due else []

    def _dead_letter(self, item: OutboxItem, now: float, event: ItemDeadLettered) -> SyncReport:
        self._store.record_outcomes(dead=[(item.key, event.reason)], now=now)
        log.error("sync: dead letter %s: %s", item.key, event.reason)
        self._emit(event)
        return SyncReport(1, 0, 1, 0, failed=False)

    def _refused(self, items: list[OutboxItem], now: float, error: RefusedSendError) -> SyncReport:
        """Central refused the whole request: split it, or dead-letter an item refused alone."""
        if len(items) > 1:
            self._bisection.refused_batch([item.key for item in items])
        elif self._bisection.refused_alone(items[0].key):
            if isinstance(error, TooLargeSendError):
                reason = f"too large for central even on its own, can never be accepted: {error}"
            else:
                reason = f"refused on its own: {error}"
            event = ItemDeadLettered(items[0].key, reason, conflict=False, refused=True)
            return self._dead_letter(items[0], now, event)
        return self._whole_batch_failed(items, now, error)

    def _crashed(
        self, items: list[OutboxItem], now: float, error: ServerErrorSendError
    ) -> SyncReport:
        """Central failed on the request (500): split it; count a strike against an item alone."""
        if len(items) > 1:
            self._bisection.crashed_batch([item.key for item in items])
            return self._whole_batch_failed(items, now, error)
        item = items[0]
        strike = self._bisection.crashed_alone(item.key)
        if strike.dead:
            reason = (
                f"central failed on it alone {strike.strikes} times while accepting other "
                f"items: {error}"
            )
            event = ItemDeadLettered(item.key, reason, conflict=False, crashed=True)
            return self._dead_letter(item, now, event)
        if not strike.counted:
            return self._whole_batch_failed(items, now, error)  # maybe an outage: back off
        # Central is up (it accepted others since): not an outage, the loop goes on; only this
        # item waits out its own backoff, then goes alone again.
        delay = max(self.backoff_s(item.attempts + 1), _MIN_WAIT_S)
        self._store.record_outcomes(retry=[(item.key, str(error), now + delay)], now=now)
        limit = self._bisection.strikes_to_dead
        log.warning(
            "sync: central failed on %s alone (strike %d of %d): %s (retry in %.1f s)",
            item.key,
            strike.strikes,
            limit,
            error,
            delay,
        )
        self._emit(ItemSuspected(item.key, str(error), strike.strikes, limit, delay))
        return SyncReport(1, 0, 0, 1, failed=False, error=str(error))

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
