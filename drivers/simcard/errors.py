"""Errors of the SIM card reader/writer; each carries the stable message key the UI translates."""

from __future__ import annotations

from drivers.errors import DeviceUnavailable, DriverError


class SimError(DriverError):
    message_key = "sim.error"


class SimNoReader(DeviceUnavailable):
    message_key = "sim.no_reader"


class SimNoCard(SimError):
    message_key = "sim.no_card"


class SimCardRemoved(SimError):
    """The card left the reader (or stopped answering) in the middle of an operation."""

    message_key = "sim.card_removed"


class SimReadFailed(SimError):
    message_key = "sim.read_failed"


class SimPinRequired(SimError):
    message_key = "sim.pin_required"


class SimPinBlocked(SimError):
    message_key = "sim.pin_blocked"


class SimBlankCard(SimError):
    """The card is blank (or half written): it has no IMSI."""

    message_key = "sim.blank_card"


class SimUnsupportedCard(SimError):
    """The card is not one this driver can write (not of a known vendor profile, or 2G)."""

    message_key = "sim.unsupported_card"


class SimNotBlank(SimError):
    message_key = "sim.not_blank"


class SimInvalidData(SimError):
    """The personalisation data is not valid (bad ICCID check digit, IMSI length, ...)."""

    message_key = "sim.invalid_data"


class SimAdmRejected(SimError):
    """The card refused the ADM key (`message_key` is `sim.adm_blocked` when it is blocked)."""

    message_key = "sim.adm_rejected"


class SimWriteFailed(SimError):
    message_key = "sim.write_failed"


class SimVerifyMismatch(SimError):
    message_key = "sim.verify_mismatch"
