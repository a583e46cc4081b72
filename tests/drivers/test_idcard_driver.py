"""The ID card driver against the SAM simulator on a pseudo-terminal; and no log line or error
text ever carries an unmasked ID number."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterator

import pytest

from drivers.idcard.driver import IdCardReaderDriver
from drivers.idcard.simulator import IdCardSimulator
from drivers.interfaces import (
    HealthLevel,
    IdCardEvent,
    IdCardPresent,
    IdCardRead,
    IdCardReadError,
    IdCardRemoved,
)

pytestmark = pytest.mark.timeout(60)
FULL_NUMBERS = ("110101199003074477", "11010519491231002X", "110101199003074478")


class Rig:
    def __init__(self, sim: IdCardSimulator) -> None:
        self.sim = sim
        self.events: queue.Queue[IdCardEvent] = queue.Queue()
        self.seen: list[IdCardEvent] = []
        self.driver = IdCardReaderDriver(sim.url, timeout_s=0.3)
        self.driver.start(self.events.put)

    def next(self, kind: type, timeout: float = 5.0) -> IdCardEvent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.05)
            except queue.Empty:
                continue
            self.seen.append(event)
            if isinstance(event, kind):
                return event
        raise AssertionError(f"no {kind.__name__}; saw {self.seen}")

    def wait(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert condition()


@pytest.fixture
def rig(caplog: pytest.LogCaptureFixture) -> Iterator[Rig]:
    caplog.set_level(logging.DEBUG)
    with IdCardSimulator() as sim:
        made = Rig(sim)
        made.wait(lambda: made.driver.health().level is HealthLevel.OK)
        yield made
        made.driver.close()
    text = caplog.text + " ".join(repr(e) for e in made.seen)
    for number in FULL_NUMBERS:
        assert number not in text, "an unmasked ID number reached a log line or event text"


def test_valid_card_is_read_once_then_removed(rig: Rig) -> None:
    rig.sim.place_card("valid")
    rig.next(IdCardPresent)
    event = rig.next(IdCardRead)
    assert isinstance(event, IdCardRead)
    record = event.record
    assert (record.name, record.id_number) == ("张三", "110101199003074477")
    assert record.masked_id_number == "110101********4477"
    time.sleep(1.0)  # the card lies there: no second read, no removal
    assert rig.events.empty()
    rig.sim.remove_card()
    rig.next(IdCardRemoved)
    rig.sim.place_card("for_life")
    read = rig.next(IdCardRead)
    assert isinstance(read, IdCardRead)
    assert read.record.valid_to is None


def test_expired_card_is_read_and_the_flow_can_tell(rig: Rig) -> None:
    rig.sim.place_card("expired")
    event = rig.next(IdCardRead)
    assert isinstance(event, IdCardRead)
    from datetime import date

    assert not event.record.is_valid_on(date(2026, 11, 22))


def test_bad_check_character(rig: Rig) -> None:
    rig.sim.place_card("bad_check")
    event = rig.next(IdCardReadError)
    assert event == IdCardReadError("idcard.invalid_number", "ID number fails its check character")


@pytest.mark.parametrize("fault", ["garbled_read", "read_fails"])
def test_read_faults(rig: Rig, fault: str) -> None:
    setattr(rig.sim.faults, fault, True)
    rig.sim.place_card("valid")
    event = rig.next(IdCardReadError)
    assert isinstance(event, IdCardReadError)
    assert event.message_key == "idcard.read_failed"
    setattr(rig.sim.faults, fault, False)
    rig.next(IdCardRead)  # the card still lies there: the next poll reads it


def test_card_removed_mid_read(rig: Rig) -> None:
    rig.sim.faults.remove_mid_read = True
    rig.sim.place_card("valid")
    assert rig.next(IdCardReadError).message_key == "idcard.read_failed"  # type: ignore[attr-defined]
    rig.next(IdCardRemoved)


def test_no_sam(rig: Rig) -> None:
    rig.sim.faults.no_sam = True
    rig.wait(lambda: rig.driver.health().code == "no_sam")
    rig.sim.faults.no_sam = False
    rig.wait(lambda: rig.driver.health().level is HealthLevel.OK)


def test_polls_no_faster_than_300_ms(rig: Rig) -> None:
    start = len(rig.sim.requests)
    time.sleep(1.2)
    polls = len(rig.sim.requests) - start
    assert polls <= 5  # 1.2 s at >= 300 ms per find (plus a little slack)


def test_unopenable_port() -> None:
    driver = IdCardReaderDriver("/dev/no-such-reader")
    driver.start(lambda _e: None)
    deadline = time.monotonic() + 5
    while driver.health().code != "unavailable" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert driver.health().message_key == "idcard.unavailable"
    driver.close()
