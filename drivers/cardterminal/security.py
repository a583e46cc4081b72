"""nexo message protection with a shared key, as Adyen's terminals use it in local mode (pure).

A protected message keeps its root and `MessageHeader` in clear and replaces the body by
`NexoBlob` (the whole plain message, AES-256-CBC encrypted, base64) and a `SecurityTrailer`
(docs/drivers-nexo.md, "Message security"):

- key material: PBKDF2-HMAC-SHA1 over the passphrase, salt "AdyenNexoV1Salt", 4000 rounds, 80
  bytes: HMAC key (32), cipher key (32), IV (16);
- a fresh 16-byte nonce per message; the cipher's IV is the derived IV XOR the nonce;
- `Hmac`: HMAC-SHA256 of the plain message with the HMAC key;
- the trailer names the key (`KeyIdentifier`, `KeyVersion`), `AdyenCryptoVersion` 1, and
  carries `Nonce` and `Hmac` in base64.

Checked against the vectors Adyen publishes in its API libraries' tests
(tests/drivers/fixtures/nexo/README.md). On top of what those libraries check, the clear header
must equal the one inside the blob (the clear one is not authenticated), and a bad padding and
a bad HMAC are one error, so a terminal-side attacker learns nothing from which it was.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from drivers.errors import ProtocolError

SALT = b"AdyenNexoV1Salt"
ITERATIONS = 4000
HMAC_KEY_BYTES, CIPHER_KEY_BYTES, IV_BYTES = 32, 32, 16
CRYPTO_VERSION = 1
ROOTS = ("SaleToPOIRequest", "SaleToPOIResponse")


class SecurityError(ProtocolError):
    """A protected message that cannot be trusted: wrong key, tampered, or not protected."""


@dataclass(frozen=True)
class SharedKey:
    """The key shared with the terminal (set on both; the passphrase never leaves the kiosk)."""

    key_identifier: str
    passphrase: str = field(repr=False)
    key_version: int = 1

    def __post_init__(self) -> None:
        if not self.key_identifier or not self.passphrase:
            raise ValueError("a shared key needs an identifier and a passphrase")
        if isinstance(self.key_version, bool) or not isinstance(self.key_version, int):
            raise ValueError("key version must be an integer")


@dataclass(frozen=True, repr=False)
class DerivedKey:
    hmac_key: bytes
    cipher_key: bytes
    iv: bytes


@functools.lru_cache(maxsize=8)
def derive(passphrase: str) -> DerivedKey:
    """The 80 bytes of key material for `passphrase` (cached: 4000 PBKDF2 rounds per message
    would cost milliseconds each)."""
    total = HMAC_KEY_BYTES + CIPHER_KEY_BYTES + IV_BYTES
    material = hashlib.pbkdf2_hmac("sha1", passphrase.encode(), SALT, ITERATIONS, total)
    cut = HMAC_KEY_BYTES + CIPHER_KEY_BYTES
    return DerivedKey(material[:HMAC_KEY_BYTES], material[HMAC_KEY_BYTES:cut], material[cut:])


def _cipher(key: DerivedKey, nonce: bytes) -> Cipher[modes.CBC]:
    iv = bytes(a ^ b for a, b in zip(key.iv, nonce, strict=True))
    return Cipher(algorithms.AES(key.cipher_key), modes.CBC(iv))


def _mac(key: DerivedKey, plain: bytes) -> bytes:
    return hmac.new(key.hmac_key, plain, hashlib.sha256).digest()


def _envelope(data: bytes) -> tuple[str, dict[str, Any]]:
    """The root name and its object: a nexo message's outer shape, or SecurityError."""
    try:
        tree = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise SecurityError("protected message: not JSON") from None
    if not isinstance(tree, dict) or len(tree) != 1:
        raise SecurityError("protected message: expected one SaleToPOIRequest or Response")
    root, body = next(iter(tree.items()))
    if root not in ROOTS or not isinstance(body, dict):
        raise SecurityError("protected message: expected one SaleToPOIRequest or Response")
    return root, body


