"""Technician commands of the `kiosk` CLI (a laptop on the service port): PIN hashes, cash box
status and collection, paper refill, out-of-service switch, journal check, dead letters, log
tail. They call the same functions as the maintenance screens; whatever changes something asks
for the technician's id and PIN first (same lockout) and is journalled like on the screen."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import offline_queue
from drivers.errors import DriverError
from drivers.interfaces import ReceiptPrinter
from kiosk.config import KioskConfig
from kiosk.errors import KioskError
from kiosk.journal import Journal
from kiosk.lock import DataFolderLock
from kiosk.logging_setup import log_folder
from kiosk.maintenance import IdCardTap, MaintenanceParts, MaintenanceSession, SelfTest
from kiosk.maintenance_auth import (
    MAX_PIN_DIGITS,
    MIN_PIN_DIGITS,
    MaintenanceError,
    MaintenanceGate,
    hash_secret,
    valid_pin,
)
from kiosk.maintenance_cash import collection_slip, last_collection
from kiosk.maintenance_status import (
    PAPER_FILE,
    SERVICE_FILE,
    PaperMonitor,
    ServiceSwitch,
    recent_log_lines,
)
from kiosk.money import format_cny

JOURNAL_FILE = "kiosk.db"  # as kiosk.app names it (the CLI module must not need the app here)
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    maintenance = commands.add_parser("maintenance", help="maintenance mode set-up")
    actions = maintenance.add_subparsers(dest="maintenance_command", required=True)
    actions.add_parser(
        "pin-hash",
        help="read a PIN (6 to 12 digits) or a badge number and print its scrypt hash for "
        "config.yaml",
    )

    cash = commands.add_parser("cash", help="the cash box")
    cash_actions = cash.add_subparsers(dest="cash_command", required=True)
    cash_actions.add_parser("status", help="notes per denomination and total since collection")
    _technician(
        cash_actions.add_parser(
            "collect", help="empty the cash box; prints the slip on the receipt printer and here"
        )
    )
    _technician(cash_actions.add_parser("slip", help="print the last collection slip again"))

    paper = commands.add_parser("paper", help="the receipt paper")
    paper_actions = paper.add_subparsers(dest="paper_command", required=True)
    _technician(paper_actions.add_parser("refilled", help="a new roll is in: clear near-end"))

    service = commands.add_parser("service", help="take the kiosk out of service or back in")
    service.add_argument("state", choices=("out", "in"))
    service.add_argument("--reason", default="maintenance", help="shown to ops (out only)")
    _technician(service)

    journal = commands.add_parser("journal", help="the transaction journal")
    journal_actions = journal.add_subparsers(dest="journal_command", required=True)
    journal_actions.add_parser("verify", help="check the hash chain; exit 1 if broken")

    logs = commands.add_parser("logs", help="the kiosk's log file")
    log_actions = logs.add_subparsers(dest="logs_command", required=True)
    tail = log_actions.add_parser("tail", help="the last lines (personal data masked)")
    tail.add_argument("-n", "--lines", type=int, default=50)


def _technician(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--technician", required=True, help="technician id (the PIN is asked)")


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of stdin when piped."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def cmd_pin_hash() -> int:
    secret = read_secret("PIN: ")
    if sys.stdin.isatty() and read_secret("again: ") != secret:
        print("kiosk: the two entries differ", file=sys.stderr)
        return EXIT_USAGE
    if not (valid_pin(secret) or (len(secret) in (15, 18) and secret[:-1].isdigit())):
        print(f"kiosk: a PIN is {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits (or give a "
              "15/18-character badge number)", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    print(hash_secret(secret))
    return EXIT_OK


@contextmanager
def _journal(config: KioskConfig) -> Iterator[Journal]:
    path = config.data_dir / JOURNAL_FILE
    if not path.exists():
        raise KioskError(f"no journal yet at {path}")
    journal = Journal(path)
    try:
        yield journal
    finally:
        journal.close()


@contextmanager
def _printer(config: KioskConfig, running: bool) -> Iterator[tuple[ReceiptPrinter | None, str]]:
    """The receipt printer for a slip, or None and why there is none."""
    if running:
        yield None, "the running kiosk holds the receipt printer"
        return
    if config.devices.printer.simulate:
        yield None, "the receipt printer is simulated (devices.printer.simulate: true)"
        return
    from kiosk.app import open_printer  # the composition root names the drivers

    try:
        printer, close = open_printer(config)
    except (DriverError, OSError) as exc:
        yield None, f"the receipt printer cannot be opened: {exc}"
        return
    try:
        yield printer, ""
    finally:
        close()


@contextmanager
def _session(
    config: KioskConfig, technician: str, *, printer: bool = False
) -> Iterator[tuple[MaintenanceSession, bool, str]]:
    """An authenticated session, whether the kiosk process itself is running, and (asked for
    with `printer`) why the session has no receipt printer ("" if it has one). While the kiosk
    runs a customer may be paying: an open transaction then refuses maintenance; and the kiosk
    holds the printer, so a slip is printed on the maintenance screen instead."""
    lock = DataFolderLock(config.data_dir)
    try:
        lock.acquire()
        running = False
    except KioskError:
        running = True
    try:
        with _journal(config) as journal:
            gate = MaintenanceGate(
                config.maintenance,
                journal,
                config.data_dir,
                money_held=lambda: running and bool(journal.open_transactions()),
            )
            identity = gate.authenticate(technician, read_secret("PIN: "), method="cli")
            store = offline_queue.OutboxStore(config.data_dir / JOURNAL_FILE)
            no_printer: tuple[ReceiptPrinter | None, str] = (None, "")
            printing = _printer(config, running) if printer else nullcontext(no_printer)
            with printing as (device, missing):
                parts = MaintenanceParts(
                    config=config,
                    journal=journal,
                    switch=ServiceSwitch(config.data_dir / SERVICE_FILE),
                    paper=PaperMonitor(config.data_dir / PAPER_FILE),
                    device_health=dict,
                    store=store,
                    printer=device,
                    id_cards=IdCardTap(),
                    log_file=_log_file(config),
                )
                session = MaintenanceSession(parts, identity)
                try:
                    yield session, running, missing
                finally:
                    session.exit()
                    store.close()
    finally:
        lock.release()


def _log_file(config: KioskConfig) -> Path:
    name = config.logging.file.name if config.logging.file is not None else "kiosk.log"
    return log_folder(config) / name


def cmd_cash_status(config: KioskConfig) -> int:
    with _journal(config) as journal:
        box = journal.cashbox()
        last = journal.latest_event("maintenance.cash_collected")
    counts = {d: c for d, c in box.items() if c > 0}
    print(f"since collection {last.payload['at'] if last else '(never collected)'}")
    for denomination, count in sorted(counts.items(), reverse=True):
        print(f"{format_cny(denomination):>10} x {count:>5} = {format_cny(denomination * count)}")
    notes = sum(counts.values())
    capacity = config.maintenance.cash_box_capacity
    print(f"notes  {notes} of {capacity}")
    print(f"total  {format_cny(sum(d * c for d, c in counts.items()))}")
    return EXIT_OK


def cmd_cash_collect(config: KioskConfig, technician: str) -> int:
    """Empty the box (journalled and queued for central first), print the slip on the kiosk's
    receipt printer as the maintenance screen does, and show it here too. A slip the printer
    did not print is said so on stderr; the collection stands (`kiosk cash slip` reprints)."""
    with _session(config, technician, printer=True) as (session, running, missing):
        if running and ServiceSwitch(config.data_dir / SERVICE_FILE).reason() is None:
            # Notes may go into the box while it is being emptied: out of service first.
            raise MaintenanceError(
                "the kiosk is running and in service: `kiosk service out` first",
                message_key="maintenance.in_service",
            )
        collected, printed = session.collect_cash()
    slip = collection_slip(collected, kiosk_id=config.kiosk.id, kiosk_name=config.kiosk.name)
    print(slip.plain_text())
    _report_print(printed, missing, technician)
    return EXIT_OK


def cmd_cash_slip(config: KioskConfig, technician: str) -> int:
    with _session(config, technician, printer=True) as (session, _running, missing):
        printed = session.reprint_slip()
    with _journal(config) as journal:
        collected = last_collection(journal)
    if collected is None:
        print("kiosk: no cash collection yet", file=sys.stderr)
        return EXIT_FAILURE
    slip = collection_slip(collected, kiosk_id=config.kiosk.id, kiosk_name=config.kiosk.name)
    print(slip.plain_text())
    _report_print(printed, missing, technician)
    return EXIT_OK


def _report_print(printed: SelfTest, missing: str, technician: str) -> None:
    if printed.passed:
        print("slip printed on the receipt printer")
        return
    why = missing or f"{printed.code}{f' ({printed.detail})' if printed.detail else ''}"
    print(
        f"kiosk: the slip was NOT printed: {why}. The collection is journalled and queued for "
        f"central; print the slip again with `kiosk cash slip --technician {technician}` "
        "(kiosk stopped) or Reprint slip on the maintenance screen.",
        file=sys.stderr,
    )


def cmd_paper_refilled(config: KioskConfig, technician: str) -> int:
    with _session(config, technician) as (session, _running, _missing):
        session.paper_refilled()
    print("paper refilled: near-end cleared")
    return EXIT_OK


def cmd_service(config: KioskConfig, technician: str, state: str, reason: str) -> int:
    with _session(config, technician) as (session, _running, _missing):
        changed = session.set_out_of_service(state == "out", reason)
    now = "out of service" if state == "out" else "in service"
    print(f"{now}" if changed else f"already {now}")
    return EXIT_OK


def cmd_journal_verify(config: KioskConfig) -> int:
    with _journal(config) as journal:
        intact = journal.verify_chain()
        events = len(journal.events())
    print(f"{events} events, hash chain {'intact' if intact else 'BROKEN'}")
    return EXIT_OK if intact else EXIT_FAILURE


def cmd_dead_letters(config: KioskConfig, args: argparse.Namespace) -> int:
    if args.retry or args.discard:
        return _change_dead_letter(config, args)
    path = config.data_dir / JOURNAL_FILE
    if not path.exists():
        print(f"no queue yet at {path}")
        return EXIT_OK
    store = offline_queue.OutboxStore(path)
    try:
        dead = store.dead_letters()
    finally:
        store.close()
    if not dead:
        print("no dead letters")
    for item in dead:
        print(f"{item.key}  {item.kind}  attempts {item.attempts}  {item.last_error or ''}")
    return EXIT_OK


def _change_dead_letter(config: KioskConfig, args: argparse.Namespace) -> int:
    if not args.technician:
        print("kiosk: --retry and --discard need --technician", file=sys.stderr)
        return EXIT_USAGE
    if args.discard and not args.reason.strip():
        print("kiosk: --discard needs --reason (it is journalled)", file=sys.stderr)
        return EXIT_USAGE
    with _session(config, args.technician) as (session, _running, _missing):
        if args.retry:
            done = session.retry_dead_letter(args.retry)
        else:
            done = session.discard_dead_letter(args.discard, args.reason)
    key = args.retry or args.discard
    if not done:
        print(f"kiosk: no dead letter {key}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{key}: {'queued again' if args.retry else 'discarded'}")
    return EXIT_OK


def cmd_logs_tail(config: KioskConfig, lines: int) -> int:
    for line in recent_log_lines(_log_file(config), max(1, lines)):
        print(line)
    return EXIT_OK


def run(args: argparse.Namespace, config: KioskConfig) -> int | None:
    """Run a technician command; None if `args` names none of them."""
    commands: dict[tuple[str, str | None], Callable[[], int]] = {
        ("cash", "status"): lambda: cmd_cash_status(config),
        ("cash", "collect"): lambda: cmd_cash_collect(config, args.technician),
        ("cash", "slip"): lambda: cmd_cash_slip(config, args.technician),
        ("paper", "refilled"): lambda: cmd_paper_refilled(config, args.technician),
        ("service", None): lambda: cmd_service(config, args.technician, args.state, args.reason),
        ("journal", "verify"): lambda: cmd_journal_verify(config),
        ("logs", "tail"): lambda: cmd_logs_tail(config, args.lines),
        ("queue", "dead-letters"): lambda: cmd_dead_letters(config, args),
    }
    action = getattr(args, f"{args.command}_command", None)
    command = commands.get((args.command, action))
    return None if command is None else command()
