"""One kiosk process per data folder: a second one is refused with a clear message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.lock import DataFolderLock


def test_second_holder_is_refused_and_named(tmp_path: Path) -> None:
    with DataFolderLock(tmp_path):
        with pytest.raises(KioskError) as caught:
            DataFolderLock(tmp_path).acquire()
        assert caught.value.message_key == "error.already_running"
        assert f"pid {os.getpid()}" in str(caught.value)
    with DataFolderLock(tmp_path):  # released: free again
        pass
