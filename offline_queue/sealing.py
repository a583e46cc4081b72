"""Personal data in queued items, encrypted at rest: AES-256-GCM per field, key from a file.

A caller names the sensitive top-level fields of a body (an ID number, a name); `enqueue` stores
each as `sealed:v1:<base64 nonce‖ciphertext>`, bound by the associated data `key|field` to its
item and field, so a sealed value cannot be moved to another item unnoticed. The store opens
them only in memory to send, and overwrites them with `purged` once central has the item.

The key is 32 random bytes in a file readable by its owner only (0600). `load_or_create`
refuses a file anyone else can read or that is not 32 bytes: a copied or truncated key is a
configuration error to fix, never something to paper over by making a new key (which would
make every sealed item unreadable).
"""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_queue.errors import QueueError

PREFIX = "sealed:v1:"
PURGED = "purged"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealingError(QueueError):
    """The key file is unusable, or a sealed value does not open with it."""


def _aad(item_key: str, field: str) -> bytes:
    return f"{item_key}|{field}".encode()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def has_sealed(body: Mapping[str, Any]) -> bool:
    return any(is_sealed(value) for value in body.values())


class FieldSealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise SealingError(f"a sealing key is {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def load_or_create(cls, path: Path) -> FieldSealer:
        """The key in `path`, made (0600, fsynced) if the file does not exist yet."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls._load(path)
        except OSError as exc:
            raise SealingError(f"cannot create sealing key {path}: {exc}") from exc
        try:
            os.write(fd, os.urandom(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        return cls._load(path)

    @classmethod
    def _load(cls, path: Path) -> FieldSealer:
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SealingError(
                    f"sealing key {path} is readable by others (mode {stat.S_IMODE(mode):o}); "
                    "it must be 0600"
                )
            key = path.read_bytes()
        except OSError as exc:
            raise SealingError(f"cannot read sealing key {path}: {exc}") from exc
        if len(key) != KEY_BYTES:
            raise SealingError(f"sealing key {path} is {len(key)} bytes, not {KEY_BYTES}")
        return cls(key)

    def seal(
        self, item_key: str, body: Mapping[str, Any], fields: Collection[str]
    ) -> dict[str, Any]:
        """A copy of `body` with each present field of `fields` sealed."""
        sealed = dict(body)
        for field in fields:
            if field in sealed and not is_sealed(sealed[field]):
                plain = json.dumps(sealed[field], ensure_ascii=False).encode()
                nonce = os.urandom(NONCE_BYTES)
                box = self._aead.encrypt(nonce, plain, _aad(item_key, field))
                sealed[field] = PREFIX + base64.b64encode(nonce + box).decode()
        return sealed

    def open(self, item_key: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `body` with every sealed field opened. SealingError if one does not open
        (another key, or a value moved from another item or field)."""
        opened = dict(body)
        for field, value in body.items():
            if not is_sealed(value):
                continue
            try:
                raw = base64.b64decode(value[len(PREFIX) :], validate=True)
                plain = self._aead.decrypt(
                    raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(item_key, field)
                )
                opened[field] = json.loads(plain)
            except (ValueError, InvalidTag) as exc:
                raise SealingError(f"item {item_key!r}: field {field!r} does not open") from exc
        return opened


def purged(body: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `body` with every sealed field replaced by `purged`."""
    return {field: PURGED if is_sealed(value) else value for field, value in body.items()}


def sealed_fields(body: Mapping[str, Any]) -> frozenset[str]:
    """The names of the fields of `body` that are sealed."""
    return frozenset(field for field, value in body.items() if is_sealed(value))


def purged_result(result: Any, fields: frozenset[str]) -> Any:
    """Central's answer with every value under one of `fields` (at any depth) replaced by
    `purged`: an answer that repeats the item's personal data (an echo) must not keep it on
    the kiosk after the body's copy is gone."""
    if isinstance(result, Mapping):
        return {
            key: PURGED if key in fields else purged_result(value, fields)
            for key, value in result.items()
        }
    if isinstance(result, list):
        return [purged_result(value, fields) for value in result]
    return result
