import codecs

import pytest

from ingestion.encoding import decode, detect_encoding, has_undecodable, printable

SIMPLIFIED = (
    "客服态度很好，物流也很快，就是包装有点简陋，下次还会回购。\n退款流程太慢了，等了一个星期。\n"
)
TRADITIONAL = "店員服務很親切，環境乾淨，價格也合理。\n等候時間太長了，希望改進結帳流程。\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED.encode("gb18030"), "gb18030"),
        (SIMPLIFIED.encode("gbk"), "gb18030"),
        (TRADITIONAL.encode("big5"), "big5"),
        (TRADITIONAL.encode("utf-8"), "utf-8"),
        (b"id,name\n1,abc\n", "utf-8"),
    ],
)
def test_detects_the_encoding_of_real_exports(data: bytes, expected: str) -> None:
    detected = detect_encoding(data)
    assert detected.codec == expected
    assert detected.undecodable_lines == 0
    assert "\ufeff" not in decode(data, detected.codec)


def test_short_big5_and_gb18030_texts_are_told_apart() -> None:
    assert detect_encoding("等候時間太長".encode("big5")).codec == "big5"
    assert detect_encoding("等候时间太长".encode("gb18030")).codec == "gb18030"


def test_a_bad_byte_is_kept_and_marked_not_lost() -> None:
    data = "第一行\n".encode() + b"\xff\xfe bad\n" + "第三行\n".encode()
    detected = detect_encoding(data)
    text = decode(data, detected.codec)
    lines = text.splitlines()
    assert not has_undecodable(lines[0])
    assert has_undecodable(lines[1])
    assert printable(lines[1]) == "\\xff\\xfe bad"
