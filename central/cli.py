"""The `python -m central` command line: `serve` the API, or print its `openapi` document."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from central.errors import CentralError, ConfigError

EXIT_USAGE = 2
KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
OPS_TOKEN_ENV = "CENTRAL_OPS_TOKEN"  # noqa: S105 - the name of a variable, not a secret
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class OneLineParser(argparse.ArgumentParser):
    """Usage errors are one line on stderr and exit 2 (no usage dump, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"central: error: {message}\n")


def parse_kiosk(text: str) -> tuple[str, str]:
    """`KIOSK_ID:TOKEN` → (id, token). The id may not contain ':'; the token may."""
    kiosk_id, sep, token = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError("expected KIOSK_ID:TOKEN")
    if not KIOSK_ID.fullmatch(kiosk_id):
        raise argparse.ArgumentTypeError(
            "kiosk id must be 1-64 letters, digits, '.', '_' or '-' (expected KIOSK_ID:TOKEN)"
        )
    if not token or not token.isprintable() or any(ch.isspace() for ch in token):
        raise argparse.ArgumentTypeError(
            f"token of kiosk {kiosk_id} must be non-empty, printable, without spaces"
        )
    return kiosk_id, token


def parse_port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, not {port}")
    return port


def parse_db(text: str) -> str:
    from central.db import parse_db_url  # SQLAlchemy only when needed

    try:
        parse_db_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m central", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the HTTP API until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=parse_port, default=8765, help="0 picks a free port")
    serve.add_argument(
        "--db", type=parse_db, required=True, help="SQLAlchemy URL, e.g. sqlite:///central.db"
    )
    serve.add_argument(
        "--ops-token",
        default=os.environ.get(OPS_TOKEN_ENV),
        help=f"bearer token of the ops API (default: ${OPS_TOKEN_ENV})",
    )
    serve.add_argument(
        "--kiosk",
        type=parse_kiosk,
        action="append",
        default=[],
        metavar="KIOSK_ID:TOKEN",
        help="register (upsert) a kiosk and its bearer token; repeatable",
    )
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    commands.add_parser("openapi", help="print the OpenAPI document (JSON, sorted keys)")
    return parser


def openapi_text() -> str:
    """The OpenAPI document exactly as committed in central/openapi.json."""
    from central.app import build_api  # FastAPI only when needed

    return json.dumps(build_api().openapi(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _kiosk_map(parser: argparse.ArgumentParser, pairs: list[tuple[str, str]]) -> dict[str, str]:
    kiosks: dict[str, str] = {}
    for kiosk_id, token in pairs:
        if kiosk_id in kiosks:
            parser.error(f"argument --kiosk: kiosk {kiosk_id} given twice")
        kiosks[kiosk_id] = token
    return kiosks


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.ops_token or any(ch.isspace() for ch in args.ops_token):
        parser.error(f"argument --ops-token: required (or ${OPS_TOKEN_ENV}), without spaces")
    kiosks = _kiosk_map(parser, args.kiosk)
    from central.server import serve  # uvicorn only for this command

    try:
        serve(
            host=args.host,
            port=args.port,
            db_url=args.db,
            ops_token=args.ops_token,
            kiosks=kiosks,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    except ConfigError as exc:
        print(f"central: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CentralError as exc:
        print(f"central: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # interrupted before the server took over signals
        return 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "openapi":
        sys.stdout.write(openapi_text())
        return 0
    return _serve(parser, args)
