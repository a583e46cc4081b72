"""What the change screens show, as plain rows for QML (no Qt here): plans and value-added
services with what changes against the customer's plan, the change being confirmed and its result
(for ui/features/change.py).

Only formatting: the plans, services and the result are central's, as it answered.
"""

from __future__ import annotations

from typing import Any

from kiosk.central_models import Catalogue, ChangeDone, Plan, ValueAddedService
from kiosk.flows.change import ChangeRequest
from kiosk.money import format_cny


def data_text(mb: int) -> str:
    """Monthly data as people read it: whole gigabytes as GB, anything else in MB."""
    if mb >= 1024 and mb % 1024 == 0:
        return f"{mb // 1024} GB"
    return f"{mb} MB"


def signed(value: int, unit: str = "") -> str:
    """A difference with its sign: +20, −5 (a real minus sign), 0 without one."""
    if value == 0:
        return "0" + unit
    return ("+" if value > 0 else "−") + f"{abs(value)}{unit}"


def signed_cny(fen: int) -> str:
    if fen == 0:
        return format_cny(0)
    return ("+" if fen > 0 else "−") + format_cny(abs(fen))


def signed_data(mb: int) -> str:
    return ("+" if mb > 0 else "−" if mb < 0 else "") + data_text(abs(mb))


def plan_row(plan: Plan, current: Plan | None) -> dict[str, Any]:
    """What a plan card shows, with what changes against the customer's plan."""
    row: dict[str, Any] = {
        "code": plan.code,
        "nameZh": plan.name_zh,
        "nameEn": plan.name_en,
        "feeText": format_cny(plan.monthly_fee_fen),
        "dataText": data_text(plan.data_mb),
        "minutes": plan.voice_min,
        "sms": plan.sms,
        "current": current is not None and plan.code == current.code,
        "feeDiff": "",
        "dataDiff": "",
        "minutesDiff": "",
    }
    if current is not None and plan.code != current.code:
        row["feeDiff"] = signed_cny(plan.monthly_fee_fen - current.monthly_fee_fen)
        row["dataDiff"] = signed_data(plan.data_mb - current.data_mb)
        row["minutesDiff"] = signed(plan.voice_min - current.voice_min)
    return row


def service_row(service: ValueAddedService, on: bool) -> dict[str, Any]:
    return {
        "code": service.code,
        "nameZh": service.name_zh,
        "nameEn": service.name_en,
        "feeText": format_cny(service.monthly_fee_fen),
        "free": service.monthly_fee_fen == 0,
        "on": on,
    }


def target_row(
    request: ChangeRequest | None, catalogue: Catalogue | None, current: Plan | None
) -> dict[str, Any]:
    """The change on the confirmation page, structured for the screen to word it."""
    if request is None or catalogue is None:
        return {}
    if request.kind == "change.plan":
        plan = next((p for p in catalogue.plans if p.code == request.code), None)
        if plan is None:
            return {}
        return {
            "kind": request.kind,
            "to": plan_row(plan, current),
            "from": plan_row(current, current) if current is not None else {},
        }
    service = next((s for s in catalogue.services if s.code == request.code), None)
    if service is None:
        return {}
    return {"kind": request.kind, "service": service_row(service, request.active)}


def result_row(
    done: ChangeDone | None, request: ChangeRequest | None, catalogue: Catalogue | None
) -> dict[str, Any]:
    """What central says the customer now has, for the result screen."""
    if done is None or request is None or catalogue is None:
        return {}
    if request.kind == "change.plan":
        plan = next((p for p in catalogue.plans if p.code == done.plan_code), None)
        names = (plan.name_zh, plan.name_en) if plan else (done.plan_code, done.plan_code)
        active = True
    else:
        service = next((s for s in catalogue.services if s.code == request.code), None)
        names = (service.name_zh, service.name_en) if service else (request.code,) * 2
        active = request.code in done.services
    return {"kind": request.kind, "nameZh": names[0], "nameEn": names[1], "on": active}
