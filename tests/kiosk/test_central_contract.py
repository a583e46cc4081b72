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

from kiosk import central_models
from kiosk.central_api import CentralApi
from kiosk.errors import CentralRefused, CentralUnavailable
from kiosk.flows import sim_replacement, sim_sale
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
    ],
    ids=["sale", "sale_signed", "replacement", "replacement_paid"],
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
