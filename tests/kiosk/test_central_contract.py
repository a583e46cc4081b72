"""The kiosk's models of central's answers match the committed OpenAPI document field for field,
and the client turns bad answers into clear errors (never a crash, never a wrong value)."""

from __future__ import annotations

import inspect
import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pydantic import BaseModel

from drivers.interfaces import HEALTH_OK
from kiosk import central_models, vouchers
from kiosk.central_api import PROTOCOL_CODES, CentralApi
from kiosk.errors import CentralRefused, CentralUnavailable
from kiosk.flows import sim_replacement, sim_sale
from kiosk.health_reporter import ErrorReport, HealthSnapshot, QueueFigures, wire_body
from tests.conftest import REPO

NOW = datetime(2026, 11, 22, 10, 30).astimezone()

# kiosk model → the schema central publishes for it
CONTRACT: dict[type[BaseModel], str] = {
    central_models.CustomerSessionOut: "SessionOut",
    central_models.SmsChallenge: "SmsChallengeOut",
    central_models.Plan: "PlanOut",
    central_models.ValueAddedService: "ServiceOut",
    central_models.Catalogue: "Catalogue",
    central_models.Balance: "BalanceOut",
    central_models.BillItem: "BillItem",
    central_models.Bill: "BillOut",
    central_models.BillList: "BillList",
    central_models.BillDueMonth: "BillDueMonth",
    central_models.BillDue: "BillDueOut",
    central_models.UsageRecord: "UsageOut",
    central_models.UsagePage: "UsagePage",
    central_models.Invoice: "InvoiceOut",
    central_models.InvoiceList: "InvoiceList",
    central_models.Confirmation: "ConfirmationOut",
    central_models.ChangeDone: "ChangeDone",
    central_models.RealNameCheck: "RealNameOut",
    central_models.PoolNumber: "PoolNumberOut",
    central_models.NumberPage: "NumberPage",
    central_models.Reservation: "ReservationOut",
    central_models.SealedPersonalisation: "PersonalisationOut",
    central_models.Refusal: "BusinessErrorBody",
}


def _schemas() -> dict[str, dict[str, object]]:
    document = json.loads((REPO / "central" / "openapi.json").read_text(encoding="utf-8"))
    schemas: dict[str, dict[str, object]] = document["components"]["schemas"]
    return schemas


@pytest.mark.parametrize("model", list(CONTRACT), ids=lambda m: m.__name__)
def test_model_matches_central_schema(model: type[BaseModel]) -> None:
    schema = _schemas()[CONTRACT[model]]
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert set(model.model_fields) == set(properties)
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required <= set(schema.get("required", []))  # type: ignore[arg-type]


def test_every_model_of_the_module_is_in_the_contract() -> None:
    models = {
        value
        for value in vars(central_models).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == central_models.__name__
        and not value.__name__.startswith("_")
    }
    assert models == set(CONTRACT)


class _Canned(BaseHTTPRequestHandler):
    """Answers every request with the status and body the test put on the server."""

    def do_GET(self) -> None:
        server = self.server
        status, body = server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815 (http.server dispatches on this name)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def canned() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Canned)
    server.answer = (200, b"{}")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _api(server: HTTPServer) -> CentralApi:
    host, port = server.server_address[:2]
    return CentralApi(f"http://{host!s}:{port}", "K1", "token-one", timeout_s=2)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (200, b"not json", "not JSON"),
        (200, b"[]", "malformed answer"),
        (200, b'{"msisdn": "13800138000"}', "malformed answer"),
        (200, b'{"msisdn": 1, "owner_name_masked": "x", "balance_fen": "many"}', "malformed"),
        (500, b"boom", "HTTP 500"),
        (502, b"", "HTTP 502"),
        (408, b"", "HTTP 408"),
    ],
)
def test_bad_answers_are_unavailable(
    canned: HTTPServer, status: int, body: bytes, problem: str
) -> None:
    canned.answer = (status, body)  # type: ignore[attr-defined]
    with pytest.raises(CentralUnavailable) as unavailable:
        _api(canned).balance("session")
    assert problem in str(unavailable.value)


@pytest.mark.timeout(30)
def test_refusal_without_central_body_is_a_generic_refusal(canned: HTTPServer) -> None:
    canned.answer = (422, b'{"detail": [{"loc": ["body"], "msg": "bad"}]}')  # type: ignore[attr-defined]
    with pytest.raises(CentralRefused) as refused:
        _api(canned).balance("session")
    assert refused.value.code == "error.central_refused"
    assert refused.value.status == 422


@pytest.mark.timeout(30)
@pytest.mark.parametrize("code", sorted(PROTOCOL_CODES))
def test_a_refusal_of_the_request_itself_is_a_generic_refusal(
    canned: HTTPServer, code: str
) -> None:
    """Central's refusals of the request (credentials, shape, size) have codes no screen has a
    text for: the customer sees the generic refusal, whatever the code."""
    body = {"detail": "refused", "code": code, "data": {"errors": []}}
    canned.answer = (401 if code.startswith("auth.") else 422, json.dumps(body).encode())  # type: ignore[attr-defined]
    with pytest.raises(CentralRefused) as refused:
        _api(canned).balance("session")
    assert refused.value.code == "error.central_refused"


@pytest.mark.timeout(30)
def test_refusal_carries_code_and_data(canned: HTTPServer) -> None:
    body = {"detail": "wrong", "code": "auth.wrong_password", "data": {"attempts_left": 2}}
    canned.answer = (401, json.dumps(body).encode())  # type: ignore[attr-defined]
    with pytest.raises(CentralRefused) as refused:
        _api(canned).login_password("13800138000", "000000")
    assert refused.value.message_key == "auth.wrong_password"
    assert refused.value.data == {"attempts_left": 2}


