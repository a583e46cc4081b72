"""Pure codec for ESC/POS real-time status (`DLE EOT n`), protocols.md "Receipt printer".

A reply byte always has bits 1 and 4 set and bits 0 and 7 clear; anything else is garbage.
No reply at all is *unknown*, never "ok" (python-escpos reports "paper adequate" then).
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import ProtocolError
from drivers.interfaces import DeviceHealth, HealthLevel, PrinterStatus

DLE, EOT = 0x10, 0x04
QUERIES = (1, 2, 3, 4)
FIXED_SET, FIXED_CLEAR = 0b0001_0010, 0b1000_0001


def status_query(n: int) -> bytes:
    if n not in QUERIES:
        raise ValueError(f"DLE EOT n: n must be 1..4, not {n}")
    return bytes((DLE, EOT, n))


def check_reply_byte(value: int) -> int:
    if value & FIXED_SET != FIXED_SET or value & FIXED_CLEAR:
        raise ProtocolError(f"status byte {value:#04x} violates the fixed bits")
    return value


@dataclass(frozen=True)
class StatusBytes:
    """The four replies (None where the printer did not answer)."""

    printer: int | None = None
    offline_cause: int | None = None
    error_cause: int | None = None
    paper: int | None = None


def _bit(value: int | None, bit: int) -> bool | None:
    return None if value is None else bool(value & (1 << bit))


def combine(replies: StatusBytes) -> PrinterStatus:
    """Decode the replies per n: 1 bit 3 offline; 2 bit 2 cover, bit 5 paper end, bit 6 error;
    3 bit 3 cutter, bit 5 unrecoverable, bit 6 auto-recoverable; 4 0x0C near end, 0x60 end."""
    for value in (replies.printer, replies.offline_cause, replies.error_cause, replies.paper):
        if value is not None:
            check_reply_byte(value)
    offline = _bit(replies.printer, 3)
    paper_end_sensor = None if replies.paper is None else bool(replies.paper & 0x60)
    stopped_paper_end = _bit(replies.offline_cause, 5)
    paper_out = (
        None
        if paper_end_sensor is None and stopped_paper_end is None
        else bool(paper_end_sensor or stopped_paper_end)
    )
    return PrinterStatus(
        online=None if offline is None else not offline,
        paper_present=None if paper_out is None else not paper_out,
        paper_near_end=None if replies.paper is None else bool(replies.paper & 0x0C),
        cover_open=_bit(replies.offline_cause, 2),
        cutter_error=_bit(replies.error_cause, 3),
        recoverable_error=_bit(replies.error_cause, 6),
        unrecoverable_error=_bit(replies.error_cause, 5),
    )


def health_from_status(status: PrinterStatus) -> DeviceHealth:
    """The most serious condition wins; no answer is UNKNOWN."""
    checks: tuple[tuple[bool | None, str], ...] = (
        (status.unrecoverable_error, "printer.error"),
        (status.cover_open, "printer.cover_open"),
        (status.paper_present is False, "printer.paper_out"),
        (status.cutter_error, "printer.cutter_error"),
        (status.recoverable_error, "printer.error"),
        (status.online is False, "printer.offline"),
    )
    for condition, key in checks:
        if condition:
            return DeviceHealth(HealthLevel.ERROR, key.removeprefix("printer."), key)
    if status.online is None or status.paper_present is None:
        return DeviceHealth(HealthLevel.UNKNOWN, "no_answer", "printer.no_answer")
    if status.paper_near_end:
        return DeviceHealth(HealthLevel.WARNING, "paper_near_end", "printer.paper_near_end")
    return DeviceHealth(HealthLevel.OK, "ok", "printer.ok")
