"""The virtual SIM card the emulator serves: its state (file system, logical channels, PIN and
ADM security state, fault switches) and APDU dispatch to the command set of its profile —
`drivers.simcard.uicc_commands` (ETSI TS 102 221) for `usim` and `blank`,
`drivers.simcard.gsm_commands` (3GPP TS 51.011) for `gsm`. Pure: `VirtualSim.process(command)
-> response`, no sockets. docs/drivers-simcard.md lists what is implemented and what is refused."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.simcard import apdu
from drivers.simcard.card_command import parse_command, sw
from drivers.simcard.card_fs import DF, EF, Access, Channel, ChvStatus
from drivers.simcard.card_profiles import (
    ATR_BLANK,
    ATR_GSM,
    ATR_USIM,
    ATRS,
    GSM_ICCID,
    GSM_IMSI,
    ISIM_AID,
    USIM_AID,
    USIM_ICCID,
    USIM_IMSI,
    Profile,
    build_gsm,
    build_uicc,
)
from drivers.simcard.gsm_commands import GsmCommands
from drivers.simcard.uicc_commands import UiccCommands

__all__ = [
    "ATR_BLANK",
    "ATR_GSM",
    "ATR_USIM",
    "DEFAULT_ADM_KEY",
    "DEFAULT_PIN1",
    "DF",
    "EF",
    "GSM_ICCID",
    "GSM_IMSI",
    "ISIM_AID",
    "USIM_AID",
    "USIM_ICCID",
    "USIM_IMSI",
    "Access",
    "CardPulled",
    "Channel",
    "Faults",
    "Profile",
    "VirtualSim",
]

log = logging.getLogger(__name__)

DEFAULT_ADM_KEY = bytes.fromhex("3131313131313131")  # "11111111", the emulator's factory key
DEFAULT_PIN1 = "1234"
PIN1_TRIES = 3  # TS 102 221 §9.5.3 / TS 51.011 §11.1: three false presentations block
ADM_TRIES = 10


@dataclass
class Faults:
    pull_after_writes: int | None = None
    write_error_after: int | None = None
    reject_adm: bool = False
    delay_s: float = 0.0


class CardPulled(Exception):
    """Raised inside the card to make the emulator close its socket (card pulled mid-command)."""


class VirtualSim:
    """The card itself: file system, security state and APDU processing (no socket)."""

    def __init__(
        self,
        profile: Profile | str = Profile.USIM,
        *,
        pin1_enabled: bool = False,
        pin1: str = DEFAULT_PIN1,
        adm_key: bytes = DEFAULT_ADM_KEY,
        faults: Faults | None = None,
    ) -> None:
        self.profile = Profile(profile)
        self.pin1 = pin1
        self.pin1_enabled = pin1_enabled
        self.pin1_tries = PIN1_TRIES
        self.adm_key = adm_key
        self.adm_tries = ADM_TRIES
        self.faults = faults or Faults()
        self.writes = 0  # successful UPDATE commands since the card was made
        self.atr = ATRS[self.profile]
        self.commands: UiccCommands | GsmCommands
        if self.profile is Profile.GSM:
            self.cla = apdu.CLA_GSM
            self.mf, self.adfs = build_gsm(), list[DF]()
            self.commands = GsmCommands(self)
        else:
            self.cla = apdu.CLA_UICC
            self.mf, self.adfs = build_uicc(blank=self.profile is Profile.BLANK)
            self.commands = UiccCommands(self)
        self.power_on()

    def ef(self, *path: int, aid: bool = False) -> EF:
        """A file by path from the MF (or from ADF.USIM with `aid=True`), for tests."""
        node: EF | DF = self.adfs[0] if aid else self.mf
        for fid in path:
            assert isinstance(node, DF)
            node = node.children[fid]
        assert isinstance(node, EF)
        return node

    # ------------------------------------------------------------------ session

    def power_on(self) -> None:
        """Cold or warm reset: the MF is selected on the basic channel, the others are closed,
        and the security state is lost (TS 102 221 §8.6, §9.5)."""
        self.channels: dict[int, Channel] = {0: Channel(self.mf)}
        self.pending: tuple[int, bytes] | None = None  # (channel, data) for GET RESPONSE
        self.pin1_verified = False
        self.adm_verified = False

    def allowed(self, access: Access) -> bool:
        if access is Access.ALWAYS:
            return True
        if access is Access.PIN1:
            return not self.pin1_enabled or self.pin1_verified or self.adm_verified
        if access is Access.ADM:
            return self.adm_verified
        return False

    def chv_status(self) -> ChvStatus:
        return ChvStatus(enabled=self.pin1_enabled, tries_left=self.pin1_tries)

    def process(self, command: bytes) -> bytes:
        """Answer one command APDU. Raises CardPulled when a fault pulls the card."""
        # Response data waits for the GET RESPONSE that directly follows (ISO/IEC 7816-3 §10.3.3).
        pending, self.pending = self.pending, None
        parsed = parse_command(command)
        if parsed is None:
            return sw(0x6700)
        return self.commands.process(parsed, pending)

    # ------------------------------------------------------------------ updates

    def write(self, ef: EF, data: bytes, *, offset: int = 0, record: int = 0) -> bool:
        """Store an update the command already checked; False is a memory problem (a fault).
        `record` is 1-based for a record EF, 0 for a transparent one."""
        faults = self.faults
        if faults.pull_after_writes is not None and self.writes >= faults.pull_after_writes:
            raise CardPulled
        if faults.write_error_after is not None and self.writes >= faults.write_error_after:
            return False
        self._store(ef, data, offset, record)
        self.writes += 1
        return True

    @staticmethod
    def _store(ef: EF, data: bytes, offset: int, record: int) -> None:
        if record:
            assert ef.records is not None
            ef.records[record - 1][:] = data
        else:
            ef.data[offset : offset + len(data)] = data

    # ------------------------------------------------------------------ PIN1 and ADM

    def verify_pin1(self, data: bytes) -> bool:
        """Compare a presented PIN1 (the caller checked it is not blocked); `pin1_tries` counts
        down on a wrong one."""
        if data == apdu.pad_pin(self.pin1):
            self.pin1_tries = PIN1_TRIES
            self.pin1_verified = True
            return True
        self.pin1_tries -= 1
        self.pin1_verified = False
        return False

    def verify_adm(self, data: bytes) -> bool:
        if data == self.adm_key and not self.faults.reject_adm:
            self.adm_tries = ADM_TRIES
            self.adm_verified = True
            return True
        self.adm_tries -= 1
        self.adm_verified = False
        return False
