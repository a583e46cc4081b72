"""The `kiosk` command line: run, demo, doctor, queue, central (serve, migrate, seed, kiosk),
config check, and the technician commands (kiosk.maintenance_cli): cash, paper, service,
journal, logs.

The GUI is plugged in by ui/ (which imports this module, never the reverse): `main(frontend=...)`.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn, Protocol

import offline_queue
from drivers.errors import DriverConfigError
from kiosk import __version__, maintenance_cli
from kiosk.app import JOURNAL_FILE, KioskApp, start_simulator, validate_config
from kiosk.central_ops import central_health
from kiosk.config import DEFAULT_CONFIG_NAME, KioskConfig, load_config
from kiosk.core_start import CoreStart
from kiosk.errors import CentralUnavailable, ConfigError, KioskError
from kiosk.lock import DataFolderLock
from kiosk.logging_setup import configure_logging
from kiosk.outbox_setup import (
    batch_sender,
    load_sealer,
    read_last_success,
    record_last_success,
)
from kiosk.simulators import serve_interactively
from kiosk.tour import JOURNEY_KEYS, demo_config

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
PLAIN_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # commands with no config


class Frontend(Protocol):
    """What ui/ provides: the touch UI, and the scripted demo."""

    def prepare(self) -> None:
        """Import the UI toolkit (no window yet): done while the core starts."""
        ...

    def run(self, app: KioskApp, *, windowed: bool, starting: CoreStart) -> int:
        """The touch UI until it quits. The core is still starting (`starting`): the UI shows
        its first screen meanwhile and lets no one in before `starting.done`."""
        ...

    def demo(
        self, app: KioskApp, *, out_dir: Path, headless: bool | None, only: str | None = None
    ) -> int:
        """Headless: the tour (kiosk.tour.run_tour, `only` one journey of it); else the UI."""
        ...


def _default_config() -> Path:
    return Path(os.environ.get("KIOSK_CONFIG", DEFAULT_CONFIG_NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Telecom self-service kiosk (自助终端)."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "-c", "--config", type=Path, default=None,
        help="config file (default: $KIOSK_CONFIG or ./config.yaml)",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the touch UI (fullscreen by default)")
    run.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")

    demo = commands.add_parser(
        "demo",
        help="start central, simulators and the UI; headless: a tour of every service",
        description="Starts the embedded central backend, the device simulators and the UI. "
        "Without a display it taps through every customer service and the technician's tasks, "
        "saves a PNG of every screen and receipt, and prints what central recorded of each.",
    )
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help="folder for PNGs")
    journeys = ", ".join(JOURNEY_KEYS)
    demo.add_argument("--only", choices=JOURNEY_KEYS, metavar="SERVICE", default=None,
                      help=f"headless: one journey of the tour ({journeys})")  # fmt: skip
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument("--headless", dest="headless", action="store_true", default=None,
                      help="scripted run even when a display is present")  # fmt: skip
    mode.add_argument("--interactive", dest="headless", action="store_false",
                      help="open the UI even without auto-detected display")  # fmt: skip

    commands.add_parser("doctor", help="self-test journal, central and every device")

    queue = commands.add_parser("queue", help="the outbox to central")
    queue_commands = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")
    queue_commands.add_parser("status", help="pending, delivered and dead-letter counts")
    dead = queue_commands.add_parser(
        "dead-letters", help="items central refused for good: list, retry one, discard one"
    )
    what = dead.add_mutually_exclusive_group()
    what.add_argument("--retry", metavar="KEY", help="send this one again (same key)")
    what.add_argument("--discard", metavar="KEY", help="give this one up (needs --reason)")
    dead.add_argument("--reason", default="", help="why it is discarded (journalled)")
    dead.add_argument("--technician", help="technician id for --retry/--discard (PIN asked)")
    queue_commands.add_parser("sync", help="deliver what is pending to central now")
    maintenance_cli.add_parsers(commands)

    central = commands.add_parser("central", help="the reference central backend")
    central_commands = central.add_subparsers(dest="central_command", required=True)
    # Each goes on as `python -m central COMMAND ...`; secrets go by file or environment
    # ($CENTRAL_OPS_TOKEN, --token-file), never on this command line.
    for name, text in (
        ("serve", "run it"),
        ("migrate", "upgrade its database schema"),
        ("seed", "fill its empty database with demo data"),
        ("kiosk", "register kiosks: add, rotate, list"),
    ):
        sub = central_commands.add_parser(
            name, help=f"{text} (arguments go to `python -m central {name}`)", add_help=False
        )
        sub.add_argument("central_args", nargs=argparse.REMAINDER)

    sim = commands.add_parser(
        "sim",
        help="run a device's protocol simulator standalone (id003, escpos.network, idcard)",
        description="Starts the simulator and prints where it listens; type `help` for "
        "commands (insert notes, flip fault switches, show printed receipts).",
    )
    sim.add_argument("driver", help="id003, escpos.network or idcard")
    sim.add_argument(
        "--url", default=None, help="escpos: socket://HOST:PORT to listen on (127.0.0.1:9100)"
    )

    config = commands.add_parser("config", help="configuration")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    check = config_commands.add_parser("check", help="validate a config file; exit 2 if bad")
    check.add_argument("file", nargs="?", type=Path, default=None)
    return parser


def _load(path: Path) -> KioskConfig:
    config = load_config(path)
    validate_config(config)
    return config


def cmd_config_check(path: Path) -> int:
    config = _load(path)
    devices = config.devices
    print(
        f"{path}: ok (kiosk {config.kiosk.id}; central {config.central.url}; "
        f"acceptor {devices.bill_acceptor.driver}; printer {devices.printer.driver})"
    )
    return EXIT_OK


def cmd_queue_status(config: KioskConfig) -> int:
    path = config.data_dir / JOURNAL_FILE
    if not path.exists():
        print(f"no queue yet at {path}")
        return EXIT_OK
    store = offline_queue.OutboxStore(path)
    try:
        stats = store.stats()
    finally:
        store.close()
    age = "-" if stats.oldest_pending_age_s is None else f"{stats.oldest_pending_age_s:.0f} s"
    last = read_last_success(config.data_dir)
    print(f"pending        {stats.pending}")
    print(f"delivered      {stats.acked}")
    print(f"dead letters   {stats.dead}")
    print(f"oldest pending {age}")
    print(f"last delivered {'-' if last is None else _local_time(last)}")
    return EXIT_OK


def _local_time(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s).astimezone().isoformat(timespec="seconds")


def cmd_queue_sync(config: KioskConfig) -> int:
    """Deliver the backlog now, from this process (safe beside the running kiosk: every item
    keeps its idempotency key, central answers a second delivery with the first answer)."""
    path = config.data_dir / JOURNAL_FILE
    if not path.exists():
        print(f"no queue yet at {path}")
        return EXIT_OK
    central = config.central
    store = offline_queue.OutboxStore(path, load_sealer(config))
    sender = batch_sender(config, central.url)
    worker = offline_queue.SyncWorker(store, sender, batch_size=config.sync.batch_size)
    delivered = dead = 0
    try:
        while True:
            report = worker.run_once()
            delivered, dead = delivered + report.acked, dead + report.dead
            if report.acked:
                record_last_success(config.data_dir, time.time())
            if report.failed:
                print(f"kiosk: central at {central.url} did not take the batch: {report.error}",
                      file=sys.stderr)  # fmt: skip
                break
            if report.sent == 0 and not worker.bisecting:
                break
        pending = store.stats().pending
    finally:
        sender.close()
        store.close()
    print(f"delivered {delivered}, dead letters {dead}, still pending {pending}")
    return EXIT_OK if pending == 0 else EXIT_FAILURE


def cmd_doctor(config: KioskConfig) -> int:
    app = KioskApp(config)
    rows: list[tuple[str, str, str, str]] = []
    with DataFolderLock(config.data_dir):
        try:
            app.start()
            assert app.journal is not None
            chain = "ok" if app.journal.verify_chain() else "hash chain broken"
            rows.append(("journal", "sqlite", "ok" if chain == "ok" else "error", chain))
            central = config.central
            try:
                status = central_health(app.central_url, ca_bundle=central.ca_bundle_path,
                                        client_cert=central.client_pair)  # fmt: skip
                rows.append(("central", app.central_url, "ok", status))
            except CentralUnavailable as exc:
                rows.append(("central", app.central_url, "error", str(exc)))
            for check in app.doctor():
                health = check.health
                detail = f"{health.code} {health.detail}".strip()
                rows.append((check.name, check.driver, health.level.value, detail))
        finally:
            app.stop()
    width = max(len(r[1]) for r in rows)
    print(f"{'CHECK':<14} {'DRIVER':<{width}} {'RESULT':<8} DETAIL")
    for name, driver, result, detail in rows:
        print(f"{name:<14} {driver:<{width}} {result:<8} {detail}")
    failed = [r for r in rows if r[2] not in ("ok", "warning")]
    return EXIT_FAILURE if failed else EXIT_OK


def cmd_sim(driver: str, url: str | None) -> int:
    settings = {"url": url or "socket://127.0.0.1:9100"} if driver.startswith("escpos") else {}
    try:
        simulator = start_simulator(driver, settings)
    except DriverConfigError as exc:
        print(f"kiosk sim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return serve_interactively(simulator.url, simulator.handle, simulator.stop)


def cmd_central(command: str, args: Sequence[str]) -> NoReturn:
    # A process boundary, not an import: the kiosk and central share only the HTTP contract.
    argv = [sys.executable, "-m", "central", command, *args]
    os.execv(sys.executable, argv)  # noqa: S606


def _demo(frontend: Frontend, app: KioskApp, args: argparse.Namespace) -> int:
    if args.only is None:
        return frontend.demo(app, out_dir=args.out, headless=args.headless)
    if "only" not in inspect.signature(frontend.demo).parameters:
        print("kiosk: this user interface's demo runs no single journey (--only)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    return frontend.demo(app, out_dir=args.out, headless=args.headless, only=args.only)


def _run_gui(frontend: Frontend | None, config: KioskConfig, args: argparse.Namespace) -> int:
    if frontend is None:
        print("kiosk: this entry point has no user interface; use the `kiosk` command",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    app = KioskApp(demo_config(config) if args.command == "demo" else config)
    with DataFolderLock(config.data_dir):
        starting = CoreStart(app)
        starting.begin()  # first: the core starts while the UI loads (kiosk/core_start.py)
        try:
            if args.command == "run":
                code = frontend.run(app, windowed=args.windowed, starting=starting)
            else:
                frontend.prepare()
                starting.wait()  # the scripted demo begins with a customer at once
                code = _demo(frontend, app, args)
            starting.wait()  # a failed start is the exit's reason, whatever the UI did
            return code
        finally:
            starting.done.wait()  # never stop a core that is still starting
            app.stop()


def main(argv: Sequence[str] | None = None, frontend: Frontend | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "central":
        args.central_args = [*args.central_args, *extra]  # `--help` etc. belong to central
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    config_path = args.config or _default_config()
    without_config: dict[str, Callable[[], int]] = {
        "config": lambda: cmd_config_check(args.file or config_path),
        "central": lambda: cmd_central(args.central_command, args.central_args),
        "sim": lambda: cmd_sim(args.driver, args.url),
        "maintenance": maintenance_cli.cmd_pin_hash,
    }
    try:
        if args.command in without_config:
            logging.basicConfig(level=level, format=PLAIN_LOG_FORMAT)
            return without_config[args.command]()
        config = _load(config_path)
        # JSON lines with personal data scrubbed; only the long-running commands own the
        # rotating file (RotatingFileHandler is not safe across processes, and a CLI run as
        # root would leave root-owned log files behind).
        configure_logging(config, args.verbose, to_file=args.command in ("run", "demo"))
        if args.command in ("run", "demo"):
            return _run_gui(frontend, config, args)
        technician = maintenance_cli.run(args, config)
        if technician is not None:
            return technician
        plain = {"sync": cmd_queue_sync, "status": cmd_queue_status}
        command = plain[args.queue_command] if args.command == "queue" else cmd_doctor
        return command(config)
    except ConfigError as exc:
        print(f"kiosk: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (KioskError, offline_queue.QueueError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
