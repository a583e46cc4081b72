"""The bulk path for runs of new `topup.v1` items in one sync batch: the same answers as
kinds.apply_topup item by item, in a handful of statements instead of several per item.

Top-ups are by far the most frequent posting (a kiosk offline for a week sends thousands);
through the ORM one item cost ~4 ms of CPU, which capped ingest far below the fleet's needs
(benchmarks/central_bench.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from central import balances
from central.business_db import Account
from central.db import Topup
from central.kinds import TopupV1
from central.statements import among, insert_rows


@dataclass(frozen=True)
class NewTopup:
    """A validated item whose key central has not seen."""

    key: str
    digest: str
    body: TopupV1


def apply_topups(
    session: Session,
    kiosk_id: str,
    items: Sequence[NewTopup],
    now: datetime,
    *,
    lines: set[str] | None = None,
) -> list[tuple[str, dict[str, Any] | str]]:
    """Record the run's top-ups and credits; per item (key, result) when accepted or
    (key, reason) on conflict. The caller stores the idempotency records. `lines`: the
    numbers among the items' that are lines, when the caller knows (it locked them)."""
    taken: dict[str, int] = {}
    if session.get_bind().dialect.name != "postgresql":
        txn_ids = {item.body.txn_id for item in items}
        rows = session.execute(
            select(Topup.txn_id, Topup.id).where(
                Topup.kiosk_id == kiosk_id, among(session, Topup.txn_id, txn_ids)
            )
        )
        taken = {t: i for t, i in rows}  # noqa: C416 - a Result has keys()
    # On PostgreSQL the unique (kiosk_id, txn_id) constraint finds a txn_id credited under
    # another key instead: the COPY fails, the batch is redone item by item (sync.py), and
    # apply_topup answers that item as the conflict it is. A hundred index probes a batch
    # saved for a case that almost never happens.
    accepted: list[NewTopup] = []
    outcome: dict[str, str] = {}
    for item in items:
        earlier = taken.get(item.body.txn_id)
        if earlier is not None:
            outcome[item.key] = (
                f"txn_id: already credited as topup {earlier} under another idempotency key"
            )
            continue
        taken[item.body.txn_id] = -1  # a second item of this run with this txn_id conflicts
        accepted.append(item)
    results = _insert(session, kiosk_id, accepted, now, taken, lines=lines) if accepted else {}
    answers: list[tuple[str, dict[str, Any] | str]] = []
    for item in items:
        answers.append((item.key, results.get(item.key) or outcome[item.key]))
    return answers


def _insert(
    session: Session,
    kiosk_id: str,
    items: list[NewTopup],
    now: datetime,
    taken: dict[str, int],
    *,
    lines: set[str] | None,
) -> dict[str, dict[str, Any]]:
    rows = [{"kiosk_id": kiosk_id, "received_at": now, **item.body.model_dump()} for item in items]
    ids = insert_rows(session, cast(Table, Topup.__table__), rows)
    numbers = {item.body.msisdn for item in items}
    known = (
        lines
        if lines is not None
        else set(
            session.scalars(select(Account.msisdn).where(among(session, Account.msisdn, numbers)))
        )
    )
    credit: dict[str, int] = defaultdict(int)
    results: dict[str, dict[str, Any]] = {}
    for item, topup_id in zip(items, ids, strict=True):
        taken[item.body.txn_id] = topup_id
        if item.body.msisdn in known:
            credit[item.body.msisdn] += item.body.amount_fen
        results[item.key] = {
            "topup_id": topup_id,
            "msisdn": item.body.msisdn,
            "amount_fen": item.body.amount_fen,
            "status": "credited" if item.body.msisdn in known else "suspense",
        }
    for msisdn in sorted(credit):  # msisdn order, as balances.lock_lines: no deadlock
        balances.credit(session, msisdn, credit[msisdn])
    return results
