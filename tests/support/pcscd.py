"""The suite's own pcscd: a private daemon with its own socket and its own vpcd port, so a pcscd
left running by the system or by another test run is neither reused nor in the way.

pcsc-lite 1.9.9 listens on, and refuses to start beside, the fixed /run/pcscd/pcscd.comm (its
pid file is /run/pcscd/pcscd.pid); only the client library reads PCSCLITE_CSOCK_NAME. So the
daemon runs in a private mount namespace (`unshare --mount`) where a folder of ours is
bind-mounted over /run/pcscd: the socket it makes lands in that folder, and every PC/SC client of
the run (pyscard here, `kiosk doctor`, opensc-tool, pcsc_scan in subprocesses) is pointed at it
through PCSCLITE_CSOCK_NAME, which tests/conftest.py sets for the whole run before any client
connects (libpcsclite reads it once per process). The reader comes from a reader.conf.d folder of
ours: vpcd on a free port pair instead of 35963-35964, and the card emulator's default port is
moved to it for the session.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tests.support.waiting import WaitTimeout, wait_until

__all__ = [
    "PCSCD_DIR_ENV",
    "READER",
    "Pcscd",
    "card_in_reader",
    "pick_vpcd_port",
    "reader_state",
    "set_up_client_socket",
    "unavailable_reason",
    "wait_card",
]

READER = "Virtual PCD 00 00"
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
SYSTEM_RUN_DIR = Path("/run/pcscd")  # compiled into pcscd: where it puts its socket and pid file
# The run's folder (socket, reader config, log): made by the first process of the run (the xdist
# controller, or the only one) and inherited by its workers and subprocesses.
PCSCD_DIR_ENV = "KIOSK_TEST_PCSCD_DIR"


def set_up_client_socket() -> Path | None:
    """Point this run's PC/SC clients at the suite's socket; the folder made here, or None if
    an outer process of the run made it (it then also removes it)."""
    inherited = os.environ.get(PCSCD_DIR_ENV)
    if inherited:
        os.environ["PCSCLITE_CSOCK_NAME"] = str(Path(inherited) / "run" / "pcscd.comm")
        return None
    folder = Path(tempfile.mkdtemp(prefix="kiosk-pcscd-"))  # short: a socket path has 108 bytes
    (folder / "run").mkdir()
    os.environ[PCSCD_DIR_ENV] = str(folder)
    os.environ["PCSCLITE_CSOCK_NAME"] = str(folder / "run" / "pcscd.comm")
    return folder


def pick_vpcd_port(rng: random.Random | None = None) -> int:
    """A port whose pair (vpcd listens on port and port + 1, one per slot) is free now; below
    the ephemeral range, so no client's outgoing connection is handed one of them."""
    rng = rng or random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32000, 2)
        if all(_free(p) for p in (port, port + 1)):
            return port
    raise RuntimeError("no free port pair for vpcd in 20000-32000")


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))  # vpcd binds every address
        except OSError:
            return False
    return True


def unavailable_reason() -> str | None:
    """Why this machine cannot run the suite's pcscd, or None."""
    if shutil.which("pcscd") is None:
        return "pcscd is not installed (apt-get install pcscd; see scripts/bootstrap.sh)"
    if not VPCD_DRIVER.exists():
        return "vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed: pcscd cannot get a socket of its own"
    if not SYSTEM_RUN_DIR.is_dir():
        return f"{SYSTEM_RUN_DIR} does not exist to mount the suite's socket folder over"
    return None


def reader_state() -> tuple[bool, bool]:
    """(reader listed, card present) as the suite's pcscd sees them, through a fresh context."""
    from smartcard import scard

    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if rv != scard.SCARD_S_SUCCESS:
        return False, False
    try:
        rv, readers = scard.SCardListReaders(context, [])
        if rv != scard.SCARD_S_SUCCESS or READER not in readers:
            return False, False
        rv, states = scard.SCardGetStatusChange(context, 0, [(READER, scard.SCARD_STATE_UNAWARE)])
        if rv != scard.SCARD_S_SUCCESS:
            return True, False
        return True, bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


class Pcscd:
    """The PC/SC daemon under test: always started (and restartable) by the suite itself."""

    def __init__(self, folder: Path, vpcd_port: int) -> None:
        self.folder = folder
        self.run_dir = folder / "run"
        self.conf_dir = folder / "reader.conf.d"
        self.log_path = folder / "pcscd.log"
        self.vpcd_port = vpcd_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = True  # kept for callers that asked: the suite never borrows a daemon now
        self._log: IO[bytes] | None = None
        self.run_dir.mkdir(exist_ok=True)
        self.conf_dir.mkdir(exist_ok=True)
        # vpcd's DEVICENAME is "<host>:<port>" (/dev/null: listen on every address).
        (self.conf_dir / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            f"DEVICENAME   /dev/null:0x{vpcd_port:04X}\n"
            f"LIBPATH      {VPCD_DRIVER}\n"
            f"CHANNELID    0x{vpcd_port:04X}\n",
            encoding="ascii",
        )

    @property
    def socket_path(self) -> Path:
        return self.run_dir / "pcscd.comm"

    def start(self) -> None:
        # A previous daemon of ours that was killed leaves its socket and pid file behind.
        for leftover in ("pcscd.comm", "pcscd.pid"):
            (self.run_dir / leftover).unlink(missing_ok=True)
        self._log = self.log_path.open("ab")
        script = 'mount --bind "$1" /run/pcscd && shift && exec "$@"'
        # Not root: a user namespace of our own gives the right to mount inside it.
        user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
        # One process all along (each command execs the next): if the test run dies without
        # its teardown, the daemon gets SIGTERM with it instead of outliving it.
        orphan = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []
        self.proc = subprocess.Popen(
            [*orphan, "unshare", *user, "--mount", "--propagation", "private", "--", "sh", "-c",
             script, "sh", str(self.run_dir), "pcscd", "--foreground", "--debug", "-c",
             str(self.conf_dir)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until(self._ready, 15.0, f"pcscd to list {READER!r} on {self.socket_path}")
        except WaitTimeout:
            self.stop()
            raise

    def _ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"pcscd exited with {self.proc.returncode}:\n{self.log_tail()}")
        return reader_state()[0]

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        self.stop()
        wait_until(lambda: not reader_state()[0], 10.0, "pcscd to be gone")
        self.start()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def emulator_port(port: int) -> Iterator[None]:
    """Card emulators made without a port connect to the suite's vpcd for the duration."""
    from drivers.simcard.emulator import SimCardEmulator

    defaults = SimCardEmulator.__init__.__kwdefaults__
    assert defaults is not None
    before = defaults["port"]
    defaults["port"] = port
    try:
        yield
    finally:
        defaults["port"] = before


def wait_card(present: bool, timeout_s: float = 10.0) -> None:
    wait_until(lambda: reader_state()[1] is present, timeout_s, f"card present={present}")


@contextmanager
def card_in_reader(emulator: Any) -> Iterator[Any]:
    """Insert an emulator's card, wait until pcscd sees it; remove it and wait on the way out."""
    emulator.insert()
    try:
        wait_card(True)
        yield emulator
    finally:
        emulator.remove()
        wait_card(False)
