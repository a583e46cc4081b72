"""SIM personalisation data from central, opened on the kiosk only, in memory only.

Central seals the data for a fresh X25519 key the kiosk makes for each order: X25519 key
agreement with central's ephemeral key, HKDF-SHA256 (info `kiosk-sim-personalisation-v1`),
AES-256-GCM with the associated data `kiosk_id|order_id|iccid` — so data sealed for another
kiosk, another order or another card does not open here. The private key never leaves this
object and the opened secrets (Ki, PIN, PUK) never reach the journal, the outbox or a log.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from drivers.interfaces import SimPersonalisation
from kiosk.central_models import SealedPersonalisation
from kiosk.errors import KioskError

HKDF_INFO = b"kiosk-sim-personalisation-v1"


class SimDataError(KioskError):
    """The sealed SIM data does not open or does not hold what a SIM needs."""

    message_key = "sim.data_invalid"


class SimDataKey:
    """One order's key pair: send `public_b64` to central, open its answer with `open`."""

    def __init__(self, kiosk_id: str) -> None:
        self._kiosk_id = kiosk_id
        self._private = X25519PrivateKey.generate()

    @property
    def public_b64(self) -> str:
        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def open(self, sealed: SealedPersonalisation) -> SimPersonalisation:
        aad = f"{self._kiosk_id}|{sealed.order_id}|{sealed.iccid}".encode()
        try:
            peer = X25519PublicKey.from_public_bytes(
                base64.b64decode(sealed.ephemeral_public_key, validate=True)
            )
            key = HKDF(algorithm=SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
                self._private.exchange(peer)
            )
            plain = AESGCM(key).decrypt(
                base64.b64decode(sealed.nonce, validate=True),
                base64.b64decode(sealed.ciphertext, validate=True),
                aad,
            )
            data: Any = json.loads(plain)
            personalisation = SimPersonalisation(
                iccid=str(data["iccid"]),
                imsi=str(data["imsi"]),
                ki_encrypted=bytes.fromhex(str(data["ki_encrypted"])),
                smsp=str(data.get("smsp", "")),
                pin1=str(data.get("pin1", "")),
                puk1=str(data.get("puk1", "")),
            )
        except (ValueError, KeyError, TypeError, InvalidTag) as exc:
            raise SimDataError(f"order {sealed.order_id}: SIM data does not open") from exc
        if personalisation.iccid != sealed.iccid:
            raise SimDataError(f"order {sealed.order_id}: sealed ICCID differs from the label")
        return personalisation
