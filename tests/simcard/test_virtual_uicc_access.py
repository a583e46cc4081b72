"""The virtual UICC's file access, APDU by APDU (no pcscd): READ BINARY and READ RECORD (by
short file id too, PIN-protected files), UPDATE BINARY and RECORD (linked files, a write fault
as a memory problem), VERIFY of PIN1 and ADM with its counters; every refusal's status word
(TS 102 221 §11.1)."""

from __future__ import annotations

from drivers.simcard import apdu, contents
from drivers.simcard.emulator import USIM_ICCID, USIM_IMSI, VirtualSim
from drivers.simcard.virtual_card import USIM_AID
from tests.simcard.cardio import select, send, sw
from tests.simcard.test_virtual_uicc import ADM, PIN_1234, select_usim

# ---------------------------------------------------------------------------- READ BINARY


def test_read_binary() -> None:
    card = VirtualSim("usim")
    select(card, "2FE2")
    raw = contents.encode_iccid(USIM_ICCID)
    assert send(card, "00B000000A").data == raw
    assert send(card, "00B0000208").data == raw[2:]
    assert sw(card, "00B000000B") == 0x6C0A  # Le past the end: the exact length
    assert sw(card, "00B0000200") == 0x6C08
    assert sw(card, "00B0000A01") == 0x6B00  # offset outside the file
    assert sw(card, "00B00000") == 0x6700  # no Le
    assert sw(card, "00B00000010000") == 0x6700  # data on a read


def test_read_binary_needs_a_transparent_ef() -> None:
    card = VirtualSim("usim")
    assert sw(card, "00B0000001") == 0x6986  # the MF is selected, no EF
    select(card, "2F00")
    assert sw(card, "00B0000001") == 0x6981  # a record file


def test_read_binary_by_short_file_id() -> None:
    card = VirtualSim("usim")
    assert send(card, "00B082000A").data == contents.encode_iccid(USIM_ICCID)
    assert send(card, "00B0000002").data == contents.encode_iccid(USIM_ICCID)[:2]  # now current
    assert sw(card, "00B0910001") == 0x6A82  # no SFI 11 here
    assert sw(card, "00B09E0001") == 0x6981  # SFI 1E is EF_DIR, a record file
    assert sw(card, "00B0C20001") == 0x6A86  # b7-b6 of P1 must be 0
    select_usim(card)
    assert contents.decode_imsi(send(card, "00B0870009").data) == USIM_IMSI


def test_pin_protected_read() -> None:
    card = VirtualSim("usim", pin1_enabled=True)
    select_usim(card)
    select(card, "6F07")
    assert sw(card, "00B0000009") == 0x6982
    assert sw(card, PIN_1234) == 0x9000
    assert contents.decode_imsi(send(card, "00B0000009").data) == USIM_IMSI


# ---------------------------------------------------------------------------- READ RECORD


def test_read_record_modes() -> None:
    card = VirtualSim("usim")
    select(card, "2F00")
    records = [send(card, f"00B20{n}0420").data for n in (1, 2, 3)]
    assert apdu.parse_ef_dir_record(records[1]) == USIM_AID
    assert sw(card, "00B2000420") == 0x6A83  # no current record yet
    assert send(card, "00B2000220").data == records[0]  # next: the first
    assert send(card, "00B2000220").data == records[1]
    assert send(card, "00B2000420").data == records[1]  # current
    assert send(card, "00B2030420").data == records[2]  # absolute: the pointer stays
    assert send(card, "00B2000320").data == records[0]  # previous
    assert sw(card, "00B2000320") == 0x6A83
    assert sw(card, "00B2040420") == 0x6A83
    assert sw(card, "00B2010410") == 0x6C20  # Le must be the record length
    assert sw(card, "00B2010520") == 0x6A86  # mode 05
    assert sw(card, "00B2010220") == 0x6A86  # next takes P1 00
    assert sw(card, "00B20104") == 0x6700


def test_read_record_by_short_file_id_and_refusals() -> None:
    card = VirtualSim("usim")
    assert apdu.parse_ef_dir_record(send(card, "00B202F420").data) == USIM_AID  # SFI 1E
    assert sw(card, "00B201FC20") == 0x6A86  # SFI 1F is reserved
    assert sw(card, "00B2018C20") == 0x6A82  # SFI 11 does not exist
    select(card, "3F00")
    assert sw(card, "00B2010420") == 0x6986
    select(card, "2FE2")
    assert sw(card, "00B2010420") == 0x6981


