"""Pure codec for ESC/POS real-time status (`DLE EOT n`), shared by the driver and simulator.

docs/protocols.md#real-time-status-dle-eot: a reply byte always has bits 1 and 4 set and bits 0
and 7 clear; anything else is garbage. No reply at all is *unknown*, never "ok" (python-escpos's
`paper_status()` reports "paper adequate" then).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from drivers.errors import ProtocolError
from drivers.interfaces import DeviceHealth, HealthLevel, PrinterStatus

DLE, EOT = 0x10, 0x04
QUERIES = (1, 2, 3, 4)
FIXED_SET, FIXED_CLEAR = 0b0001_0010, 0b1000_0001

# The one table of status bits: (n, mask, flag). The simulator encodes with it, the driver
# decodes with it, so a wrong bit shows up in one place. Paper sensor bits come in pairs; either
# bit of a pair counts (the conservative reading).
FLAGS: tuple[tuple[int, int, str], ...] = (
    (1, 0x08, "offline"),
    (2, 0x04, "cover_open"),
    (2, 0x08, "feed_button"),
    (2, 0x20, "stopped_paper_end"),
    (2, 0x40, "error"),
    (3, 0x08, "cutter_error"),
    (3, 0x20, "unrecoverable_error"),
    (3, 0x40, "recoverable_error"),
    (4, 0x0C, "paper_near_end"),
    (4, 0x60, "paper_end"),
)


def status_query(n: int) -> bytes:
    """`DLE EOT n` = 10 04 n, n in 1..4."""
    if n not in QUERIES:
        raise ValueError(f"DLE EOT n: n must be 1..4, not {n}")
    return bytes((DLE, EOT, n))


def check_reply_byte(value: int) -> int:
    """The byte itself, or ProtocolError when a fixed bit is wrong."""
    if value & FIXED_SET != FIXED_SET or value & FIXED_CLEAR:
        raise ProtocolError(f"status byte {value:#04x} violates the fixed bits")
    return value


def encode_status(n: int, flags: Collection[str]) -> int:
    """The reply byte a printer sends for DLE EOT n with these flags set (simulator side)."""
    if n not in QUERIES:
        raise ValueError(f"DLE EOT n: n must be 1..4, not {n}")
    unknown = set(flags) - {name for _n, _mask, name in FLAGS}
    if unknown:
        raise ValueError(f"unknown status flags {sorted(unknown)}")
    value = FIXED_SET
    for query, mask, name in FLAGS:
        if query == n and name in flags:
            value |= mask
    return value


@dataclass(frozen=True)
class StatusReply:
    """One decoded reply to `DLE EOT n`. `raw` is None when the printer did not answer; flags
    are None then, and also when they belong to another n."""

    n: int
    raw: int | None = None
    offline: bool | None = None  # n=1 bit 3
    cover_open: bool | None = None  # n=2 bit 2
    feed_button: bool | None = None  # n=2 bit 3
    stopped_paper_end: bool | None = None  # n=2 bit 5
    error: bool | None = None  # n=2 bit 6
    cutter_error: bool | None = None  # n=3 bit 3
    unrecoverable_error: bool | None = None  # n=3 bit 5
    recoverable_error: bool | None = None  # n=3 bit 6 (auto-recoverable)
    paper_near_end: bool | None = None  # n=4 bits 2-3
    paper_end: bool | None = None  # n=4 bits 5-6

    @property
    def answered(self) -> bool:
        return self.raw is not None

    def flags(self) -> tuple[str, ...]:
        """Names of the flags that are set, in table order."""
        mine = (name for query, _mask, name in FLAGS if query == self.n)
        return tuple(name for name in mine if getattr(self, name))


def parse_status(n: int, reply: bytes) -> StatusReply:
    """Decode the reply to `DLE EOT n`: empty = no answer (unknown), one valid byte = flags,
    anything else = ProtocolError."""
    if n not in QUERIES:
        raise ValueError(f"DLE EOT n: n must be 1..4, not {n}")
    if not reply:
        return StatusReply(n)
    if len(reply) != 1:
        raise ProtocolError(f"DLE EOT {n}: expected one byte, got {reply!r}")
    value = check_reply_byte(reply[0])
    bits = {name: bool(value & mask) for query, mask, name in FLAGS if query == n}
    return StatusReply(
        n,
        value,
        offline=bits.get("offline"),
        cover_open=bits.get("cover_open"),
        feed_button=bits.get("feed_button"),
        stopped_paper_end=bits.get("stopped_paper_end"),
        error=bits.get("error"),
        cutter_error=bits.get("cutter_error"),
        unrecoverable_error=bits.get("unrecoverable_error"),
        recoverable_error=bits.get("recoverable_error"),
        paper_near_end=bits.get("paper_near_end"),
        paper_end=bits.get("paper_end"),
    )


def combine(replies: Iterable[StatusReply]) -> PrinterStatus:
    """One PrinterStatus from the replies to n = 1..4 (missing or unanswered n: None fields).
    Paper is out when the sensor says paper end or the printer stopped at paper end."""
    by_n: dict[int, StatusReply] = {}
    for reply in replies:
        if reply.n in by_n:
            raise ValueError(f"two replies for DLE EOT {reply.n}")
        by_n[reply.n] = reply
    r1, r2, r3, r4 = (by_n.get(n, StatusReply(n)) for n in QUERIES)
    paper_out = (
        None
        if r4.paper_end is None and r2.stopped_paper_end is None
        else bool(r4.paper_end or r2.stopped_paper_end)
    )
    return PrinterStatus(
        online=None if r1.offline is None else not r1.offline,
        paper_present=None if paper_out is None else not paper_out,
        paper_near_end=r4.paper_near_end,
        cover_open=r2.cover_open,
        cutter_error=r3.cutter_error,
        recoverable_error=r3.recoverable_error,
        unrecoverable_error=r3.unrecoverable_error,
        details=tuple(flag for reply in (r1, r2, r3, r4) for flag in reply.flags()),
    )


def health_from_status(status: PrinterStatus) -> DeviceHealth:
    """The most serious condition wins. Any field the printer did not report makes the result
    UNKNOWN (`printer.no_answer`) unless a reported fault already decides it."""
    errors: tuple[tuple[bool | None, str, str], ...] = (
        (status.unrecoverable_error, "unrecoverable_error", "printer.error"),
        (status.cover_open, "cover_open", "printer.cover_open"),
        (status.paper_present is False, "paper_out", "printer.paper_out"),
        (status.cutter_error, "cutter_error", "printer.cutter_error"),
        (status.recoverable_error, "recoverable_error", "printer.error"),
        ("error" in status.details, "error", "printer.error"),  # n=3 named no cause
        (status.online is False, "offline", "printer.offline"),
        # Paper fed by the FEED button makes a printer offline (DLE EOT 1 bit 3 lists it among
        # the causes): a reply saying online while feeding contradicts itself — trust the worse.
        ("feed_button" in status.details, "offline", "printer.offline"),
    )
    detail = ", ".join(status.details)
    for condition, code, key in errors:
        if condition:
            return DeviceHealth(HealthLevel.ERROR, code, key, detail)
    reported = (
        status.online,
        status.paper_present,
        status.paper_near_end,
        status.cover_open,
        status.cutter_error,
    )
    if any(value is None for value in reported):
        return DeviceHealth(HealthLevel.UNKNOWN, "no_answer", "printer.no_answer", detail)
    if status.paper_near_end:
        return DeviceHealth(HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end", detail)
    return DeviceHealth(HealthLevel.OK, "ok", "printer.ok")
