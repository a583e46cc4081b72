"""Fuzzing ESC/POS real-time status parsing (`DLE EOT n`) and the printer driver's status read
over a scripted port. Documented error: ProtocolError. Safety property: a printer is never
"ok" (usable) unless all four queries were answered with clean, valid status bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.escpos.decode import StreamDecoder
from drivers.escpos.driver import EscposPrinter
from drivers.escpos.status import FIXED_SET, QUERIES, combine, health_from_status, parse_status
from drivers.interfaces import HealthLevel
from drivers.serial_port import LazyPort
from tests.security.fuzzing import FUZZ, note
from tests.security.wire import ScriptedPort

status_bytes = st.binary(max_size=3) | st.integers(0, 255).map(lambda b: bytes((b | FIXED_SET,)))


@FUZZ
@given(st.sampled_from(QUERIES), st.binary(max_size=8))
def test_parse_status_raises_only_protocol_error(n: int, reply: bytes) -> None:
    try:
        parsed = parse_status(n, reply)
    except ProtocolError:
        note("ProtocolError")
        return
    assert parsed.answered == bool(reply)


@FUZZ
@given(st.lists(status_bytes, min_size=4, max_size=4))
def test_health_is_ok_only_when_every_query_answered_cleanly(replies: list[bytes]) -> None:
    try:
        parsed = [parse_status(n, r) for n, r in zip(QUERIES, replies, strict=True)]
    except ProtocolError:
        return
    health = health_from_status(combine(parsed))
    note(health.code)
    if health.level is HealthLevel.OK:
        assert all(r.answered for r in parsed)
        assert not any(r.flags() for r in parsed)


@FUZZ
@given(st.lists(st.lists(status_bytes, max_size=2), max_size=4))
def test_driver_health_never_raises_and_is_never_ok_on_garbage(script: list[list[bytes]]) -> None:
    """The driver reads one byte per query; whatever comes (nothing, garbage, a late byte),
    health() answers and says OK only for four clean replies."""
    port = ScriptedPort(script)
    printer = EscposPrinter("fuzz://")
    printer._port = LazyPort("fuzz://", what="printer", opener=lambda: port)
    health = printer.health()
    note(health.code)
    if health.level is HealthLevel.OK:
        assert len(port.log) == 4
        assert all(len(reply) >= 1 for _w, reply in port.log)
        for n, (_written, reply) in zip(QUERIES, port.log, strict=True):
            assert not parse_status(n, reply[:1]).flags()


@FUZZ
@given(st.binary(max_size=200))
def test_the_stream_decoder_raises_only_protocol_error_and_resyncs(data: bytes) -> None:
    """What the simulated printer makes of any bytes: events or ProtocolError; skipping the
    bad byte always lets it go on (no byte sequence wedges it)."""
    decoder = StreamDecoder()
    decoder.push(data)
    steps = 0
    while True:
        steps += 1
        assert steps <= len(data) + 1
        try:
            if decoder.pop() is None:
                break
        except ProtocolError:
            note("ProtocolError")
            decoder.skip()
