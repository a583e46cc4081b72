"""nexo card terminal driver against its simulator over real loopback sockets (TCP and HTTP)
(its registry entry: test_cardterminal_registry.py; a scripted terminal whose answers do not
fit: test_cardterminal_mismatch.py)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.messages import (
    Category,
)
from drivers.cardterminal.simulator import MASKED_PAN, TEST_PAN, Scenario, TerminalSimulator
from drivers.cardterminal.transport import transport_for_url
from drivers.errors import DeviceUnavailable
from drivers.interfaces import (
    CardApproved,
    CardCancelled,
    CardDeclined,
    CardFailed,
    CardInDoubt,
    CardOutcome,
    CardTerminal,
    HealthLevel,
    PaymentStage,
)

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(60)


@dataclass
class Rig:
    sim: TerminalSimulator
    driver: NexoCardTerminal
    kind: str

    def driver_again(self) -> NexoCardTerminal:
        """A fresh driver (a restarted kiosk) for the same terminal."""
        return make_driver(self.sim.url)

    def received(self, category: Category) -> int:
        with self.sim.engine.lock:
            return self.sim.engine.received.count(category)


def make_driver(url: str, *, recovery_s: float = 3.0) -> NexoCardTerminal:
    return NexoCardTerminal(
        transport_for_url(url, connect_timeout_s=2.0),
        sale_id="KIOSK01",
        poi_id="POI01",
        payment_timeout_s=10.0,
        request_timeout_s=3.0,
        recovery_s=recovery_s,
        status_interval_s=0.05,
    )


@pytest.fixture(params=["tcp", "http"])
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    sim = TerminalSimulator(request.param, poi_id="POI01", stage_s=0.02)
    sim.start()
    driver = make_driver(sim.url)
    try:
        yield Rig(sim, driver, request.param)
    finally:
        driver.close()
        sim.stop()


def pay(
    rig: Rig, amount_fen: int = 1234, sale: str = "SALE-1"
) -> tuple[CardOutcome, str, list[PaymentStage]]:
    stages: list[PaymentStage] = []
    service_id = rig.driver.new_service_id()
    return rig.driver.pay(amount_fen, sale, service_id, stages.append), service_id, stages


def pay_in_background(rig: Rig, pool: ThreadPoolExecutor) -> tuple[Future[CardOutcome], str]:
    service_id = rig.driver.new_service_id()
    return pool.submit(rig.driver.pay, 1234, "SALE-1", service_id), service_id


def test_the_driver_is_a_card_terminal(rig: Rig) -> None:
    assert isinstance(rig.driver, CardTerminal)
    assert rig.driver.health().level is HealthLevel.OK


def test_approve(rig: Rig) -> None:
    outcome, service_id, stages = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.poi_timestamp is not None  # the terminal's, kept for a reversal
    assert outcome == CardApproved(
        1234, MASKED_PAN, "UnionPay", "A00001", "SIM00001XPOI01", outcome.poi_timestamp
    )
    if rig.kind == "tcp":  # the terminal's DisplayRequests arrive as they happen
        assert stages == [
            PaymentStage.WAITING_FOR_CARD,
            PaymentStage.PIN_ENTRY,
            PaymentStage.AUTHORISING,
        ]
    else:  # one answer per POST: only "the terminal has it"
        assert stages == [PaymentStage.WAITING_FOR_CARD]
    (tx,) = rig.sim.engine.approvals()
    assert tx.request.amount_fen == 1234
    assert tx.request.sale_transaction_id == "SALE-1"
    assert tx.request.header.service_id == service_id
    assert rig.driver.status(service_id) == outcome
    assert rig.driver_again().status(service_id) == outcome
    assert rig.received(Category.PAYMENT) == 1


def test_decline(rig: Rig) -> None:
    rig.sim.scenario = Scenario.DECLINE
    outcome, service_id, _ = pay(rig)
    assert outcome == CardDeclined("Refusal")
    assert rig.driver.status(service_id) == CardDeclined("Refusal")
    assert rig.sim.engine.approvals() == []


def test_customer_cancel(rig: Rig) -> None:
    rig.sim.scenario = "cancel"  # a demo's switch by name
    outcome, service_id, _ = pay(rig)
    assert outcome == CardCancelled()
    assert rig.driver.status(service_id) == CardCancelled()


def test_a_rejected_payment_fails_with_the_terminals_reason(rig: Rig) -> None:
    """An EventNotification Reject was 'a terminal does not send Event Notification' before:
    the answer was lost and the payment asked after as in doubt."""
    rig.sim.scenario = Scenario.REJECT
    outcome, service_id, _ = pay(rig)
    assert outcome == CardFailed("Rejected", "Simulated rejection: payment refused")
    assert rig.received(Category.TRANSACTION_STATUS) == 0  # final: nothing to ask
    assert rig.driver.status(service_id) is None  # the terminal never took it
    assert rig.driver.health().level is HealthLevel.OK


def test_a_reversal_names_the_approvals_own_timestamp(rig: Rig) -> None:
    outcome, _, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.poi_timestamp is not None
    assert rig.driver_again().reverse(
        outcome.poi_transaction_id, outcome.amount_fen, outcome.poi_timestamp
    )  # a restarted kiosk: the timestamp from the journal


def test_terminal_busy(rig: Rig) -> None:
    rig.sim.scenario = Scenario.BUSY
    outcome, service_id, _ = pay(rig)
    assert outcome == CardFailed("Busy")
    assert rig.driver.status(service_id) == CardFailed("Busy")


def test_busy_while_another_payment_runs(rig: Rig) -> None:
    rig.sim.engine.stage_s = 0.3
    with ThreadPoolExecutor(1) as pool:
        first, _ = pay_in_background(rig, pool)
        assert rig.sim.engine.wait_for_payment(10) is not None
        second, _, _ = pay(rig, sale="SALE-2")
        assert second == CardFailed("Busy")
        assert isinstance(first.result(timeout=20), CardApproved)
    assert len(rig.sim.engine.approvals()) == 1


def test_timeout_aborts_then_recovers_the_terminals_answer(rig: Rig) -> None:
    rig.sim.scenario = Scenario.TIMEOUT
    rig.driver.payment_timeout_s = 0.5
    outcome, service_id, _ = pay(rig)  # the terminal never answers: only the timeout ends it
    assert outcome == CardCancelled()  # the abort ended it; status told us so
    assert rig.received(Category.ABORT) == 1
    assert rig.received(Category.TRANSACTION_STATUS) >= 1
    assert rig.driver.status(service_id) == CardCancelled()


def test_timeout_of_a_hung_terminal_is_in_doubt(rig: Rig) -> None:
    rig.sim.scenario = Scenario.TIMEOUT
    rig.sim.engine.ignore_abort = True
    rig.driver.payment_timeout_s = 0.3
    rig.driver.recovery_s = 0.5
    outcome, service_id, _ = pay(rig)
    assert outcome == CardInDoubt(service_id)
    assert rig.driver.status(service_id) == CardInDoubt(service_id)  # still in progress
    rig.sim.stop()
    with pytest.raises(DeviceUnavailable):
        rig.driver.status(service_id)
    assert rig.driver.health().code == "unreachable"


def test_answer_lost_after_approval_is_recovered_by_status(rig: Rig) -> None:
    rig.sim.scenario = Scenario.LOST_AFTER_APPROVAL
    outcome, service_id, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.amount_fen == 1234
    assert outcome.poi_transaction_id == "SIM00001XPOI01"
    assert rig.driver.status(service_id) == outcome
    assert rig.received(Category.TRANSACTION_STATUS) == 2
    assert rig.received(Category.PAYMENT) == 1  # asked, never paid twice
    assert len(rig.sim.engine.approvals()) == 1


def test_malformed_answer_is_recovered_by_status(rig: Rig) -> None:
    rig.sim.scenario = Scenario.MALFORMED
    outcome, _, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.approval_code == "A00001"
    assert rig.received(Category.TRANSACTION_STATUS) == 1


def test_abort_during_payment_cancels(rig: Rig) -> None:
    rig.sim.engine.stage_s = 2.0
    with ThreadPoolExecutor(1) as pool:
        future, service_id = pay_in_background(rig, pool)
        assert rig.sim.engine.wait_for_payment(10) is not None
        rig.driver.abort(service_id)
        # Cancelled, not approved at the end of the 2 s stage: the abort ended it.
        assert future.result(timeout=10) == CardCancelled()
    assert rig.received(Category.ABORT) == 1
    assert rig.sim.engine.approvals() == []


def test_approval_after_abort_request_is_an_approval_to_reverse(rig: Rig) -> None:
    rig.sim.scenario = Scenario.APPROVE_AFTER_ABORT
    with ThreadPoolExecutor(1) as pool:
        future, service_id = pay_in_background(rig, pool)
        assert rig.sim.engine.wait_for_payment(10) is not None
        rig.driver.abort(service_id)
        outcome = future.result(timeout=10)
    assert isinstance(outcome, CardApproved)  # the abort came too late: money was taken
    assert rig.received(Category.ABORT) == 1
    assert rig.driver.reverse(outcome.poi_transaction_id, outcome.amount_fen) is True
    (tx,) = rig.sim.engine.approvals()
    assert tx.reversed


def test_full_pan_leak_is_stripped_the_approval_kept_never_logged(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a terminal that approves and sends the full PAN WHEN the kiosk pays THEN the
    approval stands (masked), the PAN is nowhere, and the terminal is flagged (it used to be
    refused: the customer paid and the approval was lost)."""
    caplog.set_level(logging.DEBUG)
    rig.sim.scenario = Scenario.PAN_LEAK
    outcome, service_id, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.masked_pan == MASKED_PAN
    assert outcome.amount_fen == 1234
    assert TEST_PAN not in repr(outcome)
    health = rig.driver.health()
    assert (health.level, health.code) == (HealthLevel.ERROR, "pci_violation")
    assert rig.driver.status(service_id) == outcome  # the repeated answer: stripped the same
    assert TEST_PAN not in caplog.text
    assert TEST_PAN[6:12] not in caplog.text
    assert "card data" in caplog.text
    assert "MaskedPan" in caplog.text


