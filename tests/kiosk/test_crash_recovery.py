"""kill -9 in the middle of a real cash top-up, then a restart: the customer's money reaches
central exactly once, and journal, cash box and central agree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.central_ops import recorded_topups
from kiosk.config import load_config
from tests.conftest import REPO, write_config
from tests.support import holds_for, wait_until

pytestmark = pytest.mark.timeout(120)
OPS = "crash-test-ops-token"
KIOSK_TOKEN = "crash-test-kiosk-token"

CHILD = textwrap.dedent(
    """
    import sys, time
    from kiosk.app import KioskApp
    from kiosk.config import load_config
    from tests.support import wait_until
    app = KioskApp(load_config(sys.argv[1]))
    app.start()
    flow = app.new_topup(lambda snap: None)
    flow.submit_number("13900139000")
    for note in (5000, 2000):
        app.simulator_controls.insert_note(note)
    wait_until(lambda: flow.snapshot.credited_fen >= 7000, 20, "both notes credited")
    print("credited", flow.snapshot.credited_fen, flow.snapshot.txn_id, flush=True)
    time.sleep(60)  # the scenario: SIGKILLed here, before the customer pressed Confirm
    """
)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[str]:
    kiosks = tmp_path / "kiosks"
    kiosks.write_text(f"KIOSK-DEMO-0001:{KIOSK_TOKEN}\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", "0",
         "--db", f"sqlite:///{tmp_path / 'central.db'}", "--migrate", "--seed",
         "--kiosks-file", str(kiosks)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO,
        env={**os.environ, "CENTRAL_OPS_TOKEN": OPS},
    )  # fmt: skip
    assert process.stdout is not None
    line = ""
    for line in process.stdout:  # uvicorn's own log lines come first
        if line.startswith("central listening on "):
            break
    assert line.startswith("central listening on "), line
    yield line.removeprefix("central listening on ").strip()
    process.terminate()
    process.wait(10)


def test_kill_9_after_notes_then_restart_delivers_once(tmp_path: Path, central: str) -> None:
    config = write_config(
        tmp_path,
        **{"central.embedded": None, "central.url": central, "central.token": KIOSK_TOKEN},
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline().split()
    assert line[:2] == ["credited", "7000"], line
    txn_id = line[2]
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert recorded_topups(central, OPS, "13900139000") == []  # nothing sent before confirm

    app = KioskApp(load_config(config))
    app.start()  # recovery on boot
    try:
        assert [(a.txn_id, a.action) for a in app.recovered] == [(txn_id, "committed")]
        assert app.journal is not None
        assert app.journal.cashbox() == {5000: 1, 2000: 1}
        assert app.journal.verify_chain()
        records = wait_until(
            lambda: recorded_topups(central, OPS, "13900139000"), 20, "central to record it"
        )
        assert [(r["txn_id"], r["amount_fen"], r["offline"]) for r in records] == [
            (txn_id, 7000, True)
        ]
    finally:
        app.stop()
    second = KioskApp(load_config(config))
    second.start()  # a second boot finds nothing to do and sends nothing again
    try:
        assert second.recovered == []
        # The scenario: a while of the second boot's sync rounds sends nothing again.
        holds_for(lambda: len(recorded_topups(central, OPS, "13900139000")) == 1, 1.0,
                  "one top-up at central")  # fmt: skip
    finally:
        second.stop()
