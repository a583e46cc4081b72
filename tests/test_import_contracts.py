"""The layer contracts bite: a forbidden import in a copy of the tree fails lint-imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.timeout(120)
PACKAGES = ("kiosk", "drivers", "ui", "offline_queue", "central")
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint_copy(
    tmp_path: Path, violation: tuple[str, str] | None
) -> subprocess.CompletedProcess[str]:
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if violation is not None:
        module, source = violation
        (tmp_path / module).write_text(source, encoding="utf-8")
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )


def test_clean_tree_keeps_contracts(tmp_path: Path) -> None:
    result = _lint_copy(tmp_path, None)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("drivers/leak.py", "import kiosk.config\n", "Layers"),
        ("kiosk/leak.py", "import PySide6.QtCore\n", "Only ui imports Qt"),
        ("offline_queue/leak.py", "import drivers.interfaces\n", "independent"),
        ("central/leak.py", "import kiosk.money\n", "central imports nothing"),
        ("kiosk/leak.py", "import drivers.escpos.driver\n", "Only kiosk.app names driver"),
    ],
)
def test_forbidden_import_fails(tmp_path: Path, module: str, source: str, contract: str) -> None:
    result = _lint_copy(tmp_path, (module, source))
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
