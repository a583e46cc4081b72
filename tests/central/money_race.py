"""A money workload of many kiosks against central instances at once, and the books it must
leave behind: for every line, balance = opening balance + the sum of its ledger.

Kiosks deliver top-ups and bill payments to a small set of lines (so they collide), in
distinct batches, the same batch again (a lost answer), overlapping batches (a retry that
picked up new items), and the same batch from two threads at once; some kiosks replace SIMs
(paying more than the fee: the excess is credited) and sell new lines meanwhile. Each request
goes to a randomly chosen instance, as behind a load balancer.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from central.business_db import (
    Account,
    AccountEvent,
    Bill,
    BillPayment,
    PoolNumber,
    ResidentRecord,
)
from central.db import Storage, Topup
from central.identity import check_character, keyed_hash, mask
from central.secrets_store import ID_HASH_KEY, hash_password, server_key
from tests.central.business_client import KioskKey

OPENING = "2026-11-22T10:00:00+08:00"
OWNER_NAME = "赵六"
OWNER_ID = "11010119700101003" + check_character("11010119700101003")
SELLERS = tuple(
    (f"孙{n}", f"110101198002{n:02d}123" + check_character(f"110101198002{n:02d}123"))
    for n in range(1, 9)
)


def kiosk_ids(count: int) -> dict[str, str]:
    return {f"R{n:02d}": f"race-token-{n:02d}" for n in range(1, count + 1)}


@dataclass(frozen=True)
class Line:
    msisdn: str
    opening_fen: int


def prepare_lines(storage: Storage, count: int, seed: int) -> list[Line]:
    """`count` lines of one owner (赵六) with unpaid bills, and the residents who buy lines."""
    rng = random.Random(seed)
    lines = []
    now = datetime.now(UTC)
    with storage.sessions.begin() as session:
        key = server_key(session, ID_HASH_KEY)
        for name, number in ((OWNER_NAME, OWNER_ID), *SELLERS):
            session.add(ResidentRecord(id_hash=keyed_hash(number, key), name=name, status="normal"))
        for index in range(count):
            line = Line(f"1500000{index:04d}", rng.randrange(-5_000, 20_000))
            lines.append(line)
            session.add(
                Account(
                    msisdn=line.msisdn, owner_name=OWNER_NAME,
                    owner_id_hash=keyed_hash(OWNER_ID, key), owner_id_masked=mask(OWNER_ID),
                    balance_fen=line.opening_fen, plan_code="P38", status="active",
                    iccid=f"8986001100{index:09d}0", password_hash=hash_password("000000"),
                    failed_password_attempts=0, locked_until=None,
                    created_at=now - timedelta(days=30),
                )
            )  # fmt: skip
            session.flush()
            for month in ("2026-08", "2026-09", "2026-10"):
                session.add(
                    Bill(
                        msisdn=line.msisdn, month=month, items_json="[]",
                        total_fen=rng.randrange(1_000, 9_000), paid=False,
                    )
                )  # fmt: skip
    return lines


@dataclass
class Tally:
    """What the kiosks saw: every answer's HTTP status and sync status, and what was sent."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    http: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    sync: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (kiosk, txn)
    failures: list[str] = field(default_factory=list)

    def note_http(self, status: int, text: str) -> None:
        with self.lock:
            self.http[status] += 1
            if not 200 <= status < 300 and len(self.failures) < 20:
                self.failures.append(f"HTTP {status}: {text[:300]}")


