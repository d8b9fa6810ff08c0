"""Helpers for the text analytics tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sentiment"


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit."""
    for check in "0123456789":
        digits = prefix + check
        total = 0
        for i, char in enumerate(reversed(digits)):
            d = int(char) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def cn_id_complete(first17: str) -> str:
    """A mainland ID number: ``first17`` plus its ISO 7064 MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


@pytest.fixture
def corpus_dir() -> Path:
    """The labelled corpus folder, or a skip when this checkout has no ``shared/`` beside it."""
    if not (CORPUS_DIR / "online_shopping_7_cats.csv").is_file():
        pytest.skip(f"labelled corpus not present at {CORPUS_DIR}")
    return CORPUS_DIR
