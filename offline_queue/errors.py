"""Exception hierarchy of the offline queue; each error carries a stable message key."""

from __future__ import annotations


class QueueError(Exception):
    message_key = "queue.error"


class QueueStorageError(QueueError):
    """The queue's database cannot be opened or written (disk full, I/O error, bad path)."""

    message_key = "queue.storage_failed"


class DuplicateKeyError(QueueError):
    """An item with this idempotency key is already queued."""

    message_key = "queue.duplicate_key"


class SendError(QueueError):
    message_key = "queue.send_failed"


class TransientSendError(SendError):
    """Central did not answer usefully (5xx, timeout, connection, malformed): retry later."""


class AuthSendError(SendError):
    """Central refused our credentials (401/403): retry with backoff and raise an alert."""

    message_key = "queue.auth_failed"