def test_a_tender_reference_that_passes_luhn_is_an_approval(rig: Rig) -> None:
    """Adyen's own mock tender reference holds a Luhn-valid 15-digit run (as ~10 % do): the
    approval is the customer's, it is returned and can be reversed; the terminal stays OK."""
    tender = "4r7i001556529591000.8515565295894301"
    rig.sim.engine.next_poi_transaction_id = tender
    outcome, service_id, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    assert outcome.poi_transaction_id == tender
    assert rig.driver.health().level is HealthLevel.OK
    assert rig.driver.status(service_id) == outcome
    assert rig.driver.reverse(tender, 1234) is True


def test_a_sale_id_that_passes_luhn_is_no_longer_refused(rig: Rig) -> None:
    outcome, _, _ = pay(rig, sale="6228480000001237")
    assert isinstance(outcome, CardApproved)


def test_approved_then_delivery_failed_reversed(rig: Rig) -> None:
    """A flow: pay, fail to deliver (top-up refused), reverse; the terminal reverses once."""

    def deliver(_outcome: CardApproved) -> None:
        raise RuntimeError("central refused the top-up")

    outcome, service_id, _ = pay(rig, 5000, "SALE-9")
    assert isinstance(outcome, CardApproved)
    try:
        deliver(outcome)
        reversed_ = False
    except RuntimeError:
        reversed_ = rig.driver.reverse(outcome.poi_transaction_id, outcome.amount_fen)
    assert reversed_ is True
    (tx,) = rig.sim.engine.approvals()
    assert tx.reversed
    assert rig.received(Category.REVERSAL) == 1
    assert rig.driver.reverse(outcome.poi_transaction_id, 5000) is False  # only once
    assert rig.driver.status(service_id) == outcome  # status keeps the original answer


