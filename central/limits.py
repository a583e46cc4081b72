"""Attempt limits that hold under concurrency and across central instances.

A try (a service password, an ID card presented for login) is CLAIMED before it is evaluated, by
one conditional UPDATE of a counter row: `used = used + 1 WHERE used < tries AND not locked`.
The database serialises such updates of one row (PostgreSQL's row lock, re-checking the WHERE
on the newest version; SQLite's single writer), so of any number of concurrent tries at most
`tries` are ever evaluated — a read-then-write counter let 48 of 100 concurrent wrong passwords
through on PostgreSQL. The try that fills the counter locks the subject when it fails; a right
answer resets it. A rate (one SMS a minute per number) is one conditional stamp of
`locked_until`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from central.business_db import AttemptLimit
from central.statements import insert_if_absent


@dataclass(frozen=True)
class Limit:
    """`tries` evaluated tries, then the subject is locked for `lock_for`."""

    scope: str
    tries: int
    lock_for: timedelta


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a try: granted with `attempts_left` after this one, or refused
    because the subject is locked (until `locked_until`, or while the last tries it had are
    still being evaluated: then `locked_until` is the lock those would set)."""

    granted: bool
    attempts_left: int
    locked_until: datetime | None


def _ensure_row(session: Session, scope: str, subject: str) -> None:
    """The counter row, created if absent without racing another creator."""
    row = {"scope": scope, "subject": subject, "used": 0, "locked_until": None}
    insert_if_absent(session, AttemptLimit, row)


def _of(limit: Limit, subject: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return AttemptLimit.scope == limit.scope, AttemptLimit.subject == subject


def _locked_until(session: Session, limit: Limit, subject: str) -> datetime | None:
    return session.scalar(select(AttemptLimit.locked_until).where(*_of(limit, subject)))


def _not_locked(now: datetime) -> ColumnElement[bool]:
    return or_(AttemptLimit.locked_until.is_(None), AttemptLimit.locked_until <= now)


def claim(session: Session, limit: Limit, subject: str, now: datetime) -> Claim:
    """Claim one try of `subject` under `limit`. The caller commits soon (the row stays locked
    for other claimers until then) and reports the outcome with failed() or succeeded()."""
    _ensure_row(session, limit.scope, subject)
    used = session.scalar(
        update(AttemptLimit)
        .where(
            *_of(limit, subject),
            AttemptLimit.used < limit.tries,
            _not_locked(now),
        )
        .values(used=AttemptLimit.used + 1)
        .returning(AttemptLimit.used)
        .execution_options(synchronize_session=False)
    )
    if used is not None:
        return Claim(granted=True, attempts_left=limit.tries - used, locked_until=None)
    locked_until = _locked_until(session, limit, subject)
    if locked_until is None or locked_until <= now:
        locked_until = now + limit.lock_for  # the last tries are in flight; they will lock
    return Claim(granted=False, attempts_left=0, locked_until=locked_until)


def failed(session: Session, limit: Limit, subject: str, now: datetime) -> datetime | None:
    """A claimed try was wrong. When the counter is full, lock the subject: the lock's end,
    else None (tries are left)."""
    locked_until = now + limit.lock_for
    locked = session.execute(
        update(AttemptLimit)
        .where(
            *_of(limit, subject),
            AttemptLimit.used >= limit.tries,
            _not_locked(now),
        )
        .values(used=0, locked_until=locked_until)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount:  # type: ignore[attr-defined]
        return locked_until
    current = _locked_until(session, limit, subject)
    return current if current is not None and current > now else None


def succeeded(session: Session, limit: Limit, subject: str) -> None:
    """A claimed try was right: the count starts again."""
    session.execute(
        update(AttemptLimit)
        .where(*_of(limit, subject))
        .values(used=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def take_slot(session: Session, limit: Limit, subject: str, now: datetime) -> datetime | None:
    """A rate of one per `limit.lock_for`: None when this call may go ahead (and the next one
    must wait), else when the next slot opens. One atomic stamp, whoever asks at once."""
    _ensure_row(session, limit.scope, subject)
    taken = session.execute(
        update(AttemptLimit)
        .where(
            *_of(limit, subject),
            _not_locked(now),
        )
        .values(locked_until=now + limit.lock_for)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount:  # type: ignore[attr-defined]
        return None
    opens = _locked_until(session, limit, subject)
    return opens if opens is not None else now + limit.lock_for
