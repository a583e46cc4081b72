"""Runs the app on uvicorn from a socket bound beforehand, so port 0 reports the real port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.config import LOGGING_CONFIG

from central.app import create_app
from central.db import Storage
from central.errors import ServeError

READY_PREFIX = "central listening on "


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
        timeout_graceful_shutdown=5,
    )
    return CentralServer(config, on_ready=on_ready)


def serve(
    *,
    host: str,
    port: int,
    db_url: str,
    ops_token: str,
    kiosks: Mapping[str, str],
    log_level: str = "info",
    access_log: bool = False,
    on_ready: Callable[[str], None] = print_ready,
) -> None:
    """Open storage, listen, serve until SIGTERM/SIGINT, then close everything.

    `on_ready(url)` runs once the server accepts connections (default: prints the ready line).
    Raises ConfigError (bad URL), StorageError (database) or ServeError (address).
    """
    app = create_app(db_url, ops_token, kiosks)
    storage: Storage = app.state.storage
    try:
        sock = bind_socket(host, port)
        url = socket_url(sock)
        with sock:
            server = make_server(
                app,
                log_level=log_level,
                access_log=access_log,
                log_config=LOGGING_CONFIG,
                on_ready=lambda: on_ready(url),
            )
            server.run(sockets=[sock])
    finally:
        storage.close()
