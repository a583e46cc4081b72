"""The kiosk side of the crash harness (tests/reliability/journeys.py), run headless in a child.

    python -m tests.reliability.crash_child CONFIG JOURNEYS STOP_AT [OPTIONS]

Boots the whole kiosk core from CONFIG exactly as `kiosk run` does (KioskApp.start: journal,
recovery, outbox sync, devices), waits until the outbox is delivered, prints `ready`, then runs
the comma-separated JOURNEYS one after the other, as a customer at the screen would:

    topup_cash · topup_card · bill_cash · bill_card · sim_cash

The devices are the parent's: the ID-003 simulator on a pseudo-terminal, the nexo terminal
simulator on a loopback port, pcscd's virtual reader — they outlive a SIGKILL of this process,
as hardware outlives a crash of the kiosk software. The customer is the parent too: this process
prints `insert FEN` and the parent puts the note into the acceptor simulator.

Lines on stdout (the parent reads them): `ready` · `journey N KIND` · `insert FEN` ·
`journalled SEQ TXN KIND` (after each journal event is durable) · `done N OUTCOME` · `finished`.
STOP_AT > 0: after that many journal events of this process, it freezes in place for the parent
to SIGKILL it, so the kill lands exactly between that event and what the flow does next.
OPTIONS, comma-separated: `sync_off` — the journal's database runs with `PRAGMA
synchronous=OFF`, the negative control of the power-loss test, which must then lose acknowledged
money; `hold=PATH` — at STOP_AT it waits until PATH exists instead of freezing (the parent
breaks the disk meanwhile: tests/reliability/test_disk_faults.py); `hold_kind=KIND` — STOP_AT
counts only the journal events of that kind.

When the kiosk goes out of service (its storage failed) during a journey, it says
`out_of_service REASON`, tries to start a new top-up as the next customer would (`refused KEY`
or `accepted`), says `halted` and waits to be killed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from drivers.interfaces import IdCardRecord, Sex
from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.errors import JournalError
from kiosk.journal import Entry, Journal
from tests.support import WaitTimeout
from tests.support import wait_until as support_wait_until

TOPUP_MSISDN = "13800138000"  # 张三
BILL_MSISDN = "13900139000"  # 李四: pays toward the balance, any amount
CASH_NOTES_FEN = (5000, 2000, 1000)  # a top-up with several notes
BILL_NOTES_FEN = (2000, 1000)
CARD_AMOUNT_FEN = 3000
SIM_NOTES_FEN = (5000, 5000)
TODAY = date(2026, 11, 22)
JOURNEYS = ("topup_cash", "topup_card", "bill_cash", "bill_card", "sim_cash")

_print_lock = threading.Lock()


def say(*words: object) -> None:
    with _print_lock:
        print(*words, flush=True)


def announcing(
    stop_at: int, sync_off: bool, hold: Path | None = None, hold_kind: str | None = None
) -> None:
    """Every durable journal event is printed; after the stop_at-th this process freezes (or,
    with `hold`, waits until that file exists)."""
    real_record = Journal.record
    real_init = Journal.__init__
    count = 0
    lock = threading.Lock()

    def init(self: Journal, path: Path) -> None:
        real_init(self, path)
        if sync_off:
            self._conn.execute("PRAGMA synchronous=OFF")

    def record(self: Journal, entry: Entry) -> int:
        nonlocal count
        seq = real_record(self, entry)
        with lock:
            count += hold_kind is None or entry.kind == hold_kind
            mine = count if hold_kind is None or entry.kind == hold_kind else -1
        say("journalled", seq, entry.txn_id, entry.kind)
        if mine == stop_at:
            if hold is None:
                time.sleep(3600)  # the scenario: SIGKILLed here
            else:  # held until the parent lets it go on
                support_wait_until(hold.exists, 3600, f"{hold} (the parent's go)", interval=0.005)
        return seq

    Journal.__init__ = init  # type: ignore[method-assign]
    Journal.record = record  # type: ignore[method-assign]


_apps: list[KioskApp] = []  # this process's kiosk, once built


def wait_until(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """tests.support's wait_until, ended early by a disk failure (the kiosk out of service)."""

    def holds() -> bool:
        for app in _apps:
            if app.out_of_service_reason is not None:
                raise JournalError(app.out_of_service_reason)  # the disk failed meanwhile
        return condition()

    try:
        support_wait_until(holds, timeout_s, interval=0.005)
    except WaitTimeout as exc:
        raise SystemExit(f"crash_child: {exc}") from exc  # the parent sees the child end


def _notes(paid: Callable[[], int], notes: tuple[int, ...]) -> None:
    total = 0
    for fen in notes:
        say("insert", fen)
        total += fen
        wait_until(lambda expected=total: paid() >= expected)


