"""The UI's speed and memory (issue 9), each against a baseline measured in the same run:

- first frame: process start → first frame of the attract screen (a child process on the path
  of `kiosk run`: the core with simulators starts on its own thread while the QML UI loads and
  shows "starting"; central in a process of its own, as a real kiosk finds it), target ≤ 1.5 s;
  beside it, start → ready for the first customer (the core started: recovery done, devices
  settled), no target; baseline: a child that shows a bare QML window (the floor Python + Qt
  impose).
- touch → frame: a tap on a keypad key of the number screen until the next frame is swapped,
  p50/p99 over `--taps` taps, target p99 ≤ 16 ms; baseline: the same tap on a bare QML button.
- memory: RSS after start, and after `--sessions` customer sessions (start, choose top-up,
  type a number, walk away), targets ≤ 200 MB and growth ≤ 5 MB.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.ui_bench [--taps 300]
                                                                     [--sessions 10000]

Offscreen with the software renderer, as in CI. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, Qt, Slot
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

BARE_QML = b"""
import QtQuick
import QtQuick.Window
Window {
    width: 1920; height: 1080; visible: true
    Rectangle {
        objectName: "button"; x: 800; y: 400; width: 230; height: 130
        property int taps: 0
        color: area.pressed ? "#0B5CAD" : "#3A7BD5"
        Text { anchors.centerIn: parent; text: parent.taps; font.pixelSize: 44 }
        MouseArea { id: area; anchors.fill: parent; onClicked: parent.taps++ }
    }
}
"""


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- first frame (child processes) ---------------------------------------------------------


def _child_first_frame(kind: str, started_ns: int) -> None:
    """In the child: build the UI, print seconds from process start to the first frame."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    if kind == "bare":
        from PySide6.QtGui import QGuiApplication

        app = QGuiApplication([])
        engine = QQmlApplicationEngine()
        engine.loadData(BARE_QML)
        window = engine.rootObjects()[0]
        assert isinstance(window, QQuickWindow)
        _print_at_first_frame(window, started_ns, lambda: app.exit(0))
        app.exec()
        return
    # The path of `kiosk run`: the CLI parses, loads the config, begins the core's start on a
    # thread of its own (kiosk/core_start.py) and hands over to the frontend, which here opens
    # the UI as run_ui does and reports its first frame and the moment the core is ready.
    from kiosk.app import KioskApp
    from kiosk.cli import main as cli_main
    from kiosk.core_start import CoreStart
    from ui.entry import QtFrontend

    class FirstFrameFrontend(QtFrontend):
        def run(self, app: KioskApp, *, windowed: bool, starting: CoreStart) -> int:
            from ui.frontend import ensure_application, open_ui

            application = ensure_application()
            session = open_ui(app, windowed=windowed, starting=starting)
            seen: list[str] = []

            def mark(what: str) -> None:  # on the GUI thread
                print(f"{what} {(time.time_ns() - started_ns) / 1e9:.4f}", flush=True)
                seen.append(what)
                if len(seen) == 2:
                    application.exit(0)

            session.window.frameSwapped.connect(
                lambda: mark("FIRST_FRAME"), Qt.ConnectionType.SingleShotConnection
            )
            post = session.bridge.post
            starting.when_done(lambda _failure: post(lambda: mark("READY")))
            try:
                return application.exec()
            finally:
                session.close()

    folder = Path(tempfile.mkdtemp(prefix="ui-bench-"))
    config = _write_config(folder)
    cli_main(["--config", str(config), "run", "--windowed"], frontend=FirstFrameFrontend())


def _print_at_first_frame(
    window: QQuickWindow, started_ns: int, quit_loop: Callable[[], None]
) -> None:
    def first() -> None:
        print(f"FIRST_FRAME {(time.time_ns() - started_ns) / 1e9:.4f}", flush=True)
        quit_loop()

    window.frameSwapped.connect(first, Qt.ConnectionType.SingleShotConnection)


REPO = Path(__file__).resolve().parent.parent


def kiosk_id() -> str:
    import yaml

    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    return str(data["kiosk"]["id"])


