"""central on PostgreSQL with two instances (processes) on one database, under concurrent
kiosks: no balance lost, no bill settled twice, every transaction recorded once; attempt
limits that hold however many tries arrive at once, whichever instance they reach.

Short in `make test`; `make soak` (KIOSK_SOAK=1) runs many more rounds.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from central.db import Storage, open_storage, utcnow
from central.kiosk_registry import add_missing
from central.seed import seed_demo
from central.server import READY_PREFIX
from tests.central.conftest import OPS_TOKEN
from tests.central.money_race import Race, kiosk_ids, prepare_lines, read_books
from tests.central.postgres import postgres_server

pytestmark = pytest.mark.timeout(600)

REPO = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("KIOSK_SOAK") == "1"
KIOSKS = kiosk_ids(20)
ZHANG = "13800138000"


@contextlib.contextmanager
def central_instances(db_url: str, count: int) -> Iterator[list[str]]:
    """`count` central processes serving one database, each started as deployed
    (`python -m central serve`, secrets in the environment); their base URLs."""
    env = {**os.environ, "CENTRAL_DB": db_url, "CENTRAL_OPS_TOKEN": OPS_TOKEN}
    command = [sys.executable, "-m", "central", "serve", "--port", "0", "--log-level", "warning"]
    procs = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    try:
        urls = []
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # blocks until the ready line (or the process ends)
            assert line.startswith(READY_PREFIX), f"central did not start: {line!r}"
            urls.append(line[len(READY_PREFIX) :].strip())
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[Storage, list[str]]]:
    """A PostgreSQL database with the demo data and 20 kiosks, served by two instances."""
    with postgres_server() as url:
        storage = open_storage(url, migrate=True)
        try:
            add_missing(storage, KIOSKS)
            seed_demo(storage, utcnow())
            with central_instances(url, 2) as urls:
                yield storage, urls
        finally:
            storage.close()


def test_money_is_never_lost_with_two_instances_and_twenty_kiosks(
    pg: tuple[Storage, list[str]],
) -> None:
    """GIVEN two central processes on one PostgreSQL and 20 kiosks delivering top-ups and bill
    payments to the same 8 lines — distinct, repeated, overlapping and doubly-sent batches —
    while other kiosks replace those lines' SIMs (crediting the excess) and sell new lines
    WHEN they have all finished
    THEN every answer was a success (2xx) with no conflict or refusal, every transaction is recorded
    exactly once, no month is settled twice, and for every line the balance equals its opening
    balance plus its ledger."""
    storage, urls = pg
    lines = prepare_lines(storage, 8, seed=17)
    tally = Race(urls, KIOSKS, lines, rounds=60 if SOAK else 6, seed=17).run()
    assert all(200 <= status < 300 for status in tally.http), tally.failures
    assert set(tally.sync) <= {"accepted", "duplicate"}, tally.failures
    books = read_books(storage, lines)
    sent_txns = {txn for _kiosk, txn in tally.sent}
    assert {t: n for t, n in books.recorded_txns.items() if t in sent_txns and n != 1} == {}
    assert sent_txns <= set(books.recorded_txns)
    assert books.months_settled_twice == []
    assert books.bills_flag_wrong == []
    differences = {
        msisdn: (books.balance[msisdn], expected)
        for msisdn, expected in books.expected.items()
        if books.balance[msisdn] != expected
    }
    assert differences == {}
    assert len(books.expected) > len(lines) or not tally.sent  # sales did open new lines


def _at_once(count: int, call: Callable[[int], requests.Response]) -> list[requests.Response]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def _post(urls: list[str], n: int, path: str, body: Any) -> requests.Response:
    kiosk = sorted(KIOSKS)[n % len(KIOSKS)]
    headers = {"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {KIOSKS[kiosk]}"}
    return requests.post(urls[n % len(urls)] + path, json=body, headers=headers, timeout=120)


def _codes(replies: list[requests.Response]) -> Counter[str]:
    return Counter(r.json().get("code", str(r.status_code)) for r in replies)


def test_of_100_concurrent_wrong_passwords_at_most_the_limit_are_evaluated(
    pg: tuple[Storage, list[str]],
) -> None:
    """GIVEN 100 wrong service passwords for one number at once, spread over both instances
    THEN at most 4 are answered 'wrong' (the 5th locks), all others are refused as locked,
    and the right password right after is refused too: the number is locked."""
    _storage, urls = pg
    wrong = {"msisdn": ZHANG, "password": "999999"}
    codes = _codes(_at_once(100, lambda n: _post(urls, n, "/v1/customer/login/password", wrong)))
    assert codes["auth.wrong_password"] <= 4, codes
    assert codes["auth.locked"] >= 96, codes
    assert set(codes) <= {"auth.wrong_password", "auth.locked"}, codes
    right = _post(urls, 0, "/v1/customer/login/password", {**wrong, "password": "123456"})
    assert right.status_code == 423, right.text


def test_of_100_concurrent_foreign_id_cards_at_most_the_limit_are_evaluated(
    pg: tuple[Storage, list[str]],
) -> None:
    _storage, urls = pg
    li_si = {"id_number": "11010519491231002X", "name": "李四", "valid_until": "2036-01-01"}
    wrong = {**li_si, "msisdn": "13700137000"}
    codes = _codes(_at_once(100, lambda n: _post(urls, n, "/v1/customer/login/id-card", wrong)))
    assert codes["auth.not_owner"] <= 4, codes
    assert set(codes) <= {"auth.not_owner", "auth.id_card_locked"}, codes


def test_one_sms_code_a_minute_and_three_tries_per_code_at_any_concurrency(
    pg: tuple[Storage, list[str]],
) -> None:
    """GIVEN 30 requests for a login code for one number at once THEN exactly one code is sent;
    GIVEN 30 wrong codes for it at once THEN exactly 3 are compared, the rest find it spent."""
    _storage, urls = pg
    number = "13900139000"
    sends = _at_once(
        30, lambda n: _post(urls, n, "/v1/customer/login/sms-code", {"msisdn": number})
    )
    codes = _codes(sends)
    accepted = [r for r in sends if r.status_code == 202]
    assert len(accepted) == 1, codes
    assert sum(1 for r in sends if r.status_code == 429) == 29
    challenge = accepted[0].json()["challenge_id"]
    kiosk_of = sorted(KIOSKS)[sends.index(accepted[0]) % len(KIOSKS)]

    def guess(n: int) -> requests.Response:
        headers = {"X-Kiosk-Id": kiosk_of, "Authorization": f"Bearer {KIOSKS[kiosk_of]}"}
        body = {"challenge_id": challenge, "code": f"{n:06d}"}
        return requests.post(
            urls[n % 2] + "/v1/customer/login/sms", json=body, headers=headers, timeout=60
        )

    tries = _codes(_at_once(30, guess))
    assert tries["sms.wrong_code"] + tries.get("200", 0) <= 3, tries
    assert tries["sms.used"] >= 27, tries


def test_ten_kiosks_holding_numbers_for_one_person_at_once_stay_within_the_line_limit(
    pg: tuple[Storage, list[str]],
) -> None:
    """GIVEN 李四 (one line) checked at 10 kiosks, each holding a different number at the same
    moment on either instance THEN exactly 4 holds succeed (1 + 4 = the 5-line limit)."""
    _storage, urls = pg
    card = {"id_number": "11010519491231002X", "name": "李四", "valid_from": "2016-05-01",
            "valid_until": "2036-01-01"}  # fmt: skip
    checks = [_post(urls, n, "/v1/realname/checks", card) for n in range(10)]
    assert all(c.status_code == 201 for c in checks), [c.text for c in checks]
    kiosk = sorted(KIOSKS)[0]
    page = requests.get(
        urls[0] + "/v1/numbers",
        params={"page_size": 10, "page": 3},
        headers={"X-Kiosk-Id": kiosk, "Authorization": f"Bearer {KIOSKS[kiosk]}"},
        timeout=60,
    ).json()["numbers"]

    def hold(n: int) -> requests.Response:
        path = f"/v1/numbers/{page[n]['msisdn']}/reservation"
        return _post(urls, n, path, {"check_id": checks[n].json()["check_id"]})

    codes = _codes(_at_once(10, hold))
    assert codes == Counter({"201": 4, "realname.too_many_lines": 6}), codes
