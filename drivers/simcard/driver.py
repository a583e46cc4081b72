"""`SimCardReader` over a card transport: card events, ICCID/IMSI/PIN state, blank-card writing.
The same driver runs on pcscd through pyscard (`PcscSimCardReader`) and on the emulated card
in-process (`SimCardDriver(InProcessTransport(slot))`, drivers/simcard/inprocess.py).

Monitoring is a plain polling loop on its own thread; on pcscd each poll has a fresh PC/SC context,
so it survives pcscd restarts and readers being unplugged and plugged back (pyscard's CardMonitor
is known to die or hang there). Every exception is caught in the loop.

Card operations (`read_card`, `write_blank`) open their own session on the caller's thread and
are serialised by a lock. Every APDU exchange is logged at debug level with the data of VERIFY /
UPDATE commands and of secret file reads replaced by their length.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.interfaces.health import DeviceHealth, HealthLevel
from drivers.interfaces.sim import (
    PinState,
    SimCardInfo,
    SimEvent,
    SimInserted,
    SimPersonalisation,
    SimReaderFound,
    SimReaderLost,
    SimRemoved,
)
from drivers.simcard import apdu
from drivers.simcard import contents as file_contents
from drivers.simcard.apdu import FileInfo, FileStructure, SimDataError, SwKind
from drivers.simcard.card_session import CardFiles, CardSession, CardTransport
from drivers.simcard.errors import (
    SimAdmRejected,
    SimBlankCard,
    SimCardRemoved,
    SimInvalidData,
    SimNotBlank,
    SimPinBlocked,
    SimPinRequired,
    SimReadFailed,
    SimUnsupportedCard,
    SimVerifyMismatch,
    SimWriteFailed,
)
from drivers.simcard.pcsc_session import PcscTransport

log = logging.getLogger(__name__)


class SimCardDriver:
    """`SimCardReader` over any `CardTransport`."""

    def __init__(self, transport: CardTransport, *, poll_s: float = 0.5) -> None:
        self.transport = transport
        self.poll_s = poll_s
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: Callable[[SimEvent], None] | None = None
        self._reader: str | None = None
        self._atr: bytes | None = None
        self._polled = False

    # ------------------------------------------------------------------ monitoring

    def start(self, listener: Callable[[SimEvent], None]) -> None:
        if self._thread is not None:
            raise RuntimeError("the SIM reader is already started")
        self._listener = listener
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sim-monitor", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=max(5.0, 4 * self.poll_s))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                reader, atr = self._poll()
                self._update(reader, atr)
            except Exception:  # the monitor must never die
                log.exception("SIM monitor poll failed")
            self._stop.wait(self.poll_s)

    def _poll(self) -> tuple[str | None, bytes | None]:
        """(reader name, ATR of the card in it)."""
        return self.transport.poll()

    def _update(self, reader: str | None, atr: bytes | None) -> None:
        events: list[SimEvent] = []
        first = not self._polled
        self._polled = True
        if reader != self._reader or first:
            if self._atr is not None:
                events.append(SimRemoved())
                self._atr = None
            if reader is None:
                events.append(SimReaderLost())
            else:
                events.append(SimReaderFound(reader))
            self._reader = reader
        if atr != self._atr:
            if self._atr is not None:
                events.append(SimRemoved())
            if atr is not None:
                events.append(SimInserted(atr))
            self._atr = atr
        for event in events:
            log.info("SIM event: %s", event)
            if self._listener is not None:
                try:
                    self._listener(event)
                except Exception:
                    log.exception("SIM event listener failed on %s", event)

    def health(self) -> DeviceHealth:
        if self._thread is not None and self._polled:
            reader = self._reader
        else:
            reader, _atr = self._poll()
        if reader is None:
            return DeviceHealth(
                HealthLevel.ERROR, "no_reader", "sim.no_reader", "no PC/SC reader found"
            )
        return DeviceHealth(HealthLevel.OK, "ok", "device.ok", reader)

    # ------------------------------------------------------------------ reading

    def read_card(self) -> SimCardInfo:
        with self._lock, self.transport.open(exclusive=False) as session:
            return self._read(CardFiles(session), session.atr)

    def read_imsi(self) -> str:
        """The IMSI; `sim.pin_required` when PIN1 protects it, `sim.blank_card` on a blank card."""
        info = self.read_card()
        if info.imsi is not None:
            return info.imsi
        if info.pin_state is PinState.BLOCKED:
            raise SimPinBlocked("PIN1 is blocked: the IMSI cannot be read")
        if info.pin_state is PinState.REQUIRED:
            raise SimPinRequired("the IMSI is protected by PIN1")
        if info.blank:
            raise SimBlankCard("the card is blank")
        raise SimReadFailed("the card has no readable IMSI")

    def _read(self, card: CardFiles, atr: bytes) -> SimCardInfo:
        iccid = self._read_iccid(card)
        perso = self._perso_state(card) if card.uicc else None
        found = card.select_usim() if card.uicc else card.select(apdu.FID_DF_GSM) is not None
        imsi: str | None = None
        imsi_readable = False
        pin_state = PinState.UNKNOWN
        if found and card.select(apdu.FID_IMSI) is not None:
            response = card.read_binary(apdu.IMSI_FILE_LEN)
            if response.ok:
                imsi_readable = True
                try:
                    imsi = file_contents.decode_imsi(response.data)
                except SimDataError as exc:
                    raise SimReadFailed(f"EF_IMSI: {exc}") from exc
            elif response.kind is SwKind.SECURITY_NOT_SATISFIED:
                pin_state = PinState.REQUIRED
            elif response.kind is SwKind.BLOCKED:
                pin_state = PinState.BLOCKED
            else:
                raise SimReadFailed(f"READ BINARY EF_IMSI answered {response}")
            pin_state = self._pin_state(card, imsi_readable, pin_state)
        if perso is not None:
            blank = perso != apdu.PERSO_DONE
        else:
            blank = iccid == "" or (imsi_readable and imsi is None)
        if blank:
            imsi = None
        return SimCardInfo(atr=atr, iccid=iccid, imsi=imsi, pin_state=pin_state, blank=blank)

    @staticmethod
    def _read_iccid(card: CardFiles) -> str:
        raw = card.read_file(apdu.FID_ICCID, apdu.ICCID_LEN)
        try:
            iccid = file_contents.decode_iccid(raw)
        except SimDataError as exc:
            raise SimReadFailed(f"EF_ICCID: {exc}") from exc
        if iccid and not file_contents.luhn_valid(iccid):
            log.warning("ICCID %s fails its Luhn check", iccid)
        return iccid

    @staticmethod
    def _perso_state(card: CardFiles) -> int | None:
        """OUR vendor profile's personalisation state byte, None on other cards."""
        if card.select(apdu.FID_MF) is None or card.select(apdu.FID_VENDOR_PERSO) is None:
            return None
        response = card.read_binary(1)
        if not response.ok or len(response.data) != 1:
            raise SimReadFailed(f"reading the personalisation state answered {response}")
        return response.data[0]

    @staticmethod
    def _pin_state(card: CardFiles, imsi_readable: bool, from_imsi: PinState) -> PinState:
        if not card.uicc:
            return PinState.DISABLED if imsi_readable else from_imsi
        status = card.s.transmit(apdu.verify_status(apdu.KEY_REF_PIN1))
        if status.kind is SwKind.BLOCKED:
            return PinState.BLOCKED
        if status.kind is SwKind.WRONG_PIN:
            return PinState.REQUIRED
        if status.ok:
            return PinState.DISABLED if imsi_readable else PinState.VERIFIED
        return from_imsi

    # ------------------------------------------------------------------ writing

    def write_blank(self, data: SimPersonalisation, adm_key: bytes) -> None:
        try:
            iccid = file_contents.encode_iccid(data.iccid)
            imsi = file_contents.encode_imsi(data.imsi)
            ki = file_contents.encode_ki_file(data.ki_encrypted)
            pins = file_contents.encode_pins_file(data.pin1, data.puk1)
            smsp = file_contents.encode_smsp(data.smsp)
            verify_adm = apdu.verify_adm(adm_key)
        except SimDataError as exc:
            raise SimInvalidData(str(exc)) from exc
        with self._lock, self.transport.open(exclusive=True) as session:
            # Reset the card afterwards so the ADM state does not linger -- unless it is gone:
            # resetting a vanished card wedges pcscd's vpcd slot (and helps nothing on others).
            session.reset_on_close = True
            try:
                contents = (iccid, ki, pins, smsp, imsi)
                self._write(session, data, verify_adm=verify_adm, contents=contents)
            except SimCardRemoved:
                session.reset_on_close = False
                raise

    def _write(
        self,
        session: CardSession,
        data: SimPersonalisation,
        *,
        verify_adm: bytes,
        contents: tuple[bytes, bytes, bytes, bytes, bytes],
    ) -> None:
        card = CardFiles(session)
        if not card.uicc:
            raise SimUnsupportedCard("a 2G card cannot be written")
        perso = self._perso_state(card)
        if perso is None:
            raise SimUnsupportedCard("the card is not of a known blank-card vendor profile")
        if perso == apdu.PERSO_DONE:
            raise SimNotBlank("the card is already personalised")
        self._verify_adm(session, verify_adm)
        log.info("SIM write: ADM verified, writing ICCID %s", data.iccid)
        iccid, ki, pins, smsp, imsi = contents
        files: list[tuple[int, bool, bytes, bool]] = [
            # (fid, under ADF.USIM, content, secret); the IMSI last
            (apdu.FID_ICCID, False, iccid, False),
            (apdu.FID_VENDOR_KI, False, ki, True),
            (apdu.FID_VENDOR_PINS, False, pins, True),
            (apdu.FID_SMSP, True, smsp, False),
            (apdu.FID_IMSI, True, imsi, False),
        ]
        # The state byte says "writing" until everything has been read back and compared.
        self._write_file(card, apdu.FID_VENDOR_PERSO, False, bytes((apdu.PERSO_WRITING,)))
        for fid, in_adf, content, _secret in files:
            self._write_file(card, fid, in_adf, content)
        for fid, in_adf, content, secret in files:
            if self._read_back(card, fid, in_adf, len(content), secret) != content:
                raise SimVerifyMismatch(f"file {fid:04X} reads back different data")
        done = bytes((apdu.PERSO_DONE,))
        self._write_file(card, apdu.FID_VENDOR_PERSO, False, done)
        if self._read_back(card, apdu.FID_VENDOR_PERSO, False, 1, False) != done:
            raise SimVerifyMismatch("the personalisation state does not read back as done")
        log.info("SIM write: ICCID %s written and verified", data.iccid)

    @staticmethod
    def _verify_adm(session: CardSession, command: bytes) -> None:
        response = session.transmit(command)
        if response.ok:
            return
        if response.kind is SwKind.WRONG_PIN:
            raise SimAdmRejected(f"ADM key rejected, {response.tries_left} tries left")
        if response.kind is SwKind.BLOCKED:
            raise SimAdmRejected("ADM key blocked", message_key="sim.adm_blocked")
        raise SimAdmRejected(f"VERIFY ADM answered {response}")

    @staticmethod
    def _select_for_write(card: CardFiles, fid: int, in_adf: bool) -> FileInfo:
        if in_adf:
            if not card.select_usim():
                raise SimUnsupportedCard("the card has no USIM application")
        elif card.select(apdu.FID_MF) is None:
            raise SimReadFailed("the card has no MF")
        info = card.select(fid)
        if info is None:
            raise SimUnsupportedCard(f"the card has no file {fid:04X}")
        return info

    def _write_file(self, card: CardFiles, fid: int, in_adf: bool, content: bytes) -> None:
        info = self._select_for_write(card, fid, in_adf)
        if info.structure in (FileStructure.LINEAR_FIXED, FileStructure.CYCLIC):
            command = apdu.update_record(1, content)
        else:
            command = apdu.update_binary(content)
        response = card.s.transmit(command)
        if not response.ok:
            raise SimWriteFailed(f"update of {fid:04X} answered {response}")

    def _read_back(
        self, card: CardFiles, fid: int, in_adf: bool, length: int, secret: bool
    ) -> bytes:
        info = self._select_for_write(card, fid, in_adf)
        if info.structure in (FileStructure.LINEAR_FIXED, FileStructure.CYCLIC):
            response = card.read_record(1, length)
        else:
            response = card.read_binary(length, secret=secret)
        if not response.ok:
            raise SimVerifyMismatch(f"reading {fid:04X} back answered {response}")
        return response.data


class PcscSimCardReader(SimCardDriver):
    """`SimCardReader` on pcscd through pyscard; `reader_name_filter` picks the reader."""

    def __init__(self, reader_name_filter: str = "", *, poll_s: float = 0.5) -> None:
        super().__init__(PcscTransport(reader_name_filter), poll_s=poll_s)
        self.reader_name_filter = reader_name_filter
