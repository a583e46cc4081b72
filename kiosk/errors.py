"""Exception hierarchy of the kiosk core; user-facing errors carry a message key for ui/."""

from __future__ import annotations


class KioskError(Exception):
    """Base of every core error. `message_key` is translated by the UI; `str()` is for logs."""

    message_key = "error.generic"

    def __init__(self, detail: str, *, message_key: str | None = None) -> None:
        super().__init__(detail)
        if message_key is not None:
            self.message_key = message_key


class ConfigError(KioskError):
    """config.yaml is missing, unreadable or invalid. `str()` is one line naming file and key."""

    message_key = "error.config"


class JournalError(KioskError):
    """The journal could not record durably: the kiosk must go out of service."""

    message_key = "error.journal_storage"


class FlowError(KioskError):
    """A customer action is not allowed in the flow's current state."""

    message_key = "error.flow"


class CentralUnavailable(KioskError):
    """The central backend could not be started or reached."""

    message_key = "error.central_unavailable"


class CentralRefused(KioskError):
    """Central answered and said no (wrong password, locked, expired code...). `message_key` is
    central's stable code; `data` carries what the screen may show (attempts left, ...)."""

    message_key = "error.central_refused"

    def __init__(
        self, detail: str, *, code: str, status: int, data: dict[str, object] | None = None
    ) -> None:
        super().__init__(detail, message_key=code)
        self.code = code
        self.status = status
        self.data = dict(data or {})


class SessionError(KioskError):
    """A customer action needs a session state it does not have (not logged in, ended...)."""

    message_key = "session.required"


class PrintFailed(KioskError):
    """The printer could not print a document; `message_key` is the printer's reason."""

    message_key = "printer.failed"
