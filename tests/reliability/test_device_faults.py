"""Every fault switch of every device simulator, inside a customer journey.

One kiosk (the shipped config on the protocol simulators, the embedded reference central, and
the PC/SC SIM writer on pcscd's virtual reader when pcscd is available) serves every case in
turn; the switches are reset between cases. For each case:

- the customer is told something clear: a message key, never empty nor `error.generic`
  (and, checked over all cases at the end, one the QML UI has a sentence for);
- money is safe: the notes that reached the cash box are credited or vouchered, exactly once,
  credited ones recorded by central exactly once; the journal's cash box equals the notes the
  acceptor simulator physically stacked; a card approval is credited once or reversed;
- the kiosk reports the fault: `app.refresh_health()` names the device's code, and so does
  the latest heartbeat central stored.

`test_every_fault_switch_has_a_case` fails when a simulator grows a switch without a case here.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drivers.cardterminal.simulator import Scenario
from drivers.escpos.simulator import PrinterFaults
from drivers.id003.simulator import AcceptorFaults
from drivers.idcard.simulator import IdCardFaults
from drivers.interfaces import DeviceHealth, HealthLevel
from kiosk.app import TRANSIENT_HEALTH, KioskApp
from kiosk.config import load_config
from tests.conftest import write_config
from tests.reliability import device_journeys as dj
from tests.reliability.device_journeys import Outcome

pytestmark = pytest.mark.timeout(120)

SHOWN: dict[str, list[str]] = {}  # case id → every key the customer was shown (the last test)
SOAK = os.environ.get("KIOSK_SOAK") == "1"


@dataclass(frozen=True)
class Case:
    switch: str  # simulator.switch, as fault_switches() names it
    journey: Callable[[KioskApp], Outcome]
    customer: frozenset[str]  # what the customer may end up being told
    device: str  # the app's device name
    health: str  # the device's health code after the fault ("ok": nothing to report; a|b: either)
    sim_writer: bool = False  # needs the PC/SC SIM writer (pcscd)
    xfail: str = ""
    slow: bool = False  # over ~5 s: in the soak run only (KIOSK_SOAK=1)


def keys(*names: str) -> frozenset[str]:
    return frozenset(names)


# --- the journeys, one per switch --------------------------------------------------------------


def _acceptor(app: KioskApp) -> Any:
    return app.simulators["bill_acceptor"].handle


def _printer(app: KioskApp) -> Any:
    return app.simulators["printer"].handle


def _terminal(app: KioskApp) -> Any:
    return app.simulators["card_terminal"].handle


def _idcard(app: KioskApp) -> Any:
    return app.simulators["id_card_reader"].handle


def _dispenser(app: KioskApp) -> Any:
    return app.card_dispenser._mechanism  # type: ignore[union-attr]


def acceptor_fault(name: str, value: Any, during: tuple[int, ...] = (), before=(5000,)) -> Any:
    def journey(app: KioskApp) -> Outcome:
        return dj.cash_topup(
            app, before, lambda: setattr(_acceptor(app).faults, name, value), during
        )

    return journey


def printer_fault(name: str, value: Any) -> Any:
    def journey(app: KioskApp) -> Outcome:
        return dj.receipt_topup(app, lambda: setattr(_printer(app).faults, name, value))

    return journey


def card(scenario: Scenario, **switches: Any) -> Any:
    def journey(app: KioskApp) -> Outcome:
        for name, value in switches.items():
            setattr(_terminal(app).engine, name, value)
        return dj.card_topup(app, scenario)

    return journey


def idcard_fault(name: str, value: Any) -> Any:
    def journey(app: KioskApp) -> Outcome:
        return dj.id_card_read(app, lambda: setattr(_idcard(app).faults, name, value))

    return journey


def dispenser_fault(name: str, value: Any) -> Any:
    def journey(app: KioskApp) -> Outcome:
        return dj.sim_sale(app, lambda: setattr(_dispenser(app).faults, name, value))

    return journey


def sim_fault(name: str, value: Any) -> Any:
    def journey(app: KioskApp) -> Outcome:
        return dj.sim_sale(app, lambda: setattr(dj.blank_card_in_writer(app).faults, name, value))

    return journey


TOPUP_DONE = keys("topup.done")
NO_RECEIPT = keys("topup.done_no_receipt")
VOUCHER = "sim.write_failed"

CASES: dict[str, Case] = {
    # ID-003 bill acceptor, during a cash top-up: a ¥50 note in, then the fault, then a ¥20 note.
    "id003-acceptor_jam": Case("id003.acceptor_jam", acceptor_fault("acceptor_jam", True),
                               keys("acceptor.jam"), "bill_acceptor", "acceptor_jam"),
    "id003-stacker_jam": Case("id003.stacker_jam", acceptor_fault("stacker_jam", True),
                              keys("acceptor.jam"), "bill_acceptor", "stacker_jam"),
    "id003-stacker_full": Case("id003.stacker_full",
                               acceptor_fault("stacker_full", True),
                               keys("acceptor.stacker_full"), "bill_acceptor", "stacker_full"),
    "id003-cassette_removed": Case("id003.cassette_removed",
                                   acceptor_fault("cassette_removed", True),
                                   keys("acceptor.stacker_open"), "bill_acceptor", "stacker_open"),
    "id003-failure": Case("id003.failure", acceptor_fault("failure", 0xA2),
                          keys("acceptor.failure"), "bill_acceptor", "failure_stack_motor"),
    "id003-reject_next": Case("id003.reject_next", acceptor_fault("reject_next", 0x72, (2000,)),
                              keys("topup.note_rejected"), "bill_acceptor", "ok"),
    "id003-power_cut_during_stacking": Case(
        "id003.power_cut_during_stacking",
        acceptor_fault("power_cut_during_stacking", True, (2000,)),
        keys("topup.note_accepted"), "bill_acceptor", "power_up|ok"),
    "id003-power_cut_with_bill_in_acceptor": Case(
        "id003.power_cut_with_bill_in_acceptor",
        acceptor_fault("power_cut_with_bill_in_acceptor", True, (2000,)),
        keys("topup.note_returned"), "bill_acceptor", "power_up|ok"),
    # Replies 1 s late (the driver waits 0.3 s): late answers to earlier polls keep it going.
    "id003-reply_delay_s": Case("id003.reply_delay_s", acceptor_fault("reply_delay_s", 1.0),
                                keys("topup.done"), "bill_acceptor", "ok"),
    "id003-garble_replies": Case("id003.garble_replies",
                                 acceptor_fault("garble_replies", 4, (2000,)),
                                 keys("topup.note_accepted"), "bill_acceptor", "ok"),
    "id003-truncate_replies": Case("id003.truncate_replies",
                                   acceptor_fault("truncate_replies", 4, (2000,)),
                                   keys("topup.note_accepted"), "bill_acceptor", "ok"),
    # ESC/POS printer, at the receipt of a ¥50 cash top-up.
    "escpos-paper_out": Case("escpos.paper_out", printer_fault("paper_out", True), NO_RECEIPT,
                             "printer", "paper_out"),
    "escpos-paper_near_end": Case("escpos.paper_near_end", printer_fault("paper_near_end", True),
                                  TOPUP_DONE, "printer", "paper_near_end"),
    "escpos-cover_open": Case("escpos.cover_open", printer_fault("cover_open", True), NO_RECEIPT,
                              "printer", "cover_open"),
    "escpos-offline": Case("escpos.offline", printer_fault("offline", True), NO_RECEIPT,
                           "printer", "offline"),
    "escpos-cutter_error": Case("escpos.cutter_error", printer_fault("cutter_error", True),
                                NO_RECEIPT, "printer", "cutter_error"),
    "escpos-unrecoverable_error": Case("escpos.unrecoverable_error",
                                       printer_fault("unrecoverable_error", True), NO_RECEIPT,
                                       "printer", "unrecoverable_error"),
    "escpos-silent": Case("escpos.silent", printer_fault("silent", True), NO_RECEIPT, "printer",
                          "no_answer"),
    "escpos-garbled_status": Case("escpos.garbled_status", printer_fault("garbled_status", True),
                                  NO_RECEIPT, "printer", "garbled"),
    "escpos-status_delay_s": Case("escpos.status_delay_s", printer_fault("status_delay_s", 1.5),
                                  NO_RECEIPT, "printer", "no_answer"),
    "escpos-drop_connection_after_bytes": Case(
        "escpos.drop_connection_after_bytes", printer_fault("drop_connection_after_bytes", 40),
        NO_RECEIPT, "printer", "unavailable|ok"),
    "escpos-paper_out_after_bytes": Case(
        "escpos.paper_out_after_bytes", printer_fault("paper_out_after_bytes", 80), NO_RECEIPT,
        "printer", "paper_out"),
    # nexo card terminal, a ¥30 top-up by card.
    "nexo-approve": Case("nexo.scenario=approve", card(Scenario.APPROVE),
                         keys("payment.card_approved"), "card_terminal", "ok"),
    "nexo-decline": Case("nexo.scenario=decline", card(Scenario.DECLINE),
                         keys("payment.card_declined"), "card_terminal", "ok"),
    "nexo-cancel": Case("nexo.scenario=cancel", card(Scenario.CANCEL),
                        keys("payment.card_cancelled"), "card_terminal", "ok"),
    "nexo-busy": Case("nexo.scenario=busy", card(Scenario.BUSY),
                      keys("payment.card_failed", "payment.card_declined"), "card_terminal", "ok"),
    "nexo-timeout": Case("nexo.scenario=timeout", card(Scenario.TIMEOUT),
                         keys("payment.card_in_doubt", "payment.card_failed",
                              "payment.card_cancelled"), "card_terminal", "ok"),
    "nexo-ignore_abort": Case("nexo.ignore_abort", card(Scenario.TIMEOUT, ignore_abort=True),
                              keys("payment.card_in_doubt", "payment.card_failed",
                                   "payment.card_cancelled"), "card_terminal", "ok",
                              slow=True),
    "nexo-lost_after_approval": Case("nexo.scenario=lost_after_approval",
                                     card(Scenario.LOST_AFTER_APPROVAL),
                                     keys("payment.card_in_doubt", "payment.card_approved"),
                                     "card_terminal", "ok"),
    "nexo-approve_after_abort": Case("nexo.scenario=approve_after_abort",
                                     card(Scenario.APPROVE_AFTER_ABORT, abort_wait_s=0.3),
                                     keys("payment.card_approved"), "card_terminal", "ok"),
    "nexo-malformed": Case("nexo.scenario=malformed", card(Scenario.MALFORMED),
                           keys("payment.card_in_doubt", "payment.card_approved"),
                           "card_terminal", "ok"),
    # The approval is credited (the driver strips the number); the terminal goes out of service.
    "nexo-pan_leak": Case("nexo.scenario=pan_leak", card(Scenario.PAN_LEAK),
                          keys("payment.card_approved"), "card_terminal", "pci_violation"),
    "nexo-reject": Case("nexo.scenario=reject", card(Scenario.REJECT),
                        keys("payment.card_failed"), "card_terminal", "ok"),
    "nexo-lose_reversal_answer": Case("nexo.lose_reversal_answer",
                                      dj.card_sim_sale_cancelled,
                                      keys("sim.refunded", "sim.voucher_printed"),
                                      "card_terminal", "ok", sim_writer=True),
    # SAM ID card reader: the customer lays the card on it.
    "idcard-no_sam": Case("idcard.no_sam", idcard_fault("no_sam", True),
                          keys("idcard.no_sam", "service.id_reader_down"), "id_card_reader",
                          "no_sam"),
    "idcard-garbled_read": Case("idcard.garbled_read", idcard_fault("garbled_read", True),
                                keys("idcard.read_failed"), "id_card_reader", "ok"),
    "idcard-remove_mid_read": Case("idcard.remove_mid_read",
                                   idcard_fault("remove_mid_read", True),
                                   keys("idcard.read_failed"), "id_card_reader", "ok"),
    "idcard-read_fails": Case("idcard.read_fails", idcard_fault("read_fails", True),
                              keys("idcard.read_failed"), "id_card_reader", "ok"),
    "idcard-reply_delay_s": Case("idcard.reply_delay_s", idcard_fault("reply_delay_s", 0.4),
                                 keys("idcard.read"), "id_card_reader", "ok"),
    # SIM card dispenser and SIM writer, in a SIM sale paid with a ¥100 note.
    "dispenser-jam": Case("dispenser.jam", dispenser_fault("jam", True), keys("dispenser.jam"),
                          "card_dispenser", "jam", sim_writer=True),
    "dispenser-stuck_at_exit": Case("dispenser.stuck_at_exit",
                                    dispenser_fault("stuck_at_exit", True), keys("sim.done"),
                                    "card_dispenser", "card_at_exit", sim_writer=True),
    "dispenser-slow_s": Case("dispenser.slow_s", dispenser_fault("slow_s", 0.3),
                             keys("sim.done"), "card_dispenser", "ok", sim_writer=True),
    "dispenser-empty": Case("dispenser.stock", lambda app: dj.sim_sale(
        app, lambda: setattr(_dispenser(app), "stock", 0)), keys("dispenser.empty"),
        "card_dispenser", "empty", sim_writer=True),
    "simcard-write_error_after": Case("simcard.write_error_after",
                                      sim_fault("write_error_after", 0), keys(VOUCHER),
                                      "sim_reader", "ok", sim_writer=True),
    "simcard-pull_after_writes": Case("simcard.pull_after_writes",
                                      sim_fault("pull_after_writes", 2), keys(VOUCHER),
                                      "sim_reader", "ok", sim_writer=True),
    "simcard-reject_adm": Case("simcard.reject_adm", sim_fault("reject_adm", True),
                               keys(VOUCHER, "sim.adm_blocked"), "sim_reader", "ok",
                               sim_writer=True),
    "simcard-delay_s": Case("simcard.delay_s", sim_fault("delay_s", 0.05), keys("sim.done"),
                            "sim_reader", "ok", sim_writer=True),
}  # fmt: skip


def test_every_fault_switch_has_a_case() -> None:
    """A switch added to a simulator without a case here fails this test."""
    covered = {case.switch for case in CASES.values()}
    missing = dj.fault_switches() - covered - {"simulated_acceptor.set_fault"}
    assert not missing, f"fault switches without a journey: {sorted(missing)}"
    assert "simulated_acceptor.set_fault" in dj.fault_switches()  # its own test below


def test_the_switch_list_notices_a_new_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: a new field on a fault dataclass shows up as uncovered."""
    grown = dataclasses.make_dataclass(
        "AcceptorFaults", [("melted", bool, False)], bases=(AcceptorFaults,)
    )
    monkeypatch.setattr(dj, "AcceptorFaults", grown)
    assert "id003.melted" in dj.fault_switches() - {c.switch for c in CASES.values()}


