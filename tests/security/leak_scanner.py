"""Finds card numbers and unmasked resident ID numbers in files the kiosk (or the test suite)
wrote: SQLite databases (raw pages, free pages and WAL included, and every row value), log files,
captured receipts (ESC/POS bytes), screenshots (PNG text chunks) and anything else as bytes.

What counts as a finding:
- a card number (PAN): 13-19 digits, contiguous or in groups of 3+ split by one kind of single
  space or dash, passing the Luhn check and starting with a card scheme's IIN for that length
  (Visa, Mastercard, Amex, UnionPay, JCB, Discover, Diners, Maestro, Mir). The IIN filter keeps
  out the 1 in 10 millisecond timestamps and IMSIs (46000…, 15 digits) that pass Luhn by chance;
  `iin_filter=False` drops it. A run touching a hex letter (a-f) is part of a hex string, not a
  number, and is skipped; a run longer than 19 digits (an ICCID) is not a PAN.
- a resident ID number: 17 digits and a check character (digit or X) that satisfies
  ISO 7064 MOD 11-2, with a real birth date in positions 7-14, optionally grouped 6-8-4.
  A masked one (`110101********1234`) has no 18 characters to match.

Text is looked for in several views of the bytes: UTF-8 (ASCII digits are the same in GB18030),
GB18030 and UTF-8 full-width digits (０-９), UTF-16 LE/BE at both byte alignments (the ID card
reader's own encoding), and JSON `\\uXXXX` escapes. Pictures: only PNG text chunks (tEXt, zTXt,
iTXt) are read; text drawn into the pixels is not OCR'd.

Findings show the number masked (first 6 and last 4), so a CI log never repeats a leak.

Standalone: `python -m tests.security.leak_scanner PATH...` (exit 1 on a finding), e.g. over
`/tmp/pytest-of-$USER/pytest-current test-artifacts` after a test run, or a kiosk's data folder.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import re
import shutil
import sqlite3
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GZIP_MAGIC = b"\x1f\x8b"
ESCPOS_SUFFIX = ".escpos"

# --- the numbers ---------------------------------------------------------------------------

# (prefixes, lengths) of card schemes; a prefix "2221-2720" is a range of 4-digit prefixes.
_SCHEMES: tuple[tuple[str, tuple[str, ...], range | tuple[int, ...]], ...] = (
    ("visa", ("4",), (13, 16, 19)),
    ("mastercard", ("51-55", "2221-2720"), (16,)),
    ("amex", ("34", "37"), (15,)),
    ("unionpay", ("62", "81"), range(16, 20)),
    ("jcb", ("3528-3589",), range(16, 20)),
    ("discover", ("6011", "644-649", "65"), range(16, 20)),
    ("diners", ("300-305", "36", "38", "39"), range(14, 20)),
    ("maestro", ("5018", "5020", "5038", "5893", "6304", "6759", "6761-6763"), range(13, 20)),
    ("mir", ("2200-2204",), range(16, 20)),
)


_SCHEME_FIRST_DIGITS = frozenset(p[0] for _, prefixes, _ in _SCHEMES for p in prefixes)


def _prefix_match(digits: str, spec: str) -> bool:
    if "-" in spec:
        low, high = spec.split("-")
        return low <= digits[: len(low)] <= high
    return digits.startswith(spec)


def card_scheme(digits: str) -> str | None:
    """The card scheme whose IIN range and length fit `digits`, or None."""
    for name, prefixes, lengths in _SCHEMES:
        if len(digits) in lengths and any(_prefix_match(digits, p) for p in prefixes):
            return name
    return None


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_ok(number: str) -> bool:
    """18 characters, ISO 7064 MOD 11-2 check character, and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def mask(digits: str) -> str:
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


# --- finding them in text ------------------------------------------------------------------

# 13+ digits, single spaces or dashes between them, maybe an ID number's check X at the end.
_RUN = re.compile(r"[0-9](?:[ -]?[0-9]){12,}[Xx]?")
_ID_RUN = re.compile(r"(?<![0-9])([0-9]{6})([ -]?)([0-9]{8})\2([0-9]{3}[0-9Xx])(?![0-9])")
_HEX_LETTER = frozenset("abcdefABCDEF")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Hit:
    kind: str  # "pan" (with its scheme) or "resident_id"
    digits: str
    offset: int  # in the view's text


