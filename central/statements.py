"""Statements the business modules share, each written once for SQLite and PostgreSQL:
insert-if-absent, upsert, a locked read, an IN list, and bulk inserts (COPY on PostgreSQL).

Kept apart from db.py (tables, engine, storage): these are ways of writing SQL, not schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from sqlalchemy import Table, any_, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from central.db import Base

ModelT = TypeVar("ModelT", bound=Base)


def locked_row(session: Session, model: type[ModelT], *where: Any) -> ModelT | None:
    """The row of `model` matching `where`, locked until the transaction ends (SELECT … FOR
    UPDATE; SQLite, which has no row locks, writes alone anyway) and read as now committed,
    not from the session's cache: what a decision that others may race is made on."""
    return session.scalar(
        select(model).where(*where).with_for_update().execution_options(populate_existing=True)
    )


def insert_if_absent(session: Session, model: type[Base], row: dict[str, Any]) -> bool:
    """INSERT `row` unless its primary key exists; True if inserted. Race-safe: a concurrent
    insert of the same key makes this a no-op (ON CONFLICT DO NOTHING), not an error."""
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        module: Any = postgresql if dialect == "postgresql" else sqlite
        statement = module.insert(model).values(**row).on_conflict_do_nothing()
        return bool(cast(CursorResult[Any], session.execute(statement)).rowcount)
    try:
        with session.begin_nested():
            session.execute(insert(model).values(**row))
    except IntegrityError:
        return False
    return True


def among(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`: one parameter, so the
    statement's text is short and the same for any count (psycopg converts a long IN list's
    text anew on every execution: 6 % of a sync batch's CPU)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


def upsert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """INSERT each row, or UPDATE its other columns where its primary key exists: one
    statement (ON CONFLICT DO UPDATE) instead of an ORM get-then-set per row. The rows share
    their keys."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # other databases: the ORM's merge
        for row in rows:
            session.merge(model(**row))
        return
    session.execute(_upsert_statement(dialect, model, tuple(rows[0])), rows)


_UPSERTS: dict[tuple[str, str, tuple[str, ...]], Any] = {}


def _upsert_statement(dialect: str, model: type[Base], columns: tuple[str, ...]) -> Any:
    """Built once per shape: building `excluded` anew cost 7 % of a heartbeat's CPU."""
    table = cast(Table, model.__table__)
    key = (dialect, table.name, columns)
    statement = _UPSERTS.get(key)
    if statement is None:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        insert_ = module.insert(table)
        keys = [column.name for column in table.primary_key.columns]
        changed = {name: insert_.excluded[name] for name in columns if name not in keys}
        statement = _UPSERTS[key] = insert_.on_conflict_do_update(index_elements=keys, set_=changed)
    return statement


def add_to(
    session: Session, model: type[Base], rows: list[dict[str, Any]], sums: tuple[str, ...]
) -> None:
    """INSERT each row, or ADD its `sums` columns to the row with its primary key: counters
    many transactions add to at once (`sums = sums + :value` in the database, never read and
    written back). Rows are written in key order, so two transactions adding to the same rows
    take their locks in the same order and never deadlock."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    keys = [column.name for column in table.primary_key.columns]
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):  # other databases: read, add, write
        for row in rows:
            found = session.get(model, tuple(row[k] for k in keys), with_for_update=True)
            if found is None:
                session.add(model(**row))
            else:
                for name in sums:
                    setattr(found, name, getattr(found, name) + row[name])
        session.flush()
        return
    module: Any = postgresql if dialect == "postgresql" else sqlite
    insert_ = module.insert(table)
    added = {name: table.c[name] + insert_.excluded[name] for name in sums}
    session.execute(insert_.on_conflict_do_update(index_elements=keys, set_=added), rows)


NEXT_IDS = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` (an integer `id` key made by the database); their ids, in
    order. Core, not the ORM's bulk insert: no per-row bookkeeping.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows go out as
    one COPY (executemany): SQLAlchemy's multi-row INSERT … RETURNING is one long statement
    per batch that psycopg re-parses every time (a sixth of a batch's CPU in
    benchmarks/central_bench.py)."""
    if session.get_bind().dialect.name != "postgresql":
        return list(
            session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        )
    ids = sorted(row_id for (row_id,) in driver_rows(session, NEXT_IDS, (table.name, len(rows))))
    for row, row_id in zip(rows, ids, strict=True):
        row["id"] = row_id
    executemany(session, table, rows)
    return ids


def driver_rows(
    session: Session, sql: str, params: Sequence[Any] | Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Run `sql` (psycopg's %s placeholders) on the session's PostgreSQL connection, inside its
    transaction, past SQLAlchemy's statement machinery: for the few statements of a sync
    batch's hot path, whose compiling and result handling cost more of central's CPU than
    PostgreSQL spends on them (~0.1 ms each). Errors come out as SQLAlchemy's would."""
    with _driver_cursor(session, sql, params) as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


@contextmanager
def _driver_cursor(session: Session, sql: str, params: Any) -> Iterator[Any]:
    """A cursor of the driver's connection under the session's transaction; the driver's
    errors raised as SQLAlchemy's (IntegrityError, OperationalError, ...), so callers that
    settle clashes or retry deadlocks (sync.py) see the same exceptions either way."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor:
            yield cursor
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, params, exc, dbapi_error) from exc


def executemany(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (all with the same keys); on PostgreSQL as one COPY, which psycopg streams
    from C (its executemany pipeline spent a sixth of a batch's CPU in Python)."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    connection = session.connection()
    columns = list(rows[0])
    values = [[row[column] for column in columns] for row in rows]
    # The driver gets the values as the columns' types would bind them (an aware datetime
    # becomes the naive UTC that db.UTCDateTime stores), since no SQLAlchemy type sees them.
    for index, column in enumerate(columns):
        processor = table.c[column].type.bind_processor(connection.dialect)
        if processor is not None:
            _convert_column(values, index, processor)
    names = ", ".join(columns)
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    with _driver_cursor(session, statement, None) as cursor, cursor.copy(statement) as copy:
        for row_values in values:
            copy.write_row(row_values)


def _convert_column(values: list[list[Any]], index: int, processor: Any) -> None:
    """Bind-process column `index` in place; a value the row before had (a batch's rows share
    one timestamp) is converted once."""
    last_in: Any = _UNSET
    last_out: Any = None
    for row_values in values:
        value = row_values[index]
        if value is not last_in:
            last_in, last_out = value, processor(value)
        row_values[index] = last_out


_UNSET = object()
