"""Detect the text encoding of a landing file: UTF-8 (with or without BOM), GB18030 or Big5.

Mainland Excel exports arrive in GB18030/GBK and Taiwan/Hong Kong exports in Big5. Many byte
strings decode without error in both GB18030 and Big5, so a strict decode alone cannot tell
them apart. We decode with each candidate and score how much of the text falls in the block of
*common* characters of that encoding (GB2312 level 1 for GB18030, Big5 frequently-used
characters for Big5): real text is dense in common characters; text decoded with the wrong
table is scattered over rare ones.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"
BIG5 = "big5"

# The sample looked at when scoring candidates: enough text to decide, cheap on large files.
_SAMPLE_BYTES = 256 * 1024
#: An undecodable byte, as ``surrogateescape`` leaves it: a lone surrogate U+DC80-U+DCFF.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class DetectedEncoding:
    """The codec to decode a file with, and how many bytes of it failed to decode strictly."""

    codec: str
    undecodable_lines: int = 0


def _is_common_gb2312(char: str) -> bool:
    """True for the 3,755 level-1 (most frequent) GB2312 hanzi: lead byte 0xB0-0xD7."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def _is_common_big5(char: str) -> bool:
    """True for the 5,401 frequently used Big5 hanzi: lead byte 0xA4-0xC6."""
    try:
        encoded = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xA4 <= encoded[0] <= 0xC6


def _common_share(text: str, is_common) -> float:
    """Share of non-ASCII characters that are common in the candidate encoding."""
    non_ascii = [c for c in text if ord(c) > 0x7F and not c.isspace()]
    if not non_ascii:
        return 1.0
    return sum(1 for c in non_ascii if is_common(c)) / len(non_ascii)


def _bad_line_count(data: bytes, codec: str) -> int:
    """Number of lines that do not decode strictly with ``codec``."""
    try:
        data.decode(codec)
        return 0
    except UnicodeDecodeError:
        pass
    bad = 0
    for line in data.split(b"\n"):
        try:
            line.decode(codec)
        except UnicodeDecodeError:
            bad += 1
    return bad


def detect_encoding(data: bytes) -> DetectedEncoding:
    """Pick the encoding of a whole file's bytes.

    Order of evidence: a UTF-8 BOM; a strict UTF-8 decode (GB18030 and Big5 text is almost
    never valid UTF-8); otherwise the legacy codec with fewer undecodable lines, and on a
    tie the one whose decoded text is denser in its common characters.
    """
    if data.startswith(codecs.BOM_UTF8):
        return DetectedEncoding(UTF8_BOM, _bad_line_count(data, UTF8_BOM))
    sample = data[:_SAMPLE_BYTES]
    # Cut the sample at a line end so a multi-byte character is never split.
    if len(data) > _SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]
    utf8_bad = _bad_line_count(sample, UTF8)
    if utf8_bad == 0:
        return DetectedEncoding(UTF8, _bad_line_count(data, UTF8))

    candidates = []
    for codec, is_common in ((GB18030, _is_common_gb2312), (BIG5, _is_common_big5)):
        bad = _bad_line_count(sample, codec)
        share = _common_share(sample.decode(codec, errors="ignore"), is_common)
        candidates.append((bad, -share, codec))
    candidates.append((utf8_bad, 0.0, UTF8))
    _, _, best = min(candidates)
    return DetectedEncoding(best, _bad_line_count(data, best))


def decode(data: bytes, codec: str) -> str:
    """Decode keeping undecodable bytes as lone surrogates, so no byte is lost.

    Records that contain them are quarantined with ``ENCODING_ERROR`` by the reader
    (see ``has_undecodable``), and their raw content is kept with backslash escapes.
    """
    return data.decode(codec, errors="surrogateescape")


def has_undecodable(text: str) -> bool:
    """True when ``text`` holds bytes that did not decode (lone surrogates)."""
    return _UNDECODABLE.search(text) is not None


def printable(text: str) -> str:
    """``text`` with undecodable bytes shown as ``\\xNN`` escapes, safe to store."""
    if not has_undecodable(text):
        return text
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)
