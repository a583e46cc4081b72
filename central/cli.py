"""The `python -m central` command line: `migrate` the schema, `seed` demo data, register `kiosk`s,
`serve` the API (one process or `--workers N`), or print its `openapi` document.

Secrets never go on the command line, where `ps` shows them to every user: the ops token comes
from $CENTRAL_OPS_TOKEN or --ops-token-file, kiosk tokens from files or stdin, and the database
URL (which may hold a password) may come from $CENTRAL_DB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from central.errors import CentralError, ConfigError, StorageError

EXIT_USAGE = 2
DB_ENV = "CENTRAL_DB"
OPS_TOKEN_ENV = "CENTRAL_OPS_TOKEN"  # noqa: S105 - the name of a variable, not a secret
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
MAX_WORKERS = 64
ARGV_SECRET = "a secret on the command line shows in `ps` to every user"  # noqa: S105


class OneLineParser(argparse.ArgumentParser):
    """Usage errors are one line on stderr and exit 2 (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"central: error: {message}\n")


class Removed(argparse.Action):
    """An option that took a secret on the command line: refused, saying what to use instead."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        self.instead = kwargs.pop("instead")
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        parser.error(f"argument {option_string}: removed ({ARGV_SECRET}): {self.instead}")


def parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, not {port}")
    return port


def parse_workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"workers must be 1-{MAX_WORKERS}, not {text!r}")
    return int(text)


def parse_db(text: str) -> str:
    from central.db import parse_db_url  # SQLAlchemy only when needed

    try:
        parse_db_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parse_kiosk_id(text: str) -> str:
    from central.kiosk_registry import check_kiosk_id

    try:
        return check_kiosk_id(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=parse_db,
        default=os.environ.get(DB_ENV),
        help=f"SQLAlchemy URL, e.g. sqlite:///central.db (default: ${DB_ENV})",
    )


def _add_token_source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--token-file", type=Path, metavar="PATH", help="a file of one line")
    source.add_argument("--token-stdin", action="store_true", help="read one line from stdin")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m central", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    migrate = commands.add_parser("migrate", help="upgrade the database schema to this version")
    _add_db(migrate)
    seed = commands.add_parser("seed", help="fill an empty database with the demo business data")
    _add_db(seed)
    kiosk = commands.add_parser("kiosk", help="register kiosks: add, rotate a token, list")
    kiosk_commands = kiosk.add_subparsers(dest="kiosk_command", required=True, metavar="ACTION")
    for action, text in (
        ("add", "register a new kiosk with its token"),
        ("rotate", "replace a registered kiosk's token"),
    ):
        sub = kiosk_commands.add_parser(action, help=text)
        sub.add_argument("kiosk_id", type=parse_kiosk_id, metavar="KIOSK_ID")
        _add_token_source(sub)
        _add_db(sub)
    _add_db(kiosk_commands.add_parser("list", help="registered kiosks (tokens are not shown)"))
    serve = commands.add_parser("serve", help="serve the HTTP API until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=parse_port, default=8765, help="0 picks a free port")
    _add_db(serve)
    serve.add_argument(
        "--ops-token-file",
        type=Path,
        metavar="PATH",
        help=f"file holding the ops API's bearer token (default: ${OPS_TOKEN_ENV})",
    )
    serve.add_argument(
        "--kiosks-file",
        type=Path,
        metavar="PATH",
        help="KIOSK_ID:TOKEN lines: registers those not registered yet (never changes a token)",
    )
    serve.add_argument(
        "--workers", type=parse_workers, default=1, help="worker processes on one socket"
    )
    serve.add_argument("--migrate", action="store_true", help="run `migrate` first")
    serve.add_argument("--seed", action="store_true", help="run `seed` first (demo)")
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument(
        "--ops-token", action=Removed, instead=f"set ${OPS_TOKEN_ENV} or use --ops-token-file"
    )
    serve.add_argument(
        "--kiosk",
        action=Removed,
        instead="use `python -m central kiosk add ID --token-file PATH` or --kiosks-file",
    )
    commands.add_parser("openapi", help="print the OpenAPI document (JSON, sorted keys)")
    return parser


def openapi_text() -> str:
    """The OpenAPI document exactly as committed in central/openapi.json."""
    from central.app import build_api  # FastAPI only when needed

    return json.dumps(build_api().openapi(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _ops_token(args: argparse.Namespace) -> str:
    from central.kiosk_registry import check_token, read_secret

    if args.ops_token_file is not None:
        return read_secret(args.ops_token_file, "ops token")
    token = os.environ.get(OPS_TOKEN_ENV)
    if token is None:
        raise ConfigError(f"the ops token is required: set ${OPS_TOKEN_ENV} or --ops-token-file")
    return check_token(token, f"${OPS_TOKEN_ENV}")


def _kiosk_token(args: argparse.Namespace) -> str:
    from central.kiosk_registry import check_token, read_secret

    if args.token_file is not None:
        return read_secret(args.token_file, "token")
    return check_token(sys.stdin.readline().rstrip("\r\n"), "token on stdin")


def _serve(args: argparse.Namespace) -> None:
    from central.db import is_memory_url
    from central.kiosk_registry import read_kiosks_file
    from central.server import serve  # uvicorn only for this command

    if args.workers > 1 and is_memory_url(args.db):
        raise ConfigError("--workers needs a database all processes share, not in-memory SQLite")
    ops_token = _ops_token(args)
    kiosks = read_kiosks_file(args.kiosks_file) if args.kiosks_file is not None else {}
    serve(
        host=args.host,
        port=args.port,
        db_url=args.db,
        ops_token=ops_token,
        kiosks=kiosks,
        log_level=args.log_level,
        access_log=args.access_log,
        workers=args.workers,
        migrate=args.migrate,
        seed=args.seed,
    )


def _migrate(args: argparse.Namespace) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from central import migrations
    from central.db import make_engine

    engine = make_engine(args.db)
    safe = engine.url.render_as_string(hide_password=True)
    try:
        done = migrations.migrate(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StorageError(f"cannot migrate database {safe}: {reason}") from None
    finally:
        engine.dispose()
    if done.before == done.after:
        print(f"database {safe} is at revision {done.after}: nothing to do")
    elif done.adopted:
        print(f"database {safe} of an older central adopted and upgraded to {done.after}")
    else:
        print(f"database {safe} upgraded from {done.before or 'empty'} to {done.after}")


def _with_storage(args: argparse.Namespace, work: Callable[[Any], None]) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from central.db import open_storage

    storage = open_storage(args.db)
    try:
        work(storage)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StorageError(f"database error: {reason}") from None
    finally:
        storage.close()


def _seed(args: argparse.Namespace) -> None:
    from central.db import utcnow
    from central.seed import seed_demo

    def work(storage: Any) -> None:
        if seed_demo(storage, utcnow()):
            print("demo data seeded")
        else:
            print("demo data already present: nothing done")

    _with_storage(args, work)


def _kiosk(args: argparse.Namespace) -> None:
    from central import kiosk_registry as registry

    token = _kiosk_token(args) if args.kiosk_command in ("add", "rotate") else ""

    def work(storage: Any) -> None:
        if args.kiosk_command == "add":
            if not registry.add_kiosk(storage, args.kiosk_id, token):
                raise CentralError(f"kiosk {args.kiosk_id} is registered already (`kiosk rotate`)")
            print(f"kiosk {args.kiosk_id} registered")
        elif args.kiosk_command == "rotate":
            if not registry.rotate_kiosk(storage, args.kiosk_id, token):
                raise CentralError(f"no kiosk {args.kiosk_id} is registered (`kiosk add`)")
            print(f"kiosk {args.kiosk_id}: token replaced")
        else:
            for row in registry.list_kiosks(storage):
                seen = row.last_seen.isoformat() if row.last_seen else "never"
                print(f"{row.kiosk_id}\tregistered {row.registered_at.isoformat()}\tseen {seen}")

    _with_storage(args, work)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "openapi":
        sys.stdout.write(openapi_text())
        return 0
    if args.db is None:
        parser.error(f"argument --db: required (or ${DB_ENV})")
    run = {"migrate": _migrate, "seed": _seed, "kiosk": _kiosk, "serve": _serve}[args.command]
    try:
        run(args)
    except ConfigError as exc:
        print(f"central: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CentralError as exc:
        print(f"central: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # interrupted before the server took over signals
        return 0
    return 0
