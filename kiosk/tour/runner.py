"""Runs the tour: each journey from the attract screen and back, timed; what central recorded for
it (the outbox items it sent, with central's verdicts); every screen and receipt in the output
folder; a table at the end. Exit status 0 only if every journey succeeded."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kiosk.app import JOURNAL_FILE, KioskApp
from kiosk.config import KioskConfig
from kiosk.maintenance_auth import hash_secret
from kiosk.maintenance_settings import Technician
from kiosk.tour import customer, sim, staff
from kiosk.tour.screen import Screen, Tour, TourFailed

DELIVERY_WAIT_S = 15.0
ONLINE_ONLY = "(online calls only)"


@dataclass(frozen=True)
class Journey:
    key: str
    title: str
    run: Callable[[Tour], str]
    on_screen: bool = True  # starts and ends on the attract screen


JOURNEYS = (
    Journey("topup.cash", "现金充值 cash top-up", customer.cash_topup),
    Journey("topup.card", "银行卡充值 card top-up", customer.card_topup),
    Journey("bill.cash", "现金缴费 bill by cash", customer.bill_cash),
    Journey("bill.card", "银行卡缴费 bill by card", customer.bill_card),
    Journey("account", "查询打印 balance/bill/records/invoice", customer.account),
    Journey("change.plan", "套餐变更 plan change", customer.plan_change),
    Journey("change.service", "业务开关 service on/off", customer.service_switch),
    Journey("sim.sale", "新号入网 SIM sale", sim.sim_sale),
    Journey("sim.replacement", "补换SIM卡 SIM replacement", sim.sim_replacement),
    Journey("maintenance", "维护 PIN, cash, paper", staff.maintenance),
    Journey("fleet", "运营 fleet page (Chromium)", staff.fleet, on_screen=False),
)
JOURNEY_KEYS = tuple(j.key for j in JOURNEYS)


@dataclass(frozen=True)
class Outcome:
    key: str
    ok: bool
    shown: str  # the journey's own summary, or why it failed
    recorded: str  # what central recorded
    seconds: float


def demo_config(config: KioskConfig) -> KioskConfig:
    """The demo's config: a demo technician (PIN staff.DEMO_PIN) when the file names none, so
    that the tour and a demo visitor can open maintenance. Never applied by `kiosk run`."""
    if config.maintenance.technicians:
        return config
    technician = Technician(id="DEMO", name="演示维护员", pin_hash=hash_secret(staff.DEMO_PIN,
                                                                            n=2**12))  # fmt: skip
    maintenance = config.maintenance.model_copy(update={"technicians": (technician,)})
    return config.model_copy(update={"maintenance": maintenance})


def _last_outbox_id(app: KioskApp) -> int:
    with closing(sqlite3.connect(f"file:{app.data_dir / JOURNAL_FILE}?mode=ro", uri=True)) as db:
        (last,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()
    return int(last)


def _sent_since(app: KioskApp, after: int) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(f"file:{app.data_dir / JOURNAL_FILE}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT key, kind FROM outbox WHERE id > ? ORDER BY id", (after,))
        return [(str(key), str(kind)) for key, kind in rows.fetchall()]


def _recorded(app: KioskApp, after: int) -> str:
    """Each outbox item the journey sent, with central's verdict once it acked it."""
    parts = []
    for key, kind in _sent_since(app, after):
        if kind.startswith("heartbeat"):
            continue
        result = app.wait_delivered(key, DELIVERY_WAIT_S)
        if result is None:
            parts.append(f"{kind}: not yet")
        else:
            status = result.get("status", "ok")
            parts.append(f"{kind}: {status}")
    return "; ".join(parts) or ONLINE_ONLY


def _run_one(tour: Tour, journey: Journey) -> Outcome:
    app = tour.app
    tour.begin(journey.key.replace(".", "-"))
    started = time.monotonic()
    before = _last_outbox_id(app)
    try:
        shown = journey.run(tour)
        ok = True
    except (TourFailed, OSError, RuntimeError, ValueError, KeyError) as exc:
        shown, ok = f"FAILED: {exc}", False
        with suppress(TourFailed):
            tour.shot("failed")
    if journey.on_screen:
        try:
            tour.home()
        except TourFailed as exc:
            shown, ok = f"{shown}; {exc}", False
    recorded = _recorded(app, before) if ok or journey.on_screen else "-"
    if recorded == ONLINE_ONLY and ok:
        recorded = f"online: {shown}"  # central's business API answered it at once
    if ok and "not yet" in recorded:
        ok = False
    return Outcome(journey.key, ok, shown, recorded, time.monotonic() - started)


def table(outcomes: list[Outcome], out: TextIO) -> None:
    rows = [("SERVICE", "RESULT", "CENTRAL RECORDED", "SECONDS")]
    rows += [(o.key, "ok" if o.ok else "FAILED", o.recorded, f"{o.seconds:.1f}") for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]:>7}",
              file=out)  # fmt: skip


def run_tour(
    app: KioskApp,
    screen: Screen,
    out_dir: Path,
    *,
    only: str | None = None,
    out: TextIO | None = None,
) -> int:
    """Run every journey (or `only` one) and print the table. 0 only if all succeeded."""
    out = out or sys.stdout
    chosen = [j for j in JOURNEYS if only in (None, j.key)]
    if not chosen:
        print(f"kiosk demo: no journey {only!r} (one of: {', '.join(JOURNEY_KEYS)})", file=out)
        return 2
    out_dir.mkdir(parents=True, exist_ok=True)
    tour = Tour(app, screen, out_dir)
    started = time.monotonic()
    outcomes = []
    for journey in chosen:
        outcome = _run_one(tour, journey)
        outcomes.append(outcome)
        print(f"{journey.title}: {outcome.shown} ({outcome.seconds:.1f} s)", file=out, flush=True)
    print(f"\n{len(tour.files)} screens and receipts in {out_dir}/", file=out)
    table(outcomes, out)
    print(f"\ntour: {time.monotonic() - started:.1f} s", file=out)
    if screen.warnings:
        print("\nQML warnings:\n  " + "\n  ".join(screen.warnings), file=out)
        return 1
    return 0 if all(o.ok for o in outcomes) else 1
