"""Schema migrations of central (Alembic): upgrade a database to head under a lock, or check it.

Every upgrade runs in one transaction that first takes a lock, so instances that start together
on one database migrate one after the other: the first upgrades, the next finds head. On
PostgreSQL that is a transaction-level advisory lock (DDL is transactional there); on SQLite
`BEGIN IMMEDIATE`, the database's single write lock. A database made by an older central with
create_all (tables, no alembic_version) is adopted at the baseline, then upgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import Connection

from central.db import schema_lock

HERE = Path(__file__).resolve().parent
BASELINE = "0001"
VERSION_TABLE = "alembic_version"
LEGACY_MARKER_TABLE = "kiosks"  # every central since the first had it


@dataclass(frozen=True)
class Migrated:
    """What `migrate` did: the revision found (None: none) and the one left (head)."""

    before: str | None
    after: str
    adopted: bool  # tables of an older central were found and taken over at the baseline


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this central knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None, "central/migrations/versions has no revision"
    return revision


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def describe(connection: Connection) -> str | None:
    """None if the database is at head, else a few words saying where it is."""
    revision = current_revision(connection)
    if revision == head():
        return None
    if revision is not None:
        scripts = ScriptDirectory.from_config(_config())
        known = {script.revision for script in scripts.walk_revisions()}
        if revision not in known:
            return f"at revision {revision}, unknown to this central (made by a newer one?)"
        return f"at revision {revision}, not {head()}"
    if inspect(connection).has_table(LEGACY_MARKER_TABLE):
        return "made by an older central without migrations"
    return "empty"


def migrate(engine: Engine) -> Migrated:
    """Upgrade the database of `engine` to head; safe when several processes do it at once."""
    with engine.connect() as connection:
        schema_lock(connection)
        # Read only under the lock: a migration that ran while we waited is seen as done.
        before = current_revision(connection)
        adopted = before is None and inspect(connection).has_table(LEGACY_MARKER_TABLE)
        if before != head():
            config = _config(connection)
            config.attributes["adopt_existing"] = adopted
            command.upgrade(config, "head")
        connection.commit()
    return Migrated(before=before, after=head(), adopted=adopted)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade to `revision` ("base": nothing left); for tests of the revisions."""
    with engine.connect() as connection:
        schema_lock(connection)
        command.downgrade(_config(connection), revision)
        connection.commit()
