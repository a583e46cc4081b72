"""The documentation stays inside the repository and its links lead somewhere.

- No tracked file outside docs/ cites a path above the repository (the design notes once lived
  in a workspace folder next to it that a clone does not have).
- Every relative link in README.md and docs/*.md names a file that exists, and a `#anchor` names
  a heading of that file (GitHub's rule for heading anchors).
- Every `docs/<page>.md#anchor` cited anywhere (code comments included) names a real heading.
- Citations of the old notes by bare name (`DESIGN.md`, `protocols.md`) are gone.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = "tests/test_docs.py"  # names the patterns it looks for: not a citation
OUTSIDE = "../" + "shared/"

# Files still citing the old notes by bare name (none: keep it so).
PENDING_BARE_CITATIONS: frozenset[str] = frozenset()

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_DOCS_ANCHOR = re.compile(r"docs/([\w.-]+\.md)#([\w-]+)")
_BARE = re.compile(r"(?<![\w/.-])(DESIGN|protocols)\.md")


def tracked_files() -> list[str]:
    """What git tracks (and still exists in the working tree), this file excepted."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [
        name for name in out.split("\0") if name and name != THIS_FILE and (ROOT / name).is_file()
    ]


def text_of(name: str) -> str | None:
    try:
        return (ROOT / name).read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # binary (the screenshot) or unreadable: cannot cite anything


def markdown_pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = [
        ch
        for ch in text
        if ch in " -_" or unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Mn"
    ]
    return "".join(kept).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set()
    for line in text.splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match is None:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def links(page: Path) -> list[str]:
    text = _INLINE_CODE.sub("", _FENCE.sub("", page.read_text(encoding="utf-8")))
    return _LINK.findall(text)


def test_slug_follows_githubs_rule() -> None:
    """GIVEN headings with punctuation, code and Chinese WHEN slugged THEN GitHub's anchors."""
    assert slug("Bill acceptor (ID-003)") == "bill-acceptor-id-003"
    assert slug("SIM reader and writer (PC/SC)") == "sim-reader-and-writer-pcsc"
    assert slug("`kiosk run [--windowed]`") == "kiosk-run---windowed"
    assert slug("Characters outside the font (生僻字)") == "characters-outside-the-font-生僻字"


def test_no_file_cites_a_path_outside_the_repository() -> None:
    offenders = []
    for name in tracked_files():
        if name.startswith("docs/"):
            continue
        text = text_of(name)
        if text is not None and OUTSIDE in text:
            offenders.append(name)
    assert offenders == [], f"cite docs/ instead of {OUTSIDE}: {offenders}"


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """The relative links of a Markdown page that lead nowhere: no such file, a file outside
    `root`, or an anchor that is no heading of the Markdown page it names."""
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, file:
            continue
        path_part, _, anchor = target.partition("#")
        dest = page if path_part == "" else (page.parent / path_part).resolve()
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif not dest.is_relative_to(root):
            broken.append(f"{target}: outside the repository")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading with this anchor")
    return broken


def test_broken_links_are_found(tmp_path: Path) -> None:
    """GIVEN a page with good and bad links WHEN checked THEN exactly the bad ones are named
    (the negative control: a checker that finds nothing would pass every page)."""
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "x.md").touch()  # exists, but above the repository
    (root / "other.md").write_text("# Other page\n\n## A section (with/slash)\n")
    page = root / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md) [ok](other.md#a-section-withslash) [ok](#page)\n"
        "[web](https://example.com/x) `[code](missing.md)`\n"
        "[gone](missing.md) [bad](other.md#no-such) [self](#nope) [up](../x.md)\n"
        "```\n[fenced](missing2.md)\n```\n"
    )
    assert broken_links(page, root) == [
        "missing.md: no such file",
        "other.md#no-such: no heading with this anchor",
        "#nope: no heading with this anchor",
        "../x.md: outside the repository",
    ]


def test_bare_citations_are_recognised() -> None:
    assert _BARE.search('see DESIGN.md "Unified authentication"')
    assert _BARE.search("(protocols.md, ESC/POS)")
    assert not _BARE.search("docs/protocols.md#bill-acceptor-id-003")
    assert not _BARE.search("docs/drivers-protocols.md")


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading(page: Path) -> None:
    assert broken_links(page) == []


def test_every_cited_docs_anchor_exists() -> None:
    """Code comments cite sections as `docs/page.md#anchor`: each names a real heading."""
    broken = []
    for name in tracked_files():
        text = text_of(name)
        if text is None:
            continue
        for page, anchor in _DOCS_ANCHOR.findall(text):
            dest = ROOT / "docs" / page
            if not dest.exists() or anchor not in anchors(dest):
                broken.append(f"{name}: docs/{page}#{anchor}")
    assert broken == []


def test_no_bare_citation_of_the_old_notes() -> None:
    offenders = []
    for name in tracked_files():
        if name.startswith("docs/") or name in PENDING_BARE_CITATIONS:
            continue
        text = text_of(name)
        if text is not None and _BARE.search(text):
            offenders.append(name)
    assert offenders == [], f"cite a docs/ section instead of a bare name: {offenders}"
