"""The virtual 2G SIM (`gsm` profile) driven APDU by APDU, no pcscd: the 3GPP TS 51.011 §9
commands it implements, the GET RESPONSE bytes of §9.2.1, and every refusal (§9.4)."""

from __future__ import annotations

import pytest

from drivers.simcard import apdu, contents
from drivers.simcard.emulator import GSM_ICCID, GSM_IMSI, VirtualSim
from tests.simcard.cardio import select_gsm, send, sw

CHV1_1234 = "A020000108" + apdu.pad_pin("1234").hex()
CHV1_WRONG = "A020000108" + apdu.pad_pin("9999").hex()


# ---------------------------------------------------------------------------- GET RESPONSE bytes


def test_mf_response_bytes() -> None:
    """TS 51.011 §9.2.1 for the MF: type 01, byte 13 the length of bytes 14-23, child counts,
    CHV1 and UNBLOCK CHV1 status in bytes 19 and 20."""
    mf = select_gsm(VirtualSim("gsm"), "3F00")
    assert len(mf) == 23
    assert mf[4:6] == bytes.fromhex("3F00")
    assert mf[6] == 0x01  # MF
    assert mf[12] == len(mf) - 13
    assert mf[13] & 0x80  # CHV1 disabled
    assert (mf[14], mf[15]) == (2, 1)  # DF_TELECOM and DF_GSM; EF_ICCID
    assert mf[16] == 2  # CHV1 and UNBLOCK CHV1
    assert mf[18:22] == bytes((0x83, 0x8A, 0x00, 0x00))  # 3 and 10 tries; no CHV2


def test_df_response_follows_the_chv1_state() -> None:
    card = VirtualSim("gsm", pin1_enabled=True)
    gsm = select_gsm(card, "7F20")
    assert (gsm[4:6], gsm[6]) == (bytes.fromhex("7F20"), 0x02)
    assert not gsm[13] & 0x80  # CHV1 enabled
    assert (gsm[14], gsm[15]) == (0, 1)
    assert sw(card, CHV1_WRONG) == 0x9804
    assert select_gsm(card, "7F20")[18] == 0x82  # one false presentation counted


@pytest.mark.parametrize(
    ("path", "size", "access", "structure"),
    [
        (["2FE2"], 10, 0x0F, b"\x00\x00"),  # READ ALW, UPDATE NEV
        (["7F20", "6F07"], 9, 0x14, b"\x00\x00"),  # READ CHV1, UPDATE ADM
        (["7F10", "6F42"], 56, 0x11, b"\x01\x1c"),  # linear fixed, 28-byte records
    ],
)
def test_ef_response_bytes(path: list[str], size: int, access: int, structure: bytes) -> None:
    card = VirtualSim("gsm")
    for fid in path[:-1]:
        select_gsm(card, fid)
    ef = select_gsm(card, path[-1])
    assert len(ef) == 15
    assert int.from_bytes(ef[2:4], "big") == size
    assert ef[4:6] == bytes.fromhex(path[-1])
    assert ef[6] == 0x04
    assert ef[8] == access
    assert ef[11] & 0x01  # not invalidated
    assert ef[12] == 2
    assert ef[13:15] == structure


# ---------------------------------------------------------------------------- files


def test_iccid_imsi_and_smsp() -> None:
    card = VirtualSim("gsm")
    select_gsm(card, "2FE2")
    assert contents.decode_iccid(send(card, "A0B000000A").data) == GSM_ICCID
    select_gsm(card, "7F20")
    select_gsm(card, "6F07")
    assert contents.decode_imsi(send(card, "A0B0000009").data) == GSM_IMSI
    select_gsm(card, "7F10")  # DF_TELECOM, beside DF_GSM
    select_gsm(card, "6F42")
    assert contents.decode_smsp(send(card, "A0B201041C").data) == "+8613800100500"


def test_selection_rules() -> None:
    card = VirtualSim("gsm")
    select_gsm(card, "7F20")
    assert sw(card, "A0A40000022FE2") == 0x9404  # an EF of the MF, from DF_GSM
    assert sw(card, "A0A40000027FFF") == 0x9404  # no applications on a SIM
    select_gsm(card, "3F00")
    assert sw(card, "A0A40000026F07") == 0x9404


def test_status() -> None:
    card = VirtualSim("gsm")
    select_gsm(card, "7F20")
    select_gsm(card, "6F07")
    status = send(card, "A0F2000017")
    assert status.sw == 0x9000
    assert status.data[4:7] == bytes.fromhex("7F2002")  # the current DF, not the EF
    assert send(card, "A0F200000D").data == status.data[:13]
    assert sw(card, "A0F2000018") == 0x6700
    assert sw(card, "A0F2010017") == 0x6B00


