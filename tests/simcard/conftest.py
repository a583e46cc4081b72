"""pcscd + vpcd for the end-to-end SIM tests: the real PC/SC stack, a virtual card on vpcd.

A session fixture reuses a running pcscd, or starts `pcscd --foreground` (reader config from
/etc/reader.conf.d/vpcd: reader "Virtual PCD 00 00" takes a card emulator on TCP 35963) and
stops it at the end. Everything waits by polling PC/SC, never by fixed sleeps.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest

READER = "Virtual PCD 00 00"
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_CONF = Path("/etc/reader.conf.d/vpcd")


def wait_for(predicate: Callable[[], Any], timeout_s: float = 10.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what or predicate}")
        time.sleep(0.05)


def reader_state() -> tuple[bool, bool]:
    """(reader listed, card present) as pcscd sees them, through a fresh context."""
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
    """The PC/SC daemon under test: reused if one runs, else started (and restartable) here."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = False
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            ["pcscd", "--foreground", "--debug"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.owned = True
        try:
            wait_for(lambda: reader_state()[0], 10.0, f"pcscd to list {READER!r}")
        except AssertionError:
            self.stop()
            raise

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
        if not self.owned:
            pytest.skip("pcscd was already running before the tests: not restarting it")
        self.stop()
        wait_for(lambda: not reader_state()[0], 10.0, "pcscd to be gone")
        self.start()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    if shutil.which("pcscd") is None:
        pytest.skip("pcscd is not installed (apt-get install pcscd; see scripts/bootstrap.sh)")
    if not VPCD_DRIVER.exists() or not VPCD_CONF.exists():
        pytest.skip("vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)")
    daemon = Pcscd(tmp_path_factory.mktemp("pcscd") / "pcscd.log")
    if reader_state()[0]:
        yield daemon  # a pcscd with vpcd already runs: reuse it
        return
    if os.geteuid() != 0 and not os.access("/run/pcscd", os.W_OK):
        pytest.skip("pcscd needs a writable /run/pcscd (run as root, or start pcscd first)")
    try:
        daemon.start()
    except (OSError, AssertionError) as exc:
        pytest.skip(f"pcscd could not be started: {exc}\n{daemon.log_tail()}")
    try:
        yield daemon
    finally:
        daemon.stop()


def wait_card(present: bool, timeout_s: float = 10.0) -> None:
    wait_for(lambda: reader_state()[1] is present, timeout_s, f"card present={present}")


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
