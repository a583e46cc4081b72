"""Single-frame faults on the simulated ID-003 serial line: drop, corrupt or delay one frame.

A plan names frames by direction and position, counted from an anchor: the first frame the host
sends while the simulated unit holds a note in escrow (that poll is host→unit frame 0, its
ESCROW answer unit→host frame 0). Positions are therefore the same in every run of one note's
story, whatever the host did before, so a test can walk every frame of escrow → STACK-1 →
stacking → vend valid → stacked (or of RETURN) and break exactly one.

A delay holds the line (the frame and everything behind it, as a stalled UART or USB adapter
does: nothing overtakes on a serial line); a corrupted frame has one byte flipped, so its CRC
fails at the receiver, which is all a receiver can see of line noise.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass


class Direction(enum.Enum):
    TO_UNIT = "host_to_unit"
    TO_HOST = "unit_to_host"


class LinkAction(enum.Enum):
    DROP = "drop"
    CORRUPT = "corrupt"
    DELAY = "delay"


@dataclass(frozen=True)
class LinkFault:
    direction: Direction
    position: int  # frames of this direction since the anchor, from 0
    action: LinkAction


def corrupted(frame: bytes) -> bytes:
    """The frame with its command byte flipped: the CRC no longer matches."""
    if len(frame) < 3:
        return bytes(b ^ 0xFF for b in frame)
    return frame[:2] + bytes((frame[2] ^ 0x5A,)) + frame[3:]


class LinkFaults:
    """The plan and the record of the line. Thread-safe: the simulator's thread consults it,
    a test arms it and reads the trace."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[tuple[Direction, int], LinkAction] = {}
        self._active = False  # armed by a test: look for the anchor
        self._anchored = False
        self._counts = {Direction.TO_UNIT: 0, Direction.TO_HOST: 0}
        self.delay_s = 0.0
        self.trace: list[tuple[Direction, bytes, LinkAction | None]] = []  # after the anchor
        self.applied: list[LinkFault] = []

    def arm(self, *faults: LinkFault, delay_s: float = 0.0) -> None:
        """Start a new plan: counting waits for the next escrow."""
        with self._lock:
            self._faults = {(f.direction, f.position): f.action for f in faults}
            self._active = True
            self._anchored = False
            self._counts = {Direction.TO_UNIT: 0, Direction.TO_HOST: 0}
            self.delay_s = delay_s
            self.trace = []
            self.applied = []

    def disarm(self) -> None:
        with self._lock:
            self._faults = {}
            self._active = self._anchored = False

    def anchor(self) -> None:
        """The unit holds a note in escrow as a host frame arrives: counting starts here
        (once per plan)."""
        with self._lock:
            if self._active:
                self._anchored = True

    @property
    def anchored(self) -> bool:
        with self._lock:
            return self._anchored

    def take(self, direction: Direction, frame: bytes) -> LinkAction | None:
        """What happens to this frame (None: it passes untouched); recorded in the trace."""
        with self._lock:
            if not self._anchored:
                return None
            position = self._counts[direction]
            self._counts[direction] = position + 1
            action = self._faults.get((direction, position))
            self.trace.append((direction, frame, action))
            if action is not None:
                self.applied.append(LinkFault(direction, position, action))
            return action
