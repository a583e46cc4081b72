"""The CRT-591-M driver against its protocol simulator on a pseudo-terminal: the card's path
(IC position, mouth, customer, reject bin), stock sensors, hardware errors, and the link's
retries on NAK, lost commands, lost and corrupt replies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from pydantic import ValidationError

from drivers.dispenser.crt591_builder import build_crt591, start_crt591_simulator
from drivers.dispenser.crt591_codec import CardPosition, Command
from drivers.dispenser.crt591_driver import Crt591Dispenser
from drivers.dispenser.crt591_link import CommandNotAccepted
from drivers.dispenser.crt591_settings import Crt591Settings
from drivers.dispenser.crt591_simulator import Crt591Simulator
from drivers.errors import DeviceUnavailable, DriverConfigError, DriverError
from drivers.interfaces import CardDispenser, HealthLevel
from drivers.interfaces.dispenser import CardNotTaken, DispenserError

pytestmark = pytest.mark.timeout(60)

# ACKs come within milliseconds; 0.5 s leaves room on a loaded machine without a resend.
FAST = {"ack_timeout_s": 0.5, "reply_timeout_s": 1.0, "take_poll_s": 0.02}


class Rig:
    def __init__(self, sim: Crt591Simulator, **settings: object) -> None:
        self.sim = sim
        self.driver: Crt591Dispenser = build_crt591(
            Crt591Settings.model_validate({**FAST, **settings}), sim.url
        )

    def key_of(self, action: Callable[[], None]) -> str:
        with pytest.raises(DriverError) as caught:
            action()
        return caught.value.message_key


@contextmanager
def make_rig(stock: int = 10, **settings: object) -> Iterator[Rig]:
    sim = start_crt591_simulator(Crt591Settings(sim_stock=stock, sim_low_at=3, sim_bin_capacity=5))
    rig = Rig(sim, **settings)
    try:
        yield rig
    finally:
        rig.driver.close()
        sim.stop()


@pytest.fixture
def rig() -> Iterator[Rig]:
    with make_rig(capture_after_s=30) as made:
        yield made


@pytest.fixture
def impatient() -> Iterator[Rig]:
    with make_rig(capture_after_s=0.3) as made:
        yield made


def test_is_a_card_dispenser_and_resets_the_unit_first(rig: Rig) -> None:
    assert isinstance(rig.driver, CardDispenser)
    assert rig.driver.health().level is HealthLevel.OK
    assert rig.sim.initialised
    assert rig.sim.commands[0] is Command.INIT_KEEP_COUNTED


def test_card_to_ic_position(rig: Rig) -> None:
    """GIVEN a stacked unit WHEN a blank is wanted THEN one card leaves the stacker for the
    IC contacts, where the health says a card is in the path."""
    rig.driver.card_to_reader()
    assert (rig.sim.position, rig.sim.stock) == (CardPosition.READER, 9)
    assert rig.driver.health().code == "card_in_reader"


def test_dispensed_card_is_taken(rig: Rig) -> None:
    rig.sim.faults.take_after_polls = 3  # the customer needs a moment
    rig.driver.card_to_reader()
    rig.driver.dispense()
    assert (rig.sim.position, rig.sim.taken, rig.sim.bin_count) == (CardPosition.NONE, 1, 0)
    assert Command.TO_GATE in rig.sim.commands
    assert rig.driver.health().level is HealthLevel.OK


def test_card_left_at_the_mouth_is_captured(impatient: Rig) -> None:
    """GIVEN a customer who walks away WHEN the timeout passes THEN the card is pulled into
    the reject bin and the flow learns it was not taken."""
    impatient.sim.faults.customer_takes = False
    impatient.driver.card_to_reader()
    with pytest.raises(CardNotTaken) as caught:
        impatient.driver.dispense()
    assert caught.value.captured
    assert caught.value.message_key == "dispenser.not_taken"
    assert (impatient.sim.position, impatient.sim.bin_count, impatient.sim.taken) == (
        CardPosition.NONE,
        1,
        0,
    )


def test_capture_that_jams_leaves_the_card_reported(impatient: Rig) -> None:
    impatient.sim.faults.customer_takes = False
    impatient.sim.faults.fail_next, impatient.sim.faults.fail_command = "10", Command.CAPTURE
    impatient.driver.card_to_reader()
    with pytest.raises(CardNotTaken) as caught:
        impatient.driver.dispense()
    assert not caught.value.captured
    assert impatient.sim.position is CardPosition.GATE
    assert impatient.driver.health().code == "card_at_exit"  # the reset cleared the jam


def test_customer_takes_the_card_as_it_is_captured(impatient: Rig) -> None:
    impatient.sim.faults.customer_takes = False
    impatient.sim.faults.snatch_during_capture = True
    impatient.driver.card_to_reader()
    impatient.driver.dispense()  # taken after all: no error
    assert (impatient.sim.taken, impatient.sim.bin_count) == (1, 0)


def test_retain_captures_the_card_at_the_reader(rig: Rig) -> None:
    rig.driver.card_to_reader()
    rig.driver.retain()
    assert (rig.sim.position, rig.sim.bin_count) == (CardPosition.NONE, 1)
    assert rig.sim.bin_counter == 1


@pytest.mark.parametrize(
    ("setup", "action", "key"),
    [
        (lambda d: None, "dispense", "dispenser.no_card"),
        (lambda d: None, "retain", "dispenser.no_card"),
        (lambda d: d.card_to_reader(), "card_to_reader", "dispenser.card_in_path"),
    ],
)
def test_steps_out_of_order(
    rig: Rig, setup: Callable[[Crt591Dispenser], None], action: str, key: str
) -> None:
    setup(rig.driver)
    assert rig.key_of(getattr(rig.driver, action)) == key


def test_stock_low_then_empty() -> None:
    with make_rig(stock=4) as rig:
        assert rig.driver.stock().low is False
        rig.driver.card_to_reader()
        rig.driver.dispense()
        stock = rig.driver.stock()
        assert (stock.cards_left, stock.low, stock.empty) == (None, True, False)
        assert rig.driver.health().code == "stock_low"
        for _ in range(3):
            rig.driver.card_to_reader()
            rig.driver.dispense()
        assert rig.driver.stock().empty is True
        assert rig.driver.health().code == "empty"
        assert rig.driver.health().level is HealthLevel.ERROR
        assert rig.key_of(rig.driver.card_to_reader) == "dispenser.empty"


def test_unit_reports_its_stacker_empty(rig: Rig) -> None:
    rig.sim.faults.fail_next = "A0"
    assert rig.key_of(rig.driver.card_to_reader) == "dispenser.empty"


def test_jam_until_cleared(rig: Rig) -> None:
    """GIVEN a jam WHEN the card moves THEN a typed error and an ERROR health, which stays
    until the unit resets cleanly again (an engineer cleared it)."""
    rig.sim.faults.jam = True
    assert rig.key_of(rig.driver.card_to_reader) == "dispenser.jam"
    health = rig.driver.health()
    assert (health.level, health.code, health.message_key) == (
        HealthLevel.ERROR,
        "jam",
        "dispenser.jam",
    )
    rig.sim.faults.jam = False
    assert rig.driver.health().level is HealthLevel.OK
    rig.driver.card_to_reader()
    assert rig.sim.position is CardPosition.READER


@pytest.mark.parametrize(
    ("code", "health_code"),
    [("51", "motor_error"), ("12", "sensor_error"), ("43", "cannot_reach_ic"), ("07", "error_07")],
)
def test_hardware_errors(rig: Rig, code: str, health_code: str) -> None:
    rig.sim.faults.fail_next = code
    assert rig.key_of(rig.driver.card_to_reader) == "dispenser.fault"
    assert rig.driver.stock().empty is False  # the next status request works


def test_reject_bin_full(rig: Rig) -> None:
    rig.sim.bin_count = rig.sim.bin_capacity
    assert rig.driver.health().code == "reject_bin_full"
    rig.driver.card_to_reader()
    assert rig.key_of(rig.driver.retain) == "dispenser.reject_bin_full"
    assert rig.sim.position is CardPosition.READER


def test_nak_is_answered_by_sending_again(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.faults.nak_commands = 2
    rig.driver.card_to_reader()
    assert rig.sim.stock == 9
    assert rig.sim.commands.count(Command.TO_IC) == 1


def test_nak_past_the_retries_moves_nothing(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.faults.nak_commands = 10
    with pytest.raises(CommandNotAccepted):
        rig.driver.card_to_reader()
    assert rig.sim.stock == 10
    assert rig.driver.health().code == "unavailable"  # 6 NAKs left: the status fails too
    rig.sim.faults.nak_commands = 0
    rig.driver.card_to_reader()
    assert rig.sim.stock == 9


def test_lost_command_is_sent_again(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.faults.lose_commands = 1
    rig.driver.card_to_reader()
    assert (rig.sim.position, rig.sim.stock) == (CardPosition.READER, 9)


def test_lost_reply_is_never_answered_by_moving_again(rig: Rig) -> None:
    """GIVEN the unit moved a card but its reply was lost WHEN the driver recovers THEN it
    asks where the card is: one card left the stacker, not two."""
    rig.driver.health()
    rig.sim.faults.lose_replies, rig.sim.faults.lose_replies_to = 1, Command.TO_IC
    rig.driver.card_to_reader()
    assert (rig.sim.position, rig.sim.stock) == (CardPosition.READER, 9)
    assert rig.sim.commands.count(Command.TO_IC) == 1
    assert rig.sim.faults.lose_replies == 0


def test_reply_that_crosses_the_eot_is_taken(rig: Rig) -> None:
    rig.driver.health()
    asked = len(rig.sim.commands)
    rig.sim.faults.late_replies = 1
    rig.driver.card_to_reader()
    assert rig.sim.position is CardPosition.READER
    assert rig.sim.commands[asked:] == [Command.STATUS, Command.TO_IC]  # no status after it


def test_lost_reply_to_a_question_is_asked_again(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.faults.lose_replies = 1
    assert rig.driver.stock().low is False
    assert rig.sim.faults.lose_replies == 0


def test_lost_capture_reply_with_an_empty_path_is_a_capture(rig: Rig) -> None:
    rig.driver.card_to_reader()
    rig.sim.faults.lose_replies, rig.sim.faults.lose_replies_to = 1, Command.CAPTURE
    rig.driver.retain()
    assert (rig.sim.bin_count, rig.sim.faults.lose_replies) == (1, 0)


def test_corrupt_reply_is_asked_for_again(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.faults.corrupt_replies = 1
    rig.driver.card_to_reader()
    assert rig.sim.naks_received == 1
    assert rig.sim.commands.count(Command.TO_IC) == 1


def test_unit_that_lost_power_is_reset_again(rig: Rig) -> None:
    rig.driver.health()
    rig.sim.power_cycle()
    rig.driver.card_to_reader()
    assert rig.sim.position is CardPosition.READER
    assert rig.sim.commands.count(Command.INIT_KEEP_COUNTED) == 2


def test_wrong_address_is_never_acknowledged() -> None:
    with make_rig(address=1) as rig:
        with pytest.raises(CommandNotAccepted):
            rig.driver.card_to_reader()
        assert rig.sim.commands == []


def test_unopenable_port() -> None:
    driver = build_crt591(Crt591Settings(url="/dev/no-such-dispenser"))
    health = driver.health()
    assert (health.level, health.code, health.message_key) == (
        HealthLevel.ERROR,
        "unavailable",
        "dispenser.unavailable",
    )
    with pytest.raises(DeviceUnavailable):
        driver.card_to_reader()
    with pytest.raises(DeviceUnavailable):
        driver.stock()
    driver.close()


def test_errors_are_one_hierarchy(rig: Rig) -> None:
    rig.sim.faults.jam = True
    with pytest.raises(DispenserError):
        rig.driver.card_to_reader()


@pytest.mark.parametrize(
    "bad",
    [{"nope": 1}, {"address": 16}, {"baudrate": 115200}, {"capture_after_s": 0}, {"retries": -1}],
)
def test_settings_refuse_what_the_unit_cannot_do(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Crt591Settings.model_validate(bad)


def test_builder_needs_a_port() -> None:
    with pytest.raises(DriverConfigError, match=r"settings\.url"):
        build_crt591(Crt591Settings())