def test_get_response() -> None:
    card = VirtualSim("gsm")
    assert sw(card, "A0C000000F") == 0x9400  # nothing selected yet
    assert send(card, "A0A40000022FE2").sw == 0x9F0F
    assert sw(card, "A0C0000010") == 0x6700  # more than there is
    send(card, "A0A40000022FE2")
    assert len(send(card, "A0C0000007").data) == 7  # fewer is fine
    assert sw(card, "A0C000000F") == 0x9400  # consumed
    send(card, "A0A40000022FE2")
    send(card, "A0B000000A")
    assert sw(card, "A0C000000F") == 0x9400  # only directly after the SELECT
    send(card, "A0A40000022FE2")
    assert sw(card, "A0C001000F") == 0x6B00


# ---------------------------------------------------------------------------- reads, updates


def test_read_binary_refusals() -> None:
    card = VirtualSim("gsm")
    assert sw(card, "A0B000000A") == 0x9400  # no EF selected
    select_gsm(card, "2FE2")
    assert sw(card, "A0B000000B") == 0x9402
    assert sw(card, "A0B0000A01") == 0x9402
    assert sw(card, "A0B0800001") == 0x6B00
    assert sw(card, "A0B00000") == 0x6700
    select_gsm(card, "7F10")
    select_gsm(card, "6F42")
    assert sw(card, "A0B0000001") == 0x9408  # a record file


def test_read_record_modes_and_refusals() -> None:
    card = VirtualSim("gsm")
    select_gsm(card, "7F10")
    select_gsm(card, "6F42")
    first = send(card, "A0B201041C").data
    assert send(card, "A0B200021C").data == first  # next
    assert send(card, "A0B200021C").data == b"\xff" * 28
    assert sw(card, "A0B200021C") == 0x9402
    assert send(card, "A0B200031C").data == first  # previous
    assert sw(card, "A0B201041D") == 0x6700  # P3 is the record length
    assert sw(card, "A0B203041C") == 0x9402
    assert sw(card, "A0B201051C") == 0x6B00
    assert sw(card, "A0B201021C") == 0x6B00
    select_gsm(card, "7F20")
    select_gsm(card, "6F07")
    assert sw(card, "A0B201041C") == 0x9408


def test_pin_protected_files() -> None:
    card = VirtualSim("gsm", pin1_enabled=True)
    select_gsm(card, "7F20")
    select_gsm(card, "6F07")
    assert sw(card, "A0B0000009") == 0x9804
    assert sw(card, CHV1_1234) == 0x9000
    assert contents.decode_imsi(send(card, "A0B0000009").data) == GSM_IMSI


def test_updates() -> None:
    card = VirtualSim("gsm")
    select_gsm(card, "2FE2")
    assert sw(card, "A0D600000A" + "00" * 10) == 0x9804  # UPDATE NEV
    select_gsm(card, "7F10")
    select_gsm(card, "6F42")
    smsp = contents.encode_smsp("+8613900000000").hex()
    assert sw(card, "A0DC02041C" + smsp) == 0x9000  # CHV1 disabled: UPDATE CHV1 allowed
    assert contents.decode_smsp(send(card, "A0B202041C").data) == "+8613900000000"
    assert sw(card, "A0DC00021C" + smsp) == 0x6B00  # no "next" mode for UPDATE RECORD
    assert sw(card, "A0DC03041C" + smsp) == 0x9402
    assert sw(card, "A0DC020401FF") == 0x6700
    assert sw(card, "A0D6000001FF") == 0x9408
    card.faults.write_error_after = card.writes
    assert sw(card, "A0DC02041C" + smsp) == 0x9240


# ---------------------------------------------------------------------------- VERIFY CHV


def test_verify_chv1() -> None:
    card = VirtualSim("gsm", pin1_enabled=True)
    assert [sw(card, CHV1_WRONG) for _ in range(3)] == [0x9804, 0x9804, 0x9840]
    assert sw(card, CHV1_1234) == 0x9840


def test_verify_refusals() -> None:
    assert sw(VirtualSim("gsm"), CHV1_1234) == 0x9808  # CHV1 is disabled
    card = VirtualSim("gsm", pin1_enabled=True)
    assert sw(card, "A020000208" + "31" * 8) == 0x9802  # no CHV2
    assert sw(card, "A020000308" + "31" * 8) == 0x6B00
    assert sw(card, "A020010108" + "31" * 8) == 0x6B00
    assert sw(card, "A02000010431323334") == 0x6700
    assert sw(card, "A0200001") == 0x6700


# ---------------------------------------------------------------------------- classes, INS


@pytest.mark.parametrize(
    ("command", "status"),
    [
        ("00A40004023F00", 0x6E00),  # the UICC class: how readers tell a SIM from a UICC
        ("80F2000000", 0x6E00),
        ("A188000010" + "00" * 16, 0x6E00),
        ("A088000010" + "00" * 16, 0x6D00),  # RUN GSM ALGORITHM: not implemented
        ("A0FA000000", 0x6D00),  # SLEEP
        ("A070000001", 0x6D00),  # no logical channels on a SIM
        ("A0A2000001FF", 0x6D00),  # SEEK
    ],
)
def test_class_and_instruction_refusals(command: str, status: int) -> None:
    assert sw(VirtualSim("gsm"), command) == status
