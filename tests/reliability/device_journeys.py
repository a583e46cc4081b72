"""Device faults inside customer journeys: the fault switches, the journeys, the checks.

`fault_switches()` lists every fault switch the device simulators have (the fields of their
fault dataclasses, the card terminal's scenarios and its own switches), so a switch added later
without a case in `CASES` makes tests/reliability/test_device_faults.py fail.

Each case names a journey run headless through the core flows of a started `KioskApp` (the
shipped config: the ID-003, ESC/POS, SAM and nexo protocol simulators, the dispenser mechanism,
the embedded reference central; plus the PC/SC SIM writer on pcscd's virtual reader when pcscd
is there). The journey sets the switch at its point, goes on as a customer would, and returns
an `Outcome`: what the customer was told, what the device's health said, the money.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests

from drivers.cardterminal.simulator import Scenario, TerminalEngine
from drivers.dispenser.simulator import DispenserFaults
from drivers.escpos.simulator import PrinterFaults
from drivers.id003.simulator import AcceptorFaults
from drivers.idcard.simulator import IdCardFaults
from drivers.interfaces import IdCardRead, IdCardReadError, IdCardRecord, Sex
from drivers.simcard.virtual_card import Faults as SimFaults
from kiosk.app import KioskApp
from kiosk.errors import KioskError
from kiosk.flows.topup import State as TopUpState
from kiosk.flows.topup import TopUpSnapshot
from tests.conftest import REPO
from tests.support import WaitTimeout
from tests.support import wait_until as support_wait_until

CUSTOMER_MSISDN = "13800138000"  # 张三's line in central's demo data
TEXT_FILES = sorted((REPO / "ui" / "qml").rglob("*Texts.qml"))
# Knobs of the terminal simulator that shape a scenario rather than inject a fault.
TERMINAL_KNOBS = frozenset({"stage_s", "abort_wait_s"})


# --- the switches ----------------------------------------------------------------------------


def fault_switches() -> set[str]:
    """Every fault switch of every device simulator, as `simulator.switch`."""
    switches: set[str] = set()
    for simulator, faults in (
        ("id003", AcceptorFaults),
        ("escpos", PrinterFaults),
        ("idcard", IdCardFaults),
        ("dispenser", DispenserFaults),
        ("simcard", SimFaults),
    ):
        switches |= {f"{simulator}.{f.name}" for f in dataclasses.fields(faults)}
    switches |= {f"nexo.scenario={s.value}" for s in Scenario}
    engine = TerminalEngine()
    switches |= {
        f"nexo.{name}"
        for name, value in vars(engine).items()
        if not name.startswith("_")
        and isinstance(value, bool | float)
        and name not in TERMINAL_KNOBS
    }
    # The in-process acceptor (drivers/simulated) takes any DeviceHealth through set_fault.
    switches.add("simulated_acceptor.set_fault")
    return switches


def ui_message_keys() -> set[str]:
    """Every message key the QML UI has a sentence for (its *Texts.qml files)."""
    keys: set[str] = set()
    for path in TEXT_FILES:
        keys |= set(re.findall(r'case "([a-z_]+\.[a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    return keys


# --- outcomes --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a journey under a fault came to."""

    messages: list[str] = field(default_factory=list)  # every key the customer was shown
    final_message: str = ""  # the one on screen at the end
    health: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # during the fault
    txn_id: str = ""
    notes_in_fen: list[int] = field(default_factory=list)  # what reached the cash box
    credited_fen: int = 0  # what the flow says it credited
    vouchered_fen: int = 0
    topup_fen: int | None = None  # what central recorded for txn_id (None: nothing)
    topup: bool = False  # a top-up journey: central must hold exactly what was credited


def health_of(app: KioskApp) -> dict[str, tuple[str, str, str]]:
    return {
        name: (h.level.value, h.code, h.message_key) for name, h in app.refresh_health().items()
    }


def wait_until(condition: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """tests.support's wait_until, answering the last value instead of failing: the journeys'
    callers assert it with what the customer saw, and central_sees reports a no."""
    try:
        return support_wait_until(condition, timeout_s, interval=0.02)
    except WaitTimeout:
        return condition()


def ops_get(app: KioskApp, path: str, **params: Any) -> Any:
    embedded = app.config.central.embedded
    assert embedded is not None
    reply = requests.get(
        f"{app.central_url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {embedded.ops_token}"},
        timeout=5,
    )
    reply.raise_for_status()
    return reply.json()


def central_topup_fen(app: KioskApp, txn_id: str) -> int | None:
    """What central recorded for this transaction: None if nothing, raises if more than once."""
    rows = [t for t in ops_get(app, "/v1/ops/topups")["topups"] if t["txn_id"] == txn_id]
    assert len(rows) <= 1, f"{txn_id} recorded {len(rows)} times"
    return int(rows[0]["amount_fen"]) if rows else None


