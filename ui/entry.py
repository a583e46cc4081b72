"""Console entry point `kiosk`: the core CLI with this package's Qt frontend plugged in."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import main as core_main

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.core_start import CoreStart


class QtFrontend:
    """Imports Qt only when a command needs the UI, so `kiosk config check` stays light."""

    def prepare(self) -> None:
        import ui.frontend  # noqa: F401 - Qt and the view-models, imported while the core starts

    def run(self, app: KioskApp, *, windowed: bool, starting: CoreStart) -> int:
        from ui.frontend import run_ui

        return run_ui(app, windowed=windowed, starting=starting)

    def demo(self, app: KioskApp, *, out_dir: Path, headless: bool | None) -> int:
        from ui.frontend import run_demo

        return run_demo(app, out_dir=out_dir, headless=headless)


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, frontend=QtFrontend())


if __name__ == "__main__":
    sys.exit(main())
