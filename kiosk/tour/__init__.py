"""The headless demo tour (`kiosk demo --headless`): every customer service and the technician's
main tasks, tapped through the real screens and view-models, each screen and receipt saved, a
table of what central recorded. Qt-free: the UI hands in a `Screen` (kiosk/tour/screen.py)."""

from __future__ import annotations

from kiosk.tour.runner import JOURNEY_KEYS, demo_config, run_tour
from kiosk.tour.screen import Screen, TourFailed

__all__ = ["JOURNEY_KEYS", "Screen", "TourFailed", "demo_config", "run_tour"]
