"""Journal write cost: one journalled step (event + hash chain + txn state + cash box + outbox
row, one fsync'd transaction) against a bare one-row INSERT with the same durability settings,
measured in the same process. Prints the ratio; asserts nothing.

    .venv/bin/python -m benchmarks.journal_record [--records N]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from kiosk.journal import Entry, Journal, OutboxMessage


def baseline(path: Path, records: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    start = time.perf_counter()
    for n in range(records):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (payload) VALUES (?)", (f'{{"n":{n}}}',))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def journalled(path: Path, records: int) -> float:
    journal = Journal(path)
    start = time.perf_counter()
    for n in range(records):
        body = {"txn_id": f"t{n}", "amount_fen": 10000}
        journal.record(
            Entry(f"t{n}", "topup.committed", {"amount_fen": 10000}, "topup.cash", "committed",
                  {"credited_fen": 10000}, cash_in_fen=(10000,),
                  outbox=(OutboxMessage(f"t{n}:topup", "topup.v1", body),))
        )  # fmt: skip
    elapsed = time.perf_counter() - start
    journal.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = baseline(Path(folder) / "base.db", args.records)
        ours = journalled(Path(folder) / "journal.db", args.records)
    print(f"records                 {args.records}")
    print(f"bare INSERT + fsync     {base / args.records * 1e3:.3f} ms/record")
    print(f"journalled step         {ours / args.records * 1e3:.3f} ms/record")
    print(f"ratio journal/baseline  {ours / base:.2f}")


if __name__ == "__main__":
    main()
