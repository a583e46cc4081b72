"""Waiting in tests: poll a condition until it holds or a deadline passes, never a fixed sleep.

A loaded machine (two cores, a CPU hog, three xdist workers) makes every "long enough" sleep
too short some day; polling the very condition the test asserts is as fast as the code allows
and as patient as the deadline. `holds_for` is the one deliberate passage of time: a test that
proves nothing happens during a while says so by calling it.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["DEFAULT_TIMEOUT_S", "WaitTimeout", "holds_for", "wait_until"]

T = TypeVar("T")

# Generous: a deadline only bounds a failure; a passing wait ends as soon as its condition holds.
DEFAULT_TIMEOUT_S = 10.0
_POLL_S = 0.01  # short enough not to slow a passing test, long enough not to hog a core


class WaitTimeout(AssertionError):
    """A condition did not hold before its deadline (an AssertionError, so pytest shows it as
    a failed expectation with the message naming what was awaited and what was last seen)."""


def describe(condition: Callable[..., object]) -> str:
    """A name for a condition: its source line for a lambda, else its qualified name."""
    name = getattr(condition, "__qualname__", repr(condition))
    if name.endswith("<lambda>"):
        try:
            source = inspect.getsource(condition).strip()
        except (OSError, TypeError):
            return name
        return source if len(source) <= 160 else source[:157] + "..."
    return name


def wait_until(
    condition: Callable[[], T],
    timeout: float = DEFAULT_TIMEOUT_S,
    what: str | Callable[[], str] = "",
    *,
    interval: float = _POLL_S,
    ignore: tuple[type[BaseException], ...] = (),
    poll: Callable[[], object] | None = None,
) -> T:
    """Call `condition` until it returns something truthy, and return that value.

    `what` names what is awaited in the failure message (default: the condition's source); a
    callable is asked only then, for a message that shows the state at the deadline.
    Exceptions of the `ignore` types count as "not yet" (a server not listening yet); the last
    one is reported if the deadline passes. `poll` runs before each try (e.g. processing Qt
    events, or stepping a simulated clock).
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        if poll is not None:
            poll()
        try:
            value = condition()
        except ignore as exc:
            last = exc
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            named = what() if callable(what) else what
            raise WaitTimeout(
                f"timed out after {timeout:g}s waiting for {named or describe(condition)}; "
                f"last seen: {last!r}"
            )
        time.sleep(interval)


def holds_for(
    condition: Callable[[], object],
    seconds: float,
    what: str = "",
    *,
    interval: float = _POLL_S,
) -> None:
    """Let `seconds` pass on purpose, checking all along that `condition` stays true: the
    scenario is "time passes and nothing happens" (no second read, no busy loop). Fails at
    the first moment it does not hold, naming what and the value seen."""
    end = time.monotonic() + seconds
    while True:
        value = condition()
        if not value:
            raise AssertionError(
                f"stopped holding after {seconds - max(0.0, end - time.monotonic()):.2f}s: "
                f"{what or describe(condition)}; seen: {value!r}"
            )
        if time.monotonic() >= end:
            return
        time.sleep(interval)
