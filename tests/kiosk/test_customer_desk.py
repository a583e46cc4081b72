"""The customer desk through the whole app: shipped config, simulated devices (the ESC/POS
printer simulator on a pseudo-terminal), the embedded reference central in its own process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.customer_session import EndReason, SessionEnded
from kiosk.errors import SessionError
from kiosk.flows.change import ChangeRequest, State
from tests.conftest import write_config
from tests.support import wait_until

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    started = KioskApp(
        load_config(
            write_config(tmp_path, **{"kiosk.idle_timeout_s": 10, "kiosk.idle_warning_s": 3})
        )
    )
    started.start()
    yield started
    started.stop()


def _sms_code(app: KioskApp, msisdn: str) -> str:
    embedded = app.config.central.embedded
    assert embedded is not None
    reply = requests.get(
        f"{app.central_url}/v1/ops/sms",
        params={"msisdn": msisdn},
        headers={"Authorization": f"Bearer {embedded.ops_token}"},
        timeout=5,
    )
    reply.raise_for_status()
    match = re.search(r"验证码(\d{6})", reply.json()["messages"][0]["text"])
    assert match
    return match.group(1)


def test_catalogue_lists_every_offered_service(app: KioskApp) -> None:
    states = {s.key: s for s in app.services()}
    assert list(states) == list(app.config.services.offered)
    assert states["topup.cash"].available
    assert states["account.query"].available
    assert states["change.plan"].available
    assert states["topup.card"].available  # the nexo terminal simulator
    assert states["sim.sale"].available  # the in-process SIM card, no pcscd
    assert states["sim.replacement"].available
    assert app.service("lottery").reason_key == "service.not_offered"


def test_a_customer_session_end_to_end(app: KioskApp) -> None:
    """GIVEN the demo kiosk WHEN a customer logs in by password, prints their balance on the
    simulated ESC/POS printer, and changes plan with the texted code THEN each works through
    the one session, the receipt is masked, and logout leaves nothing behind."""
    assert app.desk is not None
    assert app.api is not None
    ended: list[SessionEnded] = []
    app.desk.listen(ended.append)  # as the UI does
    session = app.desk.start_session()
    session.login_password("13800138000", "123456")
    account = app.desk.account()
    balance = account.print_balance()
    wait_until(app.simulated_receipt_texts, what="the balance receipt")
    receipt = app.simulated_receipt_texts()[-1]
    assert "138****8000" in receipt
    assert "13800138000" not in receipt
    assert balance.plan.name_zh in receipt
    current = balance.plan.code
    target = next(p.code for p in app.api.catalogue().plans if p.code != current)
    change = app.desk.change(ChangeRequest("change.plan", target))
    change.request_code()
    assert change.confirm(_sms_code(app, "13800138000")).plan_code == target
    assert change.snapshot.state is State.DONE
    app.desk.end_session(EndReason.LOGOUT)
    assert [e.reason for e in ended] == [EndReason.LOGOUT]
    assert app.desk.session is None
    with pytest.raises(SessionError):
        app.desk.account()
    assert app.metrics is not None
    today = app.metrics.today()
    assert today["account.query"]["completed"] == 1
    assert today["change.plan"]["completed"] == 1


def test_idle_watch_ends_an_abandoned_session(app: KioskApp) -> None:
    """GIVEN a customer who logged in and walked away WHEN the idle timeout (10 s here)
    passes THEN the desk's own watch ends the session and abandons the change in it."""
    assert app.desk is not None
    assert app.api is not None
    ended: list[SessionEnded] = []
    app.desk.listen(ended.append)
    session = app.desk.start_session()
    session.login_password("13900139000", "654321")
    current = app.desk.account().balance().plan.code
    target = next(p.code for p in app.api.catalogue().plans if p.code != current)
    change = app.desk.change(ChangeRequest("change.plan", target))
    change.request_code()
    wait_until(lambda: ended, 20, "the session to end on its idle timeout")
    assert [e.reason for e in ended] == [EndReason.IDLE_TIMEOUT]
    assert session.customer is None
    assert change.snapshot.state is State.CANCELLED
    assert app.journal is not None
    assert app.journal.open_transactions() == []


def test_a_new_customer_finishes_the_previous_session(app: KioskApp) -> None:
    assert app.desk is not None
    first = app.desk.start_session()
    first.login_password("13800138000", "123456")
    second = app.desk.start_session()
    assert first.ended is EndReason.FINISHED
    assert first.customer is None
    assert second.customer is None
    assert app.desk.session is second


def test_sim_services_need_their_devices(tmp_path: Path) -> None:
    """A config without a SIM writer: the SIM flows say so instead of failing."""
    app = KioskApp(load_config(write_config(tmp_path, **{"devices.sim_reader": None})))
    app.start()
    try:
        _sim_services_refused(app)
    finally:
        app.stop()


def _sim_services_refused(app: KioskApp) -> None:
    from kiosk.errors import JournalError

    assert app.desk is not None
    with pytest.raises(JournalError) as refused:
        app.new_sim_sale()
    assert refused.value.message_key == "service.not_installed"
    session = app.desk.start_session()
    session.login_password("13800138000", "123456")
    with pytest.raises(SessionError) as no_writer:
        app.desk.sim_replacement()
    assert no_writer.value.message_key == "service.not_installed"


def test_a_card_top_up_through_the_whole_app(app: KioskApp) -> None:
    """GIVEN the shipped config (nexo terminal simulator on loopback) WHEN a customer tops up
    by card THEN it is approved, the receipt shows only the masked card number, and central
    credits it once."""
    assert app.service("topup.card").available
    flow = app.new_card_topup()
    result = flow.pay("13900139000", 3000)
    assert result.approved
    wait_until(app.simulated_receipt_texts, what="the card top-up receipt")
    receipt = app.simulated_receipt_texts()[-1]
    assert "银行卡" in receipt
    assert "139****9000" in receipt
    assert not re.search(r"\d{13,19}", receipt.replace(result.txn_id, ""))
    assert app.store is not None
    assert app.store.wait_until_acked(f"{result.txn_id}:topup", 10) is not None
    assert app.metrics is not None
    assert app.metrics.amounts_today().get("card") == 3000


def test_the_desk_gets_the_replacement_fee_and_the_ways_to_pay_it(tmp_path: Path) -> None:
    """sim.replacement_fee_fen reaches the desk with the acceptor (through the cash router)
    and the card terminal, which a SIM replacement with a fee is paid with."""
    app = KioskApp(load_config(write_config(tmp_path, **{"sim.replacement_fee_fen": 1000})))
    app.start()
    try:
        assert app.desk is not None
        parts = app.desk._parts
        assert parts.sim_replacement_fee_fen == 1000
        assert parts.acceptor is app.acceptor is not None
        assert parts.terminal is app.card_terminal is not None
        assert parts.attach_cash == app.router.attach
        assert parts.paying is app._card_paying
    finally:
        app.stop()