def central_heartbeat_devices(app: KioskApp) -> dict[str, tuple[str, str]]:
    """The devices of the latest heartbeat central stored for this kiosk: name → (level, code)."""
    import json
    import sqlite3

    with sqlite3.connect(f"file:{app.data_dir / 'central.db'}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT devices_json FROM heartbeats WHERE kiosk_id = ?", (app.config.kiosk.id,)
        ).fetchone()
    devices = json.loads(row[0]) if row else []
    return {d["name"]: (d["level"], d["code"]) for d in devices}


def fleet_alerts(app: KioskApp) -> list[dict[str, Any]]:
    rows = [
        k for k in ops_get(app, "/v1/ops/fleet")["kiosks"] if k["kiosk_id"] == app.config.kiosk.id
    ]
    return list(rows[0]["alerts"]) if rows else []


def central_sees(app: KioskApp, device: str, code: str, timeout_s: float = 15.0) -> bool:
    """Whether the latest heartbeat central stored reports `device` with `code`, in time."""

    def seen() -> bool:
        app.refresh_health()  # a change makes the reporter beat at once
        return central_heartbeat_devices(app).get(device, ("", ""))[1] == code

    return bool(wait_until(seen, timeout_s))


# --- journeys --------------------------------------------------------------------------------


def _handle(app: KioskApp, device: str) -> Any:
    return app.simulators[device].handle


def cash_topup(
    app: KioskApp,
    notes_before: tuple[int, ...],
    fault: Callable[[], None],
    notes_during: tuple[int, ...] = (),
    *,
    device: str = "bill_acceptor",
    settle_s: float = 1.0,
) -> Outcome:
    """A cash top-up: notes go in, the fault comes, more notes are tried, the customer
    confirms (if any money went in) or cancels; the receipt; central."""
    out = Outcome()

    def listener(snap: TopUpSnapshot) -> None:
        if snap.message_key and (not out.messages or out.messages[-1] != snap.message_key):
            out.messages.append(snap.message_key)

    acceptor = _handle(app, "bill_acceptor")
    stacked_before = len(acceptor.stacked)
    flow = app.new_topup(listener)
    out.txn_id = flow.snapshot.txn_id
    try:
        flow.submit_number(CUSTOMER_MSISDN)
        credited = 0
        for note in notes_before:
            acceptor.insert_note(note)
            credited += note
            assert wait_until(lambda c=credited: flow.snapshot.credited_fen == c), out.messages
        fault()
        for note in notes_during:
            acceptor.insert_note(note)
        if notes_during:  # until each note is in the cash box or back with the customer
            wait_until(lambda: not acceptor._queue and acceptor._note is None, 10)
        # The scenario: the customer stands a while with the fault before confirming.
        time.sleep(settle_s if device == "bill_acceptor" else 0)
    finally:
        if flow.snapshot.state is TopUpState.CASH:  # also when the journey broke off
            if flow.snapshot.credited_fen:
                flow.confirm()
            else:
                flow.cancel()
        app.end_flow()
    out.health = health_of(app)  # the fault still holds
    out.topup = True
    snap = flow.snapshot
    out.final_message = snap.message_key
    out.credited_fen = snap.credited_fen
    out.notes_in_fen = [acceptor.codes_fen.get(c, 0) for c in acceptor.stacked[stacked_before:]]
    if snap.state is TopUpState.DONE:
        assert app.wait_delivered(f"{out.txn_id}:topup", 15) is not None
    out.topup_fen = central_topup_fen(app, out.txn_id)
    return out


def receipt_topup(app: KioskApp, fault: Callable[[], None]) -> Outcome:
    """A ¥50 cash top-up whose receipt meets a printer fault (set after the note)."""
    return cash_topup(app, (5000,), fault, device="printer")


def card_topup(
    app: KioskApp, scenario: Scenario | None = None, abort_after_s: float | None = None
) -> Outcome:
    """A ¥30 top-up by bank card through the nexo terminal simulator."""
    from ui.features.payment_card import outcome_stage

    out = Outcome()
    terminal = _handle(app, "card_terminal")
    if scenario is not None:
        terminal.scenario = scenario
    flow = app.new_card_topup()
    out.txn_id = flow.txn_id
    if abort_after_s is not None:
        import threading

        threading.Timer(abort_after_s, flow.abort).start()
    result = flow.pay(CUSTOMER_MSISDN, 3000)
    out.health = health_of(app)
    if not result.approved and type(result.outcome).__name__ == "CardInDoubt":
        app.settle_card_payments()  # what the kiosk does on its health rounds
    _stage, key = outcome_stage(result.outcome)
    out.messages.append(key)
    out.final_message = key
    out.credited_fen = result.credited_fen
    out.topup = True
    if result.approved:
        assert app.wait_delivered(f"{out.txn_id}:topup", 15) is not None
    out.topup_fen = central_topup_fen(app, out.txn_id)
    return out


