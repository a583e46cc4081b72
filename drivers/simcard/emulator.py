"""A SIM card emulator that plugs into pcscd's virtual reader (vsmartcard-vpcd) over TCP.

vpcd listens on 127.0.0.1:35963 (reader "Virtual PCD 00 00"). Every message both ways is a 2-byte
big-endian length and a payload; a 1-byte payload from vpcd is a control code (0 power off, 1 power
on, 2 reset, 4 "send ATR"), a longer one a command APDU answered with the response APDU. Closing
the socket is card removal (docs/protocols.md#testing-pcsc-without-a-card).

Three card profiles (`drivers.simcard.card_profiles`): `usim` (a personalised UICC, class 00,
`61xx` + `00 C0` GET RESPONSE, ETSI TS 102 221 / 3GPP TS 31.102), `gsm` (a 2G SIM, class A0,
`9Fxx` + `A0 C0`, 3GPP TS 51.011) and `blank` (a blank writable UICC of OUR vendor profile, see
`drivers.simcard.apdu`: ADM1 key reference 0A, then UPDATE BINARY/RECORD of ICCID, Ki, PIN/PUK,
SMSP, IMSI and the perso state). What the card implements, and how it refuses the rest, is in
docs/drivers-simcard.md.

Fault switches (attributes of `SimCardEmulator.faults`, changeable at any time): `pull_after_writes`
(the card is pulled — the socket closed — when an update comes after that many successful ones),
`write_error_after` (updates after that many answer `6581` memory problem), `reject_adm` (every ADM
verification answers `63Cx`), `delay_s` (slow answers).

Usage: `with SimCardEmulator(profile="usim") as card: ...` (`insert()` / `remove()` connect and
disconnect), or standalone `python -m drivers.simcard.emulator --profile usim`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import struct
import threading
import time
from types import TracebackType

from drivers.simcard import apdu
from drivers.simcard.virtual_card import (
    ATR_BLANK,
    ATR_GSM,
    ATR_USIM,
    DEFAULT_ADM_KEY,
    GSM_ICCID,
    GSM_IMSI,
    USIM_ICCID,
    USIM_IMSI,
    CardPulled,
    Faults,
    Profile,
    VirtualSim,
)

__all__ = [
    "ATR_BLANK",
    "ATR_GSM",
    "ATR_USIM",
    "DEFAULT_ADM_KEY",
    "GSM_ICCID",
    "GSM_IMSI",
    "USIM_ICCID",
    "USIM_IMSI",
    "VPCD_HOST",
    "VPCD_PORT",
    "Faults",
    "Profile",
    "SimCardEmulator",
    "VirtualSim",
    "main",
]

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963


class SimCardEmulator:
    """Connects a `VirtualSim` to vpcd: `insert()` connects (card in), `remove()` disconnects."""

    def __init__(
        self,
        profile: Profile | str = Profile.USIM,
        *,
        host: str = VPCD_HOST,
        port: int = VPCD_PORT,
        pin1_enabled: bool = False,
        adm_key: bytes = DEFAULT_ADM_KEY,
        faults: Faults | None = None,
        card: VirtualSim | None = None,
    ) -> None:
        self.card = card or VirtualSim(
            profile, pin1_enabled=pin1_enabled, adm_key=adm_key, faults=faults
        )
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.disconnected = threading.Event()
        self.disconnected.set()
        self.apdu_count = 0

    @property
    def faults(self) -> Faults:
        return self.card.faults

    @property
    def inserted(self) -> bool:
        return not self.disconnected.is_set()

    def __enter__(self) -> SimCardEmulator:
        self.insert()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    def insert(self, timeout_s: float = 10.0) -> None:
        """Connect to vpcd (retrying while it is not listening yet): the card is in the reader."""
        self.remove()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise ConnectionError(
                        f"vpcd is not listening on {self.host}:{self.port}: {exc}"
                    ) from exc
                time.sleep(0.1)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._sock = sock
            self.disconnected.clear()
            self._thread = threading.Thread(
                target=self._serve, args=(sock,), name="sim-emulator", daemon=True
            )
            self._thread.start()

    def remove(self) -> None:
        """Disconnect from vpcd: the card leaves the reader."""
        with self._lock:
            sock, thread = self._sock, self._thread
            self._sock = self._thread = None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self.disconnected.set()

    def wait_disconnected(self, timeout_s: float) -> bool:
        return self.disconnected.wait(timeout_s)

    # ------------------------------------------------------------------ socket loop

    @staticmethod
    def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = sock.recv(size - len(chunks))
            if not chunk:
                return None
            chunks += chunk
        return bytes(chunks)

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = self._recv_exact(sock, 2)
                if header is None:
                    break
                payload = self._recv_exact(sock, struct.unpack(">H", header)[0])
                if payload is None:
                    break
                if len(payload) == 1:
                    self._control(sock, payload[0])
                    continue
                self.apdu_count += 1
                try:
                    answer = self.card.process(payload)
                except CardPulled:
                    log.info("emulator: card pulled during %s", apdu.redact(payload))
                    break
                if self.card.faults.delay_s:
                    time.sleep(self.card.faults.delay_s)
                self._send(sock, answer)
        except OSError as exc:
            log.debug("emulator: connection ended: %s", exc)
        finally:
            with contextlib.suppress(OSError):
                sock.close()
            with self._lock:
                if self._sock is sock:
                    self._sock = None
                    self._thread = None
            self.disconnected.set()

    def _control(self, sock: socket.socket, code: int) -> None:
        if code in (1, 2):  # power on, reset
            self.card.power_on()
        elif code == 4:
            self._send(sock, self.card.atr)
        # 0 power off: nothing to answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SIM card emulator for pcscd's vpcd reader")
    parser.add_argument("--profile", choices=[p.value for p in Profile], default="usim")
    parser.add_argument("--host", default=VPCD_HOST)
    parser.add_argument("--port", type=int, default=VPCD_PORT)
    parser.add_argument("--pin", action="store_true", help="PIN1 enabled (IMSI needs PIN 1234)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    emulator = SimCardEmulator(args.profile, host=args.host, port=args.port, pin1_enabled=args.pin)
    emulator.faults.delay_s = args.delay
    try:
        while True:
            try:
                emulator.insert(timeout_s=3600)
            except ConnectionError as exc:
                log.warning("%s", exc)
                continue
            log.info("%s card inserted into vpcd %s:%d", args.profile, args.host, args.port)
            emulator.disconnected.wait()
            log.info("vpcd closed the connection; reconnecting")
            time.sleep(1.0)
    except KeyboardInterrupt:
        emulator.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
