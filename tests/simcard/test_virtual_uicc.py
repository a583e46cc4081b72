"""The virtual UICC (`usim` and `blank` profiles) driven APDU by APDU, no pcscd: every command it
implements (ETSI TS 102 221 §11) and every refusal, with the status words the spec gives (reading,
updating and VERIFY: test_virtual_uicc_access.py)."""

from __future__ import annotations

import pytest

from drivers.simcard import apdu, contents
from drivers.simcard.emulator import DEFAULT_ADM_KEY, USIM_ICCID, USIM_IMSI, VirtualSim
from drivers.simcard.virtual_card import ISIM_AID, USIM_AID
from tests.simcard.cardio import fcp, fetch, select, send, sw, tlv_list, tlvs

AID = USIM_AID.hex().upper()
ADM = "002000 0A08".replace(" ", "") + DEFAULT_ADM_KEY.hex()
PIN_1234 = "0020000108" + apdu.pad_pin("1234").hex()


def select_usim(card: VirtualSim) -> bytes:
    return fetch(card, f"00A4040410{AID}")


# ---------------------------------------------------------------------------- FCP templates


def test_mf_fcp_has_what_ts_102_221_makes_mandatory() -> None:
    """The MF's FCP: descriptor, FID, UICC characteristics, life cycle status, security
    attributes and PIN status template (TS 102 221 §11.1.1.3.1)."""
    mf = fcp(select(VirtualSim("usim"), "3F00"))
    assert mf[0x82] == bytes.fromhex("7821")
    assert mf[0x83] == bytes.fromhex("3F00")
    assert 0x80 in tlvs(mf[0xA5])
    assert mf[0x8A] == b"\x05"  # operational, activated
    assert len(mf[0x8B]) == 3
    assert mf[0x8B][:2] == bytes.fromhex("2F06")
    pins = tlv_list(mf[0xC6])  # TS 102 221 §9.5.2: PS_DO, then the key references in order
    assert pins == [(0x90, b"\x40"), (0x95, b"\x08"), (0x83, b"\x01"), (0x83, b"\x0a")]


@pytest.mark.parametrize("pin1_enabled", [False, True])
def test_adf_and_df_fcps_carry_the_pin_status(pin1_enabled: bool) -> None:
    card = VirtualSim("usim", pin1_enabled=pin1_enabled)
    adf = fcp(select_usim(card))
    assert adf[0x84] == USIM_AID
    assert adf[0x8A] == b"\x05"
    assert 0x8B in adf
    expected = 0xC0 if pin1_enabled else 0x40
    assert tlv_list(adf[0xC6])[0] == (0x90, bytes((expected,)))  # b8 PIN1, b7 ADM1
    select(card, "3F00")
    gsm = fcp(select(card, "7F20"))
    assert gsm[0x83] == bytes.fromhex("7F20")
    assert tlv_list(gsm[0xC6])[0] == (0x90, bytes((expected,)))


def test_transparent_ef_fcp() -> None:
    iccid = fcp(select(VirtualSim("usim"), "2FE2"))
    assert iccid[0x82] == bytes.fromhex("4121")
    assert iccid[0x83] == bytes.fromhex("2FE2")
    assert iccid[0x80] == bytes.fromhex("000A")
    assert iccid[0x8A] == b"\x05"
    assert iccid[0x88] == bytes((0x02 << 3,))  # SFI 02 (TS 102 221 §13.2)


def test_record_ef_fcp_has_its_size() -> None:
    """pySim counts records as file size (tag 80) / record length: both must be there."""
    ef_dir = fcp(select(VirtualSim("usim"), "2F00"))
    descriptor = ef_dir[0x82]
    assert descriptor[:2] == bytes.fromhex("4221")
    record_length, count = int.from_bytes(descriptor[2:4], "big"), descriptor[4]
    assert (record_length, count) == (32, 3)
    assert int.from_bytes(ef_dir[0x80], "big") // record_length == count
    assert ef_dir[0x88] == bytes((0x1E << 3,))


def _arr_rule(card: VirtualSim, fid: str, *path: str) -> bytes:
    for df in path:
        select(card, df)
    reference = fcp(select(card, fid))[0x8B]
    select(card, "3F00")
    arr = fcp(select(card, reference[:2].hex()))
    record_length = int.from_bytes(arr[0x82][2:4], "big")
    reply = send(card, f"00B2{reference[2]:02X}04{record_length:02X}")
    assert reply.sw == 0x9000
    return reply.data


