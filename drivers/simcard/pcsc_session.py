"""PC/SC plumbing for the SIM driver: a context + connection per operation (`PcscSession`), APDU
exchange with `61xx`/`9Fxx` GET RESPONSE handled and secrets redacted in the debug log, reader
lookup, and file access on a connected card (`CardFiles`, UICC class 00 or 2G class A0).

A fresh context per operation is deliberate: it survives pcscd restarts and readers unplugged and
plugged back, where a long-lived context goes stale (protocols.md, PC/SC).
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from smartcard import scard

from drivers.simcard import apdu
from drivers.simcard.apdu import FileInfo, FileStructure, Response, SimDataError, SwKind
from drivers.simcard.errors import (
    SimCardRemoved,
    SimNoCard,
    SimNoReader,
    SimReadFailed,
)

log = logging.getLogger(__name__)


_MASK = 0xFFFFFFFF


def return_code(value: Any) -> int:
    return int(value) & _MASK


S_OK = 0
NO_SERVICE = {return_code(scard.SCARD_E_NO_SERVICE), return_code(scard.SCARD_E_SERVICE_STOPPED)}
NO_READER = {
    return_code(scard.SCARD_E_UNKNOWN_READER),
    return_code(scard.SCARD_E_READER_UNAVAILABLE),
    return_code(scard.SCARD_E_NO_READERS_AVAILABLE),
} | NO_SERVICE
NO_CARD = {
    return_code(scard.SCARD_E_NO_SMARTCARD),
    return_code(scard.SCARD_W_REMOVED_CARD),
    return_code(scard.SCARD_W_UNRESPONSIVE_CARD),
}


def describe(rv: int) -> str:
    try:
        return f"{scard.SCardGetErrorMessage(rv)} ({rv:#010x})"
    except Exception:  # pragma: no cover - pyscard's message table is complete
        return f"{rv:#010x}"


def release_context(context: Any) -> None:
    try:
        scard.SCardReleaseContext(context)
    except Exception as exc:  # a dead pcscd may make even this fail
        log.debug("SCardReleaseContext: %s", exc)


class PcscSession:
    """One connection to the card in the reader: transmit with logging and GET RESPONSE."""

    def __init__(self, reader_filter: str, *, exclusive: bool) -> None:
        rv, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if return_code(rv) != S_OK:
            raise SimNoReader(f"PC/SC service not available: {describe(return_code(rv))}")
        self.handle: Any = None
        self.disposition = scard.SCARD_LEAVE_CARD
        try:
            self.reader = find_reader(self.context, reader_filter)
            if self.reader is None:
                raise SimNoReader(f"no PC/SC reader matching {reader_filter!r}")
            share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
            rv, self.handle, self.protocol = scard.SCardConnect(
                self.context,
                self.reader,
                share,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
            )
            rv = return_code(rv)
            if rv in NO_CARD:
                raise SimNoCard(f"no card in {self.reader}: {describe(rv)}")
            if rv in NO_READER:
                raise SimNoReader(f"reader {self.reader} went away: {describe(rv)}")
            if rv != S_OK:
                raise SimReadFailed(f"cannot connect to the card: {describe(rv)}")
            rv, _name, _state, _proto, atr = scard.SCardStatus(self.handle)
            if return_code(rv) != S_OK:
                raise SimNoCard(f"card status failed: {describe(return_code(rv))}")
            self.atr = bytes(atr)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PcscSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.handle is not None:
            try:
                scard.SCardDisconnect(self.handle, self.disposition)
            except Exception as exc:
                log.debug("SCardDisconnect: %s", exc)
            self.handle = None
        if self.context is not None:
            release_context(self.context)
            self.context = None

    def transmit(self, command: bytes, *, secret: bool = False) -> Response:
        """One exchange. A card that does not answer (pulled) raises SimCardRemoved."""
        log.debug("SIM > %s", apdu.redact(command))
        try:
            rv, raw = scard.SCardTransmit(self.handle, self.protocol, list(command))
        except Exception as exc:
            raise SimCardRemoved(f"transmit failed: {exc}") from exc
        rv = return_code(rv)
        if rv in NO_SERVICE or rv in (
            return_code(scard.SCARD_E_UNKNOWN_READER),
            return_code(scard.SCARD_E_READER_UNAVAILABLE),
        ):
            raise SimCardRemoved(f"reader went away during a command: {describe(rv)}")
        if rv != S_OK or len(raw) < 2:
            # vpcd and real readers answer an empty response when the card vanished mid-command.
            raise SimCardRemoved(f"the card stopped answering: {describe(rv)}")
        response = apdu.parse_response(bytes(raw))
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


def find_reader(context: Any, reader_filter: str) -> str | None:
    rv, readers = scard.SCardListReaders(context, [])
    if return_code(rv) != S_OK or not readers:
        return None
    wanted = reader_filter.casefold()
    for name in readers:
        if wanted in str(name).casefold():
            return str(name)
    return None


class CardFiles:
    """File-system level operations on one session (UICC or 2G)."""

    def __init__(self, session: PcscSession) -> None:
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