def _pan_windows(run: str, start: int, text: str, iin_filter: bool) -> Iterator[Hit]:
    groups = [(m.start(), m.group()) for m in re.finditer(r"[0-9]+", run)]
    seps = [run[a + len(g)] for a, g in groups[:-1]]
    end = start + len(run)
    # A run touching a hex letter is part of a hex string; one with a decimal point and digits
    # beside it is a decimal number (5381271371674271.0): neither is a card number.
    open_start = text[start - 1 : start] in _HEX_LETTER or (
        text[start - 1 : start] == "." and text[start - 2 : start - 1].isdigit()
    )
    open_end = text[end : end + 1] in _HEX_LETTER or (
        text[end : end + 1] == "." and text[end + 1 : end + 2].isdigit()
    )
    for i in range(len(groups)):
        if i == 0 and open_start:
            continue
        total = 0
        for j in range(i, len(groups)):
            total += len(groups[j][1])
            if total > 19:
                break
            if j == len(groups) - 1 and open_end:
                break
            if total < 13:
                continue
            if j > i and (
                len(set(seps[i:j])) != 1 or any(len(g) < 3 for _, g in groups[i : j + 1])
            ):
                continue
            digits = "".join(g for _, g in groups[i : j + 1])
            if iin_filter and digits[0] not in _SCHEME_FIRST_DIGITS:
                continue
            if not luhn_ok(digits):
                continue
            scheme = card_scheme(digits)
            if scheme is not None or not iin_filter:
                yield Hit(f"pan:{scheme or 'unknown'}", digits, start + groups[i][0])


def find_in_text(text: str, *, iin_filter: bool = True) -> list[Hit]:
    """Card numbers and unmasked resident ID numbers in `text`."""
    hits: list[Hit] = []
    for match in _RUN.finditer(text):
        run, start = match.group(), match.start()
        if len(run) >= 18:
            for found in _ID_RUN.finditer(run):
                number = "".join(found.group(1, 3, 4))
                if resident_id_ok(number):
                    hits.append(Hit("resident_id", number.upper(), start + found.start()))
        if run[-1] in "Xx":
            run = run[:-1]
        if " " in run or "-" in run:
            hits.extend(_pan_windows(run, start, text, iin_filter))
        elif len(run) <= 19 and (not iin_filter or run[0] in _SCHEME_FIRST_DIGITS):
            hits.extend(_pan_windows(run, start, text, iin_filter))  # one group: cheap
    return hits


# Byte patterns that say a UTF-16 or full-width view is worth decoding at all.
# (Four digits each followed by a zero byte: little-endian at one alignment, big-endian at the
# other.)
_UTF16_HINT = re.compile(rb"[0-9]\x00[0-9]\x00[0-9]\x00[0-9]\x00|[\x10-\x19]\xff[\x10-\x19]\xff")
_GB_FULL_WIDTH_HINT = re.compile(rb"\xa3[\xb0-\xb9]")
_UTF8_FULL_WIDTH_HINT = re.compile(rb"\xef\xbc[\x90-\x99]")


def text_views(data: bytes) -> Iterator[tuple[str, str]]:
    """(label, text) views of `data` in which a number could be written."""
    utf8 = data.decode("utf-8", "replace")
    yield "utf-8", utf8.translate(_FULL_WIDTH) if _UTF8_FULL_WIDTH_HINT.search(data) else utf8
    if b"\\u" in data:
        unescaped = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), utf8)
        yield "json-escaped", unescaped.translate(_FULL_WIDTH)
    if _GB_FULL_WIDTH_HINT.search(data):
        yield "gb18030", data.decode("gb18030", "replace").translate(_FULL_WIDTH)
    if _UTF16_HINT.search(data):
        for codec in ("utf-16-le", "utf-16-be"):
            for shift in (0, 1):
                part = data[shift:]
                part = part[: len(part) - len(part) % 2]
                text = part.decode(codec, "replace").translate(_FULL_WIDTH)
                yield f"{codec}+{shift}", text


# --- files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    path: Path
    where: str  # the view or part of the file: utf-8, utf-16-le+1, sqlite:table, png:tEXt...
    kind: str
    masked: str
    digits: str  # kept for tests and dedup; never printed

    def __str__(self) -> str:
        return f"{self.path} [{self.where}] {self.kind} {self.masked}"


