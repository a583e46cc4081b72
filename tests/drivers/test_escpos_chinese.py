"""Chinese firmware: double size for both kinds of character (ESC ! / FS ! / GS !), and lines
with characters outside the printer's font (生僻字) printed as GS v 0 pictures, decoded back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PilImage
from PIL import ImageChops

from drivers.errors import ProtocolError
from drivers.escpos.charset import FONT_CHARSETS, clean_text, in_font, printable
from drivers.escpos.decode import (
    Command,
    Image,
    Span,
    StreamDecoder,
    Text,
    TextStyle,
    decode_stream,
    receipt_text,
)
from drivers.escpos.fonts import GlyphFonts, glyph_fonts
from drivers.escpos.preview import job_picture
from drivers.escpos.raster import ROW_DOTS, ROW_GAP, gs_v0, line_pictures, picture_of, wrap
from drivers.escpos.render import render_receipt
from drivers.interfaces import Align, ReceiptDocument, ReceiptLine

RARE_NAME = "王䶮𠮷"  # U+4DAE (CJK Ext A) and U+20BB7 (Ext B): in no GB2312 or GBK font
AMOUNT = ReceiptLine("金额 Amount: ￥150.00", Align.CENTER, bold=True, double=True)
BIG, NORMAL = TextStyle(width=2, height=2), TextStyle()


def _texts(data: bytes, decoder: StreamDecoder | None = None) -> list[Text]:
    events = (decoder or StreamDecoder()).feed(data)
    return [event for event in events if isinstance(event, Text)]


# --- character size --------------------------------------------------------------------------


def test_a_double_line_is_double_for_chinese_characters_too() -> None:
    """GIVEN a double-size line with Chinese and ASCII WHEN rendered and read by Chinese firmware
    THEN every character is double. Before the fix only ESC ! 0x30 was sent, which such firmware
    applies to single-byte characters only: 金额 and ￥ printed at normal size."""
    data = render_receipt(ReceiptDocument((AMOUNT,), cut=False))
    assert b"\x1d!\x11" in data  # GS !: every character
    assert b"\x1c!\x0c" in data  # FS !: multi-byte characters
    [line] = decode_stream(data)[0].lines
    assert line.double
    assert line.spans == (Span("金额 Amount: ￥150.00", 2, 2),)


def test_a_normal_line_after_a_double_one_is_normal_for_both_kinds() -> None:
    doc = ReceiptDocument((AMOUNT, ReceiptLine("状态 Status: ok")), cut=False)
    [_, line] = decode_stream(render_receipt(doc))[0].lines
    assert line.spans == (Span("状态 Status: ok", 1, 1),)


def test_esc_bang_alone_enlarges_only_single_byte_characters() -> None:
    """What the old renderer sent, as Chinese firmware prints it."""
    data = b"\x1b!\x30\x1c&" + "金额 12".encode("gb18030") + b"\x1c.\n"
    assert _texts(data) == [Text("金额", NORMAL), Text(" 12", BIG)]
    [line] = decode_stream(data)[0].lines
    assert not line.double
    assert line.spans == (Span("金额", 1, 1), Span(" 12", 2, 2))


@pytest.mark.parametrize(
    ("commands", "kanji", "ank"),
    [
        (b"\x1c!\x0c", BIG, NORMAL),  # FS !: multi-byte only
        (b"\x1c!\x04", TextStyle(width=2), NORMAL),  # bit 2: double width
        (b"\x1c!\x08", TextStyle(height=2), NORMAL),  # bit 3: double height
        (b"\x1c!\x8c", BIG, NORMAL),  # bit 7 (underline) does not size
        (b"\x1cW\x01", BIG, NORMAL),  # FS W 1: quadruple size
        (b"\x1d!\x11", BIG, BIG),  # GS !: both
        (b"\x1d!\x23", TextStyle(width=3, height=4), TextStyle(width=3, height=4)),
        (b"\x1d!\x11\x1b!\x00", BIG, NORMAL),  # the last command wins, per kind
        (b"\x1d!\x11\x1c!\x00", NORMAL, BIG),
        (b"\x1c!\x0c\x1d!\x00", NORMAL, NORMAL),
        (b"\x1c!\x0c\x1b@", NORMAL, NORMAL),  # ESC @ resets
        (b"\x1cW\x01\x1cW\x00", NORMAL, NORMAL),
    ],
)
def test_sizes_per_kind_of_character(commands: bytes, kanji: TextStyle, ank: TextStyle) -> None:
    data = commands + b"\x1c&" + "汉".encode("gb18030") + b"A\x1c."
    assert _texts(data) == [Text("汉", kanji), Text("A", ank)]


def test_outside_chinese_mode_high_bytes_are_single_byte_characters() -> None:
    """Code-page characters (ESC t) are single-byte: ESC ! sizes them, FS ! does not."""
    assert _texts(b"\x1b!\x30\x1c!\x00\x1bt\x10\xe9") == [Text("é", BIG)]


def test_a_four_byte_character_between_ascii_splits_into_runs() -> None:
    """GB18030's four-byte codes hold bytes 0x30-0x39 (ASCII digits): a run ends where the
    character does, not at the first byte below 0x80."""
    data = b"\x1c&" + "1𠮷2".encode("gb18030") + b"\x1c."
    assert [t.text for t in _texts(data)] == ["1", "𠮷", "2"]


def test_the_preview_shows_chinese_left_at_normal_size() -> None:
    """GIVEN the decoded picture of a line WHEN only ESC ! 0x30 sized it THEN the Chinese
    characters are half as tall as with the renderer's commands."""
    hanzi = "金额".encode("gb18030")
    old = b"\x1b@\x1b!\x30\x1c&" + hanzi + b"\x1c.\n"
    new = b"\x1b@\x1b!\x30\x1d!\x11\x1c!\x0c\x1c&" + hanzi + b"\x1c.\n"

    def ink_height(data: bytes) -> int:
        picture = job_picture(decode_stream(data)[0])
        box = ImageChops.invert(picture).getbbox()
        assert box is not None
        return box[3] - box[1]

    assert ink_height(old) <= ROW_DOTS
    assert ink_height(new) > ROW_DOTS * 3 // 2


