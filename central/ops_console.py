"""The ops console's figures: the fleet overview and the kiosk list, each a handful of SQL
aggregates over the kiosks' latest heartbeats and the daily figures per hall
(central/history_db.py) — nothing per kiosk is parsed or computed in Python, so both stay
fast at 10,000 kiosks (benchmarks/ops_console_bench.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Final, Literal

from sqlalchemy import and_, case, false, func, literal_column, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from central.db import Heartbeat, Kiosk, Storage
from central.history_db import PaymentDay, SessionDay
from central.volume import rate

HISTORY_DAYS: Final = 30
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)  # sorts a kiosk that never beat first
Status = Literal["online", "out_of_service", "offline", "never"]
AlertFilter = Literal["any", "error", "warning", "none", "dead"]
SortKey = Literal["id", "status", "place", "version", "last_seen", "alerts", "cash", "queue"]
GROUP_LEVELS: Final = ("region", "city", "hall")
UNASSIGNED: Final = "-"  # names the empty group (kiosks that did not say) in a URL


def group_param(value: str | None) -> str | None:
    """A group named in a URL as the scope means it: absent or empty is any, `-` the empty."""
    if not value:
        return None
    return "" if value == UNASSIGNED else value


def param_of(name: str | None) -> str | None:
    """The inverse of group_param for links."""
    return None if name is None else (name or UNASSIGNED)


@dataclass(frozen=True)
class Scope:
    """A group of kiosks: a region, a city in it, a hall in that (None: any)."""

    region: str | None = None
    city: str | None = None
    hall: str | None = None

    def where(self, table: Any) -> list[ColumnElement[bool]]:
        return [
            getattr(table, level) == value
            for level, value in zip(GROUP_LEVELS, self.values(), strict=True)
            if value is not None
        ]

    def values(self) -> tuple[str | None, str | None, str | None]:
        return (self.region, self.city, self.hall)

    def child_level(self) -> str | None:
        """The level the overview's group table breaks this scope down by."""
        for level, value in zip(GROUP_LEVELS, self.values(), strict=True):
            if value is None:
                return level
        return None


@dataclass(frozen=True)
class Cell:
    count: int = 0
    amount_fen: int = 0


@dataclass(frozen=True)
class Day:
    day: date
    methods: dict[str, Cell]
    started: int
    completed: int

    @property
    def paid(self) -> Cell:
        return Cell(
            sum(c.count for c in self.methods.values()),
            sum(c.amount_fen for c in self.methods.values()),
        )

    @property
    def diversion_rate(self) -> float | None:
        return rate(self.started, self.completed)


@dataclass(frozen=True)
class Counts:
    kiosks: int = 0
    online: int = 0
    out_of_service: int = 0
    offline: int = 0
    never: int = 0
    alerts: dict[str, int] = field(default_factory=dict)  # level → alerts
    kiosks_alerting: dict[str, int] = field(default_factory=dict)  # level → kiosks
    cash_fen: int = 0
    queue_pending: int = 0
    queue_dead: int = 0


@dataclass(frozen=True)
class GroupRow:
    name: str
    counts: Counts
    today: Cell
    month: Cell
    diversion_rate: float | None


@dataclass(frozen=True)
class Overview:
    generated_at: datetime
    today: date
    scope: Scope
    counts: Counts
    today_by_service: dict[str, Cell]
    days: list[Day]  # oldest first, HISTORY_DAYS of them, today last
    child_level: str | None
    groups: list[GroupRow]

    @property
    def today_figures(self) -> Day:
        return self.days[-1]


def _online(now: datetime) -> ColumnElement[bool]:
    return and_(Heartbeat.stale_at.is_not(None), Heartbeat.stale_at >= now)


def _status_filter(status: Status, now: datetime) -> ColumnElement[bool]:
    if status == "never":
        return Heartbeat.kiosk_id.is_(None)
    if status == "offline":
        return and_(Heartbeat.kiosk_id.is_not(None), ~_online(now))
    service = Heartbeat.out_of_service == (status == "out_of_service")
    return and_(_online(now), service)


