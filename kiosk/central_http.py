"""The kiosk's HTTP session to central: its identity headers, its client certificate, and the
CA bundle from config — kept even when the environment names another one.

requests lets `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` from the environment override a session's
`verify` (psf/requests#3829): a kiosk told to trust only the operator's CA would silently trust
the system's instead. This session resolves `verify` itself: a request's own setting, else the
session's configured bundle, and only with no bundle configured the environment's.
(offline_queue's sender, which may import nothing of ours, passes `verify` per request.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:  # the stubs' names for the settings requests resolves per request
    from requests.sessions import _Settings, _TextMapping, _Verify


class CentralSession(requests.Session):
    def __init__(
        self,
        kiosk_id: str,
        token: str,
        *,
        ca_bundle: str | None = None,
        client_cert: tuple[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.headers.update({"X-Kiosk-Id": kiosk_id, "Authorization": f"Bearer {token}"})
        if ca_bundle is not None:
            self.verify = ca_bundle
        if client_cert is not None:
            self.cert = client_cert

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: _TextMapping | None,
        stream: bool | None,
        verify: _Verify | None,
        cert: Any,
    ) -> _Settings:
        if verify is None and self.verify is not True:
            verify = self.verify  # the configured bundle (or False), before the environment
        return super().merge_environment_settings(url, proxies, stream, verify, cert)