def test_security_attributes_point_at_the_access_rules() -> None:
    """Tag 8B names an EF_ARR record (TS 102 221 §11.1.1.4.7.3) that states the file's real
    access conditions in the expanded format (ISO/IEC 7816-4 §5.4.3.2)."""
    card = VirtualSim("usim")
    always, never = "9000", "9700"
    pin1, adm = "A406830101950108", "A40683010A950108"
    assert _arr_rule(card, "2FE2").hex().upper().startswith(f"800101{always}800102{adm}")
    assert _arr_rule(card, "2F00").hex().upper().startswith(f"800101{always}800102{never}")
    imsi_rule = _arr_rule(card, "6F07", "7F20").hex().upper()
    assert imsi_rule.startswith(f"800101{pin1}800102{adm}")


# ---------------------------------------------------------------------------- SELECT


def test_pysim_paths_exist_on_the_usim_profile() -> None:
    """pySim-read reads EF_IMSI at 3F00/7F20/6F07 and EF_SMSP at 3F00/7F10/6F42 even on a UICC."""
    card = VirtualSim("usim")
    select(card, "3F00")
    select(card, "7F20")
    select(card, "6F07")
    assert contents.decode_imsi(send(card, "00B0000009").data) == USIM_IMSI
    select(card, "3F00")
    select(card, "7F10")
    select(card, "6F42")
    record = send(card, "00B201041C")
    assert contents.decode_smsp(record.data) == "+8613800100500"


def test_select_refusals() -> None:
    card = VirtualSim("usim")
    assert sw(card, "00A40000023F00") == 0x6A86  # P2 00 (FCI) is not a TS 102 221 choice
    assert sw(card, "00A40004033F0000") == 0x6700  # a FID is 2 bytes
    assert sw(card, "00A400040100") == 0x6700
    assert sw(card, "00A4000402") == 0x6700  # no data at all
    assert sw(card, "00A40204023F00") == 0x6A86  # P1 02 is not defined
    assert sw(card, "00A40004021234") == 0x6A82
    assert sw(card, "00A4040411" + AID + "00") == 0x6700  # an AID is at most 16 bytes
    assert sw(card, "00A4040405A000000099") == 0x6A82


def test_select_without_data_and_with_le() -> None:
    card = VirtualSim("usim")
    assert send(card, "00A4000C022FE2") == send(card, "00A4000C023F00")  # 9000, no data
    assert sw(card, "00A4000C022FE2") == 0x9000
    assert sw(card, "00C0000010") == 0x6985  # nothing to fetch after P2=0C
    assert send(card, "00A40004023F0000").sw1 == 0x61  # case 4, as pySim sends it


def test_an_ef_of_the_mf_is_not_selectable_from_an_adf() -> None:
    """TS 102 221 §8.4.1: from ADF.USIM only its children, the MF, the parent and DFs beside."""
    card = VirtualSim("usim")
    select_usim(card)
    assert sw(card, "00A40004022FE2") == 0x6A82
    assert sw(card, "00A40004022F00") == 0x6A82
    select(card, "7F20")  # a DF child of the parent is reachable
    assert sw(card, "00A40004022FE2") == 0x6A82  # from DF_GSM neither
    select(card, "3F00")
    select(card, "2FE2")


def test_7fff_is_the_current_application() -> None:
    card = VirtualSim("usim")
    assert sw(card, "00A40004027FFF") == 0x6A82  # no application selected yet
    select_usim(card)
    select(card, "3F00")
    assert fcp(select(card, "7FFF"))[0x84] == USIM_AID
    assert send(card, "00B0000009").sw == 0x6986  # a DF, no EF


def test_select_child_parent_and_sibling() -> None:
    card = VirtualSim("usim")
    assert fcp(fetch(card, "00A40104027F20"))[0x83] == bytes.fromhex("7F20")
    assert sw(card, "00A40104026F07") == 0x6A82  # P1 01 selects DFs only
    assert fcp(select(card, "7F10"))[0x83] == bytes.fromhex("7F10")  # sibling DF
    assert fcp(fetch(card, "00A4030400"))[0x83] == bytes.fromhex("3F00")  # parent (case 2)
    assert sw(card, "00A40304") == 0x6A82  # the MF has no parent
    assert sw(card, "00A40304023F00") == 0x6700


