"""The ID card reader's events for the screens and maintenance (re-exported by
kiosk.maintenance, where the UI imports it from): IdCardTap."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from drivers.interfaces import (
    IdCardEvent,
    IdCardRead,
    IdCardReadError,
    IdCardRecord,
    IdCardRemoved,
)

log = logging.getLogger(__name__)


class IdCardTap:
    """The ID card reader's events for whoever needs them: screens that `listen` (every event,
    on the reader's thread), a self-test that `wait`s for one read, and the record read while
    the card still lies on the reader (`last_read_while_present`), for a screen opened after
    the card was placed (the reader reads a card once per placement).

    The app forwards every event here. The record is personal data: it is held only while the
    card is on the reader (dropped on removal, or by `forget`) and never logged unmasked."""

    def __init__(self) -> None:
        self._waiters: list[queue.Queue[IdCardEvent]] = []
        self._listeners: list[Callable[[IdCardEvent], None]] = []
        self._lock = threading.Lock()
        self._present = False
        self._record: IdCardRecord | None = None

    def on_event(self, event: IdCardEvent) -> None:
        with self._lock:
            if isinstance(event, IdCardRemoved):
                self._present, self._record = False, None
            elif isinstance(event, IdCardRead):
                self._present, self._record = True, event.record
            else:  # present, or a failed read: a card lies there, nothing read from it
                self._present, self._record = True, None
            waiters, listeners = list(self._waiters), list(self._listeners)
        for waiter in waiters:
            waiter.put(event)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # one screen's bug must not keep the event from the others
                log.exception("ID card listener failed on %s", type(event).__name__)

    def listen(self, callback: Callable[[IdCardEvent], None]) -> Callable[[], None]:
        """Call `callback` with every event from now on, on the reader's thread (it must not
        block; a GUI hands the event over to its own thread). Returns the unsubscribe call
        (safe to call more than once). Subscribe first, then ask `last_read_while_present`,
        so no read falls between the two."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def card_present(self) -> bool:
        """A card lies on the reader now (as far as its events said)."""
        with self._lock:
            return self._present

    def last_read_while_present(self) -> IdCardRecord | None:
        """The record read from the card that still lies on the reader; None when no card
        is there, its read failed, or the record was forgotten."""
        with self._lock:
            return self._record

    def forget(self) -> None:
        """Drop the held record now (a customer session ended with the card left on the
        reader: the next customer must not be identified by it). The card has to be removed
        and placed again to be read again."""
        with self._lock:
            self._record = None

    def wait(self, timeout_s: float) -> IdCardEvent | None:
        """The next read or read error within `timeout_s`; None if no card came."""
        waiter: queue.Queue[IdCardEvent] = queue.Queue()
        with self._lock:
            self._waiters.append(waiter)
        try:
            while True:
                event = waiter.get(timeout=timeout_s)
                if isinstance(event, IdCardRead | IdCardReadError):
                    return event
        except queue.Empty:
            return None
        finally:
            with self._lock:
                self._waiters.remove(waiter)
