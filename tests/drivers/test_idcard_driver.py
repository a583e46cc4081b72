"""The ID card driver against the SAM simulator on a pseudo-terminal; and no log line or error
text ever carries an unmasked ID number."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

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
from tests.support import holds_for, wait_until
from tests.support.idcard import idcard_reader

pytestmark = pytest.mark.timeout(60)
FULL_NUMBERS = ("110101199003074477", "11010519491231002X", "110101199003074478")


@dataclass
class Rig:
    sim: IdCardSimulator
    driver: IdCardReaderDriver
    events: queue.Queue[IdCardEvent]
    seen: list[IdCardEvent] = field(default_factory=list)

    def next(self, kind: type, timeout: float = 5.0) -> IdCardEvent:
        def next_of_kind() -> IdCardEvent | None:
            while not self.events.empty():
                event = self.events.get_nowait()
                self.seen.append(event)
                if isinstance(event, kind):
                    return event
            return None

        return wait_until(next_of_kind, timeout, lambda: f"a {kind.__name__}; saw {self.seen}")


@pytest.fixture
def rig(caplog: pytest.LogCaptureFixture) -> Iterator[Rig]:
    caplog.set_level(logging.DEBUG)
    events: queue.Queue[IdCardEvent] = queue.Queue()
    with idcard_reader(events.put) as (sim, driver):
        made = Rig(sim, driver, events)
        yield made
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
    # The card lies there a while: no second read, no removal.
    holds_for(rig.events.empty, 1.0, "no event while the card lies there")
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
    wait_until(lambda: rig.driver.health().code == "no_sam", what="health no_sam")
    rig.sim.faults.no_sam = False
    wait_until(lambda: rig.driver.health().level is HealthLevel.OK, what="health OK again")


def test_polls_no_faster_than_300_ms(rig: Rig) -> None:
    start = len(rig.sim.requests)
    time.sleep(1.2)  # the scenario: time passes with no card, the driver polls as it will
    polls = len(rig.sim.requests) - start
    assert polls <= 5  # 1.2 s at >= 300 ms per find (plus a little slack)


def test_unopenable_port() -> None:
    driver = IdCardReaderDriver("/dev/no-such-reader")
    driver.start(lambda _e: None)
    wait_until(lambda: driver.health().code == "unavailable", what="health unavailable")
    assert driver.health().message_key == "idcard.unavailable"
    driver.close()
