"""Maintenance mode's functions for a technician who got in (kiosk.maintenance_auth): device
status and self-tests, cash collection, paper refill, out-of-service switch, queue, sync now,
dead letters, recent log lines, version and config summary. Every action is journalled (and
reaches central through the outbox) under the technician's id.

The touch screens (ui/) and the CLI (kiosk.cli) call these same functions; the devices come in
through the drivers.interfaces protocols, so tests use simulators or in-process fakes.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import offline_queue
from drivers.errors import DriverError
from drivers.interfaces import (
    Align,
    BillAcceptor,
    DeviceHealth,
    IdCardRead,
    IdCardReadError,
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
from kiosk.maintenance_idcard import IdCardTap
from kiosk.maintenance_idle import IdleClock
from kiosk.maintenance_journal import record_action
from kiosk.maintenance_status import PaperMonitor, ServiceSwitch, recent_log_lines

log = logging.getLogger(__name__)

__all__ = ["IdCardTap", "MaintenanceParts", "MaintenanceSession", "SelfTest", "config_summary",
           "redacted", "remote_commands"]  # fmt: skip

SECRET_WORDS = ("token", "key", "secret", "password", "hash", "pin", "badge", "iccid", "cert")


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


P = ParamSpec("P")
R = TypeVar("R")
END_LOGOUT, END_IDLE = "logout", "idle"


def _action(
    method: Callable[Concatenate[MaintenanceSession, P], R],
) -> Callable[Concatenate[MaintenanceSession, P], R]:
    """A technician's action: activity for the idle clock, and no expiry while it runs."""

    @functools.wraps(method)
    def run(self: MaintenanceSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._idle.active():
            return method(self, *args, **kwargs)

    return run


class MaintenanceSession:
    """One technician's maintenance session. Calls block (devices, disk): the UI calls them
    off the GUI thread. Every action is journalled before its effect is reported as done.

    The session has its own idle clock (config maintenance.idle_timeout_s): every action, and
    every tap the UI reports with `touch()`, starts it again; when it runs out the session ends
    with a journalled logout (reason "idle") and the `on_end` listeners hear "idle" on the
    clock's thread. Reading (status, figures, logs) is not activity: a screen that refreshes
    itself does not keep maintenance open."""

    def __init__(
        self,
        parts: MaintenanceParts,
        technician: TechnicianIdentity,
        *,
        idle_timeout_s: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._parts = parts
        self.technician = technician
        self.open = True
        self.end_reason: str | None = None  # "logout" (exit) | "idle", once ended
        self._end_lock = threading.Lock()
        self._end_listeners: list[Callable[[str], None]] = []
        timeout_s = (
            parts.config.maintenance.idle_timeout_s if idle_timeout_s is None else idle_timeout_s
        )
        self._idle = IdleClock(timeout_s, lambda: self._end(END_IDLE), monotonic=monotonic)

    def _record(self, action: str, details: Mapping[str, str | int | bool | None]) -> None:
        if not self.open:
            raise MaintenanceError("maintenance session ended", message_key="maintenance.ended")
        record_action(self._parts.journal, action, self.technician.id, details)

    # --- idle clock and end ----------------------------------------------------------------

    def touch(self) -> None:
        """The technician is there (a tap on any maintenance screen): the idle clock restarts."""
        self._idle.touch()

    def idle_remaining_s(self) -> float:
        """Seconds until the session ends for idleness (for a countdown); 0 once ended."""
        return self._idle.remaining_s() if self.open else 0.0

    @property
    def idle_timeout_s(self) -> float:
        return self._idle.timeout_s

    def expire_if_idle(self) -> bool:
        """End the session now if its idle time is up (the clock checks every second by
        itself); True if this call ended it."""
        return self._idle.expire_if_idle() and self.end_reason == END_IDLE

    def on_end(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call `callback(reason)` once the session ends — "logout" (exit) or "idle" — on the
        thread that ended it (the idle clock's own thread for "idle"). Returns unsubscribe.
        A session that already ended calls it at once."""
        with self._end_lock:
            if self.open:
                self._end_listeners.append(callback)
                ended = None
            else:
                ended = self.end_reason
        if ended is not None:
            callback(ended)

        def unsubscribe() -> None:
            with self._end_lock:
                if callback in self._end_listeners:
                    self._end_listeners.remove(callback)

        return unsubscribe

    def _end(self, reason: str) -> None:
        with self._end_lock:
            if not self.open:
                return
            details = {"reason": reason} if reason == END_IDLE else {}
            try:
                record_action(self._parts.journal, "logout", self.technician.id, details)
            except JournalError:
                log.exception("maintenance logout not journalled")
            self.open, self.end_reason = False, reason
            listeners, self._end_listeners = self._end_listeners, []
        self._idle.stop()
        if reason == END_IDLE:
            log.warning("maintenance: no activity for %.0f s, session ended", self._idle.timeout_s)
        for listener in listeners:
            try:
                listener(reason)
            except Exception:
                log.exception("maintenance end listener failed")

    # --- devices ---------------------------------------------------------------------------

    def device_status(self) -> dict[str, DeviceHealth]:
        return dict(self._parts.device_health())

    @_action
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

    @_action
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

    @_action
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

    @_action
    def collect_cash(self) -> tuple[CashCollected, SelfTest]:
        """Empty the cash box (journal + outbox + zero in one transaction), then print the
        slip. A slip that fails to print is reported; `reprint_slip` prints it again."""
        if not self.open:
            raise MaintenanceError("maintenance session ended", message_key="maintenance.ended")
        collected = collect_cash(self._parts.journal, self.technician.id)
        self._parts.on_change()
        return collected, self._print_slip(collected)

    @_action
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

    @_action
    def paper_refilled(self) -> None:
        """The technician put in a new roll: the near-end warning ends (journalled first)."""
        self._record("paper_refilled", {})
        self._parts.paper.refilled()
        self._parts.on_change()

    # --- service, queue, logs --------------------------------------------------------------

    @_action
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

    @_action
    def sync_now(self) -> None:
        self._record("sync_now", {})
        if self._parts.sync_now is not None:
            self._parts.sync_now()

    def dead_letters(self, limit: int = 50) -> list[offline_queue.OutboxItem]:
        """Items central refused for good, newest first (bodies may be sealed personal data:
        screens show key, kind, attempts and central's reason)."""
        return [] if self._parts.store is None else self._parts.store.dead_letters(limit)

    @_action
    def retry_dead_letter(self, key: str) -> bool:
        if self._parts.store is None:
            return False
        self._record("dead_letter_retry", {"key": key})
        retried = self._parts.store.retry_dead(key)
        if retried and self._parts.sync_now is not None:
            self._parts.sync_now()
        return retried

    @_action
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
        self._end(END_LOGOUT)


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