def _write_config(folder: Path) -> Path:
    """The shipped config.yaml with its data in `folder`, a window, and central where
    UI_BENCH_CENTRAL says (started by the parent, as a real kiosk finds central running)."""
    import yaml

    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["kiosk"]["data_dir"] = str(folder / "data")
    data["central"]["url"] = os.environ["UI_BENCH_CENTRAL"]
    data["central"]["token"] = f"token-{data['kiosk']['id']}"
    data["central"].pop("embedded", None)
    data["ui"]["fullscreen"] = False
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def start_marks(kind: str) -> dict[str, float]:
    """Seconds from process start to each mark the child printed: FIRST_FRAME (both kinds) and
    READY (the kiosk: its core started, the first customer may come in)."""
    started = time.time_ns()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ui_bench", "--child", kind, str(started)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    marks = {}
    for line in done.stdout.splitlines():
        if line.startswith(("FIRST_FRAME ", "READY ")):
            name, seconds = line.split()
            marks[name] = float(seconds)
    if "FIRST_FRAME" not in marks:
        raise RuntimeError(f"child {kind} printed no first frame: {done.stderr[-2000:]}")
    return marks


# --- touch to frame (in process) -----------------------------------------------------------


class FrameClock(QObject):
    """Notes when each frame is swapped. A decorated slot of a QObject, not a lambda: PySide6
    mis-counts None returned by a plain Python callable connected to a busy signal (the
    interpreter aborts with "none_dealloc" after some thousand frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.swapped: list[int] = []

    @Slot()
    def frame(self) -> None:
        self.swapped.append(time.perf_counter_ns())


def tap_to_frame_ms(window: QQuickWindow, centre: QPointF, taps: int) -> list[float]:
    """Milliseconds from a tap at `centre` to the next frame swapped, for each tap."""
    clock = FrameClock()
    swapped = clock.swapped
    window.frameSwapped.connect(clock.frame, Qt.ConnectionType.DirectConnection)
    latencies = []
    point = centre.toPoint()
    for _ in range(taps):
        for _settle in range(3):
            QCoreApplication.processEvents()
        before = len(swapped)
        start = time.perf_counter_ns()
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        deadline = time.monotonic() + 1.0
        while len(swapped) == before and time.monotonic() < deadline:
            QCoreApplication.processEvents()
        if len(swapped) > before:
            latencies.append((swapped[before] - start) / 1e6)
    window.frameSwapped.disconnect(clock.frame)
    return latencies


def _centre(item: object) -> QPointF:
    assert isinstance(item, QQuickItem)
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2))


def bare_taps(taps: int) -> list[float]:
    engine = QQmlApplicationEngine()
    engine.loadData(BARE_QML)
    window = engine.rootObjects()[0]
    assert isinstance(window, QQuickWindow)
    button = window.findChild(QQuickItem, "button")
    result = tap_to_frame_ms(window, _centre(button), taps)
    window.close()
    engine.deleteLater()
    return result


def kiosk_taps_and_sessions(taps: int, sessions: int) -> tuple[list[float], float, float, float]:
    """Taps on the number screen's keypad; then `sessions` customers. Returns the latencies,
    RSS after start, RSS after the sessions, seconds for the sessions."""
    from kiosk.app import KioskApp
    from kiosk.config import load_config
    from ui.frontend import open_ui
    from ui.touch import find_item, wait_until

    folder = Path(tempfile.mkdtemp(prefix="ui-bench-"))
    kiosk = KioskApp(load_config(_write_config(folder)))
    kiosk.start()
    session = open_ui(kiosk, windowed=True)
    vm, topup = session.vm, session.features["topup"]
    try:
        for _ in range(20):
            QCoreApplication.processEvents()
        gc.collect()
        rss_start = rss_mb()
        vm.start()
        vm.startService("topup.cash")
        assert wait_until(lambda: vm.screen == "topup.number", 10)
        key = find_item(session.window, "key.clear")  # clears: the screen changes every tap
        latencies = tap_to_frame_ms(session.window, _centre(key), taps)
        vm.home()
        started = time.perf_counter()
        for n in range(sessions):
            vm.start()
            vm.startService("topup.cash")
            for digit in f"1380013{n % 10000:04d}":
                topup.pressDigit(digit)
            _pump()
            vm.home()
            _pump()
        elapsed = time.perf_counter() - started
        gc.collect()
        rss_end = rss_mb()
        return latencies, rss_start, rss_end, elapsed
    finally:
        session.close()
        kiosk.stop()


def _met(target: str, met: bool) -> str:
    return f"{target}: {'met' if met else 'NOT met'}"


def _pump() -> None:
    """What the event loop does between two taps: events, then the deletions they queued (a
    Loader's previous screen). processEvents() alone leaves deleteLater() undone — that is
    not a leak of the kiosk but would look like one here."""
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--taps", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "STARTED_NS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.child[0] == "sessions":
        taps, sessions = (int(n) for n in args.child[1].split(","))
        print("RESULT " + json.dumps(kiosk_taps_and_sessions(taps, sessions)), flush=True)
        return 0
    if args.child:
        _child_first_frame(args.child[0], int(args.child[1]))
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    from ui.frontend import ensure_application, prepare_environment

    prepare_environment(headless=True)
    ensure_application()
    from benchmarks.central_bench import central_process  # here: the children need none of it

    with (
        tempfile.TemporaryDirectory(prefix="ui-bench-central-") as folder,
        central_process(f"sqlite:///{folder}/central.db", [kiosk_id()]) as url,
    ):
        os.environ["UI_BENCH_CENTRAL"] = url
        return _measure(args.taps, args.sessions)


def _in_child(taps: int, sessions: int) -> tuple[list[float], float, float, float]:
    """The taps and sessions in a process of their own: its RSS is the kiosk's alone (not this
    process's baseline window, central's client libraries, the harness)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ui_bench", "--child", "sessions", f"{taps},{sessions}"],
        capture_output=True,
        text=True,
        timeout=7200,
        env=env,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            latencies, rss_start, rss_end, elapsed = json.loads(line[len("RESULT ") :])
            return list(latencies), rss_start, rss_end, elapsed
    raise RuntimeError(f"the sessions child printed no result: {done.stderr[-2000:]}")


