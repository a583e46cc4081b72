"""Issuing a written SIM card when the customer leaves it at the mouth: a dispenser that pulls
it back itself (a real serial unit, drivers/dispenser/crt591_driver.py) is not asked to capture
it again; one whose capture failed is."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from drivers.interfaces import CardDispenser, SimCardReader, SimPersonalisation
from drivers.interfaces.dispenser import CardNotTaken
from kiosk.flows.sim_issue import SimDevices, SimIssueFailed, issue_card


class Dispenser:
    def __init__(self, *, captured: bool) -> None:
        self.captured = captured
        self.retained = 0

    def card_to_reader(self) -> None:
        return None

    def dispense(self) -> None:
        raise CardNotTaken("left at the mouth", captured=self.captured)

    def retain(self) -> None:
        self.retained += 1


class Writer:
    def write_blank(self, data: Any, adm_key: bytes) -> None:
        return None


@pytest.mark.parametrize("captured", [True, False])
def test_a_card_left_at_the_mouth_is_captured_once(captured: bool) -> None:
    """GIVEN a written card the customer does not take WHEN the dispenser reports it (captured
    by itself or not) THEN the issue fails as captured, the journal hears of the capture once,
    and the kiosk asks for a capture only when the dispenser's own failed."""
    dispenser = Dispenser(captured=captured)
    devices = SimDevices(cast(SimCardReader, Writer()), cast(CardDispenser, dispenser), b"k")
    events: list[tuple[str, dict[str, object]]] = []
    data = cast(SimPersonalisation, SimpleNamespace(iccid="8986000000000000001"))
    with pytest.raises(SimIssueFailed) as failed:
        issue_card(devices, data, lambda kind, payload: events.append((kind, payload)))
    assert failed.value.captured
    assert failed.value.message_key == "dispenser.not_taken"
    assert dispenser.retained == (0 if captured else 1)
    assert [kind for kind, _ in events].count("sim.card_captured") == 1
