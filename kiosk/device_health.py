"""The device-health monitor: every few seconds, off the GUI thread (a printer's status query is
I/O), each device is asked for its health; the last answers are kept for whoever asks (the
service catalogue, the health reporter, the maintenance screens) without any I/O, and a change
is announced at once (central hears of a device fault without waiting for the next beat).

A device that never started, or whose driver raises while asked, is reported as an error. The
same thread also runs the app's periodic card settling (card payments left in doubt asked about
again) every `settle_every` rounds. This module names no driver: the app hands it its devices.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from drivers.errors import DriverError
from drivers.interfaces import DeviceHealth, HealthLevel
from kiosk.errors import JournalError

log = logging.getLogger(__name__)

# Codes a just-started device passes through while it initialises (an acceptor's power-up).
TRANSIENT_HEALTH = frozenset({"starting", "power_up"})
HEALTH_REFRESH_S = 3.0
CARD_SETTLE_EVERY = 10  # health rounds: ask about in-doubt card payments every 30 s
NOT_STARTED = DeviceHealth(HealthLevel.ERROR, "not_started", "device.unavailable")


class Reports(Protocol):
    """What the monitor needs of a device: every driver interface has it."""

    def health(self) -> DeviceHealth: ...


class DeviceHealthMonitor:
    """Keeps every configured device's last health; `start` runs the watcher thread."""

    def __init__(
        self,
        devices: Callable[[], Mapping[str, Reports | None]],
        on_change: Callable[[], None],
        *,
        settle_cards: Callable[[], object] = lambda: None,
        refresh_s: float = HEALTH_REFRESH_S,
        settle_every: int = CARD_SETTLE_EVERY,
    ) -> None:
        self._devices = devices  # name → device (None: configured but not started)
        self._on_change = on_change
        self._settle_cards = settle_cards
        self._refresh_s = refresh_s
        self._settle_every = settle_every
        self._health: dict[str, DeviceHealth] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> dict[str, DeviceHealth]:
        """Ask every device now (I/O); `on_change` is called if any answer changed."""
        fresh = {}
        for name, device in self._devices().items():
            if device is None:
                fresh[name] = NOT_STARTED
                continue
            try:
                fresh[name] = device.health()
            except DriverError as exc:
                fresh[name] = DeviceHealth(HealthLevel.ERROR, "error", exc.message_key, str(exc))
        with self._lock:
            changed, self._health = fresh != self._health, fresh
        if changed:
            self._on_change()
        return fresh

    def last(self) -> dict[str, DeviceHealth]:
        """The last health of every device (no I/O here)."""
        with self._lock:
            return dict(self._health)

    def settle(self, timeout_s: float) -> dict[str, DeviceHealth]:
        """Give devices that just started time to initialise (an acceptor reports power-up
        first); return their health then."""
        deadline = time.monotonic() + timeout_s
        health = self.refresh()
        while time.monotonic() < deadline and any(
            h.code in TRANSIENT_HEALTH for h in health.values()
        ):
            time.sleep(0.05)
            health = self.refresh()
        return health

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _watch(self) -> None:
        """Device health off the GUI thread; card payments left in doubt are asked about
        again now and then until the terminal answers."""
        rounds = 0
        while not self._stopping.wait(self._refresh_s):
            self.refresh()
            rounds += 1
            if rounds % self._settle_every == 0:
                try:
                    self._settle_cards()
                except (JournalError, DriverError) as exc:
                    log.error("settling open card payments: %s", exc)