@dataclass
class Race:
    urls: Sequence[str]
    kiosks: dict[str, str]
    lines: list[Line]
    rounds: int
    seed: int
    sellers: int = 2
    swappers: int = 2
    tally: Tally = field(default_factory=Tally)

    def run(self) -> Tally:
        threads = []
        for n, kiosk in enumerate(sorted(self.kiosks)):
            role = (
                "sell" if n < self.sellers else "swap" if n < self.sellers + self.swappers else ""
            )
            threads.append(threading.Thread(target=self._kiosk, args=(kiosk, n, role), name=kiosk))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        assert not any(t.is_alive() for t in threads), "a kiosk is still running"
        return self.tally

    # --- one kiosk ------------------------------------------------------------------------

    def _post(
        self, kiosk: str, rng: random.Random, path: str, body: Any, session: str | None = None
    ) -> requests.Response:
        headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {self.kiosks[kiosk]}"}
        if session:
            headers["X-Customer-Session"] = session
        return requests.post(rng.choice(self.urls) + path, json=body, headers=headers, timeout=60)

    def _sync(self, kiosk: str, rng: random.Random, items: list[dict[str, Any]]) -> None:
        reply = self._post(kiosk, rng, "/v1/sync", {"items": items})
        self.tally.note_http(reply.status_code, reply.text)
        if reply.status_code != 200:
            return
        with self.tally.lock:
            for result in reply.json()["results"]:
                self.tally.sync[result["status"]] += 1
                if result["status"] in ("conflict", "rejected") and len(self.tally.failures) < 20:
                    self.tally.failures.append(f"{kiosk} {result}")

    def _money_item(self, kiosk: str, rng: random.Random, serial: int) -> dict[str, Any]:
        txn = f"{kiosk}-{serial}"
        unknown = rng.random() < 0.05
        msisdn = "15999999999" if unknown else rng.choice(self.lines).msisdn
        amount = rng.randrange(100, 9_000)
        if rng.random() < 0.6:
            kind = "topup.v1"
            body: dict[str, Any] = {
                "txn_id": txn, "msisdn": msisdn, "amount_fen": amount, "currency": "CNY",
                "method": rng.choice(("cash", "card")), "created_at": OPENING, "offline": False,
            }  # fmt: skip
        else:
            kind = "bill_payment.v1"
            body = {
                "txn_id": txn, "msisdn": msisdn, "amount_fen": amount, "currency": "CNY",
                "method": "cash", "months": [], "created_at": OPENING, "offline": False,
            }  # fmt: skip
        with self.tally.lock:
            self.tally.sent[(kiosk, txn)] = {"kind": kind, **body}
        return {"key": uuid.uuid4().hex, "kind": kind, "body": body}

    def _kiosk(self, kiosk: str, index: int, role: str) -> None:
        rng = random.Random(self.seed * 1000 + index)
        serial = 0
        previous: list[dict[str, Any]] = []
        for _ in range(self.rounds):
            batch = []
            for _ in range(rng.randrange(1, 9)):
                serial += 1
                batch.append(self._money_item(kiosk, rng, serial))
            shape = rng.random()
            if shape < 0.25 and previous:  # overlapping: a retry that picked up new items
                batch = previous[: rng.randrange(1, len(previous) + 1)] + batch
            self._sync(kiosk, rng, batch)
            if shape > 0.8:  # the answer was lost: the same batch again
                self._sync(kiosk, rng, batch)
            elif 0.7 < shape <= 0.8:  # a retry racing the first delivery
                twin = threading.Thread(target=self._sync, args=(kiosk, random.Random(), batch))
                twin.start()
                self._sync(kiosk, rng, batch)
                twin.join(120)
            previous = batch
            if role == "swap":
                self._swap(kiosk, rng, serial)
            elif role == "sell":
                self._sell(kiosk, rng, serial, index)

    def _swap(self, kiosk: str, rng: random.Random, serial: int) -> None:
        """An ID-card session on a contested line, a replacement card, the swap paid with
        more than its fee (the excess credited), delivered while top-ups hit the same line."""
        msisdn = rng.choice(self.lines).msisdn
        card = {"id_number": OWNER_ID, "name": OWNER_NAME, "msisdn": msisdn,
                "valid_until": "2036-01-01"}  # fmt: skip
        login = self._post(kiosk, rng, "/v1/customer/login/id-card", card)
        self.tally.note_http(login.status_code, login.text)
        if login.status_code != 200:
            return
        token = login.json()["session_token"]
        sealed = self._post(
            kiosk, rng, "/v1/customer/sim-replacement",
            {"kiosk_public_key": KioskKey().public_b64}, session=token,
        )  # fmt: skip
        self.tally.note_http(sealed.status_code, sealed.text)
        if sealed.status_code != 200:
            return
        order = sealed.json()
        fee, paid = 1_000, rng.randrange(1_000, 5_000)
        txn = f"{kiosk}-swap-{serial}"
        body = {
            "txn_id": txn, "msisdn": msisdn, "order_id": order["order_id"],
            "iccid": order["iccid"], "fee_fen": fee, "method": "cash", "paid_fen": paid,
            "created_at": OPENING,
        }  # fmt: skip
        with self.tally.lock:
            self.tally.sent[(kiosk, txn)] = {"kind": "sim_replacement.v1", **body}
        self._sync(kiosk, rng, [{"key": uuid.uuid4().hex, "kind": "sim_replacement.v1",
                                 "body": body}])  # fmt: skip

    def _sell(self, kiosk: str, rng: random.Random, serial: int, index: int) -> None:
        """A real-name check, a number reserved (sellers contend for the same few), its card,
        and the sale delivered; the new line's balance is what was paid beyond the fee."""
        name, number = SELLERS[index % len(SELLERS)]
        check = self._post(
            kiosk, rng, "/v1/realname/checks",
            {"id_number": number, "name": name, "valid_from": "2020-01-01",
             "valid_until": "2040-01-01"},
        )  # fmt: skip
        if check.status_code == 409:  # this person's 5 lines are open: nothing to sell
            return
        self.tally.note_http(check.status_code, check.text)
        if check.status_code != 201:
            return
        headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {self.kiosks[kiosk]}"}
        page = requests.get(
            rng.choice(self.urls) + "/v1/numbers", params={"page_size": 5}, headers=headers,
            timeout=60,
        ).json()  # fmt: skip
        choice = rng.choice(page["numbers"])
        held = self._post(
            kiosk, rng, f"/v1/numbers/{choice['msisdn']}/reservation",
            {"check_id": check.json()["check_id"]},
        )  # fmt: skip
        if held.status_code == 409:  # another seller took it first: that is the race
            return
        self.tally.note_http(held.status_code, held.text)
        if held.status_code != 201:
            return
        reservation = held.json()["reservation_id"]
        sealed = self._post(
            kiosk, rng, f"/v1/reservations/{reservation}/personalisation",
            {"kiosk_public_key": KioskKey().public_b64},
        )  # fmt: skip
        self.tally.note_http(sealed.status_code, sealed.text)
        if sealed.status_code != 200:
            return
        txn = f"{kiosk}-sale-{serial}"
        body = {
            "txn_id": txn, "reservation_id": reservation, "iccid": sealed.json()["iccid"],
            "plan_code": "P38", "paid_fen": choice["price_fen"] + rng.randrange(0, 5_000),
            "method": "cash", "created_at": OPENING,
        }  # fmt: skip
        with self.tally.lock:
            self.tally.sent[(kiosk, txn)] = {"kind": "sim_sale.v1", **body}
        self._sync(kiosk, rng, [{"key": uuid.uuid4().hex, "kind": "sim_sale.v1", "body": body}])


