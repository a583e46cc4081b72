"""The emulated SIM card in-process, without pcscd: a simulated reader slot (`SimSlot`) holding a
`VirtualSim` — the same card the vpcd emulator serves — and the `CardTransport` that sends the
driver's APDUs straight to it (`InProcessTransport`). The driver above is the pcscd one, unchanged
(`drivers.simcard.driver.SimCardDriver`); only the transport differs, and it stays thin.

What pcscd and a reader do that the driver relies on is kept: the card is powered on (reset)
when it is inserted and, when a session asks for it, when the session ends; a card that is pulled
in the middle of a command (the emulator's `pull_after_writes` fault) leaves the slot and the
command fails as with vpcd (SimCardRemoved); the card's `delay_s` fault slows each answer.

The kiosk's slot sits at the dispenser's write position, and the dispenser is a device the reader
cannot see. So that a simulated kiosk can sell card after card, a slot made with `feed=True`
stands for the dispenser bringing the next blank: when a write session (exclusive) opens on a
card that is already personalised, a fresh blank card of the vendor profile takes its place.
A half-written card (a failed write) stays, and is written again, as the driver allows.
"""

from __future__ import annotations

import logging
import threading
import time

from drivers.simcard import apdu
from drivers.simcard.card_session import CardSession
from drivers.simcard.errors import SimCardRemoved, SimNoCard, SimNoReader
from drivers.simcard.virtual_card import DEFAULT_ADM_KEY, CardPulled, Faults, Profile, VirtualSim

log = logging.getLogger(__name__)

SLOT_NAME = "Kiosk SIM slot (in-process) 00 00"


class SimSlot:
    """The simulated reader and the card in it. Thread-safe: the monitor polls while a flow
    writes; one command at a time reaches the card."""

    def __init__(
        self,
        card: VirtualSim | None = None,
        *,
        feed: bool = False,
        adm_key: bytes = DEFAULT_ADM_KEY,
        name: str = SLOT_NAME,
    ) -> None:
        self.name = name
        self.feed = feed
        self.adm_key = adm_key
        # The fault switches every fed card shares (a card inserted by hand keeps its own).
        self.faults = card.faults if card is not None else Faults()
        self.fed = 0  # blank cards brought by the feed
        self._lock = threading.RLock()
        self._card: VirtualSim | None = None
        self.connected = True  # False: the reader itself is unplugged
        if card is not None:
            self.insert(card)
        elif feed:
            self.insert(self._blank())

    @property
    def card(self) -> VirtualSim | None:
        return self._card

    def insert(self, card: VirtualSim) -> None:
        """A card goes into the reader (powered on, as a reader does at insertion)."""
        with self._lock:
            card.power_on()
            self._card = card

    def remove(self) -> VirtualSim | None:
        with self._lock:
            card, self._card = self._card, None
            return card

    def stop(self) -> None:
        """The simulator's stop: nothing runs on its own; the card leaves."""
        self.remove()

    def state(self) -> tuple[str | None, bytes | None]:
        with self._lock:
            if not self.connected:
                return None, None
            return self.name, (self._card.atr if self._card is not None else None)

    def _blank(self) -> VirtualSim:
        self.fed += 1
        return VirtualSim(Profile.BLANK, adm_key=self.adm_key, faults=self.faults)

    def connect(self, *, exclusive: bool) -> VirtualSim:
        """The card a new session talks to (fed first, see the module's docstring)."""
        with self._lock:
            if not self.connected:
                raise SimNoReader(f"reader {self.name} is not connected")
            card = self._card
            if card is None:
                raise SimNoCard(f"no card in {self.name}")
            if exclusive and self.feed and _personalised(card):
                log.info("simulated dispenser: a fresh blank card to the write position")
                card = self._blank()
                self.insert(card)
            return card

    def exchange(self, card: VirtualSim, command: bytes) -> bytes:
        with self._lock:
            if self._card is not card or not self.connected:
                raise SimCardRemoved(f"the card left {self.name}")
            try:
                answer = card.process(command)
            except CardPulled:
                log.info("in-process card pulled during %s", apdu.redact(command))
                self._card = None
                raise SimCardRemoved("the card was pulled during a command") from None
        if card.faults.delay_s:
            time.sleep(card.faults.delay_s)  # the emulated card is slow to answer
        return answer

    def reset(self, card: VirtualSim) -> None:
        with self._lock:
            if self._card is card:
                card.power_on()


def _personalised(card: VirtualSim) -> bool:
    """A card of OUR vendor profile whose personalisation state says done."""
    try:
        perso = card.ef(apdu.FID_VENDOR_PERSO)
    except KeyError:
        return False
    return bytes(perso.data[:1]) == bytes((apdu.PERSO_DONE,))


class InProcessSession(CardSession):
    """One connection to the slot's card."""

    def __init__(self, slot: SimSlot, *, exclusive: bool) -> None:
        self.slot = slot
        self.card: VirtualSim | None = slot.connect(exclusive=exclusive)
        self.atr = self.card.atr

    def _exchange(self, command: bytes) -> bytes:
        if self.card is None:
            raise SimCardRemoved("the session is closed")
        return self.slot.exchange(self.card, command)

    def _release(self) -> None:
        card, self.card = self.card, None
        if card is not None and self.reset_on_close:
            self.slot.reset(card)


class InProcessTransport:
    """`CardTransport` to a `SimSlot` in this process."""

    def __init__(self, slot: SimSlot) -> None:
        self.slot = slot

    def open(self, *, exclusive: bool) -> CardSession:
        return InProcessSession(self.slot, exclusive=exclusive)

    def poll(self) -> tuple[str | None, bytes | None]:
        return self.slot.state()
