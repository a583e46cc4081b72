"""What ingest adds to the ops console's history (central/history.py) and what migration 0002
fills in for a database of revision 0001; the console's pages on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import insert, select, text

from central import migrations
from central.business_db import ServiceDay
from central.db import Heartbeat, Kiosk, Topup, make_engine
from central.history_db import HealthEvent, PaymentDay, SessionDay
from tests.central.conftest import (
    OPS_TOKEN,
    Central,
    FakeClock,
    heartbeat_body,
    item,
    run_central,
    topup_body,
)
from tests.central.postgres import postgres_server
from tests.central.test_ops_console import SHANGHAI, beat, local_now, parse, sessions

pytestmark = pytest.mark.timeout(120)


def payment_days(central: Central) -> list[tuple[Any, ...]]:
    with central.storage.sessions() as session:
        rows = session.execute(
            select(PaymentDay.hall, PaymentDay.service, PaymentDay.method, PaymentDay.count,
                   PaymentDay.amount_fen).order_by(PaymentDay.hall, PaymentDay.method)
        ).all()  # fmt: skip
    return [tuple(row) for row in rows]


def test_payments_count_once_in_the_hall_of_the_kiosk(central: Central, clock: FakeClock) -> None:
    """GIVEN K1 in a hall and K2 that never said where
    WHEN top-ups arrive, one of them twice and one conflicting
    THEN each accepted payment is added once to its hall's day, by method."""
    beat(central, clock, "K1", **SHANGHAI)
    now = local_now(clock)
    items = [
        item("a", topup_body(txn_id="a", created_at=now)),
        item("b", topup_body(txn_id="b", method="card", amount_fen=3000, created_at=now)),
    ]
    central.sync_results(items)
    replayed = central.sync_results([*items, item("c", topup_body(txn_id="a", created_at=now))])
    assert [r["status"] for r in replayed] == ["duplicate", "duplicate", "conflict"]
    central.sync_results([item("z", topup_body(txn_id="z", created_at=now))], kiosk="K2")
    assert payment_days(central) == [
        ("", "topup", "cash", 1, 5000),
        ("徐汇营业厅", "topup", "card", 1, 3000),
        ("徐汇营业厅", "topup", "cash", 1, 5000),
    ]


def test_a_payment_counts_on_the_kiosks_own_date(central: Central) -> None:
    late = "2025-03-01T23:59:00+08:00"  # 15:59 UTC: the 1st in China
    central.sync_results([item("a", topup_body(txn_id="a", created_at=late))])
    with central.storage.sessions() as session:
        assert session.scalar(select(PaymentDay.day)) == date(2025, 3, 1)


def test_session_counts_add_up_per_hall_from_running_totals(
    central: Central, clock: FakeClock
) -> None:
    beat(central, clock, "K1", **SHANGHAI, **sessions(2, 1))
    beat(central, clock, "K1", **SHANGHAI, **sessions(5, 4))
    beat(central, clock, "K2", **SHANGHAI, **sessions(3, 3))
    beat(central, clock, "K2", **SHANGHAI, **sessions(3, 3))  # no change: nothing added
    with central.storage.sessions() as session:
        rows = session.execute(select(SessionDay.hall, SessionDay.started, SessionDay.completed))
        assert [tuple(r) for r in rows] == [("徐汇营业厅", 8, 7)]
        kiosk_days = session.scalars(select(ServiceDay.started).order_by(ServiceDay.kiosk_id))
        assert list(kiosk_days) == [5, 3]


def test_health_events_record_changes_only(central: Central, clock: FakeClock) -> None:
    beat(central, clock, "K1", interval_s=10)
    beat(central, clock, "K1", interval_s=10)  # nothing changed
    clock.advance(100)  # silent past 3 intervals (30 s): offline for 70 s
    jam = [{"name": "acceptor", "level": "error", "code": "jam", "message_key": "j"}]
    beat(central, clock, "K1", interval_s=10, devices=jam, out_of_service=True)
    beat(central, clock, "K1", interval_s=10, software_version="1.5.0", out_of_service=True)
    with central.storage.sessions() as session:
        events = session.execute(
            select(HealthEvent.kind, HealthEvent.subject, HealthEvent.code, HealthEvent.detail)
            .order_by(HealthEvent.id)
        ).all()  # fmt: skip
    assert [tuple(e) for e in events] == [
        ("service", "kiosk", "first_heartbeat", ""),
        ("offline", "kiosk", "offline", "70"),
        ("device", "acceptor", "jam", "j"),
        ("service", "kiosk", "out_of_service", ""),
        ("device", "acceptor", "ok", "device.ok"),  # the jam cleared
        ("version", "kiosk", "1.5.0", "1.4.2 → 1.5.0"),
    ]


def test_heartbeat_stores_place_and_derived_figures(central: Central, clock: FakeClock) -> None:
    warn = [{"name": "printer", "level": "warning", "code": "paper_low", "message_key": "p"}]
    beat(central, clock, "K1", devices=warn, location="二楼", disk_free_bytes=1,
         disk_total_bytes=100, **SHANGHAI)  # fmt: skip
    with central.storage.sessions() as session:
        row = session.get(Heartbeat, "K1")
        assert row is not None
        assert (row.region, row.city, row.hall, row.location) == (
            "华东",
            "上海",
            "徐汇营业厅",
            "二楼",
        )
        assert (row.alerts_error, row.alerts_warning, row.cash_fen) == (0, 2, 37000)
        assert row.stale_at is not None
        assert row.stale_at > clock.now


