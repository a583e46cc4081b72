"""Alembic's environment for central: runs the revisions on the connection the caller opened.

central/migrations/__init__.py opens the connection, takes the migration lock and begins the
transaction before Alembic runs, so the revisions run inside that locked transaction; there
is no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import central.business_db  # registers its tables on Base
import central.history_db  # noqa: F401 - registers its tables on Base
from central.db import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("central migrations run through `python -m central migrate` only")
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
