"""Changes to a line's balance that stay right under concurrency: every change is one SQL
`balance_fen = balance_fen + :delta`, and a transaction that must read before it writes (a bill
payment settling months) first locks the lines it touches, always in msisdn order.

An ORM read-then-write (`account.balance_fen += amount`) lost 22,987,302 fen of credited
top-ups on PostgreSQL with 20 kiosks: two transactions read the same balance and the second
write undid the first. SQLite hid it (one connection at a time).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.business_db import Account
from central.statements import among, driver_rows, locked_row

_LOCK_LINES = (
    "SELECT msisdn FROM accounts WHERE msisdn = ANY(CAST(%s AS TEXT[])) ORDER BY msisdn FOR UPDATE"
)


def credit(session: Session, msisdn: str, delta_fen: int) -> bool:
    """Add `delta_fen` (may be negative or 0) to the line's balance; False if no such line."""
    changed = session.execute(
        update(Account)
        .where(Account.msisdn == msisdn)
        .values(balance_fen=Account.balance_fen + delta_fen)
        .execution_options(synchronize_session=False)
    )
    found = bool(changed.rowcount)  # type: ignore[attr-defined]
    if found:
        cached = session.identity_map.get(session.identity_key(Account, msisdn))
        if cached is not None:
            session.expire(cached, ["balance_fen"])  # the next read sees the database's value
    return found


def lock_lines(session: Session, msisdns: Iterable[str]) -> set[str]:
    """Lock the lines (those that exist) until the transaction ends, in msisdn order so that
    two transactions locking overlapping sets never deadlock; the numbers that exist.
    SQLite has no row locks: there a transaction already writes alone."""
    wanted = sorted(set(msisdns))
    if not wanted:
        return set()
    if session.get_bind().dialect.name == "postgresql":  # a sync batch's first statement
        return {msisdn for (msisdn,) in driver_rows(session, _LOCK_LINES, (wanted,))}
    return set(
        session.scalars(
            select(Account.msisdn)
            .where(among(session, Account.msisdn, wanted))
            .order_by(Account.msisdn)
            .with_for_update()
        )
    )


def lock_line(session: Session, msisdn: str) -> Account | None:
    """One line, locked (lock_lines), as now committed; None if there is no such line."""
    return locked_row(session, Account, Account.msisdn == msisdn)
