"""The technician's part of the tour: maintenance entered by the hidden corner taps and the PIN,
the cash box collected (with its slip), paper refilled; then central's fleet page as ops sees it,
screenshotted by headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kiosk.tour.screen import Tour, TourFailed

DEMO_PIN = "246810"  # the demo technician's (runner.demo_config), when the config has none


def maintenance(tour: Tour) -> str:
    settings = tour.app.config.maintenance
    if not settings.technicians:
        raise TourFailed("no technician in maintenance.technicians")
    tour.on("attract")
    for corner in settings.touch_sequence:
        tour.tap(f"maint.corner.{corner}")
    tour.on("maintenance.pin", 10)
    tour.type(DEMO_PIN)
    tour.shot("pin")
    tour.tap("maintenance.pin.enter")
    tour.on("maintenance.home")
    tour.shot("home")
    tour.tap("maintenance.tile.cash")
    tour.on("maintenance.cash")
    tour.idle()
    tour.shot("cash-box")
    before = tour.receipts()
    tour.tap_when_ready("maintenance.cash.collect")
    tour.tap_when_ready("maintenance.cash.confirm")
    tour.idle()
    tour.receipt("collection-slip", before)
    tour.shot("collected")
    tour.tap("nav.back")
    tour.on("maintenance.home")
    tour.tap("maintenance.tile.paper")
    tour.on("maintenance.paper")
    tour.tap_when_ready("maintenance.paper.refilled")
    tour.idle()
    tour.shot("paper")
    tour.tap("nav.back")
    tour.on("maintenance.home")
    tour.tap("maintenance.tile.exit")
    tour.expect("maintenance left", lambda: tour.vm.screen in ("attract", "out_of_service"))
    return "cash collected, paper refilled"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def fleet(tour: Tour) -> str:
    """central's /ops/fleet in headless Chromium (server-rendered: no script needed)."""
    embedded = tour.app.config.central.embedded
    browser = chromium()
    if embedded is None:
        raise TourFailed("the fleet page needs the ops token of the embedded central")
    if browser is None:
        raise TourFailed("chromium is not installed")
    if tour.app.ops.reporter is not None:
        tour.app.ops.reporter.beat()  # the page shows this kiosk's devices and business now
    path = tour.out_dir / f"{tour.prefix}-01-fleet.png"
    url = f"{tour.app.central_url}/ops/fleet?token={embedded.ops_token}"
    profile = tour.out_dir / ".chromium-profile"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--screenshot={path}", "--window-size=1600,1000",
               url]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise TourFailed("chromium took over 60 s") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not Path(path).exists():
        raise TourFailed(f"chromium failed ({done.returncode}): {done.stderr[-300:]!r}")
    tour.files.append(path)
    return "the fleet page"
