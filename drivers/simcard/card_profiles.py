"""The three card profiles the emulator serves — their ATRs, identities and file trees:

- `usim`: a personalised UICC (ETSI TS 102 221 / 3GPP TS 31.102). MF with EF_ICCID 2FE2, EF_DIR
  2F00 (record 1 an ISIM, record 2 the USIM), EF_ARR 2F06; DF_TELECOM 7F10 with EF_SMSP 6F42;
  DF_GSM 7F20 with EF_IMSI 6F07; ADF.USIM with EF_IMSI and EF_SMSP (the same files as under
  DF_GSM / DF_TELECOM: linked, as on real cards); an (empty) ADF.ISIM.
- `blank`: the same tree, unpersonalised (all FF), plus OUR vendor profile's files under the MF
  (see `drivers.simcard.apdu`): EF_KI FF01, EF_PINS FF02, EF_PERSO FF03.
- `gsm`: a 2G SIM (3GPP TS 51.011): EF_ICCID, DF_TELECOM 7F10/EF_SMSP, DF_GSM 7F20/EF_IMSI.
"""

from __future__ import annotations

import enum

from drivers.simcard import apdu, contents
from drivers.simcard.card_fs import DF, EF, FID_ARR, FID_CURRENT_ADF, Access, arr_records

USIM_AID = bytes.fromhex("A0000000871002FF86FFFF89FFFFFFFF")
ISIM_AID = bytes.fromhex("A0000000871004FF86FFFF89FFFFFFFF")
FID_DF_TELECOM = 0x7F10

USIM_ICCID = "89860012345678901238"  # Luhn-valid; China Mobile prefix 898600
GSM_ICCID = "8986011234567890128"  # 19 digits (China Unicom prefix 898601), Luhn-valid
USIM_IMSI = "460001234567890"
GSM_IMSI = "460019876543210"
SMS_CENTRE = "+8613800100500"


def with_tck(atr_without_tck: bytes) -> bytes:
    """Append TCK: the XOR of T0 .. the last historical byte (ISO/IEC 7816-3 §8.2.5)."""
    tck = 0
    for byte in atr_without_tck[1:]:
        tck ^= byte
    return atr_without_tck + bytes((tck,))


# T=0 with T=15 global bytes; historical bytes (ISO/IEC 7816-4 §8.1.1, compact TLV): card service
# data 31 A0 (application selection by full DF name, EF_DIR read by READ RECORD), card capabilities
# 73 BE 21 13 (selection by full DF name, path and FID; short EF identifiers; record numbers;
# logical channels assigned by the card, 4 of them), then 7 bytes of pre-issuing data (tag 6).
ATR_USIM = bytes.fromhex("3B9F96801FC78031A073BE21136743200718000001A5")
ATR_GSM = bytes.fromhex("3B1694710101050200")  # T=0 only, so no TCK
ATR_BLANK = with_tck(bytes.fromhex("3B9F96801FC78031A073BE2113674B494F534B5731"))  # "KIOSKW1"


class Profile(enum.Enum):
    USIM = "usim"
    GSM = "gsm"
    BLANK = "blank"


ATRS = {Profile.USIM: ATR_USIM, Profile.GSM: ATR_GSM, Profile.BLANK: ATR_BLANK}


def _record_ef(
    fid: int,
    records: list[bytes],
    *,
    read: Access = Access.ALWAYS,
    update: Access = Access.ADM,
    sfi: int | None = None,
) -> EF:
    return EF(fid, records=[bytearray(r) for r in records], read=read, update=update, sfi=sfi)


def build_uicc(blank: bool) -> tuple[DF, list[DF]]:
    """The MF and the ADFs of the `usim` (or, with `blank`, the `blank`) profile."""
    mf = DF(apdu.FID_MF)
    iccid = b"\xff" * apdu.ICCID_LEN if blank else contents.encode_iccid(USIM_ICCID)
    mf.add(EF(apdu.FID_ICCID, bytearray(iccid), sfi=0x02))
    dir_records = [b"\xff" * 32 for _ in range(3)]
    if blank:
        dir_records[0] = apdu.encode_ef_dir_record(USIM_AID, "USIM", 32)
    else:
        dir_records[0] = apdu.encode_ef_dir_record(ISIM_AID, "ISIM", 32)
        dir_records[1] = apdu.encode_ef_dir_record(USIM_AID, "USIM", 32)
    mf.add(_record_ef(apdu.FID_DIR, dir_records, update=Access.NEVER, sfi=0x1E))
    mf.add(EF(FID_ARR, records=arr_records(), sfi=0x06))

    imsi = EF(
        apdu.FID_IMSI,
        bytearray(b"\xff" * apdu.IMSI_FILE_LEN if blank else contents.encode_imsi(USIM_IMSI)),
        read=Access.PIN1,
        sfi=0x07,
    )
    smsp = _record_ef(
        apdu.FID_SMSP,
        [contents.encode_smsp("" if blank else SMS_CENTRE), b"\xff" * apdu.SMSP_RECORD_LEN],
        read=Access.PIN1,
        update=Access.PIN1,
    )
    telecom = mf.add(DF(FID_DF_TELECOM))
    telecom.add(smsp)
    gsm = mf.add(DF(apdu.FID_DF_GSM))
    gsm.add(imsi)

    usim = DF(FID_CURRENT_ADF, aid=USIM_AID, parent=mf)
    usim.add(imsi)
    usim.add(smsp)
    adfs = [usim]
    if blank:
        for fid, length in (
            (apdu.FID_VENDOR_KI, apdu.KI_FILE_LEN),
            (apdu.FID_VENDOR_PINS, apdu.PINS_FILE_LEN),
        ):
            mf.add(EF(fid, bytearray(b"\xff" * length), read=Access.ADM, update=Access.ADM))
        mf.add(EF(apdu.FID_VENDOR_PERSO, bytearray((apdu.PERSO_BLANK,))))
    else:
        adfs.append(DF(FID_CURRENT_ADF, aid=ISIM_AID, parent=mf))
    return mf, adfs


def build_gsm() -> DF:
    """The MF of the `gsm` profile (TS 51.011 §10: access conditions as the spec lists them)."""
    mf = DF(apdu.FID_MF)
    mf.add(EF(apdu.FID_ICCID, bytearray(contents.encode_iccid(GSM_ICCID)), update=Access.NEVER))
    telecom = mf.add(DF(FID_DF_TELECOM))
    telecom.add(
        _record_ef(
            apdu.FID_SMSP,
            [contents.encode_smsp(SMS_CENTRE), b"\xff" * apdu.SMSP_RECORD_LEN],
            read=Access.PIN1,
            update=Access.PIN1,
        )
    )
    gsm = mf.add(DF(apdu.FID_DF_GSM))
    gsm.add(EF(apdu.FID_IMSI, bytearray(contents.encode_imsi(GSM_IMSI)), read=Access.PIN1))
    return mf