def test_place_fields_are_validated(central: Central, clock: FakeClock) -> None:
    for bad in ({"region": ""}, {"hall": "x" * 65}, {"city": 5}, {"location": "y" * 129}):
        body = heartbeat_body(sent_at=local_now(clock), **bad)
        assert central.heartbeat(body).status_code == 422, bad


def test_migration_fills_figures_and_days_of_an_older_database(tmp_path: Path) -> None:
    """GIVEN a database at revision 0001 with a heartbeat, top-ups and session counts
    WHEN it is migrated to head
    THEN the heartbeat has its figures and the days their payments and sessions."""
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    try:
        migrations.migrate(engine)
        migrations.downgrade(engine, "0001")
        seen = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
        with engine.begin() as connection:
            connection.execute(
                insert(Kiosk).values(id="K1", token_sha256="0" * 64, registered_at=seen)
            )
            devices = '[{"name": "printer", "level": "error", "code": "x", "message_key": "m"}]'
            # The table as revision 0001 made it: without the columns of the models today.
            connection.execute(
                text(
                    "INSERT INTO heartbeats (kiosk_id, sent_at, received_at, software_version, "
                    "interval_s, out_of_service, devices_json, queue_pending, queue_dead, "
                    "cash_box_json) VALUES ('K1', '2025-03-01 02:00:00', "
                    "'2025-03-01 02:00:00', '1.0', 10, 0, :devices, 0, 0, :cash)"
                ),
                {"devices": devices, "cash": '{"10000": 2}'},
            )
            for n, method in enumerate(("cash", "card", "cash")):
                connection.execute(insert(Topup).values(
                    kiosk_id="K1", txn_id=f"t{n}", msisdn="13800138000", amount_fen=100 * (n + 1),
                    currency="CNY", method=method, created_at="2025-03-01T10:00:00+08:00",
                    offline=False, received_at=seen,
                ))  # fmt: skip
            connection.execute(insert(ServiceDay).values(
                kiosk_id="K1", day=date(2025, 3, 1), service="topup", started=4, completed=3,
                abandoned=1, failed=0,
            ))  # fmt: skip
        migrations.migrate(engine)
        with engine.connect() as connection:
            beat_row = connection.execute(
                select(Heartbeat.alerts_error, Heartbeat.cash_fen, Heartbeat.stale_at)
            ).one()
            assert tuple(beat_row) == (1, 20000, datetime(2025, 3, 1, 2, 0, 30, tzinfo=UTC))
            days = connection.execute(
                select(PaymentDay.day, PaymentDay.method, PaymentDay.count, PaymentDay.amount_fen)
                .order_by(PaymentDay.method)
            ).all()  # fmt: skip
            assert [tuple(d) for d in days] == [
                (date(2025, 3, 1), "card", 1, 200),
                (date(2025, 3, 1), "cash", 2, 400),
            ]
            sessions_row = connection.execute(
                select(SessionDay.started, SessionDay.completed)
            ).one()
            assert tuple(sessions_row) == (4, 3)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pg_central() -> Iterator[Central]:
    with postgres_server() as url, run_central(url) as running:
        yield running


def test_pages_on_postgresql(pg_central: Central) -> None:
    """The same SQL on PostgreSQL (GROUP BY, CASE sums, LIKE with escapes, paging)."""
    clock = FakeClock()
    pg_central.app.state.clock = clock
    try:
        beat(pg_central, clock, "K1", **SHANGHAI, **sessions(1, 1))
        jam = [{"name": "acceptor", "level": "error", "code": "jam", "message_key": "j"}]
        beat(pg_central, clock, "K1", devices=jam, **SHANGHAI, **sessions(4, 3))  # the delta
        pg_central.sync_results([item("pg", topup_body(txn_id="pg", created_at=local_now(clock)))])
        for path, params in (
            ("/ops/console", {}),
            ("/ops/console", {"region": "华东"}),
            ("/ops/console", {"region": "华东", "city": "上海", "hall": "徐汇营业厅"}),
            ("/ops/console/kiosks", {"q": "k_%", "sort": "alerts", "order": "desc"}),
            ("/ops/console/kiosks", {"status": "online", "alert": "none", "sort": "status"}),
            ("/ops/console/kiosks/K1", {"lang": "en"}),
        ):
            reply = requests.get(
                f"{pg_central.url}{path}", params={"token": OPS_TOKEN, **params}, timeout=10
            )
            assert reply.status_code == 200, (path, params, reply.text[:300])
        overview = requests.get(
            f"{pg_central.url}/ops/console", params={"token": OPS_TOKEN}, timeout=10
        )
        shown = parse(overview.text)
        assert shown.by_id("today")["data-fen"] == "5000"
        assert shown.by_id("today")["data-diversion-rate"] == "0.7500"
        with pg_central.storage.sessions() as session:
            codes = session.scalars(select(HealthEvent.code).order_by(HealthEvent.id))
            assert list(codes) == ["first_heartbeat", "jam"]
    finally:
        del pg_central.app.state.clock
