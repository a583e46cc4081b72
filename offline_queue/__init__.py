"""Durable transactional outbox and its sync worker. Imports nothing else of ours."""

from offline_queue.db import SCHEMA_VERSION, connect, ensure_schema, schema_version
from offline_queue.errors import (
    AuthSendError,
    DuplicateKeyError,
    QueueError,
    QueueStorageError,
    SendError,
    TransientSendError,
)
from offline_queue.sender import BatchSender, HttpBatchSender, ItemOutcome, Verdict, classify
from offline_queue.store import OutboxItem, OutboxStore, QueueStats, canonical, enqueue
from offline_queue.worker import (
    AuthFailure,
    BatchDelivered,
    ItemDeadLettered,
    SyncEvent,
    SyncReport,
    SyncWorker,
    TransientFailure,
)

__all__ = [
    "SCHEMA_VERSION",
    "AuthFailure",
    "AuthSendError",
    "BatchDelivered",
    "BatchSender",
    "DuplicateKeyError",
    "HttpBatchSender",
    "ItemDeadLettered",
    "ItemOutcome",
    "OutboxItem",
    "OutboxStore",
    "QueueError",
    "QueueStats",
    "QueueStorageError",
    "SendError",
    "SyncEvent",
    "SyncReport",
    "SyncWorker",
    "TransientFailure",
    "TransientSendError",
    "Verdict",
    "canonical",
    "classify",
    "connect",
    "enqueue",
    "ensure_schema",
    "schema_version",
]
