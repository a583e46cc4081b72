"""The outbox as config describes it: the sealing key and the sender to central, shared by the
running kiosk (kiosk/app.py) and the technician's `kiosk queue sync`; and the running kiosk's
outbox wiring (KioskOutbox: store, sync worker, online flag, sync events)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import offline_queue
from kiosk.central_ops import central_health
from kiosk.config import KioskConfig
from kiosk.errors import CentralUnavailable, ConfigError, JournalError
from kiosk.maintenance_store import StateFileError, read_json, write_json_atomic

log = logging.getLogger(__name__)

# SQLite's words for a disk that fails (a busy lock is not one of them).
DISK_FAILURE_SIGNS = ("disk i/o error", "disk is full", "readonly", "malformed", "not a database")
# When central last acked a delivery, kept beside the outbox: offline_queue records no such
# time of its own, and `kiosk queue status` runs in another process.
LAST_SUCCESS_FILE = "sync_last_success.json"


def read_last_success(data_dir: Path) -> float | None:
    """When central last acked a delivery from this kiosk (epoch seconds); None: never."""
    data = read_json(data_dir / LAST_SUCCESS_FILE)
    at = None if data is None else data.get("at")
    return float(at) if isinstance(at, int | float) and not isinstance(at, bool) else None


def record_last_success(data_dir: Path, at: float) -> None:
    """Note a delivery central acked (a failing disk is logged: this is a figure, not money)."""
    try:
        write_json_atomic(data_dir / LAST_SUCCESS_FILE, {"at": at})
    except StateFileError as exc:
        log.error("sync: last delivery time not saved: %s", exc)


def load_sealer(config: KioskConfig) -> offline_queue.FieldSealer:
    """The key sealing personal data in the outbox (made on first use); ConfigError if the
    key file is unusable (readable by others, truncated)."""
    try:
        return offline_queue.FieldSealer.load_or_create(
            config.data_dir / config.sync.sealing_key_file
        )
    except offline_queue.SealingError as exc:
        raise ConfigError(f"sync.sealing_key_file: {exc}") from None


def batch_sender(config: KioskConfig, url: str) -> offline_queue.HttpBatchSender:
    """Batches to central's /v1/sync as this kiosk, with the configured TLS settings."""
    central = config.central
    return offline_queue.HttpBatchSender(
        url,
        config.kiosk.id,
        central.token,
        timeout_s=central.timeout_s,
        ca_bundle=central.ca_bundle_path,
        client_cert=central.client_pair,
    )


class KioskOutbox:
    """The running kiosk's outbox to central: the store (sharing the journal's SQLite file),
    the sealing key, the sync worker and what its events say — whether central answers
    (`online`), when it last acked a delivery (`last_success_at`, kept across restarts) and
    whether the disk under the outbox fails (the app goes out of service).

    Built by the app (kiosk/app.py), which owns it; `start` opens everything, `stop` closes it.
    """

    def __init__(
        self,
        config: KioskConfig,
        db_path: Path,
        *,
        offline_kinds: Sequence[str],
        on_storage_failure: Callable[[JournalError], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = config
        self._db_path = db_path
        self._offline_kinds = tuple(offline_kinds)
        self._on_storage_failure = on_storage_failure
        self._online = threading.Event()
        self._clock = clock
        self.last_success_at: float | None = read_last_success(config.data_dir)
        self.store: offline_queue.OutboxStore | None = None
        self.sealer: offline_queue.FieldSealer | None = None
        self.worker: offline_queue.SyncWorker | None = None

    def start(self, central_url: str) -> None:
        """Open the store under the sealing key (ConfigError if the key is unusable), ask
        central once whether it answers, and start delivering."""
        central = self._config.central
        sync = self._config.sync
        self.sealer = load_sealer(self._config)
        self.store = offline_queue.OutboxStore(self._db_path, self.sealer)
        self.worker = offline_queue.SyncWorker(
            self.store,
            batch_sender(self._config, central_url),
            batch_size=sync.batch_size,
            backoff_base_s=sync.backoff_base_s,
            backoff_max_s=sync.backoff_max_s,
            idle_poll_s=sync.idle_poll_s,
            on_event=self.on_sync_event,
        )
        try:
            central_health(
                central_url,
                timeout_s=min(central.timeout_s, 3.0),
                ca_bundle=central.ca_bundle_path,
                client_cert=central.client_pair,
            )
            self._online.set()
        except CentralUnavailable as exc:
            log.warning("starting offline: %s", exc)
        self.worker.start()

    def stop(self) -> None:
        """Stop delivering, then close the store (the store closes even if the worker fails)."""
        try:
            if self.worker is not None:
                self.worker.stop()
        finally:
            if self.store is not None:
                self.store.close()

    @property
    def online(self) -> bool:
        """Central answered the last time the kiosk asked (sync or health check)."""
        return self._online.is_set()

    def is_online(self) -> bool:
        return self._online.is_set()

    def on_sync_event(self, event: object) -> None:
        """The sync worker's events (on its thread)."""
        if isinstance(event, offline_queue.BatchDelivered):
            self._online.set()
            if event.acked:
                self.last_success_at = self._clock()
                record_last_success(self._config.data_dir, self.last_success_at)
        elif isinstance(event, offline_queue.TransientFailure | offline_queue.AuthFailure):
            self._online.clear()
            log.warning("sync: %s", event)
        elif isinstance(event, offline_queue.ItemDeadLettered):
            log.error("sync: dead letter: %s", event)
        elif isinstance(event, offline_queue.StorageFailure):
            log.error("sync: storage: %s", event.error)
            if any(sign in event.error.lower() for sign in DISK_FAILURE_SIGNS):
                # The disk itself fails: stop taking money (no blind retries of an fsync).
                self._on_storage_failure(JournalError(f"outbox storage failed: {event.error}"))

    def wait_delivered(self, key: str, timeout_s: float) -> dict[str, Any] | None:
        """Central's result for `key` once it acked it within `timeout_s` (the worker is
        nudged first); None if not delivered by then."""
        assert self.store is not None
        assert self.worker is not None
        self.worker.kick()
        return self.store.wait_until_acked(key, timeout_s)

    def pending_offline_fen(self) -> int:
        """Money taken offline (top-ups and bill payments) central has not confirmed yet."""
        assert self.store is not None
        return sum(self.store.pending_total(kind, "amount_fen") for kind in self._offline_kinds)

    def offline_headroom_fen(self) -> int:
        """What the kiosk may still take before central confirms what it already took."""
        return self._config.topup.offline_total_fen - self.pending_offline_fen()
