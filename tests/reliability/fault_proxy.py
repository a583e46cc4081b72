"""A fault-injecting HTTP proxy for tests: one request per connection, each given a fault drawn
from a seeded random generator — pass, delay, drop before forwarding, reset mid-response (after
central processed the request: the kiosk is left in doubt), 503 without asking central, a
truncated JSON body, or "down" (connections refused while central is away).
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAULTS = ("pass", "delay", "drop", "reset_mid_response", "http_503", "truncated_json")


def _read_http(sock: socket.socket) -> bytes:
    """One HTTP message (headers + Content-Length body), or b"" if the peer closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _close_with_reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class FaultProxy:
    upstream: tuple[str, int]
    seed: int = 1
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FAULTS, 1.0))
    delay_s: float = 0.3
    down: bool = False
    seen: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _draw(self) -> str:
        with self._lock:
            names = list(self.weights)
            fault = self._rng.choices(names, [self.weights[n] for n in names])[0]
            self.seen[fault] += 1
            return fault

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.down:
                _close_with_reset(client)
                with self._lock:
                    self.seen["down"] += 1
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with contextlib.closing(client):
            client.settimeout(10)
            try:
                request = _read_http(client)
                if not request:
                    return
                fault = self._draw()
                if fault == "drop":
                    _close_with_reset(client)
                    return
                if fault == "http_503":
                    client.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                    return
                if fault == "delay":
                    time.sleep(self.delay_s)  # the scenario: a slow network
                with socket.create_connection(self.upstream, timeout=10) as server:
                    server.sendall(request)
                    response = _read_http(server)
                if fault == "reset_mid_response":
                    client.sendall(response[: len(response) // 2])
                    _close_with_reset(client)
                    return
                if fault == "truncated_json":
                    head, _, body = response.partition(b"\r\n\r\n")
                    cut = body[: max(len(body) // 2, 1)]
                    head = b"\r\n".join(
                        line
                        for line in head.split(b"\r\n")
                        if not line.lower().startswith(b"content-length")
                    )
                    client.sendall(head + b"\r\nContent-Length: %d\r\n\r\n" % len(cut) + cut)
                    return
                client.sendall(response)
            except OSError:
                return

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(timeout=5)
