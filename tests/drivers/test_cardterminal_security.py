"""nexo message protection (security.py) against Adyen's published vectors, tampering, the
driver and simulator end to end with a shared key, and TLS checked by the terminal's name."""

from __future__ import annotations

import base64
import datetime
import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from drivers.cardterminal import security
from drivers.cardterminal.codec import decode_terminal, encode
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.messages import Category, PaymentResponse
from drivers.cardterminal.security import SecurityError, SharedKey, protect, unprotect
from drivers.cardterminal.simulator import MASKED_PAN, Scenario, TerminalSimulator
from drivers.cardterminal.transport import HttpTransport, transport_for_url
from drivers.errors import DriverConfigError, ProtocolError
from drivers.interfaces import CardApproved, CardCancelled, CardFailed, CardInDoubt
from tests.drivers.test_cardterminal_codec import APPROVAL

pytestmark = pytest.mark.timeout(60)
FIXTURES = Path(__file__).parent / "fixtures" / "nexo"
ADYEN_KEY = SharedKey("CryptoKeyIdentifier12345", "p@ssw0rd123456")  # the libraries' test key
KIOSK_KEY = SharedKey("KioskKey01", "correct horse battery staple", 2)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- published vectors ------------------------------------------------------------------------


def test_adyens_published_notification_decrypts_to_its_published_plain_text() -> None:
    """adyen-dotnet-api-library NotificationDecryptionTest: key ncrkey / ncrpass."""
    plain = unprotect(
        fixture("dotnet-notification-decryption-encrypted.json"), SharedKey("ncrkey", "ncrpass")
    )
    assert plain == fixture("dotnet-notification-decryption-expected.txt")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("dotnet-pospayment-encrypted-success.json", ADYEN_KEY),
        ("java-payment-local-success.json", ADYEN_KEY),
        ("node-clouddevice-encrypted-event-notification.json",
         SharedKey("Key123456789crypt", "P@ssw0rd123456")),
    ],
)  # fmt: skip
def test_adyens_published_protected_responses_open_with_their_keys(
    name: str, key: SharedKey
) -> None:
    message, _ = decode_terminal(unprotect(fixture(name), key))
    assert isinstance(message, PaymentResponse)
    assert message.card is not None


def test_key_derivation_matches_the_published_vector() -> None:
    """Our own encryption of the published plain text, with the published nonce, gives the
    published NexoBlob and Hmac byte for byte."""
    encrypted = json.loads(fixture("dotnet-notification-decryption-encrypted.json"))
    body = encrypted["SaleToPOIRequest"]
    nonce = base64.b64decode(body["SecurityTrailer"]["Nonce"])
    plain = fixture("dotnet-notification-decryption-expected.txt")
    ours = json.loads(protect(plain, SharedKey("ncrkey", "ncrpass"), nonce=nonce))
    assert ours["SaleToPOIRequest"]["NexoBlob"] == body["NexoBlob"]
    assert ours["SaleToPOIRequest"]["SecurityTrailer"]["Hmac"] == body["SecurityTrailer"]["Hmac"]
    assert ours["SaleToPOIRequest"]["MessageHeader"] == body["MessageHeader"]


def test_derived_key_split() -> None:
    derived = security.derive("p@ssw0rd123456")
    assert (len(derived.hmac_key), len(derived.cipher_key), len(derived.iv)) == (32, 32, 16)
    assert "p@ssw0rd" not in repr(ADYEN_KEY)


# --- tampering --------------------------------------------------------------------------------


def _protected() -> dict[str, object]:
    tree: dict[str, object] = json.loads(protect(encode(APPROVAL), KIOSK_KEY))
    return tree


def _body(tree: dict[str, object]) -> dict[str, object]:
    body = tree["SaleToPOIResponse"]
    assert isinstance(body, dict)
    return body


def test_round_trip_and_a_fresh_nonce_each_time() -> None:
    plain = encode(APPROVAL)
    first, second = protect(plain, KIOSK_KEY), protect(plain, KIOSK_KEY)
    assert first != second
    assert unprotect(first, KIOSK_KEY) == plain == unprotect(second, KIOSK_KEY)
    assert b"622848" not in first  # the body is not readable on the wire
    assert json.loads(first)["SaleToPOIResponse"]["SecurityTrailer"]["KeyVersion"] == 2


