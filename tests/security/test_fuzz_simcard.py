"""Fuzzing SIM card response parsing (ISO 7816-4, TS 102 221, GSM 11.11): status words, FCP
and GSM select responses, EF_DIR records and the file contents. The documented error of every
decoder is SimDataError; status word classification is total."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.simcard import apdu, contents
from drivers.simcard.apdu import SimDataError, SwKind
from tests.security.fuzzing import FUZZ, note

DECODERS = (
    apdu.parse_fcp,
    apdu.parse_gsm_response,
    apdu.parse_ef_dir_record,
    contents.decode_iccid,
    contents.decode_imsi,
    contents.decode_smsp,
)


@st.composite
def tlvs(draw: st.DrawFn, depth: int = 2) -> bytes:
    """BER-TLV-ish bytes: right, short, long (81 xx) and lying lengths, nested templates."""
    out = b""
    for _ in range(draw(st.integers(0, 4))):
        tag = draw(st.sampled_from([0x62, 0x82, 0x80, 0x83, 0x61, 0x4F, 0x50, 0x00, 0xFF]))
        value = (
            draw(tlvs(depth - 1)) if depth and tag in (0x62, 0x61) else draw(st.binary(max_size=20))
        )
        length = draw(st.sampled_from(["right", "long", "lie"]))
        if length == "right" and len(value) < 0x80:
            out += bytes((tag, len(value))) + value
        elif length == "long":
            out += bytes((tag, 0x81, len(value))) + value
        else:
            out += bytes((tag, draw(st.integers(0, 255)))) + value
    return out


@FUZZ
@given(st.binary(max_size=64) | tlvs())
def test_decoders_raise_only_sim_data_error(data: bytes) -> None:
    for decode in DECODERS:
        try:
            decode(data)
        except SimDataError:
            note(f"{decode.__name__}: SimDataError")


@FUZZ
@given(st.binary(max_size=300))
def test_a_response_apdu_is_data_and_status_or_sim_data_error(raw: bytes) -> None:
    try:
        response = apdu.parse_response(raw)
    except SimDataError:
        assert len(raw) < 2
        return
    assert response.data + bytes((response.sw1, response.sw2)) == raw
    kind = response.kind  # total: every status word has a kind
    assert (response.tries_left is not None) == (kind is SwKind.WRONG_PIN)
    assert response.ok == (kind is SwKind.OK)
    if response.ok:  # success only from 9000 or 91xx: nothing else is taken for a write
        assert response.sw1 == 0x91 or response.sw == 0x9000


@FUZZ
@given(
    st.binary(min_size=5, max_size=16),
    st.text(alphabet="ABCDEFGHIJ", max_size=8),
    st.integers(0, 20),
)
def test_ef_dir_records_round_trip(aid: bytes, label: str, extra: int) -> None:
    length = 6 + len(aid) + len(label) + extra
    assert apdu.parse_ef_dir_record(apdu.encode_ef_dir_record(aid, label, length)) == aid


@FUZZ
@given(st.binary(min_size=10, max_size=10))
def test_an_iccid_file_decodes_to_a_real_iccid_or_fails(data: bytes) -> None:
    try:
        iccid = contents.decode_iccid(data)
    except SimDataError:
        return
    assert iccid == "" or (iccid.isascii() and iccid.isdigit() and 18 <= len(iccid) <= 20)
    if iccid:
        assert contents.decode_iccid(contents._swap_encode(iccid, 10)) == iccid
