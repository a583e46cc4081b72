"""Exception hierarchy of the offline queue; each error carries a stable message key."""

from __future__ import annotations


class QueueError(Exception):
    """Base of every error this package raises; `message_key` names it for translation."""

    message_key = "queue.error"


class QueueStorageError(QueueError):
    """The queue's database cannot be opened or written (disk full, I/O error, bad path)."""

    message_key = "queue.storage_failed"


class InvalidItemError(QueueError, ValueError):
    """An item central could never accept: bad key or kind, a body that is not strict JSON."""

    message_key = "queue.invalid_item"


class DuplicateKeyError(QueueError):
    """An item with this idempotency key is already queued."""

    message_key = "queue.duplicate_key"


class SendError(QueueError):
    """A whole batch was not delivered; every item in it stays pending."""

    message_key = "queue.send_failed"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when central answered at all


class TransientSendError(SendError):
    """Central did not answer usefully (5xx, timeout, connection, malformed): retry later."""


class ServerErrorSendError(TransientSendError):
    """Central failed on the request with HTTP 500: an unhandled error in its own code.

    Retried like any transient failure, but the one 5xx an item's content can cause: the worker
    splits the batch to find that item (worker.py). 502/503/504 and the other 5xx are gateways,
    overload or storage, never the content: they stay plain TransientSendError."""

    message_key = "queue.server_error"


class RefusedSendError(TransientSendError):
    """Central refused the whole batch with a 4xx other than 401/403: a contract mismatch.

    Still retried (money is never dropped), but worth an alert: it will not heal by itself."""

    message_key = "queue.batch_refused"


class TooLargeSendError(RefusedSendError):
    """Central refused the request as too large (HTTP 413: its request-size limit).

    A batch is split until it fits; one item too large on its own can never be accepted."""

    message_key = "queue.too_large"


class AuthSendError(SendError):
    """Central refused our credentials (401/403): retry with backoff and raise an alert."""

    message_key = "queue.auth_failed"
