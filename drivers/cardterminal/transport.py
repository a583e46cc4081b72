"""Thin transports to the terminal: HTTP(S) POST of the JSON, or a length-prefixed TCP stream.

docs/protocols.md#bank-card-terminal-nexo: "HTTPS POST of the JSON to the terminal on the local
network, or a length-prefixed TCP stream. Make it configurable". Both open one connection per
request, so a lost or late answer can never be mistaken for the answer to a later request. Each
reports the one fact the driver needs about a failure: whether the request may have reached the
terminal.

- `DeviceUnavailable`: nothing was sent (connection refused, unknown host): no money moved.
- `AnswerLost`: the request went out, no usable answer came: the outcome is unknown.
  `NoAnswerInTime` is the case where the terminal may still be working on it.

TCP frames are `framing.frame` (4- or 2-byte big-endian length, then the JSON). Over TCP the
terminal may send progress (`DisplayRequest`) before the answer and the driver may send an abort
on the same connection; over HTTP there is one answer per POST, and an abort is its own POST.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from typing import Protocol
from urllib.parse import urlsplit

from drivers.cardterminal.framing import FrameDecoder, frame
from drivers.errors import AnswerLost, DeviceUnavailable, DriverConfigError

MAX_HTTP_BODY = 64 * 1024


class NoAnswerInTime(AnswerLost):
    """The request went out and the deadline passed without an answer."""


class Conversation(Protocol):
    """One request on its own connection."""

    can_send_more: bool

    def receive(self, deadline: float) -> bytes:
        """The next whole message (by `time.monotonic()` deadline), or AnswerLost."""
        ...

    def send_more(self, payload: bytes) -> None:
        """Another message on this connection (TCP only: an abort of the request in flight)."""
        ...

    def close(self) -> None: ...


class Transport(Protocol):
    url: str

    def open(self, payload: bytes) -> Conversation:
        """Connect and send one request; DeviceUnavailable if it certainly did not go out."""
        ...

    def notify(self, payload: bytes) -> None:
        """Send a message that gets no answer (an abort) on its own connection."""
        ...

    def probe(self) -> bool:
        """Whether the terminal accepts a connection now (no message is sent)."""
        ...


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise NoAnswerInTime("no answer before the deadline")
    return left


class _TcpConversation:
    can_send_more = True

    def __init__(self, sock: socket.socket, width: int) -> None:
        self._sock = sock
        self._width = width
        self._decoder = FrameDecoder(width)
        self._send_lock = threading.Lock()

    def receive(self, deadline: float) -> bytes:
        while True:
            payload = self._decoder.pop()  # ProtocolError on a garbage length prefix
            if payload is not None:
                return payload
            try:
                self._sock.settimeout(_remaining(deadline))
                data = self._sock.recv(4096)
            except TimeoutError:
                raise NoAnswerInTime("no answer before the deadline") from None
            except OSError as exc:
                raise AnswerLost(f"connection failed while waiting: {exc}") from None
            if not data:
                raise AnswerLost("the terminal closed the connection without an answer")
            self._decoder.push(data)

    def send_more(self, payload: bytes) -> None:
        with self._send_lock:
            try:
                self._sock.sendall(frame(payload, self._width))
            except OSError as exc:
                raise DeviceUnavailable(f"could not send on the connection: {exc}") from None

    def close(self) -> None:
        with contextlib.suppress(OSError):  # wakes a receive blocked in another thread
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


class TcpTransport:
    """Length-prefixed JSON frames over TCP, one connection per request."""

    def __init__(
        self, host: str, port: int, *, width: int = 4, connect_timeout_s: float = 3.0
    ) -> None:
        self.host, self.port, self.width = host, port, width
        self.connect_timeout_s = connect_timeout_s
        self.url = f"tcp://{host}:{port}"

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), self.connect_timeout_s)
        except OSError as exc:
            raise DeviceUnavailable(
                f"cannot connect to the card terminal {self.url}: {exc}"
            ) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def open(self, payload: bytes) -> _TcpConversation:
        data = frame(payload, self.width)
        sock = self._connect()
        try:
            sock.sendall(data)
        except OSError as exc:
            sock.close()
            raise AnswerLost(f"sending to the card terminal failed midway: {exc}") from None
        return _TcpConversation(sock, self.width)

    def notify(self, payload: bytes) -> None:
        sock = self._connect()
        try:
            sock.sendall(frame(payload, self.width))
        except OSError as exc:
            raise DeviceUnavailable(f"sending to the card terminal failed: {exc}") from None
        finally:
            sock.close()

    def probe(self) -> bool:
        try:
            self._connect().close()
        except DeviceUnavailable:
            return False
        return True


class _HttpConversation:
    can_send_more = False

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self._connection = connection
        self._answered = False

    def receive(self, deadline: float) -> bytes:
        if self._answered:
            raise AnswerLost("HTTP carries one answer per request")
        self._answered = True
        try:
            sock = self._connection.sock
            if sock is not None:  # None: closed by another thread; getresponse says so
                sock.settimeout(_remaining(deadline))
            response = self._connection.getresponse()
            body = response.read(MAX_HTTP_BODY + 1)
        except TimeoutError:
            raise NoAnswerInTime("no answer before the deadline") from None
        except (OSError, http.client.HTTPException) as exc:
            raise AnswerLost(f"no HTTP answer: {type(exc).__name__}") from None
        if response.status != 200 or not body:
            raise AnswerLost(f"HTTP {response.status} with {len(body)} bytes: no nexo answer")
        if len(body) > MAX_HTTP_BODY:
            raise AnswerLost("HTTP answer too large to be a nexo message")
        return body

    def send_more(self, payload: bytes) -> None:
        raise DeviceUnavailable("HTTP sends one message per request")

    def close(self) -> None:
        sock = self._connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # wakes a receive blocked in another thread
                sock.shutdown(socket.SHUT_RDWR)
        self._connection.close()


class _NamedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS whose certificate is checked against a given name, not the URL's host: a
    terminal on the local network is reached by address, its certificate names the terminal
    (Adyen: "<model>-<serial>.<test|live>.terminal.adyen.com")."""

    def __init__(
        self, host: str, port: int, *, server_name: str, context: ssl.SSLContext, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._server_name = server_name
        self._tls_context = context

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)  # TCP only; the handshake is ours
        self.sock = self._tls_context.wrap_socket(self.sock, server_hostname=self._server_name)


