"""Starts the Qt UI over a started KioskApp: interactive (`kiosk run`) or scripted (`demo`)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QSocketNotifier,
    Qt,
    QTimer,
    QtMsgType,
    QUrl,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine, QQmlError
from PySide6.QtQuick import QQuickWindow

from kiosk import sd_notify
from kiosk.app import KioskApp
from kiosk.core_start import CoreStart
from ui.bridge import GuiBridge
from ui.features import FeatureViewModel, UiContext, create_features
from ui.i18n import LanguageSwitcher
from ui.lockdown import Lockdown
from ui.viewmodel import KioskViewModel

log = logging.getLogger(__name__)

QML_MAIN = Path(__file__).parent / "qml" / "Main.qml"
CJK_FONT = "WenQuanYi Micro Hei"  # installed everywhere (fonts-wqy-microhei)
# WenQuanYi first: the screens' sizes and the geometry check are tuned to its metrics (with
# Noto Sans CJK, large text overran digit boxes and bill rows). Noto (Debian fonts-noto-cjk)
# has real bold weights where WenQuanYi's bold is smeared (issue 19: the bold 量 a blob):
# moving to it means re-tuning those screens first; it is the fallback until then.
CJK_FONTS = (CJK_FONT, "Noto Sans CJK SC")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def prepare_environment(*, headless: bool) -> None:
    """Before the QGuiApplication exists: pick the offscreen platform when there is no screen."""
    if headless or not has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        # No GPU offscreen: Qt Quick's software renderer still grabs pixel-exact screenshots.
        os.environ.setdefault("QT_QUICK_BACKEND", "software")


def ensure_application() -> QGuiApplication:
    """The process's QGuiApplication (made if none), with the UI's CJK font — also on one made
    elsewhere first (a test runner's), or text is measured in another font's metrics."""
    existing = QGuiApplication.instance()
    application = (
        existing if isinstance(existing, QGuiApplication) else QGuiApplication(sys.argv[:1])
    )
    installed = QFontDatabase.families()
    family = next((f for f in CJK_FONTS if f in installed), None)
    if family is not None:
        application.setFont(QFont(family))
    else:
        log.warning("fonts %r not installed: Chinese may not render", CJK_FONTS)
    return application


@dataclass
class UiSession:
    """Everything the UI holds for one running kiosk."""

    app: KioskApp
    engine: QQmlApplicationEngine
    window: QQuickWindow
    vm: KioskViewModel
    bridge: GuiBridge
    languages: LanguageSwitcher
    warnings: list[str] = field(default_factory=list)
    features: dict[str, FeatureViewModel] = field(default_factory=dict)
    lockdown: Lockdown | None = None

    def close(self) -> None:
        """Tear the QML down before the view-model it binds to goes away."""
        if self.lockdown is not None:
            self.lockdown.release()
        self.window.close()
        self.window.deleteLater()
        self.engine.deleteLater()
        # The view-model's C++ side goes here, on the GUI thread, not whenever (and on whichever
        # thread) Python's garbage collector gets to it: its timers would outlive it.
        self.vm.shutdown()
        self.languages.remove()
        for feature in self.features.values():
            feature.deleteLater()
        self.vm.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
        self.bridge.shutdown()
        self.bridge.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_ui(app: KioskApp, *, windowed: bool, starting: CoreStart | None = None) -> UiSession:
    """Load Main.qml with the view-model; QML warnings are logged and kept in `warnings`.
    `starting`: the core is still starting (kiosk run) — the UI lets no one in until it has."""
    ensure_application()
    engine = QQmlApplicationEngine()
    warnings: list[str] = []

    def on_warnings(errors: list[QQmlError]) -> None:
        for error in errors:
            if error.messageType() != QtMsgType.QtDebugMsg:
                warnings.append(error.toString())
                log.warning("QML: %s", error.toString())

    engine.warnings.connect(on_warnings)
    bridge = GuiBridge()
    languages = LanguageSwitcher(engine, app.data_dir / "ui-cache")
    vm = KioskViewModel(app, bridge, on_language=languages.set_language, starting=starting)
    features = create_features(UiContext(app, bridge, vm))
    vm.attach(features)
    languages.set_language(app.config.kiosk.language)
    engine.rootContext().setContextProperty("vm", vm)
    engine.rootContext().setContextProperty("theme", vm.theme)
    for feature in features:
        engine.rootContext().setContextProperty(feature.name, feature)
    engine.load(QUrl.fromLocalFile(str(QML_MAIN)))
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], QQuickWindow):
        raise RuntimeError(f"cannot load {QML_MAIN}: {'; '.join(warnings)}")
    window = roots[0]
    ui = app.config.ui
    window.resize(ui.width, ui.height)
    production = ui.fullscreen and not windowed
    if production:
        window.showFullScreen()
    else:
        window.show()
    lockdown = Lockdown(window, hide_cursor=production)
    return UiSession(app, engine, window, vm, bridge, languages, warnings,
                     {f.name: f for f in features}, lockdown)  # fmt: skip


def start_watchdog(parent: QObject | None = None) -> QTimer | None:
    """Ping systemd's watchdog (WatchdogSec=) from a QTimer on the GUI thread: a frozen or
    dead-locked event loop stops the pings and systemd restarts the kiosk. None when no
    watchdog is configured (not under systemd, or WatchdogSec= unset)."""
    period = sd_notify.watchdog_period_s()
    if period is None:
        return None
    timer = QTimer(parent)
    timer.setInterval(max(1, int(period * 1000)))
    timer.timeout.connect(sd_notify.watchdog)
    timer.start()
    sd_notify.watchdog()  # the first ping at once, not one period after READY=1
    return timer


def announce_ready(
    window: QQuickWindow, status: str, starting: CoreStart | None = None,
    bridge: GuiBridge | None = None,
) -> None:  # fmt: skip
    """READY=1 once the first frame of the main window is on screen and the core has started:
    a kiosk that cannot render, or whose core never finishes starting, stays "activating" and
    systemd's start timeout restarts it."""
    waiting = {"frame"} if starting is None else {"frame", "core"}
    lock = threading.Lock()

    def done(what: str) -> None:
        with lock:
            waiting.discard(what)
            if waiting:
                return
        sd_notify.ready(status)

    def first_frame() -> None:
        done("frame")

    # frameSwapped may come from the render thread; a single-shot connection fires once.
    window.frameSwapped.connect(first_frame, Qt.ConnectionType.SingleShotConnection)
    if starting is not None and bridge is not None:
        post = bridge.post
        starting.when_done(lambda failure: post(lambda: done("core")) if failure is None else None)


def quit_on_sigterm(quit_loop: Callable[[], None], parent: QObject) -> Callable[[], None]:
    """`systemctl stop` sends SIGTERM. Python's default would end the process on the spot, and
    a Python handler alone runs only when Qt next calls into Python; so the signal wakes the
    event loop through a socket (signal.set_wakeup_fd) and quits it: exec() returns, STOPPING=1
    goes out and the UI and app close in order. Main thread only. Returns the undo."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    previous_handler = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, parent)

    def woken() -> None:
        try:
            signals = reader.recv(64)
        except BlockingIOError:
            return
        if signal.SIGTERM in signals:
            log.info("SIGTERM: stopping")
            quit_loop()

    notifier.activated.connect(woken)

    def restore() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGTERM, previous_handler)
        reader.close()
        writer.close()

    return restore


def run_ui(app: KioskApp, *, windowed: bool, starting: CoreStart | None = None) -> int:
    """The touch UI until it quits; `starting`: the core starts meanwhile (its failure ends the
    UI, and the caller raises it)."""
    if not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        # A kiosk without X or Wayland sets QT_QPA_PLATFORM (eglfs, linuxfb) explicitly.
        print(
            "kiosk: no display (DISPLAY and WAYLAND_DISPLAY unset, no QT_QPA_PLATFORM); "
            "`kiosk demo` runs headless",
            file=sys.stderr,
        )
        return 2
    prepare_environment(headless=False)
    application = ensure_application()
    session = open_ui(app, windowed=windowed, starting=starting)
    announce_ready(session.window, f"serving: kiosk {app.config.kiosk.id}", starting,
                   session.bridge)  # fmt: skip
    if starting is not None:
        quit_now = session.bridge.post
        starting.when_done(
            lambda failure: quit_now(lambda: application.exit(1)) if failure is not None else None
        )
    watchdog = start_watchdog(application)
    # exit(), not quit(): quit() first asks the windows to close, and the lockdown refuses.
    restore_sigterm = quit_on_sigterm(lambda: application.exit(0), application)
    try:
        return application.exec()
    finally:
        sd_notify.stopping()
        restore_sigterm()
        if watchdog is not None:
            watchdog.stop()
        session.close()


def run_demo(app: KioskApp, *, out_dir: Path, headless: bool | None) -> int:
    scripted = headless if headless is not None else not has_display()
    prepare_environment(headless=scripted)
    if not scripted:
        return run_ui(app, windowed=True)
    from ui.demo import scripted_topup

    ensure_application()
    session = open_ui(app, windowed=True)
    try:
        return scripted_topup(session, out_dir)
    finally:
        session.close()
