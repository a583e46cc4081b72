"""Storage of central: typed ORM tables and the engine factory (SQLite or PostgreSQL by URL)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    create_engine,
    event,
    or_,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from central.errors import ConfigError, StorageError

log = logging.getLogger("central")
SQLITE_BUSY_TIMEOUT_MS = 5000
SCHEMA_LOCK_WAIT_S = 120.0
# Connections per central process to a server database (CENTRAL_DB_POOL_SIZE): with N
# processes, N x this must stay under the server's max_connections (PostgreSQL: 100).
DB_POOL_SIZE = int(os.environ.get("CENTRAL_DB_POOL_SIZE", "20"))
# Advisory lock key of schema_lock: any fixed 64-bit number; this one is b"central\x01" read
# as an integer, unlikely to be another program's.
SCHEMA_LOCK_KEY = 0x63656E7472616C01
URL_EXAMPLE = "e.g. sqlite:///central.db or postgresql+psycopg://user@host/central"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored as naive UTC so SQLite and PostgreSQL behave the same."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Kiosk(Base):
    """A registered kiosk; only the SHA-256 of its bearer token is stored."""

    __tablename__ = "kiosks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SyncRecord(Base):
    """The first answer given to one (kiosk, idempotency key); replays are answered from it."""

    __tablename__ = "sync_records"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    body_sha256: Mapped[str] = mapped_column(String(64))
    result_json: Mapped[str] = mapped_column(Text)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Topup(Base):
    """A credited top-up (kind topup.v1). One row per (kiosk, txn_id)."""

    __tablename__ = "topups"
    __table_args__ = (UniqueConstraint("kiosk_id", "txn_id", name="uq_topups_kiosk_txn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    txn_id: Mapped[str] = mapped_column(String(128))
    msisdn: Mapped[str] = mapped_column(String(11), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[str] = mapped_column(String(64))  # ISO-8601 exactly as the kiosk sent it
    offline: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Heartbeat(Base):
    """The latest heartbeat of each kiosk (replaced by the next one); lists kept as JSON text."""

    __tablename__ = "heartbeats"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the kiosk's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())  # central's clock
    software_version: Mapped[str] = mapped_column(String(64))
    interval_s: Mapped[int] = mapped_column(Integer)
    out_of_service: Mapped[bool] = mapped_column(Boolean)
    devices_json: Mapped[str] = mapped_column(Text)
    queue_pending: Mapped[int] = mapped_column(Integer)
    queue_dead: Mapped[int] = mapped_column(Integer)
    queue_oldest_pending_age_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    cash_box_json: Mapped[str] = mapped_column(Text)
    # Where the kiosk stands, as its configuration says (empty: not reported): the groups
    # of the ops console. Figures below are derived at ingest so the console aggregates
    # columns in SQL instead of parsing every kiosk's JSON (migration 0002).
    region: Mapped[str] = mapped_column(String(64), default="", server_default="")
    city: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hall: Mapped[str] = mapped_column(String(64), default="", server_default="")
    location: Mapped[str] = mapped_column(String(128), default="", server_default="")
    stale_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # offline after
    alerts_error: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    alerts_warning: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    alerts_unknown: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cash_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class HeartbeatDetail(Base):
    """The latest heartbeat's optional figures (uptime, disk, last errors, last delivery).

    A table of its own rather than new columns of `heartbeats`: open_storage creates missing
    tables but never alters existing ones, so a database of an older central gains it as is.
    No row (or null fields): the kiosk did not report them."""

    __tablename__ = "heartbeat_details"

    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    uptime_s: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disk_free_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    disk_total_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    queue_last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_errors_json: Mapped[str] = mapped_column(Text, default="[]")


class MaintenanceEvent(Base):
    """A technician's or a remote command's action at a kiosk (kind maintenance.v1), one row
    per (kiosk, event_id). Details are flat values the kiosk vouches are not personal data."""

    __tablename__ = "maintenance_events"
    __table_args__ = (UniqueConstraint("kiosk_id", "event_id", name="uq_maintenance_kiosk_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    technician_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())  # the kiosk's clock
    details_json: Mapped[str] = mapped_column(Text)
    cash_counts_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    total_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Voucher(Base):
    """A voucher a kiosk issued (kind voucher.v1): money taken for a service it did not
    deliver, the customer's claim for ops to honour. One row per (kiosk, voucher_no). No
    personal data but the number masked as printed. Redeeming or voiding is not modelled."""

    __tablename__ = "vouchers"
    __table_args__ = (UniqueConstraint("kiosk_id", "voucher_no", name="uq_voucher_kiosk_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    voucher_no: Mapped[str] = mapped_column(String(160))
    txn_id: Mapped[str] = mapped_column(String(128), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(48))
    msisdn_masked: Mapped[str | None] = mapped_column(String(11), nullable=True)
    recovered: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the kiosk's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RemoteCommand(Base):
    """A command ops issued to one kiosk; sent with every heartbeat answer until acknowledged."""

    __tablename__ = "remote_commands"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # order
    id: Mapped[str] = mapped_column(String(64), unique=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


class SeenStamps:
    """Stamps `kiosks.last_seen` in the database, so every central instance shows the same.

    A stamp is noted in memory and a thread of this process writes the stamps of the last
    second in ONE statement (an executemany of a conditional UPDATE that never moves a stamp
    backwards): a separate transaction per request cost a fleet of 10,000 kiosks several
    hundred commits a second for a figure ops read to the minute. Any instance therefore
    shows a kiosk's last_seen at most FLUSH_EVERY_S (plus one write) late; an ops view of
    this process flushes first. The write skips the fsync (latest_state_session): losing a
    second of stamps in a crash is harmless, heartbeats carry their own time.
    """

    FLUSH_EVERY_S = 1.0

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._lock = threading.Lock()
        self._pending: dict[str, datetime] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def note(self, kiosk_id: str, when: datetime) -> bool:
        """Note `kiosk_id` as seen at `when`; written within FLUSH_EVERY_S. Always False
        (the answer of the buffer this replaced: nothing for the caller to flush)."""
        with self._lock:
            last = self._pending.get(kiosk_id)
            if last is None or when > last:
                self._pending[kiosk_id] = when
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="central-last-seen", daemon=True
                )
                self._thread.start()
        return False

    def flush(self) -> None:
        """Write the noted stamps now (never moving one backwards)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        stamp = (
            update(Kiosk)
            .where(Kiosk.id == bindparam("kiosk_id"))
            .where(or_(Kiosk.last_seen.is_(None), Kiosk.last_seen < bindparam("when")))
            .values(last_seen=bindparam("when"))
            .execution_options(synchronize_session=False)
        )
        rows = [{"kiosk_id": kiosk_id, "when": when} for kiosk_id, when in sorted(pending.items())]
        with latest_state_session(self._storage) as session:
            session.connection().execute(stamp, rows)

    def _run(self) -> None:
        while not self._stop.wait(self.FLUSH_EVERY_S):
            try:
                self.flush()
            except SQLAlchemyError as exc:  # the database is away: try again next second
                log.warning("cannot write last_seen stamps: %s", str(exc).splitlines()[0])

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        with contextlib.suppress(SQLAlchemyError):
            self.flush()


