"""Third-party PC/SC tools read the emulated cards through the real stack (pcscd + vpcd): Debian's
`pcsc_scan` (pcsc-tools) sees the reader and the ATR, `opensc-tool` (opensc) reads the ATR and
sends the APDU sequences a reader program would — ICCID, IMSI by AID and by pySim's DF_GSM path,
STATUS, PIN-protected reads — and gets what the card holds."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from drivers.simcard import contents
from drivers.simcard.emulator import (
    ATR_BLANK,
    ATR_GSM,
    ATR_USIM,
    GSM_ICCID,
    GSM_IMSI,
    USIM_ICCID,
    USIM_IMSI,
    SimCardEmulator,
)
from drivers.simcard.virtual_card import USIM_AID
from tests.simcard.conftest import READER, Pcscd, card_in_reader

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        shutil.which("opensc-tool") is None or shutil.which("pcsc_scan") is None,
        reason="opensc and pcsc-tools are not installed (scripts/bootstrap.sh installs them)",
    ),
]

AID = " ".join(f"{b:02X}" for b in USIM_AID)


def run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{argv} exited {done.returncode}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture
def reader_number(pcscd: Pcscd) -> str:
    """opensc-tool's number for the vpcd reader, from its reader list."""
    listing = run("opensc-tool", "--list-readers")
    for line in listing.splitlines():
        fields = line.split(maxsplit=2)
        if fields and fields[0].isdigit() and line.rstrip().endswith(READER):
            return fields[0]
    raise AssertionError(f"opensc-tool does not list {READER!r}:\n{listing}")


def _card(profile: str, **kwargs: bool) -> Iterator[SimCardEmulator]:
    with card_in_reader(SimCardEmulator(profile, **kwargs)) as emulator:
        yield emulator


@pytest.fixture
def usim(pcscd: Pcscd) -> Iterator[SimCardEmulator]:
    yield from _card("usim")


_REPLY = re.compile(r"Received \(SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\)(:?)", re.I)


def send_apdus(reader: str, *apdus: str) -> list[tuple[int, bytes]]:
    """(status word, data) per APDU, from `opensc-tool -s ... -s ...` (one card session)."""
    argv = ["opensc-tool", "--reader", reader, "--card-driver", "default"]
    for command in apdus:
        argv += ["--send-apdu", command]
    lines = run(*argv).splitlines()
    replies: list[tuple[int, bytes]] = []
    for i, line in enumerate(lines):
        match = _REPLY.match(line.strip())
        if match is None:
            continue
        data = bytearray()
        if match.group(3):  # a hex dump follows: 16 bytes a line, then their ASCII
            for dump in lines[i + 1 :]:
                if dump.startswith(("Sending", "Received")) or not dump.strip():
                    break
                tokens = dump.split(" ")
                data += bytes(int(t, 16) for t in tokens[:16] if re.fullmatch("[0-9A-F]{2}", t))
        replies.append((int(match.group(1) + match.group(2), 16), bytes(data)))
    assert len(replies) == len(apdus), f"not one answer per APDU: {lines}"
    return replies


def _hex_dump_data(data: bytes, length: int) -> bytes:
    """The bytes a command asked for: on a dump's last line the ASCII column may itself look
    like hex (bytes 41 42 20 print as "AB "), so anything past the expected length is not data."""
    return data[:length]


# ---------------------------------------------------------------------------- pcsc_scan


def test_pcsc_scan_lists_the_reader(pcscd: Pcscd) -> None:
    assert re.search(rf"^\d+: {re.escape(READER)}$", run("pcsc_scan", "-r"), re.M)


@pytest.mark.parametrize(
    ("profile", "atr"), [("usim", ATR_USIM), ("gsm", ATR_GSM), ("blank", ATR_BLANK)]
)
def test_pcsc_scan_sees_the_card_and_its_atr(pcscd: Pcscd, profile: str, atr: bytes) -> None:
    with card_in_reader(SimCardEmulator(profile)):
        scan = run("pcsc_scan", "-c", "-n")
    block = scan[scan.index(READER) :]
    assert "Card inserted" in block.split("Reader", 1)[0]
    assert f"ATR: {atr.hex(' ').upper()}" in block


# ---------------------------------------------------------------------------- opensc-tool


