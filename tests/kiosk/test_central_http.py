"""The kiosk's session to central keeps the CA bundle from config even when the environment
names another (requests lets REQUESTS_CA_BUNDLE override a session's verify)."""

from __future__ import annotations

import pytest
import requests

from kiosk.central_http import CentralSession
from tests.offline_queue.test_mtls import Pki, pki  # noqa: F401 (the test PKI fixture)

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


@pytest.mark.timeout(60)
def test_the_health_check_uses_the_kiosks_tls_settings(pki: Pki) -> None:  # noqa: F811
    """GIVEN central behind the operator's CA and requiring a client certificate WHEN the
    kiosk asks its health (start-up, doctor) THEN it gets through with the configured CA and
    certificate, and not without them."""
    import json
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from kiosk.central_ops import central_health
    from kiosk.errors import CentralUnavailable

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"status": "ok"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.load_verify_locations(pki.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    server = HTTPServer(("127.0.0.1", 0), Health)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        pair = (str(pki.client_cert), str(pki.client_key))
        assert central_health(url, ca_bundle=str(pki.ca), client_cert=pair) == "ok"
        with pytest.raises(CentralUnavailable):
            central_health(url, ca_bundle=str(pki.ca))  # no client certificate
        with pytest.raises(CentralUnavailable):
            central_health(url, client_cert=pair)  # the system CAs do not know central
    finally:
        server.shutdown()
        server.server_close()