@dataclass(frozen=True)
class Storage:
    """The engine and the session factory every request uses."""

    engine: Engine
    sessions: sessionmaker[Session]
    seen: SeenStamps = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "seen", SeenStamps(self))

    def flush_seen(self) -> None:
        """Write this process's noted last_seen stamps now (before an ops view reads them)."""
        self.seen.flush()

    def close(self) -> None:
        self.seen.close()
        self.engine.dispose()


def schema_lock(connection: Connection) -> None:
    """Begin `connection`'s transaction holding central's lock on schema changes and seeding
    until the transaction ends, so instances starting together take turns.

    PostgreSQL: a transaction-level advisory lock. SQLite: `BEGIN IMMEDIATE`, the database's
    write lock (pysqlite would begin lazily, and only before DML; explicit, it also makes the
    DDL that follows part of the transaction). Other databases: no lock of our own.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # SQLite's busy handler gives up after busy_timeout (5 s), and a first migration on a
        # loaded machine took longer (CI): the others keep waiting, up to SCHEMA_LOCK_WAIT_S.
        deadline = time.monotonic() + SCHEMA_LOCK_WAIT_S
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                connection.rollback()


@contextlib.contextmanager
def latest_state_session(storage: Storage) -> Iterator[Session]:
    """A transaction of latest-state rows (heartbeats) that skips the commit's fsync.

    Such a row is replaced by the next heartbeat anyway; losing the last few on a power cut is
    harmless, and the fsync was most of a heartbeat's cost. The database stays consistent
    (SQLite WAL with synchronous=NORMAL; PostgreSQL synchronous_commit=off) and the next
    ordinary commit makes everything before it durable. The connection is held for the whole
    transaction and put back to FULL before anyone else can use it.
    """
    with storage.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.commit()
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                if conn.dialect.name == "postgresql":
                    session.execute(text("SET LOCAL synchronous_commit TO OFF"))
                yield session
                session.commit()
        finally:
            if sqlite:
                try:
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA synchronous=FULL")
                    conn.commit()
                except SQLAlchemyError:
                    conn.invalidate()  # never hand out a connection left without fsync
                    raise


def parse_db_url(text: str) -> URL:
    """The SQLAlchemy URL in `text`, or ConfigError (the raw text is not echoed: passwords)."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise ConfigError(f"not a database URL ({URL_EXAMPLE})") from None
    if not url.drivername:
        raise ConfigError(f"not a database URL ({URL_EXAMPLE})")
    return url