@dataclass(frozen=True)
class Books:
    """Per line: the balance central holds, and opening + ledger."""

    balance: dict[str, int]
    expected: dict[str, int]
    months_settled_twice: list[tuple[str, str]]
    bills_flag_wrong: list[tuple[str, str]]
    recorded_txns: dict[str, int]  # txn_id → rows recorded for it (must be 1 each)


def read_books(storage: Storage, lines: list[Line]) -> Books:
    """The ledger of every line from the business records: credited top-ups, bill payments
    less the months they settled, SIM replacements' excess over the fee, a sale's opening."""
    expected: dict[str, int] = {line.msisdn: line.opening_fen for line in lines}
    settled: dict[tuple[str, str], int] = defaultdict(int)
    recorded: dict[str, int] = defaultdict(int)
    with storage.sessions() as session:
        bills = {(b.msisdn, b.month): b for b in session.scalars(select(Bill))}
        balance = {a.msisdn: a.balance_fen for a in session.scalars(select(Account))}
        for event in session.scalars(
            select(AccountEvent).where(AccountEvent.kind.in_(("sim_sale", "sim_replacement")))
        ):
            detail = json.loads(event.detail_json)
            recorded[detail["txn_id"]] += 1
            if event.kind == "sim_sale":
                expected.setdefault(event.msisdn, 0)
            elif "paid_fen" in detail:
                expected[event.msisdn] += detail["paid_fen"] - detail["amount_fen"]
        for topup in session.scalars(select(Topup)):
            recorded[topup.txn_id] += 1
            if topup.msisdn in expected:
                expected[topup.msisdn] += topup.amount_fen
        for payment in session.scalars(select(BillPayment)):
            recorded[payment.txn_id] += 1
            if payment.msisdn not in expected:
                continue
            months = json.loads(payment.months_json)
            expected[payment.msisdn] += payment.amount_fen - sum(
                bills[(payment.msisdn, m)].total_fen for m in months
            )
            for month in months:
                settled[(payment.msisdn, month)] += 1
        sales = session.execute(
            select(AccountEvent.msisdn, AccountEvent.detail_json).where(
                AccountEvent.kind == "sim_sale"
            )
        ).all()
        for msisdn, detail_json in sales:
            detail = json.loads(detail_json)
            number_fee = _number_fee(session, msisdn)
            expected[msisdn] += detail["amount_fen"] - number_fee
    twice = [key for key, count in settled.items() if count > 1]
    wrong = [
        key
        for key, bill in bills.items()
        if key[0] in {line.msisdn for line in lines} and bill.paid != (settled.get(key, 0) == 1)
    ]
    return Books(
        balance={m: balance[m] for m in expected},
        expected=expected,
        months_settled_twice=twice,
        bills_flag_wrong=wrong,
        recorded_txns=dict(recorded),
    )


def _number_fee(session: Session, msisdn: str) -> int:
    row = session.get(PoolNumber, msisdn)
    return int(row.price_fen) if row is not None else 0
