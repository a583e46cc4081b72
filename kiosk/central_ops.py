"""Small read-only calls to central: its health, and (with the ops token) what it recorded."""

from __future__ import annotations

from typing import Any

import requests

from kiosk.errors import CentralUnavailable


def central_health(
    url: str,
    timeout_s: float = 3.0,
    *,
    ca_bundle: str | None = None,
    client_cert: tuple[str, str] | None = None,
) -> str:
    """`ok`, or raise CentralUnavailable with the reason. With the kiosk's TLS settings: a
    central behind the operator's CA and mTLS answers only those."""
    try:
        reply = requests.get(
            f"{url}/v1/health", timeout=timeout_s, verify=ca_bundle or True, cert=client_cert
        )
        reply.raise_for_status()
        status = reply.json().get("status")
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise CentralUnavailable(f"central at {url} not healthy: {exc}") from None
    if status != "ok":
        raise CentralUnavailable(f"central at {url} reports {status!r}")
    return "ok"


def recorded_topups(url: str, ops_token: str, msisdn: str | None = None) -> list[dict[str, Any]]:
    """The top-ups central recorded (ops API), optionally for one number."""
    params = {"msisdn": msisdn} if msisdn else {}
    try:
        reply = requests.get(
            f"{url}/v1/ops/topups",
            params=params,
            headers={"Authorization": f"Bearer {ops_token}"},
            timeout=5,
        )
        reply.raise_for_status()
        topups = reply.json()["topups"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise CentralUnavailable(f"cannot list top-ups at {url}: {exc}") from None
    if not isinstance(topups, list):
        raise CentralUnavailable("central answered a malformed top-up list")
    return topups
