"""tests/support's waiting: what `wait_until` returns, how its failure reads, which exceptions it
rides out; `holds_for` fails the moment its condition stops holding."""

from __future__ import annotations

import itertools

import pytest

from tests.support import WaitTimeout, holds_for, wait_until


def test_returns_the_first_truthy_value() -> None:
    counter = itertools.count()
    assert wait_until(lambda: max(next(counter) - 2, 0) * 10, what="the third try") == 10


def test_a_timeout_names_what_was_awaited_and_the_last_value() -> None:
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: [], timeout=0.05, what="the list to fill")
    assert "waiting for the list to fill; last seen: []" in str(err.value)
    assert isinstance(err.value, AssertionError)  # pytest reports it as a failed expectation


def test_a_callable_what_is_asked_at_the_deadline() -> None:
    seen: list[str] = []
    with pytest.raises(WaitTimeout, match=r"the queue to empty \(holds \['a'\]\)"):
        wait_until(
            lambda: not seen,
            0.05,
            lambda: f"the queue to empty (holds {seen})",
            poll=lambda: seen[:] or seen.append("a"),
        )


def test_without_what_the_message_quotes_the_condition() -> None:
    empty: list[int] = []
    with pytest.raises(WaitTimeout, match=r"lambda: len\(empty\) == 3"):
        wait_until(lambda: len(empty) == 3, timeout=0.05)


def test_ignored_exceptions_count_as_not_yet_and_the_last_is_reported() -> None:
    tries = itertools.count()

    def connect() -> str:
        if next(tries) < 3:
            raise ConnectionRefusedError("not listening yet")
        return "connected"

    assert wait_until(connect, ignore=(ConnectionRefusedError,)) == "connected"
    with pytest.raises(WaitTimeout, match="not listening yet"):
        wait_until(connect_never, timeout=0.05, ignore=(ConnectionRefusedError,))
    with pytest.raises(ValueError, match="invalid literal"):  # anything else ends it at once
        wait_until(lambda: int("x"), ignore=(ConnectionRefusedError,))


def connect_never() -> bool:
    raise ConnectionRefusedError("not listening yet")


def test_poll_runs_before_each_try() -> None:
    steps: list[int] = []
    wait_until(lambda: len(steps) >= 3, poll=lambda: steps.append(1))
    assert len(steps) == 3


def test_holds_for_passes_while_true_and_fails_naming_the_value() -> None:
    holds_for(lambda: True, 0.03, "always")
    values = iter([0, 0, 1, 2])
    with pytest.raises(AssertionError, match="nothing new; seen: False"):
        holds_for(lambda: next(values) == 0, 5, "nothing new")
