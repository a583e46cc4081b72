"""The heartbeat's optional figures (uptime, disk space, latest errors, the queue's last
delivery): stored, shown in the fleet JSON and page, strictly validated, absent in the beats of
older kiosks; and the fleet alerts they raise (disk below 10 % free, a device not answering)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests

from central.db import HeartbeatDetail
from tests.central.conftest import OPS_TOKEN, Central, heartbeat_body

pytestmark = pytest.mark.timeout(60)

GIB = 1024**3
ERRORS = [
    {"at": "2025-03-01T10:01:00+08:00", "code": "printer.offline", "text": "ERROR printer gone"},
    {"at": "2025-03-01T10:02:00+08:00", "code": "kiosk.sync", "text": "ERROR sync: 138****8000"},
]


def figures(**changes: Any) -> dict[str, Any]:
    body = heartbeat_body(
        uptime_s=93784,
        disk_free_bytes=30 * GIB,
        disk_total_bytes=64 * GIB,
        last_errors=ERRORS,
        queue={
            "pending": 2,
            "dead": 0,
            "oldest_pending_age_s": 4.5,
            "last_success_at": "2025-03-01T10:14:30+08:00",
        },
    )
    body.update(changes)
    return body


def post(central: Central, body: dict[str, Any], kiosk: str = "K1") -> requests.Response:
    return central.heartbeat(body, kiosk)


def test_figures_round_trip_to_the_fleet(central: Central) -> None:
    assert post(central, figures()).status_code == 200
    k1 = central.fleet_kiosk("K1")
    assert k1["uptime_s"] == 93784
    assert (k1["disk_free_bytes"], k1["disk_total_bytes"]) == (30 * GIB, 64 * GIB)
    assert k1["disk_free_ratio"] == pytest.approx(30 / 64)
    assert datetime.fromisoformat(k1["queue"]["last_success_at"]) == datetime.fromisoformat(
        "2025-03-01T10:14:30+08:00"
    )
    # newest first, exactly as sent
    assert [(e["code"], e["text"]) for e in k1["last_errors"]] == [
        ("kiosk.sync", "ERROR sync: 138****8000"),
        ("printer.offline", "ERROR printer gone"),
    ]
    assert k1["alerts"] == []  # 47 % free


def test_old_format_heartbeat_is_accepted_and_clears_the_figures(central: Central) -> None:
    assert post(central, figures()).status_code == 200
    old = heartbeat_body()  # the body of a kiosk that predates the optional figures
    assert not {"uptime_s", "disk_free_bytes", "disk_total_bytes", "last_errors"} & set(old)
    assert "last_success_at" not in old["queue"]
    reply = post(central, old)
    assert reply.status_code == 200, reply.text
    k1 = central.fleet_kiosk("K1")
    assert k1["uptime_s"] is None
    assert k1["disk_free_ratio"] is None
    assert k1["last_errors"] == []
    assert k1["queue"]["last_success_at"] is None
    assert k1["software_version"] == "1.4.2"


def test_figures_are_stored_in_their_own_table(central: Central) -> None:
    post(central, figures())
    with central.storage.sessions() as session:
        detail = session.get(HeartbeatDetail, "K1")
    assert detail is not None
    assert detail.uptime_s == 93784


def test_disk_below_ten_percent_free_is_an_alert(central: Central) -> None:
    post(central, figures(disk_free_bytes=6 * GIB, disk_total_bytes=64 * GIB))
    k1 = central.fleet_kiosk("K1")
    assert k1["alerts"] == [
        {
            "device": "disk",
            "level": "warning",
            "code": "disk_free_below_10pct",
            "message_key": "fleet.disk_free_low",
        }
    ]
    assert central.fleet()["summary"]["alerts"] == 1


def test_disk_alert_not_doubled_when_the_kiosk_reports_its_disk(central: Central) -> None:
    devices = [{"name": "disk", "level": "error", "code": "disk_full", "message_key": "disk.full"}]
    post(central, figures(disk_free_bytes=GIB, disk_total_bytes=64 * GIB, devices=devices))
    alerts = central.fleet_kiosk("K1")["alerts"]
    assert [(a["device"], a["code"]) for a in alerts] == [("disk", "disk_full")]


def test_unknown_device_is_an_alert_after_errors_and_warnings(central: Central) -> None:
    devices = [
        {"name": "printer", "level": "unknown", "code": "no_answer", "message_key": "dev.unk"},
        {"name": "acceptor", "level": "warning", "code": "cash_box_near", "message_key": "x"},
        {"name": "idcard", "level": "error", "code": "reader_gone", "message_key": "y"},
        {"name": "sim", "level": "ok", "code": "ok", "message_key": "device.ok"},
    ]
    post(central, figures(devices=devices))
    alerts = central.fleet_kiosk("K1")["alerts"]
    assert [(a["device"], a["level"]) for a in alerts] == [
        ("idcard", "error"),
        ("acceptor", "warning"),
        ("printer", "unknown"),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"uptime_s": -1},
        {"uptime_s": "5"},
        {"uptime_s": 1.5},
        {"disk_free_bytes": -1},
        {"disk_total_bytes": 0},
        {"disk_free_bytes": 65 * GIB},  # more free than the disk holds
        {"last_errors": ERRORS * 6},  # 12 > 10
        {"last_errors": [{**ERRORS[0], "text": "x" * 201}]},
        {"last_errors": [{**ERRORS[0], "at": "2025-03-01T10:01:00"}]},  # no UTC offset
        {"last_errors": [{**ERRORS[0], "code": ""}]},
        {"last_errors": [{**ERRORS[0], "extra": 1}]},
        {"queue": {"pending": 0, "dead": 0, "oldest_pending_age_s": None,
                   "last_success_at": "yesterday"}},
    ],
)  # fmt: skip
def test_bad_figures_are_422_and_store_nothing(central: Central, changes: dict[str, Any]) -> None:
    reply = post(central, figures(**changes))
    assert reply.status_code == 422, reply.text
    assert central.fleet_kiosk("K1")["last_heartbeat_at"] is None


def test_figures_need_the_kiosk_token(central: Central) -> None:
    reply = requests.post(
        f"{central.url}/v1/heartbeat",
        json=figures(),
        headers={"X-Kiosk-Id": "K1", "Authorization": f"Bearer {OPS_TOKEN}"},
        timeout=10,
    )
    assert reply.status_code == 401
