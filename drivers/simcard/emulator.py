"""A SIM card emulator that plugs into pcscd's virtual reader (vsmartcard-vpcd) over TCP.

vpcd listens on 127.0.0.1:35963 (reader "Virtual PCD 00 00"). Every message both ways is a 2-byte
big-endian length and a payload; a 1-byte payload from vpcd is a control code (0 power off, 1 power
on, 2 reset, 4 "send ATR"), a longer one a command APDU answered with the response APDU. Closing
the socket is card removal (protocols.md, "Testing PC/SC without a card").

Three card profiles:

- `usim`: a personalised UICC (class 00, `61xx` + `00 C0` GET RESPONSE): MF 3F00, EF_ICCID 2FE2,
  EF_DIR 2F00 whose USIM application is in record 2 (record 1 is an ISIM), ADF.USIM with EF_IMSI
  6F07 (readable after PIN1 when PIN1 is enabled) and EF_SMSP 6F42.
- `gsm`: a 2G SIM (class A0 only, `9Fxx` + `A0 C0` GET RESPONSE): EF_ICCID, DF_GSM 7F20/EF_IMSI.
- `blank`: a blank writable card of OUR vendor profile (see `drivers.simcard.apdu`): ADM1 key
  reference 0A, then UPDATE BINARY/RECORD of ICCID, Ki, PIN/PUK, SMSP, IMSI and the perso state.

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
import enum
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

from drivers.simcard import apdu

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963

DEFAULT_ADM_KEY = bytes.fromhex("3131313131313131")  # "11111111", the emulator's factory key
DEFAULT_PIN1 = "1234"
USIM_AID = bytes.fromhex("A0000000871002FF86FFFF89FFFFFFFF")
ISIM_AID = bytes.fromhex("A0000000871004FF86FFFF89FFFFFFFF")

USIM_ICCID = "89860012345678901238"  # Luhn-valid; China Mobile prefix 898600
GSM_ICCID = "8986011234567890128"  # 19 digits (China Unicom prefix 898601), Luhn-valid
USIM_IMSI = "460001234567890"
GSM_IMSI = "460019876543210"


def _with_tck(atr_without_tck: bytes) -> bytes:
    tck = 0
    for byte in atr_without_tck[1:]:
        tck ^= byte
    return atr_without_tck + bytes((tck,))


ATR_USIM = bytes.fromhex("3B9F96801FC78031A073BE21136743200718000001A5")
ATR_GSM = bytes.fromhex("3B1694710101050200")  # T=0 only: no TCK
ATR_BLANK = _with_tck(bytes.fromhex("3B9F96801FC78031A073BE21136B494F534B5749544531"))


class Profile(enum.Enum):
    USIM = "usim"
    GSM = "gsm"
    BLANK = "blank"


class Access(enum.Enum):
    ALWAYS = "always"
    PIN1 = "pin1"
    ADM = "adm"
    NEVER = "never"


@dataclass
class EF:
    fid: int
    data: bytearray = field(default_factory=bytearray)  # transparent EF
    records: list[bytearray] | None = None  # linear fixed EF
    read: Access = Access.ALWAYS
    update: Access = Access.ADM


@dataclass
class DF:
    fid: int
    children: dict[int, EF | DF] = field(default_factory=dict)
    aid: bytes = b""
    parent: DF | None = None

    def add(self, node: EF | DF) -> None:
        self.children[node.fid] = node
        if isinstance(node, DF):
            node.parent = self


@dataclass
class Faults:
    pull_after_writes: int | None = None
    write_error_after: int | None = None
    reject_adm: bool = False
    delay_s: float = 0.0


class CardPulled(Exception):
    """Raised inside the card to make the emulator close its socket (card pulled mid-command)."""


_OK = b"\x90\x00"


def _sw(value: int) -> bytes:
    return value.to_bytes(2, "big")


class VirtualSim:
    """The card itself: file system, security state and APDU processing (no socket)."""

    def __init__(
        self,
        profile: Profile | str = Profile.USIM,
        *,
        pin1_enabled: bool = False,
        pin1: str = DEFAULT_PIN1,
        adm_key: bytes = DEFAULT_ADM_KEY,
        faults: Faults | None = None,
    ) -> None:
        self.profile = Profile(profile)
        self.pin1 = pin1
        self.pin1_enabled = pin1_enabled
        self.pin1_tries = 3
        self.adm_key = adm_key
        self.adm_tries = 10
        self.faults = faults or Faults()
        self.writes = 0  # successful UPDATE commands since the card was made
        self.mf = DF(apdu.FID_MF)
        self.adfs: list[DF] = []
        self.atr = {Profile.USIM: ATR_USIM, Profile.GSM: ATR_GSM, Profile.BLANK: ATR_BLANK}[
            self.profile
        ]
        self.cla = apdu.CLA_GSM if self.profile is Profile.GSM else apdu.CLA_UICC
        self._build()
        self.power_on()

    # ------------------------------------------------------------------ file system

    def _build(self) -> None:
        mf = self.mf
        if self.profile is Profile.GSM:
            mf.add(EF(apdu.FID_ICCID, bytearray(apdu.encode_iccid(GSM_ICCID))))
            gsm = DF(apdu.FID_DF_GSM)
            mf.add(gsm)
            gsm.add(EF(apdu.FID_IMSI, bytearray(apdu.encode_imsi(GSM_IMSI)), read=Access.PIN1))
            return
        blank = self.profile is Profile.BLANK
        iccid = b"\xff" * apdu.ICCID_LEN if blank else apdu.encode_iccid(USIM_ICCID)
        mf.add(EF(apdu.FID_ICCID, bytearray(iccid)))
        records = [bytearray(b"\xff" * 32) for _ in range(3)]
        if blank:
            records[0] = bytearray(apdu.encode_ef_dir_record(USIM_AID, "USIM", 32))
        else:
            records[0] = bytearray(apdu.encode_ef_dir_record(ISIM_AID, "ISIM", 32))
            records[1] = bytearray(apdu.encode_ef_dir_record(USIM_AID, "USIM", 32))
        mf.add(EF(apdu.FID_DIR, records=records, update=Access.NEVER))
        adf = DF(0x7FFF, aid=USIM_AID)
        adf.parent = mf
        self.adfs.append(adf)
        imsi = b"\xff" * apdu.IMSI_FILE_LEN if blank else apdu.encode_imsi(USIM_IMSI)
        adf.add(EF(apdu.FID_IMSI, bytearray(imsi), read=Access.PIN1))
        smsp = apdu.encode_smsp("" if blank else "+8613800100500")
        adf.add(EF(apdu.FID_SMSP, records=[bytearray(smsp), bytearray(b"\xff" * 28)]))
        if blank:
            mf.add(EF(apdu.FID_VENDOR_KI, bytearray(b"\xff" * apdu.KI_FILE_LEN), read=Access.ADM))
            mf.add(
                EF(apdu.FID_VENDOR_PINS, bytearray(b"\xff" * apdu.PINS_FILE_LEN), read=Access.ADM)
            )
            mf.add(EF(apdu.FID_VENDOR_PERSO, bytearray((apdu.PERSO_BLANK,))))

    def ef(self, *path: int, aid: bool = False) -> EF:
        """A file by path from the MF (or from ADF.USIM with `aid=True`), for tests."""
        node: EF | DF = self.adfs[0] if aid else self.mf
        for fid in path:
            assert isinstance(node, DF)
            node = node.children[fid]
        assert isinstance(node, EF)
        return node

    # ------------------------------------------------------------------ session

    def power_on(self) -> None:
        self.current_df: DF = self.mf
        self.current_ef: EF | None = None
        self.pending = b""
        self.pin1_verified = False
        self.adm_verified = False

    def _allowed(self, access: Access) -> bool:
        if access is Access.ALWAYS:
            return True
        if access is Access.PIN1:
            return not self.pin1_enabled or self.pin1_verified or self.adm_verified
        if access is Access.ADM:
            return self.adm_verified
        return False

    def _gsm(self) -> bool:
        return self.profile is Profile.GSM

    def _sw_security(self) -> bytes:
        return _sw(0x9804 if self._gsm() else 0x6982)

    def _sw_not_found(self) -> bytes:
        return _sw(0x9404 if self._gsm() else 0x6A82)

    # ------------------------------------------------------------------ APDUs

    def process(self, command: bytes) -> bytes:
        """Answer one command APDU. Raises CardPulled when a fault pulls the card."""
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins = command[0], command[1]
        if cla != self.cla:
            return _sw(0x6E00)
        handler = {
            0xA4: self._select,
            0xC0: self._get_response,
            0xB0: self._read_binary,
            0xB2: self._read_record,
            0xD6: self._update,
            0xDC: self._update,
            0x20: self._verify,
        }.get(ins)
        if handler is None:
            return _sw(0x6D00)
        return handler(command)

    @staticmethod
    def _body(command: bytes) -> bytes:
        if len(command) <= 5:
            return b""
        return command[5 : 5 + command[4]]

    def _find(self, fid: int) -> EF | DF | None:
        if fid == apdu.FID_MF:
            return self.mf
        if fid == 0x7FFF and self.adfs:
            return self.adfs[0]
        df: DF | None = self.current_df
        while df is not None:
            if fid in df.children:
                return df.children[fid]
            if df.fid == fid:
                return df
            df = df.parent
        return None

    def _select(self, command: bytes) -> bytes:
        p1, p2 = command[2], command[3]
        body = self._body(command)
        node: EF | DF | None
        if p1 == 0x04:
            node = next((adf for adf in self.adfs if body and adf.aid.startswith(body)), None)
        elif len(body) == 2:
            node = self._find(int.from_bytes(body, "big"))
        else:
            return _sw(0x6A86)
        if node is None:
            return self._sw_not_found()
        if isinstance(node, DF):
            self.current_df, self.current_ef = node, None
        else:
            self.current_ef = node
        if self._gsm():
            self.pending = self._gsm_response(node)
            return bytes((0x9F, len(self.pending)))
        if p2 & 0x0C == 0x0C:
            self.pending = b""
            return _OK
        self.pending = self._fcp(node)
        return bytes((0x61, len(self.pending)))

    @staticmethod
    def _fcp(node: EF | DF) -> bytes:
        fid = node.fid.to_bytes(2, "big")
        if isinstance(node, DF):
            inner = b"\x82\x02\x78\x21\x83\x02" + fid
            if node.aid:
                inner += bytes((0x84, len(node.aid))) + node.aid
        elif node.records is not None:
            rec_len = len(node.records[0])
            inner = (
                bytes((0x82, 0x05, 0x42, 0x21)) + rec_len.to_bytes(2, "big")
                + bytes((len(node.records),)) + b"\x83\x02" + fid
            )  # fmt: skip
        else:
            inner = (
                b"\x82\x02\x41\x21\x83\x02" + fid + b"\x80\x02" + len(node.data).to_bytes(2, "big")
            )
        return bytes((0x62, len(inner))) + inner

    @staticmethod
    def _gsm_response(node: EF | DF) -> bytes:
        fid = node.fid.to_bytes(2, "big")
        if isinstance(node, DF):
            return (
                b"\x00\x00\x10\x00" + fid + b"\x02\x00\x00\x00\x00\x00\x09\x11\x04\x04\x00"
                + b"\x83\x8a\x83\x8a\x00\x83\x00"
            )  # fmt: skip
        if node.records is not None:
            size = len(node.records) * len(node.records[0])
            tail = bytes((0x01, len(node.records[0])))
        else:
            size = len(node.data)
            tail = b"\x00\x00"
        return b"\x00\x00" + size.to_bytes(2, "big") + fid + b"\x04\x00\x11\xf4\x44\x01\x02" + tail

    def _get_response(self, command: bytes) -> bytes:
        if not self.pending:
            return _sw(0x6985 if not self._gsm() else 0x9400)
        le = command[4] if len(command) >= 5 else 0
        data = self.pending[: le or 256]
        self.pending = b""
        return data + _OK

    def _read_binary(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None or ef.records is not None:
            return _sw(0x6986 if not self._gsm() else 0x9400)
        if not self._allowed(ef.read):
            return self._sw_security()
        offset = (command[2] << 8) | command[3]
        le = command[4] if len(command) >= 5 else 0
        if offset > len(ef.data) or (le and offset + le > len(ef.data)):
            return _sw(0x6B00 if not self._gsm() else 0x9402)
        end = offset + le if le else len(ef.data)
        return bytes(ef.data[offset:end]) + _OK

    def _read_record(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None or ef.records is None:
            return _sw(0x6986 if not self._gsm() else 0x9400)
        if not self._allowed(ef.read):
            return self._sw_security()
        number = command[2]
        if command[3] != 0x04 or not 1 <= number <= len(ef.records):
            return _sw(0x6A83 if not self._gsm() else 0x9402)
        record = bytes(ef.records[number - 1])
        le = command[4] if len(command) >= 5 else 0
        if le and le != len(record):
            return bytes((0x6C, len(record)))
        return record + _OK

    def _update(self, command: bytes) -> bytes:
        ef = self.current_ef
        if ef is None:
            return _sw(0x6986)
        if not self._allowed(ef.update):
            return self._sw_security()
        body = self._body(command)
        if not body:
            return _sw(0x6700)
        faults = self.faults
        if faults.pull_after_writes is not None and self.writes >= faults.pull_after_writes:
            raise CardPulled
        if faults.write_error_after is not None and self.writes >= faults.write_error_after:
            return _sw(0x6581)
        write = self._write_record if command[1] == 0xDC else self._write_binary
        answer = write(ef, command, body)
        if answer == _OK:
            self.writes += 1
        return answer

    @staticmethod
    def _write_record(ef: EF, command: bytes, body: bytes) -> bytes:
        if ef.records is None:
            return _sw(0x6981)
        number = command[2]
        if command[3] != 0x04 or not 1 <= number <= len(ef.records):
            return _sw(0x6A83)
        if len(body) != len(ef.records[number - 1]):
            return _sw(0x6700)
        ef.records[number - 1][:] = body
        return _OK

    @staticmethod
    def _write_binary(ef: EF, command: bytes, body: bytes) -> bytes:
        if ef.records is not None:
            return _sw(0x6981)
        offset = (command[2] << 8) | command[3]
        if offset + len(body) > len(ef.data):
            return _sw(0x6B00)
        ef.data[offset : offset + len(body)] = body
        return _OK

    def _verify(self, command: bytes) -> bytes:
        key_ref = command[3]
        body = self._body(command)
        if key_ref == apdu.KEY_REF_PIN1:
            return self._verify_pin1(body)
        if key_ref == apdu.KEY_REF_ADM1 and not self._gsm():
            return self._verify_adm(body)
        return _sw(0x6A86 if not self._gsm() else 0x9802)

    def _verify_pin1(self, body: bytes) -> bytes:
        gsm = self._gsm()
        if self.pin1_tries == 0:
            return _sw(0x9840 if gsm else 0x6983)
        if not body:  # status query
            if not self.pin1_enabled or self.pin1_verified:
                return _OK
            return _sw(0x63C0 | self.pin1_tries)
        if body == apdu.pad_pin(self.pin1):
            self.pin1_tries = 3
            self.pin1_verified = True
            return _OK
        self.pin1_tries -= 1
        if self.pin1_tries == 0:
            return _sw(0x9840 if gsm else 0x6983)
        return _sw(0x9804 if gsm else 0x63C0 | self.pin1_tries)

    def _verify_adm(self, body: bytes) -> bytes:
        if self.adm_tries == 0:
            return _sw(0x6983)
        if not body:
            return _OK if self.adm_verified else _sw(0x63C0 | min(self.adm_tries, 15))
        if body == self.adm_key and not self.faults.reject_adm:
            self.adm_tries = 10
            self.adm_verified = True
            return _OK
        self.adm_tries -= 1
        if self.adm_tries == 0:
            return _sw(0x6983)
        return _sw(0x63C0 | min(self.adm_tries, 15))


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
