"""A throwaway PostgreSQL server for tests: initdb + pg_ctl on a free port, trust auth on
127.0.0.1 only, removed afterwards. Skips when the server binaries are not installed."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _runner() -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a fresh folder; yield an SQLAlchemy URL of an empty database on it."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server is not installed (apt-get install postgresql)")
    run = _runner()
    # Not under pytest's tmp folder: that one is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="kiosk-central-pg-"))
    try:
        with _started(bindir, run, folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _started(bindir: Path, run: list[str], folder: Path) -> Iterator[str]:
    data = folder / "pgdata"
    sockets = folder / "sock"
    sockets.mkdir()
    if run:
        for path in (folder, sockets):
            shutil.chown(path, "postgres", "postgres")
    port = _free_port()

    def tool(*args: str) -> None:
        subprocess.run([*run, *args], check=True, capture_output=True, timeout=60)

    tool(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = folder / "server.log"
    tool(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    try:
        tool(
            str(bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "central",
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/central"
    finally:
        tool(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")


def new_database(server_url: str, name: str) -> str:
    """Create an empty database `name` on the server of `server_url`; its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
