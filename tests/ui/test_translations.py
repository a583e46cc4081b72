"""Every qsTr() string in the QML has a Chinese translation: ui/qml/*.qml in
ui/i18n/kiosk_zh_CN.ts, each feature folder ui/qml/<feature>/ in ui/i18n/<feature>_zh_CN.ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.timeout(120)

QML = REPO / "ui" / "qml"
FOLDERS = [QML, *sorted(p for p in QML.iterdir() if p.is_dir())]


def _ts_for(folder: Path) -> Path:
    domain = "kiosk" if folder == QML else folder.name
    return REPO / "ui" / "i18n" / f"{domain}_zh_CN.ts"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_ts_file_is_complete_and_current(folder: Path, tmp_path: Path) -> None:
    qml = sorted(str(p) for p in folder.glob("*.qml"))
    if not any("qsTr(" in Path(p).read_text(encoding="utf-8") for p in qml):
        return  # nothing to translate (yet)
    source = _ts_for(folder)
    assert source.exists(), f"missing {source.relative_to(REPO)}: run pyside6-lupdate"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
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
    assert problems == [], f"run pyside6-lupdate on {folder} and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_english_plurals_have_their_forms(folder: Path, tmp_path: Path) -> None:
    """English is the source language, but a qsTr() with %n needs English numerus forms ("1 note",
    "3 notes", not "3 note(s)"): ui/i18n/<domain>_en.ts holds exactly those, all translated."""
    qml = sorted(str(p) for p in folder.glob("*.qml"))
    if not any("%n" in Path(p).read_text(encoding="utf-8") for p in qml):
        return
    domain = "kiosk" if folder == QML else folder.name
    source = REPO / "ui" / "i18n" / f"{domain}_en.ts"
    assert source.exists(), f"missing {source.relative_to(REPO)}: pyside6-lupdate -pluralonly"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    subprocess.run([str(lupdate), *qml, "-pluralonly", "-ts", str(copy)], check=True,
                   capture_output=True)  # fmt: skip
    problems = []
    for message in ET.parse(copy).iter("message"):  # noqa: S314 - our own file
        text = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        forms = ["".join(f.itertext()) for f in translation.iter("numerusform")]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or len(forms) != 2:
            problems.append(f"{translation.get('type') or 'forms'}: {text}")
        elif any("(s)" in form for form in forms):
            problems.append(f"not plural: {forms}")
    assert problems == [], "\n".join(problems)