def protect(message: bytes, key: SharedKey, *, nonce: bytes | None = None) -> bytes:
    """The protected form of a plain nexo message (its header stays readable).

    `nonce` only for tests: a fixed one makes the output reproducible."""
    try:
        root, body = _envelope(message)
    except SecurityError as exc:  # our own message: a caller's mistake, not the peer's
        raise ValueError(str(exc)) from None
    if "MessageHeader" not in body:
        raise ValueError("a nexo message without MessageHeader cannot be protected")
    nonce = secrets.token_bytes(IV_BYTES) if nonce is None else nonce
    if len(nonce) != IV_BYTES:
        raise ValueError(f"nonce must be {IV_BYTES} bytes")
    derived = derive(key.passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = _cipher(derived, nonce).encryptor()
    blob = encryptor.update(padder.update(message) + padder.finalize()) + encryptor.finalize()
    trailer = {
        "AdyenCryptoVersion": CRYPTO_VERSION,
        "KeyIdentifier": key.key_identifier,
        "KeyVersion": key.key_version,
        "Nonce": base64.b64encode(nonce).decode(),
        "Hmac": base64.b64encode(_mac(derived, message)).decode(),
    }
    protected = {
        root: {
            "MessageHeader": body["MessageHeader"],
            "NexoBlob": base64.b64encode(blob).decode(),
            "SecurityTrailer": trailer,
        }
    }
    return json.dumps(protected, ensure_ascii=False, separators=(",", ":")).encode()


def _b64(trailer: dict[str, Any], name: str, size: int | None = None) -> bytes:
    value = trailer.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError
        raw = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise SecurityError(f"SecurityTrailer.{name}: not base64") from None
    if size is not None and len(raw) != size:
        raise SecurityError(f"SecurityTrailer.{name}: not {size} bytes")
    return raw


def is_protected(data: bytes) -> bool:
    """Whether `data` looks like a protected message (has a SecurityTrailer), cheaply."""
    return b'"SecurityTrailer"' in data and b'"NexoBlob"' in data


def unprotect(data: bytes, key: SharedKey) -> bytes:
    """The plain message inside a protected one, once its key, HMAC and header check out.

    SecurityError (a ProtocolError) for anything else, never quoting the message."""
    root, body = _envelope(data)
    trailer = body.get("SecurityTrailer")
    blob_text = body.get("NexoBlob")
    if not isinstance(trailer, dict) or not isinstance(blob_text, str):
        raise SecurityError("message is not protected (no NexoBlob/SecurityTrailer)")
    if trailer.get("AdyenCryptoVersion") != CRYPTO_VERSION:
        raise SecurityError("SecurityTrailer.AdyenCryptoVersion: not supported")
    if (trailer.get("KeyIdentifier"), trailer.get("KeyVersion")) != (
        key.key_identifier,
        key.key_version,
    ):
        raise SecurityError("SecurityTrailer names another key (identifier or version)")
    nonce = _b64(trailer, "Nonce", IV_BYTES)
    mac = _b64(trailer, "Hmac", 32)
    blob = _b64({"NexoBlob": blob_text}, "NexoBlob")
    if not blob or len(blob) % 16:
        raise SecurityError("NexoBlob: not whole cipher blocks")
    derived = derive(key.passphrase)
    decryptor = _cipher(derived, nonce).decryptor()
    padded = decryptor.update(blob) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        plain = b""  # judged by the HMAC below: one answer for both failures
    if not hmac.compare_digest(_mac(derived, plain), mac) or not plain:
        raise SecurityError("protected message fails authentication (wrong key or tampered)")
    inner_root, inner = _envelope(plain)
    if inner_root != root or inner.get("MessageHeader") != body.get("MessageHeader"):
        raise SecurityError("the clear MessageHeader differs from the protected one")
    return plain


# --- terminal certificate names ---------------------------------------------------------------

# Adyen's terminals present a certificate from its terminal fleet CA named after the terminal:
# "<model>-<serial>.<environment>.terminal.adyen.com", or on older units one shared legacy
# name. Its API libraries accept exactly these (TerminalCommonNameValidator).
_TERMINAL_NAME = re.compile(r"[A-Za-z0-9]{3,}-[A-Za-z0-9]{9,15}")
ENVIRONMENTS = ("test", "live")


def terminal_certificate_name(poi_id: str, environment: str) -> str:
    """The name an Adyen terminal's certificate carries, from its POIID ("V400m-347374578")
    and the environment ("test" or "live"): what `server_name` of the transport checks."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"environment is test or live, not {environment!r}")
    if not _TERMINAL_NAME.fullmatch(poi_id):
        raise ValueError(f"{poi_id!r} is not a terminal name (<model>-<serial>)")
    return f"{poi_id}.{environment}.terminal.adyen.com"


def is_terminal_certificate_name(name: str, environment: str) -> bool:
    """Whether a certificate's common name is one an Adyen terminal of `environment` has."""
    suffix = f".{environment}.terminal.adyen.com"
    if environment not in ENVIRONMENTS or not name.endswith(suffix):
        return False
    host = name[: -len(suffix)]
    return host == "legacy-terminal-certificate" or bool(_TERMINAL_NAME.fullmatch(host))
