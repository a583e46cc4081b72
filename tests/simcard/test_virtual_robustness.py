"""The virtual card against garbage and against itself: any bytes, and random sequences of
plausible commands, get a well-formed answer (never an exception); the ATRs are well formed
(ISO/IEC 7816-3 §8.2) and say what the card does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.simcard import contents
from drivers.simcard.emulator import (
    ATR_BLANK,
    ATR_GSM,
    ATR_USIM,
    GSM_ICCID,
    USIM_ICCID,
    VirtualSim,
)
from tests.simcard.cardio import select, select_gsm, send

PROFILES = ("usim", "gsm", "blank")
# Status words a card may answer (TS 102 221 §10.2.1, TS 51.011 §9.4): SW1 values.
SW1 = {0x61, 0x62, 0x63, 0x65, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F}
SW1 |= {0x90, 0x92, 0x94, 0x98, 0x9F}


def _well_formed(answer: bytes) -> None:
    assert len(answer) >= 2
    sw1 = answer[-2]
    assert sw1 in SW1, answer.hex()
    if len(answer) > 2:  # data only with success, or with 61xx (more of it waiting)
        assert sw1 in (0x90, 0x61), answer.hex()
        assert len(answer) <= 258


@settings(max_examples=300)
@given(st.binary(min_size=0, max_size=300))
def test_any_bytes_get_a_status_word(command: bytes) -> None:
    for profile in PROFILES:
        _well_formed(VirtualSim(profile).process(command))


_HEADERS = st.sampled_from(
    [bytes((cla, ins)) for cla in (0x00, 0x01, 0x80, 0xA0) for ins in (0xA4, 0xB0, 0xB2, 0xC0)]
    + [bytes((cla, ins)) for cla in (0x00, 0x81, 0xA0) for ins in (0xD6, 0xDC, 0x20, 0x70, 0xF2)]
)
_PLAUSIBLE = st.builds(
    lambda header, p1, p2, body: header + bytes((p1, p2)) + body,
    _HEADERS,
    st.sampled_from([0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x09, 0x80, 0x82, 0x87, 0x9E]),
    st.sampled_from([0x00, 0x01, 0x02, 0x03, 0x04, 0x0C, 0xF4, 0x3C]),
    st.one_of(
        st.just(b""),
        st.binary(max_size=1),
        st.sampled_from([bytes.fromhex(h) for h in ("023F00", "027F20", "026F07", "047F206F07")]),
        st.binary(min_size=1, max_size=20).map(lambda b: bytes((len(b),)) + b),
    ),
)


@settings(max_examples=200)
@given(st.sampled_from(PROFILES), st.lists(_PLAUSIBLE, max_size=25))
def test_random_sessions_stay_consistent(profile: str, commands: list[bytes]) -> None:
    """Whatever a session sent, every answer is well formed, and after a reset the card reads
    its ICCID as on the first day (a session leaves no trace but its updates)."""
    card = VirtualSim(profile)
    for command in commands:
        _well_formed(card.process(command))
    card.power_on()
    if profile == "gsm":
        select_gsm(card, "2FE2")
        assert contents.decode_iccid(send(card, "A0B000000A").data) == GSM_ICCID
    else:
        select(card, "2FE2")
        iccid = send(card, "00B000000A").data
        assert iccid == (b"\xff" * 10 if profile == "blank" else contents.encode_iccid(USIM_ICCID))


# ---------------------------------------------------------------------------- ATRs


def _parse_atr(atr: bytes) -> tuple[set[int], bytes]:
    """(protocols offered, historical bytes); asserts the structure of ISO/IEC 7816-3 §8.2."""
    assert atr[0] == 0x3B  # direct convention
    y, k = atr[1] >> 4, atr[1] & 0x0F
    pos, protocols = 2, set()
    while True:
        pos += bin(y & 0x7).count("1")  # TA, TB, TC
        if not y & 0x8:
            break
        td = atr[pos]
        protocols.add(td & 0x0F)
        y, pos = td >> 4, pos + 1
    historical = atr[pos : pos + k]
    assert len(historical) == k, "fewer historical bytes than T0 announces"
    rest = atr[pos + k :]
    if protocols - {0}:  # TCK is there exactly when a protocol other than T=0 is indicated
        assert len(rest) == 1, f"expected one TCK after the historical bytes, got {rest.hex()}"
        check = 0
        for byte in atr[1:]:
            check ^= byte
        assert check == 0, "TCK does not check"
    else:
        assert rest == b""
    return protocols or {0}, historical


@pytest.mark.parametrize("atr", [ATR_USIM, ATR_BLANK, ATR_GSM], ids=["usim", "blank", "gsm"])
def test_atrs_are_well_formed(atr: bytes) -> None:
    protocols, _historical = _parse_atr(atr)
    assert 0 in protocols  # every SIM speaks T=0


@pytest.mark.parametrize("atr", [ATR_USIM, ATR_BLANK], ids=["usim", "blank"])
def test_uicc_atrs_announce_what_the_card_implements(atr: bytes) -> None:
    """Historical bytes in compact-TLV (ISO/IEC 7816-4 §8.1.1): the card capabilities announce
    selection by path and FID, short EF identifiers, record numbers and 4 logical channels,
    all of which the card must then implement (tests/simcard/test_virtual_uicc.py)."""
    _protocols, historical = _parse_atr(atr)
    assert historical[0] == 0x80
    objects: dict[int, bytes] = {}
    pos = 1
    while pos < len(historical):
        tag, length = historical[pos] >> 4, historical[pos] & 0x0F
        objects[tag] = historical[pos + 1 : pos + 1 + length]
        assert len(objects[tag]) == length, "compact-TLV runs past the historical bytes"
        pos += 1 + length
    first, _coding, third = objects[0x7]
    assert first & 0x20, "selection by path"
    assert first & 0x10, "selection by FID"
    assert first & 0x04, "short EF identifiers"
    assert first & 0x02, "record numbers"
    assert third & 0x07 == 0x03  # 4 logical channels
    card = VirtualSim("usim" if atr == ATR_USIM else "blank")
    assert send(card, "00B082000A").sw == 0x9000  # at the MF: SFI 02 is EF_ICCID
    assert send(card, "00A40804047F206F07").sw >> 8 == 0x61
    assert send(card, "0070000001").data == b"\x01"
