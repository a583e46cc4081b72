"""Makes importing python-escpos fast: its printer-capabilities cache, seeded from JSON.

At import, python-escpos (escpos/capabilities.py) loads its 96 KB printer database,
capabilities.json, with PyYAML's pure-Python loader (0.35 s, a quarter of the kiosk's start to
first frame) and pickles it into a cache folder that defaults to a fresh `mkdtemp()` on every
import, so the cache never helps and every process leaves a temporary folder behind. The file
is JSON, which the C json module reads in about a millisecond; the documented
ESCPOS_CAPABILITIES_PICKLE_DIR points python-escpos at a private folder where that result is
already pickled, newer than the file, so it loads the pickle instead. The folder is ours (0700,
made here), used for the one import, then removed. Any doubt (an unusual install, a file that
is not JSON, the variable already set by the operator) leaves python-escpos to do as it does.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pickle
import platform
import shutil
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"
FILE_VARIABLE = "ESCPOS_CAPABILITIES_FILE"
MODULE = "escpos.capabilities"


def _capabilities_file() -> Path | None:
    if FILE_VARIABLE in os.environ:
        return Path(os.environ[FILE_VARIABLE])
    spec = importlib.util.find_spec("escpos")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "capabilities.json"


def pickle_name() -> str:
    """The cache file name python-escpos looks for (escpos/capabilities.py)."""
    return f"{platform.python_version()}.capabilities.pickle"


def import_escpos_capabilities() -> bool:
    """Import escpos.capabilities with its cache seeded from JSON; True when seeded."""
    if MODULE in sys.modules or PICKLE_DIR_VARIABLE in os.environ:
        return False
    source = _capabilities_file()
    if source is None:
        return False
    try:
        with source.open("rb") as raw:
            capabilities = json.load(raw)
    except (OSError, ValueError) as exc:
        log.debug("escpos capabilities not seeded: %s", exc)
        return False
    if not isinstance(capabilities, dict) or "profiles" not in capabilities:
        return False
    folder = tempfile.mkdtemp(prefix="kiosk-escpos-")
    try:
        cached = Path(folder) / pickle_name()
        cached.write_bytes(pickle.dumps(capabilities, protocol=2))
        # python-escpos reloads the file when it is newer than the pickle: make sure it is not
        # (a file installed with a future timestamp, a coarse clock).
        stamp = max(source.stat().st_mtime, cached.stat().st_mtime)
        os.utime(cached, (stamp, stamp))
        os.environ[PICKLE_DIR_VARIABLE] = folder
        try:
            importlib.import_module(MODULE)
        finally:
            # Only this import reads the folder; a child process must not inherit a path that is
            # about to disappear.
            del os.environ[PICKLE_DIR_VARIABLE]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return True