def _tampered() -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []

    def add(name: str, change: object) -> None:
        tree = _protected()
        change(_body(tree))  # type: ignore[operator]
        cases.append((name, json.dumps(tree).encode()))

    def flip(field: str, where: str = "SecurityTrailer") -> object:
        def change(body: dict[str, object]) -> None:
            node = body[where] if where else body
            assert isinstance(node, dict)
            raw = bytearray(base64.b64decode(node[field]))
            raw[-1] ^= 1
            node[field] = base64.b64encode(bytes(raw)).decode()

        return change

    def trailer(**fields: object) -> object:
        return lambda body: body["SecurityTrailer"].update(fields)

    add("hmac bit", flip("Hmac"))
    add("nonce bit", flip("Nonce"))
    add("blob bit", lambda b: b.update(NexoBlob=_flip_blob(b["NexoBlob"])))
    add("short hmac", trailer(Hmac=base64.b64encode(b"x" * 16).decode()))
    add("other key id", trailer(KeyIdentifier="Other"))
    add("other key version", trailer(KeyVersion=1))
    add("other crypto version", trailer(AdyenCryptoVersion=2))
    add("nonce not base64", trailer(Nonce="***"))
    add("no trailer", lambda b: b.pop("SecurityTrailer"))
    add("no blob", lambda b: b.pop("NexoBlob"))
    add("header swapped", lambda b: b["MessageHeader"].update(ServiceID="OTHER01"))
    add("blob not blocks", lambda b: b.update(NexoBlob=base64.b64encode(b"abc").decode()))
    cases.append(("plain message", encode(APPROVAL)))
    cases.append(("garbage", b"\xff{"))
    cases.append(("two roots", b'{"SaleToPOIRequest": {}, "SaleToPOIResponse": {}}'))
    return cases


def _flip_blob(text: object) -> str:
    assert isinstance(text, str)
    raw = bytearray(base64.b64decode(text))
    raw[20] ^= 0x80
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(("name", "data"), _tampered(), ids=[c[0] for c in _tampered()])
def test_anything_but_an_intact_message_under_our_key_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(SecurityError) as caught:
        unprotect(data, KIOSK_KEY)
    assert isinstance(caught.value, ProtocolError)
    assert "622848" not in str(caught.value)


def test_a_wrong_passphrase_is_one_error_whatever_failed() -> None:
    wrong = SharedKey(KIOSK_KEY.key_identifier, "wrong", KIOSK_KEY.key_version)
    errors = set()
    for _ in range(20):  # bad padding or bad HMAC: the same words
        with pytest.raises(SecurityError) as caught:
            unprotect(protect(encode(APPROVAL), KIOSK_KEY), wrong)
        errors.add(str(caught.value))
    assert errors == {"protected message fails authentication (wrong key or tampered)"}


def test_bad_keys_and_own_mistakes_are_value_errors() -> None:
    for bad in (("", "p"), ("k", "")):
        with pytest.raises(ValueError, match="identifier and a passphrase"):
            SharedKey(*bad)
    with pytest.raises(ValueError, match="integer"):
        SharedKey("k", "p", True)
    with pytest.raises(ValueError, match="MessageHeader"):
        protect(b'{"SaleToPOIRequest": {}}', KIOSK_KEY)
    with pytest.raises(ValueError, match="nonce"):
        protect(encode(APPROVAL), KIOSK_KEY, nonce=b"short")
    with pytest.raises(ValueError, match="not JSON"):
        protect(b"{", KIOSK_KEY)


# --- driver and simulator with a shared key ---------------------------------------------------


@pytest.fixture(params=["tcp", "http"])
def protected_sim(request: pytest.FixtureRequest) -> Iterator[TerminalSimulator]:
    sim = TerminalSimulator(request.param, poi_id="POI01", stage_s=0.01, security=KIOSK_KEY)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def _driver(url: str, key: SharedKey | None, **kwargs: object) -> NexoCardTerminal:
    return NexoCardTerminal(
        transport_for_url(url, connect_timeout_s=2.0, **kwargs),  # type: ignore[arg-type]
        sale_id="KIOSK01", poi_id="POI01", payment_timeout_s=10, request_timeout_s=3,
        recovery_s=0.3, status_interval_s=0.05, security=key,
    )  # fmt: skip


def test_a_protected_payment_status_and_reversal(protected_sim: TerminalSimulator) -> None:
    driver = _driver(protected_sim.url, KIOSK_KEY)
    service_id = driver.new_service_id()
    outcome = driver.pay(1234, "SALE-1", service_id)
    assert isinstance(outcome, CardApproved)
    assert outcome.masked_pan == MASKED_PAN
    assert driver.status(service_id) == outcome
    assert driver.reverse(outcome.poi_transaction_id, outcome.amount_fen) is True
    assert protected_sim.engine.protocol_errors == 0


def test_a_protected_payment_is_aborted_protected(protected_sim: TerminalSimulator) -> None:
    protected_sim.scenario = Scenario.TIMEOUT
    driver = _driver(protected_sim.url, KIOSK_KEY)
    driver.payment_timeout_s = 0.3
    driver.recovery_s = 3
    outcome = driver.pay(1234, "SALE-1", driver.new_service_id())
    assert outcome == CardCancelled()  # the abort and the status both got through
    with protected_sim.engine.lock:
        assert Category.ABORT in protected_sim.engine.received
    assert protected_sim.engine.protocol_errors == 0


def test_a_kiosk_without_the_key_is_not_served(protected_sim: TerminalSimulator) -> None:
    driver = _driver(protected_sim.url, None)
    outcome = driver.pay(1234, "SALE-1", driver.new_service_id())
    assert isinstance(outcome, CardInDoubt)  # never reached a payment; ops must look
    assert protected_sim.engine.approvals() == []
    assert protected_sim.engine.protocol_errors >= 1