def _measure(tap_count: int, session_count: int) -> int:

    bare_first = statistics.median(start_marks("bare")["FIRST_FRAME"] for _ in range(3))
    kiosk_marks = [start_marks("kiosk") for _ in range(3)]
    kiosk_first = statistics.median(m["FIRST_FRAME"] for m in kiosk_marks)
    kiosk_ready = statistics.median(m.get("READY", math.inf) for m in kiosk_marks)
    bare = bare_taps(tap_count)
    taps, rss_start, rss_end, session_s = _in_child(tap_count, session_count)

    rows = [
        ("first frame, bare QML window (baseline)", f"{bare_first:.3f} s", "", ""),
        ("first frame, kiosk attract screen", f"{kiosk_first:.3f} s",
         f"{kiosk_first / bare_first:.2f}× baseline", _met("≤ 1.5 s", kiosk_first <= 1.5)),
        ("ready for the first customer (core started)", f"{kiosk_ready:.3f} s",
         f"{kiosk_ready / bare_first:.2f}× baseline", ""),
        ("tap → frame p50, bare button (baseline)", f"{statistics.median(bare):.2f} ms", "", ""),
        ("tap → frame p99, bare button (baseline)", f"{_pct(bare, 0.99):.2f} ms", "", ""),
        ("tap → frame p50, kiosk keypad", f"{statistics.median(taps):.2f} ms",
         f"{statistics.median(taps) / statistics.median(bare):.2f}× baseline", ""),
        ("tap → frame p99, kiosk keypad", f"{_pct(taps, 0.99):.2f} ms",
         f"{_pct(taps, 0.99) / _pct(bare, 0.99):.2f}× baseline",
         _met("≤ 16 ms", _pct(taps, 0.99) <= 16)),
        ("RSS after start", f"{rss_start:.1f} MB", "", _met("≤ 200 MB", rss_start <= 200)),
        (f"RSS after {session_count} sessions", f"{rss_end:.1f} MB",
         f"+{rss_end - rss_start:.1f} MB", _met("growth ≤ 5 MB", rss_end - rss_start <= 5)),
        (f"{session_count} sessions took", f"{session_s:.1f} s",
         f"{session_s / max(session_count, 1) * 1000:.2f} ms each", ""),
    ]  # fmt: skip
    print(f"taps measured: kiosk {len(taps)}/{tap_count}, baseline {len(bare)}/{tap_count}")
    width = max(len(r[0]) for r in rows)
    for name, value, ratio, target in rows:
        print(f"{name:<{width}}  {value:>12}  {ratio:>18}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
