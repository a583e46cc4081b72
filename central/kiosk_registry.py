"""The registry of kiosks allowed to call central: add, rotate and list them; tokens kept hashed.

Tokens come from files or stdin, never the command line (argv shows in `ps`). Registering
from a kiosks file only adds kiosks that are not registered yet, so restarting central with
an old file cannot undo a rotation; only `rotate` changes a registered token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from central.auth import hash_token
from central.db import Kiosk, Storage, utcnow
from central.errors import ConfigError
from central.statements import insert_if_absent

KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ID_RULE = "kiosk id must be 1-64 letters, digits, '.', '_' or '-'"
TOKEN_RULE = "must be non-empty, printable, without spaces"  # noqa: S105 - a rule, no secret


@dataclass(frozen=True)
class RegisteredKiosk:
    kiosk_id: str
    registered_at: datetime
    last_seen: datetime | None


def check_kiosk_id(kiosk_id: str) -> str:
    if not KIOSK_ID.fullmatch(kiosk_id):
        raise ConfigError(ID_RULE)
    return kiosk_id


def check_token(token: str, what: str) -> str:
    """`token` if usable as a bearer token; ConfigError naming `what` (never the token)."""
    if not token or not token.isprintable() or any(ch.isspace() for ch in token):
        raise ConfigError(f"{what} {TOKEN_RULE}")
    return token


def read_secret(path: Path, what: str) -> str:
    """The secret on the first line of a file (a final newline is not part of it)."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
        raise ConfigError(f"cannot read {what} from {path}: {reason}") from None
    lines = content.splitlines()
    if len(lines) != 1:
        raise ConfigError(f"{what} file {path} must hold exactly one line")
    return check_token(lines[0], f"{what} in {path}")


def parse_kiosks(content: str, source: str) -> dict[str, str]:
    """`ID:TOKEN` lines (blank lines and `#` comments skipped) → {id: token}."""
    kiosks: dict[str, str] = {}
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source} line {number}"
        kiosk_id, sep, token = line.partition(":")  # the id has no ':', the token may
        if not sep:
            raise ConfigError(f"{where}: expected KIOSK_ID:TOKEN")
        if not KIOSK_ID.fullmatch(kiosk_id):
            raise ConfigError(f"{where}: {ID_RULE}")
        check_token(token, f"{where}: token of kiosk {kiosk_id}")
        if kiosk_id in kiosks:
            raise ConfigError(f"{where}: kiosk {kiosk_id} given twice")
        kiosks[kiosk_id] = token
    return kiosks


def read_kiosks_file(path: Path) -> dict[str, str]:
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
        raise ConfigError(f"cannot read kiosks file {path}: {reason}") from None
    return parse_kiosks(content, str(path))


def add_kiosk(storage: Storage, kiosk_id: str, token: str, now: datetime | None = None) -> bool:
    """Register a kiosk; False (nothing changed) if that id is registered already."""
    return bool(add_missing(storage, {kiosk_id: token}, now))


def add_missing(
    storage: Storage, kiosks: Mapping[str, str], now: datetime | None = None
) -> list[str]:
    """Register the kiosks not registered yet; ids of those added. Registered ones keep their
    token whatever `kiosks` says: only rotate_kiosk changes one."""
    when = now or utcnow()
    added = []
    with storage.sessions.begin() as session:
        for kiosk_id, token in kiosks.items():
            row = {
                "id": check_kiosk_id(kiosk_id),
                "token_sha256": hash_token(check_token(token, f"token of kiosk {kiosk_id}")),
                "registered_at": when,
                "last_seen": None,
            }
            if insert_if_absent(session, Kiosk, row):
                added.append(kiosk_id)
    return added


def rotate_kiosk(storage: Storage, kiosk_id: str, token: str) -> bool:
    """Replace a registered kiosk's token; False if no such kiosk is registered."""
    digest = hash_token(check_token(token, f"token of kiosk {kiosk_id}"))
    with storage.sessions.begin() as session:
        statement = update(Kiosk).where(Kiosk.id == kiosk_id).values(token_sha256=digest)
        return bool(cast(CursorResult[Any], session.execute(statement)).rowcount)


def list_kiosks(storage: Storage) -> list[RegisteredKiosk]:
    with storage.sessions() as session:
        rows = session.execute(
            select(Kiosk.id, Kiosk.registered_at, Kiosk.last_seen).order_by(Kiosk.id)
        ).all()
    return [RegisteredKiosk(row.id, row.registered_at, row.last_seen) for row in rows]
