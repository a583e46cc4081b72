"""From config and the running parts to each flow's context: the one place that maps settings
onto flows, so that the composition root (kiosk/app.py) only wires objects together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.interfaces import BillAcceptor, CardTerminal, ReceiptPrinter
from kiosk.central_api import CentralApi
from kiosk.config import KioskConfig
from kiosk.customer_desk import DeskParts
from kiosk.errors import JournalError
from kiosk.flows.bill_payment import BillPaymentContext
from kiosk.flows.card_topup import CardTopUpContext
from kiosk.flows.sim_issue import SimDevices
from kiosk.flows.sim_sale import SimSaleContext
from kiosk.flows.topup import TopUpContext, TopUpLimits
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.outbox_setup import load_sealer
from offline_queue import FieldSealer


@dataclass(frozen=True)
class CoreParts:
    """What every flow shares, once the kiosk runs."""

    config: KioskConfig
    journal: Journal
    metrics: ServiceMetrics
    api: CentralApi
    printer: ReceiptPrinter | None
    is_online: Callable[[], bool]
    on_storage_failure: Callable[[JournalError], None]
    wait_delivered: Callable[[str, float], dict[str, Any] | None]


def topup_context(
    parts: CoreParts, acceptor: BillAcceptor, headroom: Callable[[], int]
) -> TopUpContext:
    config = parts.config
    topup = config.topup
    return TopUpContext(
        kiosk_id=config.kiosk.id,
        kiosk_name=config.kiosk.name,
        journal=parts.journal,
        acceptor=acceptor,
        printer=parts.printer,
        limits=TopUpLimits(topup.max_fen, topup.denominations_fen, topup.offline_max_fen),
        wait_delivered=parts.wait_delivered,
        receipt_wait_s=config.sync.receipt_wait_s,
        on_storage_failure=parts.on_storage_failure,
        is_online=parts.is_online,
        offline_headroom_fen=headroom,
    )


def card_topup_context(
    parts: CoreParts, terminal: CardTerminal, paying: set[str]
) -> CardTopUpContext:
    config = parts.config
    return CardTopUpContext(
        kiosk_id=config.kiosk.id,
        kiosk_name=config.kiosk.name,
        journal=parts.journal,
        terminal=terminal,
        printer=parts.printer,
        metrics=parts.metrics,
        min_fen=config.topup.min_fen,
        max_fen=config.topup.max_fen,
        is_online=parts.is_online,
        on_storage_failure=parts.on_storage_failure,
        wait_delivered=parts.wait_delivered,
        receipt_wait_s=config.sync.receipt_wait_s,
        paying=paying,
    )


def bill_payment_context(
    parts: CoreParts,
    acceptor: BillAcceptor | None,
    card: CardTopUpContext | None,
    attach_cash: Callable[[Any], None],
    headroom: Callable[[], int],
) -> BillPaymentContext:
    config = parts.config
    limits = config.topup  # the limits of top-ups bind bill payments too
    return BillPaymentContext(
        kiosk_id=config.kiosk.id,
        kiosk_name=config.kiosk.name,
        api=parts.api,
        journal=parts.journal,
        metrics=parts.metrics,
        printer=parts.printer,
        min_fen=limits.min_fen,
        max_fen=limits.max_fen,
        offline_max_fen=limits.offline_max_fen,
        denominations_fen=limits.denominations_fen,
        is_online=parts.is_online,
        on_storage_failure=parts.on_storage_failure,
        wait_delivered=parts.wait_delivered,
        receipt_wait_s=config.sync.receipt_wait_s,
        acceptor=acceptor,
        attach_cash=attach_cash,
        card=card,
        offline_headroom_fen=headroom,
    )


def sim_sale_context(
    parts: CoreParts,
    acceptor: BillAcceptor,
    devices: SimDevices,
    attach_cash: Callable[[Any], None],
    *,
    terminal: CardTerminal | None = None,
    paying: set[str] | None = None,
    sealer: FieldSealer | None = None,
) -> SimSaleContext:
    """A SIM sale's context. The customer's signature is sealed at rest with the outbox's
    key (`sealer`, or else the one sync.sealing_key_file names, which the outbox made)."""
    config = parts.config
    return SimSaleContext(
        kiosk_id=config.kiosk.id,
        kiosk_name=config.kiosk.name,
        api=parts.api,
        journal=parts.journal,
        acceptor=acceptor,
        denominations_fen=config.topup.denominations_fen,
        devices=devices,
        printer=parts.printer,
        metrics=parts.metrics,
        plan_code=config.sim.new_line_plan,
        attach_cash=attach_cash,
        on_storage_failure=parts.on_storage_failure,
        terminal=terminal,
        paying=set() if paying is None else paying,
        sealer=load_sealer(config) if sealer is None else sealer,
    )


def desk_parts(
    parts: CoreParts,
    sim_devices: SimDevices | None,
    *,
    acceptor: BillAcceptor | None = None,
    attach_cash: Callable[[Any], None] | None = None,
    terminal: CardTerminal | None = None,
    paying: set[str] | None = None,
) -> DeskParts:
    """The desk's parts; the acceptor (with the cash router's `attach_cash`) and the card
    terminal are how a SIM replacement's fee is paid (`sim.replacement_fee_fen` > 0)."""
    kiosk = parts.config.kiosk
    return DeskParts(
        api=parts.api,
        journal=parts.journal,
        printer=parts.printer,
        metrics=parts.metrics,
        kiosk_name=kiosk.name,
        idle_timeout_s=kiosk.idle_timeout_s,
        idle_warning_s=kiosk.idle_warning_s,
        on_storage_failure=parts.on_storage_failure,
        kiosk_id=kiosk.id,
        sim_devices=sim_devices,
        sim_replacement_fee_fen=parts.config.sim.replacement_fee_fen,
        acceptor=acceptor,
        denominations_fen=parts.config.topup.denominations_fen,
        attach_cash=attach_cash,
        terminal=terminal,
        paying=set() if paying is None else paying,
    )
