"""Resident ID card reader interface: the card's typed record (masked in every repr) and events."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from drivers.interfaces.health import DeviceHealth


def mask_id_number(number: str) -> str:
    """`110105199001011234` → `110105********1234`, masked on screens and logs
    (docs/design.md#personal-data-masked-and-sealed)."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """`张三丰` → `张**`."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


class Sex(enum.Enum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdCardRecord:
    """What the SAM module read. Personal data: never logged or shown unmasked."""

    name: str
    sex: Sex
    ethnicity_code: str
    birth_date: date
    address: str
    id_number: str
    issuer: str
    valid_from: date
    valid_to: date | None  # None: 长期 (valid for life)
    photo_wlt: bytes = field(default=b"", repr=False)  # vendor-compressed, kept undecoded

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __repr__(self) -> str:
        return (
            f"IdCardRecord(name={mask_name(self.name)!r}, id_number={self.masked_id_number!r}, "
            f"valid_to={self.valid_to})"
        )

    __str__ = __repr__


@dataclass(frozen=True)
class IdCardPresent:
    pass


@dataclass(frozen=True)
class IdCardRead:
    record: IdCardRecord


@dataclass(frozen=True)
class IdCardRemoved:
    pass


@dataclass(frozen=True)
class IdCardReadError:
    message_key: str  # e.g. idcard.read_failed, idcard.invalid_number, idcard.no_sam
    detail: str = ""


IdCardEvent = IdCardPresent | IdCardRead | IdCardRemoved | IdCardReadError


@runtime_checkable
class IdCardReader(Protocol):
    """Polls for cards on its own thread, no faster than every 300 ms
    (docs/protocols.md#polling-and-card-presence)."""

    def start(self, listener: Callable[[IdCardEvent], None]) -> None: ...

    def health(self) -> DeviceHealth: ...

    def close(self) -> None: ...