@pytest.mark.timeout(30)
def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = CentralApi(f"http://127.0.0.1:{port}", "K1", "token-one", timeout_s=1)
    with pytest.raises(CentralUnavailable):
        api.catalogue()


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        ("SimSaleV1", sim_sale.sale_body("t1", {"reservation_id": "r", "iccid": "8986",
                                                 "plan_code": "P38", "paid_fen": 0}, NOW)),
        ("SimSaleV1", sim_sale.sale_body("t1", {"reservation_id": "r", "iccid": "8986",
                                                 "plan_code": "P38", "paid_fen": 0,
                                                 "signature": "c2lnbg=="}, NOW)),
        ("SimReplacementV1", sim_replacement.replacement_body("t1", "13800138000", "o", "8986",
                                                              NOW)),
        ("SimReplacementV1", sim_replacement.replacement_body("t1", "13800138000", "o", "8986",
                                                              NOW, fee_fen=2000, paid_fen=5000,
                                                              method="cash")),
        ("VoucherV1", vouchers.voucher_entry(
            kiosk_id="K1", txn_id="t1", event_kind=vouchers.SIM_SALE, flow=sim_sale.FLOW_NAME,
            payload={"amount_fen": 5000, "reason": "sim.write_failed"}, at=NOW,
            msisdn_masked=vouchers.masked_msisdn({"msisdn": "13800138000"})).outbox[-1].body),
        ("VoucherV1", vouchers.voucher_entry(
            kiosk_id="K1", txn_id="t1", event_kind=vouchers.CASH_STACKED, flow="topup.cash",
            payload={"amount_fen": 5000, "reason": "stacked_across_restart"}, at=NOW,
            recovered=True, tag="7").outbox[-1].body),
    ],
    ids=["sale", "sale_signed", "replacement", "replacement_paid", "voucher", "voucher_stacked"],
)  # fmt: skip
def test_sync_bodies_match_central_schema(schema: str, body: dict[str, object]) -> None:
    """What the kiosk queues for central has exactly the fields central's item kind takes."""
    properties = _schemas()[schema]["properties"]
    assert isinstance(properties, dict)
    assert set(body) <= set(properties)
    assert set(_schemas()[schema].get("required", [])) <= set(body)  # type: ignore[arg-type]


def test_number_search_takes_the_query_central_publishes() -> None:
    """CentralApi.numbers' keyword arguments are GET /v1/numbers' query parameters."""
    document = json.loads((REPO / "central" / "openapi.json").read_text(encoding="utf-8"))
    parameters = document["paths"]["/v1/numbers"]["get"]["parameters"]
    published = {p["name"] for p in parameters if p["in"] == "query"}
    arguments = set(inspect.signature(CentralApi.numbers).parameters) - {"self"}
    assert arguments == published
    assert {"suffix", "min_price_fen"} <= arguments


def test_heartbeat_body_matches_central_schema() -> None:
    """The heartbeat the kiosk sends, with every optional figure filled, has only fields the
    committed document's HeartbeatRequest (and its queue and error schemas) takes, and all
    the required ones; the optional figures are optional, so older kiosks stay valid."""
    snapshot = HealthSnapshot(
        software_version="1.2.3",
        out_of_service_reason=None,
        devices={"printer": HEALTH_OK},
        queue=QueueFigures(1, 0, 2.5, last_success_at=1_700_000_000.0),
        cash_box={10000: 2},
        services={"topup_cash": {"started": 1, "completed": 1}},
        disk_free_bytes=10,
        disk_total_bytes=100,
        uptime_s=12.7,
        error_reports=(ErrorReport(1_700_000_000.0, "printer.offline", "ERROR printer"),),
    )
    place = {"region": "华南", "city": "广州", "hall": "天河营业厅", "location": "入口左侧"}
    body = wire_body(snapshot, NOW, 60, ["c1"], place)
    schemas = _schemas()
    for schema, part in (
        ("HeartbeatRequest", body),
        ("QueueState", body["queue"]),
        ("ErrorReport", body["last_errors"][0]),
    ):
        properties = schemas[schema]["properties"]
        assert isinstance(properties, dict)
        assert set(part) == set(properties), schema
        assert set(schemas[schema].get("required", [])) <= set(part)  # type: ignore[arg-type]
    optional = {"uptime_s", "disk_free_bytes", "disk_total_bytes", "last_errors", "services"}
    optional |= set(place)  # where the kiosk stands: a kiosk may not say
    assert not optional & set(schemas["HeartbeatRequest"]["required"])  # type: ignore[operator]
    assert "last_success_at" not in schemas["QueueState"]["required"]  # type: ignore[operator]


def test_the_retry_for_an_older_central_leaves_the_place_out() -> None:
    """GIVEN a heartbeat with the kiosk's place WHEN central is older than the place (422 on
    unknown fields) THEN the retry's body has none of it, as for the other optional figures."""
    from kiosk.health_reporter import legacy_body

    snapshot = HealthSnapshot(
        software_version="1.2.3",
        out_of_service_reason=None,
        devices={"printer": HEALTH_OK},
        queue=QueueFigures(0, 0, 0.0),
        cash_box={},
    )
    place = {"region": "华南", "city": "广州", "hall": "天河营业厅", "location": "入口左侧"}
    body = wire_body(snapshot, NOW, 60, [], place)
    assert set(place) <= set(body)
    assert not set(place) & set(legacy_body(body))
