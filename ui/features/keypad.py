"""The touch keypad's digit entry, shared by the feature view-models: what a key press, a
backspace or a clear makes of the digits typed so far.

Pure Python, no Qt: a view-model keeps its text and decides what a change means on screen (a
prompt, a refresh); a `DigitEntry` only decides which keys count and how long the text may get.
A key is one ASCII digit. Anything else a screen might send — "", "12", "a", a non-ASCII digit
such as "٣" or "²" (which `str.isdigit` would let in, and `int()` then trips over) — is refused
and leaves the text as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

MOBILE_DIGITS = 11  # a mainland mobile number (kiosk/msisdn.py checks what it starts with)
_DIGITS = frozenset("0123456789")


def is_digit_key(key: str) -> bool:
    """One key of the keypad: a single ASCII digit."""
    return len(key) == 1 and key in _DIGITS


@dataclass(frozen=True)
class DigitEntry:
    """Digits typed on the keypad, up to `max_len` of them. `leading_zero=False` for an amount
    of whole yuan: a first "0" is refused (it would say nothing and only use up a place)."""

    max_len: int
    leading_zero: bool = True

    def __post_init__(self) -> None:
        if self.max_len < 0:
            raise ValueError(f"max_len must not be negative: {self.max_len}")

    def accepts(self, text: str, key: str) -> bool:
        """Whether `key` is one this entry takes after `text` at all, whether or not it is full."""
        return is_digit_key(key) and (self.leading_zero or key != "0" or text != "")

    def full(self, text: str) -> bool:
        return len(text) >= self.max_len

    def press(self, text: str, key: str) -> str:
        """`text` with `key` added; `text` unchanged if the key is refused or there is no room."""
        if self.accepts(text, key) and not self.full(text):
            return text + key
        return text

    @staticmethod
    def backspace(text: str) -> str:
        """`text` without its last digit ("" stays "")."""
        return text[:-1]

    @staticmethod
    def clear() -> str:
        """Nothing typed."""
        return ""


MOBILE_NUMBER = DigitEntry(MOBILE_DIGITS)
