"""The leak scan of a whole test session (tests/security/conftest.py installs it): receipts the
simulated printers print are archived as files, and when the session ends every file it wrote
(its temporary folders, the archive, test-artifacts/ screenshots) is scanned with
leak_scanner.py; a finding fails the session. KIOSK_LEAK_SCAN=0 turns it off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.security.leak_scanner import ESCPOS_SUFFIX, Report, scan_paths

# --- the whole test suite ------------------------------------------------------------------

ENV_SWITCH = "KIOSK_LEAK_SCAN"  # "0": no receipt archive, no scan at the end of the session
ARTIFACTS_ENV = "KIOSK_LEAK_SCAN_ARTIFACTS"  # the screenshots folder to scan (test-artifacts/)
RECEIPTS_FOLDER = "leak-scan-receipts"
REPORT_FILE = "leak-scan.txt"


class _ArchivingJobs(list[bytes]):
    """A printer simulator's job list that also writes each job's bytes to the archive."""

    def __init__(self, archive: ReceiptArchive) -> None:
        super().__init__()
        self._archive = archive

    def append(self, job: bytes) -> None:
        super().append(job)
        self._archive.write(job)


class ReceiptArchive:
    """Every job any in-process ESC/POS printer simulator receives during the session, as
    `<folder>/<n>.escpos` (the bytes on the wire). Receipts printed inside child processes
    (kill -9 children, `kiosk run` subprocesses) are not seen."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self._lock = threading.Lock()

    def write(self, job: bytes) -> None:
        with self._lock:
            self.count += 1
            number = self.count
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{number:06d}{ESCPOS_SUFFIX}").write_bytes(job)

    def install(self) -> Callable[[], None]:
        """Make every PrinterEngine created from now on archive its jobs; returns the undo."""
        from drivers.escpos.simulator import PrinterEngine

        original = PrinterEngine.__init__
        archive = self

        def init(engine: PrinterEngine, *args: Any, **kwargs: Any) -> None:
            original(engine, *args, **kwargs)
            engine.jobs = _ArchivingJobs(archive)
            engine.spoiled_jobs = _ArchivingJobs(archive)

        PrinterEngine.__init__ = init  # type: ignore[method-assign,assignment]

        def undo() -> None:
            PrinterEngine.__init__ = original  # type: ignore[method-assign]

        return undo


class SuiteLeakScan:
    """pytest plugin: archives receipts while the session runs, then scans the session's base
    temporary folder (every tmp_path: journals, outboxes, metrics, central databases, logs,
    receipts) and test-artifacts/ (screenshots); findings fail the session (exit status 1)."""

    def __init__(self, config: Any, artifacts: Path) -> None:
        self._config = config
        self._artifacts = artifacts
        self._undo: Callable[[], None] | None = None
        self.archive: ReceiptArchive | None = None
        self.report: Report | None = None

    @classmethod
    def install(cls, config: Any, artifacts: Path) -> SuiteLeakScan | None:
        import os

        if os.environ.get(ENV_SWITCH, "1") == "0" or config.option.collectonly:
            return None
        if config.pluginmanager.has_plugin("leak-scan"):
            return None
        plugin = cls(config, artifacts)
        config.pluginmanager.register(plugin, "leak-scan")
        return plugin

    def basetemp(self) -> Path:
        return Path(self._config._tmp_path_factory.getbasetemp())

    def pytest_sessionstart(self) -> None:
        self._start_archive()

    def pytest_collection_finish(self) -> None:
        self._start_archive()  # installed from a conftest: after sessionstart

    def _start_archive(self) -> None:
        if self._undo is None:
            self.archive = ReceiptArchive(self.basetemp() / RECEIPTS_FOLDER)
            self._undo = self.archive.install()

    def pytest_sessionfinish(self, session: Any) -> None:
        import time

        if self._undo is not None:
            self._undo()
        started = time.monotonic()
        roots = [self.basetemp(), self._artifacts]
        self.report = report = scan_paths(roots)
        elapsed = time.monotonic() - started
        assert report.findings is not None
        receipts = self.archive.count if self.archive else 0
        lines = [
            f"leak scan: {report.files} files ({report.bytes / 1e6:.1f} MB, {receipts} receipts) "
            f"in {', '.join(map(str, roots))}: {len(report.findings)} findings ({elapsed:.1f} s)",
            *(f"  LEAK {finding}" for finding in report.findings),
        ]
        try:
            self._artifacts.mkdir(parents=True, exist_ok=True)
            (self._artifacts / REPORT_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError:
            pass
        reporter = self._config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")  # ends the progress line (-q does not)
            reporter.write_sep("-", "leak scan (tests/security/leak_scanner.py)")
            for line in lines:
                reporter.write_line(line, red=line.startswith("  LEAK"))
        if report.findings and session.exitstatus == 0:
            session.exitstatus = 1