def test_select_by_path() -> None:
    card = VirtualSim("usim")
    assert fcp(fetch(card, "00A40804047F206F07"))[0x83] == bytes.fromhex("6F07")
    assert contents.decode_imsi(send(card, "00B0000009").data) == USIM_IMSI
    assert sw(card, "00A40804063F007F206F07") == 0x6A82  # a path from the MF omits 3F00
    assert sw(card, "00A40804047F206F") == 0x6700  # odd length
    assert sw(card, "00A40804042FE26F07") == 0x6A82  # an EF in the middle
    assert sw(card, "00A40804047FFF6F07") == 0x6A82  # no current application yet
    select_usim(card)
    select(card, "3F00")
    assert fetch(card, "00A40804047FFF6F07")
    select(card, "7F20")
    assert fcp(fetch(card, "00A40904026F07"))[0x83] == bytes.fromhex("6F07")  # from current DF
    assert sw(card, "00A40904022FE2") == 0x6A82


def test_select_by_aid_full_partial_and_listed_isim() -> None:
    card = VirtualSim("usim")
    assert fcp(fetch(card, "00A4040407A0000000871002"))[0x84] == USIM_AID
    # EF_DIR lists an ISIM: the application it lists exists
    assert fcp(fetch(card, f"00A4040410{ISIM_AID.hex()}"))[0x84] == ISIM_AID


# ---------------------------------------------------------------------------- GET RESPONSE


def test_get_response_le_handling() -> None:
    card = VirtualSim("usim")
    first = send(card, "00A40004023F00")
    length = first.sw & 0xFF
    assert first.sw1 == 0x61
    assert sw(card, f"00C00000{length + 1:02X}") == 0x6C00 | length
    head = send(card, "00C0000005")
    assert (len(head.data), head.sw) == (5, 0x6100 | (length - 5))
    rest = send(card, f"00C00000{length - 5:02X}")
    assert rest.sw == 0x9000
    assert fcp(head.data + rest.data)[0x83] == bytes.fromhex("3F00")


def test_get_response_only_directly_after_the_command() -> None:
    card = VirtualSim("usim")
    assert send(card, "00A40004022FE2").sw1 == 0x61
    assert send(card, "00B000000A").sw == 0x9000
    assert sw(card, "00C0000019") == 0x6985  # the FCP is gone, not served stale


def test_get_response_refusals() -> None:
    card = VirtualSim("usim")
    assert sw(card, "00C0000010") == 0x6985
    send(card, "00A40004023F00")
    assert sw(card, "00C0010010") == 0x6A86
    send(card, "00A40004023F00")
    assert sw(card, "00C00000") == 0x6700


# ---------------------------------------------------------------------------- STATUS


def test_status_answers_the_current_df() -> None:
    card = VirtualSim("usim")
    first = send(card, "80F2000000")
    assert first.sw1 == 0x6C  # Le 00: the exact length comes back (T=0)
    mf = send(card, f"80F20000{first.sw & 0xFF:02X}")
    assert mf.sw == 0x9000
    assert fcp(mf.data)[0x83] == bytes.fromhex("3F00")
    assert sw(card, "80F2000100") == 0x6A88  # no application: no DF name
    select_usim(card)
    select(card, "6F07")  # STATUS is about the DF, not the EF
    length = send(card, "80F2000000").sw & 0xFF
    assert fcp(send(card, f"80F20000{length:02X}").data)[0x84] == USIM_AID
    name = send(card, "80F2000112")
    assert (name.data, name.sw) == (b"\x84\x10" + USIM_AID, 0x9000)
    assert send(card, "80F2000C00") == send(card, "80F2010C")  # no data either way
    assert sw(card, "80F2000C00") == 0x9000


def test_status_refusals() -> None:
    card = VirtualSim("usim")
    assert sw(card, "80F2030000") == 0x6A86
    assert sw(card, "80F2000200") == 0x6A86
    assert sw(card, "80F20000023F00") == 0x6700
    assert sw(card, "00F2000000") == 0x6E00  # STATUS is class 8X


# ---------------------------------------------------------------------------- MANAGE CHANNEL