# --- the kiosk -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kiosk(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[KioskApp]:
    folder = tmp_path_factory.mktemp("device-faults")
    overrides: dict[str, Any] = {
        "devices.bill_acceptor.settings.poll_interval_s": 0.05,
        "devices.printer.settings.timeout_s": 0.5,
        "devices.card_terminal.settings.payment_timeout_s": 3.0,
        "devices.card_terminal.settings.request_timeout_s": 2.0,
        "sync.receipt_wait_s": 1,
    }
    try:
        request.getfixturevalue("pcscd")
        overrides["devices.sim_reader"] = {
            "driver": "pcsc", "settings": {"reader": READER, "poll_s": 0.2}
        }  # fmt: skip
    except pytest.skip.Exception:
        # no pcscd: no SIM writer (not the shipped in-process one, whose blank cards are its own)
        overrides["devices.sim_reader"] = None
    app = KioskApp(load_config(write_config(folder, **overrides)))
    app.start()
    yield app
    card = app.simulators.pop("sim_card", None)
    app.stop()
    if card is not None:
        card.handle.remove()


from tests.simcard.conftest import READER, pcscd, wait_card  # noqa: E402

__all__ = ["pcscd"]


def _reset(app: KioskApp) -> None:
    """Every switch back to its default; wait until every device is healthy again."""
    acceptor = _acceptor(app)
    acceptor.faults = AcceptorFaults()
    with acceptor._lock:
        acceptor._queue.clear()  # a note still waiting to go in goes back to the customer
    printer = _printer(app)
    for f in dataclasses.fields(PrinterFaults):
        setattr(printer.faults, f.name, f.default)
    _idcard(app).faults = IdCardFaults()
    engine = _terminal(app).engine
    engine.scenario, engine.ignore_abort, engine.lose_reversal_answer = (
        Scenario.APPROVE,
        False,
        False,
    )
    engine.abort_wait_s = 10.0
    for tx in list(engine.payments.values()):
        tx.aborted.set()  # ends a payment the timeout scenario still holds
    # A terminal that sent a full card number stays flagged until a technician deals with it.
    app.card_terminal._pci_violation = False  # type: ignore[union-attr]
    if app.card_dispenser is not None:
        mechanism = _dispenser(app)
        mechanism.faults = type(mechanism.faults)()
        mechanism.stock = max(mechanism.stock, 20)
        mechanism.position = type(mechanism.position).NONE
    ok = dj.wait_until(
        lambda: all(h.level in (HealthLevel.OK, HealthLevel.WARNING) and h.code not in (
            "card_at_exit", "paper_near_end") for n, h in app.refresh_health().items()
            if n != "sim_reader"), 15)  # fmt: skip
    assert ok, app.refresh_health()


