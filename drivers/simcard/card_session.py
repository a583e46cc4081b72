"""What the SIM driver needs of a card connection, whatever carries the APDUs: `CardSession`
(one connection: raw exchange by the transport, response parsing, `61xx`/`9Fxx` GET RESPONSE,
`6Cxx` retry and the redacted debug log, shared), `CardTransport` (find the reader and its
card, open a session) and `CardFiles` (file access on a connected card, UICC class 00 or 2G
class A0). pcscd is one transport (`pcsc_session`), the in-process emulated card
another (`inprocess`); the driver (`driver`) is the same over both.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Protocol

from drivers.simcard import apdu
from drivers.simcard.apdu import FileInfo, FileStructure, Response, SimDataError, SwKind
from drivers.simcard.errors import SimCardRemoved, SimReadFailed

log = logging.getLogger(__name__)


class CardSession:
    """One connection to the card in the reader. A transport provides `_exchange` and `_release`;
    `reset_on_close` asks for a card reset when the connection ends (after ADM was verified)."""

    atr: bytes = b""
    reset_on_close: bool = False

    def _exchange(self, command: bytes) -> bytes:
        """Send one command APDU, return the raw response (data + SW1 SW2).
        Raises SimCardRemoved when the card or reader went away."""
        raise NotImplementedError

    def _release(self) -> None:
        """End the connection (reset the card first if `reset_on_close`); idempotent."""
        raise NotImplementedError

    def close(self) -> None:
        self._release()

    def __enter__(self) -> CardSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def transmit(self, command: bytes, *, secret: bool = False) -> Response:
        """One exchange. A card that does not answer (pulled) raises SimCardRemoved."""
        log.debug("SIM > %s", apdu.redact(command))
        raw = self._exchange(command)
        if len(raw) < 2:
            # vpcd and real readers answer an empty response when the card vanished mid-command.
            raise SimCardRemoved("the card stopped answering (empty response)")
        response = apdu.parse_response(raw)
        if secret or command[1] in (0x20, 0x24, 0x2C):
            log.debug("SIM < %s (%d bytes)", response, len(response.data))
        else:
            log.debug("SIM < %s %s", response.data.hex(" ").upper(), response)
        return response

    def command(self, command: bytes, *, secret: bool = False) -> Response:
        """Transmit, fetching `61xx` / `9Fxx` data with GET RESPONSE and repeating on `6Cxx`."""
        response = self.transmit(command, secret=secret)
        if response.kind is SwKind.WRONG_LE and len(command) == 5:
            response = self.transmit(command[:4] + bytes((response.sw2,)), secret=secret)
        if response.kind is SwKind.MORE_DATA:
            response = self.transmit(
                apdu.get_response(response.sw2 or 256, cla=apdu.CLA_UICC), secret=secret
            )
        elif response.kind is SwKind.GSM_MORE_DATA:
            response = self.transmit(
                apdu.get_response(response.sw2 or 256, cla=apdu.CLA_GSM), secret=secret
            )
        return response


class CardTransport(Protocol):
    """How the driver reaches a reader and its card."""

    def poll(self) -> tuple[str | None, bytes | None]:
        """(reader name, ATR of the card in it); (None, None) when there is no reader. Never
        raises: the monitor thread calls it every poll."""
        ...

    def open(self, *, exclusive: bool) -> CardSession:
        """A connection to the card. Raises SimNoReader, SimNoCard or SimReadFailed."""
        ...


class CardFiles:
    """File-system level operations on one session (UICC or 2G)."""

    def __init__(self, session: CardSession) -> None:
        self.s = session
        first = session.command(apdu.select_uicc(apdu.FID_MF))
        if first.kind in (SwKind.CLASS_NOT_SUPPORTED, SwKind.INS_NOT_SUPPORTED):
            self.cla = apdu.CLA_GSM
            first = session.command(apdu.select_gsm(apdu.FID_MF))
        else:
            self.cla = apdu.CLA_UICC
        if not first.ok:
            raise SimReadFailed(f"SELECT MF answered {first}")

    @property
    def uicc(self) -> bool:
        return self.cla == apdu.CLA_UICC

    def select(self, fid: int) -> FileInfo | None:
        """Select a file; None when the card has no such file."""
        command = apdu.select_uicc(fid) if self.uicc else apdu.select_gsm(fid)
        response = self.s.command(command)
        return self._file_info(response, f"{fid:04X}")

    def select_aid(self, aid: bytes) -> FileInfo | None:
        return self._file_info(self.s.command(apdu.select_aid(aid)), aid.hex().upper())

    def _file_info(self, response: Response, what: str) -> FileInfo | None:
        if response.kind is SwKind.FILE_NOT_FOUND:
            return None
        if not response.ok:
            raise SimReadFailed(f"SELECT {what} answered {response}")
        if not response.data:
            return FileInfo(FileStructure.UNKNOWN)
        try:
            if self.uicc:
                return apdu.parse_fcp(response.data)
            return apdu.parse_gsm_response(response.data)
        except SimDataError as exc:
            raise SimReadFailed(f"SELECT {what}: {exc}") from exc

    def read_binary(self, length: int, *, secret: bool = False) -> Response:
        return self.s.command(apdu.read_binary(length, cla=self.cla), secret=secret)

    def read_record(self, number: int, length: int) -> Response:
        return self.s.command(apdu.read_record(number, length, cla=self.cla))

    def read_file(self, fid: int, length: int, *, secret: bool = False) -> bytes:
        """Select and read a transparent EF; SimReadFailed for anything but 9000."""
        if self.select(fid) is None:
            raise SimReadFailed(f"the card has no file {fid:04X}")
        response = self.read_binary(length, secret=secret)
        if not response.ok or len(response.data) != length:
            raise SimReadFailed(f"READ BINARY {fid:04X} answered {response}")
        return response.data

    def select_usim(self) -> bool:
        """Select ADF.USIM through the AID listed in EF_DIR (any record). False when absent."""
        if self.select(apdu.FID_MF) is None:
            raise SimReadFailed("the card has no MF")
        info = self.select(apdu.FID_DIR)
        if info is None or info.record_length == 0:
            return False
        for number in range(1, info.record_count + 1):
            response = self.read_record(number, info.record_length)
            if not response.ok:
                log.debug("EF_DIR record %d: %s", number, response)
                continue
            try:
                aid = apdu.parse_ef_dir_record(response.data)
            except SimDataError as exc:
                log.warning("EF_DIR record %d unreadable: %s", number, exc)
                continue
            if aid is not None and apdu.is_usim_aid(aid):
                return self.select_aid(aid) is not None
        return False