def test_reversal_refusals(rig: Rig) -> None:
    outcome, _, _ = pay(rig, 800)
    assert isinstance(outcome, CardApproved)
    assert rig.driver.reverse(outcome.poi_transaction_id, 801) is False  # amount differs
    assert rig.driver.reverse("NOSUCHTX", 800) is False
    rig.sim.scenario = Scenario.DECLINE
    assert rig.driver.reverse(outcome.poi_transaction_id, 800) is True
    assert rig.sim.engine.approvals()[0].reversed  # the scenario shapes payments only


def test_lost_reversal_answer_is_asked_after(rig: Rig) -> None:
    outcome, _, _ = pay(rig)
    assert isinstance(outcome, CardApproved)
    rig.sim.engine.lose_reversal_answer = True
    assert rig.driver.reverse(outcome.poi_transaction_id, 1234) is True
    assert rig.received(Category.TRANSACTION_STATUS) == 1
    assert rig.driver.reverse(outcome.poi_transaction_id, 1234) is False


def test_unreachable_terminal_fails_without_money(rig: Rig) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"tcp://127.0.0.1:{port}" if rig.kind == "tcp" else f"http://127.0.0.1:{port}/nexo"
    driver = make_driver(url)
    service_id = driver.new_service_id()
    assert driver.pay(100, "SALE-1", service_id) == CardFailed("unreachable")
    assert driver.health().code == "unreachable"
    with pytest.raises(DeviceUnavailable):
        driver.status(service_id)
    with pytest.raises(DeviceUnavailable):
        driver.reverse("SIM00001XPOI01", 100)


def test_status_of_an_unknown_payment_is_none(rig: Rig) -> None:
    assert rig.driver.status("NEVERSENT1") is None


