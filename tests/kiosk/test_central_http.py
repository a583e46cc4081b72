"""The kiosk's session to central keeps the CA bundle from config even when the environment
names another (requests lets REQUESTS_CA_BUNDLE override a session's verify)."""

from __future__ import annotations

import pytest
import requests

from kiosk.central_http import CentralSession

URL = "https://central.example/v1/heartbeat"
SYSTEM = "/etc/ssl/certs/ca-certificates.crt"


def _verify(session: requests.Session) -> object:
    return session.merge_environment_settings(URL, {}, None, None, None)["verify"]


def test_the_configured_bundle_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM)
    plain = requests.Session()
    plain.verify = "/etc/kiosk/operator-ca.pem"
    assert _verify(plain) == SYSTEM  # the trap this session exists for
    session = CentralSession("K1", "token-one", ca_bundle="/etc/kiosk/operator-ca.pem")
    assert _verify(session) == "/etc/kiosk/operator-ca.pem"


def test_without_a_bundle_the_environment_still_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM)
    assert _verify(CentralSession("K1", "token-one")) == SYSTEM


def test_a_request_of_its_own_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM)
    session = CentralSession("K1", "token-one", ca_bundle="/etc/kiosk/operator-ca.pem")
    assert session.merge_environment_settings(URL, {}, None, False, None)["verify"] is False


def test_identity_and_client_certificate() -> None:
    session = CentralSession("K1", "token-one", client_cert=("kiosk.pem", "kiosk.key"))
    assert session.headers["X-Kiosk-Id"] == "K1"
    assert session.headers["Authorization"] == "Bearer token-one"
    assert session.cert == ("kiosk.pem", "kiosk.key")
