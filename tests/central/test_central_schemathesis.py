"""schemathesis against a live central: the committed OpenAPI document (central/openapi.json)
must describe what the server answers, for generated valid and invalid requests alike.

Every built-in check runs — not_a_server_error, status_code_conformance,
content_type_conformance, response_headers_conformance, response_schema_conformance,
positive_data_acceptance, negative_data_rejection, missing_required_header,
unsupported_method, allow_header_conformance, ignored_auth, use_after_free,
ensure_resource_availability, object_level_authorization (the last three only act in stateful
runs) — with two settings:

- positive_data_acceptance also expects the refusals a business route makes of well-formed
  input (a real-name check of an ID number whose check character fails is 422
  `realname.bad_check_character`, an expired code is 410, a locked number 423), and the 422 of
  a heartbeat whose disk_free_bytes exceeds disk_total_bytes (a rule the schema cannot state).
- strings carry no NUL (`allow-x00` off): central refuses NUL in every string (400, input
  policy), which JSON Schema cannot say per field; tests/central/test_central_input.py
  proves the refusal for every route instead.

Kiosk routes get K1's credentials (customer routes a fresh customer session too), ops
routes the ops token. The run is derandomized and
bounded (max-examples) so it is the same on every machine and stays well under 90 s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig

from tests.central.conftest import KIOSKS, OPS_TOKEN, run_central, sqlite_url
from tests.central.postgres import postgres_server
from tests.conftest import REPO

DOCUMENT = REPO / "central" / "openapi.json"
MAX_EXAMPLES = 20
# What positive_data_acceptance expects by default (schemathesis 4), plus what a business
# route answers to well-formed input it refuses for a business reason.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
BUSINESS_REFUSALS = ["410", "422", "423"]
BUSINESS_TAGS = ("business", "customer", "customer auth", "sim")
DEMO_MSISDN, DEMO_PASSWORD = "13800138000", "123456"  # central/seed.py's first account


def _config() -> SchemathesisConfig:
    business = {"expected-statuses": ACCEPTED + BUSINESS_REFUSALS}
    operations: list[dict[str, Any]] = [
        *(
            {"include-tag": tag, "checks": {"positive_data_acceptance": business}}
            for tag in BUSINESS_TAGS
        ),
        {
            "include-path": "/v1/heartbeat",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        },
    ]
    return SchemathesisConfig.from_dict(
        {
            "seed": 20261207,
            # Given as the document's security schemes, so schemathesis knows the credentials
            # are real: its negative cases (no Authorization header) are then sent without
            # them, and ignored_auth checks that such requests, and wrong tokens, are refused.
            "auth": {
                "openapi": {
                    "KioskToken": {"bearer": KIOSKS["K1"]},
                    "OpsToken": {"bearer": OPS_TOKEN},
                }
            },
            # FastAPI names the header parameter in lower case.
            "parameters": {"header.x-kiosk-id": "K1"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "allow-x00": False,
            },
            "operations": operations,
        }
    )


# Loaded eagerly (the committed document needs no server); the server's URL is given per call.
# (schemathesis.pytest.from_fixture reads pytest's private Item._nodeid, gone in pytest 9.)
schema = schemathesis.openapi.from_dict(
    json.loads(DOCUMENT.read_text(encoding="utf-8")), config=_config()
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A live central on SQLite, then on PostgreSQL (skipped where it is not installed)."""
    if request.param == "sqlite":
        with run_central(sqlite_url(Path(tmp_path_factory.mktemp("schemathesis")))) as central:
            yield central.url
        return
    with postgres_server() as db_url, run_central(db_url) as central:
        yield central.url


def _customer_session(case: Any, url: str) -> dict[str, str]:
    """On customer routes, a fresh session of the demo account (central/seed.py), so that
    generated requests reach the business code behind the login. The header is a plain
    optional string in the document: no generated case is undone by setting it."""
    if not any(p.name == "X-Customer-Session" for p in case.operation.headers):
        return {}
    login = requests.post(
        f"{url}/v1/customer/login/password",
        json={"msisdn": DEMO_MSISDN, "password": DEMO_PASSWORD},
        headers={"Authorization": f"Bearer {KIOSKS['K1']}", "X-Kiosk-Id": "K1"},
        timeout=10,
    )
    if login.status_code != 200:  # a generated wrong password may have locked the number
        return {}
    return {"X-Customer-Session": login.json()["session_token"]}


@pytest.mark.timeout(300)
@schema.parametrize()
def test_central_matches_its_openapi_document(case: Any, live_url: str) -> None:
    case.call_and_validate(base_url=live_url, headers=_customer_session(case, live_url))