def id_card_read(app: KioskApp, fault: Callable[[], None], identity: str = "valid") -> Outcome:
    """A customer lays the ID card on the reader (to log in or buy a SIM)."""
    out = Outcome()
    simulator = _handle(app, "id_card_reader")
    simulator.remove_card()
    polls = len(simulator.requests)  # the reader sees the empty field (two polls) first
    support_wait_until(
        lambda: len(simulator.requests) >= polls + 2, what="polls of the empty field"
    )
    fault()
    simulator.place_card(identity)
    event = app.ops.id_cards.wait(4.0)
    out.health = health_of(app)
    if isinstance(event, IdCardReadError):
        out.final_message = event.message_key
    elif isinstance(event, IdCardRead):
        out.final_message = "idcard.read"
    else:  # nothing came: the screen goes by the service state
        out.final_message = app.service("sim.sale").reason_key
    out.messages.append(out.final_message)
    simulator.remove_card()
    return out


def zhang_san() -> IdCardRecord:
    return IdCardRecord(
        name="张三", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 3, 7),
        address="北京市东城区测试路100号", id_number="110101199003074477",
        issuer="北京市公安局东城分局", valid_from=date(2016, 5, 1), valid_to=date(2036, 5, 1),
    )  # fmt: skip


def priced_number(flow: Any) -> str:
    """A free number of central's pool priced ¥100 (the "lucky" ones)."""
    for lucky in ("8888", "6666"):
        page = flow.numbers(contains=lucky, page_size=100)
        for number in page.numbers:
            if number.price_fen == 10000:
                return str(number.msisdn)
    raise AssertionError("central has no ¥100 number left")


def sim_sale(app: KioskApp, fault: Callable[[], None]) -> Outcome:
    """A SIM sale paid with one ¥100 note; the fault is set once the money is in."""
    out = Outcome()
    acceptor = _handle(app, "bill_acceptor")
    stacked_before = len(acceptor.stacked)
    flow = app.new_sim_sale()
    out.txn_id = flow.txn_id
    try:
        flow.check_identity(zhang_san(), date.today())
        flow.reserve(priced_number(flow))
        flow.accept_agreement()
        intake = flow.start_cash()
        acceptor.insert_note(10000)
        assert wait_until(lambda: intake.paid_fen == 10000), "the note was not credited"
        flow.finish_payment()
        fault()
        try:
            flow.issue()
            out.final_message = "sim.done"
        except KioskError as exc:
            out.final_message = exc.message_key
        out.health = health_of(app)
    finally:
        app.end_flow()
    out.messages.append(out.final_message)
    out.notes_in_fen = [acceptor.codes_fen.get(c, 0) for c in acceptor.stacked[stacked_before:]]
    out.vouchered_fen = flow.voucher_fen
    out.credited_fen = 10000 - flow.voucher_fen
    return out


def blank_card_in_writer(app: KioskApp) -> Any:
    """The blank SIM the dispenser moved under the writer (pcscd's virtual reader)."""
    return app.simulators["sim_card"].handle


def data_dir(app: KioskApp) -> Path:
    return app.data_dir


def card_sim_sale_cancelled(app: KioskApp) -> Outcome:
    """A SIM sale paid by card (¥100), then the customer stops before the card is written:
    the payment is reversed at the terminal, whose answer to the reversal is lost."""
    out = Outcome()
    engine = _handle(app, "card_terminal").engine
    flow = app.new_sim_sale()
    out.txn_id = flow.txn_id
    try:
        flow.check_identity(zhang_san(), date.today())
        flow.reserve(priced_number(flow))
        flow.accept_agreement()
        outcome = flow.pay_card()
        assert type(outcome).__name__ == "CardApproved", outcome
        engine.lose_reversal_answer = True
        flow.cancel()
        out.health = health_of(app)
    finally:
        app.end_flow()
    out.vouchered_fen = flow.voucher_fen
    out.final_message = "sim.voucher_printed" if flow.voucher_fen else "sim.refunded"
    out.messages.append(out.final_message)
    with engine.lock:
        ours = [tx for tx in engine.payments.values()
                if tx.request.sale_transaction_id == out.txn_id]  # fmt: skip
    reversed_fen = sum(tx.request.amount_fen for tx in ours if tx.reversed)
    # Paid once; given back exactly once: by the reversal or by the voucher, never both.
    assert reversed_fen + flow.voucher_fen == 10000, (reversed_fen, flow.voucher_fen)
    return out
