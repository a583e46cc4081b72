"""What every test directory shares: one way to wait for a condition (`wait_until`), one way to
let time pass on purpose (`holds_for`), builders for the rigs the flow tests assemble, and the
suite's own pcscd (tests/support/pcscd.py)."""

from __future__ import annotations

from tests.support.waiting import WaitTimeout, holds_for, wait_until

__all__ = ["WaitTimeout", "holds_for", "wait_until"]
