"""Storage of central: typed ORM tables and the engine factory (SQLite or PostgreSQL by URL)."""

from __future__ import annotations

import contextlib
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
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from central.errors import ConfigError, StorageError

SQLITE_BUSY_TIMEOUT_MS = 5000
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


class SeenBuffer:
    """When each kiosk last made an authenticated request, written in bulk.

    Stamping `last_seen` in its own transaction would cost every request a commit (an fsync
    with synchronous=FULL) on top of its real work; the stamps are instead kept here and
    written at most every FLUSH_EVERY_S, and before anything reads them (ops views). Losing
    a second of stamps in a crash is harmless: heartbeats carry their own time.
    """

    FLUSH_EVERY_S = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, datetime] = {}
        self._flushed_at = time.monotonic()

    def note(self, kiosk_id: str, when: datetime) -> bool:
        """Record a stamp; True when it is time to flush."""
        with self._lock:
            self._pending[kiosk_id] = when
            return time.monotonic() - self._flushed_at >= self.FLUSH_EVERY_S

    def take(self) -> dict[str, datetime]:
        with self._lock:
            pending, self._pending = self._pending, {}
            self._flushed_at = time.monotonic()
            return pending


@dataclass(frozen=True)
class Storage:
    """The engine and the session factory every request uses."""

    engine: Engine
    sessions: sessionmaker[Session]
    seen: SeenBuffer = field(default_factory=SeenBuffer)

    def flush_seen(self) -> None:
        """Write the buffered last_seen stamps (never moving one backwards)."""
        pending = self.seen.take()
        if not pending:
            return
        stamp = (
            update(Kiosk)
            .where(Kiosk.id == bindparam("kiosk_id"))
            .where(or_(Kiosk.last_seen.is_(None), Kiosk.last_seen <= bindparam("when")))
            .values(last_seen=bindparam("when"))
            .execution_options(synchronize_session=False)
        )
        rows = [{"kiosk_id": kiosk_id, "when": when} for kiosk_id, when in pending.items()]
        with self.engine.begin() as conn:  # one executemany, not an ORM round trip per kiosk
            conn.execute(stamp, rows)

    def close(self) -> None:
        with contextlib.suppress(SQLAlchemyError):
            self.flush_seen()
        self.engine.dispose()


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
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError, ArgumentError, TypeError) as exc:
        raise ConfigError(f"unsupported database URL {safe}: {exc}") from None
    if sqlite:
        _sqlite_pragmas(engine, wal=not memory)
    return engine


def open_storage(db_url: str) -> Storage:
    """Connect to `db_url` and create the tables that are missing."""
    import central.business_db  # noqa: F401 - registers its tables on Base

    engine = make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        safe = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StorageError(f"cannot open database {safe}: {reason}") from None
    return Storage(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
