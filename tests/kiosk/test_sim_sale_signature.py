"""The SIM sale's signed agreement: the strokes' compact serialisation, the signature sealed at
rest (in the sale's journalled data and in the outbox) and sent to the reference central with
sim_sale.v1, purged once central has it; no signature, as before."""

from __future__ import annotations

import base64
import os
import sqlite3
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from central.business_db import SignedAgreement
from kiosk.errors import FlowError
from kiosk.flows import sim_sale
from kiosk.flows.signature import (
    MAX_SIGNATURE_BYTES,
    SignatureError,
    decode_strokes,
    encode_strokes,
)
from kiosk.flows.sim_sale import SimSaleFlow, State
from kiosk.recovery import recover
from offline_queue import FieldSealer, HttpBatchSender, OutboxStore, SyncWorker
from tests.central.conftest import KIOSKS, Central
from tests.kiosk.fakes import crash_after
from tests.kiosk.test_sim_replacement import zhang_san
from tests.kiosk.test_sim_sale import NOW, TODAY, Rig, _pay, _priced_number, rig  # noqa: F401

pytestmark = pytest.mark.timeout(60)
STROKES = [[(0.1, 0.2), (0.15, 0.25), (0.3, 0.22)], [(0.5, 0.5)], [(0.6, 0.4), (0.9, 0.8)]]


@pytest.fixture
def signed(rig: Rig) -> tuple[Rig, FieldSealer]:  # noqa: F811
    sealer = FieldSealer(os.urandom(32))
    rig.context = replace(rig.context, sealer=sealer)
    rig.flow = SimSaleFlow(rig.context)
    return rig, sealer


def _to_agreement(rig: Rig) -> int:  # noqa: F811
    rig.flow.check_identity(zhang_san(), TODAY)
    return rig.flow.reserve(_priced_number(rig.flow)).price_fen


