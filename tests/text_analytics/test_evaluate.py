"""``python -m text_analytics.evaluate``: the leave-one-corpus-out table and its baselines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.text_analytics.conftest import CORPUS_DIR
from text_analytics import evaluate
from text_analytics.evaluate import (
    BINARY_CORPORA,
    CAR_CORPUS,
    DOMAIN_WEIGHT_POWER,
    TfidfBaseline,
    deterministic_sample,
    domain_weights,
    main,
)

ALL_FILES = [*BINARY_CORPORA.values(), CAR_CORPUS[1]]


@pytest.fixture
def all_corpora() -> Path:
    missing = [f for f in ALL_FILES if not (CORPUS_DIR / f).is_file()]
    if missing:
        pytest.skip(f"labelled corpora not present at {CORPUS_DIR}: {', '.join(missing)}")
    return CORPUS_DIR


def test_fails_clearly_without_corpora(tmp_path: Path, capsys) -> None:
    assert main(["--corpus", str(tmp_path / "nowhere"), "--json", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err
    assert "labelled sentiment corpus not found" in err and "Traceback" not in err
    assert not (tmp_path / "t.json").exists()


def test_sample_is_deterministic_and_order_free() -> None:
    texts = [f"评论{i}" for i in range(100)]
    picked = {texts[i] for i in deterministic_sample(texts, 10)}
    assert len(picked) == 10
    assert {texts[::-1][i] for i in deterministic_sample(texts[::-1], 10)} == picked


def test_domain_weights_give_each_corpus_the_same_total() -> None:
    corpus = ["a"] * 90 + ["b"] * 10
    w = domain_weights(corpus)
    assert w.mean() == pytest.approx(1.0)
    assert w[:90].sum() == pytest.approx(w[90:].sum())


def test_domain_weights_by_a_power_of_the_corpus_size() -> None:
    """The fits weigh each corpus by the square root of its size (DOMAIN_WEIGHT_POWER)."""
    corpus = ["a"] * 90 + ["b"] * 10
    w = domain_weights(corpus, DOMAIN_WEIGHT_POWER)
    assert DOMAIN_WEIGHT_POWER == 0.5
    assert w.mean() == pytest.approx(1.0)
    assert w[:90].sum() == pytest.approx(3 * w[90:].sum())


def test_tfidf_baseline_learns_a_toy_task() -> None:
    docs = [TfidfBaseline.grams(t.split()) for t in ["很 好", "非常 好", "很 差", "太 差"] * 5]
    y = [1, 1, 0, 0] * 5
    base = TfidfBaseline(min_df=1)
    base.fit(docs, y, np.ones(len(y)))
    pred = base.decision([TfidfBaseline.grams(["好"]), TfidfBaseline.grams(["差"])])
    assert pred[0] > 0 > pred[1]


@pytest.mark.corpus
def test_command_prints_the_table_with_every_corpus(all_corpora: Path, tmp_path, capsys) -> None:
    """The whole command on a small deterministic sample: every corpus, both baselines."""
    out = tmp_path / "loco.json"
    args = ["--corpus", str(all_corpora), "--json", str(out), "--train-cap", "600"]
    args += ["--test-cap", "300", "--snownlp-sample", "40", "--traditional-sample", "60"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    table = json.loads(out.read_text("utf-8"))
    for name in BINARY_CORPORA:
        assert name in printed
        fold = table["folds"][name]
        assert fold["test_n"] == 300
        for system in ("ours", "tfidf_lr"):
            assert 0.5 <= fold[system]["all"] <= 1.0, (name, system, fold[system])
        assert "snownlp" in fold  # a figure, or None with a note when not installed
        assert fold["traditional"]["hant_detected"] > 0.9
    for system in ("ours", "tfidf_lr", "snownlp"):
        assert set(table["average"][system]) == {"all", "tune", "report"}
    aspects = table["folds"][CAR_CORPUS[0]]["aspects"]
    assert aspects["n"] > 10_000  # every (post, aspect) row is scored
    for key in ("document_score", "aspect_score"):
        row = aspects[key]["all"]
        assert 0 < row["neutral_recall"] <= 1 and 0 < row["three_class_accuracy"] <= 1
    assert "average" in printed and "neutral recall" in printed


def test_committed_loco_table() -> None:
    """The committed table covers every corpus; the model beats the TF-IDF baseline on the
    leave-one-corpus-out average by the margin measured when it was written."""
    table = json.loads(evaluate.LOCO_FILE.read_text("utf-8"))
    assert set(table["folds"]) == {*BINARY_CORPORA, CAR_CORPUS[0]}
    avg = table["average"]
    assert avg["ours"]["report"] >= avg["tfidf_lr"]["report"] + 0.02
    assert avg["ours"]["all"] >= avg["tfidf_lr"]["all"] + 0.02
