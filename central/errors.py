"""Exception hierarchy of central: every error raised on purpose derives from CentralError."""

from __future__ import annotations


class CentralError(Exception):
    """Base of every central error. `str()` is one line, safe to show an operator."""


class ConfigError(CentralError):
    """A bad command-line value or database URL: the CLI exits 2 with this one line."""


class StorageError(CentralError):
    """The database could not be opened or prepared."""


class ServeError(CentralError):
    """The server could not listen on the requested address."""


class AuthError(CentralError):
    """A request lacks valid credentials: answered with HTTP 401 and the error body, `code`
    `auth.missing` (no credentials) or `auth.invalid` (wrong ones)."""

    def __init__(self, message: str, code: str = "auth.invalid") -> None:
        super().__init__(message)
        self.code = code


class PageAuthError(AuthError):
    """AuthError of the HTML fleet page: a browser gets a small HTML page, not JSON."""


class ItemRejected(CentralError):
    """A sync item's kind is unknown or its body is invalid; the reason names the field."""


class ItemConflict(CentralError):
    """A sync item clashes with something already recorded; nothing was processed."""


class NotFound(CentralError):
    """A resource named in the path does not exist: answered with HTTP 404, code `not_found`."""


class BusinessError(CentralError):
    """A business call refused for a reason the kiosk can show: HTTP `status`, a stable `code`
    (the kiosk's message key), and optional machine-readable `data` (e.g. attempts left)."""

    def __init__(
        self, status: int, code: str, message: str, data: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.data = data or {}
