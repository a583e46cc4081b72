"""Vouchers at central (sync kind voucher.v1): recorded once per kiosk and voucher number,
listed for ops (GET /v1/ops/kiosks/{id}/vouchers: ops token, newest first, by transaction,
paging), refused with personal data or for another kiosk. Redeem and void are not modelled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests

from kiosk import vouchers
from tests.central.conftest import KIOSKS, Central

pytestmark = pytest.mark.timeout(60)

AT = datetime(2026, 11, 22, 10, 30).astimezone()


def item(txn_id: str, amount: int = 5000, kiosk_id: str = "K1", tag: str = "",
         **body: Any) -> dict[str, Any]:  # fmt: skip
    """A sync item exactly as the kiosk queues it (kiosk.vouchers)."""
    entry = vouchers.voucher_entry(
        kiosk_id=kiosk_id, txn_id=txn_id, event_kind=vouchers.SIM_SALE, flow="sim.sale",
        payload={"amount_fen": amount, "reason": "sim.write_failed"}, at=AT,
        msisdn_masked="138****8000", tag=tag,
    )  # fmt: skip
    message = entry.outbox[-1]
    return {"key": message.key, "kind": message.kind, "body": {**message.body, **body}}


def listed(central: Central, kiosk: str = "K1", **params: str) -> dict[str, Any]:
    reply = central.ops(f"kiosks/{kiosk}/vouchers", params)
    assert reply.status_code == 200, reply.text
    answer: dict[str, Any] = reply.json()
    return answer


def test_recorded_and_listed_newest_first(central: Central) -> None:
    results = central.sync_results([item("t1", 1000), item("t2", 2500), item("t3", 300)])
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert results[0]["result"]["status"] == "issued"
    answer = listed(central)
    assert answer["kiosk_id"] == "K1"
    assert [v["txn_id"] for v in answer["vouchers"]] == ["t3", "t2", "t1"]
    assert answer["total_fen"] == 3800
    first = answer["vouchers"][2]
    assert first["voucher_no"] == "Vt1"
    assert first["msisdn_masked"] == "138****8000"
    assert (first["currency"], first["reason"], first["flow"], first["event"]) == (
        "CNY", "sim.write_failed", "sim.sale", "sim_sale.voucher",
    )  # fmt: skip
    assert [v["txn_id"] for v in listed(central, txn_id="t2")["vouchers"]] == ["t2"]
    newest = answer["vouchers"][0]["id"]
    page = listed(central, limit="1", before_id=str(newest))["vouchers"]
    assert [v["txn_id"] for v in page] == ["t2"]
    assert listed(central, "K2")["vouchers"] == []


def test_replay_is_one_voucher_and_a_reused_number_is_a_conflict(central: Central) -> None:
    voucher = item("t1")
    [accepted] = central.sync_results([voucher])
    assert accepted["status"] == "accepted"
    [again] = central.sync_results([voucher])
    assert again["status"] == "duplicate"
    [conflict] = central.sync_results([{**voucher, "key": "another-key"}])
    assert conflict["status"] == "conflict"
    assert "voucher_no" in conflict["reason"]
    assert len(listed(central)["vouchers"]) == 1


def test_a_voucher_for_another_kiosk_is_a_conflict(central: Central) -> None:
    [result] = central.sync_results([item("t1", kiosk_id="K2")])
    assert result["status"] == "conflict"
    assert "kiosk_id" in result["reason"]
    assert listed(central)["vouchers"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"msisdn_masked": "13800138000"},  # an unmasked number
        {"id_number": "110105199001011234"},  # no personal data beyond the masked number
        {"amount_fen": 0},
        {"amount_fen": 10.5},
        {"created_at": "2026-11-22T10:30:00"},  # no UTC offset
        {"voucher_no": "t1"},
    ],
    ids=["unmasked", "id_number", "zero", "float", "naive_time", "number"],
)
def test_bad_bodies_are_rejected(central: Central, body: dict[str, Any]) -> None:
    [result] = central.sync_results([item("t1", **body)])
    assert result["status"] == "rejected"
    assert "110105" not in result["reason"]
    assert "13800138000" not in result["reason"]


def test_needs_the_ops_token_and_a_registered_kiosk(central: Central) -> None:
    central.sync_results([item("t1")])
    for token in ("wrong", KIOSKS["K1"]):
        reply = central.ops("kiosks/K1/vouchers", token=token)
        assert reply.status_code == 401
        assert "Vt1" not in reply.text
    reply = requests.get(f"{central.url}/v1/ops/kiosks/K1/vouchers", timeout=10)
    assert reply.status_code == 401
    missing = central.ops("kiosks/K9/vouchers")
    assert missing.status_code == 404
    assert central.ops("kiosks/K1/vouchers", {"limit": "0"}).status_code == 422
