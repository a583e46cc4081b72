"""Delivers a batch to central's POST /v1/sync and classifies the answer for each item."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from offline_queue.errors import AuthSendError, TransientSendError
from offline_queue.store import OutboxItem


class Verdict(enum.Enum):
    ACKED = "acked"  # accepted, or a duplicate answered with the first result
    DEAD = "dead"  # rejected for good: never resend
    RETRY = "retry"  # no usable answer for this item


@dataclass(frozen=True)
class ItemOutcome:
    key: str
    verdict: Verdict
    result: dict[str, Any] | None = None
    reason: str = ""
    conflict: bool = False  # same key, different body: an alert for ops


class BatchSender(Protocol):
    def send(self, items: Sequence[OutboxItem]) -> list[ItemOutcome]: ...


_STATUS = {
    "accepted": Verdict.ACKED,
    "duplicate": Verdict.ACKED,
    "conflict": Verdict.DEAD,
    "rejected": Verdict.DEAD,
}


def classify(items: Sequence[OutboxItem], payload: object) -> list[ItemOutcome]:
    """Per-item outcomes from a 200 body; raise TransientSendError if the body is malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise TransientSendError("central answered 200 without a results list")
    answers: dict[str, dict[str, Any]] = {}
    for entry in payload["results"]:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            answers[entry["key"]] = entry
    outcomes = []
    for item in items:
        answer = answers.get(item.key)
        verdict = _STATUS.get(answer.get("status")) if answer else None  # type: ignore[arg-type]
        if answer is None or verdict is None:
            outcomes.append(ItemOutcome(item.key, Verdict.RETRY, reason="no valid result"))
            continue
        result = answer.get("result")
        outcomes.append(
            ItemOutcome(
                item.key,
                verdict,
                result=result if isinstance(result, dict) else None,
                reason=str(answer.get("reason") or answer.get("status")),
                conflict=answer.get("status") == "conflict",
            )
        )
    return outcomes


class HttpBatchSender:
    """requests with a keep-alive session, timeouts, TLS verification and optional mTLS."""

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
        self.url = base_url.rstrip("/") + "/v1/sync"
        self._timeout = timeout_s
        self._session = requests.Session()
        self._session.headers.update({"X-Kiosk-Id": kiosk_id, "Authorization": f"Bearer {token}"})
        self._session.verify = ca_bundle if ca_bundle is not None else True
        if client_cert is not None:
            self._session.cert = client_cert

    def send(self, items: Sequence[OutboxItem]) -> list[ItemOutcome]:
        body = {"items": [{"key": i.key, "kind": i.kind, "body": i.body} for i in items]}
        try:
            reply = self._session.post(self.url, json=body, timeout=self._timeout)
        except requests.RequestException as exc:
            raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
        if reply.status_code in (401, 403):
            raise AuthSendError(f"central refused credentials: HTTP {reply.status_code}")
        if reply.status_code != 200:
            # 5xx, and any other whole-batch refusal: money is never dropped, only delayed.
            raise TransientSendError(f"central answered HTTP {reply.status_code}")
        try:
            payload = reply.json()
        except ValueError as exc:
            raise TransientSendError("central answered 200 with a body that is not JSON") from exc
        return classify(items, payload)

    def close(self) -> None:
        self._session.close()