def _fresh_blank_card(app: KioskApp) -> None:
    from drivers.simcard.emulator import SimCardEmulator
    from kiosk.app import registry

    old = app.simulators.pop("sim_card", None)
    if old is not None:
        old.handle.remove()
        wait_card(False)
    card = SimCardEmulator(profile="blank")
    card.insert()
    wait_card(True)
    app.simulators["sim_card"] = registry.Simulator("vpcd", card.remove, card)


@pytest.fixture
def app(kiosk: KioskApp, request: pytest.FixtureRequest) -> Iterator[KioskApp]:
    _reset(kiosk)
    yield kiosk
    _reset(kiosk)


# --- the cases -------------------------------------------------------------------------------


def _params() -> list[Any]:
    params = []
    for case_id, case in CASES.items():
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        params.append(pytest.param(case_id, id=case_id, marks=marks))
    return params


@pytest.mark.parametrize("case_id", _params())
def test_fault_in_a_customer_journey(app: KioskApp, case_id: str) -> None:
    case = CASES[case_id]
    if (case.slow or case.sim_writer) and not SOAK:
        pytest.skip("a slow case: runs with KIOSK_SOAK=1 (make soak)")
    if case.sim_writer:
        if app.sim_reader is None:
            pytest.skip("pcscd with the vpcd virtual reader is not available here")
        _fresh_blank_card(app)
    boxed_before = dict(app.journal.cashbox())  # type: ignore[union-attr]
    out = case.journey(app)

    # The customer is told something clear.
    assert out.final_message, out
    assert out.final_message != "error.generic", out
    assert set(out.messages) & case.customer or out.final_message in case.customer, (
        f"customer saw {out.messages} (last {out.final_message!r}), expected one of "
        f"{sorted(case.customer)}"
    )
    SHOWN[case_id] = [*out.messages, out.final_message]

    # Money is safe.
    journal = app.journal
    assert journal is not None
    still_open = [t for t in journal.open_transactions() if t.txn_id == out.txn_id]
    if out.final_message == "payment.card_in_doubt":  # left for the kiosk to ask again
        assert [t.state for t in still_open] in ([], ["in_doubt"]), still_open
    else:
        assert still_open == [], still_open
    boxed = {d: c - boxed_before.get(d, 0) for d, c in journal.cashbox().items()}
    assert sorted(d for d, c in boxed.items() for _ in range(c)) == sorted(out.notes_in_fen)
    assert sum(out.notes_in_fen) in (out.credited_fen + out.vouchered_fen, 0) or (
        case.device == "card_terminal"
    ), out
    physically = sorted(_acceptor(app).stacked_fen)
    assert sorted(d for d, c in journal.cashbox().items() for _ in range(c)) == physically
    if out.topup:
        assert out.topup_fen == (out.credited_fen or None), out
    if case.device == "card_terminal" and out.txn_id:
        _card_money_once(app, out)

    # The kiosk reports the fault: its own health, and the heartbeat central stored.
    _level, code, _key = out.health[case.device]
    assert code in case.health.split("|"), out.health
    if code != "ok" and code not in TRANSIENT_HEALTH:  # power_up passes in a poll or two
        assert dj.central_sees(app, case.device, code), dj.central_heartbeat_devices(app)


