"""Hypothesis settings shared by the fuzz suites (tests/security/test_fuzz_*.py).

Two profiles: "ci" (100 examples per property, fewer for the driver-level ones; the whole
fuzz suite stays within ~40 s on the CI machine) and "soak" (20,000 examples per property),
selected by KIOSK_SOAK=1 as the other long-running suites are. The tests decorate themselves
with `FUZZ` instead of loading a profile globally, so the other hypothesis tests of the suite
keep their own settings.

    KIOSK_SOAK=1 .venv/bin/pytest -q -p no:cacheprovider tests/security \
        --hypothesis-show-statistics
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, currently_in_test_context, event, settings

SOAK = os.environ.get("KIOSK_SOAK") == "1"
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
settings.register_profile(
    "soak", max_examples=20_000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
PROFILE = "soak" if SOAK else "ci"
FUZZ = settings.get_profile(PROFILE)


def scaled(ci: int) -> settings:
    """For a property much slower per example than the others: `ci` examples in CI and the
    same hundredfold share of the soak run."""
    return settings(FUZZ, max_examples=ci * 100 if SOAK else ci)


def note(label: str) -> None:
    """`hypothesis.event` inside a property (counted in --hypothesis-show-statistics), nothing
    when a helper runs outside one (the hand-written controls)."""
    if currently_in_test_context():
        event(label)
