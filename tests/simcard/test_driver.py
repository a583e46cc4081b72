"""PcscSimCardReader end to end: pyscard → pcscd → vpcd → SimCardEmulator. No mocks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

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
from drivers.simcard.driver import PcscSimCardReader
from drivers.simcard.emulator import (
    ATR_GSM,
    ATR_USIM,
    DEFAULT_ADM_KEY,
    GSM_ICCID,
    GSM_IMSI,
    USIM_ICCID,
    USIM_IMSI,
    SimCardEmulator,
)
from drivers.simcard.errors import SimCardRemoved
from drivers.simcard.virtual_card import EF
from tests.simcard.conftest import READER, Pcscd, card_in_reader, wait_card
from tests.support import wait_until

pytestmark = pytest.mark.timeout(60)

KI = bytes(range(32))
PERSO = SimPersonalisation(
    iccid="89860312345678901235",
    imsi="460031234567891",
    ki_encrypted=KI,
    smsp="+8613800100500",
    pin1="1234",
    puk1="12345678",
)


@pytest.fixture
def reader(pcscd: Pcscd) -> Iterator[PcscSimCardReader]:
    driver = PcscSimCardReader(READER, poll_s=0.1)
    yield driver
    driver.close()


def test_luhn_of_test_data() -> None:
    assert contents.luhn_valid(PERSO.iccid)
    assert contents.luhn_valid(USIM_ICCID)
    assert contents.luhn_valid(GSM_ICCID)


def test_implements_protocol(reader: PcscSimCardReader) -> None:
    assert isinstance(reader, SimCardReader)


def test_no_card(reader: PcscSimCardReader) -> None:
    wait_card(False)
    with pytest.raises(DriverError) as info:
        reader.read_card()
    assert info.value.message_key == "sim.no_card"


def test_usim_iccid_and_imsi(reader: PcscSimCardReader) -> None:
    with card_in_reader(SimCardEmulator("usim")) as card:
        info = reader.read_card()
        assert info.atr == ATR_USIM
        assert info.iccid == USIM_ICCID
        assert info.imsi == USIM_IMSI
        assert info.pin_state is PinState.DISABLED
        assert not info.blank
        assert reader.read_imsi() == USIM_IMSI
        assert card.apdu_count > 0


def test_gsm_iccid_and_imsi(reader: PcscSimCardReader) -> None:
    with card_in_reader(SimCardEmulator("gsm")):
        info = reader.read_card()
        assert info.atr == ATR_GSM
        assert info.iccid == GSM_ICCID
        assert info.imsi == GSM_IMSI
        assert info.pin_state is PinState.DISABLED
        assert not info.blank


@pytest.mark.parametrize("profile", ["usim", "gsm"])
def test_pin_protected_imsi(reader: PcscSimCardReader, profile: str) -> None:
    with card_in_reader(SimCardEmulator(profile, pin1_enabled=True)):
        info = reader.read_card()
        assert info.imsi is None
        assert info.pin_state is PinState.REQUIRED
        assert info.iccid == (USIM_ICCID if profile == "usim" else GSM_ICCID)
        with pytest.raises(DriverError) as err:
            reader.read_imsi()
        assert err.value.message_key == "sim.pin_required"


def test_slow_card_still_reads(reader: PcscSimCardReader) -> None:
    emulator = SimCardEmulator("usim")
    emulator.faults.delay_s = 0.05
    with card_in_reader(emulator):
        assert reader.read_card().imsi == USIM_IMSI


def test_blank_card_is_reported_blank(reader: PcscSimCardReader) -> None:
    with card_in_reader(SimCardEmulator("blank")):
        info = reader.read_card()
        assert info.blank
        assert info.iccid == ""
        assert info.imsi is None
        with pytest.raises(DriverError) as err:
            reader.read_imsi()
        assert err.value.message_key == "sim.blank_card"


def test_write_blank_and_verify(
    reader: PcscSimCardReader, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="drivers.simcard")
    emulator = SimCardEmulator("blank")
    with card_in_reader(emulator):
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        info = reader.read_card()
    assert not info.blank
    assert info.iccid == PERSO.iccid
    assert info.imsi == PERSO.imsi
    card = emulator.card
    assert bytes(card.ef(apdu.FID_VENDOR_KI).data) == contents.encode_ki_file(KI)
    assert bytes(card.ef(apdu.FID_VENDOR_PINS).data) == contents.encode_pins_file(
        "1234", "12345678"
    )
    records = card.ef(apdu.FID_SMSP, aid=True).records
    assert records is not None
    assert contents.decode_smsp(bytes(records[0])) == "+8613800100500"
    # Secrets never reach the log: not the ADM key, the Ki, the PIN or the PUK.
    text = caplog.text.upper()
    assert "SIM >" in text
    for secret in (DEFAULT_ADM_KEY, KI, contents.encode_pins_file("1234", "12345678")):
        assert secret.hex(" ").upper() not in text
        assert secret.hex().upper() not in text
    # A written card is not blank any more: a second write is refused.
    with card_in_reader(emulator), pytest.raises(DriverError) as err:
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.not_blank"


def test_card_pulled_mid_write(reader: PcscSimCardReader) -> None:
    emulator = SimCardEmulator("blank")
    emulator.faults.pull_after_writes = 3
    emulator.insert()
    wait_card(True)
    with pytest.raises(SimCardRemoved) as err:
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.card_removed"
    assert emulator.wait_disconnected(5)
    wait_card(False)
    emulator.faults.pull_after_writes = None
    with card_in_reader(emulator):
        info = reader.read_card()
        assert info.blank, "a half-written card must not be reported good"
        assert info.imsi is None
        # ...and it can be written again from the start.
        reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        info = reader.read_card()
        assert not info.blank
        assert info.imsi == PERSO.imsi


def test_wrong_adm_key(reader: PcscSimCardReader) -> None:
    emulator = SimCardEmulator("blank")
    with card_in_reader(emulator):
        with pytest.raises(DriverError) as err:
            reader.write_blank(PERSO, b"\x00" * 8)
        assert err.value.message_key == "sim.adm_rejected"
        assert "9 tries left" in str(err.value)
        assert emulator.card.writes == 0
        emulator.faults.reject_adm = True
        with pytest.raises(DriverError) as err:
            reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        assert err.value.message_key == "sim.adm_rejected"
        assert reader.read_card().blank


def test_write_error(reader: PcscSimCardReader) -> None:
    emulator = SimCardEmulator("blank")
    emulator.faults.write_error_after = 2
    with card_in_reader(emulator):
        with pytest.raises(DriverError) as err:
            reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        assert err.value.message_key == "sim.write_failed"
        assert "6581" in str(err.value)
        assert reader.read_card().blank


def test_verify_mismatch(reader: PcscSimCardReader) -> None:
    """A card that silently drops a write is caught by the read-back."""
    emulator = SimCardEmulator("blank")
    card = emulator.card
    original = card._store

    def lossy(ef: EF, data: bytes, offset: int, record: int) -> None:
        if ef.fid != apdu.FID_IMSI:  # the IMSI update "succeeds" but writes nothing
            original(ef, data, offset, record)

    card._store = lossy  # type: ignore[method-assign]
    with card_in_reader(emulator):
        with pytest.raises(DriverError) as err:
            reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        assert err.value.message_key == "sim.verify_mismatch"
        assert reader.read_card().blank


def test_invalid_personalisation_touches_nothing(reader: PcscSimCardReader) -> None:
    bad = SimPersonalisation(iccid="89860312345678901236", imsi="460031234567891", ki_encrypted=KI)
    with pytest.raises(DriverError) as err:
        reader.write_blank(bad, DEFAULT_ADM_KEY)
    assert err.value.message_key == "sim.invalid_data"


def test_write_refuses_non_vendor_card(reader: PcscSimCardReader) -> None:
    with card_in_reader(SimCardEmulator("usim")):
        with pytest.raises(DriverError) as err:
            reader.write_blank(PERSO, DEFAULT_ADM_KEY)
        assert err.value.message_key == "sim.unsupported_card"


class Events:
    def __init__(self) -> None:
        self.items: list[SimEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: SimEvent) -> None:
        with self.lock:
            self.items.append(event)

    def wait(self, kind: type, after: int = 0, timeout_s: float = 15.0) -> int:
        """Index of the first event of `kind` at or after index `after`."""

        def find() -> int | None:
            with self.lock:
                for i, event in enumerate(self.items[after:], start=after):
                    if isinstance(event, kind):
                        return i + 1
            return None

        return wait_until(find, timeout_s, f"event {kind.__name__} after #{after}") - 1


def test_insert_remove_events(reader: PcscSimCardReader) -> None:
    events = Events()
    reader.start(events)
    found = events.wait(SimReaderFound)
    assert events.items[found] == SimReaderFound(READER)
    assert reader.health().level is HealthLevel.OK
    with card_in_reader(SimCardEmulator("usim")):
        inserted = events.wait(SimInserted, found)
        assert events.items[inserted] == SimInserted(ATR_USIM)
    events.wait(SimRemoved, inserted)


def test_reader_lost_and_found(reader: PcscSimCardReader, pcscd: Pcscd) -> None:
    events = Events()
    reader.start(events)
    found = events.wait(SimReaderFound)
    emulator = SimCardEmulator("usim")
    emulator.insert()
    inserted = events.wait(SimInserted, found)
    # The reader vanishes (pcscd goes away, as when a USB reader is unplugged).
    pcscd.stop()
    assert emulator.wait_disconnected(5)
    removed = events.wait(SimRemoved, inserted)
    lost = events.wait(SimReaderLost, removed)
    assert reader.health().level is HealthLevel.ERROR
    assert reader.health().message_key == "sim.no_reader"
    with pytest.raises(DriverError) as err:
        reader.read_card()
    assert err.value.message_key == "sim.no_reader"
    # ...and comes back: the same monitor thread finds it and the card again.
    pcscd.start()
    events.wait(SimReaderFound, lost)
    with card_in_reader(emulator):
        events.wait(SimInserted, lost)
        assert reader.read_card().imsi == USIM_IMSI