def test_an_unprotected_answer_is_no_answer_to_a_kiosk_with_a_key() -> None:
    """A forged plain approval (or Reject) must not count when messages are protected."""
    sim = TerminalSimulator("tcp", poi_id="POI01", stage_s=0.01)  # answers in clear
    sim.start()
    try:
        driver = _driver(sim.url, KIOSK_KEY)
        outcome = driver.pay(1234, "SALE-1", driver.new_service_id())
    finally:
        sim.stop()
    assert isinstance(outcome, CardInDoubt)
    assert not isinstance(outcome, CardApproved)


# --- TLS by the terminal's name ---------------------------------------------------------------

TERMINAL = "P400Plus-123456789"
NAME = security.terminal_certificate_name(TERMINAL, "test")


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _certificates(tmp_path: Path, common_name: str) -> tuple[Path, ssl.SSLContext]:
    """A CA (standing for Adyen's terminal fleet root) and a terminal certificate carrying
    only a common name, as Adyen's do; the CA's file and the terminal's server context."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test terminal fleet CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    ca_file, cert_file, key_file = (tmp_path / n for n in ("ca.pem", "t.pem", "t.key"))
    ca_file.write_bytes(_pem(ca))
    cert_file.write_bytes(_pem(leaf))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return ca_file, context


def test_https_to_an_address_checks_the_certificate_by_the_terminals_name(
    tmp_path: Path,
) -> None:
    ca_file, context = _certificates(tmp_path, NAME)
    sim = TerminalSimulator("http", poi_id="POI01", stage_s=0.01, tls=context, security=KIOSK_KEY)
    sim.start()
    try:
        assert sim.url.startswith("https://127.0.0.1:")  # an address: not the cert's name
        right = _driver(sim.url, KIOSK_KEY, ca_file=str(ca_file), server_name=NAME)
        assert isinstance(right.pay(100, "SALE-1", right.new_service_id()), CardApproved)
        other = security.terminal_certificate_name("P400Plus-987654321", "test")
        wrong = _driver(sim.url, KIOSK_KEY, ca_file=str(ca_file), server_name=other)
        assert wrong.pay(100, "SALE-2", wrong.new_service_id()) == CardFailed("unreachable")
        by_address = _driver(sim.url, KIOSK_KEY, ca_file=str(ca_file))
        assert by_address.pay(100, "SALE-3", by_address.new_service_id()) == CardFailed(
            "unreachable"
        )
    finally:
        sim.stop()
    assert len(sim.engine.approvals()) == 1


def test_a_certificate_name_needs_https() -> None:
    with pytest.raises(DriverConfigError, match="https"):
        HttpTransport("http://10.0.0.9/nexo", server_name=NAME)


# Cases of adyen-dotnet-api-library's TerminalCommonNameValidatorTest (MIT).
NAMES = [
    ("legacy-terminal-certificate.test.terminal.adyen.com", "test", True),
    ("legacy-terminal-certificate.live.terminal.adyen.com", "live", True),
    ("P400-123456789.test.terminal.adyen.com", "test", True),
    ("P400-123456789.live.terminal.adyen.com", "live", True),
    ("S1E-000150123456789.test.terminal.adyen.com", "test", True),
    ("S1E-000150123456789.live.terminal.adyen.com", "live", True),
    ("legacy-terminal-certificate.test.terminal.adyen.com", "live", False),
    ("P400-123456789.test.terminal.adyen.com", "live", False),
    ("legacy-terminal-certificate.live.terminal.adyen.com", "test", False),
    ("P400-123456789.live.terminal.adyen.com", "test", False),
    ("wrong-terminal-certificate.test.terminal.adyen.com", "test", False),
    ("legacyy-terminal-certificate.test.terminal.adyen.com", "test", False),
    ("P400.123456789.test.terminal.adyen.com", "test", False),
    ("P400123456789.test.terminal.adyen.com", "test", False),
    ("P4-123456789.test.terminal.adyen.com", "test", False),
    ("P400-ABC.test.terminal.adyen.com", "test", False),
    ("P400-123.test.terminal.adyen.com", "test", False),
    ("P400-.test.terminal.adyen.com", "test", False),
    ("-123.test.terminal.adyen.com", "test", False),
    ("www.adyen.com", "test", False),
    ("ANY", "test", False),
    ("S1E-0001501234567891.test.terminal.adyen.com", "test", False),
    ("S1E-0001501234567891.live.terminal.adyen.com", "live", False),
]


@pytest.mark.parametrize(("name", "environment", "valid"), NAMES)
def test_terminal_certificate_names_as_adyen_accepts_them(
    name: str, environment: str, valid: bool
) -> None:
    assert security.is_terminal_certificate_name(name, environment) is valid


def test_the_name_of_a_terminal() -> None:
    assert NAME == "P400Plus-123456789.test.terminal.adyen.com"
    assert security.is_terminal_certificate_name(NAME, "test")
    for poi_id, environment in (("P400Plus-123", "test"), (TERMINAL, "prod"), ("x", "live")):
        with pytest.raises(ValueError, match=r"terminal name|environment"):
            security.terminal_certificate_name(poi_id, environment)
