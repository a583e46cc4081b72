"""Durable transactional outbox and its sync worker. Imports nothing else of ours.

The kiosk opens the shared SQLite file with `connect`, calls `ensure_schema`, and `enqueue`s
inside the same transaction as its journal event. An `OutboxStore` on its own connection feeds
a `SyncWorker`, which delivers batches through an `HttpBatchSender` to central's /v1/sync.
"""

from offline_queue.db import MIGRATIONS, SCHEMA_VERSION, connect, ensure_schema, schema_version
from offline_queue.errors import (
    AuthSendError,
    DuplicateKeyError,
    InvalidItemError,
    QueueError,
    QueueStorageError,
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
from offline_queue.protocol import (
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_KEY_LEN,
    MAX_KIND_LEN,
    ItemOutcome,
    Verdict,
    WireItem,
    canonical,
    canonical_body,
    classify,
    decode_response,
    encode_request,
)
from offline_queue.sealing import FieldSealer, SealingError
from offline_queue.sender import BatchSender, HttpBatchSender
from offline_queue.store import OutboxItem, OutboxStore, QueueStats, State, enqueue
from offline_queue.worker import SyncWorker

__all__ = [
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "MAX_KEY_LEN",
    "MAX_KIND_LEN",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AuthFailure",
    "AuthSendError",
    "BatchDelivered",
    "BatchRefused",
    "BatchSender",
    "DuplicateKeyError",
    "FieldSealer",
    "HttpBatchSender",
    "InvalidItemError",
    "ItemDeadLettered",
    "ItemOutcome",
    "ItemSuspected",
    "OutboxItem",
    "OutboxStore",
    "QueueError",
    "QueueStats",
    "QueueStorageError",
    "RefusedSendError",
    "SealingError",
    "SendError",
    "ServerErrorSendError",
    "State",
    "StorageFailure",
    "SyncEvent",
    "SyncReport",
    "SyncWorker",
    "TooLargeSendError",
    "TransientFailure",
    "TransientSendError",
    "Verdict",
    "WireItem",
    "canonical",
    "canonical_body",
    "classify",
    "connect",
    "decode_response",
    "encode_request",
    "enqueue",
    "ensure_schema",
    "schema_version",
]