def scan_bytes(
    data: bytes, path: Path, where: str = "", *, iin_filter: bool = True
) -> list[Finding]:
    found: dict[tuple[str, str], Finding] = {}
    for label, text in text_views(data):
        for hit in find_in_text(text, iin_filter=iin_filter):
            key = (hit.kind, hit.digits)
            if key not in found:
                view = f"{where}:{label}" if where else label
                found[key] = Finding(path, view, hit.kind, mask(hit.digits), hit.digits)
    return list(found.values())


def png_text_chunks(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(chunk type, text bytes) of a PNG's tEXt, zTXt and iTXt chunks (compressed ones
    inflated). A malformed PNG yields what could be read."""
    pos = len(PNG_MAGIC)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8].decode("latin-1")
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        try:
            if kind == "tEXt":
                yield kind, body
            elif kind == "zTXt":
                keyword, _, rest = body.partition(b"\x00")
                yield kind, keyword + b"\x00" + zlib.decompress(rest[1:])
            elif kind == "iTXt":
                keyword, _, rest = body.partition(b"\x00")
                compressed, rest = rest[0], rest[2:]
                language, _, rest = rest.partition(b"\x00")
                translated, _, text = rest.partition(b"\x00")
                text = zlib.decompress(text) if compressed else text
                yield kind, b"\x00".join((keyword, language, translated, text))
        except (zlib.error, IndexError):
            yield kind, body
        if kind == "IEND":
            break


# Columns whose values look like card numbers by construction and are not: central's invoice
# numbers are 16 digits starting with the month (YYMM, e.g. 2609…), inside Mastercard's 2-series
# IIN range, and 1 in 10 pass Luhn. Their values (read from the databases scanned) are allowed
# wherever they appear (a printed invoice too); the pattern itself is not.
# The kiosk journal's transaction ids are made by the kiosk (uuid hex; some tests use a clock:
# n-4557348888681) and are never a card number either.
ALLOWED_COLUMNS: dict[tuple[str, str], str] = {
    ("invoices", "number"): "central's invoice numbers (YYMM + 12 digits)",
    ("journal", "txn_id"): "the kiosk's own transaction ids",
}


def _sqlite_columns(path: Path) -> dict[tuple[str, str], list[object]]:
    """{(table, column): values} of every cell, read from a copy (with its WAL) so a live
    database is neither locked nor changed. Empty if the file cannot be read as a database."""
    columns: dict[tuple[str, str], list[object]] = {}
    with tempfile.TemporaryDirectory(prefix="leakscan-") as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(folder) / "copy.db-wal")
        conn = sqlite3.connect(copy)
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                cursor = conn.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from the file
                names = [d[0] for d in cursor.description]
                for row in cursor:
                    for name, value in zip(names, row, strict=True):
                        columns.setdefault((table, name), []).append(value)
        except sqlite3.DatabaseError:
            return columns  # damaged or encrypted: the raw bytes are scanned anyway
        finally:
            conn.close()
    return columns


_DIGIT_RUN = re.compile(rb"[0-9]{6,}")


def _database_of(path: Path) -> Path | None:
    """The SQLite database a file belongs to (itself, or the one of a -wal/-journal file)."""
    for suffix in ("-wal", "-journal"):
        if path.name.endswith(suffix):
            main = path.with_name(path.name[: -len(suffix)])
            return main if main.is_file() else None
    try:
        with path.open("rb") as handle:
            return path if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC else None
    except OSError:
        return None


@dataclass
class _Database:
    """What the live rows of one database say: runs of digits (to tell a record header byte
    that happens to be an ASCII digit, next to a stored number, from a real number) and the
    findings in its cells."""

    digit_runs: set[str]
    allowed: set[str]
    findings: list[Finding]


def _read_database(path: Path, iin_filter: bool) -> _Database:
    runs: set[str] = set()
    allowed: set[str] = set()
    findings: list[Finding] = []
    for (table, column), values in _sqlite_columns(path).items():
        texts = [v.encode("utf-8", "surrogatepass") for v in values if isinstance(v, str)]
        numbers = [str(v).encode() for v in values if isinstance(v, int) and abs(v) >= 10**12]
        blobs = [v for v in values if isinstance(v, bytes)]
        if (table, column) in ALLOWED_COLUMNS:  # the numbers in them, wherever they appear
            for text in (*texts, *numbers):
                allowed.update(m.group().decode() for m in _DIGIT_RUN.finditer(text))
        for cell in (*texts, *numbers, *blobs):
            runs.update(m.group().decode() for m in _DIGIT_RUN.finditer(cell))
        # Text cells are in the raw pages as UTF-8 already (scanned there, with the WAL file);
        # what only the rows show is an INTEGER and what a BLOB holds.
        where = f"sqlite:{table}.{column}"
        if numbers:
            findings += scan_bytes(b"\n".join(numbers), path, where, iin_filter=iin_filter)
        for blob in blobs:
            findings += scan_bytes(blob, path, where, iin_filter=iin_filter)
    return _Database(runs, allowed, findings)


def _header_artifact(digits: str, runs: set[str]) -> bool:
    """A raw-page hit that is a live stored number plus up to four bytes of the record around
    it (serial types or a small rowid stored as bytes 0x30-0x39) is not a number of its own."""
    return any(digits[cut:] in runs or digits[:-cut] in runs for cut in (1, 2, 3, 4))


# Source code is not data the kiosk writes: copies of the source tree that tests make (import
# contracts) hold the simulators' test identities and test card numbers on purpose.
SOURCE_SUFFIXES = frozenset({".py", ".pyc", ".pyi"})
ELF_MAGIC = b"\x7fELF"


def scan_file(
    path: Path, *, iin_filter: bool = True, databases: dict[Path, _Database] | None = None
) -> list[Finding]:
    if path.suffix in SOURCE_SUFFIXES:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if data.startswith(ELF_MAGIC):
        return []  # a program (a copied interpreter in a staging root)
    findings: list[Finding] = []
    if data.startswith(PNG_MAGIC):
        for kind, text in png_text_chunks(data):
            findings += scan_bytes(text, path, f"png:{kind}", iin_filter=iin_filter)
        return findings  # pixel data is compressed image, not text (and not OCR'd)
    if data.startswith(GZIP_MAGIC):
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data = gzip.decompress(data)
    raw = scan_bytes(data, path, iin_filter=iin_filter)
    database = _database_of(path)
    if database is not None:
        cache = databases if databases is not None else {}
        if database not in cache:
            cache[database] = _read_database(database, iin_filter)
        db = cache[database]
        raw = [f for f in raw if not _header_artifact(f.digits, db.digit_runs)]
        if database == path:
            findings += db.findings
    findings += raw
    if path.suffix == ESCPOS_SUFFIX:
        from drivers.escpos.decode import receipt_text

        try:
            printed = receipt_text(data)
        except Exception:  # a receipt the decoder cannot read was still scanned as bytes
            printed = ""
        findings += scan_bytes(printed.encode(), path, "escpos-text", iin_filter=iin_filter)
    return _dedup(findings)


def _dedup(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[tuple[Path, str, str], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.path, finding.kind, finding.digits), finding)
    return list(seen.values())


@dataclass
class Report:
    files: int = 0
    bytes: int = 0
    findings: list[Finding] | None = None

    def __post_init__(self) -> None:
        if self.findings is None:
            self.findings = []


def scan_paths(roots: Iterable[Path], *, iin_filter: bool = True) -> Report:
    """Every regular file under `roots` (symlinks not followed). Values of ALLOWED_COLUMNS
    found in any database scanned are not reported anywhere."""
    report = Report()
    assert report.findings is not None
    databases: dict[Path, _Database] = {}
    for root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.is_symlink():
                continue
            try:
                report.bytes += path.stat().st_size
            except OSError:
                continue
            report.files += 1
            report.findings += scan_file(path, iin_filter=iin_filter, databases=databases)
    allowed = set().union(*(db.allowed for db in databases.values()))
    report.findings = [f for f in report.findings if f.digits not in allowed]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--any-iin", action="store_true", help="flag Luhn-valid numbers of any IIN")
    args = parser.parse_args(argv)
    report = scan_paths(args.paths, iin_filter=not args.any_iin)
    assert report.findings is not None
    for finding in report.findings:
        print(finding)
    print(f"leak scan: {report.files} files, {report.bytes} bytes, {len(report.findings)} findings")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
