"""Secrets central keeps: scrypt password hashes, one-time codes, random ids and server keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.business_db import Setting
from central.statements import insert_if_absent

# scrypt cost: ~16 MiB and tens of milliseconds per check, which caps guessing at the server.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
ID_HASH_KEY = "id_hash_key"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$<salt hex>$<hash hex>` of a service password."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, _digest = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_password(password, salt), stored)


def new_id() -> str:
    """A random identifier for sessions, challenges, reservations (128 bits, hex)."""
    return secrets.token_hex(16)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_digest(challenge_id: str, code: str) -> str:
    """A code is only six digits: bind its hash to the challenge so one table leak is useless
    across challenges (the attempt limit is what really protects it)."""
    return hashlib.sha256(f"{challenge_id}:{code}".encode()).hexdigest()


def server_key(session: Session, name: str) -> bytes:
    """A 32-byte server key stored under `name`, created on first use.

    Insert-if-absent, then read: two instances creating it at once both end up with the one
    that was committed first (on PostgreSQL the second insert waits for the first, then does
    nothing), never with an error or with two different keys."""
    value = session.scalar(select(Setting.value).where(Setting.name == name))
    if value is None:
        insert_if_absent(session, Setting, {"name": name, "value": secrets.token_hex(32)})
        value = session.scalar(select(Setting.value).where(Setting.name == name))
        assert value is not None, "the key was inserted or found"
    return bytes.fromhex(value)