@pytest.mark.parametrize(
    ("profile", "atr"), [("usim", ATR_USIM), ("gsm", ATR_GSM), ("blank", ATR_BLANK)]
)
def test_opensc_tool_reads_the_atr(
    pcscd: Pcscd, reader_number: str, profile: str, atr: bytes
) -> None:
    with card_in_reader(SimCardEmulator(profile)):
        printed = run("opensc-tool", "--reader", reader_number, "--atr").strip()
    assert printed == atr.hex(":")


def test_opensc_tool_reads_iccid_and_imsi_of_the_usim(
    usim: SimCardEmulator, reader_number: str
) -> None:
    replies = send_apdus(
        reader_number,
        "00 A4 00 04 02 3F 00",
        "00 A4 00 04 02 2F E2",
        "00 B0 00 00 0A",
        f"00 A4 04 04 10 {AID}",
        "00 A4 00 04 02 6F 07",
        "00 B0 00 00 09",
    )
    assert [status for status, _ in replies] == [0x9000] * 6
    assert contents.decode_iccid(_hex_dump_data(replies[2][1], 10)) == USIM_ICCID
    assert contents.decode_imsi(_hex_dump_data(replies[5][1], 9)) == USIM_IMSI


def test_opensc_tool_follows_pysims_paths(usim: SimCardEmulator, reader_number: str) -> None:
    """pySim-read's way: FCPs fetched (case 4 SELECT), EF_IMSI by the DF_GSM path, STATUS,
    and a short-file-id read of EF_ICCID from the MF."""
    replies = send_apdus(
        reader_number,
        "00 A4 00 04 02 3F 00 00",
        "00 A4 08 04 04 7F 20 6F 07",
        "00 B0 00 00 09",
        "80 F2 00 00 00",
        "00 A4 00 04 02 3F 00",
        "00 B0 82 00 0A",
    )
    assert [status for status, _ in replies] == [0x9000] * 6
    assert replies[0][1].startswith(b"\x62")  # the MF's FCP template
    assert contents.decode_imsi(_hex_dump_data(replies[2][1], 9)) == USIM_IMSI
    assert bytes.fromhex("83027F20") in replies[3][1]  # STATUS: the FCP of the DF, DF_GSM
    assert contents.decode_iccid(_hex_dump_data(replies[5][1], 10)) == USIM_ICCID


def test_opensc_tool_reads_the_2g_sim(pcscd: Pcscd, reader_number: str) -> None:
    with card_in_reader(SimCardEmulator("gsm")):
        replies = send_apdus(
            reader_number,
            "00 A4 00 04 02 3F 00",  # a reader program's first probe: no UICC class
            "A0 A4 00 00 02 2F E2",
            "A0 B0 00 00 0A",
            "A0 A4 00 00 02 7F 20",
            "A0 A4 00 00 02 6F 07",
            "A0 B0 00 00 09",
        )
    statuses = [status for status, _ in replies]
    assert statuses == [0x6E00, 0x9F0F, 0x9000, 0x9F17, 0x9F0F, 0x9000]
    assert contents.decode_iccid(_hex_dump_data(replies[2][1], 10)) == GSM_ICCID
    assert contents.decode_imsi(_hex_dump_data(replies[5][1], 9)) == GSM_IMSI


def test_opensc_tool_and_the_pin(pcscd: Pcscd, reader_number: str) -> None:
    with card_in_reader(SimCardEmulator("usim", pin1_enabled=True)):
        replies = send_apdus(
            reader_number,
            f"00 A4 04 04 10 {AID}",
            "00 A4 00 04 02 6F 07",
            "00 B0 00 00 09",
            "00 20 00 01",
            "00 20 00 01 08 31 32 33 34 FF FF FF FF",
            "00 B0 00 00 09",
        )
    assert [status for status, _ in replies] == [0x9000, 0x9000, 0x6982, 0x63C3, 0x9000, 0x9000]
    assert contents.decode_imsi(_hex_dump_data(replies[5][1], 9)) == USIM_IMSI


def test_opensc_tool_on_a_blank_card(pcscd: Pcscd, reader_number: str) -> None:
    with card_in_reader(SimCardEmulator("blank")):
        replies = send_apdus(reader_number, "00 A4 00 04 02 2F E2", "00 B0 00 00 0A")
    assert replies == [(0x9000, b""), (0x9000, b"\xff" * 10)]
