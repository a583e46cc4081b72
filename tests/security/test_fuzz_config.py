"""Fuzzing config.yaml loading (kiosk/config.py): random YAML documents and random mutations
of the shipped config.yaml must give a KioskConfig or a ConfigError — never another exception.

Found by this suite, and fixed: PyYAML's safe constructors raise ValueError for impossible
dates/times, integers over 4300 digits and bad `!!int`/`!!float` tags, and RecursionError for
deep nesting; load_config caught only yaml.YAMLError. Those inputs are pinned below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import load_config
from kiosk.errors import ConfigError
from tests.security.fuzzing import FUZZ, note

SHIPPED = (Path(__file__).resolve().parents[2] / "config.yaml").read_text(encoding="utf-8")
KNOWN_BUG_INPUTS = {
    "impossible date": "kiosk:\n  id: K1\n  built: 2024-13-45\n",
    "impossible time": "a: 2001-12-14t25:59:43.10-05:00\n",
    "int over 4300 digits": "a: " + "1" * 5000 + "\n",
    "bad !!float": "a: !!float x\n",
    "bad !!int": "a: !!int x\n",
    "deep nesting": "[" * 1200 + "]" * 1200 + "\n",
}


def load_text(tmp: Path, text: str) -> None:
    path = tmp / "config.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load_config(path)
    except ConfigError:
        note("ConfigError")
        return
    note("loaded")
    assert config.kiosk.id


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
    st.sampled_from(["2024-02-30", "0x1F", "1e400", ".nan", "~", "!!binary AA", "*x", "&x a",
                     "{", "- -", "'", '"\\x', "\t", "\x00", "\ufeff", "%YAML 9.9", "---"]),
)  # fmt: skip
yaml_trees = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@FUZZ
@given(st.text(max_size=200) | yaml_trees.map(lambda t: yaml.safe_dump(t, allow_unicode=True)))
def test_random_yaml_documents(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    load_text(tmp_path_factory.mktemp("cfg"), text)


LINES = SHIPPED.splitlines(keepends=True)


@FUZZ
@given(st.data())
def test_mutations_of_the_shipped_config(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Lines dropped, duplicated, re-indented or cut; values swapped for random scalars,
    including other YAML types; characters changed."""
    lines = list(LINES)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        index = data.draw(st.integers(0, len(lines) - 1), label="line")
        line = lines[index]
        action = data.draw(st.sampled_from(["drop", "dup", "indent", "cut", "value", "char"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, line)
        elif action == "indent":
            lines[index] = " " * data.draw(st.integers(0, 6)) + line.lstrip(" ")
        elif action == "cut":
            lines[index] = line[: data.draw(st.integers(0, len(line)))] + "\n"
        elif action == "value" and ":" in line:
            value = data.draw(yaml_scalars.map(str) | st.text(max_size=10), label="value")
            lines[index] = line.split(":", 1)[0] + ": " + value.replace("\n", " ") + "\n"
        elif line:
            at = data.draw(st.integers(0, len(line) - 1))
            lines[index] = line[:at] + data.draw(st.characters(), label="char") + line[at + 1 :]
        if not lines:
            break
    load_text(tmp_path_factory.mktemp("cfg"), "".join(lines))


def test_the_shipped_config_loads(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(SHIPPED, encoding="utf-8")
    assert load_config(tmp_path / "config.yaml").kiosk.id


@pytest.mark.parametrize("case", sorted(KNOWN_BUG_INPUTS))
def test_known_yaml_constructor_failures_are_config_errors(tmp_path: Path, case: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(KNOWN_BUG_INPUTS[case], encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
