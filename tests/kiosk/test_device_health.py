"""kiosk.device_health on its own, with fake devices (test_app.py covers it wired into the app
with the simulators; tests/reliability/test_device_faults.py with real faults)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from drivers.errors import DriverError
from drivers.interfaces import HEALTH_OK, DeviceHealth, HealthLevel
from kiosk.device_health import NOT_STARTED, DeviceHealthMonitor, Reports
from kiosk.errors import JournalError

pytestmark = pytest.mark.timeout(30)

POWER_UP = DeviceHealth(HealthLevel.WARNING, "power_up", "acceptor.power_up")
JAM = DeviceHealth(HealthLevel.ERROR, "acceptor_jam", "acceptor.jam")


@dataclass
class Device:
    """Answers the health it is given, one after another (the last one from then on)."""

    answers: list[DeviceHealth | DriverError] = field(default_factory=lambda: [HEALTH_OK])
    asked: int = 0

    def health(self) -> DeviceHealth:
        self.asked += 1
        answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        if isinstance(answer, DriverError):
            raise answer
        return answer


class Rig:
    def __init__(self, **devices: Reports | None) -> None:
        self.devices = devices
        self.changes = 0
        self.monitor = DeviceHealthMonitor(lambda: self.devices, self._changed)

    def _changed(self) -> None:
        self.changes += 1


def test_each_device_is_asked_and_a_change_is_announced_once() -> None:
    acceptor = Device()
    rig = Rig(bill_acceptor=acceptor, printer=Device())
    assert rig.monitor.last() == {}  # nothing asked yet
    assert rig.monitor.refresh() == {"bill_acceptor": HEALTH_OK, "printer": HEALTH_OK}
    assert rig.changes == 1
    rig.monitor.refresh()
    assert rig.changes == 1  # the same answers: nothing to announce
    acceptor.answers = [JAM]
    rig.monitor.refresh()
    assert rig.changes == 2
    assert rig.monitor.last()["bill_acceptor"] == JAM


def test_a_device_not_started_or_failing_to_answer_is_an_error() -> None:
    rig = Rig(card_terminal=None, printer=Device([DriverError("gone", message_key="printer.io")]))
    health = rig.monitor.refresh()
    assert health["card_terminal"] == NOT_STARTED
    assert health["printer"] == DeviceHealth(HealthLevel.ERROR, "error", "printer.io", "gone")
    assert not health["printer"].usable


def test_last_is_the_last_refresh_without_asking_again() -> None:
    device = Device()
    rig = Rig(printer=device)
    rig.monitor.refresh()
    rig.monitor.last()["printer"] = JAM  # a copy: the caller cannot change the monitor's
    assert rig.monitor.last() == {"printer": HEALTH_OK}
    assert device.asked == 1


def test_settle_waits_for_a_device_starting_up() -> None:
    device = Device([POWER_UP, POWER_UP, HEALTH_OK])
    rig = Rig(bill_acceptor=device)
    assert rig.monitor.settle(30)["bill_acceptor"] == HEALTH_OK
    assert device.asked == 3


def test_settle_gives_up_at_its_deadline() -> None:
    rig = Rig(bill_acceptor=Device([POWER_UP]))
    assert rig.monitor.settle(0)["bill_acceptor"] == POWER_UP


@pytest.fixture
def watched() -> Iterator[tuple[Device, list[int], threading.Event, DeviceHealthMonitor]]:
    """A running monitor that refreshes at once and settles cards every second round; the
    first settling fails as a full disk would."""
    device = Device()
    settled: list[int] = []
    twice = threading.Event()

    def settle_cards() -> None:
        settled.append(device.asked)
        if len(settled) == 1:
            raise JournalError("disk full")
        twice.set()

    monitor = DeviceHealthMonitor(lambda: {"printer": device}, lambda: None,
                                  settle_cards=settle_cards, refresh_s=0.001,
                                  settle_every=2)  # fmt: skip
    monitor.start()
    yield device, settled, twice, monitor
    monitor.stop()


def test_the_watcher_settles_cards_every_few_rounds_past_an_error(
    watched: tuple[Device, list[int], threading.Event, DeviceHealthMonitor],
) -> None:
    device, settled, twice, monitor = watched
    assert twice.wait(20)
    monitor.stop()
    assert settled[:2] == [2, 4]  # after the second and the fourth round
    assert monitor.last() == {"printer": HEALTH_OK}
    asked = device.asked
    monitor.stop()  # stopping twice is harmless; a stopped monitor asks no more
    assert device.asked == asked
