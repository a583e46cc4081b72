"""ESC/POS rendering and the stream decoder: round trips, python-escpos output, splits, fuzz,
and the simulator's printer engine fed directly (no sockets)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PilImage

from drivers.errors import ProtocolError
from drivers.escpos.decode import (
    Barcode,
    Command,
    Cut,
    DecodedJob,
    DecodedLine,
    Event,
    Image,
    Newline,
    QrData,
    StatusQuery,
    StreamDecoder,
    Text,
    TextStyle,
    decode_stream,
    receipt_text,
)
from drivers.escpos.render import render_receipt
from drivers.escpos.simulator import PrinterEngine, PrinterFaults
from drivers.interfaces import Align, ReceiptDocument, ReceiptLine

DOC = ReceiptDocument(
    lines=(
        ReceiptLine("中国移动自助服务终端", Align.CENTER, bold=True),
        ReceiptLine("话费充值 ￥100.00", Align.CENTER),
        ReceiptLine("手机号码 138****8000"),
        ReceiptLine("金额 Amount: ￥150.00", Align.RIGHT, bold=True, double=True),
        ReceiptLine("plain ASCII line"),
        ReceiptLine(""),
    ),
    qr_data="TOPUP:abc123",
)
EXPECTED_JOB = DecodedJob(
    lines=(
        DecodedLine("中国移动自助服务终端", Align.CENTER, bold=True),
        DecodedLine("话费充值 ￥100.00", Align.CENTER),
        DecodedLine("手机号码 138****8000"),
        DecodedLine("金额 Amount: ￥150.00", Align.RIGHT, bold=True, width=2, height=2),
        DecodedLine("plain ASCII line"),
        DecodedLine(""),
    ),
    cut=True,
    qr=("TOPUP:abc123",),
)


def test_render_decode_round_trip() -> None:
    data = render_receipt(DOC)
    assert data.startswith(b"\x1b@")
    assert b"\x1c&" + "话费充值 ￥100.00".encode("gb18030") + b"\x1c.\n" in data
    assert b"plain ASCII line\n" in data  # ASCII goes out plain, no Chinese mode
    assert b"\x1d(k" in data  # native QR, no image
    assert data.endswith(b"\x1dV\x00")
    assert decode_stream(data) == [EXPECTED_JOB]
    assert decode_stream(data)[0].lines[3].double
    assert receipt_text(data) == (
        "中国移动自助服务终端\n话费充值 ￥100.00\n手机号码 138****8000\n"
        "金额 Amount: ￥150.00\nplain ASCII line\n\n[QR TOPUP:abc123]\n"
    )


def test_half_width_yen_prints_as_full_width() -> None:
    """GBK fonts in Chinese printers have no U+00A5; the renderer prints U+FFE5 instead."""
    doc = ReceiptDocument((ReceiptLine("话费充值 ¥100.00"),), cut=False)
    assert receipt_text(render_receipt(doc)) == "话费充值 ￥100.00\n"


def test_without_chinese_mode_non_ascii_prints_as_a_picture() -> None:
    """GIVEN a printer without Chinese firmware WHEN a line holds non-ASCII text THEN the line is
    a picture (it was '?? ok' before: garbled), and ASCII lines stay text."""
    doc = ReceiptDocument((ReceiptLine("充值 ok"), ReceiptLine("ok")), cut=False)
    data = render_receipt(doc, chinese=False)
    assert b"\x1c&" not in data
    assert b"\x1c!" not in data  # FS ! is a Chinese-firmware command
    [job] = decode_stream(data)
    assert job.texts == ("", "ok")
    assert job.lines[0].image is not None
    assert "?" not in receipt_text(data)


def test_control_characters_in_text_cannot_become_commands() -> None:
    doc = ReceiptDocument((ReceiptLine("a\x1bp\x00\x19b\nc"), ReceiptLine("名\x1d字")), cut=False)
    data = render_receipt(doc)
    assert b"\x1bp" not in data
    assert receipt_text(data) == "a p  b c\n名 字\n"


def test_no_cut_and_non_ascii_qr() -> None:
    doc = ReceiptDocument((ReceiptLine("x"),), qr_data="缴费:1", cut=False)
    data = render_receipt(doc)
    assert b"\x1dV" not in data
    assert decode_stream(data) == [DecodedJob((DecodedLine("x"),), cut=False, qr=("缴费:1",))]


def test_profile_is_honoured() -> None:
    doc = ReceiptDocument((ReceiptLine("x"),))
    assert decode_stream(render_receipt(doc, profile="TM-T20II"))[0].texts == ("x",)
    with pytest.raises(Exception, match="not-a-printer"):
        render_receipt(doc, profile="not-a-printer")


def _dummy() -> Dummy:
    return Dummy(profile="TM-T88V")


def test_python_escpos_output_beyond_our_renderer_decodes() -> None:
    printer = _dummy()
    printer.hw("INIT")
    printer.set(font="b", underline=1, invert=True, flip=True, smooth=True, density=3)
    printer.set(custom_size=True, width=3, height=4)
    printer.text("héllo wörld\n")  # python-escpos's code page magic: ESC t + CP437
    printer.line_spacing(30)
    printer.line_spacing()
    printer.barcode("4006381333931", "EAN13")
    printer.barcode("{BABC", "CODE128", function_type="B")
    printer.ln(2)
    printer.cashdraw(2)
    printer.buzzer()
    printer.panel_buttons(False)
    printer.print_and_feed(1)
    printer.cut(mode="PART")
    [job] = decode_stream(printer.output)
    assert job.texts == ("héllo wörld", "", "")  # ln(2): two empty lines
    assert job.lines[0].width == 3
    assert job.lines[0].height == 4
    assert job.barcodes == ("4006381333931", "{BABC")
    assert job.cut


@pytest.mark.parametrize(
    ("impl", "size", "kept"),
    [
        ("bitImageRaster", (16, 3), True),  # GS v 0
        ("graphics", (16, 3), True),  # GS ( L
        ("bitImageColumn", (16, 24), False),  # ESC *, one LF per 24-dot stripe
    ],
)
def test_python_escpos_images_decode(impl: str, size: tuple[int, int], kept: bool) -> None:
    """GIVEN python-escpos's pictures WHEN decoded THEN each is a line of its own, with its dots
    where the command carries them row by row."""
    picture = PilImage.new("1", (16, 3), 1)
    for x in range(0, 16, 3):
        picture.putpixel((x, x % 3), 0)  # black: printed
    printer = _dummy()
    printer.image(picture, impl=impl, center=False)
    printer.text("after\n")
    [job] = decode_stream(printer.output)
    assert job.texts == ("", "after")
    [image] = job.images
    assert (image.width, image.height) == size
    assert job.lines[0].image == image
    assert image.inline is not kept
    printed = {(x, y) for x in range(16) for y in range(3) if image.dot(x, y)}
    assert printed == ({(x, x % 3) for x in range(0, 16, 3)} if kept else set())


def test_status_queries_and_jobs_split_the_stream() -> None:
    one = render_receipt(ReceiptDocument((ReceiptLine("一"),)))
    two = render_receipt(ReceiptDocument((ReceiptLine("two"),), cut=False))
    three = render_receipt(ReceiptDocument((ReceiptLine("三"),), cut=False))
    stream = b"\x10\x04\x01" + one + b"\x10\x04\x04" + two + three
    assert decode_stream(stream) == [
        DecodedJob((DecodedLine("一"),), cut=True),
        DecodedJob((DecodedLine("two"),), cut=False),  # ended by the next ESC @
        DecodedJob((DecodedLine("三"),), cut=False),  # ended by the end of the stream
    ]
    assert decode_stream(b"\x1b@\x1b@\x1dV\x00") == [DecodedJob((), cut=True)]
    assert decode_stream(b"\x1b@\x1ba\x01") == []


def test_decoder_handles_any_split() -> None:
    data = render_receipt(DOC)
    whole = StreamDecoder().feed(data)
    assert whole.count(Newline()) == 6
    for size in (1, 2, 3, 7):
        decoder = StreamDecoder()
        events = []
        for start in range(0, len(data), size):
            events.extend(decoder.feed(data[start : start + size]))
        assert _merge_text(events) == _merge_text(whole)
        assert decoder.pending == b""


def _merge_text(events: Sequence[Event]) -> list[Event]:
    """Adjacent Text events joined (a split can cut a run of text in two)."""
    merged: list[Event] = []
    for event in events:
        last = merged[-1] if merged else None
        if isinstance(event, Text) and isinstance(last, Text) and last.style == event.style:
            merged[-1] = Text(last.text + event.text, event.style)
        else:
            merged.append(event)
    return merged


@settings(max_examples=60)
@given(st.lists(st.integers(1, 400), max_size=8))
def test_random_splits_give_the_same_text(cuts: list[int]) -> None:
    data = render_receipt(DOC)
    decoder = StreamDecoder()
    events = []
    start = 0
    for cut in sorted(cuts):
        events.extend(decoder.feed(data[start:cut]))
        start = max(start, cut)
    events.extend(decoder.feed(data[start:]))
    assert _merge_text(events) == _merge_text(StreamDecoder().feed(data))


def test_a_chinese_character_split_across_reads_waits() -> None:
    decoder = StreamDecoder()
    assert decoder.feed(b"\x1c&\xbb") == [Command(b"\x1c&")]
    assert decoder.pending == b"\xbb"
    assert decoder.feed(b"\xb0") == [Text("话")]
    assert decoder.feed(b"\x81\x30") == []  # a four-byte character, half here
    assert decoder.feed(b"\x84\x36\x1c.") == [Text("¥"), Command(b"\x1c.")]


def test_text_style_follows_the_commands() -> None:
    events = StreamDecoder().feed(b"\x1ba\x02\x1bE\x01\x1d!\x11R\x1b!\x08B\x1b@x")
    texts = [e for e in events if isinstance(e, Text)]
    assert texts == [
        Text("R", TextStyle(Align.RIGHT, bold=True, width=2, height=2)),
        Text("B", TextStyle(Align.RIGHT, bold=True)),  # ESC ! resets the size
        Text("x", TextStyle()),  # ESC @ resets everything
    ]


def test_status_query_is_an_event() -> None:
    assert StreamDecoder().feed(b"\x10\x04\x02") == [StatusQuery(2)]


def test_cut_modes() -> None:
    assert StreamDecoder().feed(b"\x1dV\x00\x1dV\x01\x1dVB\x00") == [
        Cut(),
        Cut(partial=True),
        Cut(),
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x1b\xff",  # unknown ESC command
        b"\x1d(z\x00\x00",  # unknown GS ( function
        b"\x10\x05\x07",  # DLE ENQ with a bad n
        b"\x10\x04\x05",  # DLE EOT 5
        b"\x07",  # BEL
        b"\x00",
        b"\x1dV\x07",  # bad cut mode
        b"\x1ba\x05",  # bad alignment
        b"\x1d!\x99",  # character size 10 x 10
        b"\x1dk\x20abc",  # bad barcode system
        b"\x1b*\x05\x01\x00\x00",  # bad bit-image mode
        b"\x1c&\xff\xff\x1c.",  # not GB18030
        b"\x1c&\x81\x30\x1c.",  # half a four-byte character, then a command
    ],
)
def test_garbage_is_a_protocol_error(garbage: bytes) -> None:
    with pytest.raises(ProtocolError):
        StreamDecoder().feed(garbage)


def test_an_error_keeps_the_buffer_so_a_caller_can_resync() -> None:
    decoder = StreamDecoder()
    decoder.push(b"\x07hello\n")
    with pytest.raises(ProtocolError, match="0x07"):
        decoder.pop()
    assert decoder.pending == b"\x07hello\n"
    assert decoder.skip() == b"\x07"
    assert decoder.feed(b"") == [Text("hello"), Newline()]


def test_text_before_a_bad_character_is_kept() -> None:
    decoder = StreamDecoder()
    decoder.push(b"\x1c&ab\xffcd")
    assert decoder.pop() == (Command(b"\x1c&"), b"\x1c&")
    assert decoder.pop() == (Text("ab"), b"ab")
    with pytest.raises(ProtocolError):
        decoder.pop()


def test_stream_ending_inside_a_command_is_an_error() -> None:
    with pytest.raises(ProtocolError, match="inside a command"):
        receipt_text(b"abc\x1b")
    with pytest.raises(ProtocolError, match="inside a command"):
        decode_stream(b"\x1b@abc\x1d(k\x10\x00")


@given(st.binary(max_size=300))
def test_fuzz_decoder_raises_only_protocol_error(data: bytes) -> None:
    decoder = StreamDecoder()
    try:
        events = decoder.feed(data)
    except ProtocolError:
        return
    kinds = Text | Newline | Cut | StatusQuery | QrData | Barcode | Image | Command
    assert all(isinstance(e, kinds) for e in events)
    assert len(decoder.pending) <= len(data)


@given(st.binary(max_size=300))
def test_fuzz_whole_stream_decoders(data: bytes) -> None:
    """Both whole-stream decoders accept or reject the same bytes, only with ProtocolError."""
    outcomes = []
    for decode in (decode_stream, receipt_text):
        try:
            decode(data)
        except ProtocolError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert outcomes[0] == outcomes[1]


@given(st.binary(max_size=300), st.binary(max_size=40))
def test_fuzz_engine_never_crashes_and_counts_garbage(junk: bytes, tail: bytes) -> None:
    """GIVEN the simulator's printer fed garbage, then a good job
    THEN nothing raises, garbage is counted per byte, and status queries are still answered."""
    engine = PrinterEngine(PrinterFaults())
    answers = bytearray()
    engine.receive(junk + tail, answers.extend)
    assert engine.protocol_errors <= len(junk + tail)
    engine.connection_started()  # a new connection forgets a half command
    before = len(answers)
    engine.receive(b"\x10\x04\x01" + render_receipt(DOC), answers.extend)
    assert answers[before:] == b"\x12"
    assert decode_stream(engine.jobs[-1]) == [EXPECTED_JOB]


def test_engine_skips_garbage_between_jobs() -> None:
    engine = PrinterEngine(PrinterFaults())
    answers = bytearray()
    job = render_receipt(ReceiptDocument((ReceiptLine("收据"),)))
    engine.receive(job + b"\x07\x00\x1b" + b"\x10\x04\x04" + job, answers.extend)
    assert engine.protocol_errors == 3  # BEL, NUL, then ESC followed by DLE is no command
    assert bytes(answers) == b"\x12"
    assert [receipt_text(j) for j in engine.jobs] == ["收据\n", "收据\n"]
    assert engine.spoiled_jobs == []


def test_engine_spoils_jobs_it_cannot_print() -> None:
    faults = PrinterFaults()
    engine = PrinterEngine(faults)
    job = render_receipt(ReceiptDocument((ReceiptLine("a"),)))
    faults.cover_open = True
    engine.receive(job, lambda _b: None)
    faults.cover_open = False
    engine.receive(job[:-5], lambda _b: None)
    engine.connection_started()  # the line dropped mid-job
    assert engine.jobs == []
    # job[:-5] ends in the first byte of ESC d 6: a half command is lost, not printed
    assert engine.spoiled_jobs == [job, job[:-6]]
    assert engine.print_bytes == 2 * len(job) - 6


def test_engine_runs_out_of_paper_mid_job() -> None:
    faults = PrinterFaults(paper_out_after_bytes=20)
    engine = PrinterEngine(faults)
    job = render_receipt(ReceiptDocument(tuple(ReceiptLine(f"line {i}") for i in range(5))))
    engine.receive(job, lambda _b: None)
    assert faults.paper_out
    assert engine.jobs == []
    assert engine.spoiled_jobs == [job]
