"""Example data for each SIM screen (the every-screen test and its screenshots): invented, no
real customer, no flow behind it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from drivers.interfaces import IdCardRecord, Sex
from kiosk.central_models import NumberPage, PoolNumber, RealNameCheck, Reservation
from ui.features.sim_state import SimState

PREVIEW_NUMBERS = (
    ("18601238888", 10_000), ("18601350021", 0), ("18602216688", 0), ("18603305188", 0),
    ("17601126666", 10_000), ("17602231590", 0), ("15603310027", 0), ("15607712359", 0),
    ("18506628801", 0), ("18509901237", 0), ("17605518866", 0), ("15601290035", 0),
)  # fmt: skip


def fill_preview(s: SimState, screen: str) -> None:
    now = datetime.now(UTC)
    s.mode = "replacement" if screen == "sim.replace" else "sale"
    s.record = IdCardRecord(
        name="张三", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 3, 7),
        address="北京市东城区测试路100号", id_number="110101199003074477",
        issuer="北京市公安局东城分局", valid_from=date(2016, 5, 1), valid_to=date(2036, 5, 1),
    )  # fmt: skip
    s.check = RealNameCheck(
        check_id="preview", id_masked="110101********4477", expires_at=now + timedelta(minutes=20),
        lines_owned=1, lines_allowed=5,
    )  # fmt: skip
    s.page = NumberPage(
        numbers=tuple(PoolNumber(msisdn=n, price_fen=p) for n, p in PREVIEW_NUMBERS),
        total=87, page=1, page_size=12,
    )  # fmt: skip
    s.reservation = Reservation(
        reservation_id="0" * 32, msisdn="18601238888", price_fen=10_000,
        expires_at=now + timedelta(minutes=14, seconds=32),
    )  # fmt: skip
    s.seconds_left = 14 * 60 + 32
    s.filters = type(s.filters)("88", True, "any")
    if screen == "sim.replace":
        s.fee_fen = 2000  # a replacement with a fee (config sim.replacement_fee_fen)
    if screen == "sim.agreement":
        s.read_to_end = False
    if screen == "sim.pay":
        s.method = "cash"
    if screen == "sim.progress":
        s.issuing, s.step = True, 1
    if screen == "sim.result":
        s.outcome, s.msisdn, s.step = "sold", "18601238888", 3