def _is_sqlite_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def is_memory_url(db_url: str) -> bool:
    """Whether `db_url` names an in-memory SQLite database (private to one process)."""
    url = parse_db_url(db_url)
    return url.get_backend_name() == "sqlite" and _is_sqlite_memory(url)


def _sqlite_pragmas(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()


def make_engine(db_url: str) -> Engine:
    """An engine for `db_url`; SQLite gets WAL, a busy timeout and foreign keys on connect."""
    url = parse_db_url(db_url)
    safe = url.render_as_string(hide_password=True)
    kwargs: dict[str, Any] = {}
    sqlite = url.get_backend_name() == "sqlite"
    memory = sqlite and _is_sqlite_memory(url)
    if sqlite:
        kwargs["connect_args"] = {"check_same_thread": False}
        if memory:
            kwargs["poolclass"] = StaticPool
        else:
            # SQLite has one writer at a time. Request threads queue for a single connection
            # instead of colliding in SQLite's busy handler, which sleeps in steps of up to
            # 100 ms; measured in benchmarks/central_bench.py.
            kwargs.update(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=30)
    else:
        # A fixed pool of connections per process, no overflow: an overflow connection is
        # opened for a burst and closed again when it is returned, and opening one (a server
        # process forked by PostgreSQL) cost more than the request; the fleet benchmark spent
        # 8 % of a worker there. Requests beyond the pool wait for a connection instead. No
        # pre-ping either (a round trip per transaction): after a database restart the first
        # use of a stale connection fails, SQLAlchemy drops the pool's connections, and the
        # kiosk's request is answered 503 and retried.
        kwargs.update(pool_size=DB_POOL_SIZE, max_overflow=0, pool_timeout=30, pool_recycle=3600)
        if url.get_backend_name() == "postgresql":
            # psycopg prepares a statement on its fifth use, and PostgreSQL may then plan it
            # once for any values: a batch's `key IN (100 keys)` got a generic plan that
            # walked every record of the kiosk (10 ms a batch, growing with its history)
            # instead of 100 index lookups (0.7 ms). Prepared statements are still parsed
            # once; only the plan is made for each execution's values.
            kwargs["connect_args"] = {"options": "-c plan_cache_mode=force_custom_plan"}

    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError, TypeError) as exc:
        raise ConfigError(f"unsupported database URL {safe}: {exc}") from None
    if sqlite:
        _sqlite_pragmas(engine, wal=not memory)
    return engine


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def open_storage(db_url: str, *, migrate: bool = False) -> Storage:
    """Connect to `db_url`, whose schema must be at the newest migration.

    `migrate` upgrades it first (central/migrations: safe when several instances start
    together). An in-memory SQLite database is new in every process, so it is always
    migrated. Otherwise a database not at head raises StorageError naming `central migrate`:
    tables are never created behind the operator's back.
    """
    from central import migrations  # Alembic only when a database is opened

    engine = make_engine(db_url)
    safe = engine.url.render_as_string(hide_password=True)
    try:
        if migrate or (engine.dialect.name == "sqlite" and _is_sqlite_memory(engine.url)):
            migrations.migrate(engine)
        else:
            with engine.connect() as connection:
                state = migrations.describe(connection)
            if state is not None:
                raise StorageError(
                    f"database {safe} is {state}: run `python -m central migrate --db URL` first"
                )
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StorageError(f"cannot open database {safe}: {_reason(exc)}") from None
    except StorageError:
        engine.dispose()
        raise
    return Storage(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