class HttpTransport:
    """HTTP(S) POST of each message to one URL; the answer is the response body."""

    def __init__(
        self,
        url: str,
        *,
        ca_file: str = "",
        server_name: str = "",
        connect_timeout_s: float = 3.0,
    ) -> None:
        """`server_name`: the name the terminal's certificate must carry, when it differs from
        the URL's host (an address); the chain is checked against `ca_file` either way."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DriverConfigError(
                f"card terminal URL must be http(s)://host[:port]/path: {url!r}"
            )
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.connect_timeout_s = connect_timeout_s
        # The terminal's certificate is checked against the configured CA (often the vendor's
        # private one) or the system store; never switched off.
        self._tls = ssl.create_default_context(cafile=ca_file or None) if self._https else None
        if server_name and not self._https:
            raise DriverConfigError("a certificate name needs an https:// card terminal URL")
        self._server_name = server_name

    def _connect(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection
        if self._tls is not None and self._server_name:
            connection = _NamedHTTPSConnection(
                self._host, self._port, server_name=self._server_name, context=self._tls,
                timeout=self.connect_timeout_s,
            )  # fmt: skip
        elif self._tls is not None:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self.connect_timeout_s, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self.connect_timeout_s
            )
        try:
            connection.connect()
        except OSError as exc:  # ssl.SSLError too: nothing was sent before the handshake
            connection.close()
            raise DeviceUnavailable(
                f"cannot connect to the card terminal {self.url}: {exc}"
            ) from None
        return connection

    def _post(self, connection: http.client.HTTPConnection, payload: bytes) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(payload))}
        connection.request("POST", self._path, body=payload, headers=headers)

    def open(self, payload: bytes) -> _HttpConversation:
        connection = self._connect()
        try:
            self._post(connection, payload)
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise AnswerLost(f"sending to the card terminal failed midway: {exc}") from None
        return _HttpConversation(connection)

    def notify(self, payload: bytes) -> None:
        connection = self._connect()
        try:
            self._post(connection, payload)
            connection.getresponse().read(MAX_HTTP_BODY)
        except (OSError, http.client.HTTPException) as exc:
            raise DeviceUnavailable(f"sending to the card terminal failed: {exc}") from None
        finally:
            connection.close()

    def probe(self) -> bool:
        try:
            self._connect().close()
        except DeviceUnavailable:
            return False
        return True


def transport_for_url(
    url: str,
    *,
    width: int = 4,
    ca_file: str = "",
    server_name: str = "",
    connect_timeout_s: float = 3.0,
) -> TcpTransport | HttpTransport:
    """`tcp://host:port` → length-prefixed TCP; `http(s)://host[:port]/path` → POST."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        if not parts.hostname or not parts.port:
            raise DriverConfigError(f"card terminal URL must be tcp://host:port: {url!r}")
        return TcpTransport(
            parts.hostname, parts.port, width=width, connect_timeout_s=connect_timeout_s
        )
    return HttpTransport(
        url, ca_file=ca_file, server_name=server_name, connect_timeout_s=connect_timeout_s
    )
