"""Delivers a batch to central's POST /v1/sync over HTTP and classifies the answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import requests

from offline_queue.errors import (
    AuthSendError,
    RefusedSendError,
    ServerErrorSendError,
    TooLargeSendError,
    TransientSendError,
)
from offline_queue.protocol import ItemOutcome, WireItem, classify, decode_response, encode_request

# Statuses that say "try again later" rather than "this request is wrong".
_TRANSIENT_4XX = frozenset({408, 425, 429})
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: no spaces, CR or LF


class BatchSender(Protocol):
    """Delivers items and answers one outcome per item, or raises a SendError subclass."""

    def send(self, items: Sequence[WireItem]) -> list[ItemOutcome]: ...


class HttpBatchSender:
    """requests with a keep-alive session, a timeout, TLS verification and optional mTLS.

    Not thread-safe; one SyncWorker owns it."""

    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        token: str,
        *,
        timeout_s: float = 10.0,
        ca_bundle: str | None = None,
        client_cert: tuple[str, str] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"central base URL must be http(s): {base_url!r}")
        for name, value in (("kiosk_id", kiosk_id), ("token", token)):
            if not _HEADER_VALUE.fullmatch(value):
                raise ValueError(f"{name} must be non-empty visible ASCII")
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.url = base_url.rstrip("/") + "/v1/sync"
        self._timeout = timeout_s
        self._session = requests.Session()
        self._session.headers.update(
            {
                "X-Kiosk-Id": kiosk_id,
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
        )
        # Passed with every request, not set on the session: requests lets REQUESTS_CA_BUNDLE
        # from the environment override a session's `verify` (psf/requests#3829), which would
        # silently swap our configured CA for the system's.
        self._verify: str | bool = ca_bundle if ca_bundle is not None else True
        if client_cert is not None:
            self._session.cert = client_cert

    def send(self, items: Sequence[WireItem]) -> list[ItemOutcome]:
        data = encode_request(items)
        try:
            reply = self._session.post(
                self.url,
                data=data,
                timeout=self._timeout,
                allow_redirects=False,
                verify=self._verify,
            )
            status, content = reply.status_code, reply.content
        except requests.RequestException as exc:
            raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
        if status in (401, 403):
            raise AuthSendError(f"central refused our credentials: HTTP {status}", status=status)
        if status == 500:
            # Central's own code failed on this request: maybe on one item in it (worker.py
            # splits the batch); a gateway's 502/504 or a 503 never says anything about items.
            raise ServerErrorSendError(f"central answered HTTP {status}", status=status)
        if status >= 500 or status in _TRANSIENT_4XX:
            raise TransientSendError(f"central answered HTTP {status}", status=status)
        if status != 200:
            # Any other whole-batch refusal (3xx, 4xx, a 2xx that is not 200): money is never
            # dropped, only delayed, and the refusal is reported because it will not heal.
            snippet = content[:200].decode("utf-8", "replace")
            message = f"central refused the batch: HTTP {status}: {snippet}"
            if status == 413:  # its request-size limit: split the batch until it fits
                raise TooLargeSendError(message, status=status)
            raise RefusedSendError(message, status=status)
        return classify([item.key for item in items], decode_response(content))

    def close(self) -> None:
        self._session.close()
