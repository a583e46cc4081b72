"""Heartbeats, remote commands and the fleet JSON against a real server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.central.conftest import (
    KIOSKS,
    OPS_TOKEN,
    Central,
    FakeClock,
    heartbeat_body,
    item,
    topup_body,
)

pytestmark = pytest.mark.timeout(60)

JAMMED = [
    {"name": "printer", "level": "warning", "code": "paper_low", "message_key": "printer.low"},
    {"name": "acceptor", "level": "error", "code": "acceptor_jam", "message_key": "bill.jam"},
    {"name": "idcard", "level": "unknown", "code": "", "message_key": "device.unknown"},
    {"name": "sim", "level": "ok", "code": "ok", "message_key": "device.ok"},
]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Kiosk-Id": "K1"},
        {"Authorization": "Bearer token-one"},
        {"X-Kiosk-Id": "K1", "Authorization": "Bearer wrong"},
        {"X-Kiosk-Id": "K9", "Authorization": "Bearer token-one"},
        {"X-Kiosk-Id": "K1", "Authorization": "Bearer token-two"},  # K2's token as K1
        {"X-Kiosk-Id": "K1", "Authorization": f"Bearer {OPS_TOKEN}"},
    ],
)
def test_heartbeat_auth_failures_are_401_and_store_nothing(
    central: Central, headers: dict[str, str]
) -> None:
    reply = requests.post(
        f"{central.url}/v1/heartbeat", json=heartbeat_body(), headers=headers, timeout=10
    )
    assert reply.status_code == 401
    assert isinstance(reply.json()["detail"], str)
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert {k["kiosk_id"]: k["last_heartbeat_at"] for k in central.fleet()["kiosks"]} == {
        "K1": None,
        "K2": None,
    }


def test_heartbeat_is_stored_and_shown_in_fleet(central: Central, clock: FakeClock) -> None:
    body = heartbeat_body(
        software_version="2.0.1",
        out_of_service=True,
        devices=JAMMED,
        queue={"pending": 7, "dead": 1, "oldest_pending_age_s": 93.5},
        cash_box={"10000": 3, "5000": 1, "2000": 0, "100": 7},
    )
    assert central.commands_for("K2", **body) == []
    k2 = central.fleet_kiosk("K2")
    assert k2 == {
        "kiosk_id": "K2",
        "status": "online",
        "last_seen": k2["last_seen"],
        "last_heartbeat_at": k2["last_heartbeat_at"],
        "last_heartbeat_sent_at": "2025-03-01T02:15:00Z",
        "interval_s": 15,
        "software_version": "2.0.1",
        "out_of_service": True,
        "alerts": [
            {
                "device": "acceptor",
                "level": "error",
                "code": "acceptor_jam",
                "message_key": "bill.jam",
            },
            {
                "device": "printer",
                "level": "warning",
                "code": "paper_low",
                "message_key": "printer.low",
            },
            {  # not answering: an alert too, after errors and warnings
                "device": "idcard",
                "level": "unknown",
                "code": "",
                "message_key": "device.unknown",
            },
        ],
        "queue": {"pending": 7, "dead": 1, "oldest_pending_age_s": 93.5, "last_success_at": None},
        "uptime_s": None,  # an old-format heartbeat: the optional figures are absent
        "disk_free_bytes": None,
        "disk_total_bytes": None,
        "disk_free_ratio": None,
        "last_errors": [],
        "recent_maintenance": [],
        "cash_box": {"100": 7, "2000": 0, "5000": 1, "10000": 3},
        "cash_fen": 3 * 10000 + 5000 + 7 * 100,
        "topups_today": 0,
        "topups_today_fen": 0,
        "volume_today": [],
        "sessions_started_today": 0,
        "sessions_completed_today": 0,
        "diversion_rate": None,
    }
    assert datetime.fromisoformat(k2["last_heartbeat_at"]) == clock.now
    assert datetime.fromisoformat(k2["last_seen"]) == clock.now
    # the next heartbeat replaces the previous one
    clock.advance(10)
    central.commands_for("K2")
    k2 = central.fleet_kiosk("K2")
    assert (k2["software_version"], k2["out_of_service"], k2["alerts"]) == ("1.4.2", False, [])
    assert k2["cash_fen"] == 3 * 10000 + 5000 + 2 * 1000
    assert datetime.fromisoformat(k2["last_heartbeat_at"]) == clock.now


def test_racing_first_heartbeats_all_succeed(central: Central) -> None:
    def beat(n: int) -> int:
        return central.heartbeat(heartbeat_body(software_version=f"v{n}")).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(beat, range(8)))
    assert codes == [200] * 8
    assert central.fleet_kiosk("K1")["software_version"] in {f"v{n}" for n in range(8)}


def _without(key: str) -> dict[str, Any]:
    body = heartbeat_body()
    del body[key]
    return body


def _device(**changes: Any) -> dict[str, Any]:
    device = {"name": "printer", "level": "ok", "code": "ok", "message_key": "device.ok"}
    device.update(changes)
    return heartbeat_body(devices=[device])


def _queue(**changes: Any) -> dict[str, Any]:
    queue = {"pending": 0, "dead": 0, "oldest_pending_age_s": None}
    queue.update(changes)
    return heartbeat_body(queue=queue)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (heartbeat_body(extra=1), ["body", "extra"]),
        (_without("queue"), ["body", "queue"]),
        (heartbeat_body(sent_at="2025-03-01T10:15:00"), ["body", "sent_at"]),
        (heartbeat_body(sent_at="yesterday"), ["body", "sent_at"]),
        (heartbeat_body(software_version=""), ["body", "software_version"]),
        (heartbeat_body(interval_s=4), ["body", "interval_s"]),
        (heartbeat_body(interval_s=3601), ["body", "interval_s"]),
        (heartbeat_body(interval_s="15"), ["body", "interval_s"]),
        (heartbeat_body(interval_s=15.5), ["body", "interval_s"]),
        (heartbeat_body(out_of_service="false"), ["body", "out_of_service"]),
        (_device(level="fatal"), ["body", "devices", 0, "level"]),
        (_device(colour="red"), ["body", "devices", 0, "colour"]),
        (_queue(pending=-1), ["body", "queue", "pending"]),
        (_queue(dead=-1), ["body", "queue", "dead"]),
        (_queue(oldest_pending_age_s=-0.5), ["body", "queue", "oldest_pending_age_s"]),
        (_queue(pending=0, extra=1), ["body", "queue", "extra"]),
        (heartbeat_body(cash_box={"10000": -1}), ["body", "cash_box", "10000"]),
        (heartbeat_body(cash_box={"10000": 1.5}), ["body", "cash_box", "10000"]),
        (heartbeat_body(cash_box={"ten": 1}), ["body", "cash_box", "ten", "[key]"]),
        (heartbeat_body(cash_box={"0": 1}), ["body", "cash_box", "0", "[key]"]),
        (heartbeat_body(cash_box={"0100": 1}), ["body", "cash_box", "0100", "[key]"]),
        (heartbeat_body(acked_commands=[""]), ["body", "acked_commands", 0]),
        (heartbeat_body(acked_commands="c1"), ["body", "acked_commands"]),
    ],
)  # fmt: skip
def test_invalid_heartbeat_is_422_and_stores_nothing(
    central: Central, body: dict[str, Any], loc: list[Any]
) -> None:
    reply = central.heartbeat(body)
    assert reply.status_code == 422, reply.text
    assert loc in [error["loc"] for error in reply.json()["data"]["errors"]]
    assert central.fleet_kiosk("K1")["last_heartbeat_at"] is None


def test_invalid_heartbeat_does_not_ack_commands(central: Central) -> None:
    command = central.issue("K1", {"kind": "sync_now"}).json()
    central.commands_for()
    bad = heartbeat_body(acked_commands=[command["id"]], interval_s=1)
    assert central.heartbeat(bad).status_code == 422
    assert [c["id"] for c in central.commands_for()] == [command["id"]]


def test_command_is_delivered_until_acked(central: Central, clock: FakeClock) -> None:
    reply = central.issue("K1", {"kind": "out_of_service"})
    assert reply.status_code == 201, reply.text
    issued = reply.json()
    assert issued == {
        "id": issued["id"],
        "kiosk_id": "K1",
        "kind": "out_of_service",
        "issued_at": issued["issued_at"],
        "status": "pending",
    }
    assert datetime.fromisoformat(issued["issued_at"]) == clock.now
    clock.advance(1)
    second = central.issue("K1", {"kind": "upload_logs"}).json()
    sent = [{"id": issued["id"], "kind": "out_of_service", "issued_at": issued["issued_at"]}]
    sent.append({"id": second["id"], "kind": "upload_logs", "issued_at": second["issued_at"]})
    assert central.commands_for("K2") == []  # other kiosks get nothing
    assert central.commands_for() == sent
    assert central.commands_for() == sent  # not acknowledged yet: sent again
    # acknowledging one (plus an unknown id, and another kiosk's command) leaves the other
    other = central.issue("K2", {"kind": "restart"}).json()
    acked = [issued["id"], "no-such-command", other["id"]]
    assert central.commands_for(acked_commands=acked) == sent[1:]
    assert central.commands_for("K2") == [
        {"id": other["id"], "kind": "restart", "issued_at": other["issued_at"]}
    ]
    assert central.commands_for(acked_commands=[second["id"]]) == []
    assert central.commands_for(acked_commands=[second["id"]]) == []  # a repeated ack is fine
    assert central.commands_for() == []


def test_issue_to_unknown_kiosk_is_404_and_writes_nothing(central: Central) -> None:
    reply = central.issue("K9", {"kind": "restart"})
    assert reply.status_code == 404
    assert reply.json() == {
        "detail": "no kiosk 'K9' is registered",
        "code": "not_found",
        "data": {},
    }


@pytest.mark.parametrize(
    "payload",
    [{}, {"kind": "self_destruct"}, {"kind": "restart", "delay_s": 5}, {"kind": 1}, ["restart"]],
)
def test_bad_command_is_422_and_writes_nothing(central: Central, payload: Any) -> None:
    reply = central.issue("K1", payload)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == "request.invalid"
    assert central.commands_for() == []


@pytest.mark.parametrize("token", ["wrong", KIOSKS["K1"]])
def test_issue_needs_the_ops_token(central: Central, token: str) -> None:
    reply = central.issue("K1", {"kind": "restart"}, token=token)
    assert reply.status_code == 401
    assert reply.json() == {"detail": "invalid ops token", "code": "auth.invalid", "data": {}}
    assert central.commands_for() == []


def test_fleet_json_needs_the_ops_token(central: Central) -> None:
    assert central.ops("fleet", token="wrong").status_code == 401
    assert requests.get(f"{central.url}/v1/ops/fleet", timeout=10).status_code == 401


def test_offline_after_three_intervals_without_heartbeat(
    central: Central, clock: FakeClock
) -> None:
    assert [k["status"] for k in central.fleet()["kiosks"]] == ["offline", "offline"]  # never
    central.commands_for("K1", interval_s=10)
    central.commands_for("K2", interval_s=60)
    assert central.fleet()["summary"]["online"] == 2
    clock.advance(30)  # exactly 3 intervals of K1: still online
    assert [k["status"] for k in central.fleet()["kiosks"]] == ["online", "online"]
    clock.advance(1)
    assert [k["status"] for k in central.fleet()["kiosks"]] == ["offline", "online"]
    assert central.fleet()["summary"]["online"] == 1
    central.commands_for("K1", interval_s=10)  # back
    assert central.fleet()["summary"]["online"] == 2
    clock.advance(140)  # K1 silent for 14 intervals, K2 for 171 s of its 180
    assert [k["status"] for k in central.fleet()["kiosks"]] == ["offline", "online"]
    clock.advance(10)
    assert central.fleet()["summary"]["online"] == 0
    # a sync alone is not a heartbeat: still offline, though seen
    central.sync_results([item("a")], kiosk="K2")
    k2 = central.fleet_kiosk("K2")
    assert (k2["status"], datetime.fromisoformat(k2["last_seen"])) == ("offline", clock.now)


def test_offline_by_real_time_with_the_default_clock(central: Central) -> None:
    """With the real clock: a beat received 16 s ago with a 5 s interval is stale."""
    real_clock = central.app.state.clock
    body = heartbeat_body(interval_s=5)
    assert central.heartbeat(body).status_code == 200
    assert central.fleet_kiosk("K1")["status"] == "online"
    received = datetime.now(UTC) - timedelta(seconds=16)
    central.app.state.clock = lambda: received  # only for receiving this heartbeat
    try:
        assert central.heartbeat(body).status_code == 200
    finally:
        central.app.state.clock = real_clock
    assert central.fleet_kiosk("K1")["status"] == "offline"


def test_summary_and_todays_topups(central: Central, clock: FakeClock) -> None:
    clock.now = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in China
    central.sync_results(
        [
            item("1", topup_body(txn_id="1", created_at="2025-03-01T09:00:00+08:00")),
            item("2", topup_body(txn_id="2", amount_fen=2550)),  # 10:15 +08:00 today
            # 2025-02-28T23:30 +08:00 is yesterday in China, though today in UTC
            item("3", topup_body(txn_id="3", created_at="2025-02-28T15:30:00Z")),
            # 2025-02-28T16:30Z is 00:30 today in China
            item("4", topup_body(txn_id="4", created_at="2025-02-28T16:30:00Z")),
            item("5", topup_body(txn_id="5", created_at="2025-03-02T00:00:00+08:00")),
        ]
    )
    central.sync_results([item("6", topup_body(txn_id="6", amount_fen=100))], kiosk="K2")
    central.commands_for("K1", devices=JAMMED, out_of_service=True)
    fleet = central.fleet()
    assert (fleet["day"], fleet["utc_offset"]) == ("2025-03-01", "+08:00")
    assert datetime.fromisoformat(fleet["generated_at"]) == clock.now
    k1, k2 = fleet["kiosks"]
    assert (k1["topups_today"], k1["topups_today_fen"]) == (3, 5000 + 2550 + 5000)
    assert (k2["topups_today"], k2["topups_today_fen"]) == (1, 100)
    assert fleet["summary"] == {
        "kiosks": 2,
        "online": 1,
        "out_of_service": 1,
        "alerts": 3,  # JAMMED: an error, a warning and a device not answering
        "cash_fen": 3 * 10000 + 5000 + 2 * 1000,
        "topups_today": 4,
        "topups_today_fen": 5000 + 2550 + 5000 + 100,
        "volume_today": [
            {"service": "topup_cash", "count": 4, "amount_fen": 5000 + 2550 + 5000 + 100}
        ],
        "diversion_rate": None,
    }


def test_volume_by_service_and_diversion_rate(central: Central, clock: FakeClock) -> None:
    """GIVEN cash and card top-ups and kiosks reporting their customer sessions of the day
    THEN the fleet shows today's volume per service and completed/started per kiosk."""
    clock.now = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in China
    central.sync_results(
        [
            item("c1", topup_body(txn_id="c1")),
            item("k1", topup_body(txn_id="k1", method="card", amount_fen=3000)),
        ]
    )
    today = {
        "topup": {"started": 8, "completed": 6, "abandoned": 1, "failed": 1},
        "bill_query": {"started": 2, "completed": 2, "abandoned": 0, "failed": 0},
    }
    central.commands_for("K1", services=today)
    yesterday = {"topup": {"started": 50, "completed": 1, "abandoned": 49, "failed": 0}}
    central.commands_for("K2", services=yesterday, sent_at="2025-02-28T22:00:00+08:00")
    fleet = central.fleet()
    k1, k2 = fleet["kiosks"]
    assert k1["volume_today"] == [
        {"service": "topup_card", "count": 1, "amount_fen": 3000},
        {"service": "topup_cash", "count": 1, "amount_fen": 5000},
    ]
    assert (k1["sessions_started_today"], k1["sessions_completed_today"]) == (10, 8)
    assert k1["diversion_rate"] == 0.8
    assert k2["diversion_rate"] is None  # its counts are of another day
    assert fleet["summary"]["diversion_rate"] == 0.8
    # a later beat replaces the day's counts rather than adding to them
    central.commands_for("K1", services={"topup": {**today["topup"], "started": 9}})
    assert central.fleet_kiosk("K1")["sessions_started_today"] == 11


