"""Normalising raw feedback text before masking, script folding and tokenising.

Steps: HTML entities unescaped (twice at most, exports are often double-escaped), line-break tags
become spaces and other tags are dropped, full-width ASCII letters, digits and the symbols that
occur inside phone numbers, e-mail addresses and URLs become half-width, while Chinese punctuation
(，。！？：；（）「」) stays as it is, since it marks clauses. Zero-width characters, emoji
variation selectors and skin-tone modifiers are removed, and whitespace runs become one space.
"""

from __future__ import annotations

import html
import re

_BREAK_TAG_RE = re.compile(r"<\s*(?:br|/?p|/?div|/?li)\b[^<>]*>", re.IGNORECASE)
# A tag starts with a letter (or /letter): "<3" or "价格<100元" are not tags.
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_WS_RE = re.compile(r"\s+")


def _width_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    # Full-width digits and Latin letters.
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for code in range(start, end + 1):
            table[code] = code - 0xFEE0
    # Symbols that belong to phone numbers, e-mail addresses, URLs, prices and versions.
    for char in "＠＋－．＿％＃＆／＝＊＄＾｜＼～":
        table[ord(char)] = ord(char) - 0xFEE0
    table[0x3000] = 0x20  # ideographic space
    for code in (0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF, 0xFE0E, 0xFE0F):
        table[code] = None  # zero-width characters, variation selectors (not ZWJ)
    for code in range(0x1F3FB, 0x1F400):
        table[code] = None  # emoji skin-tone modifiers
    return table


_WIDTH = _width_table()
_WIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH) + "]")
_WS_FIX_RE = re.compile(r"\s\s|[^\S ]")  # anything _WS_RE would change inside the text


def clean_text(text: str | None) -> str:
    """Return ``text`` normalised as described in the module docstring ('' for ``None``)."""
    if not text:
        return ""
    if "&" in text:
        for _ in range(2):
            unescaped = html.unescape(text)
            if unescaped == text:
                break
            text = unescaped
    if "<" in text:
        text = _BREAK_TAG_RE.sub(" ", text)
        text = _TAG_RE.sub("", text)
    if _WIDTH_RE.search(text) is not None:
        text = text.translate(_WIDTH)
    if _WS_FIX_RE.search(text) is not None:
        text = _WS_RE.sub(" ", text)
    return text.strip()
