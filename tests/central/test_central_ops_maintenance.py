"""Ops' view of maintenance events: GET /v1/ops/kiosks/{id}/maintenance (ops token, newest
first, cash per denomination, paging) and the last few per kiosk on the fleet JSON and page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from kiosk.maintenance_journal import maintenance_entry
from tests.central.conftest import KIOSKS, OPS_TOKEN, Central
from tests.central.test_central_fleet_page import get_page, parse

pytestmark = pytest.mark.timeout(60)


def event(action: str, technician: str | None = "T001", **options: Any) -> dict[str, Any]:
    """A sync item exactly as the kiosk queues it (kiosk.maintenance_journal)."""
    entry = maintenance_entry(action, technician, options.pop("details", None), **options)
    [message] = entry.outbox
    return {"key": message.key, "kind": message.kind, "body": dict(message.body)}


def deliver(central: Central, *items: dict[str, Any], kiosk: str = "K1") -> None:
    results = central.sync_results(list(items), kiosk)
    assert [r["status"] for r in results] == ["accepted"] * len(items), results


def events_of(central: Central, kiosk: str = "K1", **params: str) -> list[dict[str, Any]]:
    reply = central.ops(f"kiosks/{kiosk}/maintenance", params)
    assert reply.status_code == 200, reply.text
    assert reply.json()["kiosk_id"] == kiosk
    events: list[dict[str, Any]] = reply.json()["events"]
    return events


def test_events_listed_newest_first_with_cash_per_denomination(central: Central) -> None:
    login = event("login", details={"method": "pin"})
    collect = event("cash_collected", details={"notes": 4}, cash_counts={10000: 3, 5000: 1})
    remote = event("remote_command", None, details={"command_id": "c1", "kind": "sync_now"})
    deliver(central, login, collect, remote)
    deliver(central, event("login", "T009"), kiosk="K2")
    events = events_of(central)
    assert [(e["action"], e["technician_id"]) for e in events] == [
        ("remote_command", None),
        ("cash_collected", "T001"),
        ("login", "T001"),
    ]
    cash = events[1]
    assert cash["event_id"] == collect["body"]["event_id"]
    assert cash["cash_counts"] == {"10000": 3, "5000": 1}
    assert list(cash["cash_counts"]) == ["10000", "5000"]  # largest note first
    assert cash["total_fen"] == 35000
    assert cash["details"] == {"notes": 4}
    assert events[2]["details"] == {"method": "pin"}
    assert events[0]["cash_counts"] is None
    assert events[0]["total_fen"] is None
    assert [e["technician_id"] for e in events_of(central, "K2")] == ["T009"]


def test_limit_action_and_paging(central: Central) -> None:
    deliver(central, *(event("self_test", details={"device": f"d{n}"}) for n in range(5)))
    deliver(central, event("paper_refilled"))
    newest_two = events_of(central, limit="2")
    assert [e["action"] for e in newest_two] == ["paper_refilled", "self_test"]
    older = events_of(central, limit="2", before_id=str(newest_two[-1]["id"]))
    assert [e["details"]["device"] for e in older] == ["d3", "d2"]
    tests = events_of(central, action="self_test")
    assert [e["details"]["device"] for e in tests] == ["d4", "d3", "d2", "d1", "d0"]
    assert events_of(central, action="lockout") == []


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"before_id": "0"}])
def test_bad_query_is_422(central: Central, params: dict[str, str]) -> None:
    assert central.ops("kiosks/K1/maintenance", params).status_code == 422


def test_needs_the_ops_token_and_a_registered_kiosk(central: Central) -> None:
    deliver(central, event("login"))
    for token in ("wrong", KIOSKS["K1"]):
        reply = central.ops("kiosks/K1/maintenance", token=token)
        assert reply.status_code == 401
        assert "login" not in reply.text
    reply = requests.get(f"{central.url}/v1/ops/kiosks/K1/maintenance", timeout=10)
    assert reply.status_code == 401
    missing = central.ops("kiosks/K9/maintenance")
    assert missing.status_code == 404
    assert "K9" in missing.json()["detail"]


def test_replay_is_one_event_and_a_reused_event_id_is_a_conflict(central: Central) -> None:
    collect = event("cash_collected", cash_counts={10000: 1})
    deliver(central, collect)
    [again] = central.sync_results([collect])
    assert again["status"] == "duplicate"
    other_key = {**collect, "key": f"maint-{uuid.uuid4().hex}"}
    [conflict] = central.sync_results([other_key])
    assert conflict["status"] == "conflict"
    assert "event_id" in conflict["reason"]
    assert len(events_of(central)) == 1


def test_fleet_shows_the_last_three_per_kiosk(central: Central) -> None:
    deliver(central, event("login"), event("paper_refilled"))
    deliver(central, event("cash_collected", cash_counts={10000: 2, 1000: 5}), event("logout"))
    deliver(central, event("login", "T002"), kiosk="K2")
    fleet = {k["kiosk_id"]: k for k in central.fleet()["kiosks"]}
    assert [e["action"] for e in fleet["K1"]["recent_maintenance"]] == [
        "logout",
        "cash_collected",
        "paper_refilled",
    ]
    assert [e["technician_id"] for e in fleet["K2"]["recent_maintenance"]] == ["T002"]
    html = get_page(central).text
    text = " ".join(" ".join(parse(html).text).split())
    assert "cash_collected by T001 ¥250.00 (¥100.00×2, ¥10.00×5)" in text
    assert 'data-action="cash_collected" data-technician="T001" data-total-fen="25000"' in html
    assert "login by T002" in text
    assert "login by T001" not in text  # the fourth newest of K1: not on the page


def test_fleet_page_escapes_event_values(central: Central) -> None:
    deliver(central, event("self_test", "<script>x</script>"))
    reply = central.ops("kiosks/K1/maintenance")
    assert reply.json()["events"][0]["technician_id"] == "<script>x</script>"
    html = requests.get(f"{central.url}/ops/fleet", params={"token": OPS_TOKEN}, timeout=10).text
    assert "<script" not in html.lower()
    assert "self_test by &lt;script&gt;x&lt;/script&gt;" in html
