"""What the sync worker tells its listener (SyncEvent) and its caller (SyncReport)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BatchDelivered:
    """Central answered a batch (the kiosk is online)."""

    acked: int
    dead: int
    retried: int


@dataclass(frozen=True)
class ItemDeadLettered:
    """An item will never be sent again (it is kept for ops to see and replay). A conflict (same
    key, different body) is an alert, and so is an item central refused on its own (`refused`: a
    whole-request 4xx for it alone, 413 included) or kept failing on (`crashed`: HTTP 500 for it
    alone, again and again, while central accepted other items)."""

    key: str
    reason: str
    conflict: bool
    refused: bool = False
    crashed: bool = False

    @property
    def alert(self) -> bool:
        return self.conflict or self.refused or self.crashed


@dataclass(frozen=True)
class ItemSuspected:
    """Central failed (HTTP 500) on this item sent alone, after it had accepted other items:
    the item is kept apart (sent alone, with backoff) and dead-lettered at `strikes` ==
    `strikes_to_dead`. Not an outage: central is up."""

    key: str
    error: str
    strikes: int
    strikes_to_dead: int
    retry_in_s: float


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
    | ItemSuspected
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
