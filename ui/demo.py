"""The scripted demo: a cash top-up tapped through every screen, each saved as a PNG."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.central_ops import recorded_topups
from kiosk.errors import CentralUnavailable
from ui.frontend import UiSession
from ui.touch import screenshot, tap, wait_until

DEMO_NUMBER = "13800138000"
DEMO_NOTES_FEN = (5000, 10000)


class DemoFailed(RuntimeError):
    pass


def _tap_through(session: UiSession, shot: Callable[[str], None]) -> None:
    """The customer's journey, tap by tap, with a screenshot of every screen."""
    window, vm = session.window, session.vm
    topup = session.features["topup"]

    def expect(what: str, condition: Callable[[], bool]) -> None:
        if not wait_until(condition, 15.0):
            raise DemoFailed(f"demo stuck waiting for {what} (screen {vm.screen})")

    expect("attract screen", lambda: vm.screen == "attract")
    shot("attract")
    tap(window, "attract.start")
    expect("menu", lambda: vm.screen == "menu")
    shot("menu")
    tap(window, "menu.topup.cash")
    expect("number entry", lambda: vm.screen == "topup.number")
    shot("number-empty")
    for digit in DEMO_NUMBER:
        tap(window, f"key.{digit}")
    shot("number-entered")
    tap(window, "number.next")
    expect("cash screen", lambda: vm.screen == "topup.cash")
    shot("cash-empty")
    total = 0
    for note in DEMO_NOTES_FEN:
        tap(window, f"sim.note.{note}")
        total += note
        expect(f"{total} fen credited", lambda t=total: topup.creditedFen == t)  # type: ignore[misc]
    shot("cash-inserted")
    tap(window, "cash.confirm")
    expect("result screen", lambda: vm.screen == "topup.result")
    shot("result")
    tap(window, "lang.toggle")
    expect("English", lambda: vm.language == "en")
    shot("result-english")


def _report_central(session: UiSession) -> int:
    app, topup = session.app, session.features["topup"]
    embedded = app.config.central.embedded
    if embedded is None:
        print("\nCentral is not embedded: ask its operator what it recorded.")
        return 0
    try:
        records = recorded_topups(app.central_url, embedded.ops_token, DEMO_NUMBER)
    except CentralUnavailable as exc:
        print(f"\nCentral could not be asked: {exc}")
        return 1
    mine = [r for r in records if r.get("txn_id") == topup.txnRef]
    print(f"\nCentral ({app.central_url}) recorded this top-up {len(mine)} time(s):")
    for record in mine:
        print("  " + json.dumps(record, ensure_ascii=False, sort_keys=True))
    return 0 if len(mine) == 1 else 1


def scripted_topup(session: UiSession, out_dir: Path) -> int:
    """Run the journey headless; print the screens, the receipt and central's record."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(name: str) -> None:
        path = out_dir / f"{len(shots) + 1:02d}-{name}.png"
        if not screenshot(session.window).save(str(path)):
            raise DemoFailed(f"cannot write {path}")
        shots.append(path)

    try:
        _tap_through(session, shot)
    except DemoFailed as exc:
        print(f"kiosk demo: {exc}", file=sys.stderr)
        return 1
    print(f"Screens ({len(shots)}) saved in {out_dir}/:")
    for path in shots:
        print(f"  {path.name}")
    print("\nReceipt printed on the simulated ESC/POS printer:")
    receipts = session.app.simulated_receipt_texts()
    print(receipts[-1] if receipts else "  (no receipt was printed)")
    picture = session.app.save_simulated_receipt(out_dir / "receipt.png")
    if picture is not None:
        print(f"(as the customer sees it: {picture})")
    status = _report_central(session)
    if session.warnings:
        print("\nQML warnings:\n  " + "\n  ".join(session.warnings))
        return 1
    return status