def topup_cash(app: KioskApp) -> str:
    flow = app.new_topup(lambda _snap: None)
    try:
        flow.submit_number(TOPUP_MSISDN)
        _notes(lambda: flow.snapshot.credited_fen, CASH_NOTES_FEN)
        flow.confirm()
    finally:
        app.end_flow()
    return "ok"


def topup_card(app: KioskApp) -> str:
    result = app.new_card_topup().pay(TOPUP_MSISDN, CARD_AMOUNT_FEN)
    return type(result.outcome).__name__


def bill_cash(app: KioskApp) -> str:
    flow = app.new_bill_payment()
    try:
        flow.look_up(BILL_MSISDN)
        intake = flow.start_cash(sum(BILL_NOTES_FEN))
        _notes(lambda: intake.paid_fen, BILL_NOTES_FEN)
        flow.finish_cash()
    finally:
        app.end_flow()
    return "ok"


def bill_card(app: KioskApp) -> str:
    flow = app.new_bill_payment()
    flow.look_up(BILL_MSISDN)
    result = flow.pay_card(CARD_AMOUNT_FEN)
    return type(result.outcome).__name__ if result.outcome is not None else "ok"


def sim_cash(app: KioskApp) -> str:
    from tests.central.business_client import ZHANG_SAN_CARD

    flow = app.new_sim_sale()
    try:
        card = IdCardRecord(
            name=ZHANG_SAN_CARD["name"], sex=Sex.MALE, ethnicity_code="01",
            birth_date=date(1990, 3, 7), address="北京市东城区",
            id_number=ZHANG_SAN_CARD["id_number"], issuer="北京市公安局东城分局",
            valid_from=date(2020, 1, 1), valid_to=date(2040, 1, 1),
        )  # fmt: skip
        flow.check_identity(card, TODAY)
        page = flow.numbers(page_size=50)
        number = next(n for n in page.numbers if n.price_fen == 0)
        flow.reserve(number.msisdn)
        flow.accept_agreement()
        intake = flow.start_cash()
        _notes(lambda: intake.paid_fen, SIM_NOTES_FEN[: 1 if intake.due_fen <= 5000 else 2])
        flow.finish_payment()
        flow.issue()
    finally:
        app.end_flow()
    return "ok"


RUNNERS: dict[str, Callable[[KioskApp], str]] = {
    "topup_cash": topup_cash,
    "topup_card": topup_card,
    "bill_cash": bill_cash,
    "bill_card": bill_card,
    "sim_cash": sim_cash,
}


def settled(app: KioskApp) -> bool:
    """Recovery's postings delivered and no card payment left to ask about."""
    assert app.store is not None
    stats = app.store.stats()
    return stats.pending == 0


def out_of_service(app: KioskApp) -> None:
    """The disk failed: say so, try what the next customer would, wait for the kill."""
    say("out_of_service", app.out_of_service_reason)
    try:
        app.new_topup(lambda _snap: None)
        say("accepted")
    except JournalError as exc:
        say("refused", exc.message_key)
    say("halted")
    time.sleep(3600)  # the scenario: halted until the parent kills it


def main(argv: list[str]) -> None:
    config_path, journeys, stop_at = Path(argv[1]), argv[2], int(argv[3])
    options = {
        word.partition("=")[0]: word.partition("=")[2]
        for word in (argv[4] if len(argv) > 4 else "").split(",")
        if word
    }
    hold = Path(options["hold"]) if options.get("hold") else None
    announcing(stop_at, "sync_off" in options, hold, options.get("hold_kind") or None)
    app = KioskApp(load_config(config_path))
    _apps.append(app)
    app.start()
    try:
        app.worker.kick()  # type: ignore[union-attr]
        wait_until(lambda: settled(app), 30.0)
        say("ready")
        for number, kind in enumerate(filter(None, journeys.split(","))):
            say("journey", number, kind)
            try:
                outcome = RUNNERS[kind](app)
            except Exception:
                if app.out_of_service_reason is None:
                    raise
                out_of_service(app)
            if app.out_of_service_reason is not None:
                out_of_service(app)
            say("done", number, outcome)
        wait_until(lambda: settled(app), 30.0)
        say("finished")
    finally:
        app.stop()


def serve() -> None:
    """A fork server: everything imported once, then one forked kiosk per request line
    `OUT_FILE CONFIG JOURNEYS STOP_AT [OPTIONS]` (its pid is answered on stdout). Forking
    from a process that imported the kiosk spares each boot ~1 s of imports; what a boot does
    (journal, recovery, sync, devices) happens in full in each child."""
    import os
    import signal

    import drivers.escpos.driver  # noqa: F401  (the slowest import of a boot)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    print("serving", flush=True)
    for request in sys.stdin:
        out_file, *args = request.split()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            out = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            err = os.open(out_file + ".err", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(out, 1)
            os.dup2(err, 2)
            sys.stdin.close()
            code = 0
            try:
                main(["crash_child", *args])
            except BaseException:  # reported, then the child ends
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        main(sys.argv)