def _raw_rows(rig: Rig) -> str:  # noqa: F811
    """Everything the kiosk's database holds, as text (journal, txn data, outbox)."""
    with sqlite3.connect(rig.journal.path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        text = repr([conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables])  # noqa: S608
    conn.close()
    return text


def _deliver(rig: Rig, central: Central, sealer: FieldSealer) -> list[Any]:  # noqa: F811
    store = OutboxStore(rig.journal.path, sealer)
    try:
        SyncWorker(store, HttpBatchSender(central.url, "K1", KIOSKS["K1"])).run_once()
        keys = [p["outbox_key"] for _, _, _, p in rig.journal.events() if "outbox_key" in p]
        return [store.get(key) for key in keys]
    finally:
        store.close()


def test_strokes_serialise_compactly_and_back() -> None:
    data = encode_strokes(STROKES)
    assert data.startswith(b'{"v":1,"scale":1000,"strokes":[[100,200,150,250,300,220]')
    assert len(data) < 100
    back = decode_strokes(data)
    assert len(back) == 2  # the one-point tap is no line of a signature
    assert back[0][1] == pytest.approx((0.15, 0.25))
    assert encode_strokes([[(-1.0, 2.0), (0.5, 0.5)]]).count(b"0,1000,500,500") == 1  # clamped
    with pytest.raises(SignatureError):
        encode_strokes([[(0.5, 0.5)]])
    with pytest.raises(SignatureError):
        decode_strokes(b"scribble")


def test_a_signed_sale_sends_the_signature_sealed_and_purges_it(
    signed: tuple[Rig, FieldSealer], central: Central
) -> None:
    """GIVEN a customer who signs the agreement on screen WHEN the sale completes THEN the
    signature never lies in the kiosk's database in the clear (sealed in the sale's data and
    in the outbox), central stores exactly the bytes signed, and once central has them the
    outbox's copy is purged and the finished sale keeps none."""
    sale, sealer = signed
    signature = encode_strokes(STROKES)
    plain_b64 = base64.b64encode(signature).decode()
    price = _to_agreement(sale)
    sale.flow.accept_agreement(signature)
    assert sale.flow.state is State.AGREED
    [agreed] = [p for _, _, k, p in sale.journal.events(sale.flow.txn_id) if k == "sim_sale.agreed"]
    assert agreed == {"signed": True, "signature_bytes": len(signature)}
    record = sale.journal.transaction(sale.flow.txn_id)
    assert record is not None
    assert str(record.data["signature"]).startswith("sealed:v1:")
    _pay(sale, price)
    sale.flow.finish_payment()
    sale.flow.issue()
    text = _raw_rows(sale)
    assert plain_b64 not in text
    assert signature.decode() not in text
    record = sale.journal.transaction(sale.flow.txn_id)
    assert record is not None
    assert "signature" not in record.data  # the finished sale keeps none
    [item] = _deliver(sale, central, sealer)
    assert item.state == "acked"
    assert item.body["signature"] == "purged"
    with central.storage.sessions() as session:
        [agreement] = session.scalars(select(SignedAgreement)).all()
        assert agreement.signature == signature
        assert agreement.txn_id == sale.flow.txn_id


def test_without_a_signature_the_sale_is_as_before(
    signed: tuple[Rig, FieldSealer], central: Central
) -> None:
    sale, sealer = signed
    price = _to_agreement(sale)
    sale.flow.accept_agreement()
    _pay(sale, price)
    sale.flow.finish_payment()
    sale.flow.issue()
    [item] = _deliver(sale, central, sealer)
    assert item.state == "acked"
    assert "signature" not in item.body
    with central.storage.sessions() as session:
        assert session.scalars(select(SignedAgreement)).all() == []


def test_a_signature_is_refused_when_it_cannot_be_kept_or_is_no_signature(
    rig: Rig,  # noqa: F811
) -> None:
    _to_agreement(rig)
    with pytest.raises(FlowError) as no_key:  # the rig's context has no sealer
        rig.flow.accept_agreement(b'{"v":1}')
    assert no_key.value.message_key == "sim.signature_not_kept"
    sealed_context = replace(rig.context, sealer=FieldSealer(os.urandom(32)))
    flow = SimSaleFlow(sealed_context)
    flow.check_identity(zhang_san(), TODAY)
    flow.reserve(_priced_number(flow))
    for bad in (b"", b"x" * (MAX_SIGNATURE_BYTES + 1)):
        with pytest.raises(FlowError) as invalid:
            flow.accept_agreement(bad)
        assert invalid.value.message_key == "sim.signature_invalid"
    assert flow.state is State.RESERVED
    flow.accept_agreement(b"x" * MAX_SIGNATURE_BYTES)  # the largest fits in one outbox item
    assert flow.state is State.AGREED


def test_cancelled_sale_keeps_no_signature(signed: tuple[Rig, FieldSealer]) -> None:
    sale, _sealer = signed
    _to_agreement(sale)
    sale.flow.accept_agreement(encode_strokes(STROKES))
    sale.flow.cancel()
    record = sale.journal.transaction(sale.flow.txn_id)
    assert record is not None
    assert record.state == "cancelled"
    assert "signature" not in record.data


def test_recovered_sale_still_sends_the_signature(
    signed: tuple[Rig, FieldSealer], central: Central
) -> None:
    """GIVEN the kiosk died as the signed card was dispensed WHEN it boots THEN the sale is
    finished at central with the signature, which the closed sale no longer keeps."""
    sale, sealer = signed
    signature = encode_strokes(STROKES)
    price = _to_agreement(sale)
    sale.flow.accept_agreement(signature)
    _pay(sale, price)
    sale.flow.finish_payment()
    with crash_after(sale.journal, "sim.dispensing"), pytest.raises(SystemExit):
        sale.flow.issue()
    sale.router.attach(None)
    [action] = recover(sale.journal, NOW)
    assert action.action == "completed"
    record = sale.journal.transaction(sale.flow.txn_id)
    assert record is not None
    assert "signature" not in record.data
    [item] = _deliver(sale, central, sealer)
    assert (item.kind, item.state) == (sim_sale.OUTBOX_KIND, "acked")
    with central.storage.sessions() as session:
        [agreement] = session.scalars(select(SignedAgreement)).all()
        assert agreement.signature == signature
