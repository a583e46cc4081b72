"""Plan change and service on/off with a second SMS confirmation, against the reference central:
journalled states, lost answers replayed safely, recovery of an interrupted change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.central_api import CentralApi
from kiosk.customer_session import CustomerSession, EndReason
from kiosk.errors import CentralRefused, CentralUnavailable, FlowError, JournalError
from kiosk.flows.change import (
    ChangeContext,
    ChangeFlow,
    ChangeRequest,
    State,
)
from kiosk.journal import Journal
from kiosk.metrics import ServiceMetrics
from kiosk.recovery import recover
from tests.central.business_client import Biz
from tests.central.conftest import Central, FakeClock

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 11, 22, 10, 30)
MSISDN = "13800138000"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    journal = Journal(tmp_path / "kiosk.db")
    yield journal
    journal.close()


@pytest.fixture
def metrics(tmp_path: Path) -> ServiceMetrics:
    return ServiceMetrics(tmp_path / "metrics.json", clock=lambda: NOW)


@pytest.fixture
def failures() -> list[JournalError]:
    return []


@pytest.fixture
def context(
    api: CentralApi, journal: Journal, metrics: ServiceMetrics, failures: list[JournalError]
) -> ChangeContext:
    return ChangeContext(api, journal, metrics, failures.append)


@pytest.fixture
def session(api: CentralApi) -> CustomerSession:
    session = CustomerSession(api, idle_timeout_s=90)
    session.login_password(MSISDN, "123456")
    return session


def _other_plan(api: CentralApi, session: CustomerSession) -> str:
    current = session.call(api.balance).plan.code
    return next(p.code for p in api.catalogue().plans if p.code != current)


def _missing_service(api: CentralApi, session: CustomerSession) -> str:
    have = {s.code for s in session.call(api.balance).services}
    return next(s.code for s in api.catalogue().services if s.code not in have)


def test_plan_change_confirmed_by_sms(
    *,
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    central: Central,
    journal: Journal,
    metrics: ServiceMetrics,
) -> None:
    """GIVEN a logged-in customer WHEN they choose another plan THEN central texts a code and
    nothing changes until they type it; THEN the plan is changed once and journalled."""
    target = _other_plan(api, session)
    flow = ChangeFlow(context, session, ChangeRequest("change.plan", target))
    confirmation = flow.request_code()
    assert flow.snapshot.state is State.AWAITING_CODE
    assert confirmation.summary_zh
    assert session.call(api.balance).plan.code != target  # not yet
    done = flow.confirm(Biz(central).last_code(MSISDN))
    assert done.plan_code == target
    assert session.call(api.balance).plan.code == target
    assert flow.snapshot.state is State.DONE
    kinds = [kind for _, _, kind, _ in journal.events(flow.snapshot.txn_id)]
    assert kinds == ["change.requested", "change.confirming", "change.done"]
    record = journal.transaction(flow.snapshot.txn_id)
    assert record is not None
    assert record.state == "done"
    assert metrics.today()["change.plan"] == {
        "started": 1, "completed": 1, "abandoned": 0, "failed": 0
    }  # fmt: skip


def test_service_switched_on(
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    central: Central,
) -> None:
    service = _missing_service(api, session)
    flow = ChangeFlow(context, session, ChangeRequest("change.service", service, active=True))
    flow.request_code()
    done = flow.confirm(Biz(central).last_code(MSISDN))
    assert service in done.services
    assert service in {s.code for s in session.call(api.balance).services}


def test_wrong_code_then_right_code(
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    central: Central,
) -> None:
    flow = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    flow.request_code()
    code = Biz(central).last_code(MSISDN)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(CentralRefused) as refused:
        flow.confirm(wrong)
    assert refused.value.code == "sms.wrong_code"
    assert flow.snapshot.state is State.AWAITING_CODE
    assert flow.confirm(code).plan_code == flow.snapshot.request.code


def test_lost_answer_is_replayed_with_the_same_code_only(
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    central: Central,
    journal: Journal,
) -> None:
    """GIVEN a confirmation whose answer was lost WHEN the customer confirms again THEN only
    the same code is sent and central answers with the first result (applied once)."""
    flow = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    flow.request_code()
    code = Biz(central).last_code(MSISDN)
    # The first confirmation reaches central but its answer is lost on the way back.
    real = api.confirm_change
    calls: list[str] = []

    def lossy(token: str, confirmation_id: str, sent: str) -> object:
        calls.append(sent)
        result = real(token, confirmation_id, sent)
        if len(calls) == 1:
            raise CentralUnavailable("answer lost")
        return result

    api.confirm_change = lossy  # type: ignore[method-assign,assignment]
    with pytest.raises(CentralUnavailable):
        flow.confirm(code)
    assert flow.snapshot.state is State.CONFIRMING
    with pytest.raises(FlowError) as other:
        flow.confirm("999999" if code != "999999" else "888888")
    assert other.value.message_key == "change.same_code"
    done = flow.confirm(code)
    assert done.plan_code == flow.snapshot.request.code
    assert calls == [code, code]
    kinds = [kind for _, _, kind, _ in journal.events(flow.snapshot.txn_id)]
    assert kinds.count("change.confirming") == 1


def test_refused_change_fails_and_is_counted(
    context: ChangeContext, session: CustomerSession, api: CentralApi, metrics: ServiceMetrics
) -> None:
    current = session.call(api.balance).plan.code
    flow = ChangeFlow(context, session, ChangeRequest("change.plan", current))
    with pytest.raises(CentralRefused) as refused:
        flow.request_code()
    assert refused.value.code == "plan.already_current"
    assert flow.snapshot.state is State.FAILED
    assert metrics.today()["change.plan"]["failed"] == 1
    with pytest.raises(FlowError):
        flow.request_code()


def test_cancel_and_session_end_abandon(
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    metrics: ServiceMetrics,
    clock: FakeClock,
) -> None:
    first = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    first.request_code()
    first.cancel()
    clock.advance(61)  # central texts one code a minute
    assert first.snapshot.state is State.CANCELLED
    second = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    second.request_code()
    session.end(EndReason.IDLE_TIMEOUT)
    second.abandon()
    assert second.snapshot.state is State.CANCELLED
    assert metrics.today()["change.plan"]["abandoned"] == 2


def test_recovery_closes_interrupted_changes(
    *,
    context: ChangeContext,
    session: CustomerSession,
    api: CentralApi,
    central: Central,
    journal: Journal,
    clock: FakeClock,
) -> None:
    """GIVEN one change waiting for its code and one whose confirmation was sent when the kiosk
    died WHEN the kiosk boots THEN both are closed: one cancelled, one 'outcome unknown'."""
    waiting = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    waiting.request_code()
    clock.advance(61)  # central texts one code a minute
    in_doubt = ChangeFlow(
        context, session, ChangeRequest("change.service", _missing_service(api, session))
    )
    in_doubt.request_code()
    code = Biz(central).last_code(MSISDN)
    api.confirm_change = _dead  # type: ignore[method-assign,assignment]
    with pytest.raises(CentralUnavailable):
        in_doubt.confirm(code)
    actions = {a.txn_id: a.action for a in recover(journal)}
    assert actions == {
        waiting.snapshot.txn_id: "cancelled",
        in_doubt.snapshot.txn_id: "closed_unknown",
    }
    assert journal.open_transactions() == []
    assert recover(journal) == []


def _dead(*_args: object) -> object:
    raise CentralUnavailable("central down")


def test_bad_code_is_refused_locally(
    context: ChangeContext, session: CustomerSession, api: CentralApi
) -> None:
    flow = ChangeFlow(context, session, ChangeRequest("change.plan", _other_plan(api, session)))
    flow.request_code()
    with pytest.raises(FlowError) as refused:
        flow.confirm("12 456")
    assert refused.value.message_key == "auth.bad_code"
    assert flow.snapshot.state is State.AWAITING_CODE
