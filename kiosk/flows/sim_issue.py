"""Issuing a personalised SIM from the dispenser: blank card to the reader, write and verify,
hand it to the customer — shared by SIM sale and SIM replacement.

Every physical step is announced to the flow (`journal`) before it happens, so that recovery
on boot knows where a card may be. A card that fails to write goes to the reject bin and the
next blank is tried once with the same data (the data carries the ICCID to write, so any blank
card becomes that card); a second failure, a jam or an empty dispenser ends the issue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.errors import DriverError
from drivers.interfaces import CardDispenser, SimCardReader, SimPersonalisation
from drivers.interfaces.dispenser import CardNotTaken
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 2


class SimIssueFailed(KioskError):
    """No card could be issued; `captured` says whether a card went to the reject bin."""

    message_key = "sim.issue_failed"

    def __init__(self, detail: str, *, message_key: str, captured: bool) -> None:
        super().__init__(detail, message_key=message_key)
        self.captured = captured


@dataclass(frozen=True)
class SimDevices:
    reader: SimCardReader
    dispenser: CardDispenser
    adm_key: bytes  # the blank cards' administrative key (vendor profile), from config


# (journal event kind, payload); the flow records it durably before the step is taken.
Announce = Callable[[str, dict[str, object]], None]


def issue_card(devices: SimDevices, data: SimPersonalisation, announce: Announce) -> None:
    """Write `data` to a blank card and dispense it. Raises SimIssueFailed."""
    captured = False
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        announce("sim.card_to_reader", {"attempt": attempt, "iccid": data.iccid})
        try:
            devices.dispenser.card_to_reader()
        except DriverError as exc:
            raise SimIssueFailed(str(exc), message_key=exc.message_key, captured=captured) from exc
        announce("sim.writing", {"attempt": attempt, "iccid": data.iccid})
        try:
            devices.reader.write_blank(data, devices.adm_key)
        except DriverError as exc:
            log.warning("SIM write attempt %d failed: %s", attempt, exc)
            _capture(devices, announce, reason=exc.message_key)
            captured = True
            if attempt == WRITE_ATTEMPTS:
                raise SimIssueFailed(str(exc), message_key="sim.write_failed",
                                     captured=True) from exc  # fmt: skip
            continue
        break
    announce("sim.dispensing", {"iccid": data.iccid})
    try:
        devices.dispenser.dispense()
    except CardNotTaken as exc:
        # Left at the mouth: the dispenser pulled it into the reject bin itself (a real unit
        # does, after its timeout); capture it here only if that failed.
        if exc.captured:
            announce("sim.card_captured", {"reason": exc.message_key})
        else:
            _capture(devices, announce, reason=exc.message_key)
        raise SimIssueFailed(str(exc), message_key=exc.message_key, captured=True) from exc
    except DriverError as exc:
        # Written but not handed out: the card must not stay where a stranger can take it.
        _capture(devices, announce, reason=exc.message_key)
        raise SimIssueFailed(str(exc), message_key=exc.message_key, captured=True) from exc


def _capture(devices: SimDevices, announce: Announce, *, reason: str) -> None:
    announce("sim.card_captured", {"reason": reason})
    try:
        devices.dispenser.retain()
    except DriverError as exc:
        log.error("could not move the failed card to the reject bin: %s", exc)
