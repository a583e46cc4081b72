"""TLS verification is on by default: the reference central served over HTTPS with a
self-signed certificate (made at test time) is refused by every kiosk client — the business API
(CentralApi), the session the health reporter uses (CentralSession), the outbox sender
(HttpBatchSender) and the health check (central_health) — with an error that says why, unless
`central.ca_bundle` names its certificate; and REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the
environment neither replace a configured bundle nor switch verification off."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import certifi
import pytest
import requests
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from central.app import create_app
from central.db import Topup, open_storage
from central.server import CentralServer, bind_socket
from kiosk.central_api import CentralApi
from kiosk.central_http import CentralSession
from kiosk.central_ops import central_health
from kiosk.config import load_config
from kiosk.errors import CentralUnavailable
from offline_queue import HttpBatchSender, TransientSendError, Verdict
from tests.central.conftest import KIOSKS, OPS_TOKEN, topup_body
from tests.conftest import write_config

pytestmark = pytest.mark.timeout(60)
VERIFY_FAILED = "CERTIFICATE_VERIFY_FAILED"


@dataclass(frozen=True)
class TlsCentral:
    url: str
    cert: Path  # the self-signed certificate: the only thing that can vouch for it
    app: object

    def topups(self) -> int:
        storage = self.app.state.storage  # type: ignore[attr-defined]
        with storage.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Topup)) or 0)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "central.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "central.pem", folder / "central.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsCentral]:
    """The reference central (its own app, database and kiosk tokens) behind HTTPS."""
    folder = tmp_path_factory.mktemp("tls-central")
    cert, key = _self_signed(folder)
    db_url = f"sqlite:///{folder / 'central.db'}"
    open_storage(db_url, migrate=True).close()  # serve refuses a database not at head
    app = create_app(db_url, OPS_TOKEN, KIOSKS, seed=True)
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(app, log_level="warning", lifespan="off",
                            ssl_certfile=str(cert), ssl_keyfile=str(key))  # fmt: skip
    server = CentralServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(10), "central did not start"
        yield TlsCentral(f"https://127.0.0.1:{sock.getsockname()[1]}", cert, app)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.storage.close()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)


def _sender(central: TlsCentral, ca_bundle: str | None) -> HttpBatchSender:
    return HttpBatchSender(central.url, "K1", KIOSKS["K1"], ca_bundle=ca_bundle)


@dataclass(frozen=True)
class Item:
    key: str
    kind: str
    body: dict[str, object]


def _topup(txn: str) -> list[Item]:
    return [Item(f"{txn}:topup", "topup.v1", topup_body(txn_id=txn))]


def _every_client_fails(central: TlsCentral, ca_bundle: str | None) -> list[str]:
    """Each client's error text; asserts each one failed and central recorded nothing."""
    before = central.topups()
    errors = []
    api = CentralApi(central.url, "K1", KIOSKS["K1"], timeout_s=5, ca_bundle=ca_bundle)
    try:
        with pytest.raises(CentralUnavailable) as api_error:
            api.catalogue()
        errors.append(str(api_error.value))
    finally:
        api.close()
    session = CentralSession("K1", KIOSKS["K1"], ca_bundle=ca_bundle)
    with session, pytest.raises(requests.exceptions.SSLError) as session_error:
        session.get(f"{central.url}/v1/catalogue", timeout=5)
    errors.append(str(session_error.value))
    sender = _sender(central, ca_bundle)
    try:
        with pytest.raises(TransientSendError) as send_error:  # kept and retried, not lost
            sender.send(_topup("T-REFUSED"))
        errors.append(str(send_error.value))
    finally:
        sender.close()
    with pytest.raises(CentralUnavailable) as health_error:
        central_health(central.url, ca_bundle=ca_bundle)
    errors.append(str(health_error.value))
    assert central.topups() == before
    return errors


def _every_client_connects(central: TlsCentral, ca_bundle: str, txn: str) -> None:
    api = CentralApi(central.url, "K1", KIOSKS["K1"], timeout_s=5, ca_bundle=ca_bundle)
    try:
        assert api.catalogue().plans
    finally:
        api.close()
    with CentralSession("K1", KIOSKS["K1"], ca_bundle=ca_bundle) as session:
        assert session.get(f"{central.url}/v1/catalogue", timeout=5).status_code == 200
    sender = _sender(central, ca_bundle)
    try:
        [outcome] = sender.send(_topup(txn))
    finally:
        sender.close()
    assert outcome.verdict is Verdict.ACKED
    assert central_health(central.url, ca_bundle=ca_bundle) == "ok"


def test_a_self_signed_central_is_refused_by_default(tls_central: TlsCentral) -> None:
    """No ca_bundle configured: the system's CAs do not know central's certificate, so every
    client refuses to talk, says it is a certificate failure, and nothing reaches central."""
    errors = _every_client_fails(tls_central, None)
    assert all(VERIFY_FAILED in error for error in errors), errors


def test_with_its_certificate_configured_every_client_connects(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    """`central.ca_bundle` in config.yaml is what the app hands to its clients."""
    config = load_config(write_config(tmp_path, **{"central.ca_bundle": str(tls_central.cert)}))
    bundle = config.central.ca_bundle_path
    assert bundle == str(tls_central.cert)
    before = tls_central.topups()
    _every_client_connects(tls_central, bundle, "T-TLS-1")
    assert tls_central.topups() == before + 1


def test_the_environment_does_not_override_the_configured_bundle(
    tls_central: TlsCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace a session's `verify`
    (psf/requests#3829). GIVEN the environment naming central's certificate but the kiosk
    configured with another bundle THEN every client still refuses; GIVEN the environment
    naming the public CAs and the kiosk configured with central's certificate THEN every
    client connects."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_central.cert))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tls_central.cert))
    errors = _every_client_fails(tls_central, certifi.where())
    assert all(VERIFY_FAILED in error for error in errors), errors
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    monkeypatch.setenv("CURL_CA_BUNDLE", certifi.where())
    _every_client_connects(tls_central, str(tls_central.cert), "T-TLS-2")


@pytest.mark.parametrize("name", ["CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"])
def test_an_empty_environment_bundle_does_not_switch_verification_off(
    tls_central: TlsCentral, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """(Old requests took CURL_CA_BUNDLE="" as verify=False.)"""
    monkeypatch.setenv(name, "")
    errors = _every_client_fails(tls_central, None)
    assert all(VERIFY_FAILED in error for error in errors), errors