def test_logical_channels_keep_their_own_selection() -> None:
    card = VirtualSim("usim")
    assert send(card, "0070000001").data == b"\x01"
    select_usim(card)  # channel 0 in ADF.USIM
    assert fcp(fetch(card, "01A40004022FE2"))[0x83] == bytes.fromhex("2FE2")  # channel 1 at MF
    assert send(card, "01B000000A").data == contents.encode_iccid(USIM_ICCID)
    assert send(card, "00A40004026F07").sw1 == 0x61  # channel 0 still in the ADF
    assert sw(card, "81F2000000") >> 8 == 0x6C  # STATUS on channel 1


def test_manage_channel_open_and_close() -> None:
    card = VirtualSim("usim")
    assert [send(card, "0070000001").data for _ in range(3)] == [b"\x01", b"\x02", b"\x03"]
    assert sw(card, "0070000001") == 0x6A81  # all four channels in use
    assert sw(card, "0070800200") == 0x9000  # P3 = 00 over T=0
    assert sw(card, "02A40004023F00") == 0x6881  # closed
    assert sw(card, "00708002") == 0x6A86  # not open
    assert sw(card, "00708000") == 0x6A86  # the basic channel stays
    assert sw(card, "0070000200") == 0x9000  # open a given channel
    assert sw(card, "00700002") == 0x6A86  # already open
    assert sw(card, "00700004") == 0x6A81  # channels 4 to 19: not on this card
    assert sw(card, "00700014") == 0x6A86
    assert sw(card, "00700000") == 0x6C01  # the card-assigned number needs Le 01
    assert sw(card, "0070400000") == 0x6A86
    assert sw(card, "007080010100") == 0x6700
    assert sw(card, "0070800101") == 0x6700


def test_channel_opened_from_another_starts_where_it_is() -> None:
    card = VirtualSim("usim")
    send(card, "0070000001")
    fetch(card, f"01A4040410{AID}")
    assert send(card, "0170000001").data == b"\x02"
    assert send(card, "02B0870009").sw == 0x9000  # channel 2 starts in ADF.USIM


def test_get_response_belongs_to_its_channel() -> None:
    card = VirtualSim("usim")
    send(card, "0070000001")
    length = send(card, "00A40004023F00").sw & 0xFF
    assert sw(card, f"01C00000{length:02X}") == 0x6985


# ---------------------------------------------------------------------------- classes, INS


@pytest.mark.parametrize(
    ("command", "status"),
    [
        ("A0A40000023F00", 0x6E00),  # 2G class on a UICC
        ("80A40004023F00", 0x6E00),  # SELECT is class 0X
        ("04A40004023F00", 0x6882),  # secure messaging
        ("0CB000000A", 0x6882),
        ("10A40004023F00", 0x6884),  # command chaining
        ("40A40004023F00", 0x6881),  # channel 4
        ("60A40004023F00", 0x6882),
        ("03A40004023F00", 0x6881),  # channel 3, not open
        ("FFA40004023F00", 0x6E00),
        ("B0A40004023F00", 0x6E00),
        ("0088008110" + "00" * 16, 0x6D00),  # AUTHENTICATE: not implemented
        ("0024000110" + "31" * 16, 0x6D00),  # CHANGE PIN
        ("8010000001FF", 0x6D00),  # TERMINAL PROFILE
        ("00B1000000", 0x6D00),
        ("0060000000", 0x6D00),
    ],
)
def test_class_and_instruction_refusals(command: str, status: int) -> None:
    assert sw(VirtualSim("usim"), command) == status


@pytest.mark.parametrize("command", ["", "00", "00A4", "00A400", "00A4000402", "00A4000400AA"])
def test_too_short_or_inconsistent_apdus_are_wrong_length(command: str) -> None:
    assert sw(VirtualSim("usim"), command) == 0x6700


def test_reset_closes_channels_and_forgets_security() -> None:
    card = VirtualSim("blank")
    send(card, "0070000001")
    assert sw(card, ADM) == 0x9000
    select(card, "2FE2")
    card.power_on()
    assert sw(card, "01A40004023F00") == 0x6881
    assert sw(card, "00B0000001") == 0x6986  # the MF is selected again
    select(card, "2FE2")
    assert sw(card, "00D6000001FF") == 0x6982
