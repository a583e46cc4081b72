"""The ops console at fleet scale: the overview, filtered kiosk lists and a kiosk page rendered
server-side on PostgreSQL with 10,000 kiosks and 30 days of history (issue 24: ≤ 300 ms).

    .venv/bin/python -m benchmarks.ops_console_bench [--db URL] [--kiosks N] [--days N]
                         [--payments N] [--rounds N]

Without `--db` a throwaway PostgreSQL server is started (as tests/central/postgres.py does);
with it the database must be empty. The history is made with SQL (generate_series) the way
ingest would leave it — every top-up row, every kiosk's session counts per day and service,
health events — and the console's daily figures per hall are summed from those rows with the
same grouping central/history.py applies one payment at a time.

Each page is timed as its route spends it (the queries, then the HTML), `--rounds` times
after one warm-up, beside a baseline measured in the same process in alternating rounds: a
trivial page (one `SELECT 1` and a small HTML answer). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import text

from central.db import Storage, open_storage
from central.fleet import CHINA_STANDARD_TIME
from central.ops_console import ListQuery, Scope, build_overview, list_kiosks
from central.ops_kiosk import kiosk_detail
from central.ops_kiosk_page import render_kiosk
from central.ops_pages import Page, render_kiosk_list, render_overview

REGIONS, CITIES, HALLS = 8, 4, 10  # 320 halls, ~31 kiosks each at 10,000
TARGET_MS = 300.0


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    from tests.central.postgres import postgres_server  # a throwaway server, as the tests use

    with postgres_server() as started:
        yield started


def populate(storage: Storage, kiosks: int, days: int, payments: int) -> dict[str, float]:
    """The fleet and its history; seconds spent on each part."""
    spent: dict[str, float] = {}
    steps = {
        "kiosks": """
            INSERT INTO kiosks (id, token_sha256, registered_at, last_seen)
            SELECT 'K' || lpad(n::text, 5, '0'), md5(n::text) || md5(n::text),
                   now() - interval '60 days', now()
            FROM generate_series(0, :last_kiosk) n""",
        "heartbeats": """
            INSERT INTO heartbeats (kiosk_id, sent_at, received_at, software_version,
                interval_s, out_of_service, devices_json, queue_pending, queue_dead,
                queue_oldest_pending_age_s, cash_box_json, region, city, hall, location,
                stale_at, alerts_error, alerts_warning, alerts_unknown, cash_fen)
            SELECT 'K' || lpad(n::text, 5, '0'), now() at time zone 'utc',
                   now() at time zone 'utc', '1.' || (n % 5) || '.0', 30, n % 50 = 0,
                   '[{"name": "printer", "level": "ok", "code": "ok", "message_key": "k"}]',
                   n % 7, CASE WHEN n % 97 = 0 THEN 1 ELSE 0 END, NULL, '{"10000": 3}',
                   '大区' || (n % :regions), '城市' || (n % :cities),
                   '营业厅' || (n % :halls), '入口',
                   (now() at time zone 'utc')
                     + CASE WHEN n % 10 = 0 THEN interval '-10 minutes' ELSE interval '90 s' END,
                   CASE WHEN n % 23 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 11 = 0 THEN 1 ELSE 0 END,
                   0, 30000 + (n % 100) * 1000
            FROM generate_series(0, :last_kiosk) n""",
        "heartbeat_details": """
            INSERT INTO heartbeat_details (kiosk_id, uptime_s, disk_free_bytes,
                disk_total_bytes, queue_last_success_at, last_errors_json)
            SELECT kiosk_id, 86400, 10000000000, 60000000000, received_at, '[]' FROM heartbeats""",
        "topups": """
            INSERT INTO topups (kiosk_id, txn_id, msisdn, amount_fen, currency, method,
                created_at, offline, received_at)
            SELECT k.id, 'T' || d || '-' || p, '138' || lpad((p * 7919 % 100000000)::text, 8, '0'),
                   (1 + (p + d) % 10) * 1000, 'CNY',
                   CASE WHEN p % 3 = 0 THEN 'card' ELSE 'cash' END,
                   to_char(((now() at time zone 'Asia/Shanghai')::date - d) + interval '9 hours'
                           + p * interval '17 minutes', 'YYYY-MM-DD"T"HH24:MI:SS') || '+08:00',
                   false, now() at time zone 'utc' - d * interval '1 day'
            FROM kiosks k, generate_series(0, :last_day) d, generate_series(1, :payments) p""",
        "service_days": """
            INSERT INTO service_days (kiosk_id, day, service, started, completed, abandoned, failed)
            SELECT k.id, (now() at time zone 'Asia/Shanghai')::date - d, s,
                   :payments + 3, :payments + (length(k.id) + d) % 3, 1, 0
            FROM kiosks k, generate_series(0, :last_day) d,
                 unnest(ARRAY['topup.cash', 'topup.card', 'bill']) s""",
        "health_events": """
            INSERT INTO health_events (kiosk_id, at, kind, subject, level, code, detail)
            SELECT id, now() at time zone 'utc' - e * interval '3 hours', 'device', 'printer',
                   CASE WHEN e % 2 = 0 THEN 'warning' ELSE 'ok' END, 'paper_low', 'p'
            FROM kiosks, generate_series(1, 10) e""",
        # What ingest adds one payment at a time, summed at once (central/history.py).
        "payment_days": """
            INSERT INTO payment_days (day, region, city, hall, service, method, count, amount_fen)
            SELECT substr(t.created_at, 1, 10)::date, h.region, h.city, h.hall, 'topup',
                   t.method, count(*), sum(t.amount_fen)
            FROM topups t JOIN heartbeats h ON h.kiosk_id = t.kiosk_id
            GROUP BY 1, 2, 3, 4, 6""",
        "session_days": """
            INSERT INTO session_days (day, region, city, hall, started, completed)
            SELECT s.day, h.region, h.city, h.hall, sum(s.started), sum(s.completed)
            FROM service_days s JOIN heartbeats h ON h.kiosk_id = s.kiosk_id
            GROUP BY 1, 2, 3, 4""",
    }
    values = {
        "last_kiosk": kiosks - 1,
        "last_day": days - 1,
        "payments": payments,
        "regions": REGIONS,
        "cities": REGIONS * CITIES,
        "halls": REGIONS * CITIES * HALLS,
    }
    for name, sql in steps.items():
        started = time.perf_counter()
        with storage.engine.begin() as connection:
            connection.execute(text(sql), {k: v for k, v in values.items() if f":{k}" in sql})
        spent[name] = time.perf_counter() - started
    with storage.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return spent


def row_counts(storage: Storage) -> dict[str, int]:
    tables = ("kiosks", "topups", "service_days", "health_events", "payment_days", "session_days")
    with storage.engine.connect() as connection:
        return {t: int(connection.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in tables}  # noqa: S608 - fixed names


def baseline(storage: Storage, page: Page) -> str:
    """A trivial page: one round trip to the database and a small HTML answer."""
    with storage.engine.connect() as connection:
        connection.scalar(text("SELECT 1"))
    return page.layout("baseline", "<p>ok</p>", page.href("/ops/console"))


def cases(storage: Storage, page: Page) -> dict[str, Callable[[], str]]:
    now, tz = page.now, page.tz
    listing = [
        ("list: online with an error, by cash ↓, page 3",
         ListQuery(status="online", alert="error", sort="cash", descending=True, page=3)),
        ("list: one region, by last heartbeat",
         ListQuery(scope=Scope("大区3"), sort="last_seen")),
        ("list: one hall, version 1.2.0",
         ListQuery(scope=Scope("大区1", "城市25", "营业厅89"), version="1.2.0")),
        ("list: search '0042', by alerts ↓",
         ListQuery(search="0042", sort="alerts", descending=True)),
        ("list: last page of all, by status", ListQuery(sort="status", page=200)),
    ]  # fmt: skip
    found: dict[str, Callable[[], str]] = {
        "overview: whole fleet": lambda: render_overview(
            page, build_overview(storage, now, tz, Scope())
        ),
        "overview: one region": lambda: render_overview(
            page, build_overview(storage, now, tz, Scope("大区3"))
        ),
        "overview: one hall": lambda: render_overview(
            page, build_overview(storage, now, tz, Scope("大区1", "城市25", "营业厅89"))
        ),
    }
    for name, query in listing:
        found[name] = lambda q=query: render_kiosk_list(page, list_kiosks(storage, now, q))  # type: ignore[misc]

    def kiosk() -> str:
        detail = kiosk_detail(storage, "K04242", now, tz)
        assert detail is not None
        return render_kiosk(page, detail)

    found["kiosk page"] = kiosk
    return found


def measure(
    run: Callable[[], str], base: Callable[[], str], rounds: int
) -> tuple[list[float], list[float]]:
    """Seconds of `run` and of the baseline, alternating, after one warm-up of each."""
    run()
    base()
    ours, theirs = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        base()
        theirs.append(time.perf_counter() - started)
        started = time.perf_counter()
        run()
        ours.append(time.perf_counter() - started)
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty PostgreSQL database (default: a throwaway server)")
    parser.add_argument("--kiosks", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--payments", type=int, default=6, help="top-ups per kiosk per day")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with database(args.db) as url:
        storage = open_storage(url, migrate=True)
        try:
            spent = populate(storage, args.kiosks, args.days, args.payments)
            print("history made in " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))
            print("rows: " + ", ".join(f"{k} {v:,}" for k, v in row_counts(storage).items()))
            page = Page(lang="zh", token=None, tz=CHINA_STANDARD_TIME, now=datetime.now(UTC))
            width = 48
            print(f"\n{'page (server-side: queries + HTML)':<{width}} {'median':>8} {'p95':>8}"
                  f" {'baseline':>9} {'ratio':>7}  ≤ {TARGET_MS:.0f} ms")  # fmt: skip
            for name, run in cases(storage, page).items():
                ours, theirs = measure(run, lambda: baseline(storage, page), args.rounds)
                median = statistics.median(ours) * 1000
                p95 = sorted(ours)[max(0, int(len(ours) * 0.95) - 1)] * 1000
                base = statistics.median(theirs) * 1000
                verdict = "yes" if p95 <= TARGET_MS else "NO"
                print(f"{name:<{width}} {median:>6.1f}ms {p95:>6.1f}ms {base:>7.2f}ms"
                      f" {median / base:>7.0f}  {verdict}")  # fmt: skip
        finally:
            storage.close()


if __name__ == "__main__":
    main()
