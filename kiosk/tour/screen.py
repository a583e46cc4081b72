"""What the tour needs of the touch UI, and the tour's own helpers over it.

The kiosk core may not import Qt or ui/ (import contracts), so the UI hands the tour a `Screen`:
taps by object name, waits that run the event loop, an item's text, a finger stroke, a picture
of the window, and the navigator and feature view-models as they are (read by attribute). The
`Tour` wraps it with what every journey does: wait for a condition or fail naming it, save a
numbered screenshot, save the receipt the customer got.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from kiosk.app import KioskApp


class TourFailed(Exception):
    """A journey could not go on: what was awaited, and on which screen."""


class Screen(Protocol):
    @property
    def vm(self) -> Any:
        """The navigator view-model (`screen`, `messageKey`, `busy`, `session`, ...)."""
        ...

    @property
    def warnings(self) -> list[str]:
        """QML warnings raised so far."""
        ...

    def feature(self, name: str) -> Any:
        """A feature view-model: topup, payment, account, change, sim, maintenance, auth."""
        ...

    def tap(self, name: str) -> None:
        """A finger on the item with this objectName; raises if it is not tappable."""
        ...

    def tappable(self, name: str) -> bool: ...

    def text(self, name: str) -> str: ...

    def stroke(self, name: str) -> None:
        """A finger stroke across the item (the signature pad)."""
        ...

    def wait(self, condition: Callable[[], object], timeout_s: float) -> bool:
        """Run the UI's event loop until `condition()` holds; False when the time is up."""
        ...

    def save(self, path: Path) -> bool:
        """A PNG of the window as the customer sees it."""
        ...


class Tour:
    """One run's shared state: the app, the screen, where files go, the files written."""

    def __init__(self, app: KioskApp, screen: Screen, out_dir: Path) -> None:
        self.app = app
        self.screen = screen
        self.vm = screen.vm
        self.out_dir = out_dir
        self.files: list[Path] = []
        self.prefix = "tour"
        self._step = 0

    def begin(self, prefix: str) -> None:
        self.prefix = prefix
        self._step = 0

    def expect(self, what: str, condition: Callable[[], object], timeout_s: float = 20.0) -> None:
        if not self.screen.wait(condition, timeout_s):
            raise TourFailed(f"waited {timeout_s:g} s for {what} (screen {self.vm.screen}, "
                             f"message {self.vm.messageKey})")  # fmt: skip

    def on(self, screen: str, timeout_s: float = 20.0) -> None:
        self.expect(f"screen {screen}", lambda: self.vm.screen == screen, timeout_s)

    def idle(self, timeout_s: float = 20.0) -> None:
        self.expect("central's answer", lambda: not self.vm.busy, timeout_s)

    def tap(self, name: str) -> None:
        try:
            self.screen.tap(name)
        except AssertionError as exc:  # the UI's TouchError: not on screen or not tappable
            raise TourFailed(f"cannot tap {name} on screen {self.vm.screen}: {exc}") from None

    def tap_when_ready(self, name: str, timeout_s: float = 20.0) -> None:
        self.expect(f"{name} to be tappable", lambda: self.screen.tappable(name), timeout_s)
        self.tap(name)

    def type(self, digits: str) -> None:
        for digit in digits:
            self.tap(f"key.{digit}")

    def shot(self, name: str) -> Path:
        self._step += 1
        path = self.out_dir / f"{self.prefix}-{self._step:02d}-{name}.png"
        if not self.screen.save(path):
            raise TourFailed(f"cannot write {path}")
        self.files.append(path)
        return path

    def receipts(self) -> int:
        return len(self.app.simulated_receipt_texts())

    def receipt(self, name: str, before: int, timeout_s: float = 15.0) -> Path:
        """The receipt printed since there were `before`, saved as the customer sees it."""
        self.expect(f"the {name} receipt", lambda: self.receipts() > before, timeout_s)
        path = self.out_dir / f"{self.prefix}-receipt-{name}.png"
        saved = self.app.save_simulated_receipt(path)
        if saved is None:
            raise TourFailed(f"the {name} receipt could not be rendered")
        self.files.append(saved)
        return saved

    def home(self) -> None:
        """Back to the attract screen (Finish / Cancel), whatever the journey left."""
        deadline = time.monotonic() + 20.0
        while self.vm.screen != "attract" and time.monotonic() < deadline:
            for name in ("nav.cancel", "maintenance.tile.exit", "nav.back"):
                if self.screen.tappable(name):
                    self.screen.tap(name)
                    break
            self.screen.wait(lambda: self.vm.screen == "attract", 2.0)
        if self.vm.screen != "attract":
            raise TourFailed(f"cannot get back to the attract screen from {self.vm.screen}")

    def start(self) -> None:
        """From the attract screen to the service menu."""
        self.on("attract")
        self.tap_when_ready("attract.start")
        self.on("menu")

    def open(self, service: str) -> None:
        self.tap_when_ready(f"menu.{service}")