def _counts_columns(now: datetime) -> list[Any]:
    online = _online(now)
    one, zero = 1, 0
    return [
        func.count(Kiosk.id),
        func.sum(case((and_(online, Heartbeat.out_of_service == false()), one), else_=zero)),
        func.sum(case((and_(online, Heartbeat.out_of_service == true()), one), else_=zero)),
        func.sum(case((and_(Heartbeat.kiosk_id.is_not(None), ~online), one), else_=zero)),
        func.sum(case((Heartbeat.kiosk_id.is_(None), one), else_=zero)),
        func.sum(Heartbeat.alerts_error),
        func.sum(Heartbeat.alerts_warning),
        func.sum(Heartbeat.alerts_unknown),
        func.sum(case((Heartbeat.alerts_error > 0, one), else_=zero)),
        func.sum(case((Heartbeat.alerts_warning > 0, one), else_=zero)),
        func.sum(case((Heartbeat.alerts_unknown > 0, one), else_=zero)),
        func.sum(Heartbeat.cash_fen),
        func.sum(Heartbeat.queue_pending),
        func.sum(Heartbeat.queue_dead),
    ]


def _counts(values: Any) -> Counts:
    n = [int(v or 0) for v in values]
    return Counts(
        kiosks=n[0],
        online=n[1],
        out_of_service=n[2],
        offline=n[3],
        never=n[4],
        alerts={"error": n[5], "warning": n[6], "unknown": n[7]},
        kiosks_alerting={"error": n[8], "warning": n[9], "unknown": n[10]},
        cash_fen=n[11],
        queue_pending=n[12],
        queue_dead=n[13],
    )


def _kiosks_of(scope: Scope) -> Any:
    """Kiosks joined with their latest heartbeat, limited to `scope` (a kiosk that never
    beat has no place and belongs to the fleet only)."""
    return select().select_from(Kiosk).outerjoin(Heartbeat, Heartbeat.kiosk_id == Kiosk.id)


