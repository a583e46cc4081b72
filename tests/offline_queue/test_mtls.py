"""TLS to central with the kiosk's client certificate (mTLS): a private CA, a server that
requires a client certificate, and the sender with and without one — over real sockets."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from offline_queue import HttpBatchSender, TransientSendError, Verdict

pytestmark = pytest.mark.timeout(60)


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path  # signed by another CA
    stranger_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    server: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer if issuer else (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    # Strict verification (urllib3 2 asks for it) wants key identifiers and a CA key usage.
    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
    ).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
        critical=False,
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(
    folder: Path, name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> tuple[Path, Path]:
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
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
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("kiosk test CA", ca_key, None, ca=True)
    ca_path, _ = _write(folder, "ca", ca, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _write(folder, "server", _issue("central", server_key, (ca.subject, ca_key),
                                              server=True), server_key)  # fmt: skip
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _write(folder, "client", _issue("K1", client_key, (ca.subject, ca_key)), client_key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _issue("another CA", other_key, None, ca=True)
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    stranger = _write(
        folder, "stranger", _issue("K9", stranger_key, (other_ca.subject, other_key)), stranger_key
    )
    return Pki(ca_path, *server, *client, *stranger)


@dataclass
class TlsCentral:
    url: str
    peers: list[str]


@pytest.fixture
def tls_central(pki: Pki) -> Iterator[TlsCentral]:
    """Answers /v1/sync with 'accepted' for every item, over TLS requiring a client cert
    signed by the test CA; records the client certificate's common name."""
    peers: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            cert = self.connection.getpeercert()  # type: ignore[attr-defined]
            subject = dict(part[0] for part in cert["subject"])
            peers.append(subject["commonName"])
            items = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["items"]
            answers = [
                {"key": i["key"], "status": "accepted", "reason": None, "result": {}} for i in items
            ]
            body = json.dumps({"results": answers}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.load_verify_locations(pki.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield TlsCentral(f"https://127.0.0.1:{server.server_address[1]}", peers)
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Item:
    key: str
    kind: str = "topup.v1"
    body: dict[str, int] | None = None


def _items() -> list[Item]:
    return [Item("k1", body={"n": 1})]


def test_client_certificate_is_presented_and_accepted(
    tls_central: TlsCentral, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configured CA is used even when the environment names another bundle (requests
    would otherwise let REQUESTS_CA_BUNDLE win over a session's setting)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    sender = HttpBatchSender(
        tls_central.url,
        "K1",
        "secret-token",
        ca_bundle=str(pki.ca),
        client_cert=(str(pki.client_cert), str(pki.client_key)),
    )
    try:
        [outcome] = sender.send(_items())  # type: ignore[arg-type]
    finally:
        sender.close()
    assert outcome.verdict is Verdict.ACKED
    assert tls_central.peers == ["K1"]


def test_without_a_client_certificate_nothing_is_delivered(
    tls_central: TlsCentral, pki: Pki
) -> None:
    sender = HttpBatchSender(tls_central.url, "K1", "secret-token", ca_bundle=str(pki.ca))
    try:
        with pytest.raises(TransientSendError):  # kept and retried, never dropped
            sender.send(_items())  # type: ignore[arg-type]
    finally:
        sender.close()
    assert tls_central.peers == []


def test_a_certificate_from_another_ca_is_refused(tls_central: TlsCentral, pki: Pki) -> None:
    sender = HttpBatchSender(
        tls_central.url,
        "K1",
        "secret-token",
        ca_bundle=str(pki.ca),
        client_cert=(str(pki.stranger_cert), str(pki.stranger_key)),
    )
    try:
        with pytest.raises(TransientSendError):
            sender.send(_items())  # type: ignore[arg-type]
    finally:
        sender.close()
    assert tls_central.peers == []


def test_a_server_not_signed_by_our_ca_is_not_trusted(
    tls_central: TlsCentral, pki: Pki, tmp_path: Path
) -> None:
    """The kiosk verifies central: with only the system CAs, the test server is a stranger."""
    sender = HttpBatchSender(
        tls_central.url,
        "K1",
        "secret-token",
        client_cert=(str(pki.client_cert), str(pki.client_key)),
    )
    try:
        with pytest.raises(TransientSendError, match="SSL"):
            sender.send(_items())  # type: ignore[arg-type]
    finally:
        sender.close()
    assert tls_central.peers == []
