"""Finding the items central cannot take: which keys the sync worker sends next after a whole
batch was refused (4xx) or failed on (500), and the evidence it keeps before it dead-letters one.

Pure bookkeeping in memory, no I/O: the worker (worker.py) does the sending and the recording,
under its run lock. After a restart everything here starts again from nothing, which can only
delay a dead letter, never cause one. The rules themselves are explained in worker.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

# Keys remembered with the acceptance count at their last 500. Bounded, because while central
# answers 500 to everything every item of the backlog would be remembered; a key evicted only
# loses a strike it might have earned later (it must wait for a new 500, then new proof).
_REMEMBERED_500S = 2000

_Why = Literal["refused", "crashed"]


@dataclass(frozen=True)
class Strike:
    """What a lone 500 meant for an item: whether it counted, its strikes, whether it is dead."""

    counted: bool
    strikes: int
    dead: bool


class Bisection:
    """The worker's plan: key groups still to send (next first), items set aside until central
    accepts something, and the items kept apart because central fails on them."""

    def __init__(self, strikes_to_dead: int) -> None:
        if strikes_to_dead < 1:
            raise ValueError("strikes_to_dead must be at least 1")
        self.strikes_to_dead = strikes_to_dead
        self._groups: list[tuple[str, ...]] = []
        # Items refused or failed on alone while nothing showed central up. They stay out of
        # the ordinary batches until central accepts something (then they go alone again), so
        # that two poison items cannot keep travelling together, refused or failed on together
        # each time before central has accepted anything; with nothing else to send they go
        # back to the ordinary flow (central may be refusing or failing on everything).
        self._set_aside: dict[str, _Why] = {}
        # 4xx: whether central accepted a request since the last refusal we could not explain.
        self._accepted_since_refusal = False
        # 500: requests central answered (200) so far, and the count at each item's last 500
        # (until central answers for it). "Accepted since then" is the proof that central is up
        # and not failing on everything.
        self._accepted = 0
        self._last_500: dict[str, int] = {}
        # Items kept apart, with their strikes: lone 500s, each after central had accepted some
        # other request since the item's previous 500.
        self._suspects: dict[str, int] = {}

    @property
    def active(self) -> bool:
        """Groups or set-aside items are waiting: the worker goes on at once, no idle wait."""
        return bool(self._groups or self._set_aside)

    def suspects(self) -> list[str]:
        """Items kept apart: never batched with others, sent alone when due."""
        return list(self._suspects)

    def held_back(self) -> set[str]:
        """Items the next ordinary batch leaves out: those kept apart and those set aside."""
        return {*self._suspects, *self._set_aside}

    def release_set_aside(self) -> bool:
        """Nothing else to send: the items set aside go back to the ordinary flow."""
        released = bool(self._set_aside)
        self._set_aside.clear()
        return released

    def forget(self, keys: Iterable[str]) -> None:
        """These items left `pending` (answered, dead-lettered, or by another process)."""
        for key in keys:
            self._suspects.pop(key, None)
            self._set_aside.pop(key, None)
            self._last_500.pop(key, None)

    def next_group(self) -> tuple[str, ...] | None:
        """The next keys to send together, or None: then the worker sends an ordinary batch."""
        if not self._groups and self._set_aside:
            # The rest of the bisection is sent: an item set aside goes alone again once
            # central has accepted something since (the proof it is up).
            proven = [key for key, why in self._set_aside.items() if self._proof(key, why)]
            for key in proven:
                del self._set_aside[key]
            self._groups = [(key,) for key in proven]
        return self._groups.pop(0) if self._groups else None

    def accepted(self, keys: Iterable[str]) -> None:
        """Central answered a request (200): it is up, and these items did not make it fail."""
        self._accepted += 1
        self._accepted_since_refusal = True
        self.forget(keys)

    def refused_batch(self, keys: Sequence[str]) -> None:
        """Central refused a request of several items (4xx): send its halves next."""
        self._accepted_since_refusal = False
        self._split(keys)

    def refused_alone(self, key: str) -> bool:
        """Central refused `key` sent alone (4xx). True: dead-letter it now (central accepted
        something since the last unexplained refusal). False: it is set aside."""
        if self._accepted_since_refusal:
            self.forget([key])
            return True
        self._set_aside[key] = "refused"
        return False

    def crashed_batch(self, keys: Sequence[str]) -> None:
        """Central failed (500) on a request of several items: send its halves next."""
        for key in keys:
            self._remember_500(key)
        self._split(keys)

    def crashed_alone(self, key: str) -> Strike:
        """Central failed (500) on `key` sent alone. A strike only if central accepted some other
        request since this item's previous 500; without that proof central may be failing on
        everything, and the 500 says nothing about the item."""
        counted = self._proof(key, "crashed")
        strikes = self._suspects.get(key, 0) + (1 if counted else 0)
        if strikes >= self.strikes_to_dead:
            self.forget([key])
            return Strike(counted=counted, strikes=strikes, dead=True)
        self._remember_500(key)  # the next strike needs proof newer than this 500
        if strikes:
            self._suspects[key] = strikes
        else:
            self._set_aside[key] = "crashed"
        return Strike(counted=counted, strikes=strikes, dead=False)

    def _split(self, keys: Sequence[str]) -> None:
        half = (len(keys) + 1) // 2
        self._groups[:0] = [tuple(keys[:half]), tuple(keys[half:])]

    def _proof(self, key: str, why: _Why) -> bool:
        if why == "refused":
            return self._accepted_since_refusal
        mark = self._last_500.get(key)
        return mark is not None and self._accepted > mark

    def _remember_500(self, key: str) -> None:
        self._last_500.pop(key, None)  # re-inserted last: the dict's order is the eviction order
        self._last_500[key] = self._accepted
        if len(self._last_500) > _REMEMBERED_500S:
            del self._last_500[next(iter(self._last_500))]
