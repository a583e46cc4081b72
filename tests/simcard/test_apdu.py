"""The pure APDU codec: builders, status words, FCP/GSM responses, EF_DIR, ICCID, IMSI, SMSP."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import DriverError
from drivers.simcard import apdu, contents
from drivers.simcard.apdu import FileStructure, SimDataError, SwKind
from drivers.simcard.emulator import VirtualSim

pytestmark = pytest.mark.timeout(60)


def test_command_builders() -> None:
    assert apdu.select_uicc(0x3F00) == bytes.fromhex("00A40004023F00")
    assert apdu.select_gsm(0x7F20) == bytes.fromhex("A0A40000027F20")
    assert apdu.read_binary(10) == bytes.fromhex("00B000000A")
    assert apdu.read_binary(9, cla=0xA0) == bytes.fromhex("A0B0000009")
    assert apdu.read_binary(256, offset=0x0102) == bytes.fromhex("00B0010200")
    assert apdu.read_record(2, 32) == bytes.fromhex("00B2020420")
    assert apdu.get_response(0x1C) == bytes.fromhex("00C000001C")
    assert apdu.get_response(0x0F, cla=0xA0) == bytes.fromhex("A0C000000F")
    assert apdu.verify_pin1("1234") == bytes.fromhex("002000010831323334FFFFFFFF")
    assert apdu.verify_status() == bytes.fromhex("00200001")
    assert apdu.verify_adm(b"12345678") == bytes.fromhex("0020000A083132333435363738")
    assert apdu.update_binary(b"\x01\x02") == bytes.fromhex("00D60000020102")
    assert apdu.update_record(1, b"\xff") == bytes.fromhex("00DC010401FF")
    aid = bytes.fromhex("A0000000871002FF86FFFF89FFFFFFFF")
    assert apdu.select_aid(aid) == bytes.fromhex("00A4040410") + aid


@pytest.mark.parametrize(
    "call",
    [
        lambda: apdu.select_uicc(0x10000),
        lambda: apdu.read_binary(0),
        lambda: apdu.read_binary(257),
        lambda: apdu.read_record(0, 10),
        lambda: apdu.update_binary(b""),
        lambda: apdu.verify_pin1("12"),
        lambda: apdu.verify_pin1("12a4"),
        lambda: apdu.verify_adm(b"short"),
        lambda: apdu.select_aid(b"\xa0"),
    ],
)
def test_builders_reject_bad_arguments(call: object) -> None:
    with pytest.raises(SimDataError):
        call()  # type: ignore[operator]


def test_redact_hides_verify_and_update_data() -> None:
    assert "3132" not in apdu.redact(apdu.verify_adm(b"12345678"))
    assert apdu.redact(apdu.verify_adm(b"12345678")).startswith("00 20 00 0A 08 <8 bytes")
    assert "AB" not in apdu.redact(apdu.update_binary(b"\xab" * 16))
    assert apdu.redact(apdu.read_binary(10)) == "00 B0 00 00 0A"


@pytest.mark.parametrize(
    ("sw", "kind"),
    [
        (0x9000, SwKind.OK),
        (0x9100, SwKind.OK),
        (0x611C, SwKind.MORE_DATA),
        (0x9F0F, SwKind.GSM_MORE_DATA),
        (0x6C09, SwKind.WRONG_LE),
        (0x63C2, SwKind.WRONG_PIN),
        (0x6982, SwKind.SECURITY_NOT_SATISFIED),
        (0x9804, SwKind.SECURITY_NOT_SATISFIED),
        (0x6983, SwKind.BLOCKED),
        (0x9840, SwKind.BLOCKED),
        (0x6A82, SwKind.FILE_NOT_FOUND),
        (0x9404, SwKind.FILE_NOT_FOUND),
        (0x6A83, SwKind.RECORD_NOT_FOUND),
        (0x6581, SwKind.MEMORY_PROBLEM),
        (0x9240, SwKind.MEMORY_PROBLEM),
        (0x6700, SwKind.WRONG_LENGTH),
        (0x6A86, SwKind.WRONG_PARAMS),
        (0x6E00, SwKind.CLASS_NOT_SUPPORTED),
        (0x6D00, SwKind.INS_NOT_SUPPORTED),
        (0x6986, SwKind.NOT_ALLOWED),
        (0x6F00, SwKind.OTHER),
        (0x6300, SwKind.OTHER),
    ],
)
def test_status_words(sw: int, kind: SwKind) -> None:
    response = apdu.parse_response(bytes((0xAB, sw >> 8, sw & 0xFF)))
    assert response.kind is kind
    assert response.data == b"\xab"
    assert str(response) == f"{sw:04X}"


def test_tries_left() -> None:
    assert apdu.parse_response(b"\x63\xc2").tries_left == 2
    assert apdu.parse_response(b"\x90\x00").tries_left is None
    with pytest.raises(SimDataError):
        apdu.parse_response(b"\x90")


def test_fcp() -> None:
    transparent = bytes.fromhex("620C8202412183022FE28002000A")
    assert apdu.parse_fcp(transparent) == apdu.FileInfo(FileStructure.TRANSPARENT, size=10)
    linear = bytes.fromhex("620B82054221002003" + "83022F00")
    info = apdu.parse_fcp(linear)
    assert info.structure is FileStructure.LINEAR_FIXED
    assert (info.record_length, info.record_count, info.size) == (32, 3, 96)
    assert apdu.parse_fcp(bytes.fromhex("62088202782183023F00")).structure is FileStructure.DF
    for bad in ("", "6F00", "6203820142", "62028300", "620482024221"):
        with pytest.raises(SimDataError):
            apdu.parse_fcp(bytes.fromhex(bad))


def test_gsm_response() -> None:
    ef = bytes.fromhex("000000096F07040011F44401020000")
    assert apdu.parse_gsm_response(ef) == apdu.FileInfo(FileStructure.TRANSPARENT, size=9)
    linear = bytes.fromhex("000000386F42040011F4440102011C")
    info = apdu.parse_gsm_response(linear)
    assert (info.structure, info.record_length, info.record_count) == (
        FileStructure.LINEAR_FIXED,
        28,
        2,
    )
    assert apdu.parse_gsm_response(bytes(6) + b"\x02").structure is FileStructure.DF
    for bad in (b"", bytes(6) + b"\x07", bytes(6) + b"\x04"):
        with pytest.raises(SimDataError):
            apdu.parse_gsm_response(bad)


def test_ef_dir_records() -> None:
    usim = bytes.fromhex("A0000000871002FF86FFFF89FFFFFFFF")
    record = apdu.encode_ef_dir_record(usim, "USIM", 32)
    assert len(record) == 32
    assert apdu.parse_ef_dir_record(record) == usim
    assert apdu.is_usim_aid(usim)
    assert not apdu.is_usim_aid(bytes.fromhex("A0000000871004FF86FFFF89FFFFFFFF"))
    assert apdu.parse_ef_dir_record(b"\xff" * 32) is None
    for bad in ("4F00", "6102500141", "61054F03A00000"):
        with pytest.raises(SimDataError):
            apdu.parse_ef_dir_record(bytes.fromhex(bad))


def test_iccid() -> None:
    raw = bytes.fromhex("98680021436587092183")
    assert contents.decode_iccid(raw) == "89860012345678901238"
    assert contents.encode_iccid("89860012345678901238") == raw
    assert contents.decode_iccid(b"\xff" * 10) == ""
    nineteen = contents.encode_iccid("8986011234567890128")
    assert nineteen[-1] >> 4 == 0xF
    assert contents.decode_iccid(nineteen) == "8986011234567890128"
    assert contents.luhn_valid("89860012345678901238")
    assert not contents.luhn_valid("89860012345678901239")
    assert not contents.luhn_valid("x")
    for bad in ("89860012345678901239", "12860012345678901238", "8986", "89a60012345678901238"):
        with pytest.raises(SimDataError):
            contents.encode_iccid(bad)
    for bad_raw in (b"\x98\x68", bytes.fromhex("9868002143658709F183"), b"\xaa" * 10):
        with pytest.raises(SimDataError):
            contents.decode_iccid(bad_raw)


def test_imsi() -> None:
    # 15 digits: odd parity nibble 9, 8 body bytes.
    raw = contents.encode_imsi("460001234567890")
    assert raw == bytes.fromhex("084906002143658709")
    assert contents.decode_imsi(raw) == "460001234567890"
    even = contents.encode_imsi("46000123456789")
    assert even == bytes.fromhex("0841060021436587F9")
    assert contents.decode_imsi(even) == "46000123456789"
    assert contents.decode_imsi(b"\xff" * 9) is None
    for bad_raw in ("00FFFFFFFFFFFFFFFF", "094906001032547698", "084206001032547698", "0849"):
        with pytest.raises(SimDataError):
            contents.decode_imsi(bytes.fromhex(bad_raw))
    for bad in ("12345", "4600012345678901", "46000a"):
        with pytest.raises(SimDataError):
            contents.encode_imsi(bad)


def test_smsp_and_vendor_files() -> None:
    record = contents.encode_smsp("+8613800100500")
    assert len(record) == apdu.SMSP_RECORD_LEN
    assert record[13:21] == bytes.fromhex("0891683108100005")
    assert contents.decode_smsp(record) == "+8613800100500"
    assert contents.decode_smsp(contents.encode_smsp("10086")) == "10086"
    assert contents.decode_smsp(contents.encode_smsp("")) == ""
    assert contents.decode_smsp(b"ALPHA" + record) == "+8613800100500"
    with pytest.raises(SimDataError):
        contents.encode_smsp("+86abc")
    assert len(contents.encode_ki_file(bytes(16))) == apdu.KI_FILE_LEN
    with pytest.raises(SimDataError):
        contents.encode_ki_file(bytes(8))
    assert contents.encode_pins_file("", "") == b"\xff" * 16
    with pytest.raises(SimDataError):
        contents.encode_pins_file("1234", "123")


def test_data_errors_are_driver_errors() -> None:
    assert issubclass(SimDataError, DriverError)
    assert SimDataError("x").message_key == "sim.bad_data"


# ---------------------------------------------------------------------------- properties

digits = st.text(alphabet="0123456789", min_size=1, max_size=20)


@given(st.text(alphabet="0123456789", min_size=6, max_size=15))
def test_imsi_round_trip(imsi: str) -> None:
    raw = contents.encode_imsi(imsi)
    assert len(raw) == apdu.IMSI_FILE_LEN
    assert contents.decode_imsi(raw) == imsi


@given(st.text(alphabet="0123456789", min_size=15, max_size=17))
def test_iccid_round_trip(body: str) -> None:
    iccid = "89" + body + contents.luhn_check_digit("89" + body)
    assert contents.luhn_valid(iccid)
    assert contents.decode_iccid(contents.encode_iccid(iccid)) == iccid


@given(st.text(alphabet="0123456789", min_size=1, max_size=20), st.booleans())
def test_smsp_round_trip(number: str, international: bool) -> None:
    text = ("+" if international else "") + number
    assert contents.decode_smsp(contents.encode_smsp(text)) == text


@given(st.binary(max_size=40))
def test_garbage_only_raises_typed_errors(data: bytes) -> None:
    decoders = (
        contents.decode_iccid,
        contents.decode_imsi,
        contents.decode_smsp,
        apdu.parse_fcp,
        apdu.parse_gsm_response,
        apdu.parse_ef_dir_record,
        apdu.parse_response,
    )
    for decode in decoders:
        with contextlib.suppress(SimDataError):
            decode(data)  # type: ignore[operator]


@given(st.binary(min_size=10, max_size=10))
def test_any_iccid_file_decodes_or_fails_cleanly(data: bytes) -> None:
    try:
        iccid = contents.decode_iccid(data)
    except SimDataError:
        return
    assert iccid == "" or (iccid.isdigit() and 18 <= len(iccid) <= 20)


@given(st.binary(min_size=9, max_size=9))
def test_any_imsi_file_decodes_or_fails_cleanly(data: bytes) -> None:
    try:
        imsi = contents.decode_imsi(data)
    except SimDataError:
        return
    assert imsi is None or (imsi.isdigit() and 6 <= len(imsi) <= 15)
    if imsi is not None:
        assert contents.decode_imsi(contents.encode_imsi(imsi)) == imsi


@given(st.binary(min_size=0, max_size=300))
def test_emulator_answers_any_command(command: bytes) -> None:
    for profile in ("usim", "gsm", "blank"):
        answer = VirtualSim(profile).process(command)
        assert len(answer) >= 2
