"""Qt translations: the .ts sources in ui/i18n are compiled with lrelease into a cache folder."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtQml import QQmlApplicationEngine

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).parent / "i18n"
LANGUAGES = ("zh_CN", "en")  # English is the source language of every string


def _lrelease() -> str:
    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if found is None:
        raise RuntimeError("lrelease not found (it ships with PySide6)")
    return found


def compile_translations(cache_dir: Path) -> dict[str, Path]:
    """Compile each ui/i18n/kiosk_<lang>.ts to .qm when missing or stale; language → .qm."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    compiled = {}
    for source in sorted(I18N_DIR.glob("kiosk_*.ts")):
        language = source.stem.removeprefix("kiosk_")
        target = cache_dir / f"{source.stem}.qm"
        if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
            subprocess.run(
                [_lrelease(), "-silent", str(source), "-qm", str(target)],
                check=True,
                capture_output=True,
            )
        compiled[language] = target
    return compiled


class LanguageSwitcher:
    """Installs the translator for a language and re-evaluates every qsTr() on screen."""

    def __init__(self, engine: QQmlApplicationEngine, cache_dir: Path) -> None:
        self._engine = engine
        self._compiled = compile_translations(cache_dir)
        self._translator: QTranslator | None = None
        self.language = "en"

    def set_language(self, language: str) -> None:
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        qm = self._compiled.get(language)
        if qm is not None:
            translator = QTranslator()
            if not translator.load(str(qm)):
                log.error("cannot load translation %s", qm)
            else:
                QCoreApplication.installTranslator(translator)
                self._translator = translator
        self.language = language
        self._engine.retranslate()
