"""Schema migrations (central/migrations): the revisions make exactly the models' schema on
SQLite and PostgreSQL, downgrade and upgrade again, adopt a database made by an older central
with create_all, and several migrations of one database at once leave it at head."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, select, text

import central.business_db  # noqa: F401 - registers its tables on Base
from central import migrations
from central.db import Base, Kiosk, make_engine, open_storage
from central.errors import StorageError
from tests.central.postgres import new_database, postgres_server

pytestmark = pytest.mark.timeout(120)
# What an older central made: every table but the two added last (it lacked them).
LEGACY_MISSING = ("attempt_limits", "heartbeat_details")


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


_names = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
    else:
        server: str = request.getfixturevalue("pg_server")
        url = new_database(server, f"migrations_{next(_names)}")
    made = make_engine(url)
    try:
        yield made
    finally:
        made.dispose()


def differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrations.current_revision(connection)


def test_migrations_make_exactly_the_models_schema(engine: Engine) -> None:
    done = migrations.migrate(engine)
    assert (done.before, done.after, done.adopted) == (None, migrations.head(), False)
    assert differences(engine) == []
    assert sorted(inspect(engine).get_table_names()) == sorted(
        [*Base.metadata.tables, "alembic_version"]
    )


def test_downgrade_to_nothing_and_upgrade_again(engine: Engine) -> None:
    migrations.migrate(engine)
    migrations.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    assert revision(engine) is None
    assert migrations.migrate(engine).before is None
    assert differences(engine) == []


def test_second_migrate_finds_head_and_does_nothing(engine: Engine) -> None:
    migrations.migrate(engine)
    again = migrations.migrate(engine)
    assert (again.before, again.after, again.adopted) == (migrations.head(),) * 2 + (False,)


def test_a_database_of_an_older_central_is_adopted_keeping_its_rows(engine: Engine) -> None:
    tables = [t for name, t in Base.metadata.tables.items() if name not in LEGACY_MISSING]
    Base.metadata.create_all(engine, tables=tables)  # how central made its schema before
    seen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(Kiosk).values(id="K1", token_sha256="0" * 64, registered_at=seen))
    with engine.connect() as connection:
        assert migrations.describe(connection) == "made by an older central without migrations"
    done = migrations.migrate(engine)
    assert (done.before, done.adopted) == (None, True)
    assert revision(engine) == migrations.head()
    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.scalar(select(Kiosk.registered_at)) == seen


def test_migrations_of_one_database_at_once_all_end_at_head(engine: Engine) -> None:
    """Four migrations started together (each on its own engine, as separate processes would
    be): one creates the schema under the lock, the others wait and find head."""
    url = engine.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(4)
    results: list[migrations.Migrated] = []
    errors: list[BaseException] = []

    def run() -> None:
        own = make_engine(url)
        try:
            barrier.wait()
            results.append(migrations.migrate(own))
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(r.before or "" for r in results) == ["", *[migrations.head()] * 3]
    assert differences(engine) == []


def test_a_revision_unknown_to_this_central_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    open_storage(url, migrate=True).close()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match=r"at revision 9999, unknown to this central"):
        open_storage(url)
