"""The CRT-591-M link layer over a serial port: one command, its ACK, its reply, with the
manual's retries (§1.4, docs/drivers-dispenser.md). Thin: framing is the codec's.

    host  Command ─────────────► unit ACK (or NAK: send again; silence 300 ms: send again)
          ◄──────────── Reply    host ACK (or NAK when the BCC is wrong: the unit repeats it)

A reply that does not come is the one case whose outcome is unknown (the unit ACKed, so it
may have moved a card): the link sends EOT to discontinue (cases 5-7; a reply that still
arrives is taken) and raises `ReplyLost`. The driver then asks the unit where the card is —
it never repeats a movement blindly.
"""

from __future__ import annotations

import logging
import time

import serial

from drivers.dispenser.crt591_codec import (
    Command,
    Control,
    Corrupt,
    Frame,
    FrameReader,
    Reply,
    Token,
    decode_reply,
    encode_command,
)
from drivers.errors import AnswerLost, DeviceUnavailable, ProtocolError
from drivers.serial_port import LazyPort

log = logging.getLogger(__name__)


class CommandNotAccepted(DeviceUnavailable):
    """No ACK after every retry: the unit never took the command, so nothing moved."""

    message_key = "dispenser.no_answer"


class ReplyLost(AnswerLost):
    """The unit ACKed the command but no usable reply came: it may or may not have moved."""

    message_key = "dispenser.no_answer"


class Crt591Link:
    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        address: int = 0,
        ack_timeout_s: float = 0.3,
        reply_timeout_s: float = 8.0,
        retries: int = 3,
    ) -> None:
        self.url = url
        self._address = address
        self._ack_timeout_s = ack_timeout_s
        self._reply_timeout_s = reply_timeout_s
        self._retries = retries
        # §1.1.1: 8 data bits, no parity, 1 stop bit; the unit detects the baud rate.
        self._port = LazyPort(
            url,
            what="card dispenser",
            baudrate=baudrate,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_NONE,
            stopbits=serial.STOPBITS_ONE,
            timeout=0.02,
            write_timeout=1.0,
        )
        self._reader = FrameReader()
        self._pending: list[Token] = []
        self.naks = 0  # NAKs the unit sent us (for tests and diagnostics)
        self.resends = 0  # commands sent again

    def close(self) -> None:
        self._port.drop()

    def transact(self, command: Command, data: bytes = b"") -> Reply:
        """Send `command`; its reply. CommandNotAccepted: certainly not executed. ReplyLost:
        accepted, outcome unknown. ProtocolError: the unit's reply cannot be read."""
        wire = encode_command(command, data, address=self._address)
        try:
            port = self._port.get()
            port.reset_input_buffer()
            self._reader.clear()
            self._pending.clear()
            self._send_until_acked(port, command, wire)
            return self._await_reply(port, command)
        except (serial.SerialException, OSError) as exc:
            self._port.drop()
            raise DeviceUnavailable(f"card dispenser {self.url}: {exc}") from exc

    def _next(self, port: serial.Serial, deadline: float) -> Token | None:
        """The next token off the line, or None at the deadline."""
        while not self._pending:
            if time.monotonic() >= deadline:
                return None
            self._pending.extend(self._reader.feed(port.read(256)))
        return self._pending.pop(0)

    def _send_until_acked(self, port: serial.Serial, command: Command, wire: bytes) -> None:
        for attempt in range(1 + self._retries):
            if attempt:
                self.resends += 1
            port.write(wire)
            port.flush()
            deadline = time.monotonic() + self._ack_timeout_s
            while (token := self._next(port, deadline)) is not None:
                if token is Control.ACK:
                    return
                if token is Control.NAK:
                    self.naks += 1
                    break  # §1.4.2 case 2: the unit got it garbled; send again
                # a late reply to an earlier command, or noise: keep waiting for the ACK
            log.debug("crt591: no ACK for %s (attempt %d)", command.name, attempt + 1)
        raise CommandNotAccepted(f"card dispenser {self.url}: {command.name} not acknowledged")

    def _await_reply(self, port: serial.Serial, command: Command) -> Reply:
        deadline = time.monotonic() + self._reply_timeout_s
        bad = 0
        while (token := self._next(port, deadline)) is not None:
            if isinstance(token, Corrupt) or (isinstance(token, Frame) and not _readable(token)):
                bad += 1
                if bad > self._retries:
                    raise ProtocolError(f"card dispenser: no readable reply to {command.name}")
                self._write(port, Control.NAK)  # §1.4.2 case 3: the unit sends it again
            elif isinstance(token, Frame):
                reply = decode_reply(token)
                if reply.answers(command):
                    self._write(port, Control.ACK)
                    return reply
                log.debug("crt591: skipped a reply to %#04x %#04x", reply.cm, reply.pm)
        return self._discontinue(port, command)

    @staticmethod
    def _write(port: serial.Serial, control: Control) -> None:
        port.write(bytes((control,)))
        port.flush()

    def _discontinue(self, port: serial.Serial, command: Command) -> Reply:
        """§1.4.2 cases 5-7: EOT asks the unit to stop; a reply it had on its way is used."""
        for _attempt in range(2):  # case 6: an EOT lost on the line is sent once more
            self._write(port, Control.EOT)
            deadline = time.monotonic() + self._ack_timeout_s
            while (token := self._next(port, deadline)) is not None:
                if token is Control.EOT:
                    raise ReplyLost(f"card dispenser: {command.name} discontinued")
                if isinstance(token, Frame) and _readable(token):
                    reply = decode_reply(token)
                    if reply.answers(command):  # case 7: it finished first
                        self._write(port, Control.ACK)
                        return reply
        raise ReplyLost(f"card dispenser: no reply to {command.name}")


def _readable(token: Frame) -> bool:
    try:
        decode_reply(token)
    except ProtocolError:
        return False
    return True
