"""Device interfaces: personal data stays masked in every repr; health usability."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.interfaces import (
    HEALTH_OK,
    DeviceHealth,
    HealthLevel,
    IdCardRecord,
    Sex,
    SimPersonalisation,
    mask_id_number,
    mask_name,
)

RECORD = IdCardRecord(
    name="张三丰", sex=Sex.MALE, ethnicity_code="01", birth_date=date(1990, 1, 1),
    address="北京市朝阳区某某路1号", id_number="110105199001011234", issuer="北京市公安局朝阳分局",
    valid_from=date(2020, 1, 1), valid_to=None, photo_wlt=b"\x01" * 1024,
)  # fmt: skip


def test_id_record_never_shows_the_number_or_name() -> None:
    for text in (repr(RECORD), str(RECORD), f"{RECORD}", str([RECORD])):
        assert "110105199001011234" not in text
        assert "张三丰" not in text
        assert "110105********1234" in text
        assert "\\x01" not in text


def test_masks() -> None:
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_id_number("123") == "***"
    assert mask_name("张三丰") == "张**"
    assert mask_name("") == ""


def test_validity_for_life() -> None:
    assert RECORD.is_valid_on(date(2099, 1, 1))
    assert not RECORD.is_valid_on(date(2019, 12, 31))


def test_sim_secrets_not_in_repr() -> None:
    data = SimPersonalisation("8986001", "460001234567890", b"\xaa" * 16, pin1="9999",
                              puk1="87654321")  # fmt: skip
    text = repr(data)
    assert "9999" not in text
    assert "87654321" not in text
    assert "\\xaa" not in text


@pytest.mark.parametrize(
    ("level", "usable"),
    [(HealthLevel.OK, True), (HealthLevel.WARNING, True), (HealthLevel.ERROR, False),
     (HealthLevel.UNKNOWN, False)],
)  # fmt: skip
def test_unknown_is_not_usable(level: HealthLevel, usable: bool) -> None:
    assert DeviceHealth(level, "x", "x").usable is usable
    assert HEALTH_OK.usable
