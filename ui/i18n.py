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


def translation_sources() -> dict[str, list[Path]]:
    """language → its .ts files: ui/i18n/<domain>_<language>.ts, one domain per QML folder
    ("kiosk" for the shared components in ui/qml, else the feature's folder ui/qml/<domain>)."""
    found: dict[str, list[Path]] = {}
    for source in sorted(I18N_DIR.glob("*_*.ts")):
        for language in LANGUAGES:
            if source.stem.endswith(f"_{language}"):
                found.setdefault(language, []).append(source)
    return found


def qml_folder(ts_file: Path) -> Path:
    """The QML folder whose strings a .ts file translates."""
    domain = ts_file.stem.split("_", 1)[0]
    qml = I18N_DIR.parent / "qml"
    return qml if domain == "kiosk" else qml / domain


def compile_translations(cache_dir: Path) -> dict[str, list[Path]]:
    """Compile every .ts to .qm when missing or stale; language → its .qm files."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    compiled: dict[str, list[Path]] = {}
    for language, sources in translation_sources().items():
        for source in sources:
            target = cache_dir / f"{source.stem}.qm"
            if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
                subprocess.run(
                    [_lrelease(), "-silent", str(source), "-qm", str(target)],
                    check=True,
                    capture_output=True,
                )
            compiled.setdefault(language, []).append(target)
    return compiled


class LanguageSwitcher:
    """Installs the translator for a language and re-evaluates every qsTr() on screen."""

    def __init__(self, engine: QQmlApplicationEngine, cache_dir: Path) -> None:
        self._engine = engine
        self._compiled = compile_translations(cache_dir)
        self._translators: list[QTranslator] = []
        self.language = "en"

    def remove(self) -> None:
        """Uninstall this switcher's translators (the application outlives one UI)."""
        for old in self._translators:
            QCoreApplication.removeTranslator(old)
        self._translators = []

    def set_language(self, language: str) -> None:
        self.remove()
        for qm in self._compiled.get(language, []):
            translator = QTranslator()
            if not translator.load(str(qm)):
                log.error("cannot load translation %s", qm)
            else:
                QCoreApplication.installTranslator(translator)
                self._translators.append(translator)
        self.language = language
        self._engine.retranslate()
