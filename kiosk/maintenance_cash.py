"""Cash collection: what the cash box holds (the journal's cash box: every note credited since
the last collection), emptying it in one journal transaction with its event and the outbox item
for central, and the bilingual collection slip."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drivers.interfaces import Align, ReceiptDocument, ReceiptLine
from kiosk.journal import Entry, Journal
from kiosk.maintenance_journal import maintenance_entry
from kiosk.money import format_cny

COLLECTED_KIND = "maintenance.cash_collected"


@dataclass(frozen=True)
class CashStatus:
    counts: dict[int, int]  # fen → notes
    capacity: int
    last_collected_at: str | None  # ISO time of the last collection, None: never

    @property
    def notes(self) -> int:
        return sum(self.counts.values())

    @property
    def total_fen(self) -> int:
        return sum(d * c for d, c in self.counts.items())


@dataclass(frozen=True)
class CashCollected:
    """A collection as journalled: its event body (id, technician, time, counts, total)."""

    seq: int
    body: dict[str, Any]

    @property
    def counts(self) -> dict[int, int]:
        return {int(d): int(c) for d, c in self.body["cash_counts"].items()}

    @property
    def total_fen(self) -> int:
        return int(self.body["total_fen"])


def cash_status(journal: Journal, capacity: int) -> CashStatus:
    last = journal.latest_event(COLLECTED_KIND)
    counts = {d: c for d, c in journal.cashbox().items() if c > 0}
    return CashStatus(counts, capacity, str(last.payload["at"]) if last else None)


def collect_cash(journal: Journal, technician_id: str | None) -> CashCollected:
    """Empty the cash box: the counts, the event and its outbox item commit in one journal
    transaction with the box zeroed. Raises JournalError (nothing collected) if it cannot."""
    built: list[Entry] = []

    def build(counts: Mapping[int, int]) -> Entry:
        notes = sum(counts.values())
        entry = maintenance_entry(
            "cash_collected", technician_id, {"notes": notes}, cash_counts=counts
        )
        built.append(entry)
        return entry

    collection = journal.collect_cash(build)
    return CashCollected(collection.seq, dict(built[-1].payload))


def last_collection(journal: Journal) -> CashCollected | None:
    """The latest collection, from the journal (to print its slip again)."""
    event = journal.latest_event(COLLECTED_KIND)
    return None if event is None else CashCollected(event.seq, event.payload)


def collection_slip(collected: CashCollected, *, kiosk_id: str, kiosk_name: str) -> ReceiptDocument:
    """The slip the technician takes with the cash: counts per note, notes and total."""
    at = datetime.fromisoformat(str(collected.body["at"])).astimezone()
    counts = collected.counts
    rows = tuple(
        ReceiptLine(f"  {format_cny(d):>9} x {c:>4} = {format_cny(d * c):>11}")
        for d, c in sorted(counts.items(), reverse=True)
    ) or (ReceiptLine("  (钱箱为空 cash box empty)"),)
    lines = (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine("清机凭条  Cash collection slip", Align.CENTER, bold=True),
        ReceiptLine("-" * 32),
        ReceiptLine(f"终端 Kiosk: {kiosk_id}"),
        ReceiptLine(f"时间 Time: {at.strftime('%Y-%m-%d %H:%M:%S')}"),
        ReceiptLine(f"维护员 Technician: {collected.body.get('technician_id') or '-'}"),
        ReceiptLine(f"编号 Ref: {collected.body['event_id']}"),
        ReceiptLine("面额 x 张数  Note x count"),
        *rows,
        ReceiptLine(f"张数合计 Notes: {sum(counts.values())}"),
        ReceiptLine(
            f"金额合计 Total: {format_cny(collected.total_fen)}",
            Align.CENTER,
            bold=True,
            double=True,
        ),
        ReceiptLine("-" * 32),
        ReceiptLine("签字 Signature: ____________", Align.LEFT),
    )
    return ReceiptDocument(lines=lines, qr_data=f"COLLECT:{collected.body['event_id']}")
