"""central on a real PostgreSQL (started by the test on a spare port): idempotent sync under
concurrent delivery, balance credit, the business API and the fleet — the same code as on SQLite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from central.business_db import Account
from tests.central.business_client import Biz, KioskKey
from tests.central.conftest import Central, item, run_central, topup_body
from tests.central.postgres import postgres_server

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pg_central() -> Iterator[Central]:
    with postgres_server() as url, run_central(url) as running:
        yield running


def test_storage_is_postgresql(pg_central: Central) -> None:
    assert pg_central.storage.engine.dialect.name == "postgresql"


def test_sync_is_idempotent_and_credits_once(pg_central: Central) -> None:
    with pg_central.storage.sessions() as session:
        account = session.get(Account, "13900139000")
        assert account is not None
        before = account.balance_fen
    body = topup_body(txn_id="PG-1", msisdn="13900139000", amount_fen=3000)
    [first] = pg_central.sync_results([item("pg-k1", body)])
    assert first["status"] == "accepted"
    [again] = pg_central.sync_results([item("pg-k1", body)])
    assert again == {**first, "status": "duplicate"}
    [changed] = pg_central.sync_results([item("pg-k1", {**body, "amount_fen": 1})])
    assert changed["status"] == "conflict"
    with pg_central.storage.sessions() as session:
        account = session.get(Account, "13900139000")
        assert account is not None
        assert account.balance_fen == before + 3000


def test_concurrent_deliveries_of_one_key_apply_it_once(pg_central: Central) -> None:
    """GIVEN 8 threads posting the same item at once THEN one is accepted, the rest replay."""
    body = topup_body(txn_id="PG-race", amount_fen=100)
    statuses: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def deliver() -> None:
        start.wait()
        [result] = pg_central.sync_results([item("pg-race", body)])
        with lock:
            statuses.append(result["status"])

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 7
    assert len(pg_central.topups(msisdn="13800138000")) >= 1
    assert [t["txn_id"] for t in pg_central.topups()].count("PG-race") == 1


def test_customer_login_and_a_confirmed_change(pg_central: Central) -> None:
    biz = Biz(pg_central)
    token = biz.login()
    bills = biz.ok("GET", "/v1/customer/bills", session=token)["bills"]
    assert len(bills) == 6
    asked = biz.ok("POST", "/v1/customer/plan-change", {"plan_code": "P128"}, session=token)
    path = f"/v1/customer/confirmations/{asked['confirmation_id']}"
    done = biz.ok("POST", path, {"code": biz.last_code("13800138000")}, session=token)
    assert done["plan_code"] == "P128"


def test_sim_sale_end_to_end(pg_central: Central) -> None:
    biz = Biz(pg_central)
    card: dict[str, Any] = {
        "id_number": "11010519491231002X",
        "name": "李四",
        "valid_from": "2010-01-01",
        "valid_until": None,
    }
    check = biz.ok("POST", "/v1/realname/checks", card)["check_id"]
    msisdn = biz.ok("GET", "/v1/numbers", params={"no_four": "true", "max_price_fen": 0})[
        "numbers"
    ][0]["msisdn"]
    held = biz.ok("POST", f"/v1/numbers/{msisdn}/reservation", {"check_id": check})
    key = KioskKey()
    sealed = biz.ok(
        "POST",
        f"/v1/reservations/{held['reservation_id']}/personalisation",
        {"kiosk_public_key": key.public_b64},
    )
    assert key.open(sealed, f"K1|{held['reservation_id']}|{sealed['iccid']}")["iccid"]
    sale = {
        "txn_id": "PG-S1",
        "reservation_id": held["reservation_id"],
        "iccid": sealed["iccid"],
        "plan_code": "SENIOR18",
        "paid_fen": 5000,
        "method": "cash",
        "created_at": "2026-11-22T10:00:00+08:00",
    }
    [result] = pg_central.sync_results([item("pg-sale", sale, kind="sim_sale.v1")])
    assert result["result"]["status"] == "activated"


def test_heartbeat_shows_in_the_fleet(pg_central: Central) -> None:
    assert pg_central.heartbeat().status_code == 200
    assert pg_central.fleet_kiosk("K1")["status"] == "online"


def test_a_txn_id_credited_under_another_key_is_a_conflict_in_a_batch(pg_central: Central) -> None:
    """On PostgreSQL the batch path leaves this to the unique constraint (bulk_topups): the
    batch is redone item by item, and only the clashing item is a conflict."""
    first = topup_body(txn_id="PG-dup", amount_fen=100)
    [accepted] = pg_central.sync_results([item("pg-dup-1", first)])
    assert accepted["status"] == "accepted"
    results = pg_central.sync_results(
        [
            item("pg-dup-2", first),  # the same txn under another key
            item("pg-dup-3", topup_body(txn_id="PG-new", amount_fen=100)),
            item("pg-dup-4", topup_body(txn_id="PG-new", amount_fen=100)),  # twice in one batch
        ]
    )
    assert [r["status"] for r in results] == ["conflict", "accepted", "conflict"]
    assert "already credited" in results[0]["reason"]
    txns = [t["txn_id"] for t in pg_central.topups()]
    assert txns.count("PG-dup") == 1
    assert txns.count("PG-new") == 1


def test_a_batch_looks_its_keys_up_one_index_probe_each(pg_central: Central) -> None:
    """GIVEN a kiosk with thousands of records the statistics have not seen yet, WHEN a batch's
    keys are looked up, THEN the plan probes the primary key once per key instead of walking
    the kiosk's history (as `key = ANY(:keys)` did while the statistics lagged)."""
    from sqlalchemy import insert

    from central.db import SyncRecord, utcnow
    from central.statements import driver_rows
    from central.sync import _RECORDS_OF_KEYS

    rows = [
        {
            "kiosk_id": "K1",
            "key": f"history-{n}",
            "kind": "topup.v1",
            "body_sha256": "0" * 64,
            "result_json": "{}",
            "processed_at": utcnow(),
        }
        for n in range(3000)
    ]
    with pg_central.storage.sessions.begin() as session:
        session.execute(insert(SyncRecord), rows)
    keys = [f"history-{n}" for n in range(0, 3000, 30)] + [f"new-{n}" for n in range(100)]
    params = {"keys": keys, "kiosk_id": "K1"}
    with pg_central.storage.sessions() as session:
        explain = f"EXPLAIN (ANALYZE, COSTS OFF) {_RECORDS_OF_KEYS}"
        plan = "\n".join(line for (line,) in driver_rows(session, explain, params))
        found = driver_rows(session, _RECORDS_OF_KEYS, params)
    assert "Index Scan using sync_records_pkey" in plan, plan
    assert "Bitmap" not in plan, plan
    assert "Seq Scan on sync_records" not in plan, plan
    assert sorted(key for key, *_ in found) == sorted(keys[:100])
