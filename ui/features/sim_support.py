"""Helpers of the SIM screens' view-model (ui/features/sim.py): waiting for an ID card off the
GUI thread, the number picker's filters and rows, and where a card's issue has got to."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drivers.interfaces import IdCardRead, IdCardReadError
from kiosk.central_models import NumberPage
from kiosk.maintenance import IdCardTap
from kiosk.money import format_cny
from kiosk.msisdn import group_mobile

log = logging.getLogger(__name__)

PAGE_SIZE = 12
FILTER_DIGITS_MAX = 4  # central's `contains` and `suffix` take 1–4 digits each
# How the typed digits match: anywhere in the number, or as its ending digits.
DIGIT_MATCHES = ("contains", "ends")
# Price bands of the picker → central's (min_price_fen, max_price_fen), None: no bound. "Lucky"
# numbers are the ones that carry a number fee.
PRICE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "any": (None, None),
    "free": (None, 0),
    "upto100": (None, 10_000),
    "lucky": (1, None),
}
# The card's journey, as the flows' states name it, → the step shown with a tick.
ISSUE_STEPS = ("prepare", "write", "dispense")
STEP_OF_STATE = {
    "paid": 0,
    "checking": 0,
    "started": 0,
    "issuing": 0,
    "writing": 1,
    "dispensing": 2,
    "done": 3,
}


class IdCardWatch:
    """Waits for the next ID card read on its own thread (the reader's events reach the app's
    tap; a customer may take a minute). `on_read(record)` / `on_error(message_key)` are called
    on that thread: post them to the GUI. One read, then the watch ends by itself."""

    def __init__(
        self,
        tap: IdCardTap,
        on_read: Callable[[Any], None],
        on_error: Callable[[str], None],
        poll_s: float = 0.2,
    ) -> None:
        self._tap = tap
        self._on_read = on_read
        self._on_error = on_error
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-idcard", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            event = self._tap.wait(self._poll_s)
            if event is None or self._stop.is_set():
                continue
            if isinstance(event, IdCardRead):
                self._stop.set()
                self._on_read(event.record)
            elif isinstance(event, IdCardReadError):
                self._on_error(event.message_key)

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return not self._stop.is_set()


@dataclass(frozen=True)
class NumberFilters:
    digits: str = ""
    no_four: bool = False
    band: str = "any"
    match: str = "contains"  # DIGIT_MATCHES

    def query(self, page: int) -> dict[str, Any]:
        """Keyword arguments of SimSaleFlow.numbers (central's GET /v1/numbers)."""
        args: dict[str, Any] = {"page": page, "page_size": PAGE_SIZE, "no_four": self.no_four}
        if self.digits:
            args["suffix" if self.match == "ends" else "contains"] = self.digits
        low, top = PRICE_BANDS.get(self.band, (None, None))
        if low is not None:
            args["min_price_fen"] = low
        if top is not None:
            args["max_price_fen"] = top
        return args


def number_rows(page: NumberPage, selected: str) -> list[dict[str, Any]]:
    return [
        {
            "msisdn": n.msisdn,
            "display": group_mobile(n.msisdn),
            "priceFen": n.price_fen,
            "priceText": format_cny(n.price_fen),
            "selected": n.msisdn == selected,
        }
        for n in page.numbers
    ]


def page_count(page: NumberPage | None) -> int:
    if page is None or page.total <= 0:
        return 0
    return (page.total + page.page_size - 1) // page.page_size


def seconds_until(moment: datetime | None) -> int:
    if moment is None:
        return 0
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return max(int((aware - datetime.now(UTC)).total_seconds()), 0)


def clock_text(seconds: int) -> str:
    return f"{seconds // 60:d}:{seconds % 60:02d}"


def step_of(flow: object) -> int:
    """Which issue step a flow is on (its `state`, enum or text); -1 if it does not say."""
    state = getattr(flow, "state", None)
    value = getattr(state, "value", state)
    return STEP_OF_STATE.get(str(value), -1) if value is not None else -1
