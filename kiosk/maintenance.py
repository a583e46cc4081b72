"""Maintenance mode's functions for a technician who got in (kiosk.maintenance_auth): device
status and self-tests, cash collection, paper refill, out-of-service switch, queue, sync now,
dead letters, recent log lines, version and config summary. Every action is journalled (and
reaches central through the outbox) under the technician's id.

The touch screens (ui/) and the CLI (kiosk.cli) call these same functions; the devices come in
through the drivers.interfaces protocols, so tests use simulators or in-process fakes.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import offline_queue
from drivers.errors import DriverError
from drivers.interfaces import (
    Align,
    BillAcceptor,
    DeviceHealth,
    IdCardEvent,
    IdCardRead,
    IdCardReadError,
    IdCardRecord,
    IdCardRemoved,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPrinter,
)
from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.errors import JournalError
from kiosk.journal import Journal
from kiosk.maintenance_auth import MaintenanceError, TechnicianIdentity
from kiosk.maintenance_cash import (
    CashCollected,
    CashStatus,
    cash_status,
    collect_cash,
    collection_slip,
    last_collection,
)
from kiosk.maintenance_journal import record_action
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch, recent_log_lines

log = logging.getLogger(__name__)

SECRET_WORDS = ("token", "key", "secret", "password", "hash", "pin", "badge", "iccid", "cert")


class IdCardTap:
    """The ID card reader's events for whoever needs them: screens that `listen` (every event,
    on the reader's thread), a self-test that `wait`s for one read, and the record read while
    the card still lies on the reader (`last_read_while_present`), for a screen opened after
    the card was placed (the reader reads a card once per placement).

    The app forwards every event here. The record is personal data: it is held only while the
    card is on the reader (dropped on removal, or by `forget`) and never logged unmasked."""

    def __init__(self) -> None:
        self._waiters: list[queue.Queue[IdCardEvent]] = []
        self._listeners: list[Callable[[IdCardEvent], None]] = []
        self._lock = threading.Lock()
        self._present = False
        self._record: IdCardRecord | None = None

    def on_event(self, event: IdCardEvent) -> None:
        with self._lock:
            if isinstance(event, IdCardRemoved):
                self._present, self._record = False, None
            elif isinstance(event, IdCardRead):
                self._present, self._record = True, event.record
            else:  # present, or a failed read: a card lies there, nothing read from it
                self._present, self._record = True, None
            waiters, listeners = list(self._waiters), list(self._listeners)
        for waiter in waiters:
            waiter.put(event)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # one screen's bug must not keep the event from the others
                log.exception("ID card listener failed on %s", type(event).__name__)

    def listen(self, callback: Callable[[IdCardEvent], None]) -> Callable[[], None]:
        """Call `callback` with every event from now on, on the reader's thread (it must not
        block; a GUI hands the event over to its own thread). Returns the unsubscribe call
        (safe to call more than once). Subscribe first, then ask `last_read_while_present`,
        so no read falls between the two."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def card_present(self) -> bool:
        """A card lies on the reader now (as far as its events said)."""
        with self._lock:
            return self._present

    def last_read_while_present(self) -> IdCardRecord | None:
        """The record read from the card that still lies on the reader; None when no card
        is there, its read failed, or the record was forgotten."""
        with self._lock:
            return self._record

    def forget(self) -> None:
        """Drop the held record now (a customer session ended with the card left on the
        reader: the next customer must not be identified by it). The card has to be removed
        and placed again to be read again."""
        with self._lock:
            self._record = None

    def wait(self, timeout_s: float) -> IdCardEvent | None:
        """The next read or read error within `timeout_s`; None if no card came."""
        waiter: queue.Queue[IdCardEvent] = queue.Queue()
        with self._lock:
            self._waiters.append(waiter)
        try:
            while True:
                event = waiter.get(timeout=timeout_s)
                if isinstance(event, IdCardRead | IdCardReadError):
                    return event
        except queue.Empty:
            return None
        finally:
            with self._lock:
                self._waiters.remove(waiter)


@dataclass(frozen=True)
class SelfTest:
    device: str
    passed: bool
    code: str
    detail: str = ""


@dataclass
class MaintenanceParts:
    """What maintenance works with; the composition root builds it, tests fake the devices."""

    config: KioskConfig
    journal: Journal
    switch: ServiceSwitch
    paper: PaperMonitor
    device_health: Callable[[], Mapping[str, DeviceHealth]]
    store: offline_queue.OutboxStore | None = None
    printer: ReceiptPrinter | None = None
    acceptor: BillAcceptor | None = None
    id_cards: IdCardTap | None = None
    sync_now: Callable[[], None] | None = None
    log_file: Path | None = None
    on_change: Callable[[], None] = lambda: None  # the heartbeat's notify_changed


