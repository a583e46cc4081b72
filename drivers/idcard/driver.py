"""ID card reader driver: polls the SAM module on its own thread via `serial_for_url`.

Find no faster than every 300 ms (docs/protocols.md#polling-and-card-presence). Events:
IdCardPresent, IdCardRead (a typed, validated record), IdCardRemoved, IdCardReadError. Nothing
personal is ever logged: records mask themselves, and errors name fields, never values.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from drivers.errors import DeviceUnavailable, ProtocolError
from drivers.idcard.codec import (
    Command,
    FrameReader,
    Reply,
    Sw3,
    decode_reply,
    encode_request,
)
from drivers.idcard.record import InvalidIdNumber, parse_record
from drivers.interfaces import (
    HEALTH_OK,
    DeviceHealth,
    HealthLevel,
    IdCardEvent,
    IdCardPresent,
    IdCardRead,
    IdCardReadError,
    IdCardRecord,
    IdCardRemoved,
)
from drivers.serial_port import LazyPort

log = logging.getLogger(__name__)

MIN_POLL_S = 0.3
NO_SAM = DeviceHealth(HealthLevel.ERROR, "no_sam", "idcard.no_sam")


class IdCardReaderDriver:
    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        poll_s: float = MIN_POLL_S,
        timeout_s: float = 1.0,
    ) -> None:
        self.url = url
        self._poll_s = max(poll_s, MIN_POLL_S)
        self._timeout_s = timeout_s
        self._port = LazyPort(
            url, what="ID card reader", baudrate=baudrate, timeout=0.02, write_timeout=1.0
        )
        self._reader = FrameReader()
        self._listener: Callable[[IdCardEvent], None] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._health = DeviceHealth(HealthLevel.UNKNOWN, "starting", "idcard.starting")
        self._sam_ok = False
        self._present = False

    # --- IdCardReader -----------------------------------------------------------------------

    def start(self, listener: Callable[[IdCardEvent], None]) -> None:
        if self._thread is not None:
            raise RuntimeError("reader already started")
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="idcard", daemon=True)
        self._thread.start()

    def health(self) -> DeviceHealth:
        return self._health

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._port.drop()

    # --- transport --------------------------------------------------------------------------

    def _exchange(self, command: Command) -> Reply | None:
        """One request; its reply, or None when nothing valid came back in time."""
        port = self._port.get()
        try:
            port.reset_input_buffer()
            self._reader.clear()
            port.write(encode_request(command))
            port.flush()
            deadline = time.monotonic() + self._timeout_s
            while time.monotonic() < deadline:
                for frame in self._reader.feed(port.read(2048)):
                    try:
                        return decode_reply(frame)
                    except ProtocolError:  # framed, checksum right, but no status words
                        log.debug("ID card reader: skipped a frame too short for a reply")
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise DeviceUnavailable(f"ID card reader {self.url}: {exc}") from exc
        return None

    # --- polling ----------------------------------------------------------------------------

    def _emit(self, event: IdCardEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    def _set_health(self, health: DeviceHealth) -> None:
        self._health = health

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._cycle()
            except DeviceUnavailable as exc:
                self._sam_ok = False
                self._set_health(
                    DeviceHealth(HealthLevel.ERROR, "unavailable", "idcard.unavailable", str(exc))
                )
            except Exception:  # a listener bug must not stop the reader
                log.exception("ID card poll cycle failed")
            self._stopping.wait(self._poll_s)

    def _cycle(self) -> None:
        if not self._sam_ok:
            reply = self._exchange(Command.SAM_STATUS)
            self._sam_ok = reply is not None and reply.sw3 == Sw3.SUCCESS
            self._set_health(HEALTH_OK if self._sam_ok else NO_SAM)
            if not self._sam_ok:
                return
        found = self._exchange(Command.FIND_CARD)
        if found is None:
            self._sam_ok = False  # silence: check the SAM again next time
            self._set_health(NO_SAM)
        elif found.sw3 == Sw3.CARD_FOUND:
            if not self._present:
                self._present = True
                self._emit(IdCardPresent())
            self._read()
        elif found.sw3 == Sw3.NO_CARD and self._present:
            # A read card is not "found" again while it lies there; select still sees it.
            selected = self._exchange(Command.SELECT_CARD)
            if selected is None or selected.sw3 != Sw3.SUCCESS:
                self._present = False
                self._emit(IdCardRemoved())

    def _read(self) -> None:
        selected = self._exchange(Command.SELECT_CARD)
        if selected is None or selected.sw3 != Sw3.SUCCESS:
            self._emit(IdCardReadError("idcard.read_failed", "select failed"))
            return
        try:
            reply = self._exchange(Command.READ_TEXT_AND_PHOTO)
        except ProtocolError as exc:
            self._emit(IdCardReadError("idcard.read_failed", str(exc)))
            return
        if reply is None or reply.sw3 != Sw3.SUCCESS:
            detail = "no answer" if reply is None else f"SW3 {reply.sw3:#04x}"
            self._emit(IdCardReadError("idcard.read_failed", detail))
            return
        try:
            self._emit(IdCardRead(_parse_read(reply.data)))
        except InvalidIdNumber as exc:
            self._emit(IdCardReadError(exc.message_key, str(exc)))
        except ProtocolError as exc:
            self._emit(IdCardReadError("idcard.read_failed", str(exc)))


def _parse_read(data: bytes) -> IdCardRecord:
    """Read reply data: text length (2 BE) · photo length (2 BE) · text · photo."""
    if len(data) < 4:
        raise ProtocolError("read reply too short")
    text_len = int.from_bytes(data[:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if len(data) != 4 + text_len + photo_len:
        raise ProtocolError("read reply lengths do not add up")
    text = data[4 : 4 + text_len]
    return parse_record(text, data[4 + text_len :])
