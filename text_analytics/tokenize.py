"""jieba set up once per process, with the domain user dictionary.

jieba keeps a global tokenizer (``jieba.dt``). ``tokenizer()`` initialises it on first use: its
dictionary cache goes to a writable cache directory (``use_cache_dir``, else the system temp dir),
its logger is quieted, and ``resources/user_dict.txt`` is loaded. Text is lower-cased before
segmentation so ``APP`` and ``app`` are one token; the masking placeholders stay whole tokens
(``[PHONE]``, ``[ID_CARD]``).
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import jieba

from text_analytics._resources import USER_DICT, data_lines
from text_analytics.pii import PLACEHOLDERS

_lock = threading.Lock()
_ready = False
# Placeholders stand in for one private-use character each while jieba runs: jieba emits such a
# character as a token of its own, where "[ID_CARD]" would come out as "[", "id", "_", "card", "]".
_PLACEHOLDER_CHARS = {f"[{p}]": chr(0xE000 + i) for i, p in enumerate(PLACEHOLDERS)}
_CHAR_PLACEHOLDERS = {c: p for p, c in _PLACEHOLDER_CHARS.items()}
_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in _PLACEHOLDER_CHARS))
# Distinct blocks whose segmentation is kept. Feedback repeats its short clauses ("物流很快",
# "质量不错", "好评"): on the labelled review corpus 27 % of blocks are repeats. 65,536 entries
# of a few short strings each stay within a few tens of MB per process.
SEGMENT_CACHE_SIZE = 1 << 16


_chosen_cache_dir: Path | None = None


def use_cache_dir(path: Path | str | None) -> None:
    """Keep jieba's dictionary cache in ``path`` (None: the system temp dir). Takes effect
    when the tokenizer is first initialised in this process."""
    global _chosen_cache_dir
    _chosen_cache_dir = Path(path) if path else None


def cache_dir() -> Path:
    """Writable directory for jieba's dictionary cache."""
    path = _chosen_cache_dir or Path(tempfile.gettempdir()) / "voc-warehouse"
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
                clear_segment_cache()
                _ready = True
    return jieba.dt


@lru_cache(maxsize=SEGMENT_CACHE_SIZE)
def _segment_block(block: str) -> tuple[str, ...]:
    return tuple(tokenizer().cut(block))


def clear_segment_cache() -> None:
    """Forget every memoised block (after changing jieba's dictionary; in benchmarks)."""
    _segment_block.cache_clear()


def segment(text: str) -> list[str]:
    """``jieba.lcut(text)``, token for token, with each block's segmentation memoised.

    jieba splits a text into blocks (runs of CJK, letters and digits, and what lies between)
    and segments each block on its own, so the segmentation of a text is the concatenation of
    its blocks' segmentations, and that of a block depends only on the block and the dictionary.
    The dictionary is fixed once ``tokenizer()`` has loaded the user dictionary (a word added
    through jieba afterwards is not seen for blocks already segmented).
    """
    tokenizer()
    tokens: list[str] = []
    for block in jieba.re_han_default.split(text):
        if block:
            tokens.extend(_segment_block(block))
    return tokens


def raw_tokens(text: str) -> list[str]:
    """All jieba tokens of ``text`` lower-cased, punctuation and spaces included; masking
    placeholders come out whole (``[PHONE]``)."""
    if "[" not in text:
        return segment(text.lower())
    text = _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDER_CHARS[m.group(0)], text)
    tokens = segment(text.lower())
    return [_CHAR_PLACEHOLDERS.get(t, t) for t in tokens]


_PLACEHOLDER_VALUES = frozenset(_PLACEHOLDER_CHARS)


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
