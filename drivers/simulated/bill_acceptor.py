"""An in-process simulated bill acceptor behind `BillAcceptor`, on its own thread.

It follows the ID-003 life of a note (escrow → host decides → vend valid → credited) so the
flows above it see the same event order as with real hardware. The ID-003 driver and its
serial protocol simulator replace it for hardware-level proof.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from drivers.interfaces import (
    HEALTH_OK,
    AcceptorHealthChanged,
    BillEventListener,
    DeviceHealth,
    EscrowDecision,
    EscrowPolicy,
    HealthLevel,
    NoteCredited,
    NoteEscrowed,
    NoteRejected,
    NoteReturned,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Insert:
    denomination_fen: int


@dataclass(frozen=True)
class _Stop:
    pass


class SimulatedBillAcceptor:
    """Notes are inserted with `insert_note`; events are delivered on the acceptor thread."""

    def __init__(self, *, known_denominations_fen: frozenset[int]) -> None:
        self._known = known_denominations_fen
        self._enabled: frozenset[int] = frozenset()
        self._inbox: queue.Queue[_Insert | _Stop] = queue.Queue()
        self._listener: BillEventListener | None = None
        self._policy: EscrowPolicy | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._health = HEALTH_OK
        self.stacked_fen: list[int] = []  # what the cash box physically holds

    def start(self, listener: BillEventListener, escrow_policy: EscrowPolicy) -> None:
        if self._thread is not None:
            raise RuntimeError("acceptor already started")
        self._listener, self._policy = listener, escrow_policy
        self._thread = threading.Thread(target=self._run, name="bill-acceptor", daemon=True)
        self._thread.start()

    def enable(self, denominations_fen: frozenset[int]) -> None:
        with self._lock:
            self._enabled = denominations_fen & self._known

    def disable(self) -> None:
        with self._lock:
            self._enabled = frozenset()

    def health(self) -> DeviceHealth:
        return self._health

    def set_fault(self, health: DeviceHealth | None) -> None:
        """Simulate a fault (jam, stacker full, ...) or clear it with None."""
        self._health = health or HEALTH_OK
        if self._listener is not None:
            self._listener(AcceptorHealthChanged(self._health))

    def insert_note(self, denomination_fen: int) -> None:
        self._inbox.put(_Insert(denomination_fen))

    def close(self) -> None:
        if self._thread is not None:
            self._inbox.put(_Stop())
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._inbox.get()
            if isinstance(item, _Stop):
                return
            try:
                self._handle(item.denomination_fen)
            except Exception:  # a listener bug must not kill the device thread
                log.exception("bill acceptor listener failed")

    def _handle(self, denomination: int) -> None:
        assert self._listener is not None
        assert self._policy is not None
        with self._lock:
            enabled = self._enabled
        if self._health.level is HealthLevel.ERROR:
            self._listener(NoteRejected("acceptor_fault"))
        elif denomination not in self._known:
            self._listener(NoteRejected("unknown_note"))
        elif denomination not in enabled:
            self._listener(NoteRejected("inhibited"))
        else:
            self._listener(NoteEscrowed(denomination))
            if self._policy(denomination) is EscrowDecision.STACK:
                self.stacked_fen.append(denomination)
                # ID-003: vend valid (15) is ACKed by the host; only then is it money.
                self._listener(NoteCredited(denomination))
            else:
                self._listener(NoteReturned(denomination, "host_return"))
