"""sd_notify: datagrams reach a fake NOTIFY_SOCKET (path and abstract), no-op outside systemd."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import sd_notify


class FakeSystemd:
    """The service manager's end: a bound datagram socket that collects what the kiosk sends."""

    def __init__(self, sock: socket.socket, env_value: str) -> None:
        self.sock = sock
        self.env_value = env_value
        sock.settimeout(2.0)

    def receive(self) -> list[str]:
        return self.sock.recv(4096).decode("utf-8").split("\n")

    def nothing_pending(self) -> bool:
        self.sock.settimeout(0.05)
        try:
            self.sock.recv(4096)
        except TimeoutError:
            return True
        finally:
            self.sock.settimeout(2.0)
        return False


@pytest.fixture(params=["path", "abstract"])
def fake_systemd(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeSystemd]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    # A short folder: AF_UNIX paths are limited to 107 bytes, pytest's tmp_path can be longer.
    with tempfile.TemporaryDirectory(prefix="sdn") as folder, sock:
        if request.param == "path":
            address = str(Path(folder) / "notify")
            sock.bind(address)
            env_value = address
        else:
            name = f"kiosk-test-{os.getpid()}-{id(sock)}"
            sock.bind("\0" + name)
            env_value = "@" + name
        monkeypatch.setenv("NOTIFY_SOCKET", env_value)
        monkeypatch.delenv("WATCHDOG_USEC", raising=False)
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        yield FakeSystemd(sock, env_value)


def test_ready_with_status_is_one_datagram(fake_systemd: FakeSystemd) -> None:
    assert sd_notify.ready("serving\nkiosk K-1")
    assert fake_systemd.receive() == ["READY=1", "STATUS=serving kiosk K-1"]


def test_watchdog_status_and_stopping(fake_systemd: FakeSystemd) -> None:
    assert sd_notify.watchdog()
    assert fake_systemd.receive() == ["WATCHDOG=1"]
    assert sd_notify.status("out of service")
    assert fake_systemd.receive() == ["STATUS=out of service"]
    assert sd_notify.stopping()
    assert fake_systemd.receive() == ["STOPPING=1"]


def test_multi_line_assignment_is_refused(fake_systemd: FakeSystemd) -> None:
    with pytest.raises(ValueError, match="KEY=VALUE"):
        sd_notify.notify("READY=1\nMAINPID=1")
    assert fake_systemd.nothing_pending()


def test_abstract_address_translation() -> None:
    assert sd_notify.socket_address({"NOTIFY_SOCKET": "@sd/notify"}) == "\0sd/notify"
    assert sd_notify.socket_address({"NOTIFY_SOCKET": "/run/systemd/notify"}) == (
        "/run/systemd/notify"
    )
    assert sd_notify.socket_address({"NOTIFY_SOCKET": "vsock:2:1234"}) is None
    assert sd_notify.socket_address({}) is None


def test_no_op_outside_systemd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not sd_notify.ready()
    assert not sd_notify.watchdog()
    assert sd_notify.watchdog_period_s() is None


def test_gone_socket_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", "/nonexistent/notify")
    assert not sd_notify.watchdog()
    assert "sd_notify to /nonexistent/notify failed" in caplog.text


@pytest.mark.parametrize(
    ("usec", "pid", "expected"),
    [
        ("30000000", None, 15.0),
        ("30000000", "self", 15.0),
        ("1000000", None, 0.5),
        ("30000000", "1", None),  # the watchdog belongs to another process
        ("0", None, None),
        ("-5", None, None),
        ("thirty", None, None),
        ("", None, None),
    ],
)
def test_watchdog_period_is_half_the_interval(
    usec: str, pid: str | None, expected: float | None
) -> None:
    env = {"NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": usec}
    if pid is not None:
        env["WATCHDOG_PID"] = str(os.getpid()) if pid == "self" else pid
    assert sd_notify.watchdog_period_s(env) == expected


def test_watchdog_needs_a_socket() -> None:
    assert sd_notify.watchdog_period_s({"WATCHDOG_USEC": "30000000"}) is None