@pytest.mark.parametrize(
    "services",
    [
        {"Topup": {"started": 1, "completed": 1, "abandoned": 0, "failed": 0}},
        {"topup": {"started": -1, "completed": 1, "abandoned": 0, "failed": 0}},
        {"topup": {"started": 1, "completed": 1, "abandoned": 0}},
        {"topup": {"started": "1", "completed": 1, "abandoned": 0, "failed": 0}},
    ],
)
def test_bad_service_counts_are_422(central: Central, services: dict[str, Any]) -> None:
    reply = central.heartbeat(heartbeat_body(services=services))
    assert reply.status_code == 422


def test_log_upload_answers_a_command_and_ops_read_it(central: Central) -> None:
    """GIVEN ops asked K1 for its logs WHEN K1 uploads them THEN ops read them, K2 cannot
    post as K1, and only the latest 20 uploads are kept."""
    issued = central.issue("K1", {"kind": "upload_logs"}).json()
    headers = {"X-Kiosk-Id": "K1", "Authorization": "Bearer token-one"}
    body = {"command_id": issued["id"], "lines": ["boot ok", "printer: paper low"]}
    reply = requests.post(f"{central.url}/v1/logs", json=body, headers=headers, timeout=10)
    assert reply.status_code == 201, reply.text
    as_k2 = {"X-Kiosk-Id": "K1", "Authorization": "Bearer token-two"}
    assert (
        requests.post(f"{central.url}/v1/logs", json=body, headers=as_k2, timeout=10).status_code
        == 401
    )
    for n in range(25):
        requests.post(
            f"{central.url}/v1/logs", json={"lines": [f"line {n}"]}, headers=headers, timeout=10
        )
    latest = central.ops("kiosks/K1/logs", {"limit": "20"}).json()["uploads"]
    assert len(latest) == 20
    assert latest[0]["lines"] == ["line 24"]
    assert central.ops("kiosks/K2/logs").json() == {"uploads": []}
    too_long = {"lines": ["x" * 2001]}
    assert (
        requests.post(
            f"{central.url}/v1/logs", json=too_long, headers=headers, timeout=10
        ).status_code
        == 422
    )
