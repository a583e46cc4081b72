"""A tiny, dependency-free sd_notify(3) client: READY=1, STATUS=, WATCHDOG=1, STOPPING=1.

Under systemd (`Type=notify`, `WatchdogSec=`) the service manager passes NOTIFY_SOCKET (a path,
or `@name` for an abstract socket) and WATCHDOG_USEC; outside systemd every call is a no-op, so
the kiosk runs the same way from a terminal, in tests and under the service manager.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)

# Both variables are read on every call (not cached at import), so tests and a process that
# re-execs see the environment they run in.
SOCKET_ENV = "NOTIFY_SOCKET"
WATCHDOG_USEC_ENV = "WATCHDOG_USEC"
WATCHDOG_PID_ENV = "WATCHDOG_PID"


def socket_address(environ: Mapping[str, str] | None = None) -> str | None:
    """NOTIFY_SOCKET as an AF_UNIX address: `@name` becomes the abstract `\\0name`.

    None when unset or not a UNIX socket address (systemd also supports `vsock:`, which a kiosk
    does not run under; ignoring it beats crashing)."""
    env = os.environ if environ is None else environ
    value = env.get(SOCKET_ENV, "")
    if value.startswith("@"):
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None


def notify(*assignments: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `KEY=VALUE` lines in one datagram. True if sent; False when not under systemd or
    the send failed (logged, never raised: the kiosk keeps serving without its supervisor)."""
    address = socket_address(environ)
    if address is None or not assignments:
        return False
    for line in assignments:
        if "\n" in line or "=" not in line:
            raise ValueError(f"not a single KEY=VALUE line: {line!r}")
    payload = "\n".join(assignments).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(payload, address)
    except OSError as exc:
        log.warning("sd_notify to %s failed: %s", address.replace("\0", "@"), exc)
        return False
    return True


def _one_line(text: str) -> str:
    # STATUS= is one line; a newline would start a new (bogus) assignment.
    return " ".join(text.split())


def ready(status: str | None = None) -> bool:
    """Start-up finished: systemd marks the unit active and arms the watchdog from now on."""
    lines = ["READY=1"]
    if status:
        lines.append(f"STATUS={_one_line(status)}")
    return notify(*lines)


def status(text: str) -> bool:
    """Free-form one-line state shown by `systemctl status`."""
    return notify(f"STATUS={_one_line(text)}")


def watchdog() -> bool:
    """Keep-alive: must arrive at least every WatchdogSec= or systemd kills and restarts us."""
    return notify("WATCHDOG=1")


def stopping(status: str | None = None) -> bool:
    """Shutdown began (an orderly exit, not a hang)."""
    lines = ["STOPPING=1"]
    if status:
        lines.append(f"STATUS={_one_line(status)}")
    return notify(*lines)


def watchdog_period_s(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings: half of WATCHDOG_USEC, as sd_watchdog_enabled(3)
    recommends, so one late tick does not kill a healthy kiosk. None when the watchdog is off,
    the value is malformed, or WATCHDOG_PID names another process (a child inherited it)."""
    env = os.environ if environ is None else environ
    if socket_address(env) is None:
        return None
    pid = env.get(WATCHDOG_PID_ENV)
    if pid is not None and pid.strip() != str(os.getpid()):
        return None
    try:
        usec = int(env.get(WATCHDOG_USEC_ENV, ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    return usec / 2 / 1_000_000
