"""Sync kind `maintenance.v1`: technician actions reach central, once, strictly validated."""

from __future__ import annotations

from typing import Any

import pytest

from tests.central.conftest import Central

pytestmark = pytest.mark.timeout(60)

EVENT = "0123456789abcdef0123456789abcdef"


def maintenance_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": EVENT,
        "action": "cash_collected",
        "technician_id": "T001",
        "at": "2025-03-01T10:15:00+08:00",
        "details": {"notes": 3},
        "cash_counts": {"10000": 2, "5000": 1},
        "total_fen": 25000,
    }
    body.update(changes)
    return body


def item(key: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "kind": "maintenance.v1", "body": body}


def test_collection_accepted_once_and_replayed(central: Central) -> None:
    [first] = central.sync_results([item("m-1", maintenance_body())])
    assert first["status"] == "accepted"
    assert first["result"] == {
        "event_id": EVENT,
        "action": "cash_collected",
        "technician_id": "T001",
        "recorded": True,
        "total_fen": 25000,
    }
    [again] = central.sync_results([item("m-1", maintenance_body())])
    assert again["status"] == "duplicate"
    assert again["result"] == first["result"]


def test_remote_action_without_technician_or_cash(central: Central) -> None:
    body = maintenance_body(
        action="remote_command",
        technician_id=None,
        details={"command_id": "c1", "kind": "restart"},
        cash_counts=None,
        total_fen=None,
    )
    [result] = central.sync_results([item("m-2", body)])
    assert result["status"] == "accepted", result


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"total_fen": 25001}, "total_fen must equal the counted notes"),
        ({"total_fen": None}, "cash_counts and total_fen go together"),
        ({"cash_counts": {"0500": 1}, "total_fen": 500}, "cash_counts.0500.[key]"),
        ({"at": "2025-03-01T10:15:00"}, "at: must include a UTC offset"),
        ({"action": "Drop Table"}, "action: String should match pattern"),
        ({"details": {"pin": [1, 2]}}, "details.pin"),
        ({"pin": "1234"}, "pin: Extra inputs are not permitted"),
        ({"event_id": "short"}, "event_id: String should match pattern"),
    ],
)
def test_invalid_bodies_rejected(central: Central, changes: dict[str, Any], reason: str) -> None:
    [result] = central.sync_results([item("m-bad", maintenance_body(**changes))])
    assert result["status"] == "rejected"
    assert reason in result["reason"]
