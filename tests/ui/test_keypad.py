"""The keypad's digit entry (ui/features/keypad.py): which keys count, the length limit, no
leading zero for amounts, and that garbage from a screen leaves the text as it was; and the SIM
number picker's filter digits, which go through it (the touch test needs pcscd's reader)."""

from __future__ import annotations

import dataclasses

import pytest

from ui.features.keypad import MOBILE_DIGITS, MOBILE_NUMBER, DigitEntry, is_digit_key
from ui.features.sim_sale_steps import SaleSteps
from ui.features.sim_state import SimState

GARBAGE = ["", "12", "00", "a", " ", "1 ", "-", "+", ".", "٣", "²", "１", "\n", "1\x00", "None"]


@pytest.mark.parametrize("key", list("0123456789"))
def test_every_ascii_digit_is_a_key(key: str) -> None:
    assert is_digit_key(key)
    assert DigitEntry(4).press("12", key) == "12" + key


@pytest.mark.parametrize("key", GARBAGE)
def test_garbage_is_no_key_and_changes_nothing(key: str) -> None:
    entry = DigitEntry(11)
    assert not is_digit_key(key)
    assert not entry.accepts("", key)
    assert entry.press("", key) == ""
    assert entry.press("138", key) == "138"


def test_typing_stops_at_max_len() -> None:
    entry = DigitEntry(3)
    text = ""
    for key in "12345":
        text = entry.press(text, key)
    assert text == "123"
    assert entry.full(text)
    assert entry.accepts(text, "4")  # a good key, only no room left for it
    assert entry.press(text, "4") == "123"


def test_a_mobile_number_is_eleven_digits() -> None:
    text = ""
    for key in "138001380009":
        text = MOBILE_NUMBER.press(text, key)
    assert text == "13800138000"
    assert len(text) == MOBILE_DIGITS


def test_leading_zero_is_kept_unless_refused() -> None:
    assert DigitEntry(6).press("", "0") == "0"  # a code or a password may start with 0
    amount = DigitEntry(4, leading_zero=False)
    assert not amount.accepts("", "0")
    assert amount.press("", "0") == ""
    assert amount.press("5", "0") == "50"  # only the first digit may not be 0
    assert amount.press(amount.press("", "1"), "0") == "10"


def test_backspace_drops_the_last_digit_and_stops_at_empty() -> None:
    entry = DigitEntry(11)
    assert entry.backspace("138") == "13"
    assert entry.backspace("1") == ""
    assert entry.backspace("") == ""


def test_clear_empties() -> None:
    assert DigitEntry(11).clear() == ""


def test_zero_length_takes_nothing() -> None:
    assert DigitEntry(0).press("", "1") == ""


def test_negative_length_is_refused() -> None:
    with pytest.raises(ValueError, match="max_len"):
        DigitEntry(-1)


def test_an_entry_cannot_be_changed() -> None:
    entry = DigitEntry(4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.max_len = 5  # type: ignore[misc]


class _SimVm:
    """Just what the SIM sale's number filter uses of its view-model."""

    def __init__(self) -> None:
        self.state = SimState()
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def test_the_sim_number_filter_takes_four_digits_and_ignores_garbage() -> None:
    vm = _SimVm()
    steps = SaleSteps(vm)  # type: ignore[arg-type]
    for key in ["8", "²", "88", "", "a", "6", "6", "8", "9"]:
        steps.filter_digit(key)
    assert vm.state.filters.digits == "8668"
    assert vm.refreshed == 4  # a refused key (garbage, or no room) changes nothing on screen
    steps.filter_backspace()
    assert vm.state.filters.digits == "866"