# --- the printer's font ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "covered"),
    [
        ("A", ("ascii", "gb2312", "gbk", "gb18030")),
        ("汉", ("gb2312", "gbk", "gb18030")),
        ("￥", ("gb2312", "gbk", "gb18030")),
        ("堃", ("gbk", "gb18030")),  # U+5803: GBK, not GB2312
        ("䶮", ("gb18030",)),  # CJK Extension A: a four-byte GB18030 code
        ("𠮷", ("gb18030",)),  # CJK Extension B
        ("\u2015", ("gbk", "gb18030")),  # GB2312 A1AA in Python, but GB18030 sends it as A844
        ("\x1b", ()),  # controls are never text
        ("\x7f", ()),
        ("\x85", ()),  # C1 controls too, though GB18030 has codes for them
    ],
)
def test_font_coverage(char: str, covered: tuple[str, ...]) -> None:
    assert tuple(c for c in FONT_CHARSETS if in_font(char, c)) == covered


def test_clean_text() -> None:
    assert clean_text("a\x1bp¥\ud800\x85", chinese=True) == "a p￥\ufffd "
    assert clean_text("¥", chinese=False) == "¥"
    assert printable("张三 ￥1", "gb2312")
    assert not printable(RARE_NAME, "gbk")
    with pytest.raises(ValueError, match="one character"):
        in_font("ab", "gb2312")


def test_the_decoder_shows_what_a_gb2312_printer_makes_of_rare_characters() -> None:
    """What the old renderer sent for a rare name: garbage on a GB2312 printer."""
    data = b"\x1c&" + RARE_NAME.encode("gb18030") + b"\x1c.\n"
    assert receipt_text(data, "gb2312") == "王\ufffd\ufffd\n"
    assert receipt_text(data, "gb18030") == RARE_NAME + "\n"
    assert receipt_text(b"\x1c&" + "堃".encode("gb18030") + b"\x1c.", "gbk") == "堃"


# --- lines printed as pictures ---------------------------------------------------------------

RARE_DOC = ReceiptDocument(
    (
        ReceiptLine("话费充值  Mobile top-up", Align.CENTER, bold=True),
        ReceiptLine(f"机主 Owner: {RARE_NAME}"),
        ReceiptLine("手机号码 Number: 138****8000"),
        AMOUNT,
    ),
    qr_data="TOPUP:abc",
)


def test_a_rare_name_prints_as_a_picture_and_the_rest_as_text() -> None:
    """GIVEN a receipt with 䶮 and 𠮷 in the name WHEN printed on a GB2312 printer THEN that line
    is a raster picture, the others text, and nothing is garbage. Before the fix the name went
    out as GB18030 text and printed as 王□□."""
    data = render_receipt(RARE_DOC, paper_dots=576)
    assert RARE_NAME.encode("gb18030")[2:] not in data
    [job] = decode_stream(data, "gb2312")
    assert job.texts == ("话费充值  Mobile top-up", "", "手机号码 Number: 138****8000",
                         "金额 Amount: ￥150.00")  # fmt: skip
    assert [line.image is not None for line in job.lines] == [False, True, False, False]
    assert job.lines[3].double
    assert job.qr == ("TOPUP:abc",)
    assert "\ufffd" not in receipt_text(data, "gb2312")
    assert "[IMAGE 576x30]" in receipt_text(data, "gb2312")


