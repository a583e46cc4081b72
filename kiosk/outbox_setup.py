"""The outbox as config describes it: the sealing key and the sender to central, shared by the
running kiosk (kiosk/app.py) and the technician's `kiosk queue sync`."""

from __future__ import annotations

import offline_queue
from kiosk.config import KioskConfig
from kiosk.errors import ConfigError


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
