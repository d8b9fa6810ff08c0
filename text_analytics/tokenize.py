"""jieba set up once per process, with the domain user dictionary.

jieba keeps a global tokenizer (``jieba.dt``). ``tokenizer()`` initialises it on first use: its
dictionary cache goes to a writable cache directory (``VOC_CACHE_DIR``, else the system temp dir),
its logger is quieted, and ``resources/user_dict.txt`` is loaded. Text is lower-cased before
segmentation so ``APP`` and ``app`` are one token; the masking placeholders, which jieba would
split into ``[``, ``phone``, ``]``, are glued back and upper-cased.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

import jieba

from text_analytics._resources import USER_DICT, data_lines
from text_analytics.pii import PLACEHOLDERS

_lock = threading.Lock()
_ready = False
_PLACEHOLDER_TOKENS = {p.lower(): f"[{p}]" for p in PLACEHOLDERS}


def cache_dir() -> Path:
    """Writable directory for jieba's dictionary cache."""
    base = os.environ.get("VOC_CACHE_DIR") or os.path.join(tempfile.gettempdir(), "voc-warehouse")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def tokenizer() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, initialised with the user dictionary."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(cache_dir())
                jieba.dt.initialize()
                for line in data_lines(USER_DICT):
                    parts = line.split()
                    freq = int(parts[1]) if len(parts) > 1 else None
                    tag = parts[2] if len(parts) > 2 else None
                    jieba.dt.add_word(parts[0], freq, tag)
                _ready = True
    return jieba.dt


def _glue_placeholders(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if (
            tok == "["
            and i + 2 < n
            and tokens[i + 2] == "]"
            and tokens[i + 1] in _PLACEHOLDER_TOKENS
        ):
            out.append(_PLACEHOLDER_TOKENS[tokens[i + 1]])
            i += 3
        else:
            out.append(tok)
            i += 1
    return out


def raw_tokens(text: str) -> list[str]:
    """All jieba tokens of ``text`` lower-cased, punctuation and spaces included."""
    tokens = tokenizer().lcut(text.lower())
    if "[" in text:
        tokens = _glue_placeholders(tokens)
    return tokens


_PLACEHOLDER_VALUES = frozenset(_PLACEHOLDER_TOKENS.values())


def _is_pictograph(char: str) -> bool:
    """Emoji and other symbols from U+2600 on, except CJK and full-width punctuation blocks."""
    code = ord(char)
    return code >= 0x2600 and not (
        0x3000 <= code <= 0x303F or 0xFE10 <= code <= 0xFE6F or 0xFF00 <= code <= 0xFFEF
    )


def is_word(token: str) -> bool:
    """True for tokens worth keeping: words, numbers, placeholders and emoji.

    Whitespace and punctuation (ASCII or CJK) are not words.
    """
    if token.isalnum() or token in _PLACEHOLDER_VALUES:
        return True
    if len(token) == 1:
        return _is_pictograph(token)
    return any(c.isalnum() for c in token)


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text`` (see ``raw_tokens``) without whitespace and punctuation."""
    return [t for t in raw_tokens(text) if is_word(t)]
