"""A small client for the customer business API, for tests against the running central."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from central.business_db import Account
from tests.central.conftest import KIOSKS, Central

ZHANG_SAN = {"msisdn": "13800138000", "password": "123456"}
ZHANG_SAN_CARD = {"id_number": "110101199003074477", "name": "张三"}
LI_SI_CARD = {"id_number": "11010519491231002X", "name": "李四"}
SMS_CODE = re.compile(r"验证码(\d{6})")


@dataclass
class Biz:
    central: Central
    kiosk: str = "K1"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        kiosk: str | None = None,
    ) -> requests.Response:
        who = kiosk or self.kiosk
        headers = {"X-Kiosk-Id": who, "Authorization": f"Bearer {KIOSKS[who]}"}
        if session is not None:
            headers["X-Customer-Session"] = session
        return requests.request(
            method,
            f"{self.central.url}{path}",
            json=body,
            params=params,
            headers=headers,
            timeout=10,
        )

    def ok(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        reply = self.call(method, path, body, **kw)
        assert reply.status_code < 300, reply.text
        return reply.json() if reply.content else None

    def login(self, msisdn: str = "13800138000", password: str = "123456") -> str:  # noqa: S107
        body = self.ok(
            "POST", "/v1/customer/login/password", {"msisdn": msisdn, "password": password}
        )
        token: str = body["session_token"]
        return token

    def texts(self, msisdn: str) -> list[str]:
        reply = self.central.ops("sms", {"msisdn": msisdn})
        assert reply.status_code == 200, reply.text
        return [m["text"] for m in reply.json()["messages"]]

    def last_code(self, msisdn: str) -> str:
        match = SMS_CODE.search(self.texts(msisdn)[0])
        assert match, "no code in the latest text"
        return match.group(1)


def refused(reply: requests.Response, status: int, code: str) -> dict[str, Any]:
    """Assert a business refusal and return its `data`."""
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["code"] == code, body
    assert set(body) == {"detail", "code", "data"}
    data: dict[str, Any] = body["data"]
    return data


class KioskKey:
    """The kiosk side of the sealed SIM data: a fresh X25519 key and the opener."""

    def __init__(self) -> None:
        self.private = X25519PrivateKey.generate()

    @property
    def public_b64(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def open(self, sealed: dict[str, Any], aad: str) -> dict[str, Any]:
        peer = X25519PublicKey.from_public_bytes(base64.b64decode(sealed["ephemeral_public_key"]))
        key = HKDF(
            algorithm=SHA256(), length=32, salt=None, info=b"kiosk-sim-personalisation-v1"
        ).derive(self.private.exchange(peer))
        plain = AESGCM(key).decrypt(
            base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), aad.encode()
        )
        data: dict[str, Any] = json.loads(plain)
        return data


def give_lines(central: Central, owner_msisdn: str, count: int) -> None:
    """`count` more lines (18800000000, 18800000001, ...) for the owner of `owner_msisdn`."""
    with central.storage.sessions.begin() as session:
        owner = session.get(Account, owner_msisdn)
        assert owner is not None
        for n in range(count):
            session.add(
                Account(
                    msisdn=f"1880000000{n}", owner_name=owner.owner_name,
                    owner_id_hash=owner.owner_id_hash, owner_id_masked=owner.owner_id_masked,
                    balance_fen=0, plan_code="P38", status="active", iccid=f"8986{n:016d}",
                    password_hash=owner.password_hash, failed_password_attempts=0,
                    locked_until=None, created_at=owner.created_at,
                )
            )  # fmt: skip
