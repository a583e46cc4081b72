"""Demo data central seeds into an empty database: plans, accounts, six months of bills and
usage, invoices, a number pool, blank-SIM profiles and a small real-name registry.

Deterministic (a fixed random seed), relative to the day it runs, so the demo and the tests
always find last month's bill. The demo identities match the ID card simulator's
(drivers/idcard/simulator.py) so a simulated card can log in and buy a SIM end to end.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.business_db import (
    Account,
    AccountService,
    Bill,
    Invoice,
    Plan,
    PoolNumber,
    ResidentRecord,
    SimProfile,
    UsageRecord,
    ValueAddedService,
)
from central.db import Storage, schema_lock
from central.identity import check_character, keyed_hash, mask
from central.secrets_store import ID_HASH_KEY, hash_password, server_key

HISTORY_MONTHS = 6
RECORDS_PER_MONTH = 45
POOL_SIZE = 120
SIM_PROFILES = 60

PLANS = (
    # code, name_zh, name_en, monthly fee (fen), data MB, voice minutes, texts
    ("P38", "畅享38元套餐", "Basic 38", 3800, 10_240, 100, 50),
    ("P58", "畅享58元套餐", "Plus 58", 5800, 30_720, 300, 100),
    ("P128", "畅享128元套餐", "Premium 128", 12800, 102_400, 1000, 300),
    ("SENIOR18", "敬老18元套餐", "Senior 18", 1800, 2_048, 200, 50),
)
SERVICES = (
    ("CALLER_ID", "来电显示", "Caller ID", 0),
    ("RINGBACK", "彩铃", "Ringback tones", 500),
    ("DATA_PACK_5G", "5GB流量加油包", "5 GB data pack", 2000),
    ("ROAMING", "国际漫游", "International roaming", 0),
)


@dataclass(frozen=True)
class DemoPerson:
    name: str
    id_number: str
    status: str = "normal"


def _id(first17: str) -> str:
    return first17 + check_character(first17)


# The ID card simulator's "valid" (张三) and "for_life" (李四) cards; 王五 owns a line too.
ZHANG_SAN = DemoPerson("张三", "110101199003074477")
LI_SI = DemoPerson("李四", "11010519491231002X")
WANG_WU = DemoPerson("王五", _id("44030519851122301"))
BLOCKED = DemoPerson("钱七", _id("31010419770808123"), status="blocked")


@dataclass(frozen=True)
class DemoAccount:
    msisdn: str
    owner: DemoPerson
    password: str
    balance_fen: int
    plan: str
    services: tuple[str, ...]
    status: str = "active"


ACCOUNTS = (
    DemoAccount("13800138000", ZHANG_SAN, "123456", 5_000, "P58", ("CALLER_ID",)),
    DemoAccount("13900139000", LI_SI, "654321", 1_200, "SENIOR18", ("CALLER_ID", "RINGBACK")),
    DemoAccount("13700137000", WANG_WU, "112233", -350, "P38", (), status="suspended"),
)


def _month_starts(today: date, count: int) -> list[date]:
    """The first day of each of the `count` months before `today`'s month, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        starts.append(date(year, month, 1))
    return list(reversed(starts))