def test_the_picture_decodes_back_to_the_drawn_line() -> None:
    data = render_receipt(RARE_DOC, paper_dots=576)
    image = decode_stream(data)[0].lines[1].image
    assert image is not None
    [drawn] = line_pictures(f"机主 Owner: {RARE_NAME}", paper_dots=576, align=Align.LEFT)
    assert (image.width, image.height) == (576, ROW_DOTS + ROW_GAP)
    assert ImageChops.difference(picture_of(image), drawn.convert("L")).getbbox() is None
    assert picture_of(image).getextrema() == (0, 255)  # ink on paper


@pytest.mark.parametrize(
    ("profile", "paper_dots", "width"),
    [
        ("TM-T88V", None, 512),  # the profile's printable width
        ("TM-T20II", None, 576),
        ("default", None, 576),  # the profile does not say: 80 mm paper
        ("TM-T88V", 384, 384),  # 58 mm paper
        ("TM-T88V", 390, 384),  # whole bytes of 8 dots
    ],
)
def test_pictures_keep_the_printers_width(profile: str, paper_dots: int | None, width: int) -> None:
    """GIVEN a long rare line WHEN printed THEN it wraps into rows no wider than the paper, as
    the printer wraps text, and no ink is lost."""
    long_line = ReceiptLine(f"抬头 Title: {RARE_NAME}有限公司" * 6, bold=True)
    data = render_receipt(ReceiptDocument((long_line,)), profile=profile, paper_dots=paper_dots)
    images = decode_stream(data)[0].images
    assert len(images) > 1
    assert {image.width for image in images} == {width}
    assert all(image.dot(x, y) is False for image in images[:-1] for x in range(width, width + 8)
               for y in range(image.height))  # fmt: skip
    rows = wrap(clean_text(long_line.text, chinese=True), ROW_DOTS, width)
    assert "".join(rows) == clean_text(long_line.text, chinese=True)
    assert all(glyph_fonts(ROW_DOTS).width(row) <= width for row in rows)


def test_a_double_rare_line_is_twice_as_tall_and_aligned() -> None:
    doc = ReceiptDocument(
        (ReceiptLine(RARE_NAME, Align.RIGHT, double=True), ReceiptLine(RARE_NAME, Align.LEFT)),
        cut=False,
    )
    big, small = decode_stream(render_receipt(doc, paper_dots=384))[0].images
    assert (big.height, small.height) == (ROW_DOTS * 2 + ROW_GAP, ROW_DOTS + ROW_GAP)
    big_box = ImageChops.invert(picture_of(big)).getbbox()
    small_box = ImageChops.invert(picture_of(small)).getbbox()
    assert big_box is not None
    assert small_box is not None
    assert big_box[0] > 384 // 2  # right aligned
    assert big_box[2] > 384 - ROW_DOTS
    assert small_box[0] < 8  # left aligned


def test_chinese_firmware_with_a_bigger_font_prints_more_as_text() -> None:
    doc = ReceiptDocument((ReceiptLine("堃"), ReceiptLine(RARE_NAME)), cut=False)
    assert decode_stream(render_receipt(doc, font_charset="gb2312"))[0].texts == ("", "")
    assert decode_stream(render_receipt(doc, font_charset="gbk"))[0].texts == ("堃", "")
    data = render_receipt(doc, font_charset="gb18030")
    assert decode_stream(data)[0].texts == ("堃", RARE_NAME)
    assert decode_stream(data)[0].images == ()


def test_gs_v0_bytes() -> None:
    picture = PilImage.new("1", (10, 2), 1)
    picture.putpixel((0, 0), 0)
    picture.putpixel((9, 1), 0)
    assert gs_v0(picture) == b"\x1dv0\x00\x02\x00\x02\x00" + b"\x80\x00\x00\x40"
    with pytest.raises(ValueError, match="split"):
        gs_v0(PilImage.new("1", (8, 2304), 1))
    with pytest.raises(ValueError, match="too small"):
        line_pictures("x", paper_dots=7, align=Align.LEFT)


def test_a_raster_split_across_reads_waits_for_its_dots() -> None:
    data = b"\x1dv0\x00\x01\x00\x02\x00\xff"
    decoder = StreamDecoder()
    assert decoder.feed(data) == []
    assert decoder.feed(b"\x81") == [Image(8, 2, raster=b"\xff\x81")]
    with pytest.raises(ProtocolError):
        StreamDecoder().feed(b"\x1dv1\x00\x01\x00\x01\x00\x00")


