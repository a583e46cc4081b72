"""An open-loop HTTP/1.1 load generator on asyncio streams, for fleet-sized loads on one machine.

Requests leave on a schedule, as a fleet sends them (not back to back), over a fixed pool of
keep-alive connections (as a load balancer holds them); each latency counts from the moment the
request was DUE, so a server that falls behind shows it in the percentiles instead of slowing
the generator down (no coordinated omission). A thread per request with `requests` cost more
CPU than the server under test on the 2-core machine; a bare asyncio client costs a few
percent of one core at 400 requests/s.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Due:
    """One request and when it is due, in seconds from the start of the run."""

    at: float
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    tag: str


@dataclass(frozen=True)
class Answer:
    tag: str
    status: int  # 0: the connection failed
    latency_s: float  # from when the request was due to its whole answer
    body: bytes


def post(at: float, path: str, headers: dict[str, str], payload: Any, tag: str) -> Due:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Due(at, path, tuple(headers.items()), body, tag)


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body += chunk[:-2]


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, due: Due) -> tuple[int, bytes]:
        for attempt in range(2):  # a kept-alive connection the server closed: open a new one
            try:
                if self.streams is None:
                    self.streams = await asyncio.open_connection(self.host, self.port)
                reader, writer = self.streams
                head = [f"POST {due.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
                head += [f"{name}: {value}" for name, value in due.headers]
                head += ["Content-Type: application/json", f"Content-Length: {len(due.body)}"]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + due.body)
                return await _read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.close()
                if attempt:
                    return 0, b""
        return 0, b""

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _run(url: str, schedule: Sequence[Due], connections: int) -> list[Answer]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    queue: asyncio.Queue[Due | None] = asyncio.Queue()
    answers: list[Answer] = []
    start = time.perf_counter()

    async def worker() -> None:
        connection = _Connection(host, port)
        while (due := await queue.get()) is not None:
            status, body = await connection.send(due)
            latency = time.perf_counter() - (start + due.at)
            answers.append(Answer(due.tag, status, latency, body))
        connection.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    for due in schedule:
        delay = start + due.at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(due)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return answers


def run(url: str, schedule: Sequence[Due], connections: int = 64) -> list[Answer]:
    """Send `schedule` (sorted by `at`) against `url`; every answer, in completion order."""
    return asyncio.run(_run(url, sorted(schedule, key=lambda due: due.at), connections))