def _usage(rng: random.Random, msisdn: str, start: date) -> list[UsageRecord]:
    month = start.strftime("%Y-%m")
    rows = []
    for _ in range(RECORDS_PER_MONTH):
        kind = rng.choice(("voice", "voice", "sms", "data"))
        moment = datetime(start.year, start.month, 1, tzinfo=UTC) + timedelta(
            days=rng.randrange(28), seconds=rng.randrange(86_400)
        )
        peer = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        duration = rng.randrange(5, 1800) if kind == "voice" else 0
        volume = rng.randrange(100, 500_000) if kind == "data" else 0
        charge = {"voice": (duration // 60) * 15, "sms": 10, "data": 0}[kind]
        rows.append(
            UsageRecord(
                msisdn=msisdn,
                month=month,
                kind=kind,
                started_at=moment,
                direction="out" if kind == "data" else rng.choice(("out", "in")),
                peer="cmnet" if kind == "data" else peer,
                duration_s=duration,
                volume_kb=volume,
                charge_fen=charge,
            )
        )
    return rows


def _bill(account: DemoAccount, start: date, usage: list[UsageRecord], fee: int) -> Bill:
    extra = sum(row.charge_fen for row in usage if row.kind == "voice")
    texts = sum(row.charge_fen for row in usage if row.kind == "sms")
    items = [
        {"code": "plan", "name_zh": "套餐月费", "name_en": "Plan fee", "amount_fen": fee},
        {"code": "voice", "name_zh": "语音通话费", "name_en": "Voice calls", "amount_fen": extra},
        {"code": "sms", "name_zh": "短信费", "name_en": "Text messages", "amount_fen": texts},
    ]
    return Bill(
        msisdn=account.msisdn,
        month=start.strftime("%Y-%m"),
        items_json=json.dumps(items, ensure_ascii=False),
        total_fen=fee + extra + texts,
        paid=account.status == "active",
    )


def _luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _pool(rng: random.Random) -> list[PoolNumber]:
    numbers: dict[str, int] = {}
    while len(numbers) < POOL_SIZE:
        prefix = rng.choice(("186", "176", "185", "156"))
        tail = f"{rng.randrange(10**8):08d}"
        if len(numbers) % 10 == 0:  # some "lucky" numbers carry a fee
            tail = tail[:4] + rng.choice(("8888", "6666", "1688", "5188"))
        numbers[prefix + tail] = 10_000 if tail.endswith(("8888", "6666")) else 0
    return [PoolNumber(msisdn=n, price_fen=p) for n, p in sorted(numbers.items())]


def _sim_profiles(rng: random.Random) -> list[SimProfile]:
    rows = []
    for index in range(SIM_PROFILES):
        body = f"89860018{index:010d}"
        rows.append(
            SimProfile(
                iccid=body + _luhn_digit(body),
                imsi=f"46000{rng.randrange(10**10):010d}",
                ki_encrypted_hex=rng.randbytes(16).hex(),
                pin1="1234",
                puk1=f"{rng.randrange(10**8):08d}",
                state="free",
            )
        )
    return rows


def seed_demo(storage: Storage, now: datetime) -> bool:
    """Fill an empty database with the demo data; False (nothing done) if plans exist.

    Race-safe: the check and the inserts run under central's schema lock, so of two seeders
    started together one seeds and the other, let in after its commit, finds the plans."""
    rng = random.Random(20261122)  # noqa: S311 - demo data, repeatable on purpose
    with storage.sessions.begin() as session:
        schema_lock(session.connection())
        if session.scalar(select(func.count()).select_from(Plan)):
            return False
        _seed(session, rng, now)
    return True


def _seed(session: Session, rng: random.Random, now: datetime) -> None:
    key = server_key(session, ID_HASH_KEY)
    fees = {}
    for code, zh, en, fee, data_mb, voice, sms in PLANS:
        fees[code] = fee
        session.add(
            Plan(code=code, name_zh=zh, name_en=en, monthly_fee_fen=fee, data_mb=data_mb,
                 voice_min=voice, sms=sms)
        )  # fmt: skip
    for code, zh, en, fee in SERVICES:
        session.add(ValueAddedService(code=code, name_zh=zh, name_en=en, monthly_fee_fen=fee))
    for person in (ZHANG_SAN, LI_SI, WANG_WU, BLOCKED):
        session.add(
            ResidentRecord(
                id_hash=keyed_hash(person.id_number, key), name=person.name, status=person.status
            )
        )
    session.flush()
    months = _month_starts(now.date(), HISTORY_MONTHS)
    for number, account in enumerate(ACCOUNTS):
        iccid_body = f"89860099{number:010d}"
        session.add(
            Account(
                msisdn=account.msisdn,
                owner_name=account.owner.name,
                owner_id_hash=keyed_hash(account.owner.id_number, key),
                owner_id_masked=mask(account.owner.id_number),
                balance_fen=account.balance_fen,
                plan_code=account.plan,
                status=account.status,
                iccid=iccid_body + _luhn_digit(iccid_body),
                password_hash=hash_password(account.password),
                failed_password_attempts=0,
                locked_until=None,
                created_at=now - timedelta(days=400),
            )
        )
        session.flush()
        for code in account.services:
            session.add(AccountService(msisdn=account.msisdn, service_code=code, since=now))
        for serial, start in enumerate(months):
            usage = _usage(rng, account.msisdn, start)
            session.add_all(usage)
            bill = _bill(account, start, usage, fees[account.plan])
            session.add(bill)
            if bill.paid:
                session.add(
                    Invoice(
                        number=f"{start:%y%m}{number:02d}{serial:04d}{rng.randrange(10**6):06d}",
                        msisdn=account.msisdn,
                        month=bill.month,
                        title=account.owner.name,
                        amount_fen=bill.total_fen,
                        tax_fen=bill.total_fen * 6 // 106,  # 6% VAT included in the amount
                        issued_on=min(start + timedelta(days=35), now.date()),
                        print_count=0,
                    )
                )
    session.add_all(_pool(rng))
    session.add_all(_sim_profiles(rng))
