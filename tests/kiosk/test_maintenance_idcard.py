"""The ID card tap (kiosk.maintenance.IdCardTap) fed by the real driver against the SAM
simulator: listeners get every event on the reader's thread, a screen opened after the card
was placed finds the record read while the card lies there, the record leaves memory when the
card leaves the reader, and no log line carries an unmasked ID number or name."""

from __future__ import annotations

import logging
import threading
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
from kiosk.maintenance import IdCardTap
from tests.support import holds_for, wait_until
from tests.support.idcard import idcard_reader

pytestmark = pytest.mark.timeout(60)

NUMBER, NAME = "110101199003074477", "张三"  # the simulator's "valid" identity


@dataclass
class Screen:
    """A listener as a screen would be: what it got, and on which thread."""

    events: list[IdCardEvent] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)

    def __call__(self, event: IdCardEvent) -> None:
        self.events.append(event)
        self.threads.add(threading.current_thread().name)

    def kinds(self) -> list[type]:
        return [type(event) for event in self.events]


@dataclass
class Rig:
    sim: IdCardSimulator
    tap: IdCardTap
    driver: IdCardReaderDriver


@pytest.fixture
def rig(caplog: pytest.LogCaptureFixture) -> Iterator[Rig]:
    caplog.set_level(logging.DEBUG)
    tap = IdCardTap()
    with idcard_reader(tap.on_event) as (sim, driver):
        yield Rig(sim, tap, driver)
    assert NUMBER not in caplog.text, "an unmasked ID number reached a log line"
    assert NAME not in caplog.text, "an unmasked name reached a log line"


def test_a_listener_gets_every_event_on_the_readers_thread(rig: Rig) -> None:
    screen = Screen()
    unsubscribe = rig.tap.listen(screen)
    rig.sim.place_card("valid")
    wait_until(lambda: IdCardRead in screen.kinds())
    assert screen.kinds() == [IdCardPresent, IdCardRead]
    read = screen.events[1]
    assert isinstance(read, IdCardRead)
    assert read.record.id_number == NUMBER
    rig.sim.remove_card()
    wait_until(lambda: IdCardRemoved in screen.kinds())
    assert screen.kinds() == [IdCardPresent, IdCardRead, IdCardRemoved]
    assert screen.threads == {"idcard"}  # the reader's thread, never the caller's
    unsubscribe()
    unsubscribe()  # twice is harmless
    rig.sim.place_card("valid")
    wait_until(rig.tap.card_present)
    wait_until(lambda: rig.tap.last_read_while_present() is not None)
    assert screen.kinds() == [IdCardPresent, IdCardRead, IdCardRemoved]  # nothing after


def test_a_screen_opened_after_the_card_was_placed_finds_its_record(rig: Rig) -> None:
    """GIVEN a card placed (and read once) before any screen listened WHEN a screen opens
    THEN it finds the record while the card lies there; once removed, the record is gone."""
    assert rig.tap.last_read_while_present() is None
    assert not rig.tap.card_present()
    rig.sim.place_card("valid")
    wait_until(lambda: rig.tap.last_read_while_present() is not None)
    # Polls go on while the card lies there: its record stays, it is not read a second time.
    holds_for(lambda: rig.tap.last_read_while_present() is not None and rig.tap.card_present(),
              0.8, "the record kept while the card lies there")  # fmt: skip
    screen = Screen()
    rig.tap.listen(screen)
    record = rig.tap.last_read_while_present()
    assert record is not None
    assert record.id_number == NUMBER
    assert rig.tap.card_present()
    assert NUMBER not in repr(record)
    assert screen.events == []
    rig.sim.remove_card()
    wait_until(lambda: IdCardRemoved in screen.kinds())
    assert rig.tap.last_read_while_present() is None  # the personal data left with the card
    assert not rig.tap.card_present()


def test_a_failed_read_is_an_event_and_holds_no_record(rig: Rig) -> None:
    screen = Screen()
    rig.tap.listen(screen)
    rig.sim.faults.read_fails = True
    rig.sim.place_card("valid")
    wait_until(lambda: IdCardReadError in screen.kinds())
    assert screen.kinds()[0] is IdCardPresent
    assert rig.tap.card_present()
    assert rig.tap.last_read_while_present() is None
    rig.sim.faults.read_fails = False  # the next poll reads it
    wait_until(lambda: rig.tap.last_read_while_present() is not None)


def test_forget_drops_the_record_of_a_card_left_on_the_reader(rig: Rig) -> None:
    rig.sim.place_card("valid")
    wait_until(lambda: rig.tap.last_read_while_present() is not None)
    rig.tap.forget()
    assert rig.tap.last_read_while_present() is None
    assert rig.tap.card_present()
    # Polls go on while it lies there: it is not read again.
    holds_for(lambda: rig.tap.last_read_while_present() is None, 0.8, "no second read")


def test_a_failing_listener_keeps_events_from_no_one(rig: Rig) -> None:
    def broken(_event: IdCardEvent) -> None:
        raise RuntimeError("screen bug")

    rig.tap.listen(broken)
    screen = Screen()
    rig.tap.listen(screen)
    found: list[IdCardEvent | None] = []
    waiter = threading.Thread(target=lambda: found.append(rig.tap.wait(5.0)))
    waiter.start()
    # wait() sees only reads after it began: the card comes once it is listening.
    wait_until(lambda: len(rig.tap._waiters) == 1, what="the self-test's wait() to listen")
    rig.sim.place_card("valid")
    waiter.join(timeout=10)
    assert isinstance(found[0], IdCardRead)  # the self-test's wait() works beside listeners
    wait_until(lambda: IdCardRead in screen.kinds())
    assert rig.driver.health().level is HealthLevel.OK