def test_bad_calls_are_refused_before_sending(rig: Rig) -> None:
    service_id = rig.driver.new_service_id()
    for amount in (0, -1, 12.5, True, 10**13):
        with pytest.raises(ValueError, match="amount"):
            rig.driver.pay(amount, "SALE-1", rig.driver.new_service_id())  # type: ignore[arg-type]
    assert isinstance(rig.driver.pay(100, "SALE-1", service_id), CardApproved)
    with pytest.raises(ValueError, match="already sent"):
        rig.driver.pay(100, "SALE-1", service_id)
    with pytest.raises(ValueError, match="1-10 letters"):
        rig.driver.pay(100, "SALE-1", "bad id!")
    assert rig.received(Category.PAYMENT) == 1


def test_a_failing_progress_listener_does_not_lose_the_answer(rig: Rig) -> None:
    def explode(_stage: PaymentStage) -> None:
        raise RuntimeError("UI bug")

    outcome = rig.driver.pay(100, "SALE-1", rig.driver.new_service_id(), explode)
    assert isinstance(outcome, CardApproved)


def test_close_ends_a_waiting_payment_in_doubt(rig: Rig) -> None:
    rig.sim.engine.stage_s = 60.0  # the terminal would answer long after result()'s 10 s
    with ThreadPoolExecutor(1) as pool:
        future, service_id = pay_in_background(rig, pool)
        assert rig.sim.engine.wait_for_payment(10) is not None
        rig.driver.close()
        assert future.result(timeout=10) == CardInDoubt(service_id)


def test_closed_driver(rig: Rig) -> None:
    rig.driver.close()
    with pytest.raises(DeviceUnavailable):
        rig.driver.pay(100, "SALE-1", rig.driver.new_service_id())
    assert rig.driver.health().code == "closed"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_verifies_the_terminal_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "terminal.pem", tmp_path / "terminal.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=terminal",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sim = TerminalSimulator("http", poi_id="POI01", stage_s=0.01, tls=context)
    sim.start()
    try:
        assert sim.url.startswith("https://127.0.0.1:")
        trusted = NexoCardTerminal(
            transport_for_url(sim.url, ca_file=str(cert)), sale_id="KIOSK01", poi_id="POI01"
        )
        outcome = trusted.pay(700, "SALE-TLS", trusted.new_service_id())
        assert isinstance(outcome, CardApproved)
        assert outcome.amount_fen == 700
        untrusted = make_driver(sim.url)  # system CAs only: the handshake fails, nothing sent
        assert untrusted.pay(700, "SALE-TLS", untrusted.new_service_id()) == CardFailed(
            "unreachable"
        )
        assert len(sim.engine.payments) == 1
    finally:
        sim.stop()


CHILD = """
import os, sys
from drivers.cardterminal.driver import NexoCardTerminal
from drivers.cardterminal.transport import transport_for_url

url, journal = sys.argv[1], sys.argv[2]
driver = NexoCardTerminal(transport_for_url(url), sale_id="KIOSK01", poi_id="POI01")
service_id = driver.new_service_id()
with open(journal, "w", encoding="utf-8") as f:  # journalled before the request goes out
    f.write(f"SALE-42 {service_id}\\n")
    f.flush()
    os.fsync(f.fileno())
print("outcome", driver.pay(4200, "SALE-42", service_id), flush=True)
"""


@pytest.mark.timeout(90)
@pytest.mark.parametrize("kind", ["tcp", "http"])
def test_kiosk_killed_after_sending_recovers_the_approval_exactly_once(
    kind: str, tmp_path: Path
) -> None:
    sim = TerminalSimulator(kind, poi_id="POI01", stage_s=0.6)
    sim.start()
    journal = tmp_path / "journal.txt"
    credited: list[str] = []  # what the kiosk's flow credits, by sale id
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, sim.url, str(journal)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        tx = sim.engine.wait_for_payment(30)
        assert tx is not None, child.stderr.read() if child.stderr else ""
        assert tx.response is None  # the customer is still at the terminal
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        assert b"outcome" not in out  # killed before any answer
        assert sim.engine.wait_until_done(tx, 10)  # the terminal approved regardless

        for _restart in range(2):  # a second restart must not credit again
            sale_id, service_id = journal.read_text(encoding="utf-8").split()
            assert (sale_id, service_id) == ("SALE-42", tx.request.header.service_id)
            driver = make_driver(sim.url)
            outcome = driver.status(service_id)
            driver.close()
            assert isinstance(outcome, CardApproved)
            assert outcome.amount_fen == 4200
            assert outcome.masked_pan == MASKED_PAN
            if sale_id not in credited:
                credited.append(sale_id)
        assert credited == ["SALE-42"]
        (approved,) = sim.engine.approvals()
        assert approved.request.sale_transaction_id == "SALE-42"
        with sim.engine.lock:
            assert sim.engine.received.count(Category.PAYMENT) == 1
    finally:
        sim.stop()
