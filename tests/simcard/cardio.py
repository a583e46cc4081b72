"""Helpers for driving a `VirtualSim` directly with APDUs in the unit tests (no pcscd): send hex,
get (data, status word) back; parse BER-TLV (FCP templates, EF_ARR records) independently of
the code under test."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.simcard.emulator import VirtualSim


@dataclass(frozen=True)
class Reply:
    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8


def send(card: VirtualSim, command: str | bytes) -> Reply:
    raw = bytes.fromhex(command) if isinstance(command, str) else command
    answer = card.process(raw)
    assert len(answer) >= 2, f"{raw.hex()} answered {answer.hex()}"
    return Reply(answer[:-2], int.from_bytes(answer[-2:], "big"))


def sw(card: VirtualSim, command: str | bytes) -> int:
    return send(card, command).sw


def fetch(card: VirtualSim, command: str) -> bytes:
    """A command answered `61xx` (UICC) or `9Fxx` (2G), then its GET RESPONSE (class A0 after
    a 2G command, else class 00 on the command's logical channel)."""
    first = send(card, command)
    cla = int(command[:2], 16)
    cla = cla if cla == 0xA0 else cla & 0x03
    assert first.sw1 in (0x61, 0x9F), f"{command} answered {first.sw:04X}"
    reply = send(card, f"{cla:02X}C00000{first.sw & 0xFF:02X}")
    assert reply.sw == 0x9000, f"GET RESPONSE after {command} answered {reply.sw:04X}"
    return reply.data


def select(card: VirtualSim, fid: str) -> bytes:
    """UICC SELECT by FID with the FCP (P2=04), the FCP."""
    return fetch(card, f"00A4000402{fid}")


def select_gsm(card: VirtualSim, fid: str) -> bytes:
    return fetch(card, f"A0A4000002{fid}")


def tlv_list(data: bytes) -> list[tuple[int, bytes]]:
    """One level of BER-TLV with one-byte tags and short lengths (what SIM FCPs use)."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        tag, length = data[pos], data[pos + 1]
        assert length < 0x80, f"long length in {data.hex()}"
        value = data[pos + 2 : pos + 2 + length]
        assert len(value) == length, f"TLV {tag:02X} runs past the end of {data.hex()}"
        out.append((tag, value))
        pos += 2 + length
    return out


def tlvs(data: bytes) -> dict[int, bytes]:
    """`tlv_list` where every tag occurs once."""
    pairs = tlv_list(data)
    out = dict(pairs)
    assert len(out) == len(pairs), f"a tag occurs twice in {data.hex()}"
    return out


def fcp(data: bytes) -> dict[int, bytes]:
    outer = tlvs(data)
    assert list(outer) == [0x62], f"not an FCP template: {data.hex()}"
    return tlvs(outer[0x62])
