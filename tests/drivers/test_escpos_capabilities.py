"""drivers/escpos/capabilities.py: python-escpos imported with its capabilities cache seeded
from JSON gets the very database its own YAML load would give, leaves no folder and no
variable behind, and steps aside whenever it has any doubt. Each case imports python-escpos in
a fresh interpreter (it reads its cache once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(60)

CHILD = r"""
import json, os, sys, tempfile
before = set(os.listdir(tempfile.gettempdir()))
from drivers.escpos.capabilities import PICKLE_DIR_VARIABLE, import_escpos_capabilities
seeded = import_escpos_capabilities()
from escpos import capabilities
import yaml
with open(capabilities.capabilities_path, encoding="utf-8") as raw:
    expected = yaml.safe_load(raw)
after = set(os.listdir(tempfile.gettempdir()))
print(json.dumps({
    "seeded": seeded,
    "same": capabilities.CAPABILITIES == expected,
    "profiles": len(capabilities.CAPABILITIES["profiles"]),
    "left_behind": sorted(n for n in after - before if n.startswith("kiosk-escpos-")),
    "variable": os.environ.get(PICKLE_DIR_VARIABLE),
    "again": import_escpos_capabilities(),
}))
"""


def _child(tmp_path: Path, **env: str) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ESCPOS_")}
    environment.update(env, TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=environment,
        cwd=Path(__file__).resolve().parents[2], timeout=50, check=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_seeded_cache_is_the_database_python_escpos_would_load(tmp_path: Path) -> None:
    """GIVEN a fresh process WHEN python-escpos is imported through the seeding THEN its
    capabilities equal the YAML load of its own file, no temporary folder of ours is left and
    the variable is unset again; a second call does nothing."""
    result = _child(tmp_path)
    assert result["seeded"] is True
    assert result["same"] is True
    assert isinstance(result["profiles"], int)
    assert result["profiles"] > 10
    assert result["left_behind"] == []
    assert result["variable"] is None
    assert result["again"] is False


def test_an_operators_cache_folder_is_left_to_python_escpos(tmp_path: Path) -> None:
    """GIVEN ESCPOS_CAPABILITIES_PICKLE_DIR already set WHEN imported THEN no seeding: python-
    escpos uses that folder (its pickle appears there) and the database is the same."""
    cache = tmp_path / "cache"
    cache.mkdir()
    result = _child(tmp_path, ESCPOS_CAPABILITIES_PICKLE_DIR=str(cache))
    assert result["seeded"] is False
    assert result["same"] is True
    assert result["variable"] == str(cache)
    assert [p.name.endswith(".capabilities.pickle") for p in cache.iterdir()] == [True]


@pytest.mark.parametrize("content", ["profiles: {}\nencodings: {}\n", "[1, 2]", ""])
def test_a_capabilities_file_that_is_not_the_json_expected_is_not_seeded(
    tmp_path: Path, content: str
) -> None:
    """GIVEN ESCPOS_CAPABILITIES_FILE naming YAML, a JSON list or an empty file WHEN imported
    THEN nothing is seeded (python-escpos reads the file itself, as it always did)."""
    source = tmp_path / "capabilities.yaml"
    source.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c",
         "from drivers.escpos.capabilities import import_escpos_capabilities as f; print(f())"],
        capture_output=True, text=True, check=False, timeout=50,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "ESCPOS_CAPABILITIES_FILE": str(source), "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("kiosk-escpos-")]
