"""TF-IDF keywords from the tokens already computed, with jieba's own IDF table.

``jieba.analyse.extract_tags`` would segment the text a second time; this reuses the pipeline's
tokens and the IDF file shipped with jieba (``jieba/analyse/idf.txt``), with unknown words given
the median IDF as jieba does.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jieba

from text_analytics._resources import STOPWORDS, word_set
from text_analytics.pii import PLACEHOLDERS

TOP_K = 5
_PLACEHOLDERS = frozenset(f"[{p}]" for p in PLACEHOLDERS)


@lru_cache(maxsize=1)
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF per word and the median IDF for unknown words."""
    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.rstrip("\n").partition(" ")
            if value:
                table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2]


def _candidate(word: str, stop: frozenset[str]) -> bool:
    """Two characters or more, not a stopword, placeholder or plain number."""
    return (
        len(word) >= 2
        and word not in stop
        and word not in _PLACEHOLDERS
        and not word.replace(".", "").isdigit()
    )


class _WeightCache(dict[str, float]):
    """Word -> IDF for keyword candidates, 0.0 for the rest; filled on first sight."""

    def __missing__(self, word: str) -> float:
        idf, median = idf_table()
        value = idf.get(word, median) if _candidate(word, word_set(STOPWORDS)) else 0.0
        if len(self) < 500_000:
            self[word] = value
        return value


_weights = _WeightCache()


def keyword_weight(word: str) -> float:
    """IDF of a keyword candidate, 0.0 for any other word (memoised)."""
    return _weights[word]


def top_keywords(scores: dict[str, float], k: int = TOP_K) -> list[str]:
    """The ``k`` best of ``{word: summed IDF}`` (ties: first occurrence first)."""
    if len(scores) <= 1:
        return list(scores)
    return sorted(scores, key=scores.__getitem__, reverse=True)[:k]
