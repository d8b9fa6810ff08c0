"""Checks against the real labelled corpus (skipped when ``shared/`` is absent)."""

from __future__ import annotations

import random
from pathlib import Path

import opencc
import pytest

from text_analytics.evaluate import binary_accuracy, is_holdout, load_corpus
from text_analytics.model import get_model
from text_analytics.pipeline import prepare

SAMPLE = 3000  # enough for a stable figure, quick enough for the suite


def _holdout_sample(corpus_dir: Path) -> tuple[list[str], list[int]]:
    df = load_corpus(corpus_dir)
    held = df[[is_holdout(t) for t in df["text"]]]
    rows = sorted(zip(held["text"], held["label"], strict=True))
    random.Random(11).shuffle(rows)
    rows = rows[:SAMPLE]
    return [t for t, _ in rows], [int(y) for _, y in rows]


@pytest.mark.corpus
def test_committed_model_on_held_out_split(corpus_dir: Path) -> None:
    """The committed model never saw the held-out split; it must stay well above chance."""
    texts, labels = _holdout_sample(corpus_dir)
    model = get_model()
    accuracy = binary_accuracy(model, [prepare(t, model) for t in texts], labels)
    assert accuracy >= 0.9, accuracy


@pytest.mark.corpus
def test_committed_model_on_traditional_script(corpus_dir: Path) -> None:
    texts, labels = _holdout_sample(corpus_dir)
    s2t = opencc.OpenCC("s2t")
    texts, labels = [s2t.convert(t) for t in texts[:1000]], labels[:1000]
    model = get_model()
    prepared = [prepare(t, model) for t in texts]
    assert sum(p.script == "hant" for p in prepared) / len(prepared) >= 0.95
    assert binary_accuracy(model, prepared, labels) >= 0.9


@pytest.mark.corpus
def test_holdout_split_is_about_a_fifth(corpus_dir: Path) -> None:
    df = load_corpus(corpus_dir)
    share = sum(map(is_holdout, df["text"])) / len(df)
    assert 0.18 < share < 0.22
