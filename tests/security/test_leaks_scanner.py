"""The leak scanner itself: it must find a planted card number and a planted unmasked ID number
in every kind of file the kiosk writes and every encoding they could be in, and must not flag
masked numbers, Luhn-failing test numbers, ICCIDs, IMSIs or timestamps (or a scan that finds
nothing in the suite would prove nothing)."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.security.leak_scanner import (
    find_in_text,
    luhn_ok,
    main,
    resident_id_ok,
    scan_file,
    scan_paths,
)
from tests.security.suite_leak_scan import ARTIFACTS_ENV, SuiteLeakScan

PAN = "6212345678901232"  # UnionPay prefix, Luhn-valid
VISA = "4111111111111111"
ID_NUMBER = "11010519491231002X"  # check character X
ID_NUMBER_2 = "110101199003074477"
NOT_LEAKS = (
    "110101********4477",  # masked ID
    "110105********002X",
    "621234******1232",  # masked PAN, as the terminal answers
    "4111111111111112",  # a test PAN failing Luhn
    "110101199003074478",  # wrong check character
    "89860012345678901234",  # 20-digit ICCID
    "8986001234567890120",  # 19-digit ICCID passing Luhn: telecom IIN 89, not a card
    "460001234567895",  # IMSI
    "1764497734000",  # a millisecond timestamp
    "1764497734123456789",  # nanoseconds
    "13800138000",  # a mobile number (masked elsewhere; not a card)
    "txn 3f2a4111111111111111c0",  # a hex string
    "5381271371674271.0",  # a decimal number (a float in JSON)
)


@pytest.fixture
def planted() -> Iterator[Path]:
    """A folder for planted leaks outside pytest's base temporary folder, which the session's
    own scan reads at the end (and must find clean)."""
    with tempfile.TemporaryDirectory(prefix="planted-leaks-") as folder:
        yield Path(folder)


def _kinds(text: str) -> set[tuple[str, str]]:
    return {(hit.kind.split(":")[0], hit.digits) for hit in find_in_text(text)}


def test_check_digits() -> None:
    assert luhn_ok(PAN)
    assert luhn_ok(VISA)
    assert not luhn_ok("4111111111111112")
    assert resident_id_ok(ID_NUMBER)
    assert resident_id_ok(ID_NUMBER_2)
    assert not resident_id_ok("110101199003074478")
    assert not resident_id_ok("110101199002304475")  # 30 February: not a birth date


@pytest.mark.parametrize(
    "written",
    [
        VISA,
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "card:4111111111111111;",
        "6212 3456 7890 1232",
        "3782 822463 10005",  # Amex 4-6-5
    ],
)
def test_card_numbers_in_any_usual_shape_are_found(written: str) -> None:
    assert {kind for kind, _ in _kinds(f"paid with {written} today")} == {"pan"}


@pytest.mark.parametrize("written", [ID_NUMBER, ID_NUMBER.lower(), "110105 19491231 002X"])
def test_unmasked_id_numbers_are_found(written: str) -> None:
    assert _kinds(f"身份证 {written}") == {("resident_id", ID_NUMBER)}


@pytest.mark.parametrize("written", NOT_LEAKS)
def test_masked_and_lookalike_numbers_are_not_flagged(written: str) -> None:
    assert _kinds(f"x {written} y") == set()


def test_every_encoding_and_file_kind(planted: Path) -> None:
    """GIVEN one planted leak per encoding and file kind, beside masked numbers THEN each
    planted number is found in its file, and nothing else is."""
    text = f"卡号 {VISA} 身份证 {ID_NUMBER} 脱敏 110105********002X 621234******1232"
    full_width = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    files = {
        "utf8.log": text.encode(),
        "utf16le.bin": b"\x01" + text.encode("utf-16-le"),  # odd alignment
        "utf16be.bin": text.encode("utf-16-be"),
        "gb18030.txt": text.encode("gb18030"),
        "fullwidth-gb18030.txt": full_width.encode("gb18030"),
        "fullwidth-utf8.json": json.dumps({"m": full_width}, ensure_ascii=False).encode(),
        "escaped.json": json.dumps({"m": full_width}).encode(),  # \uff14...
        "rotated.log.1.gz": gzip.compress(text.encode()),
        "receipt.escpos": b"\x1b@\x1c&" + text.encode("gb18030") + b"\n\x1c.\x1dV\x00",
    }
    for name, data in files.items():
        (planted / name).write_bytes(data)
    picture = Image.new("L", (8, 8), 255)
    info = PngInfo()
    info.add_text("Comment", text)
    picture.save(planted / "screen-text.png", pnginfo=info)
    info = PngInfo()
    info.add_text("Description", text, zip=True)
    picture.save(planted / "screen-ztxt.png", pnginfo=info)
    picture.save(planted / "clean.png")
    (planted / "clean.log").write_text(" ".join(NOT_LEAKS), encoding="utf-8")

    report = scan_paths([planted])
    assert report.findings is not None
    found: dict[str, set[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.path.name, set()).add(finding.kind.split(":")[0])
        assert finding.digits not in str(finding)  # the report shows masked numbers only
    expected = {name: {"pan", "resident_id"} for name in files}
    expected |= {
        "screen-text.png": {"pan", "resident_id"},
        "screen-ztxt.png": {"pan", "resident_id"},
    }
    assert found == expected


def test_sqlite_rows_free_pages_and_wal(planted: Path) -> None:
    """A number in a text cell, as an INTEGER, in a UTF-16 blob, in a deleted row (still on a
    free page: secure_delete off) and in a WAL not yet checkpointed is found; stored IMSIs,
    ICCIDs and masked numbers are not flagged, nor the record bytes around them."""
    db = planted / "kiosk.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INTEGER, b BLOB)")
    rows = [(i, f"46000{i:010d}", 8986001234567890000 + i, None) for i in range(1, 60)]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO t VALUES (100, '110101********4477', NULL, NULL)")
    conn.commit()
    clean = scan_file(db)
    assert clean == []

    conn.execute("INSERT INTO t VALUES (200, NULL, ?, NULL)", (int(PAN),))
    conn.execute("INSERT INTO t VALUES (201, NULL, NULL, ?)", (ID_NUMBER.encode("utf-16-le"),))
    conn.execute("INSERT INTO t VALUES (202, ?, NULL, NULL)", ("x" * 200 + VISA,))
    conn.commit()
    conn.execute("DELETE FROM t WHERE id = 202")  # deleted, but its bytes stay on the page
    conn.commit()
    conn.close()
    findings = scan_file(db)
    by_digits = {f.digits: f.where for f in findings}
    assert set(by_digits) == {PAN, ID_NUMBER, VISA}
    assert by_digits[PAN].startswith("sqlite:t.n")  # an INTEGER: only the rows show it
    assert not by_digits[VISA].startswith("sqlite:")  # deleted: only the raw pages show it

    wal_db = planted / "outbox.db"
    conn = sqlite3.connect(wal_db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE o (k TEXT, body TEXT)")
    conn.execute("INSERT INTO o VALUES ('k1', ?)", (json.dumps({"id": ID_NUMBER_2}),))
    conn.commit()
    wal = wal_db.with_name("outbox.db-wal")
    assert wal.stat().st_size > 0
    assert {f.digits for f in scan_file(wal)} == {ID_NUMBER_2}
    conn.close()


def test_central_invoice_numbers_are_allowed_by_value_not_by_shape(planted: Path) -> None:
    """Central's invoice numbers look like Mastercard numbers; the values stored in an
    `invoices.number` column are allowed everywhere (a printed invoice too), the shape is not."""
    invoice = "2609000004467099"  # YYMM + 12 digits, Luhn-valid by chance
    other = "2609000004467107"  # same shape, Luhn-valid, not an invoice of any database
    assert luhn_ok(invoice)
    assert luhn_ok(other)
    conn = sqlite3.connect(planted / "central.db")
    conn.execute("CREATE TABLE invoices (number TEXT PRIMARY KEY)")
    conn.execute("INSERT INTO invoices VALUES (?)", (invoice,))
    conn.commit()
    conn.close()
    (planted / "receipt.log").write_text(f"发票 {invoice} / {other}", encoding="utf-8")
    report = scan_paths([planted])
    assert report.findings is not None
    assert {(f.path.name, f.digits) for f in report.findings} == {("receipt.log", other)}


def test_command_line_exit_status(planted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (planted / "a.log").write_text("nothing here 110101********4477", encoding="utf-8")
    assert main([str(planted)]) == 0
    (planted / "b.log").write_text(f"oops {VISA}", encoding="utf-8")
    assert main([str(planted)]) == 1
    out = capsys.readouterr().out
    assert "411111******1111" in out
    assert VISA not in out


def test_the_session_scan_is_installed(pytestconfig: pytest.Config) -> None:
    """The plugin that scans this whole session's files at its end is registered (unless
    switched off with KIOSK_LEAK_SCAN=0), and archives printer-simulator receipts."""
    plugin = pytestconfig.pluginmanager.get_plugin("leak-scan")
    if plugin is None:
        pytest.skip("leak scan switched off (KIOSK_LEAK_SCAN=0)")
    assert isinstance(plugin, SuiteLeakScan)
    assert plugin.archive is not None
    from drivers.escpos.simulator import PrinterEngine, PrinterFaults

    engine = PrinterEngine(PrinterFaults())
    before = plugin.archive.count
    engine.receive(b"\x1b@hello\n\x1dV\x00", lambda _reply: None)
    assert engine.jobs
    assert plugin.archive.count == before + 1
    archived = sorted(plugin.archive.folder.glob("*.escpos"))[-1]
    assert archived.read_bytes() == engine.jobs[-1]


def test_a_session_that_leaks_fails(planted: Path) -> None:
    """Negative control of the session hook: a pytest run whose test writes a card number
    into its tmp_path and a screenshot with an ID number in a text chunk ends with exit status
    1 and both findings named (masked); the same run writing masked numbers passes."""
    test_file = planted / "test_leaky.py"
    artifacts = planted / "artifacts"
    (artifacts / "screens").mkdir(parents=True)
    test_file.write_text(
        "import os\n"
        "from PIL import Image\n"
        "from PIL.PngImagePlugin import PngInfo\n"
        "def test_writes(tmp_path):\n"
        "    (tmp_path / 'data').mkdir()\n"
        "    (tmp_path / 'data' / 'kiosk.log').write_text(os.environ['LEAK_PAN'])\n"
        "    info = PngInfo()\n"
        "    info.add_text('Comment', os.environ['LEAK_ID'])\n"
        "    Image.new('L', (4, 4)).save(os.environ['SHOT'], pnginfo=info)\n",
        encoding="utf-8",
    )

    def run(pan: str, id_number: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, LEAK_PAN=pan, LEAK_ID=id_number, KIOSK_LEAK_SCAN="1")
        env[ARTIFACTS_ENV] = str(artifacts)
        env["SHOT"] = str(artifacts / "screens" / "shot.png")
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "-p", "tests.security.conftest", "--basetemp", str(planted / "base"),
             "--rootdir", str(planted), str(test_file)],
            check=False, capture_output=True, text=True, env=env, timeout=120,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip

    leaky = run(f"pan {VISA}", f"id {ID_NUMBER}")
    assert leaky.returncode == 1, leaky.stdout + leaky.stderr
    assert "1 passed" in leaky.stdout
    assert "LEAK" in leaky.stdout
    assert "411111******1111" in leaky.stdout
    assert "110105********002X" in leaky.stdout
    assert VISA not in leaky.stdout
    assert ID_NUMBER not in leaky.stdout
    assert (artifacts / "leak-scan.txt").read_text(encoding="utf-8").count("LEAK") == 2
    clean = run("pan 411111******1111", "id 110105********002X")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 findings" in clean.stdout