def redacted(value: Any, key: str = "") -> Any:
    """A config dump without secrets: values under secret-sounding keys become `***`."""
    if any(word in key.lower() for word in SECRET_WORDS):
        return "***" if value not in (None, "", (), []) else value
    if isinstance(value, Mapping):
        return {str(k): redacted(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [redacted(v) for v in items]
    return str(value) if isinstance(value, Path) else value


def config_summary(config: KioskConfig) -> dict[str, Any]:
    """Version and configuration, never a secret (tokens, keys, PIN and badge hashes)."""
    dump = config.model_dump(mode="json")
    dump["maintenance"]["technicians"] = [t.id for t in config.maintenance.technicians]
    return {"version": __version__, "data_dir": str(config.data_dir), **redacted(dump)}


class MaintenanceSession:
    """One technician's maintenance session. Calls block (devices, disk): the UI calls them
    off the GUI thread. Every action is journalled before its effect is reported as done."""

    def __init__(self, parts: MaintenanceParts, technician: TechnicianIdentity) -> None:
        self._parts = parts
        self.technician = technician
        self.open = True

    def _record(self, action: str, details: Mapping[str, str | int | bool | None]) -> None:
        if not self.open:
            raise MaintenanceError("maintenance session ended", message_key="maintenance.ended")
        record_action(self._parts.journal, action, self.technician.id, details)

    # --- devices ---------------------------------------------------------------------------

    def device_status(self) -> dict[str, DeviceHealth]:
        return dict(self._parts.device_health())

    def test_printer(self) -> SelfTest:
        """Print a test page (bilingual, with a QR code) and read the printer's health."""
        printer = self._parts.printer
        if printer is None:
            result = SelfTest("printer", False, "not_installed")
        else:
            try:
                printer.print_receipt(self._test_page())
                health = printer.health()
                result = SelfTest("printer", health.usable, health.code, health.detail)
            except DriverError as exc:
                result = SelfTest("printer", False, exc.message_key, str(exc))
        self._record("self_test", {"device": "printer", "passed": result.passed,
                                   "code": result.code})  # fmt: skip
        return result

    def _test_page(self) -> ReceiptDocument:
        config = self._parts.config
        return ReceiptDocument(
            lines=(
                ReceiptLine(config.kiosk.name, Align.CENTER, bold=True),
                ReceiptLine("打印测试页  Printer test page", Align.CENTER, bold=True),
                ReceiptLine(f"终端 Kiosk: {config.kiosk.id}"),
                ReceiptLine(f"时间 Time: {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}"),
                ReceiptLine(f"维护员 Technician: {self.technician.id}"),
                ReceiptLine("中文测试 汉字 ¥0123456789  ABC abc"),
                ReceiptLine("放大 Double", Align.CENTER, double=True),
            ),
            qr_data=f"TEST:{config.kiosk.id}",
        )

    def test_acceptor(self) -> SelfTest:
        """Cycle the acceptor: enable it for every accepted note, then disable it, and read its
        health. No note is taken: the acceptor is disabled again before this returns."""
        acceptor = self._parts.acceptor
        if acceptor is None:
            result = SelfTest("bill_acceptor", False, "not_installed")
        else:
            try:
                acceptor.enable(self._parts.config.topup.denominations_fen)
                acceptor.disable()
                health = acceptor.health()
                result = SelfTest("bill_acceptor", health.usable, health.code, health.detail)
            except DriverError as exc:
                result = SelfTest("bill_acceptor", False, exc.message_key, str(exc))
        self._record("self_test", {"device": "bill_acceptor", "passed": result.passed,
                                   "code": result.code})  # fmt: skip
        return result

    def test_id_reader(self, timeout_s: float = 30.0) -> SelfTest:
        """Wait for the technician to put a card on the reader; report the read (the number
        masked: a test card may be a real person's)."""
        tap = self._parts.id_cards
        if tap is None:
            result = SelfTest("id_card_reader", False, "not_installed")
        else:
            event = tap.wait(timeout_s)
            if isinstance(event, IdCardRead):
                result = SelfTest("id_card_reader", True, "ok", event.record.masked_id_number)
            elif isinstance(event, IdCardReadError):
                result = SelfTest("id_card_reader", False, event.message_key, event.detail)
            else:
                result = SelfTest("id_card_reader", False, "no_card")
        self._record("self_test", {"device": "id_card_reader", "passed": result.passed,
                                   "code": result.code})  # fmt: skip
        return result

    # --- cash and paper --------------------------------------------------------------------

    def cash_status(self) -> CashStatus:
        return cash_status(self._parts.journal, self._parts.config.maintenance.cash_box_capacity)

    def collect_cash(self) -> tuple[CashCollected, SelfTest]:
        """Empty the cash box (journal + outbox + zero in one transaction), then print the
        slip. A slip that fails to print is reported; `reprint_slip` prints it again."""
        if not self.open:
            raise MaintenanceError("maintenance session ended", message_key="maintenance.ended")
        collected = collect_cash(self._parts.journal, self.technician.id)
        self._parts.on_change()
        return collected, self._print_slip(collected)

    def reprint_slip(self) -> SelfTest:
        collected = last_collection(self._parts.journal)
        if collected is None:
            return SelfTest("printer", False, "no_collection")
        return self._print_slip(collected)

    def _print_slip(self, collected: CashCollected) -> SelfTest:
        config = self._parts.config
        slip = collection_slip(collected, kiosk_id=config.kiosk.id, kiosk_name=config.kiosk.name)
        if self._parts.printer is None:
            return SelfTest("printer", False, "not_installed")
        try:
            self._parts.printer.print_receipt(slip)
        except DriverError as exc:
            log.warning("collection slip not printed: %s", exc)
            return SelfTest("printer", False, exc.message_key, str(exc))
        return SelfTest("printer", True, "ok")

    def paper_refilled(self) -> None:
        """The technician put in a new roll: the near-end warning ends (journalled first)."""
        self._record("paper_refilled", {})
        self._parts.paper.refilled()
        self._parts.on_change()

    # --- service, queue, logs --------------------------------------------------------------

    def set_out_of_service(self, out: bool, reason: str = "maintenance") -> bool:
        """Take the kiosk out of service (customers see "out of service") or back in."""
        wanted = f"technician {self.technician.id}: {reason}" if out else None
        if (self._parts.switch.reason() is not None) == out:
            return False
        self._record("out_of_service" if out else "back_in_service", {"reason": reason})
        self._parts.switch.set(wanted, self.technician.id)
        self._parts.on_change()
        return True

    def queue_status(self) -> offline_queue.QueueStats | None:
        return None if self._parts.store is None else self._parts.store.stats()

    def sync_now(self) -> None:
        self._record("sync_now", {})
        if self._parts.sync_now is not None:
            self._parts.sync_now()

    def dead_letters(self, limit: int = 50) -> list[offline_queue.OutboxItem]:
        """Items central refused for good, newest first (bodies may be sealed personal data:
        screens show key, kind, attempts and central's reason)."""
        return [] if self._parts.store is None else self._parts.store.dead_letters(limit)

    def retry_dead_letter(self, key: str) -> bool:
        if self._parts.store is None:
            return False
        self._record("dead_letter_retry", {"key": key})
        retried = self._parts.store.retry_dead(key)
        if retried and self._parts.sync_now is not None:
            self._parts.sync_now()
        return retried

    def discard_dead_letter(self, key: str, reason: str) -> bool:
        """Give up on a dead letter for good. The technician's reason is journalled first (the
        journal is the lasting record; the item's body is not copied: it may hold personal
        data); then the item leaves the outbox."""
        if self._parts.store is None or not reason.strip():
            return False
        self._record("dead_letter_discard", {"key": key, "reason": reason.strip()})
        return self._parts.store.discard_dead(key) is not None

    def recent_logs(self, count: int = 200) -> list[str]:
        path = self._parts.log_file
        return [] if path is None else recent_log_lines(path, count)

    def about(self) -> dict[str, Any]:
        return config_summary(self._parts.config)

    def exit(self) -> None:
        """Leave maintenance (journalled); the session's functions refuse from now on."""
        if self.open:
            try:
                self._record("logout", {})
            except JournalError:
                log.exception("maintenance logout not journalled")
            self.open = False


def remote_commands(
    switch: ServiceSwitch,
    *,
    sync_now: Callable[[], None],
    restart: Callable[[], None],
) -> dict[str, Callable[[str], None]]:
    """Handlers of central's remote commands for the heartbeat (upload_logs is its own);
    each is journalled by the heartbeat's `on_command` before it runs."""

    def out_of_service(command_id: str) -> None:
        switch.set(f"ops (remote command {command_id})", "central")

    def back_in_service(_command_id: str) -> None:
        switch.set(None, "central")

    return {
        "out_of_service": out_of_service,
        "back_in_service": back_in_service,
        "sync_now": lambda _id: sync_now(),
        "restart": lambda _id: restart(),
    }
