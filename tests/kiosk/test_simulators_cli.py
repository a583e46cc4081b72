"""`kiosk sim NAME`: a simulator on its own, driven by typed commands."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.escpos.simulator import EscposPrinterSimulator
from drivers.id003.simulator import Id003Simulator
from kiosk.simulators import command_loop

pytestmark = pytest.mark.timeout(60)
KIOSK = str(Path(sys.executable).parent / "kiosk")


def test_commands_drive_the_acceptor_simulator() -> None:
    sim = Id003Simulator()
    out = io.StringIO()
    command_loop(
        sim,
        io.StringIO("fault acceptor_jam on\nfault reply_delay_s 0.5\nfault nope 1\ninsert 50\n"
                    "fault reject_next 0x76\nfault reject_next none\nbogus\nquit\ninsert 1\n"),
        out,
    )  # fmt: skip
    assert sim.faults.acceptor_jam is True
    assert sim.faults.reply_delay_s == 0.5
    assert sim.faults.reject_next is None
    assert sim._queue == __import__("collections").deque([0x65])
    text = out.getvalue()
    assert "NAME one of: acceptor_jam" in text
    assert "unknown command 'bogus'" in text


def test_printer_simulator_lists_jobs() -> None:
    sim = EscposPrinterSimulator()
    out = io.StringIO()
    command_loop(sim, io.StringIO("fault paper_out on\ninsert 5\njobs\n"), out)
    assert sim.faults.paper_out is True
    assert "acceptor simulators only" in out.getvalue()


def test_standalone_id003_simulator_prints_its_port() -> None:
    result = subprocess.run(
        [KIOSK, "sim", "id003"], input="insert 100\nstacked\nquit\n", capture_output=True,
        text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("simulator listening on /dev/pts/")
    assert "inserted ¥100" in result.stdout


def test_unknown_simulator_exits_2() -> None:
    result = subprocess.run(
        [KIOSK, "sim", "teleporter"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "no simulator for 'teleporter'" in result.stderr


def test_id_card_simulator_commands() -> None:
    from drivers.idcard.simulator import IDENTITIES, IdCardSimulator

    sim = IdCardSimulator()
    out = io.StringIO()
    command_loop(sim, io.StringIO("place expired\nplace nobody\nfault no_sam on\n"), out)
    assert sim._card == IDENTITIES["expired"]
    assert sim.faults.no_sam is True
    assert "no test identity 'nobody'" in out.getvalue()
    command_loop(sim, io.StringIO("remove\n"), out)
    assert sim._card is None
