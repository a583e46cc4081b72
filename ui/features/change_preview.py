"""Example data for the change screens (the every-screen test and screenshots), shaped like
central's answers (for ui/features/change.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.central_models import Balance, Catalogue, Confirmation, Plan, ValueAddedService

PREVIEW_CATALOGUE = Catalogue(
    plans=(
        Plan(code="P38", name_zh="畅享38元套餐", name_en="Basic 38", monthly_fee_fen=3800,
             data_mb=10_240, voice_min=100, sms=50),
        Plan(code="P58", name_zh="畅享58元套餐", name_en="Plus 58", monthly_fee_fen=5800,
             data_mb=30_720, voice_min=300, sms=100),
        Plan(code="P128", name_zh="畅享128元套餐", name_en="Premium 128", monthly_fee_fen=12800,
             data_mb=102_400, voice_min=1000, sms=300),
        Plan(code="SENIOR18", name_zh="敬老18元套餐", name_en="Senior 18", monthly_fee_fen=1800,
             data_mb=2_048, voice_min=200, sms=50),
    ),
    services=(
        ValueAddedService(code="CALLER_ID", name_zh="来电显示", name_en="Caller ID",
                          monthly_fee_fen=0),
        ValueAddedService(code="RINGBACK", name_zh="彩铃", name_en="Ringback tones",
                          monthly_fee_fen=500),
        ValueAddedService(code="DATA_PACK_5G", name_zh="5GB流量加油包", name_en="5 GB data pack",
                          monthly_fee_fen=2000),
        ValueAddedService(code="ROAMING", name_zh="国际漫游", name_en="International roaming",
                          monthly_fee_fen=0),
    ),
)  # fmt: skip
PREVIEW_BALANCE = Balance(
    msisdn="13800138000",
    owner_name_masked="*三",
    balance_fen=5000,
    status="active",
    plan=PREVIEW_CATALOGUE.plans[1],
    services=(PREVIEW_CATALOGUE.services[0],),
)
PREVIEW_CONFIRMATION = Confirmation(
    confirmation_id="preview",
    expires_at=datetime(2026, 1, 1, tzinfo=UTC),
    summary_zh="套餐变更为畅享128元套餐",
    summary_en="change plan to Premium 128",
)