# ---------------------------------------------------------------------------- UPDATE


def test_update_binary() -> None:
    card = VirtualSim("blank")
    select(card, "2FE2")
    iccid = contents.encode_iccid("89860312345678901235").hex()
    assert sw(card, f"00D600000A{iccid}") == 0x6982
    assert sw(card, ADM) == 0x9000
    assert sw(card, f"00D600000A{iccid}") == 0x9000
    assert send(card, "00B000000A").data.hex() == iccid
    assert sw(card, "00D6000A0100") == 0x6B00
    assert sw(card, "00D6000506000000000000") == 0x6700
    assert sw(card, "00D60000") == 0x6700
    assert sw(card, "00D600000100") == 0x9000
    assert sw(card, "00D6820001FF") == 0x9000
    assert send(card, "00B0000001").data == b"\xff"
    select(card, "2F00")
    assert sw(card, "00D600000100") == 0x6981


def test_update_record_and_linked_files() -> None:
    card = VirtualSim("blank")
    select_usim(card)
    select(card, "6F42")
    smsp = contents.encode_smsp("+8613800100500").hex()
    assert sw(card, f"00DC01041C{smsp}") == 0x9000  # PIN1 is disabled: allowed
    assert sw(card, f"00DC03041C{smsp}") == 0x6A83
    assert sw(card, "00DC010401FF") == 0x6700
    assert sw(card, f"00DC01051C{smsp}") == 0x6A86
    select(card, "3F00")
    select(card, "7F10")
    select(card, "6F42")  # DF_TELECOM's EF_SMSP is the same file
    assert contents.decode_smsp(send(card, "00B201041C").data) == "+8613800100500"
    select(card, "3F00")
    select(card, "2F00")
    assert sw(card, ADM) == 0x9000
    assert sw(card, "00DC0104" + "20" + "FF" * 32) == 0x6982  # EF_DIR: update NEVER


def test_write_fault_is_a_memory_problem() -> None:
    card = VirtualSim("blank")
    card.faults.write_error_after = 0
    assert sw(card, ADM) == 0x9000
    select(card, "FF03")
    assert sw(card, "00D6000001" + "01") == 0x6581
    assert card.writes == 0


# ---------------------------------------------------------------------------- VERIFY


def test_verify_pin1_counts_down_and_blocks() -> None:
    card = VirtualSim("usim", pin1_enabled=True)
    assert sw(card, "00200001") == 0x63C3
    assert sw(card, "0020000100") == 0x63C3  # the same over T=0: case 1 travels with P3 = 00
    wrong = "0020000108" + apdu.pad_pin("0000").hex()
    assert [sw(card, wrong) for _ in range(3)] == [0x63C2, 0x63C1, 0x6983]
    assert sw(card, "00200001") == 0x6983
    assert sw(card, PIN_1234) == 0x6983


def test_verify_pin1_status_when_disabled_or_verified() -> None:
    assert sw(VirtualSim("usim"), "00200001") == 0x9000
    card = VirtualSim("usim", pin1_enabled=True)
    assert sw(card, PIN_1234) == 0x9000
    assert sw(card, "00200001") == 0x9000


def test_verify_adm() -> None:
    card = VirtualSim("blank")
    assert sw(card, "0020000A") == 0x63CA
    assert sw(card, "0020000A08" + "00" * 8) == 0x63C9
    assert sw(card, ADM) == 0x9000
    assert sw(card, "0020000A") == 0x9000
    card.faults.reject_adm = True
    assert sw(card, ADM) == 0x63C9


def test_verify_refusals() -> None:
    card = VirtualSim("usim")
    assert sw(card, "0020010108" + "31" * 8) == 0x6A86
    assert sw(card, "0020000208" + "31" * 8) == 0x6A88  # no PIN2 on this card
    assert sw(card, "002000010431323334") == 0x6700
    assert sw(card, "0020000108") == 0x6700  # Lc without the data
    assert sw(card, "00200001083132333435363738FF") == 0x6700  # case 4
