"""The SIM driver on the emulated card in-process (drivers/simcard/inprocess.py): the same driver
code as on pcscd, the APDUs sent straight to the `VirtualSim`. No pcscd, no mocks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers import registry
from drivers.errors import DriverError
from drivers.interfaces.health import HealthLevel
from drivers.interfaces.sim import (
    PinState,
    SimCardReader,
    SimEvent,
    SimInserted,
    SimPersonalisation,
    SimReaderFound,
    SimReaderLost,
    SimRemoved,
)
from drivers.simcard import apdu, contents
from drivers.simcard.driver import SimCardDriver
from drivers.simcard.inprocess import InProcessTransport, SimSlot
from drivers.simcard.virtual_card import (
    ATR_BLANK,
    ATR_GSM,
    ATR_USIM,
    DEFAULT_ADM_KEY,
    GSM_ICCID,
    GSM_IMSI,
    USIM_ICCID,
    USIM_IMSI,
    VirtualSim,
)
from kiosk.app import KioskApp
from kiosk.config import load_config
from tests.conftest import write_config
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)

PERSO = SimPersonalisation(
    iccid="89860312345678901235",
    imsi="460031234567891",
    ki_encrypted=bytes(range(32)),
    smsp="+8613800100500",
    pin1="1234",
    puk1="12345678",
)
OTHER = SimPersonalisation(iccid="89860312345678901243", imsi="460031234567892",
                           ki_encrypted=bytes(32))  # fmt: skip


def driver_for(slot: SimSlot) -> SimCardDriver:
    return SimCardDriver(InProcessTransport(slot), poll_s=0.02)


@pytest.fixture
def slot() -> SimSlot:
    return SimSlot()


@pytest.fixture
def reader(slot: SimSlot) -> Iterator[SimCardDriver]:
    driver = driver_for(slot)
    yield driver
    driver.close()


def test_implements_the_protocol(reader: SimCardDriver) -> None:
    assert isinstance(reader, SimCardReader)


def test_no_card(reader: SimCardDriver) -> None:
    with pytest.raises(DriverError) as err:
        reader.read_card()
    assert err.value.message_key == "sim.no_card"
    assert reader.health().level is HealthLevel.OK  # the reader is there, only empty


def test_usim_and_gsm_cards_read(reader: SimCardDriver, slot: SimSlot) -> None:
    slot.insert(VirtualSim("usim"))
    info = reader.read_card()
    assert (info.atr, info.iccid, info.imsi, info.blank) == (ATR_USIM, USIM_ICCID, USIM_IMSI,
                                                             False)  # fmt: skip
    assert info.pin_state is PinState.DISABLED
    slot.insert(VirtualSim("gsm"))
    info = reader.read_card()
    assert (info.atr, info.iccid, info.imsi) == (ATR_GSM, GSM_ICCID, GSM_IMSI)


def test_pin_protected_imsi(reader: SimCardDriver, slot: SimSlot) -> None:
    slot.insert(VirtualSim("usim", pin1_enabled=True))
    info = reader.read_card()
    assert (info.imsi, info.pin_state) == (None, PinState.REQUIRED)
    with pytest.raises(DriverError) as err:
        reader.read_imsi()
    assert err.value.message_key == "sim.pin_required"


def test_write_blank_verifies_and_keeps_secrets_out_of_the_log(
    reader: SimCardDriver, slot: SimSlot, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a blank card of the vendor profile WHEN the driver writes it THEN every file reads
    back as written, the card reads as personalised, and neither the ADM key nor the Ki, PIN or
    PUK appear in the APDU trace."""
    caplog.set_level(logging.DEBUG, logger="drivers.simcard")
    card = VirtualSim("blank")
    slot.insert(card)
    assert reader.read_card().blank
    reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    info = reader.read_card()
    assert (info.iccid, info.imsi, info.blank) == (PERSO.iccid, PERSO.imsi, False)
    assert bytes(card.ef(apdu.FID_VENDOR_KI).data) == contents.encode_ki_file(PERSO.ki_encrypted)
    assert not card.adm_verified  # the card was reset after the write: ADM does not linger
    text = caplog.text.upper()
    assert "SIM >" in text
    for secret in (
        DEFAULT_ADM_KEY,
        PERSO.ki_encrypted,
        contents.encode_pins_file("1234", "12345678"),
    ):
        assert secret.hex(" ").upper() not in text
        assert secret.hex().upper() not in text
    # Without the feed, a written card stays in the slot and is not written again.
    with pytest.raises(DriverError) as err:
        reader.write_blank(OTHER, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.not_blank"


def test_the_fed_slot_brings_a_fresh_blank_for_each_write() -> None:
    """GIVEN the slot as `simulate: true` builds it WHEN two cards are written one after the other
    THEN the second write finds a fresh blank card (the dispenser's next one) and the first
    card's data is untouched by it; a shared read never swaps the card."""
    slot = SimSlot(feed=True)
    reader = driver_for(slot)
    first = slot.card
    assert first is not None
    assert first.atr == ATR_BLANK
    reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert reader.read_card().iccid == PERSO.iccid
    assert slot.card is first
    reader.write_blank(OTHER, DEFAULT_ADM_KEY)
    assert slot.card is not first
    assert reader.read_card().iccid == OTHER.iccid
    assert contents.decode_iccid(bytes(first.ef(apdu.FID_ICCID).data)) == PERSO.iccid
    assert slot.fed == 2


def test_a_failed_write_leaves_a_half_written_card_that_is_written_again() -> None:
    slot = SimSlot(feed=True)
    reader = driver_for(slot)
    slot.faults.write_error_after = 2
    with pytest.raises(DriverError) as err:
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.write_failed"
    assert reader.read_card().blank
    slot.faults.write_error_after = None
    reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert slot.fed == 1  # the same card, written this time
    assert reader.read_card().iccid == PERSO.iccid


def test_card_pulled_mid_write(reader: SimCardDriver, slot: SimSlot) -> None:
    card = VirtualSim("blank")
    card.faults.pull_after_writes = 2
    slot.insert(card)
    with pytest.raises(DriverError) as err:
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.card_removed"
    assert slot.card is None
    with pytest.raises(DriverError) as err:
        reader.read_card()
    assert err.value.message_key == "sim.no_card"


def test_wrong_adm_key(reader: SimCardDriver, slot: SimSlot) -> None:
    card = VirtualSim("blank")
    slot.insert(card)
    with pytest.raises(DriverError) as err:
        reader.write_blank(PERSO, bytes.fromhex("3232323232323232"))
    assert err.value.message_key == "sim.adm_rejected"
    assert card.writes == 0


def test_non_vendor_card_is_not_written(reader: SimCardDriver, slot: SimSlot) -> None:
    slot.insert(VirtualSim("usim"))
    with pytest.raises(DriverError) as err:
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.unsupported_card"


def test_events_and_health_follow_the_slot(reader: SimCardDriver, slot: SimSlot) -> None:
    """The monitor reports the reader and each card in and out; an unplugged reader is
    `no_reader` in health and a SimReaderLost event."""
    events: list[SimEvent] = []
    lock = threading.Lock()

    def seen(event: SimEvent) -> None:
        with lock:
            events.append(event)

    def seen_now() -> list[SimEvent]:
        with lock:
            return list(events)

    reader.start(seen)
    wait_until(lambda: SimReaderFound(slot.name) in seen_now())
    slot.insert(VirtualSim("usim"))
    wait_until(lambda: SimInserted(ATR_USIM) in seen_now())
    slot.remove()
    wait_until(lambda: SimRemoved() in seen_now())
    assert reader.health().code == "ok"
    slot.connected = False
    wait_until(lambda: SimReaderLost() in seen_now())
    health = reader.health()
    assert (health.code, health.message_key) == ("no_reader", "sim.no_reader")
    with pytest.raises(DriverError) as err:
        reader.read_card()
    assert err.value.message_key == "sim.no_reader"


def test_registry_builds_the_in_process_reader_for_simulate() -> None:
    built = registry.build_device("sim_reader", "pcsc", {}, simulate=True, key_path="d")
    assert isinstance(built.device, SimCardDriver)
    assert built.simulator is not None
    assert isinstance(built.simulator.handle, SimSlot)
    assert built.device.read_card().blank
    built.simulator.stop()
    built.device.close()


def test_shipped_config_offers_sim_services_and_doctor_sees_the_reader(tmp_path: Path) -> None:
    """GIVEN the shipped config (no pcscd needed) WHEN the kiosk starts THEN SIM sale and
    replacement are on offer, and `kiosk doctor` reports the SIM reader ok."""
    app = KioskApp(load_config(write_config(tmp_path)))
    app.start()
    try:
        checks = {c.name: c for c in app.doctor()}
        assert checks["sim_reader"].driver == "pcsc"
        assert checks["sim_reader"].health.code == "ok", checks["sim_reader"].health
        assert checks["sim_reader"].health.detail == SimSlot().name
        offered = {s.key: s for s in app.services()}
        assert offered["sim.sale"].available, offered["sim.sale"]
        assert offered["sim.replacement"].available, offered["sim.replacement"]
    finally:
        app.stop()