def build_overview(storage: Storage, now: datetime, tz: tzinfo, scope: Scope) -> Overview:
    """Counts, alerts, cash and today's business of `scope`, its last HISTORY_DAYS days, and
    the same per group one level down."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=HISTORY_DAYS - 1)
    child = scope.child_level()
    with storage.sessions() as session:
        where = scope.where(Heartbeat)
        counts_query = _kiosks_of(scope).add_columns(*_counts_columns(now)).where(*where)
        counts = _counts(session.execute(counts_query).one())
        payments = session.execute(
            select(PaymentDay.day, PaymentDay.service, PaymentDay.method,
                   func.sum(PaymentDay.count), func.sum(PaymentDay.amount_fen))
            .where(PaymentDay.day >= first, PaymentDay.day <= today, *scope.where(PaymentDay))
            .group_by(PaymentDay.day, PaymentDay.service, PaymentDay.method)
        ).all()  # fmt: skip
        sessions = session.execute(
            select(SessionDay.day, func.sum(SessionDay.started), func.sum(SessionDay.completed))
            .where(SessionDay.day >= first, SessionDay.day <= today, *scope.where(SessionDay))
            .group_by(SessionDay.day)
        ).all()
        groups = _groups(session, now, (first, today), scope, child) if child else []
    by_day: dict[date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    by_service: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, service, method, count, amount in payments:
        cell = by_day[day][method]
        cell[0] += int(count)
        cell[1] += int(amount)
        if day == today:
            by_service[service][0] += int(count)
            by_service[service][1] += int(amount)
    session_of = {day: (int(s), int(c)) for day, s, c in sessions}
    days = []
    for offset in range(HISTORY_DAYS):
        day = first + timedelta(days=offset)
        started, completed = session_of.get(day, (0, 0))
        methods = {m: Cell(c, a) for m, (c, a) in sorted(by_day.get(day, {}).items())}
        days.append(Day(day, methods, started, completed))
    return Overview(
        generated_at=now,
        today=today,
        scope=scope,
        counts=counts,
        today_by_service={s: Cell(c, a) for s, (c, a) in sorted(by_service.items())},
        days=days,
        child_level=child,
        groups=groups,
    )


def _groups(
    session: Any, now: datetime, days: tuple[date, date], scope: Scope, level: str
) -> list[GroupRow]:
    """One row per group at `level` inside `scope`: its kiosks' counts from their heartbeats,
    its money today and over HISTORY_DAYS, its diversion rate over HISTORY_DAYS."""
    first, today = days
    # The empty string as SQL text, not a parameter: GROUP BY must repeat the very expression
    # of the select list, and two parameters are two expressions to PostgreSQL.
    beat_group = func.coalesce(getattr(Heartbeat, level), literal_column("''"))
    counted = session.execute(
        _kiosks_of(scope)
        .add_columns(beat_group, *_counts_columns(now))
        .where(*scope.where(Heartbeat))
        .group_by(beat_group)
    ).all()
    pay_group = getattr(PaymentDay, level)
    is_today = case((PaymentDay.day == today, 1), else_=0)
    paid = session.execute(
        select(pay_group, func.sum(PaymentDay.count * is_today),
               func.sum(PaymentDay.amount_fen * is_today),
               func.sum(PaymentDay.count), func.sum(PaymentDay.amount_fen))
        .where(PaymentDay.day >= first, PaymentDay.day <= today, *scope.where(PaymentDay))
        .group_by(pay_group)
    ).all()  # fmt: skip
    session_group = getattr(SessionDay, level)
    sessions = session.execute(
        select(session_group, func.sum(SessionDay.started), func.sum(SessionDay.completed))
        .where(SessionDay.day >= first, SessionDay.day <= today, *scope.where(SessionDay))
        .group_by(session_group)
    ).all()
    counts = {row[0]: _counts(row[1:]) for row in counted}
    money = {g: (Cell(int(c), int(a)), Cell(int(mc), int(ma))) for g, c, a, mc, ma in paid}
    rates = {g: rate(int(s), int(c)) for g, s, c in sessions}
    names = sorted(set(counts) | set(money) | set(rates))
    return [
        GroupRow(
            name=name,
            counts=counts.get(name, Counts()),
            today=money.get(name, (Cell(), Cell()))[0],
            month=money.get(name, (Cell(), Cell()))[1],
            diversion_rate=rates.get(name),
        )
        for name in names
    ]


@dataclass(frozen=True)
class ListQuery:
    scope: Scope = Scope()
    status: Status | None = None
    alert: AlertFilter | None = None
    version: str | None = None
    search: str | None = None
    sort: SortKey = "id"
    descending: bool = False
    page: int = 1
    size: int = 50


@dataclass(frozen=True)
class ListRow:
    kiosk_id: str
    status: Status
    region: str
    city: str
    hall: str
    location: str
    software_version: str | None
    last_heartbeat_at: datetime | None
    alerts: dict[str, int]
    cash_fen: int
    queue_pending: int | None
    queue_dead: int | None


@dataclass(frozen=True)
class KioskPage:
    query: ListQuery
    total: int
    rows: list[ListRow]
    versions: list[str]
    places: list[tuple[str, str, str]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


def _alert_filter(alert: AlertFilter) -> ColumnElement[bool]:
    if alert == "error":
        return Heartbeat.alerts_error > 0
    if alert == "warning":
        return Heartbeat.alerts_warning > 0
    if alert == "dead":
        return Heartbeat.queue_dead > 0
    anything = or_(
        Heartbeat.alerts_error > 0, Heartbeat.alerts_warning > 0, Heartbeat.alerts_unknown > 0
    )
    return anything if alert == "any" else and_(Heartbeat.kiosk_id.is_not(None), ~anything)


def _status_rank(now: datetime) -> Any:
    """online 0, out of service 1, offline 2, never 3: the order `status` sorts in."""
    online = _online(now)
    return case(
        (Heartbeat.kiosk_id.is_(None), 3),
        (~online, 2),
        (Heartbeat.out_of_service == true(), 1),
        else_=0,
    )


def _sort_columns(sort: SortKey, now: datetime) -> list[Any]:
    alerts = (
        func.coalesce(Heartbeat.alerts_error, 0) * 10000
        + func.coalesce(Heartbeat.alerts_warning, 0) * 100
        + func.coalesce(Heartbeat.alerts_unknown, 0)
    )
    return {
        "id": [],
        "status": [_status_rank(now)],
        "place": [
            func.coalesce(Heartbeat.region, ""),
            func.coalesce(Heartbeat.city, ""),
            func.coalesce(Heartbeat.hall, ""),
            func.coalesce(Heartbeat.location, ""),
        ],
        "version": [func.coalesce(Heartbeat.software_version, "")],
        "last_seen": [func.coalesce(Heartbeat.received_at, EPOCH)],
        "alerts": [alerts],
        "cash": [func.coalesce(Heartbeat.cash_fen, -1)],
        "queue": [
            func.coalesce(Heartbeat.queue_dead, -1),
            func.coalesce(Heartbeat.queue_pending, -1),
        ],
    }[sort]


def list_kiosks(storage: Storage, now: datetime, query: ListQuery) -> KioskPage:
    """One page of the kiosks matching `query`, the count of all that match, and the
    versions and places the filters offer."""
    where: list[ColumnElement[bool]] = list(query.scope.where(Heartbeat))
    if query.status is not None:
        where.append(_status_filter(query.status, now))
    if query.alert is not None:
        where.append(_alert_filter(query.alert))
    if query.version is not None:
        where.append(Heartbeat.software_version == query.version)
    if query.search:
        escaped = query.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(func.lower(Kiosk.id).like(f"%{escaped.lower()}%", escape="\\"))
    base = select().select_from(Kiosk).outerjoin(Heartbeat, Heartbeat.kiosk_id == Kiosk.id)
    order = [c.desc() if query.descending else c.asc() for c in _sort_columns(query.sort, now)]
    order.append(Kiosk.id.desc() if query.descending else Kiosk.id.asc())
    columns = (
        Kiosk.id, _status_rank(now), Heartbeat.region, Heartbeat.city, Heartbeat.hall,
        Heartbeat.location, Heartbeat.software_version, Heartbeat.received_at,
        Heartbeat.alerts_error, Heartbeat.alerts_warning, Heartbeat.alerts_unknown,
        Heartbeat.cash_fen, Heartbeat.queue_pending, Heartbeat.queue_dead,
    )  # fmt: skip
    with storage.sessions() as session:
        total = session.scalar(base.add_columns(func.count(Kiosk.id)).where(*where)) or 0
        rows = session.execute(
            base.add_columns(*columns)
            .where(*where)
            .order_by(*order)
            .limit(query.size)
            .offset((query.page - 1) * query.size)
        ).all()
        versions = session.scalars(
            select(Heartbeat.software_version).distinct().order_by(Heartbeat.software_version)
        ).all()
        places = session.execute(
            select(Heartbeat.region, Heartbeat.city, Heartbeat.hall)
            .distinct()
            .order_by(Heartbeat.region, Heartbeat.city, Heartbeat.hall)
        ).all()
    statuses: tuple[Status, ...] = ("online", "out_of_service", "offline", "never")
    return KioskPage(
        query=query,
        total=int(total),
        rows=[
            ListRow(
                kiosk_id=r[0],
                status=statuses[int(r[1])],
                region=r[2] or "",
                city=r[3] or "",
                hall=r[4] or "",
                location=r[5] or "",
                software_version=r[6],
                last_heartbeat_at=r[7],
                alerts={"error": r[8] or 0, "warning": r[9] or 0, "unknown": r[10] or 0},
                cash_fen=r[11] or 0,
                queue_pending=r[12],
                queue_dead=r[13],
            )
            for r in rows
        ],
        versions=list(versions),
        places=[(r[0], r[1], r[2]) for r in places],
    )
