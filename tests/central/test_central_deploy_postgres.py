"""Instances starting together on one PostgreSQL database (the scale-out deployment): two
`serve --migrate` at the same moment on an empty database both become ready, every time, and
two `seed` at once seed it once."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import func, select

from central.business_db import Plan, Setting
from central.db import open_storage
from tests.central.postgres import new_database, postgres_server
from tests.central.test_central_cli import env
from tests.central.test_central_deploy import Serving, serving
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(300)
TRIES = 5


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


def _start_together(count: int, args: list[str]) -> list[Serving]:
    """`count` servers started at one moment; each entered (ready) or its error collected."""
    barrier = threading.Barrier(count)
    ready: list[Serving] = []
    errors: list[BaseException] = []
    release = threading.Event()

    def one() -> None:
        try:
            barrier.wait()
            with serving(*args) as running:
                ready.append(running)
                release.wait(60)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(600):  # until all are ready or one failed
            if len(ready) + len(errors) == count:
                break
            threading.Event().wait(0.1)
        assert errors == [], errors
        assert len(ready) == count
        for running in ready:
            assert requests.get(f"{running.url}/v1/health", timeout=10).status_code == 200
        return ready
    finally:
        release.set()
        for thread in threads:
            thread.join(60)
        assert errors == [], errors  # each stopped cleanly on SIGTERM, too


@pytest.mark.parametrize("attempt", range(TRIES))
def test_two_instances_migrating_an_empty_database_at_once_both_start(
    pg_server: str, attempt: int
) -> None:
    url = new_database(pg_server, f"together_{attempt}")
    _start_together(2, ["--db", url, "--migrate", "--seed", "--workers", "1"])
    storage = open_storage(url)  # at head: opens without migrating
    try:
        with storage.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Plan)) == 4  # seeded once
            assert session.scalar(select(func.count()).select_from(Setting)) == 1
    finally:
        storage.close()


@pytest.mark.parametrize("attempt", range(TRIES))
def test_two_seeders_at_once_seed_once(pg_server: str, attempt: int) -> None:
    url = new_database(pg_server, f"seeders_{attempt}")
    migrated = subprocess.run(
        [sys.executable, "-m", "central", "migrate", "--db", url],
        cwd=REPO, env=env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    command = [sys.executable, "-m", "central", "seed", "--db", url]
    seeders = [
        subprocess.Popen(
            command, cwd=REPO, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = []
    for seeder in seeders:
        out, err = seeder.communicate(timeout=60)
        outcomes.append((seeder.returncode, out, err))
    assert sorted(outcomes) == [
        (0, "demo data already present: nothing done\n", ""),
        (0, "demo data seeded\n", ""),
    ]
