"""Locating and reading the files in ``text_analytics/resources``.

All lexicon files share one format: UTF-8 lines, ``#`` starts a comment line, fields separated by
a tab. Loaders are cached so every process reads each file once.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

RESOURCE_DIR = Path(__file__).resolve().parent / "resources"

USER_DICT = RESOURCE_DIR / "user_dict.txt"
STOPWORDS = RESOURCE_DIR / "stopwords.txt"
POLARITY = RESOURCE_DIR / "polarity.txt"
EMOJI = RESOURCE_DIR / "emoji.txt"
TOPIC_LEXICON = RESOURCE_DIR / "topics.txt"
SERVICE_PHRASES = RESOURCE_DIR / "service_phrases.txt"
SCRIPT_CHARS = RESOURCE_DIR / "script_chars.json"
MODEL_FILE = RESOURCE_DIR / "sentiment_model.json"
EVALUATION_FILE = RESOURCE_DIR / "evaluation.json"

#: Files whose content changes scoring results; their hash is part of ``MODEL_VERSION``.
SCORING_FILES = (
    MODEL_FILE,
    POLARITY,
    EMOJI,
    TOPIC_LEXICON,
    USER_DICT,
    STOPWORDS,
    SCRIPT_CHARS,
    SERVICE_PHRASES,
)


def data_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a resource file, stripped of trailing whitespace."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.rstrip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@cache
def weighted_words(path: Path) -> dict[str, float]:
    """``word<TAB>number`` lines as a dict (later lines win)."""
    table: dict[str, float] = {}
    for line in data_lines(path):
        word, _, value = line.partition("\t")
        table[word.strip().lower()] = float(value)
    return table


@cache
def word_set(path: Path) -> frozenset[str]:
    """First field of every line."""
    return frozenset(line.split()[0].lower() for line in data_lines(path))


def files_digest(paths: tuple[Path, ...] = SCORING_FILES) -> str:
    """SHA-256 over the names and bytes of ``paths`` (missing files hash as empty)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
        digest.update(b"\0")
    return digest.hexdigest()
