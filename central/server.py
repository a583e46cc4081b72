"""Runs the app on uvicorn from a socket bound beforehand (port 0 reports the real port): in
this process, or in N worker processes sharing that socket (uvicorn's Multiprocess supervisor).

Workers build the app with `worker_app`, a factory that reads the database URL and the ops
token from the environment the supervisor leaves them ($CENTRAL_DB, $CENTRAL_OPS_TOKEN), so no
secret is ever on a command line. The access log never shows a token (RedactTokens).
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import Any
from urllib.parse import unquote_plus

import uvicorn
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess

from central.app import create_app
from central.db import Storage, open_storage, utcnow
from central.errors import ConfigError, ServeError, StorageError
from central.kiosk_registry import add_missing
from central.seed import seed_demo

READY_PREFIX = "central listening on "
DB_ENV = "CENTRAL_DB"
OPS_TOKEN_ENV = "CENTRAL_OPS_TOKEN"  # noqa: S105 - the name of a variable, not a secret
GRACEFUL_S = 5  # open requests get this long after SIGTERM
WORKER_START_S = 60.0


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: the kernel picks a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family = infos[0][0]
        sock = socket.create_server((host, port), family=family, backlog=2048)
        # Connections accepted from this socket inherit the option. asyncio sets it only on
        # sockets whose proto is IPPROTO_TCP, and create_server's is 0: without it, every
        # answer on a kept-alive connection waited ~40 ms (Nagle against delayed ACK).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None


def socket_url(sock: socket.socket) -> str:
    """`http://host:port` of a bound socket, IPv6 hosts in brackets."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def print_ready(url: str) -> None:
    print(f"{READY_PREFIX}{url}", flush=True)


class CentralServer(uvicorn.Server):
    """uvicorn.Server that reports readiness and leaves the process on SIGTERM/SIGINT normally.

    Stock uvicorn re-raises the captured signal after a graceful shutdown, which makes the
    process die of it; central instead returns from `run()` so the CLI exits 0.
    """

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_ready = on_ready
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.ready.set()
            if self._on_ready is not None:
                self._on_ready()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._stop_on_signal) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop_on_signal(self, sig: int, _frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C stops waiting for open requests
        self.should_exit = True


class RedactTokens(logging.Filter):
    """Masks the value of every `token` query parameter in a log record (the fleet page takes
    the ops token as `?token=` for a browser): uvicorn's access log prints the full path."""

    PARAM = re.compile(r"([?&])([^=&#\s\"]*)=([^&#\s\"]*)")
    SECRET_NAMES = frozenset({"token", "access_token"})

    @classmethod
    def redact(cls, text: str) -> str:
        def mask(match: re.Match[str]) -> str:
            name = unquote_plus(match.group(2)).lower()
            if name not in cls.SECRET_NAMES:
                return match.group(0)
            return f"{match.group(1)}{match.group(2)}=***"

        return cls.PARAM.sub(mask, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup with RedactTokens on every handler (rebuilt in each worker)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactTokens}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config


def make_server(
    app: FastAPI,
    *,
    log_level: str = "info",
    access_log: bool = False,
    log_config: dict[str, Any] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> CentralServer:
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        log_config=log_config,
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_S,
    )
    return CentralServer(config, on_ready=on_ready)


def prepare_database(db_url: str, *, migrate: bool, seed: bool, kiosks: Mapping[str, str]) -> None:
    """Before serving: migrate (if asked) or check the schema is at head, seed the demo data
    (if asked), and register the kiosks not registered yet (never changing a token)."""
    storage = open_storage(db_url, migrate=migrate)
    try:
        if seed:
            seed_demo(storage, utcnow())
        add_missing(storage, kiosks)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot prepare the database: {exc}") from None
    finally:
        storage.close()


def worker_app() -> FastAPI:
    """The app of one worker process, configured from the environment (see the module doc)."""
    db_url = os.environ.get(DB_ENV)
    ops_token = os.environ.get(OPS_TOKEN_ENV)
    if not db_url or not ops_token:
        raise ConfigError(f"a central worker needs ${DB_ENV} and ${OPS_TOKEN_ENV}")
    app = create_app(db_url, ops_token, {}, seed=False)
    storage: Storage = app.state.storage
    atexit.register(storage.close)  # workers end through uvicorn, which does not call us back
    return app


class Supervisor(Multiprocess):
    """uvicorn's supervisor of worker processes that reports readiness once all of them
    serve, and stops everything if one does not start."""

    def __init__(
        self, config: uvicorn.Config, sockets: list[socket.socket], on_ready: Callable[[], None]
    ) -> None:
        super().__init__(config, sockets)
        self._on_ready = on_ready
        self.failed = False

    def init_processes(self) -> None:
        super().init_processes()
        for process in self.processes:
            if not process.wait_until_ready(WORKER_START_S, self.should_exit):
                self.failed = not self.should_exit.is_set()
                self.should_exit.set()
                return
        self._on_ready()


def _serve_workers(
    sock: socket.socket,
    workers: int,
    log_level: str,
    access_log: bool,
    on_ready: Callable[[], None],
) -> None:
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        log_config=log_config(),
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_S,
    )
    supervisor = Supervisor(config, [sock], on_ready)
    supervisor.run()
    # A worker that exits with uvicorn's STARTUP_FAILURE (its app factory raised) stops all.
    if supervisor.failed or any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes):
        raise ServeError("a worker process could not start (its error is logged above)")


def serve(
    *,
    host: str,
    port: int,
    db_url: str,
    ops_token: str,
    kiosks: Mapping[str, str],
    log_level: str = "info",
    access_log: bool = False,
    workers: int = 1,
    migrate: bool = False,
    seed: bool = False,
    on_ready: Callable[[str], None] = print_ready,
) -> None:
    """Prepare the database, listen, serve until SIGTERM/SIGINT, then close everything.

    `kiosks` are registered if not registered yet; `migrate` upgrades the schema first (else
    it must be at head), `seed` fills an empty database with the demo data. `on_ready(url)`
    runs once the server (every worker) accepts connections (default: prints the ready line).
    Raises ConfigError (bad URL), StorageError (database) or ServeError (address, workers).
    """
    prepare_database(db_url, migrate=migrate, seed=seed, kiosks=kiosks)
    if workers > 1:
        sock = bind_socket(host, port)
        url = socket_url(sock)
        # Spawned workers inherit the environment: the URL and token reach them without argv.
        os.environ[DB_ENV] = db_url
        os.environ[OPS_TOKEN_ENV] = ops_token
        with sock:
            _serve_workers(sock, workers, log_level, access_log, lambda: on_ready(url))
        return
    app = create_app(db_url, ops_token, {}, seed=False)
    storage: Storage = app.state.storage
    try:
        sock = bind_socket(host, port)
        url = socket_url(sock)
        with sock:
            server = make_server(
                app,
                log_level=log_level,
                access_log=access_log,
                log_config=log_config(),
                on_ready=lambda: on_ready(url),
            )
            server.run(sockets=[sock])
    finally:
        storage.close()