def test_graphics_with_enlargement_keep_no_dots() -> None:
    """GS ( L with bx = 2: the dots are not those of the picture as printed."""
    body = b"0p0\x02\x011\x08\x00\x01\x00\xff"
    command = b"\x1d(L" + bytes((len(body), 0)) + body
    assert StreamDecoder().feed(command) == [Image(8, 1)]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("汉字aZ 1￥䶮𠮷堃\x1b"), max_size=40))
def test_any_line_prints_without_garbage(text: str) -> None:
    """GIVEN any mix of common, rare and control characters THEN a GB2312 printer shows no
    garbage: every line is text it has, or a picture."""
    data = render_receipt(ReceiptDocument((ReceiptLine(text),), cut=False))
    [job] = decode_stream(data, "gb2312")
    assert "\ufffd" not in "".join(job.texts)
    cleaned = clean_text(text, chinese=True)
    if printable(cleaned, "gb2312"):
        assert job.texts == (cleaned,)
    else:
        assert all(line.image is not None for line in job.lines)


def test_no_other_characters_are_in_the_gb2312_check_than_the_encodings_agree() -> None:
    """Sanity of the coverage rule over the whole GB2312 table: every character a GB2312 font
    has is sent with the same two bytes in GB18030."""
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                char = bytes((first, second)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            assert in_font(char, "gb2312") == (char.encode("gb18030") == bytes((first, second)))


def test_command_events_for_the_size_commands() -> None:
    assert StreamDecoder().feed(b"\x1c!\x0c\x1cW\x00") == [
        Command(b"\x1c!\x0c"),
        Command(b"\x1cW\x00"),
    ]


# --- fonts -----------------------------------------------------------------------------------

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.mark.skipif(
    not (Path(DEJAVU).exists() and Path(WQY).exists()), reason="needs DejaVu and WenQuanYi"
)
def test_each_character_comes_from_the_first_font_that_has_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fonts = GlyphFonts(24, files=(DEJAVU, WQY, "/nonexistent.ttf"))
    latin, cjk = fonts.font_for("A"), fonts.font_for("汉")
    assert latin is not cjk
    assert fonts.font_for("é") is latin
    assert fonts.covers("汉")
    assert fonts.width("汉汉") == pytest.approx(2 * fonts.advance("汉"), abs=1)
    with caplog.at_level(logging.WARNING):
        fonts.font_for("\u0378")  # unassigned: in no font
    assert "U+0378" in caplog.text
    assert not fonts.covers("\u0378")


def test_without_any_font_pictures_still_come_out(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        fonts = GlyphFonts(24, files=("/nonexistent.ttf",))
    assert "no CJK font" in caplog.text
    assert fonts.width("abc") > 0


@pytest.mark.skipif(
    not glyph_fonts(ROW_DOTS).covers("䶮") or not glyph_fonts(ROW_DOTS).covers("𠮷"),
    reason="no installed font has 䶮 and 𠮷 (install fonts-hanazono or fonts-noto-cjk)",
)
def test_rare_characters_are_drawn_not_boxed() -> None:
    """With a font that has them, the picture of a rare name differs from that of characters
    no font has (which all draw as the same box)."""
    [rare] = line_pictures("䶮𠮷", paper_dots=384, align=Align.LEFT)
    [boxes] = line_pictures("\u0378\u0378", paper_dots=384, align=Align.LEFT)
    assert ImageChops.difference(rare, boxes).getbbox() is not None


def test_gb18030_codes_round_trip_so_a_run_consumes_exactly_its_bytes() -> None:
    """The decoder re-encodes a run to know how many bytes it took: every two-byte code and the
    four-byte codes of the BMP (81–84 leads) and of the first supplementary planes (90–93) that
    decode, encode back to themselves, and decode to one character."""
    codes = [
        bytes((a, b)) for a in range(0x81, 0xFF) for b in (*range(0x40, 0x7F), *range(0x80, 0xFF))
    ]
    leads = (*range(0x81, 0x85), *range(0x90, 0x94))
    digits, bytes2 = range(0x30, 0x3A), range(0x81, 0xFF)
    codes += [bytes((a, b, c, d)) for a in leads for b in digits for c in bytes2 for d in digits]
    for code in codes:
        try:
            char = code.decode("gb18030")
        except UnicodeDecodeError:
            continue
        assert len(char) == 1
        assert char.encode("gb18030") == code
