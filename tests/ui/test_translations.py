"""Every qsTr() string in the QML has a Chinese translation in ui/i18n/kiosk_zh_CN.ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.timeout(60)


def test_ts_file_is_complete_and_current(tmp_path: Path) -> None:
    source = REPO / "ui" / "i18n" / "kiosk_zh_CN.ts"
    copy = tmp_path / "kiosk_zh_CN.ts"
    shutil.copy(source, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    qml = sorted(str(p) for p in (REPO / "ui" / "qml").glob("*.qml"))
    subprocess.run([str(lupdate), *qml, "-ts", str(copy)], check=True, capture_output=True)
    problems = []
    for message in ET.parse(copy).iter("message"):  # noqa: S314 - our own file
        text = message.findtext("source")
        translation = message.find("translation")
        assert translation is not None
        kind = translation.get("type")
        if kind in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{kind}: {text}")
        elif not ("".join(translation.itertext())).strip():
            problems.append(f"empty: {text}")
    assert problems == [], "run pyside6-lupdate and translate:\n" + "\n".join(problems)
