"""PC/SC plumbing for the SIM driver: the pcscd transport (`PcscTransport`: reader lookup and
card state polling, a context + connection per operation in `PcscSession`, its exchanges with
pcscd's return codes mapped to our errors). What is not pcscd's (response parsing, GET
RESPONSE, file access) is in `card_session`, shared with the in-process card.

A fresh context per operation is deliberate: it survives pcscd restarts and readers unplugged and
plugged back, where a long-lived context goes stale
(docs/protocols.md#sim-reader-and-writer-pcsc).
"""

from __future__ import annotations

import logging
from typing import Any

from smartcard import scard

from drivers.simcard.card_session import CardFiles, CardSession
from drivers.simcard.errors import (
    SimCardRemoved,
    SimNoCard,
    SimNoReader,
    SimReadFailed,
)

__all__ = ["CardFiles", "PcscSession", "PcscTransport", "find_reader", "return_code"]

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


class PcscSession(CardSession):
    """One pcscd connection to the card in the reader."""

    def __init__(self, reader_filter: str, *, exclusive: bool) -> None:
        rv, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if return_code(rv) != S_OK:
            raise SimNoReader(f"PC/SC service not available: {describe(return_code(rv))}")
        self.handle: Any = None
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

    def _release(self) -> None:
        if self.handle is not None:
            disposition = scard.SCARD_RESET_CARD if self.reset_on_close else scard.SCARD_LEAVE_CARD
            try:
                scard.SCardDisconnect(self.handle, disposition)
            except Exception as exc:
                log.debug("SCardDisconnect: %s", exc)
            self.handle = None
        if self.context is not None:
            release_context(self.context)
            self.context = None

    def _exchange(self, command: bytes) -> bytes:
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
        if rv != S_OK:
            raise SimCardRemoved(f"the card stopped answering: {describe(rv)}")
        return bytes(raw)


def find_reader(context: Any, reader_filter: str) -> str | None:
    rv, readers = scard.SCardListReaders(context, [])
    if return_code(rv) != S_OK or not readers:
        return None
    wanted = reader_filter.casefold()
    for name in readers:
        if wanted in str(name).casefold():
            return str(name)
    return None


class PcscTransport:
    """`CardTransport` through pcscd; `reader_filter` is part of the reader's name."""

    def __init__(self, reader_filter: str = "") -> None:
        self.reader_filter = reader_filter

    def open(self, *, exclusive: bool) -> CardSession:
        return PcscSession(self.reader_filter, exclusive=exclusive)

    def poll(self) -> tuple[str | None, bytes | None]:
        """(reader name, ATR of the card in it) from a fresh PC/SC context."""
        try:
            rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        except Exception as exc:
            log.debug("SCardEstablishContext: %s", exc)
            return None, None
        if return_code(rv) != S_OK:
            return None, None
        try:
            return self._poll_reader(context)
        except Exception as exc:
            log.debug("SIM poll: %s", exc)
            return None, None
        finally:
            release_context(context)

    def _poll_reader(self, context: Any) -> tuple[str | None, bytes | None]:
        reader = find_reader(context, self.reader_filter)
        if reader is None:
            return None, None
        rv, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if return_code(rv) != S_OK or not states:
            return None, None
        _name, state, atr = states[0]
        if state & scard.SCARD_STATE_UNAVAILABLE:
            return None, None
        present = state & scard.SCARD_STATE_PRESENT and not state & scard.SCARD_STATE_MUTE
        return reader, (bytes(atr) if present and atr else None)