def _card_money_once(app: KioskApp, out: Outcome) -> None:
    """A card approval at the terminal is credited at central exactly once, or reversed."""
    engine = _terminal(app).engine
    with engine.lock:
        ours = [
            tx for tx in engine.payments.values() if tx.request.sale_transaction_id == out.txn_id
        ]
        approved = [tx for tx in ours if tx.response is not None
                    and tx.response.response.result.value == "Success"]  # fmt: skip
    credited = dj.central_topup_fen(app, out.txn_id)
    if approved and not any(tx.reversed for tx in approved):
        if out.final_message == "payment.card_in_doubt":
            app.settle_card_payments()  # the kiosk asks again on its health rounds
            key = f"{out.txn_id}:topup"
            assert app.wait_delivered(key, 15) is not None or app.journal.open_transactions()
            credited = dj.central_topup_fen(app, out.txn_id)
        if out.health["card_terminal"][1] != "pci_violation":
            assert credited == 3000, (credited, out)
    else:
        assert credited is None, (credited, out)


def test_simulated_acceptor_fault_switch(tmp_path: Path) -> None:
    """The in-process acceptor's set_fault during a top-up: the customer is told, the note
    inserted during the fault is refused (nothing stacked, nothing credited)."""
    from drivers.simulated.bill_acceptor import SimulatedBillAcceptor
    from kiosk.cash_router import CashRouter
    from kiosk.config import NOTE_DENOMINATIONS_FEN
    from kiosk.flows.topup import TopUpContext, TopUpFlow, TopUpLimits
    from kiosk.journal import Journal
    from tests.kiosk.fakes import RecordingPrinter

    journal = Journal(tmp_path / "kiosk.db")
    acceptor = SimulatedBillAcceptor(known_denominations_fen=NOTE_DENOMINATIONS_FEN)
    router = CashRouter()
    acceptor.start(router.on_event, router.escrow_policy)
    messages: list[str] = []
    context = TopUpContext(
        kiosk_id="K1", kiosk_name="K", journal=journal, acceptor=acceptor,
        printer=RecordingPrinter(), limits=TopUpLimits(20000, NOTE_DENOMINATIONS_FEN),
        wait_delivered=lambda _k, _t: None, receipt_wait_s=0, on_storage_failure=print,
        is_online=lambda: True,
    )  # fmt: skip
    flow = TopUpFlow(context, lambda s: messages.append(s.message_key))
    router.attach(flow)
    try:
        flow.submit_number(dj.CUSTOMER_MSISDN)
        acceptor.insert_note(5000)
        assert dj.wait_until(lambda: flow.snapshot.credited_fen == 5000)
        full = DeviceHealth(HealthLevel.ERROR, "stacker_full", "acceptor.stacker_full")
        acceptor.set_fault(full)
        acceptor.insert_note(2000)
        assert dj.wait_until(lambda: "topup.note_rejected" in messages)
        assert "acceptor.stacker_full" in messages
        assert acceptor.health().code == "stacker_full"
        flow.confirm()
        assert flow.snapshot.credited_fen == 5000
        assert journal.cashbox() == {5000: 1}
        assert acceptor.stacked_fen == [5000]
    finally:
        acceptor.close()
        journal.close()


def test_every_message_the_customer_saw_has_a_sentence_in_the_ui() -> None:
    """Runs after the cases: each key the customer was shown has wording in the QML UI (an
    unknown key shows 'Please wait', which is not a clear message)."""
    if not SHOWN:
        pytest.skip("run together with the fault cases")
    known = dj.ui_message_keys() | {"sim.done", "idcard.read"}  # journey markers, not keys
    missing = {
        case: sorted(set(shown) - known) for case, shown in SHOWN.items() if set(shown) - known
    }
    assert not missing, missing
