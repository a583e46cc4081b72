"""Shared fixtures: a config file in a temporary folder that runs on simulators only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


def write_config(folder: Path, **overrides: Any) -> Path:
    """A copy of the shipped config.yaml with its data folder in `folder` and free ports."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["kiosk"]["data_dir"] = str(folder / "data")
    data["central"]["url"] = "http://127.0.0.1:0"
    data["sync"]["idle_poll_s"] = 0.5
    data["sync"]["backoff_base_s"] = 0.1
    data["sync"]["backoff_max_s"] = 1.0
    data["ui"]["fullscreen"] = False
    for dotted, value in overrides.items():
        node = data
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)
