"""Brand mentions: which brands a text names, counting a name only where it stands as a word.

The brands and their aliases come from the dbt seeds ``brands`` (brand, is_own_brand, alias:
one row per simplified, traditional and English/pinyin form) and ``brand_lookalikes`` (brand,
word: longer words that contain an alias but do not name the brand, such as 小麦粉 or 万古长青).

An occurrence of an alias counts when

* Latin aliases (``Evergreen``, ``XiaoMai``): case-insensitively, with no letter or digit
  right before or after it (``evergreens`` and ``xiaomai123`` do not count);
* Chinese aliases: it is not inside an occurrence of one of its brand's look-alike words, and
  jieba, with every alias added to its dictionary, cuts the text at both ends of it (so a
  dictionary word that contains the alias, 小麦粉 or 长青藤, does not count even when the
  seed forgot it).

Aliases are matched longest first and never overlap, so 禾光智家 counts once for 禾光 and not
again for its first two characters. The jieba tokenizer here is a private instance: the
aliases never change the segmentation the scoring pipeline uses.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba

from text_analytics.tokenize import cache_dir

_LATIN_RE = re.compile(r"^[0-9a-z .&'_-]+$")
_lock = threading.Lock()


@dataclass(frozen=True)
class BrandAlias:
    """One way of writing a brand's name."""

    brand: str
    alias: str
    is_own_brand: bool = False


@dataclass(frozen=True)
class Mention:
    """One counted occurrence of a brand in a text."""

    brand: str
    alias: str
    start: int
    end: int


def is_latin(alias: str) -> bool:
    """True for aliases written in Latin letters (matched with word boundaries)."""
    return bool(_LATIN_RE.match(alias.lower()))


def _latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


@lru_cache(maxsize=8)
def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    """A private jieba tokenizer that knows ``words`` (the Chinese aliases)."""
    with _lock:
        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.tmp_dir = str(cache_dir())
        tok.initialize()
        for word in words:
            tok.add_word(word)
        return tok


def _cut_points(text: str, words: tuple[str, ...]) -> set[int]:
    """Offsets at which jieba cuts ``text`` (0 and len included)."""
    points = {0}
    pos = 0
    for token in _tokenizer(words).cut(text):
        pos += len(token)
        points.add(pos)
    return points


def _spans(text: str, word: str) -> list[tuple[int, int]]:
    out, start = [], text.find(word)
    while start >= 0:
        out.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return out


def find_mentions(
    text: str | None,
    aliases: Sequence[BrandAlias],
    lookalikes: Iterable[tuple[str, str]] = (),
) -> list[Mention]:
    """Every counted brand mention in ``text`` (see the module docstring), in text order.

    ``lookalikes`` are (brand, word) pairs: an alias of ``brand`` inside ``word`` does not
    count. Matching is case-insensitive for every alias.
    """
    if not text:
        return []
    lowered = text.lower()
    candidates = [a for a in aliases if a.alias and a.alias.lower() in lowered]
    if not candidates:
        return []
    chinese = tuple(sorted({a.alias.lower() for a in aliases if not is_latin(a.alias)}))
    blocked: list[tuple[str, int, int]] = []
    for brand, word in lookalikes:
        for start, end in _spans(lowered, word.lower()):
            blocked.append((brand, start, end))
    cuts: set[int] | None = None
    taken = [False] * len(lowered)
    found: list[Mention] = []
    for alias in sorted(candidates, key=lambda a: (-len(a.alias), a.alias)):
        needle = alias.alias.lower()
        for start, end in _spans(lowered, needle):
            if any(taken[start:end]):
                continue
            if is_latin(needle):
                before = lowered[start - 1] if start > 0 else " "
                after = lowered[end] if end < len(lowered) else " "
                if _latin_word_char(before) or _latin_word_char(after):
                    continue
            else:
                if any(b == alias.brand and s <= start and end <= e for b, s, e in blocked):
                    continue
                if cuts is None:
                    cuts = _cut_points(lowered, chinese)
                if start not in cuts or end not in cuts:
                    continue
            for i in range(start, end):
                taken[i] = True
            found.append(Mention(alias.brand, alias.alias, start, end))
    return sorted(found, key=lambda m: m.start)


def brand_counts(
    text: str | None,
    aliases: Sequence[BrandAlias],
    lookalikes: Iterable[tuple[str, str]] = (),
) -> dict[str, int]:
    """Mentions per brand in ``text`` (brands not mentioned are left out)."""
    counts: dict[str, int] = {}
    for mention in find_mentions(text, aliases, lookalikes):
        counts[mention.brand] = counts.get(mention.brand, 0) + 1
    return counts


def mention_rows(
    items: Iterable[tuple[str, str | None]],
    aliases: Sequence[BrandAlias],
    lookalikes: Iterable[tuple[str, str]] = (),
) -> list[tuple[str, str, int, str]]:
    """(item id, brand, mentions, aliases seen joined by '|') for each item x brand it names.

    ``items`` are (id, text) pairs, e.g. the texts a SQL pre-filter found to contain an
    alias somewhere.
    """
    pairs = list(lookalikes)
    rows = []
    for item_id, text in items:
        per_brand: dict[str, list[str]] = {}
        for mention in find_mentions(text, aliases, pairs):
            per_brand.setdefault(mention.brand, []).append(mention.alias)
        for brand, seen in sorted(per_brand.items()):
            rows.append((item_id, brand, len(seen), "|".join(sorted(set(seen)))))
    return rows
